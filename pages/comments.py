"""Comments: what customers wrote, detractors first."""

import streamlit as st

from dashboard.boundary import error_boundary
from dashboard.context import page_context
from dashboard.filters import search_text
from dashboard.notices import render_form_notice, render_period_notices
from dashboard.shell import require_frame
from dashboard.verbatims import CARDS, comments_order, render_comment_cards
from dashboard.views import comments_table

require_frame()

with error_boundary("showing comments"):
    context = page_context()
    st.title("Comments")
    render_form_notice(context.data.form)
    if render_period_notices(context):
        query = st.text_input("Search comments", key="search", bind="query-params")
        found = search_text(context.rows, query, ["comment", "nps_comment"])
        table = comments_table(found, context.view.tz)
        st.caption(
            f"{len(table):,d} {comments_order(context.data.form)}. "
            f"The first {CARDS} are shown as cards."
        )
        render_comment_cards(table)
        with st.expander(f"All {len(table):,d} comments as a table"):
            st.dataframe(
                table,
                hide_index=True,
                column_config={"Comment": st.column_config.TextColumn(width="large")},
            )
