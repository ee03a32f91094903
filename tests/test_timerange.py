"""Local date ranges to UTC instants and query windows, checked by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from csat.errors import DateRangeError, TimeZoneError
from csat.timerange import (
    UtcRange,
    format_instant,
    halve,
    interval_param,
    local_range_to_utc,
    parse_date,
    parse_instant,
    split_windows,
    subtract,
    zone,
)


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


# Dates and zones


def test_parse_date_reads_iso_dates() -> None:
    assert parse_date("2026-11-01") == date(2026, 11, 1)
    assert parse_date(" 2026-02-28 ") == date(2026, 2, 28)


@pytest.mark.parametrize(
    "text", ["", "2026-13-01", "2026-02-30", "01/11/2026", "2026-1-1", "20261101"]
)
def test_parse_date_refuses_anything_else(text: str) -> None:
    with pytest.raises(DateRangeError):
        parse_date(text)


def test_zone_knows_iana_names() -> None:
    assert zone("Europe/London").key == "Europe/London"


@pytest.mark.parametrize("name", ["", "Mars/Olympus", "../etc/passwd", "GMT+25"])
def test_zone_refuses_unknown_names(name: str) -> None:
    with pytest.raises(TimeZoneError):
        zone(name)


# Local ranges to UTC


def test_one_utc_week() -> None:
    r = local_range_to_utc(date(2026, 11, 1), date(2026, 11, 7), "UTC")
    assert (r.start, r.end) == (utc(2026, 11, 1), utc(2026, 11, 8))


def test_london_autumn_change_day_has_25_hours() -> None:
    # BST (UTC+1) ends at 01:00 UTC on Sunday 25 October 2026.
    r = local_range_to_utc(date(2026, 10, 25), date(2026, 10, 25), "Europe/London")
    assert r.start == utc(2026, 10, 24, 23)
    assert r.end == utc(2026, 10, 26, 0)
    assert r.duration == timedelta(hours=25)


def test_london_spring_change_day_has_23_hours() -> None:
    # BST starts at 01:00 UTC on Sunday 29 March 2026.
    r = local_range_to_utc(date(2026, 3, 29), date(2026, 3, 29), "Europe/London")
    assert r.start == utc(2026, 3, 29, 0)
    assert r.end == utc(2026, 3, 29, 23)
    assert r.duration == timedelta(hours=23)


def test_new_york_week_across_the_change_is_one_hour_longer() -> None:
    # EDT ends on the first Sunday of November, 1 November 2026: the week starts
    # in EDT (UTC-4) and ends in EST (UTC-5).
    r = local_range_to_utc(date(2026, 11, 1), date(2026, 11, 7), "America/New_York")
    assert r.start == utc(2026, 11, 1, 4)
    assert r.end == utc(2026, 11, 8, 5)
    assert r.duration == timedelta(days=7, hours=1)


def test_a_day_whose_midnight_is_skipped_starts_at_its_first_instant() -> None:
    # Havana moves from UTC-5 to UTC-4 at 00:00 on 8 March 2026: the day begins
    # at 01:00 local, which is 05:00 UTC, and lasts 23 hours.
    r = local_range_to_utc(date(2026, 3, 8), date(2026, 3, 8), "America/Havana")
    assert r.start == utc(2026, 3, 8, 5)
    assert r.end == utc(2026, 3, 9, 4)


def test_reversed_dates_are_refused() -> None:
    with pytest.raises(DateRangeError):
        local_range_to_utc(date(2026, 11, 8), date(2026, 11, 1), "UTC")


def test_unknown_zone_is_refused() -> None:
    with pytest.raises(TimeZoneError):
        local_range_to_utc(date(2026, 11, 1), date(2026, 11, 1), "Europe/Atlantis")


def test_the_last_representable_date_is_refused_not_crashed() -> None:
    with pytest.raises(DateRangeError):
        local_range_to_utc(date.max, date.max, "UTC")


def test_utc_range_needs_aware_instants_in_order() -> None:
    with pytest.raises(ValueError):
        UtcRange(datetime(2026, 1, 1), datetime(2026, 1, 2))
    with pytest.raises(DateRangeError):
        UtcRange(utc(2026, 1, 2), utc(2026, 1, 1))


def test_utc_range_converts_other_offsets_to_utc() -> None:
    london = zone("Europe/London")
    r = UtcRange(
        datetime(2026, 7, 1, tzinfo=london), datetime(2026, 7, 2, tzinfo=london)
    )
    assert r.start == utc(2026, 6, 30, 23)
    assert r.start.tzinfo is UTC


def test_utc_range_is_half_open() -> None:
    r = UtcRange(utc(2026, 1, 1), utc(2026, 1, 2))
    assert utc(2026, 1, 1) in r
    assert utc(2026, 1, 1, 23, 59, 59) in r
    assert utc(2026, 1, 2) not in r


# Windows


def test_split_windows_makes_seven_day_windows_and_a_short_last_one() -> None:
    r = UtcRange(utc(2026, 11, 1), utc(2026, 11, 18))
    windows = split_windows(r, 7)
    assert [(w.start, w.end) for w in windows] == [
        (utc(2026, 11, 1), utc(2026, 11, 8)),
        (utc(2026, 11, 8), utc(2026, 11, 15)),
        (utc(2026, 11, 15), utc(2026, 11, 18)),
    ]


def test_split_windows_uses_31_days_when_asked() -> None:
    r = UtcRange(utc(2026, 1, 1), utc(2026, 3, 1))  # 59 days
    windows = split_windows(r, 31)
    assert [w.duration.days for w in windows] == [31, 28]


def test_split_windows_keeps_a_short_range_whole() -> None:
    r = UtcRange(utc(2026, 11, 1, 4), utc(2026, 11, 8, 5))
    assert split_windows(r, 31) == [r]


def test_split_windows_of_a_fraction_of_a_day() -> None:
    r = UtcRange(utc(2026, 1, 1), utc(2026, 1, 2))
    windows = split_windows(r, 0.25)
    assert [w.start.hour for w in windows] == [0, 6, 12, 18]


def test_split_windows_refuses_a_non_positive_length() -> None:
    with pytest.raises(ValueError):
        split_windows(UtcRange(utc(2026, 1, 1), utc(2026, 1, 2)), 0)


def test_interval_param_has_milliseconds_and_z() -> None:
    r = UtcRange(utc(2026, 11, 1), utc(2026, 11, 8))
    assert interval_param(r) == "2026-11-01T00:00:00.000Z/2026-11-08T00:00:00.000Z"


def test_halve_splits_at_the_middle() -> None:
    first, second = halve(UtcRange(utc(2026, 11, 1), utc(2026, 11, 8)))
    assert (first.start, first.end) == (utc(2026, 11, 1), utc(2026, 11, 4, 12))
    assert (second.start, second.end) == (utc(2026, 11, 4, 12), utc(2026, 11, 8))


def test_halve_rounds_to_whole_milliseconds() -> None:
    start = utc(2026, 1, 1)
    first, _ = halve(UtcRange(start, start + timedelta(milliseconds=3)))
    assert first.end == start + timedelta(milliseconds=1)
    assert interval_param(first) == "2026-01-01T00:00:00.000Z/2026-01-01T00:00:00.001Z"


def test_halve_refuses_a_single_millisecond() -> None:
    start = utc(2026, 1, 1)
    with pytest.raises(ValueError):
        halve(UtcRange(start, start + timedelta(milliseconds=1)))


# Instants and gaps


def test_parse_instant_reads_api_timestamps() -> None:
    parsed = parse_instant("2024-05-03T14:01:02.345Z")
    assert parsed == datetime(2024, 5, 3, 14, 1, 2, 345000, tzinfo=UTC)
    assert parse_instant(None) is None
    assert parse_instant("") is None


def test_format_instant_is_the_api_format() -> None:
    instant = datetime(2024, 5, 3, 14, 1, 2, 345678, tzinfo=UTC)
    assert format_instant(instant) == "2024-05-03T14:01:02.345Z"


def test_subtract_leaves_the_gaps_between_covered_ranges() -> None:
    wanted = UtcRange(utc(2026, 11, 1), utc(2026, 11, 30))
    covered = [
        UtcRange(utc(2026, 11, 8), utc(2026, 11, 15)),
        UtcRange(utc(2026, 10, 1), utc(2026, 11, 3)),
        UtcRange(utc(2026, 11, 14), utc(2026, 11, 20)),
    ]
    gaps = subtract(wanted, covered)
    assert [(g.start, g.end) for g in gaps] == [
        (utc(2026, 11, 3), utc(2026, 11, 8)),
        (utc(2026, 11, 20), utc(2026, 11, 30)),
    ]


def test_subtract_of_a_fully_covered_range_is_empty() -> None:
    wanted = UtcRange(utc(2026, 11, 1), utc(2026, 11, 8))
    assert subtract(wanted, [UtcRange(utc(2026, 10, 1), utc(2026, 12, 1))]) == []
    assert subtract(wanted, []) == [wanted]
