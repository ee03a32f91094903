"""Interactions: every surveyed interaction behind the figures, one per row."""

from functools import partial

import streamlit as st

from csat.export import to_csv_bytes
from dashboard.boundary import error_boundary
from dashboard.context import page_context
from dashboard.detail import render_detail, selected_survey
from dashboard.notices import render_form_notice, render_period_notices
from dashboard.row_filters import render_row_filters
from dashboard.shell import require_frame
from dashboard.views import interactions_table

require_frame()

with error_boundary("showing interactions"):
    context = page_context()
    st.title("Interactions")
    render_form_notice(context.data.form)
    if render_period_notices(context):
        shown = render_row_filters(context.data.form.scale).apply(context.rows)
        table = interactions_table(shown, context.view.tz, context.org.interaction_url)

        st.caption(
            f"{len(table):,d} surveyed interactions · times in {context.view.tz}. "
            "Choose a row to see every answer."
        )
        event = st.dataframe(
            table,
            hide_index=True,
            on_select="rerun",
            selection_mode="single-row",
            key="interactions",
            height=460,
            placeholder="\u2013",
            column_config={
                "Link": st.column_config.LinkColumn("Link", display_text="Open"),
                "Comment": st.column_config.TextColumn("Comment", width="large"),
            },
        )
        st.download_button(
            "Download these rows (CSV)",
            partial(to_csv_bytes, table, bom=True),  # made when clicked
            file_name=f"interactions_{context.view.start}_{context.view.end}.csv",
            mime="text/csv",
            icon=":material/download:",
            on_click="ignore",
        )
        survey_id = selected_survey(table, list(event.selection.rows))
        if survey_id is not None:
            render_detail(context.rows, context.data.answers, survey_id)
