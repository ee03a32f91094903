"""Benchmark 1: requests an extraction makes, against the fewest the data needs.

The count is the simulator's own (every request it answered during the cold run,
token and retries included); the minimum comes from `bench.minimum`, computed
from the org's data. Target: at most 1.05 times the minimum, with every response
of the ground truth read.
"""

from __future__ import annotations

from bench.report import BenchResult, Figure, ratio
from bench.routes import by_kind
from bench.scenario import ColdRun

KEY = "requests_vs_minimum"
TARGET = 1.05
MIN_FINISHED = 10_000


def run(cold: ColdRun, *, min_finished: int = MIN_FINISHED) -> BenchResult:
    needs = cold.needs
    made = cold.sim_stats.total
    result = BenchResult(KEY, "1. Requests against the minimum")
    result.settings = cold.scenario.describe()
    result.add(
        Figure("finished surveys in the range", needs.finished, "", min_finished, ">=")
    )
    result.add(Figure("requests made (simulator count)", made, "req"))
    result.add(Figure("minimum the data needs", needs.minimum, "req"))
    result.add(Figure("requests / minimum", ratio(made, needs.minimum), "x", TARGET))
    read = len(cold.record.dataset.responses)
    result.add(
        Figure(
            "responses read / ground truth",
            ratio(read, needs.responses),
            "x",
            1.0,
            "==",
        )
    )
    made_by_kind = by_kind(cold.sim_stats.by_route)
    result.facts = {
        "needs": needs.as_dict(),
        "made_by_kind": made_by_kind,
        "minimum_by_kind": _minimum_by_kind(cold),
        "made_by_route": dict(cold.sim_stats.by_route),
        "client_counted": cold.record.client_stats.requests,
        "transport_counted": cold.record.requests,
    }
    return result


def _minimum_by_kind(cold: ColdRun) -> dict[str, int]:
    needs = cold.needs
    return {
        "token": 1,
        "forms": needs.form_requests,
        "details": needs.details_pages,
        "answers": needs.answers,
        "lookups": needs.lookups,
    }
