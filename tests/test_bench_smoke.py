"""Smoke test of the benchmarks: each runs on a tiny org, and its figures are
computed from real counts (the simulator's own counter, the ground truth), not
from estimates. No figure is checked against a time: only how it is made."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bench import (
    client_cost,
    first_figures,
    naive_compare,
    rate_bound,
    requests_minimum,
    warm_reopen,
)
from bench.report import BenchResult, Figure
from bench.scenario import ColdRun, Scenario, cold_run
from bench.simproc import InProcessSim
from genesys_sim import build_org
from genesys_sim.truth import ground_truth

pytestmark = pytest.mark.xdist_group(name="bench")


@dataclass
class Observed:
    cold: ColdRun
    sim_total_after_cold: int  # the simulator's counter, read independently


@pytest.fixture(scope="module")
def observed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Observed]:
    scenario = Scenario.tiny()
    org = build_org(scenario.spec)
    with InProcessSim(scenario.settings()) as sim:
        cold = cold_run(scenario, org, sim, tmp_path_factory.mktemp("cold"))
        yield Observed(cold, sim.stats().total)


def figure(result: BenchResult, name: str) -> Figure:
    found = [f for f in result.figures if f.name == name]
    assert len(found) == 1, [f.name for f in result.figures]
    return found[0]


def truth_rows(cold: ColdRun) -> list[dict[str, object]]:
    scenario = cold.scenario
    rows = ground_truth(cold.org, scenario.start, scenario.end, scenario.tz)
    return [r for r in rows if r["survey_form_context_id"] == cold.context_id]


def test_requests_made_is_the_simulators_own_count(observed: Observed) -> None:
    result = requests_minimum.run(observed.cold)

    made = figure(result, "requests made (simulator count)").value
    assert made == observed.sim_total_after_cold
    assert made == observed.cold.record.client_stats.requests
    assert result.error is None


def test_minimum_counts_the_ground_truths_surveys(observed: Observed) -> None:
    cold = observed.cold
    rows = truth_rows(cold)
    finished = sum(r["survey_status"] == "Finished" for r in rows)
    errors = sum(r["survey_status"] == "Error" for r in rows)

    result = requests_minimum.run(cold, min_finished=1)

    assert cold.needs.responses == len(rows) > 0
    assert figure(result, "finished surveys in the range").value == finished
    assert result.facts["minimum_by_kind"]["answers"] == finished + errors
    assert figure(result, "minimum the data needs").value == cold.needs.minimum
    ratio = figure(result, "requests / minimum").value
    assert ratio == observed.sim_total_after_cold / cold.needs.minimum
    assert figure(result, "responses read / ground truth").value == 1.0


def test_rate_bound_divides_the_api_requests_by_the_allowed_rate(
    observed: Observed,
) -> None:
    cold = observed.cold
    token = cold.sim_stats.by_route["POST /oauth/token"]
    allowed_per_s = cold.scenario.rate_per_minute / 60

    result = rate_bound.run(cold)

    bound = figure(result, "bound: API requests / allowed rate").value
    assert token == 1
    assert bound == (observed.sim_total_after_cold - token) / allowed_per_s
    assert figure(result, "wall time / bound").value == cold.record.seconds / bound
    assert figure(result, "429 share of requests").value == 0


def test_first_figures_come_from_the_run_timeline(observed: Observed) -> None:
    result = first_figures.run(observed.cold)

    summary = figure(result, "summary records in (last details page)").value
    done = figure(result, "full verbatims (done)").value
    stages = [mark["stage"] for mark in result.facts["stages"]]
    assert 0 < summary <= done
    assert stages[0] == "forms" and stages[-1] == "done"
    assert "conversations" in stages


def test_naive_ways_are_counted_by_the_simulator_and_match_their_formula(
    observed: Observed, tmp_path: Path
) -> None:
    result = naive_compare.run(observed.cold, tmp_path)

    sample = result.facts["sample"]
    for way in ("ours", "tutorial", "per_conversation"):
        assert sample[way]["requests"] == sample[way]["client_counted"] > 0
    projection = result.facts["projection"]
    assert projection["formula_matches_sample"], projection
    assert (
        sample["tutorial"]["finished_answered"] == sample["ours"]["finished_answered"]
    )


@pytest.mark.slow
def test_warm_reopen_reads_the_store_and_renders_its_rows(
    observed: Observed, tmp_path: Path
) -> None:
    result = warm_reopen.run(observed.cold, tmp_path)

    assert result.error is None, result.error
    assert figure(result, "refresh off: API calls").value == 0
    reopen = result.facts["reopen"]["refresh on"]
    kinds = ("token", "forms", "details", "answers", "lookups")
    assert reopen["simulator_count"] == sum(reopen.get(k, 0) for k in kinds)
    shown = result.facts["Interactions"]["table_rows"]
    assert shown == [observed.cold.scenario.dashboard_responses]
    metrics = result.facts["Overview"]["metrics"]
    assert metrics["Responses"] == f"{observed.cold.scenario.dashboard_responses:,d}"


@pytest.mark.slow
def test_client_cost_measures_real_rows(observed: Observed, tmp_path: Path) -> None:
    cold = observed.cold
    surveyed = {r["conversation_id"] for r in truth_rows(cold)}

    result = client_cost.run(cold, tmp_path)

    assert result.facts["throughput"]["conversations"] == len(surveyed)
    memory = result.facts["memory"]
    assert memory["build"]["rows"] == cold.scenario.memory_responses
    assert memory["frame"]["rows"] == cold.scenario.memory_responses
    for stage in ("build", "frame", "dashboard"):
        assert memory[stage]["peak_rss_mb"] > 0
