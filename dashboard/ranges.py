"""Date-range presets of the sidebar, resolved against a clock in a time zone.

A preset is resolved on every run, so "last 30 days" shared in a link on Monday
still means the last 30 days when it is opened on Friday.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

Clock = Callable[[], datetime]


class Preset(StrEnum):
    """The date ranges a supervisor can pick with one click."""

    TODAY = "today"
    YESTERDAY = "yesterday"
    LAST_7_DAYS = "last-7-days"
    LAST_30_DAYS = "last-30-days"
    THIS_MONTH = "this-month"
    LAST_MONTH = "last-month"
    CUSTOM = "custom"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    Preset.TODAY: "Today",
    Preset.YESTERDAY: "Yesterday",
    Preset.LAST_7_DAYS: "Last 7 days",
    Preset.LAST_30_DAYS: "Last 30 days",
    Preset.THIS_MONTH: "This month",
    Preset.LAST_MONTH: "Last month",
    Preset.CUSTOM: "Custom",
}

DEFAULT_PRESET = Preset.LAST_30_DAYS


def system_clock() -> datetime:
    """The current instant, timezone-aware."""
    return datetime.now(UTC)


def today_in(tz: str, now: datetime) -> date:
    """The calendar date of `now` in the IANA zone `tz`."""
    return now.astimezone(ZoneInfo(tz)).date()


def resolve_range(
    preset: Preset, today: date, custom: tuple[date, date] | None = None
) -> tuple[date, date]:
    """First and last day (inclusive) of `preset`, seen from `today`.

    Rolling presets include today, whose surveys are still arriving; the pages mark
    such periods as provisional rather than leaving them out.
    """
    if preset is Preset.CUSTOM:
        return _ordered(custom) if custom else (today - timedelta(days=29), today)
    if preset is Preset.LAST_MONTH:
        last_day = today.replace(day=1) - timedelta(days=1)
        return last_day.replace(day=1), last_day
    firsts = {
        Preset.TODAY: today,
        Preset.YESTERDAY: today - timedelta(days=1),
        Preset.LAST_7_DAYS: today - timedelta(days=6),
        Preset.LAST_30_DAYS: today - timedelta(days=29),
        Preset.THIS_MONTH: today.replace(day=1),
    }
    last = today - timedelta(days=1) if preset is Preset.YESTERDAY else today
    return firsts[preset], last


def _ordered(days: tuple[date, date]) -> tuple[date, date]:
    first, last = days
    return (first, last) if first <= last else (last, first)


def describe_range(start: date, end: date) -> str:
    """A short human form: "4 Nov 2026 - 3 Dec 2026" or a single day."""
    if start == end:
        return _day(start)
    return f"{_day(start)} - {_day(end)}"


def _day(value: date) -> str:
    return f"{value.day} {value:%b %Y}"
