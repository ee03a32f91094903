"""ISO-8601 instants, intervals, periods and time-zone buckets."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from genesys_sim.intervals import (
    Interval,
    IntervalError,
    buckets,
    format_instant,
    parse_instant,
    parse_interval,
    parse_period,
    parse_zone,
    utc_days_touched,
)


def _utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


def test_instants_are_written_in_utc_with_milliseconds() -> None:
    moment = datetime(2026, 6, 1, 2, 30, 5, 123456, tzinfo=ZoneInfo("Europe/Paris"))
    assert format_instant(moment) == "2026-06-01T00:30:05.123Z"


def test_instants_without_offset_are_utc() -> None:
    assert parse_instant("2026-11-18T10:00:00") == _utc(2026, 11, 18, 10)
    assert parse_instant("2026-11-18T12:00:00+02:00") == _utc(2026, 11, 18, 10)


@pytest.mark.parametrize(
    "text",
    [
        "2026-11-18",
        "2026-11-18T00:00:00Z/",
        "a/b",
        "2026-11-19T00:00:00Z/2026-11-18T00:00:00Z",
        "P1D/2026-11-18T00:00:00Z",
    ],
)
def test_unreadable_intervals(text: str) -> None:
    with pytest.raises(IntervalError):
        parse_interval(text)


@pytest.mark.parametrize(
    ("interval", "start", "end"),
    [
        (
            "2026-11-18T10:00:00Z/2026-11-18T11:00:00Z",
            _utc(2026, 11, 18),
            _utc(2026, 11, 19),
        ),
        (
            "2026-11-18T00:00:00Z/2026-11-19T00:00:00Z",
            _utc(2026, 11, 18),
            _utc(2026, 11, 19),
        ),
        (
            "2026-11-17T23:59:59Z/2026-11-18T00:00:01Z",
            _utc(2026, 11, 17),
            _utc(2026, 11, 19),
        ),
    ],
)
def test_utc_days_touched(interval: str, start: datetime, end: datetime) -> None:
    assert utc_days_touched(parse_interval(interval)) == Interval(start, end)


def test_periods() -> None:
    assert parse_period("P1D").days == 1
    assert parse_period("P1W").days == 7
    assert parse_period("PT30M").seconds == 1800
    assert parse_period("P1M").months == 1
    for bad in ("P", "PT", "1D", "daily"):
        with pytest.raises(IntervalError):
            parse_period(bad)


def test_day_buckets_follow_the_wall_clock_over_a_clock_change() -> None:
    london = ZoneInfo("Europe/London")
    start = datetime(2026, 10, 24, tzinfo=london).astimezone(UTC)
    end = datetime(2026, 10, 27, tzinfo=london).astimezone(UTC)
    lengths = [
        b.end - b.start
        for b in buckets(Interval(start, end), parse_period("P1D"), london)
    ]
    assert lengths == [timedelta(hours=24), timedelta(hours=25), timedelta(hours=24)]


def test_hour_buckets_are_fixed_lengths_over_a_clock_change() -> None:
    london = ZoneInfo("Europe/London")
    start, end = _utc(2026, 10, 25, 0), _utc(2026, 10, 25, 3)
    parts = buckets(Interval(start, end), parse_period("PT1H"), london)
    assert [b.start.hour for b in parts] == [0, 1, 2]


def test_month_buckets_clamp_to_the_month_end() -> None:
    start, end = _utc(2026, 1, 31), _utc(2026, 4, 1)
    parts = buckets(Interval(start, end), parse_period("P1M"), ZoneInfo("UTC"))
    assert [b.start for b in parts] == [
        _utc(2026, 1, 31),
        _utc(2026, 2, 28),
        _utc(2026, 3, 28),
    ]


def test_the_last_bucket_is_cut_at_the_interval_end() -> None:
    interval = Interval(_utc(2026, 11, 1), _utc(2026, 11, 2, 12))
    parts = buckets(interval, parse_period("P1D"), ZoneInfo("UTC"))
    assert parts[-1] == Interval(_utc(2026, 11, 2), _utc(2026, 11, 2, 12))
    assert buckets(interval, None, ZoneInfo("UTC")) == [interval]


def test_unknown_zones() -> None:
    with pytest.raises(IntervalError):
        parse_zone("Mars/Olympus")
