"""The embedded demo org: the simulator, started once per Streamlit process.

With no credentials configured, the dashboard talks over HTTP to a simulated org
served from a background thread, exactly as it would to a real one. The demo's
clock can be pinned (`CSAT_DEMO_AS_OF`, ISO 8601) so that its data, its "today"
and the ground truth of tests all agree.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

import streamlit as st

from csat.errors import ConfigurationError
from genesys_sim import (
    Limits,
    OrgSpec,
    RunningSimulator,
    SimSettings,
    start_simulator,
)

logger = logging.getLogger(__name__)

AS_OF = "CSAT_DEMO_AS_OF"
# The demo org serves one browser, not a shared org: a generous budget lets the
# first load of a month finish in seconds instead of the real service's minutes.
DEMO_RATE_PER_MINUTE = 30_000


@dataclass(frozen=True)
class DemoOrg:
    """Where the running demo org answers, and its pinned clock if any."""

    base_url: str
    as_of: datetime | None
    server: RunningSimulator = field(repr=False, compare=False)

    def stop(self) -> None:
        """Stop serving; the cache calls this when the entry is released."""
        self.server.stop()


def pinned_as_of(environ: Mapping[str, str]) -> datetime | None:
    """`CSAT_DEMO_AS_OF` as an aware UTC instant (naive means UTC), if set."""
    text = environ.get(AS_OF, "").strip()
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError as exc:
        raise ConfigurationError(
            f"{AS_OF} must be an ISO 8601 date-time, not {text!r}."
        ) from exc
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def demo_settings(as_of: datetime | None) -> SimSettings:
    """The demo org as the dashboard serves it."""
    spec = OrgSpec.demo()
    if as_of is not None:
        spec = spec.at(as_of)
    return SimSettings(
        org=spec, limits=Limits(rate_limit_per_minute=DEMO_RATE_PER_MINUTE)
    )


def _release(demo: DemoOrg) -> None:
    demo.stop()


@st.cache_resource(show_spinner="Starting the demo org…", on_release=_release)
def start_demo_org(as_of: datetime | None) -> DemoOrg:
    """Start the simulator in a background thread; once per process and clock."""
    server = start_simulator(demo_settings(as_of))
    logger.info("Demo org serving at %s", server.base_url)
    return DemoOrg(base_url=server.base_url, as_of=as_of, server=server)
