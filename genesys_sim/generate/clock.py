"""Absolute time: milliseconds, wire timestamps and the shape of the volume.

Internally every instant is an integer count of milliseconds since the Unix
epoch, which keeps the plans compact and the wire format exact to the
millisecond (`2024-05-03T14:01:02.345Z`).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

SECOND_MS = 1000
MINUTE_MS = 60 * SECOND_MS
HOUR_MS = 60 * MINUTE_MS
DAY_MS = 24 * HOUR_MS

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# Monday 2000-01-03: the origin of every absolute schedule (form versions,
# agent turnover), so that schedules never depend on the org's clock.
ANCHOR_MS = 946_857_600_000

# Relative volume per UTC hour of the day: a business day with a late-morning
# and a mid-afternoon peak.
_HOUR_SHAPE = (
    0.2, 0.15, 0.1, 0.1, 0.1, 0.2, 0.5, 1.2, 2.4, 3.4, 3.8, 3.7,
    3.2, 3.3, 3.6, 3.4, 3.0, 2.4, 1.8, 1.3, 1.0, 0.7, 0.5, 0.3,
)  # fmt: skip
_HOUR_WEIGHTS = tuple(value / sum(_HOUR_SHAPE) for value in _HOUR_SHAPE)
# Monday first; the five weekdays average 1.0 so `conversations_per_day` is
# the weekday average.
_WEEKDAY_FACTORS = (1.1, 1.05, 1.0, 0.95, 0.9, 0.35, 0.25)


def to_ms(moment: datetime) -> int:
    """Milliseconds since the epoch of a timezone-aware datetime."""
    delta = moment - EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1000 + delta.microseconds // 1000


def from_ms(ms: int) -> datetime:
    """The UTC datetime of a millisecond instant."""
    return EPOCH + timedelta(milliseconds=ms)


def wire_time(ms: int) -> str:
    """The API's timestamp format, always with milliseconds and `Z`."""
    return from_ms(ms).strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"


def expected_per_hour(per_day: float, hour: int) -> float:
    """Mean number of conversations starting in absolute UTC hour `hour`."""
    hour_of_day = hour % 24
    weekday = (hour // 24 + 3) % 7  # 1970-01-01 was a Thursday
    return per_day * _HOUR_WEIGHTS[hour_of_day] * _WEEKDAY_FACTORS[weekday]
