"""One renderer for the per-agent and per-queue sections of "Agents and queues".

Choosing a row sets the sidebar filter to that agent or queue and opens the
Interactions page, which then lists exactly the interactions behind the row.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from csat.metrics import FORMULAS, group_table
from dashboard.charts import group_chart, group_chart_height
from dashboard.views import group_view, split_ranked

INTERACTIONS_PAGE = "pages/interactions.py"
DRILL_KEY = "_drill_to_interactions"
CHART_ROWS = 25

COLUMNS = {
    "Rank": st.column_config.NumberColumn("Rank", width="small"),
    "Responses": st.column_config.NumberColumn("Responses"),
    "CSAT %": st.column_config.NumberColumn("CSAT %", format="%.1f"),
    "CSAT % low": st.column_config.NumberColumn(
        "95 % low", format="%.1f", help="Lower bound of the CSAT % interval"
    ),
    "CSAT % high": st.column_config.NumberColumn("95 % high", format="%.1f"),
    "Mean": st.column_config.NumberColumn("Mean", format="%.2f"),
    "NPS": st.column_config.NumberColumn("NPS", format="%.1f"),
    "Response rate %": st.column_config.NumberColumn("Response rate %", format="%.1f"),
    "Detractors": st.column_config.NumberColumn("Detractors"),
}


@dataclass(frozen=True)
class GroupKind:
    """Agents or queues: the id column, its name column and its sidebar filter."""

    title: str
    noun: str
    by: str
    name: str
    filter_key: str


AGENTS = GroupKind("Agents", "agent", "agent_id", "agent_name", "agent")
QUEUES = GroupKind("Queues", "queue", "queue_id", "queue_name", "queue")


def render_group(rows: pd.DataFrame, kind: GroupKind, minimum: int) -> None:
    """The ranked table, its chart, and the rows below the minimum, apart."""
    table = group_table(rows, kind.by, min_responses=minimum)
    ranked, below = (group_view(t, kind.name) for t in split_ranked(table))
    st.subheader(kind.title, help=FORMULAS["ranking"].text)
    st.caption(
        "Ranked by the lower bound of the CSAT % interval. Choose a row to open "
        "its interactions."
    )
    if ranked.empty:
        st.info(f"No {kind.noun} has {minimum} responses or more in this view.")
    else:
        _selectable(ranked, kind, "ranked")
        top = ranked.head(CHART_ROWS)
        st.altair_chart(
            group_chart(top, kind.title), height=group_chart_height(len(top))
        )
    if not below.empty:
        noun = kind.noun if len(below) == 1 else kind.title.lower()
        label = f"{len(below)} {noun} below {minimum} responses (not ranked)"
        with st.expander(label, expanded=ranked.empty):
            _selectable(below.drop(columns=["Rank"]), kind, "below")


def apply_drill_down() -> None:
    """Set the filter a chosen row asked for, before the sidebar draws it."""
    chosen = st.session_state.pop(DRILL_KEY, None)
    if chosen is not None:
        filter_key, name = chosen
        st.session_state[filter_key] = [name]


def _selectable(view: pd.DataFrame, kind: GroupKind, part: str) -> None:
    event = st.dataframe(
        view,
        hide_index=True,
        column_config=COLUMNS,
        on_select="rerun",
        selection_mode="single-row",
        key=f"{kind.filter_key}_{part}_table",
    )
    rows = list(event.selection.rows)
    if rows:
        # The sidebar's widget is drawn already on this run, so the filter is set
        # at the start of the next one (`apply_drill_down`).
        st.session_state[DRILL_KEY] = (kind.filter_key, str(view["Name"].iloc[rows[0]]))
        st.switch_page(INTERACTIONS_PAGE)
