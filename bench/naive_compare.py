"""Benchmark 3: the product against the two naive ways, on the same simulator.

All three read the same sample of the range (its first days) from a cold
start, one after the other, under the same per-token rate limit; requests are
the simulator's own counts. Reading the whole range the naive ways would take
longer than the whole suite may, so the full range is projected: each naive
way's request count follows exactly from the org's data (`naive_requests`),
the formula is checked against the sample's measured count, and its time is the
rate-limit bound (a sequential client cannot beat the budget over a long run).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from bench.harness import extract_request, run_extraction
from bench.naive import (
    NaiveClient,
    NaiveResult,
    per_conversation_extract,
    seven_day_windows,
    tutorial_extract,
)
from bench.report import BenchResult, Figure, ratio
from bench.scenario import ColdRun
from bench.simproc import settled
from genesys_sim import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET
from genesys_sim.org import Org
from genesys_sim.truth import ground_truth, local_days_to_utc

KEY = "naive_baselines"
TUTORIAL_PAGE = 100
Way = Callable[[NaiveClient, datetime, datetime, str], NaiveResult]
SCRIPTS_PAGE = 25


@dataclass(frozen=True)
class Measured:
    """One way's run over the sample."""

    requests: int  # the simulator's count
    seconds: float
    finished_answered: int
    client_counted: int  # what the client itself sent


def run(cold: ColdRun, workdir: Path) -> BenchResult:
    scenario = cold.scenario
    first = scenario.start
    last = first + timedelta(days=scenario.naive_sample_days - 1)
    low, high = local_days_to_utc(first, last, scenario.tz)
    ours = _ours(cold, first, last, workdir)
    tutorial = _naive(cold, tutorial_extract, low, high)
    scripts = _naive(cold, per_conversation_extract, low, high)

    result = BenchResult(KEY, "3. Against the naive ways")
    result.settings = {**scenario.describe(), "sample": f"{first}..{last}"}
    for label, way in (("tutorial", tutorial), ("per-conversation", scripts)):
        result.add(
            Figure(
                f"sample: {label} requests / ours",
                ratio(way.requests, ours.requests),
                "x",
                1.0,
                ">",
            )
        )
        result.add(
            Figure(
                f"sample: {label} time / ours",
                ratio(way.seconds, ours.seconds),
                "x",
                1.0,
                ">",
            )
        )
    _add_projection(result, cold, (first, last), (tutorial, scripts))
    result.facts["sample"] = {
        "ours": ours.__dict__,
        "tutorial": tutorial.__dict__,
        "per_conversation": scripts.__dict__,
    }
    return result


def naive_requests(
    org: Org, start: date, end: date, tz: str, context_id: str
) -> dict[str, int]:
    """Requests each naive way sends for local dates `start`..`end`, exactly."""
    low, high = local_days_to_utc(start, end, tz)
    truth = [
        r for r in ground_truth(org, start, end, tz)
        if r["survey_form_context_id"] == context_id
    ]  # fmt: skip
    tutorial = 2  # token, form listing
    scripts = 1  # token
    for window_start, window_end in seven_day_windows(low, high):
        surveyed = {
            r["conversation_id"] for r in truth
            if _inside(r["conversation_start"], window_start, window_end)
        }  # fmt: skip
        everyone = len(org.conversations_between(window_start, window_end))
        # Paging stops on the first page without conversations.
        tutorial += math.ceil(len(surveyed) / TUTORIAL_PAGE) + 1
        scripts += math.ceil(everyone / SCRIPTS_PAGE) + 1 + everyone
    tutorial += sum(str(r["survey_status"]) == "Finished" for r in truth)
    tutorial += sum(bool(r["agent_id"]) + bool(r["queue_id"]) for r in truth)
    return {"tutorial": tutorial, "per_conversation": scripts}


def _ours(cold: ColdRun, first: date, last: date, workdir: Path) -> Measured:
    config = cold.scenario.config(cold.sim.base_url, workdir / "ours-sample")
    before = cold.sim.stats()
    record = run_extraction(config, extract_request(first, last), cold.scenario.as_of)
    counted = settled(cold.sim, before, record.requests)
    statuses = record.dataset.responses["survey_status"]
    finished = (statuses == "Finished").sum()
    return Measured(counted.total, record.seconds, int(finished), record.requests)


def _naive(cold: ColdRun, way: Way, low: datetime, high: datetime) -> Measured:
    before = cold.sim.stats()
    with NaiveClient(cold.sim.base_url, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET) as client:
        done = way(client, low, high, cold.context_id)
    counted = settled(cold.sim, before, done.requests)
    return Measured(
        counted.total, done.seconds, len(done.finished_answered), done.requests
    )


def _add_projection(
    result: BenchResult,
    cold: ColdRun,
    sample: tuple[date, date],
    measured: tuple[Measured, Measured],
) -> None:
    scenario = cold.scenario
    expected = naive_requests(cold.org, *sample, scenario.tz, cold.context_id)
    full = naive_requests(
        cold.org, scenario.start, scenario.end, scenario.tz, cold.context_id
    )
    ours = cold.sim_stats.total
    per_s = scenario.rate_per_minute / 60
    for label, key in (
        ("tutorial", "tutorial"),
        ("per-conversation", "per_conversation"),
    ):
        result.add(
            Figure(
                f"range: {label} requests / ours", ratio(full[key], ours), "x", 1.0, ">"
            )
        )
        bound = full[key] / per_s
        result.add(
            Figure(
                f"range: {label} time / ours (at the rate bound)",
                ratio(bound, cold.record.seconds),
                "x",
                1.0,
                ">",
            )
        )
    result.facts["projection"] = {
        "formula_on_sample": expected,
        "measured_on_sample": {
            "tutorial": measured[0].requests,
            "per_conversation": measured[1].requests,
        },
        "formula_matches_sample": expected["tutorial"] == measured[0].requests
        and expected["per_conversation"] == measured[1].requests,
        "full_range_requests": {**full, "ours": ours},
        "full_range_seconds": {
            "tutorial": full["tutorial"] / per_s,
            "per_conversation": full["per_conversation"] / per_s,
            "ours": cold.record.seconds,
        },
    }


def _inside(value: object, start: datetime, end: datetime) -> bool:
    return isinstance(value, datetime) and start <= value < end
