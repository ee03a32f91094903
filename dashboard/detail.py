"""The detail of one surveyed interaction: every answer, and who handled it."""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from dashboard.views import answers_table, handlers


def table_key(table: pd.DataFrame) -> str:
    """The widget key of the listed rows: other rows, another key.

    A table's selection is a row position, so a selection kept while the rows
    change (a filter, figures so far growing) would name another interaction;
    with the key changing too, the selection starts afresh.
    """
    ids = "\n".join(table["Survey ID"].astype(str)).encode()
    return "interactions-" + hashlib.blake2b(ids, digest_size=8).hexdigest()


def selected_survey(table: pd.DataFrame, rows: list[int]) -> str | None:
    """The survey id of the chosen table row, if one is chosen."""
    if not rows or rows[0] >= len(table):
        return None
    return str(table["Survey ID"].iloc[rows[0]])


def render_detail(frame: pd.DataFrame, answers: pd.DataFrame, survey_id: str) -> None:
    """Answers in form order, then the agents in the order they took part."""
    row = frame.loc[frame["survey_id"] == survey_id].iloc[0]
    with st.container(border=True):
        st.subheader("Survey answers")
        st.caption(f"Survey {survey_id} on conversation {row['conversation_id']}")
        st.dataframe(answers_table(answers, survey_id), hide_index=True)
        st.subheader("Handled by")
        names = handlers(frame, survey_id)
        st.text(" → ".join(names) if names else "No agent recorded")
        st.caption(
            f"Credited to {row['agent_name']} in {row['queue_name']}: a survey "
            "counts for the last agent and queue of the interaction."
        )
