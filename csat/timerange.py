"""Date ranges in an IANA time zone, turned into UTC instants and query windows.

A supervisor asks for "1 to 7 November in Europe/London"; the details query wants
UTC intervals of a bounded length. Local days are 23 or 25 hours long on
daylight-saving changes, so the range is converted at its two local midnights and
never by adding 24-hour steps.

Every boundary produced here is a whole millisecond, because the interval
parameter carries milliseconds: finer boundaries would make adjacent windows
overlap or leave gaps once formatted.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from csat.errors import DateRangeError, TimeZoneError

_MILLISECOND = timedelta(milliseconds=1)


def parse_date(text: str) -> date:
    """Read a calendar date written `YYYY-MM-DD`."""
    cleaned = text.strip()
    if len(cleaned) != 10:
        raise DateRangeError(f"Not a date in the form YYYY-MM-DD: {cleaned!r}")
    try:
        return date.fromisoformat(cleaned)
    except ValueError as exc:
        raise DateRangeError(f"Not a valid date: {cleaned!r}") from exc


def zone(name: str) -> ZoneInfo:
    """Return the IANA time zone called `name` (for example `Europe/London`)."""
    cleaned = name.strip()
    if not cleaned:
        raise TimeZoneError("No time zone given.")
    try:
        return ZoneInfo(cleaned)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        # ValueError: names that are not even path-like keys, such as "../x".
        raise TimeZoneError(f"Unknown time zone: {cleaned!r}") from exc


@dataclass(frozen=True)
class UtcRange:
    """The half-open interval [start, end) between two aware UTC instants."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("UtcRange needs timezone-aware datetimes")
        object.__setattr__(self, "start", self.start.astimezone(UTC))
        object.__setattr__(self, "end", self.end.astimezone(UTC))
        if self.end <= self.start:
            raise DateRangeError(
                f"The range ends ({self.end.isoformat()}) before it starts "
                f"({self.start.isoformat()})."
            )

    @property
    def duration(self) -> timedelta:
        return self.end - self.start

    def __contains__(self, instant: object) -> bool:
        if not isinstance(instant, datetime):
            return False
        return self.start <= instant < self.end

    def overlaps(self, other: UtcRange) -> bool:
        return self.start < other.end and other.start < self.end

    def __str__(self) -> str:
        return interval_param(self)


def parse_instant(text: str | None) -> datetime | None:
    """Read an API timestamp (`2024-05-03T14:01:02.345Z`) as an aware UTC datetime."""
    if not text:
        return None
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError as exc:
        raise ValueError(f"Not an ISO 8601 timestamp: {text!r}") from exc
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def format_instant(instant: datetime) -> str:
    """Write an aware datetime as the API does: UTC, milliseconds and `Z`."""
    if instant.tzinfo is None:
        raise ValueError("format_instant needs a timezone-aware datetime")
    utc = instant.astimezone(UTC)
    return f"{utc:%Y-%m-%dT%H:%M:%S}.{utc.microsecond // 1000:03d}Z"


def local_midnight(day: date, tz: ZoneInfo) -> datetime:
    """The first instant of `day` in `tz`, in UTC.

    Where midnight falls into a daylight-saving gap, `fold=0` takes the offset in
    force before the change, which lands on the first instant that does exist.
    """
    return datetime.combine(day, time(), tzinfo=tz).astimezone(UTC)


def local_range_to_utc(start: date, end: date, tz: str) -> UtcRange:
    """Local dates `start` to `end` inclusive, as UTC instants.

    The range runs from 00:00 on `start` to 00:00 on the day after `end`, both
    local, so each day counts with its real length (23, 24 or 25 hours).
    """
    if start > end:
        raise DateRangeError(f"The start date {start} is after the end date {end}.")
    zone_info = zone(tz)
    try:
        day_after = end + timedelta(days=1)
    except OverflowError as exc:
        raise DateRangeError(f"The end date {end} is out of range.") from exc
    return UtcRange(
        local_midnight(start, zone_info), local_midnight(day_after, zone_info)
    )


def split_windows(r: UtcRange, max_days: float) -> list[UtcRange]:
    """Cut `r` into consecutive windows of at most `max_days`, covering it exactly.

    The details query refuses intervals over 7 days (31 when a filter is sent).
    """
    if max_days <= 0:
        raise ValueError("max_days must be positive")
    step = _floor_ms(timedelta(days=max_days))
    if step < _MILLISECOND:
        raise ValueError("max_days must be at least one millisecond")

    windows: list[UtcRange] = []
    cursor = r.start
    while cursor < r.end:
        stop = min(cursor + step, r.end)
        windows.append(UtcRange(cursor, stop))
        cursor = stop
    return windows


def halve(r: UtcRange) -> tuple[UtcRange, UtcRange]:
    """Split `r` at its middle, rounded down to a whole millisecond."""
    middle = r.start + _floor_ms(r.duration / 2)
    if middle <= r.start:
        raise ValueError(f"Cannot halve a range of {r.duration}")
    return UtcRange(r.start, middle), UtcRange(middle, r.end)


def interval_param(r: UtcRange) -> str:
    """The `interval` of a details query: `start/end` in ISO 8601, UTC."""
    return f"{format_instant(r.start)}/{format_instant(r.end)}"


def subtract(r: UtcRange, covered: Iterable[UtcRange]) -> list[UtcRange]:
    """The parts of `r` that no range of `covered` contains, in order.

    Used to find the periods of a request that the store has not yet fetched.
    """
    gaps: list[UtcRange] = []
    cursor = r.start
    for part in sorted(covered, key=lambda c: c.start):
        if part.end <= cursor or part.start >= r.end:
            continue
        if part.start > cursor:
            gaps.append(UtcRange(cursor, part.start))
        cursor = max(cursor, part.end)
        if cursor >= r.end:
            break
    if cursor < r.end:
        gaps.append(UtcRange(cursor, r.end))
    return gaps


def _floor_ms(span: timedelta) -> timedelta:
    return _MILLISECOND * (span // _MILLISECOND)
