"""Shared fixtures: the simulated org served on loopback, and clients for it.

`sim` is one demo org per test session (per xdist worker), pinned to `AS_OF` so
every run sees the same data; never change its faults. Tests that need faults,
limits or a fake clock start their own with `make_sim`, which stops them at
teardown. The simulator is imported inside the fixtures so that collecting
tests that do not use it stays cheap.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from functools import cache
from typing import TYPE_CHECKING, Any

import httpx
import pytest

if TYPE_CHECKING:
    from genesys_sim import Faults, Limits, OrgSpec, RunningSimulator
    from genesys_sim.org import Org

AS_OF = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
CLIENT_ID = "demo-client-id"
CLIENT_SECRET = "demo-client-secret"


class FakeClock:
    """A clock that moves only when told to."""

    def __init__(self, start: float = 1_790_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class RecordingSleep:
    """An async sleep that returns at once and remembers what it was asked."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)
        await asyncio.sleep(0)


def small_spec(**overrides: Any) -> OrgSpec:
    """A small org, quick to build, with the pinned clock."""
    from genesys_sim import OrgSpec

    values: dict[str, Any] = {
        "seed": 11,
        "agents": 12,
        "deleted_agents": 2,
        "history_days": 5,
        "conversations_per_day": 120,
        "as_of": AS_OF,
    }
    return OrgSpec(**{**values, **overrides})


@cache
def built_org(spec: OrgSpec) -> Org:
    """One build per spec and process: orgs are immutable, so sims may share."""
    from genesys_sim import build_org

    return build_org(spec)


def login(base_url: str) -> httpx.Client:
    """An httpx client holding a fresh bearer token of the demo client."""
    response = httpx.post(
        f"{base_url}/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(CLIENT_ID, CLIENT_SECRET),
    )
    response.raise_for_status()
    token = response.json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    return httpx.Client(base_url=base_url, headers=headers, timeout=30.0)


@pytest.fixture(scope="session")
def sim() -> Iterator[RunningSimulator]:
    """The demo org at `AS_OF`, jobs completing at once, no practical rate limit."""
    from genesys_sim import Limits, OrgSpec, SimSettings, run_simulator

    spec = OrgSpec.demo().at(AS_OF)
    limits = Limits(job_completion_delay_s=0.0, rate_limit_per_minute=10_000_000)
    with run_simulator(
        SimSettings(org=spec, limits=limits), org=built_org(spec)
    ) as running:
        yield running


@pytest.fixture(scope="session")
def api(sim: RunningSimulator) -> Iterator[httpx.Client]:
    """An authenticated client of the session's `sim`."""
    with login(sim.base_url) as client:
        yield client


MakeSim = Callable[..., "RunningSimulator"]


@pytest.fixture
def make_sim() -> Iterator[MakeSim]:
    """Start simulators with custom settings; all are stopped at teardown.

    Keywords: `spec` (default `small_spec()`), `limits` (default: jobs complete at
    once), `faults`, `clock`, `sleep`.
    """
    from genesys_sim import Faults, Limits, SimSettings, start_simulator

    started: list[RunningSimulator] = []

    def make(
        spec: OrgSpec | None = None,
        *,
        limits: Limits | None = None,
        faults: Faults | None = None,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], Any] = asyncio.sleep,
    ) -> RunningSimulator:
        spec = spec or small_spec()
        settings = SimSettings(
            org=spec,
            limits=limits or Limits(job_completion_delay_s=0.0),
            faults=faults or Faults(),
        )
        running = start_simulator(
            settings, org=built_org(spec), clock=clock, sleep=sleep
        )
        started.append(running)
        return running

    yield make
    for running in started:
        running.stop()


@pytest.fixture
def connect() -> Iterator[Callable[[RunningSimulator], httpx.Client]]:
    """Authenticated clients for simulators, closed at teardown."""
    clients: list[httpx.Client] = []

    def open_client(running: RunningSimulator) -> httpx.Client:
        client = login(running.base_url)
        clients.append(client)
        return client

    yield open_client
    for client in clients:
        client.close()


@pytest.fixture
def clock() -> FakeClock:
    """A fake clock for tokens, rate windows and jobs."""
    return FakeClock()
