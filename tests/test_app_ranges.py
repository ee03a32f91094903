"""Date-range presets, resolved by hand against fixed days."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from dashboard.ranges import Preset, describe_range, resolve_range, today_in


@pytest.mark.parametrize(
    ("preset", "today", "expected"),
    [
        (Preset.TODAY, date(2026, 3, 15), (date(2026, 3, 15), date(2026, 3, 15))),
        (Preset.YESTERDAY, date(2026, 3, 1), (date(2026, 2, 28), date(2026, 2, 28))),
        (Preset.LAST_7_DAYS, date(2026, 3, 15), (date(2026, 3, 9), date(2026, 3, 15))),
        (
            Preset.LAST_30_DAYS,
            date(2026, 3, 15),
            (date(2026, 2, 14), date(2026, 3, 15)),
        ),
        (Preset.THIS_MONTH, date(2026, 3, 15), (date(2026, 3, 1), date(2026, 3, 15))),
        (Preset.LAST_MONTH, date(2026, 3, 15), (date(2026, 2, 1), date(2026, 2, 28))),
        (Preset.LAST_MONTH, date(2026, 1, 10), (date(2025, 12, 1), date(2025, 12, 31))),
        (Preset.LAST_MONTH, date(2024, 3, 31), (date(2024, 2, 1), date(2024, 2, 29))),
    ],
    ids=lambda v: str(v),
)
def test_presets_resolve_to_inclusive_days(
    preset: Preset, today: date, expected: tuple[date, date]
) -> None:
    assert resolve_range(preset, today) == expected


def test_custom_range_is_put_in_order() -> None:
    picked = (date(2026, 5, 9), date(2026, 5, 2))

    assert resolve_range(Preset.CUSTOM, date(2026, 6, 1), picked) == (
        date(2026, 5, 2),
        date(2026, 5, 9),
    )


def test_custom_without_dates_falls_back_to_last_30_days() -> None:
    assert resolve_range(Preset.CUSTOM, date(2026, 3, 15)) == (
        date(2026, 2, 14),
        date(2026, 3, 15),
    )


def test_today_is_the_date_in_the_chosen_zone() -> None:
    instant = datetime(2026, 11, 20, 23, 30, tzinfo=UTC)

    assert today_in("UTC", instant) == date(2026, 11, 20)
    assert today_in("Asia/Tokyo", instant) == date(2026, 11, 21)
    assert today_in("America/Los_Angeles", instant) == date(2026, 11, 20)


def test_describe_range_names_both_ends_or_one_day() -> None:
    assert describe_range(date(2026, 11, 1), date(2026, 11, 30)) == (
        "1 Nov 2026 - 30 Nov 2026"
    )
    assert describe_range(date(2026, 11, 5), date(2026, 11, 5)) == "5 Nov 2026"
