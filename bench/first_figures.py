"""Benchmark 4: from a cold cache, time to the first figures against the full run.

The Overview's tiles need the summary records (details query, forms, names)
and not the answers. The product has no summary-only mode, so this reads the
cold run's timeline: the Progress callback's stage reports (when the last
`conversations` and `answers` reports came, and `done`) and, from the transport,
when the last details page was answered: the earliest moment the summary
records were all in hand. Target: that moment within 1.15 times the time the
summary requests alone need at the allowed rate.
"""

from __future__ import annotations

import math

from bench.harness import DETAILS_ROUTE
from bench.report import BenchResult, Figure, ratio
from bench.scenario import ColdRun

KEY = "time_to_first_figures"
TARGET = 1.15


def run(cold: ColdRun) -> BenchResult:
    record = cold.record
    summary_ready = record.last_answer_s(DETAILS_ROUTE)
    summary_bound = cold.needs.summary_minimum / (cold.scenario.rate_per_minute / 60)
    first = math.nan if summary_ready is None else summary_ready
    result = BenchResult(KEY, "4. Time to first figures (cold cache)")
    result.settings = cold.scenario.describe()
    result.add(Figure("summary records in (last details page)", first, "s"))
    result.add(
        Figure(
            "conversations stage ended", _mark(record.stage_end_s("conversations")), "s"
        )
    )
    result.add(Figure("answers stage ended", _mark(record.stage_end_s("answers")), "s"))
    result.add(Figure("full verbatims (done)", _mark(record.stage_end_s("done")), "s"))
    result.add(
        Figure("first figures / full verbatims", ratio(first, record.seconds), "x")
    )
    result.add(
        Figure(
            "first figures / summary rate bound",
            ratio(first, summary_bound),
            "x",
            TARGET,
        )
    )
    result.facts = {
        "summary_requests_minimum": cold.needs.summary_minimum,
        "summary_bound_s": summary_bound,
        "stages": [
            {
                "at_s": round(m.at_s, 3),
                "stage": m.stage,
                "done": m.done,
                "total": m.total,
            }
            for m in record.stages
            if m.stage != "answers"
        ],
    }
    return result


def _mark(value: float | None) -> float:
    return math.nan if value is None else value
