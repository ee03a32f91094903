"""The orchestrator: which windows to read, and extraction against the simulator."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from csat.extract import (
    PlannedWindow,
    assign_jobs,
    cut_at,
    day_windows,
    first_error,
    plan_windows,
)
from csat.timerange import UtcRange


def at(day: int, hour: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=UTC)


NOW = at(30, 12)
NOVEMBER = UtcRange(at(1), at(30, 12))


def plan(
    wanted: UtcRange,
    stored: list[tuple[UtcRange, str]] | None = None,
    *,
    refresh: bool = True,
    lookback_days: float = 7,
    window_days: float = 31,
) -> list[tuple[datetime, datetime, str]]:
    windows = plan_windows(
        wanted,
        stored or [],
        now=NOW,
        lookback_days=lookback_days,
        refresh=refresh,
        window_days=window_days,
    )
    return [(p.window.start, p.window.end, p.state) for p in windows]


def test_an_empty_store_reads_everything_cut_at_the_lookback_start() -> None:
    assert plan(NOVEMBER) == [
        (at(1), at(23, 12), "complete"),
        (at(23, 12), NOW, "provisional"),
    ]


def test_nothing_after_now_is_read() -> None:
    assert plan(UtcRange(at(29), at(30) + timedelta(days=5))) == [
        (at(29), NOW, "provisional")
    ]
    assert plan(UtcRange(NOW, NOW + timedelta(days=1))) == []


def test_a_complete_range_reads_only_the_lookback_period() -> None:
    stored = [
        (UtcRange(at(1), at(23, 12)), "complete"),
        (UtcRange(at(23, 12), NOW), "provisional"),
    ]
    assert plan(NOVEMBER, stored) == [(at(23, 12), NOW, "provisional")]


def test_without_refresh_a_stored_range_reads_nothing() -> None:
    stored = [
        (UtcRange(at(1), at(23, 12)), "complete"),
        (UtcRange(at(23, 12), NOW), "provisional"),
    ]
    assert plan(NOVEMBER, stored, refresh=False) == []


def test_without_refresh_only_the_gaps_are_read() -> None:
    stored = [
        (UtcRange(at(1), at(10)), "complete"),
        (UtcRange(at(20), NOW), "provisional"),
    ]
    assert plan(NOVEMBER, stored, refresh=False) == [(at(10), at(20), "complete")]


def test_an_old_provisional_window_is_read_again_and_becomes_complete() -> None:
    stored = [
        (UtcRange(at(1), at(12)), "complete"),
        (UtcRange(at(12), at(19)), "provisional"),
    ]
    planned = plan(UtcRange(at(1), at(20)), stored)
    assert planned == [(at(12), at(20), "complete")]


def test_a_complete_window_inside_the_lookback_is_read_again_with_refresh() -> None:
    stored = [(UtcRange(at(1), NOW), "complete")]
    assert plan(NOVEMBER, stored) == [(at(23, 12), NOW, "provisional")]


def test_zero_lookback_days_reads_a_complete_range_not_at_all() -> None:
    stored = [(UtcRange(at(1), NOW), "complete")]
    assert plan(NOVEMBER, stored, lookback_days=0) == []


def test_long_gaps_are_cut_into_windows_at_utc_midnight() -> None:
    wanted = UtcRange(at(1, 5), at(25, 5))
    planned = plan(wanted, lookback_days=0, window_days=7)
    assert [(s, e) for s, e, _ in planned] == [
        (at(1, 5), at(8)),
        (at(8), at(15)),
        (at(15), at(22)),
        (at(22), at(25, 5)),
    ]


@pytest.mark.parametrize(
    ("period", "days", "expected"),
    [
        pytest.param(UtcRange(at(1), at(3)), 31, [(at(1), at(3))], id="short"),
        pytest.param(
            UtcRange(at(1, 4), at(3, 4)),
            1,
            [(at(1, 4), at(2)), (at(2), at(3)), (at(3), at(3, 4))],
            id="daily",
        ),
    ],
)
def test_day_windows(
    period: UtcRange, days: float, expected: list[tuple[datetime, datetime]]
) -> None:
    assert [(w.start, w.end) for w in day_windows(period, days)] == expected


def test_cut_at_splits_only_inside() -> None:
    window = UtcRange(at(1), at(3))
    assert cut_at(window, at(2)) == [UtcRange(at(1), at(2)), UtcRange(at(2), at(3))]
    assert cut_at(window, at(3)) == [window]


def test_jobs_take_what_lies_before_the_availability_date() -> None:
    planned = [
        PlannedWindow(UtcRange(at(1), at(20)), "complete"),
        PlannedWindow(UtcRange(at(20), at(28)), "provisional"),
    ]
    assigned = assign_jobs(planned, at(25, 6), job_window_days=31)
    assert [(p.window.start, p.window.end, p.state, p.by_job) for p in assigned] == [
        (at(1), at(20), "complete", True),
        (at(20), at(25, 6), "provisional", True),
        (at(25, 6), at(28), "provisional", False),
    ]


def test_first_error_unwraps_nested_groups() -> None:
    inner = ValueError("inner")
    group = BaseExceptionGroup(
        "outer", [BaseExceptionGroup("mid", [inner]), KeyError()]
    )
    assert first_error(group) is inner
