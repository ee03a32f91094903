"""The org, range and budget every benchmark runs on, and the shared cold run.

The full scenario is sized like a large contact centre (`OrgSpec.large()`:
about 200 agents, 4,000 conversations a weekday), 30 days, and a rate limit of a
few thousand requests a minute so that the whole suite fits in 15 minutes on
two cores. The org's clock is pinned, so every run reads the same data and the
figures of two runs differ only by the machine.

`ColdRun` is the one observed extraction from an empty store that benchmarks 1,
2, 4 and 5 read: it is run once and shared.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bench.harness import RunRecord, extract_request, run_extraction, sim_config
from bench.minimum import DataNeeds, data_needs
from bench.simproc import SimHandle, SimStats, settled
from csat.config import Config
from genesys_sim import Limits, OrgSpec, SimSettings
from genesys_sim.org import Org

AS_OF = datetime(2026, 1, 15, tzinfo=UTC)


@dataclass(frozen=True)
class Scenario:
    """What to run: the org, the range, the rate limit and the samples."""

    spec: OrgSpec
    days: int = 30
    rate_per_minute: int = 4000  # the simulator's limit, per token
    client_share: float = 0.97  # the client's requests_per_minute, of the limit
    concurrency: int = 8
    naive_sample_days: int = 1
    dashboard_responses: int = 100_000
    memory_responses: int = 1_000_000
    throughput_conversations: int = 20_000
    tz: str = "UTC"

    @classmethod
    def full(cls) -> Scenario:
        return cls(spec=replace(OrgSpec.large(), history_days=31, as_of=AS_OF))

    @classmethod
    def tiny(cls) -> Scenario:
        """A few seconds' worth of everything, for the smoke test."""
        spec = OrgSpec(
            seed=11,
            agents=12,
            deleted_agents=2,
            history_days=4,
            conversations_per_day=120,
            as_of=AS_OF,
        )
        return cls(
            spec=spec,
            days=3,
            rate_per_minute=60_000,
            dashboard_responses=2_000,
            memory_responses=5_000,
            throughput_conversations=300,
        )

    @property
    def as_of(self) -> datetime:
        return self.spec.resolved_as_of()

    @property
    def end(self) -> date:
        """The last day of the range: the day before the org's clock."""
        return self.as_of.date() - timedelta(days=1)

    @property
    def start(self) -> date:
        return self.end - timedelta(days=self.days - 1)

    @property
    def client_rate_per_minute(self) -> float:
        return self.rate_per_minute * self.client_share

    def settings(self) -> SimSettings:
        limits = Limits(rate_limit_per_minute=self.rate_per_minute)
        return SimSettings(org=self.spec, limits=limits)

    def config(self, base_url: str, store_dir: Path) -> Config:
        return sim_config(
            base_url,
            store_dir,
            requests_per_minute=self.client_rate_per_minute,
            max_concurrency=self.concurrency,
        )

    def describe(self) -> dict[str, object]:
        return {
            "agents": self.spec.agents,
            "conversations_per_day": self.spec.conversations_per_day,
            "range": f"{self.start}..{self.end} ({self.days} days, {self.tz})",
            "org_clock": self.as_of.isoformat(),
            "sim_rate_limit_per_minute": self.rate_per_minute,
            "client_requests_per_minute": self.client_rate_per_minute,
            "client_concurrency": self.concurrency,
        }


@dataclass
class ColdRun:
    """One extraction of the scenario's range from an empty store, observed."""

    scenario: Scenario
    org: Org
    sim: SimHandle
    store_dir: Path
    record: RunRecord
    sim_stats: SimStats  # what the simulator counted during the run
    needs: DataNeeds
    notes: list[str] = field(default_factory=list)

    @property
    def context_id(self) -> str:
        return self.record.dataset.form.context_id

    def config(self) -> Config:
        return self.scenario.config(self.sim.base_url, self.store_dir)


def cold_run(scenario: Scenario, org: Org, sim: SimHandle, store_dir: Path) -> ColdRun:
    """Extract the scenario's range into an empty store under `store_dir`."""
    config = scenario.config(sim.base_url, store_dir)
    request = extract_request(scenario.start, scenario.end, tz=scenario.tz)
    before = sim.stats()
    record = run_extraction(config, request, scenario.as_of)
    counted = settled(sim, before, record.requests)
    context_id = record.dataset.form.context_id
    needs = data_needs(org, scenario.start, scenario.end, scenario.tz, context_id)
    return ColdRun(scenario, org, sim, store_dir, record, counted, needs)
