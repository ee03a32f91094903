"""The error boundary: plain messages, no stack traces, Streamlit signals untouched."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from csat.errors import (
    AnswersUnreadError,
    AuthenticationError,
    ConfigurationError,
    CsatError,
    FormSelectionError,
    MissingPermissionError,
    RateLimitError,
    ServiceError,
    StoreError,
    UnreachableError,
)
from dashboard.boundary import explain


@pytest.mark.parametrize(
    ("error", "what", "action"),
    [
        (
            ConfigurationError("missing GENESYS_CLIENT_SECRET."),
            "not set up correctly",
            "GENESYS_CLIENT_ID",
        ),
        (
            AuthenticationError("refused", status=401, path="/oauth/token"),
            "refused the OAuth client",
            "Client Credentials",
        ),
        (
            MissingPermissionError(
                "denied", permissions=["quality:survey:view"], status=403, path="/x"
            ),
            "`quality:survey:view`",
            "Roles",
        ),
        (RateLimitError("429", status=429, path="/x"), "429", "kept"),
        (
            FormSelectionError("no CSAT form", candidates=["Post-call", "NPS only"]),
            "could not be chosen",
            '"Post\\-call", "NPS only"',  # names escaped for Markdown
        ),
        (ServiceError("503", status=503, path="/x"), "not answering", "kept"),
        (
            UnreachableError("Nothing could be reached at https://api.x", path="/x"),
            "could not be reached",
            "GENESYS_REGION",
        ),
        (
            AnswersUnreadError("The answers of 2 responses could not be read"),
            "did not answer for some survey responses",
            "not fetched again",
        ),
        (StoreError("disk full"), "local cache", "CSAT_STORE"),
    ],
    ids=[
        "config",
        "auth",
        "permission",
        "rate-limit",
        "form",
        "service",
        "unreachable",
        "unread",
        "store",
    ],
)
def test_each_error_says_what_happened_and_what_to_do(
    error: CsatError, what: str, action: str
) -> None:
    message = explain(error)

    assert what in message.what
    assert action in message.action


def test_api_errors_carry_their_reference_for_support() -> None:
    error = MissingPermissionError(
        "denied",
        permissions=["routing:queue:view"],
        status=403,
        path="/api/v2/routing/queues",
        correlation_id="abc-123",
    )

    assert explain(error).reference == (
        "denied (403 on /api/v2/routing/queues) [correlation id abc-123]"
    )


def _raises_permission_error() -> None:
    import streamlit as st

    from csat.errors import MissingPermissionError
    from dashboard.boundary import error_boundary

    with error_boundary("testing"):
        st.write("before")
        raise MissingPermissionError(
            "denied", permissions=["quality:survey:view"], status=403, path="/x"
        )
    st.write("after")


def _raises_unexpected_error() -> None:
    import streamlit as st

    from dashboard.boundary import error_boundary

    with error_boundary("testing"):
        raise KeyError("secret customer text")
    st.write("after")


def _stops_inside() -> None:
    import streamlit as st

    from dashboard.boundary import error_boundary

    with error_boundary("testing"):
        st.write("stopping")
        st.stop()
    st.write("after")


def test_a_csat_error_becomes_a_message_and_stops_the_page() -> None:
    at = AppTest.from_function(_raises_permission_error).run()

    assert not at.exception
    assert [m.value for m in at.markdown] == ["before"]
    assert "quality:survey:view" in at.error[0].value


def test_an_unexpected_error_shows_no_trace_and_no_message_text() -> None:
    at = AppTest.from_function(_raises_unexpected_error).run()

    assert not at.exception
    assert "Something unexpected went wrong while testing" in at.error[0].value
    assert "secret customer text" not in at.error[0].value
    assert not at.markdown


def test_streamlit_stop_passes_through_the_boundary() -> None:
    at = AppTest.from_function(_stops_inside).run()

    assert not at.exception
    assert not at.error
    assert [m.value for m in at.markdown] == ["stopping"]
