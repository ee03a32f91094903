"""ISO-8601 instants, intervals and periods, as the analytics API writes them.

Wire datetimes are UTC with milliseconds and `Z` (`2024-05-03T14:01:02.345Z`).
Intervals are `start/end`. Granularities are periods such as `P1D`, `PT30M` or
`P7D`: day and longer steps follow the wall clock of the query's time zone (a day
in Europe/London can last 23 or 25 hours), shorter ones are fixed lengths.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_PERIOD = re.compile(
    r"^P(?:(?P<years>\d+)Y)?(?:(?P<months>\d+)M)?(?:(?P<weeks>\d+)W)?"
    r"(?:(?P<days>\d+)D)?(?:T(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?"
    r"(?:(?P<seconds>\d+)S)?)?$"
)


class IntervalError(ValueError):
    """An instant, interval, period or zone that cannot be read."""


@dataclass(frozen=True)
class Interval:
    """A half-open UTC interval `[start, end)`."""

    start: datetime
    end: datetime

    @property
    def days(self) -> float:
        """Length in days (fractional)."""
        return (self.end - self.start) / timedelta(days=1)

    def wire(self) -> str:
        """The `start/end` form used in responses."""
        return f"{format_instant(self.start)}/{format_instant(self.end)}"


@dataclass(frozen=True)
class Period:
    """A granularity: calendar part (months, days) and fixed part (seconds)."""

    months: int
    days: int
    seconds: int

    def is_empty(self) -> bool:
        """Whether the period has no length at all."""
        return self.months == 0 and self.days == 0 and self.seconds == 0


def parse_instant(text: str) -> datetime:
    """An ISO-8601 datetime; a missing offset means UTC."""
    try:
        parsed = datetime.fromisoformat(text.strip())
    except (ValueError, AttributeError) as exc:
        raise IntervalError(f"Invalid date: {text!r}") from exc
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def format_instant(moment: datetime) -> str:
    """UTC, milliseconds and `Z`, as every datetime on the wire."""
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def parse_interval(text: object) -> Interval:
    """`start/end` into an `Interval`; the end must come after the start."""
    if not isinstance(text, str) or text.count("/") != 1:
        raise IntervalError("The interval must be two ISO-8601 datetimes: start/end")
    start_text, end_text = text.split("/")
    interval = Interval(parse_instant(start_text), parse_instant(end_text))
    if interval.end <= interval.start:
        raise IntervalError("The interval's end must be after its start")
    return interval


def parse_period(text: str) -> Period:
    """An ISO-8601 period (`P1D`, `PT1H`, `P1W`, `P1M`) into its parts."""
    match = _PERIOD.match(text.strip())
    if match is None:
        raise IntervalError(f"Invalid granularity: {text!r}")
    parts = {name: int(value or 0) for name, value in match.groupdict().items()}
    period = Period(
        months=parts["years"] * 12 + parts["months"],
        days=parts["weeks"] * 7 + parts["days"],
        seconds=parts["hours"] * 3600 + parts["minutes"] * 60 + parts["seconds"],
    )
    if period.is_empty():
        raise IntervalError(f"Invalid granularity: {text!r}")
    return period


def parse_zone(name: str) -> ZoneInfo:
    """An IANA time zone."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise IntervalError(f"Invalid time zone: {name!r}") from exc


def utc_day_floor(moment: datetime) -> datetime:
    """Midnight UTC at or before `moment`."""
    utc = moment.astimezone(UTC)
    return utc.replace(hour=0, minute=0, second=0, microsecond=0)


def utc_days_touched(interval: Interval) -> Interval:
    """The whole UTC days an interval touches (the sync query's selection)."""
    start = utc_day_floor(interval.start)
    end = utc_day_floor(interval.end)
    if end < interval.end:
        end += timedelta(days=1)
    return Interval(start, end)


def buckets(
    interval: Interval, period: Period | None, zone: ZoneInfo
) -> list[Interval]:
    """Consecutive buckets of `period` from the interval's start, in `zone`."""
    if period is None:
        return [interval]
    result: list[Interval] = []
    start = interval.start
    while start < interval.end:
        end = min(_step(start, period, zone), interval.end)
        result.append(Interval(start, end))
        start = end
    return result


def _step(start: datetime, period: Period, zone: ZoneInfo) -> datetime:
    stepped = start
    if period.months or period.days:
        local = start.astimezone(zone)
        month_index = local.month - 1 + period.months
        year, month = local.year + month_index // 12, month_index % 12 + 1
        # Aware arithmetic in one zone is wall-clock arithmetic: a day stays a day.
        local = _replace_month(local, year, month) + timedelta(days=period.days)
        stepped = local.astimezone(UTC)
    stepped += timedelta(seconds=period.seconds)
    return stepped if stepped > start else start + timedelta(seconds=1)


def _replace_month(local: datetime, year: int, month: int) -> datetime:
    day = min(local.day, calendar.monthrange(year, month)[1])
    return local.replace(year=year, month=month, day=day)
