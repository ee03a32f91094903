"""The Interactions page's own filters: CSAT score, NPS group, comment search."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import pandas as pd
import streamlit as st

from dashboard.filters import NO_SCORE, NPS_GROUPS, filter_scores, search_text
from dashboard.sidebar import render_link_notices, shown_in_link

URL: Final = "query-params"
TEXT_COLUMNS = ("comment", "nps_comment")


@dataclass(frozen=True)
class RowFilters:
    """What the supervisor narrowed the table to; empty means everything."""

    scores: tuple[str, ...] = ()
    nps_groups: tuple[str, ...] = ()
    query: str = ""

    def apply(self, rows: pd.DataFrame) -> pd.DataFrame:
        """The rows that match every choice."""
        kept = filter_scores(rows, self.scores, self.nps_groups)
        return search_text(kept, self.query, TEXT_COLUMNS)


def render_row_filters(scale: Sequence[int]) -> RowFilters:
    """Three inputs side by side, each kept in the URL."""
    score_col, nps_col, search_col = st.columns(3)
    scores = score_col.multiselect(
        "CSAT score",
        [*(str(v) for v in scale), NO_SCORE],
        key="csat",
        bind=URL,
        placeholder="Any",
    )
    groups = nps_col.multiselect(
        "NPS", list(NPS_GROUPS), key="nps", bind=URL, placeholder="Any"
    )
    query = search_col.text_input("Search comments", key="q", bind=URL)
    shown_in_link("csat", list(scores))
    shown_in_link("nps", list(groups))
    render_link_notices()
    return RowFilters(tuple(scores), tuple(groups), query or "")
