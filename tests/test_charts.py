"""Trend chart axes: days labelled as days, weeks by the days they cover."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pandas as pd

from dashboard.charts import trend_chart, week_labels


def table(first: date, periods: int, step_days: int) -> pd.DataFrame:
    days = [first + timedelta(days=step_days * i) for i in range(periods)]
    return pd.DataFrame(
        {
            "period": days,
            "csat_pct": [0.8] * periods,
            "csat_low": [0.7] * periods,
            "csat_high": [0.9] * periods,
            "responses": [10] * periods,
        }
    )


def x_encoding(chart: Any) -> dict[str, Any]:
    spec = chart.to_dict()
    return dict(spec["layer"][0]["encoding"]["x"])


def test_a_daily_axis_ticks_days_never_hours() -> None:
    week = x_encoding(trend_chart(table(date(2026, 11, 28), 7, 1), "csat", None, "day"))
    month = x_encoding(
        trend_chart(table(date(2026, 11, 1), 30, 1), "csat", None, "day")
    )

    assert week["axis"]["format"] == "%d %b"
    assert week["axis"]["tickCount"] == {"interval": "day", "step": 1}
    # Thirty days: a label every third day, about ten labels in all.
    assert month["axis"]["tickCount"] == {"interval": "day", "step": 3}


def test_weeks_are_labelled_by_their_days_and_cut_weeks_say_so() -> None:
    mondays = pd.Series([date(2026, 10, 19), date(2026, 10, 26), date(2026, 11, 16)])

    labels = week_labels(mondays, (date(2026, 10, 22), date(2026, 11, 16)))

    assert labels == ["22 Oct - 25 Oct (partial)", "26 Oct - 1 Nov", "16 Nov (partial)"]
    assert week_labels(mondays[1:2], None) == ["26 Oct - 1 Nov"]
    chart = trend_chart(table(date(2026, 10, 19), 3, 7), "csat", None, "week")
    assert x_encoding(chart)["field"] == "label"
