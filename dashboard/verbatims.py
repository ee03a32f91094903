"""Comment cards: customer text drawn as plain text, never as markup."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from csat.dataset import FormInfo
from dashboard.text import escape_markdown
from dashboard.tiles import MISSING, WORDS

CARDS = 50


def comments_order(form: FormInfo) -> str:
    """What the comments are and in which order they come, for the caption."""
    what = WORDS[form.source].comments
    if form.nps_question is None:
        return f"{what}, lowest CSAT score first"
    return (
        f"{what}, unhappy customers first (NPS 0-6 or CSAT in the bottom two), "
        "then by CSAT score"
    )


def render_comment_cards(table: pd.DataFrame, limit: int = CARDS) -> None:
    """One bordered card per comment: scores and agent above, the text below."""
    for _, row in table.head(limit).iterrows():
        with st.container(border=True):
            st.caption(escape_markdown(card_heading(row)))
            st.text(str(row["Comment"]))


def card_heading(row: pd.Series) -> str:
    """ "NPS 3 · CSAT 2 · Agent · Queue · 2026-11-04 09:15" """
    parts = [
        f"NPS {_score(row['NPS'])}",
        f"CSAT {_score(row['CSAT'])}",
        str(row["Agent"]),
        str(row["Queue"]),
        str(row["Local time"]),
    ]
    return " · ".join(parts)


def _score(value: object) -> str:
    return MISSING if value is None or pd.isna(value) else str(value)  # type: ignore[call-overload]
