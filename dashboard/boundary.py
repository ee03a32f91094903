"""The one place where failures become plain messages instead of stack traces.

Pages run inside `error_boundary`. A `csat` error is explained (what happened,
what to do) with the fixes the original tutorial listed under "common errors",
corrected for the real API; anything else gets a generic message while its
traceback goes to the server log. Data already fetched stays in the local store,
so every message can promise that nothing is lost.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Literal

import streamlit as st

from csat.errors import (
    AnswersUnreadError,
    ApiError,
    AuthenticationError,
    BadRequestError,
    ConfigurationError,
    CsatError,
    DateRangeError,
    ExtractionError,
    FormSelectionError,
    MissingPermissionError,
    NotFoundError,
    RateLimitError,
    ServiceError,
    StoreError,
    TimeZoneError,
    UnreachableError,
)
from dashboard.text import escape_markdown

logger = logging.getLogger(__name__)

Severity = Literal["error", "warning"]
KEPT = "Everything fetched so far is kept in the local cache."


@dataclass(frozen=True)
class PlainMessage:
    """What happened and what to do, in words a supervisor can act on."""

    what: str
    action: str
    severity: Severity = "error"
    reference: str = ""  # status, path and correlation id for Genesys support


def explain(error: CsatError) -> PlainMessage:
    """The message for one `csat` error; the most specific rule wins."""
    for kind, build in _RULES:
        if isinstance(error, kind):
            return build(error)
    return PlainMessage(escape_markdown(error.message), error.hint or "Try again.")


def unexpected(where: str) -> PlainMessage:
    return PlainMessage(
        f"Something unexpected went wrong while {where}.",
        f"{KEPT} Reload the page; if it happens again, the server log holds "
        "the details.",
    )


def render_message(message: PlainMessage) -> None:
    """Show `message` as a plain box (markdown of our own text only)."""
    body = f"**{message.what}**\n\n{message.action}"
    if message.reference:
        body += (
            f"\n\nReference for Genesys support: {escape_markdown(message.reference)}"
        )
    show = st.error if message.severity == "error" else st.warning
    show(body, icon=":material/error:" if message.severity == "error" else None)


@contextmanager
def error_boundary(where: str) -> Iterator[None]:
    """Run a page body; turn any failure into a message and stop the page.

    Streamlit's own stop and rerun signals are BaseExceptions and pass through.
    """
    try:
        yield
    except CsatError as exc:
        logger.warning("%s while %s", type(exc).__name__, where)
        render_message(explain(exc))
        st.stop()
    except Exception as exc:  # noqa: BLE001 - the app's single UI boundary
        # The frames only: an exception message may quote data it choked on.
        frames = "".join(traceback.format_tb(exc.__traceback__))
        logger.error("Unexpected %s while %s\n%s", type(exc).__name__, where, frames)
        render_message(unexpected(where))
        st.stop()


def _reference(error: CsatError) -> str:
    return str(error) if isinstance(error, ApiError) and error.status else ""


def _configuration(error: CsatError) -> PlainMessage:
    return PlainMessage(
        "The Genesys Cloud connection is not set up correctly: "
        + escape_markdown(error.message),
        f"{error.hint} Restart the dashboard after changing the settings.",
    )


def _authentication(error: CsatError) -> PlainMessage:
    return PlainMessage(
        "Genesys Cloud refused the OAuth client's credentials.",
        "Check GENESYS_CLIENT_ID and GENESYS_CLIENT_SECRET, that the OAuth client "
        "uses the Client Credentials grant, and that GENESYS_REGION names the "
        "org's own region (a client is unknown in every other region).",
        reference=_reference(error),
    )


def _permission(error: CsatError) -> PlainMessage:
    names = getattr(error, "permissions", []) or []
    missing = ", ".join(f"`{n}`" for n in names) or "a permission"
    if isinstance(error, MissingPermissionError) and error.any_of:
        missing = "one of " + " or ".join(f"`{n}`" for n in names)
    return PlainMessage(
        f"The OAuth client is missing {missing}.",
        "Client-credentials clients get permissions from their roles, not from "
        "scopes: in Admin > Roles / Permissions add the permission to a role, "
        "give that role to the OAuth client (Admin > Integrations > OAuth > "
        f"Roles), then press Refresh. {KEPT}",
        reference=_reference(error),
    )


def _rate_limit(error: CsatError) -> PlainMessage:
    return PlainMessage(
        "Genesys Cloud kept answering 429 Too Many Requests after every retry.",
        f"{KEPT} Wait a minute and press Refresh. The budget (about 300 requests "
        "a minute per OAuth client) is shared with anything else using the same "
        "client; a dedicated OAuth client or a lower CSAT_RATE_PER_MINUTE helps.",
        severity="warning",
        reference=_reference(error),
    )


def _form(error: CsatError) -> PlainMessage:
    candidates = getattr(error, "candidates", []) or []
    listed = ", ".join(f'"{escape_markdown(c)}"' for c in candidates)
    choose = f" Forms found: {listed}." if candidates else ""
    return PlainMessage(
        "The survey form that holds CSAT could not be chosen: "
        + escape_markdown(error.message),
        "Pick the form under **Survey form** in the sidebar (survey forms are "
        "listed in Genesys Cloud under Admin > Quality > Survey Forms; there is "
        f"no separate scorecard).{choose}",
        severity="warning",
    )


def _input(error: CsatError) -> PlainMessage:
    return PlainMessage(escape_markdown(error.message), error.hint, severity="warning")


def _not_found(error: CsatError) -> PlainMessage:
    return PlainMessage(
        "Genesys Cloud does not know something this view asked for.",
        "It may have been deleted, or belong to a division the OAuth client "
        "cannot see. Check the survey form choice, then press Refresh.",
        reference=_reference(error),
    )


def _bad_request(error: CsatError) -> PlainMessage:
    return PlainMessage(
        "Genesys Cloud refused a request as malformed or over one of its limits.",
        f"{KEPT} Try a shorter date range; if it persists, send the reference "
        "below to support.",
        reference=_reference(error),
    )


def _unread(error: CsatError) -> PlainMessage:
    return PlainMessage(
        "Genesys Cloud did not answer for some survey responses: "
        + escape_markdown(error.message),
        f"{KEPT} Press Refresh to fetch what is missing; answers already stored "
        "are not fetched again.",
        severity="warning",
    )


def _unreachable(error: CsatError) -> PlainMessage:
    return PlainMessage(
        "Genesys Cloud could not be reached: " + escape_markdown(error.message) + ".",
        f"{UnreachableError.hint} {KEPT}",
        severity="warning",
        reference=_reference(error),
    )


def _service(error: CsatError) -> PlainMessage:
    return PlainMessage(
        "Genesys Cloud is not answering reliably (server errors or timeouts).",
        f"{KEPT} Try again in a few minutes with Refresh.",
        severity="warning",
        reference=_reference(error),
    )


def _extraction(error: CsatError) -> PlainMessage:
    return PlainMessage(
        "A Genesys Cloud analytics job did not finish: "
        + escape_markdown(error.message),
        f"{KEPT} Press Refresh to try again, or pick a shorter range.",
        severity="warning",
    )


def _store(error: CsatError) -> PlainMessage:
    return PlainMessage(
        "The local cache cannot be used: " + escape_markdown(error.message),
        "Check that the folder named by CSAT_STORE (default "
        "~/.cache/csat-explorer) exists, is writable and has free space.",
    )


_RULES = (
    (ConfigurationError, _configuration),
    (AuthenticationError, _authentication),
    (MissingPermissionError, _permission),
    (RateLimitError, _rate_limit),
    (FormSelectionError, _form),
    (DateRangeError, _input),
    (TimeZoneError, _input),
    (NotFoundError, _not_found),
    (BadRequestError, _bad_request),
    (AnswersUnreadError, _unread),
    (UnreachableError, _unreachable),
    (ServiceError, _service),
    (ExtractionError, _extraction),
    (StoreError, _store),
)
