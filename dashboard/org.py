"""The org the dashboard reads: the configured one, or the embedded demo.

Also the two small calls the sidebar makes besides loading data: the connection
check (which names any missing OAuth permission) and the list of forms for the
override. Both go through `csat`'s client, never straight to HTTP.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import streamlit as st
from streamlit.errors import StreamlitSecretNotFoundError

from csat.client import GenesysClient
from csat.config import Config, tuning_from_env
from csat.dataset import Dataset, ExtractRequest, FormChoice, ProgressCallback, Source
from csat.errors import MissingPermissionError, NotFoundError
from csat.extract import ExtractOptions, known_dataset, open_dataset_sync
from csat.forms import list_form_choices
from dashboard.demo import DEMO_RATE_PER_MINUTE, pinned_as_of, start_demo_org
from dashboard.ranges import Clock, system_clock, today_in
from genesys_sim.settings import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET

# The permission each probe needs (genesys-api.md, sections 5-11). The survey
# probe asks for an id that cannot exist: a 404 proves the permission.
SURVEY_PROBES: tuple[tuple[str, str, dict[str, Any] | None], ...] = (
    ("quality:surveyForm:view", "/api/v2/quality/forms/surveys", {"pageSize": 1}),
    (
        "analytics:conversationDetail:view",
        "/api/v2/analytics/conversations/details/jobs/availability",
        None,
    ),
    (
        "quality:survey:view",
        "/api/v2/quality/surveys/00000000-0000-0000-0000-000000000000",
        None,
    ),
    ("routing:queue:view", "/api/v2/routing/queues", {"pageSize": 1}),
    ("routing:wrapupCode:view", "/api/v2/routing/wrapupcodes", {"pageSize": 1}),
)
EVALUATION_PROBES: tuple[tuple[str, str, dict[str, Any] | None], ...] = (
    (
        "quality:evaluationForm:view",
        "/api/v2/quality/forms/evaluations",
        {"pageSize": 1},
    ),
)


@dataclass(frozen=True)
class Org:
    """One org to read from, how to name it, and what "now" is there."""

    config: Config = field(repr=False)
    label: str
    clock: Clock = system_clock
    pinned: bool = False

    @property
    def demo(self) -> bool:
        return self.config.demo

    @property
    def key(self) -> str:
        """Identifies the org in cache keys (never the secret)."""
        return f"{self.config.org_key()}@{self.config.api_base_url}"

    def today(self, tz: str) -> date:
        return today_in(tz, self.clock())

    def open(self, request: ExtractRequest, progress: ProgressCallback) -> Dataset:
        """Bring the store up to date for `request` and read it back."""
        options = ExtractOptions(now=self.clock) if self.pinned else None
        return open_dataset_sync(self.config, request, progress, options)

    def known(self, request: ExtractRequest) -> Dataset | None:
        """What the store holds for `request` now, without any request."""
        return known_dataset(self.config, request)

    def interaction_url(self, conversation_id: str) -> str | None:
        return self.config.interaction_url(conversation_id)


@dataclass(frozen=True)
class ConnectionReport:
    """The outcome of the connection check."""

    missing: tuple[str, ...]  # needed for any survey figures
    missing_optional: tuple[str, ...]  # needed only for evaluation forms
    checked: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.missing and not self.missing_optional


def resolve_org(environ: Mapping[str, str], secrets: Mapping[str, Any]) -> Org:
    """The configured org, or the demo org when no credentials are set."""
    config = Config.from_env(environ, secrets)
    if config is not None:
        where = config.region or config.api_base_url
        return Org(config=config, label=f"Genesys Cloud · {where}")
    as_of = pinned_as_of(environ)
    demo = start_demo_org(as_of)
    tuning: dict[str, Any] = {"requests_per_minute": 0.9 * DEMO_RATE_PER_MINUTE}
    tuning.update(tuning_from_env(environ, secrets))
    # The simulator also stands in for the web app, so interaction links open.
    tuning["apps_base_url"] = demo.base_url
    config = Config.for_base_url(
        demo.base_url, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, demo=True, **tuning
    )
    clock = system_clock if as_of is None else _pinned(as_of)
    return Org(config=config, label="Demo data", clock=clock, pinned=as_of is not None)


def current_org() -> Org:
    """The org of this process, from the environment and Streamlit secrets."""
    return resolve_org(os.environ, streamlit_secrets())


def streamlit_secrets() -> dict[str, Any]:
    """`.streamlit/secrets.toml` as a dict; empty when there is none."""
    try:
        return st.secrets.to_dict()
    except (FileNotFoundError, StreamlitSecretNotFoundError):
        return {}


@st.cache_data(ttl=300, show_spinner="Checking the connection…")
def check_connection(org_key: str, _org: Org) -> ConnectionReport:
    """Log in and try one cheap call per permission the dashboard can use."""
    missing = asyncio.run(
        _missing_permissions(_org.config, SURVEY_PROBES + EVALUATION_PROBES)
    )
    optional = {p[0] for p in EVALUATION_PROBES}
    return ConnectionReport(
        missing=tuple(p for p in missing if p not in optional),
        missing_optional=tuple(p for p in missing if p in optional),
        checked=tuple(p[0] for p in SURVEY_PROBES + EVALUATION_PROBES),
    )


@st.cache_data(ttl=600, show_spinner=False)
def form_choices(org_key: str, source: Source, _org: Org) -> list[FormChoice]:
    """Every form of `source` for the override list; empty without permission."""
    return asyncio.run(_form_choices(_org.config, source))


async def _missing_permissions(
    config: Config, probes: tuple[tuple[str, str, dict[str, Any] | None], ...]
) -> list[str]:
    missing: list[str] = []
    async with GenesysClient(config) as client:
        for permission, path, params in probes:
            try:
                await client.get(path, params=params)
            except NotFoundError:
                continue
            except MissingPermissionError as exc:
                missing += [
                    p for p in exc.permissions or [permission] if p not in missing
                ]
    return missing


async def _form_choices(config: Config, source: Source) -> list[FormChoice]:
    async with GenesysClient(config) as client:
        try:
            return await list_form_choices(client, source)
        except MissingPermissionError:
            # Only the evaluation source is optional; the loader reports the rest.
            if source == "survey":
                raise
            return []


def _pinned(instant: datetime) -> Clock:
    return lambda: instant
