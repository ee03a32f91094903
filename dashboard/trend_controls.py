"""The two choices above the trend chart, kept in the URL like the sidebar's."""

from __future__ import annotations

from typing import Final, Literal, cast

import streamlit as st

from csat.trends import Freq

Figure = Literal["csat", "mean", "nps"]

URL: Final = "query-params"
FIGURES: dict[str, str] = {"csat": "CSAT %", "mean": "Mean score", "nps": "NPS"}
PERIODS: dict[str, str] = {"day": "Day", "week": "Week"}


def render_trend_controls() -> tuple[Figure, Freq]:
    """Which figure to draw, and by day or by week."""
    left, right = st.columns(2)
    figure = left.segmented_control(
        "Figure",
        list(FIGURES),
        format_func=FIGURES.__getitem__,
        default="csat",
        required=True,
        key="figure",
        bind=URL,
    )
    freq = right.segmented_control(
        "By",
        list(PERIODS),
        format_func=PERIODS.__getitem__,
        default="day",
        required=True,
        key="by",
        bind=URL,
    )
    return cast(Figure, figure), cast(Freq, freq)
