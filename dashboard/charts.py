"""Altair figures for the pages, built by pure functions from metric tables.

Colours follow the usual NPS reading (detractors red, passives grey, promoters
green); a provisional period is drawn hollow and labelled, never like a final one.
"""

from __future__ import annotations

import math
from datetime import date, timedelta

import altair as alt
import pandas as pd

GROUP_COLOURS = {"detractors": "#d1242f", "passives": "#8c959f", "promoters": "#1a7f37"}
BAND_COLOUR = "#1f6feb"
PROVISIONAL = "provisional"
# Streamlit ignores the height of a layered chart unless it is given again.
TREND_HEIGHT = 300
DAY_TICKS = 12  # at most about this many day labels on the trend's axis
FINAL = "final"

TREND_METRICS: dict[str, tuple[str, str, str, str]] = {
    # key: (value column, low, high, axis title)
    "csat": ("csat_pct", "csat_low", "csat_high", "CSAT %"),
    "mean": ("mean", "mean", "mean", "Mean score"),
    "nps": ("nps", "nps_low", "nps_high", "NPS"),
}


def distribution_chart(distribution: pd.DataFrame) -> alt.Chart:
    """Answers per CSAT value, every value of the scale shown (zeros included)."""
    data = distribution.assign(
        score=distribution["score"].astype("int64").astype(str),
        share_pct=100 * distribution["share"].fillna(0.0),
    )
    order = data["score"].tolist()
    chart: alt.Chart = (
        alt.Chart(data)
        .mark_bar(color=BAND_COLOUR)
        .encode(
            x=alt.X(
                "score:N", sort=order, title="CSAT score", axis=alt.Axis(labelAngle=0)
            ),
            y=alt.Y("count:Q", title="Responses"),
            tooltip=[
                alt.Tooltip("score:N", title="Score"),
                alt.Tooltip("count:Q", title="Responses"),
                alt.Tooltip("share_pct:Q", title="Share %", format=".1f"),
            ],
        )
        .properties(height=260)
    )
    return chart


def nps_chart(breakdown: pd.DataFrame) -> alt.Chart:
    """Detractors, passives and promoters as shares of answered NPS questions."""
    data = breakdown.assign(
        share_pct=100 * breakdown["share"].fillna(0.0),
        group=breakdown["group"].str.capitalize(),
    )
    groups = [g.capitalize() for g in GROUP_COLOURS]
    colours = alt.Scale(domain=groups, range=list(GROUP_COLOURS.values()))
    chart: alt.Chart = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("group:N", sort=groups, title=None, axis=alt.Axis(labelAngle=0)),
            y=alt.Y("share_pct:Q", title="Share of NPS answers (%)"),
            color=alt.Color("group:N", scale=colours, legend=None),
            tooltip=[
                alt.Tooltip("group:N", title="Group"),
                alt.Tooltip("count:Q", title="Responses"),
                alt.Tooltip("share_pct:Q", title="Share %", format=".1f"),
            ],
        )
        .properties(height=260)
    )
    return chart


def trend_chart(
    table: pd.DataFrame,
    metric: str,
    provisional_day: date | None,
    freq: str,
    days: tuple[date, date] | None = None,
) -> alt.LayerChart:
    """A metric per period with its 95 % band; provisional periods hollow.

    Weeks are labelled by the days of the range they cover (`days`), and a week
    the range cuts short says so.
    """
    value, low, high, title = TREND_METRICS[metric]
    data = _trend_data(table, value, low, high)
    data["state"] = provisional_states(table["period"], provisional_day, freq)
    if freq == "week":
        data["label"] = week_labels(table["period"], days)
        x = alt.X("label:O", sort=None, title=None, axis=alt.Axis(labelAngle=0))
        tooltip = [alt.Tooltip("label:O", title="Week"), *_trend_tooltip(title)[1:]]
    else:
        # One tick per day (or per few days on long ranges), never hours.
        step = max(1, math.ceil(len(data) / DAY_TICKS))
        ticks = alt.TimeIntervalStep(interval="day", step=step)
        axis = alt.Axis(format="%d %b", tickCount=ticks, labelOverlap="greedy")
        x = alt.X("period:T", title=None, axis=axis)
        tooltip = _trend_tooltip(title)
    base = alt.Chart(data).encode(x=x)
    band = base.mark_area(opacity=0.18, color=BAND_COLOUR).encode(
        y=alt.Y("low:Q", title=title), y2="high:Q"
    )
    line = base.mark_line(color=BAND_COLOUR).encode(y="value:Q")
    points = base.mark_point(size=60, color=BAND_COLOUR).encode(
        y="value:Q",
        fill=alt.Fill(
            "state:N",
            scale=alt.Scale(domain=[FINAL, PROVISIONAL], range=[BAND_COLOUR, "white"]),
            legend=alt.Legend(title=None, orient="bottom"),
        ),
        tooltip=tooltip,
    )
    chart: alt.LayerChart = alt.LayerChart(layer=[band, line, points]).properties(
        height=TREND_HEIGHT
    )
    return chart


def group_chart(view: pd.DataFrame, title: str) -> alt.LayerChart:
    """Ranked agents or queues: CSAT % with its interval, best lower bound first."""
    order = view["Name"].tolist()
    base = alt.Chart(view).encode(
        y=alt.Y("Name:N", sort=order, title=title),
    )
    bars = base.mark_bar(color=BAND_COLOUR, opacity=0.75).encode(
        x=alt.X("CSAT %:Q", scale=alt.Scale(domain=[0, 100]), title="CSAT %"),
        tooltip=[
            alt.Tooltip("Name:N"),
            alt.Tooltip("Responses:Q"),
            alt.Tooltip("CSAT %:Q", format=".1f"),
            alt.Tooltip("CSAT % low:Q", format=".1f"),
            alt.Tooltip("CSAT % high:Q", format=".1f"),
        ],
    )
    whiskers = base.mark_rule(color="#24292f").encode(
        x="CSAT % low:Q", x2="CSAT % high:Q"
    )
    chart: alt.LayerChart = alt.LayerChart(layer=[bars, whiskers]).properties(
        height=group_chart_height(len(view))
    )
    return chart


def group_chart_height(rows: int) -> int:
    """Pixels for `rows` bars and the axis below them (Streamlit counts both)."""
    return 70 + 28 * rows


def _trend_data(table: pd.DataFrame, value: str, low: str, high: str) -> pd.DataFrame:
    scale = 100.0 if value == "csat_pct" else 1.0
    data = pd.DataFrame(
        {
            "period": pd.to_datetime(table["period"]),
            "value": scale * table[value],
            "low": scale * table[low],
            "high": scale * table[high],
            "n": table["responses"],
        }
    )
    return data


def provisional_states(
    periods: pd.Series, provisional_day: date | None, freq: str
) -> pd.Series:
    """`provisional` for periods whose last day is `provisional_day` or later."""
    if provisional_day is None:
        return pd.Series(FINAL, index=periods.index)
    length = timedelta(days=7 if freq == "week" else 1)
    last_days = [period + length - timedelta(days=1) for period in periods]
    states = [PROVISIONAL if last >= provisional_day else FINAL for last in last_days]
    return pd.Series(states, index=periods.index)


def week_labels(mondays: pd.Series, days: tuple[date, date] | None) -> list[str]:
    """ "26 Oct - 1 Nov" per week; the days of a week cut by `days`, "(partial)"."""
    labels = []
    for monday in mondays:
        sunday = monday + timedelta(days=6)
        first, last = monday, sunday
        if days is not None:
            first, last = max(monday, days[0]), min(sunday, days[1])
        label = _day(first) if first == last else f"{_day(first)} - {_day(last)}"
        cut = (first, last) != (monday, sunday)
        labels.append(f"{label} (partial)" if cut else label)
    return labels


def _day(day: date) -> str:
    return f"{day.day} {day:%b}"


def _trend_tooltip(title: str) -> list[alt.Tooltip]:
    return [
        alt.Tooltip("period:T", title="Period", format="%a %d %b %Y"),
        alt.Tooltip("value:Q", title=title, format=".1f"),
        alt.Tooltip("low:Q", title="95 % low", format=".1f"),
        alt.Tooltip("high:Q", title="95 % high", format=".1f"),
        alt.Tooltip("n:Q", title="Responses"),
        alt.Tooltip("state:N", title="Data"),
    ]
