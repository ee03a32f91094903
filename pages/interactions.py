"""Interactions: every surveyed interaction behind the figures, one per row."""

from functools import partial

import streamlit as st

from dashboard.boundary import error_boundary
from dashboard.context import page_context
from dashboard.detail import render_detail, selected_survey, table_key
from dashboard.filters import finished_mask
from dashboard.notices import render_form_notice, render_period_notices
from dashboard.row_filters import render_row_filters
from dashboard.shell import require_frame
from dashboard.views import interactions_csv, interactions_table

LISTED = 10_000  # rows sent to the browser; the download holds every row

require_frame()

with error_boundary("showing interactions"):
    context = page_context()
    st.title("Interactions")
    render_form_notice(context.data.form)
    if render_period_notices(context):
        shown = render_row_filters(context.data.form.scale).apply(context.rows)
        tz, link = context.view.tz, context.org.interaction_url
        table = interactions_table(shown, tz, link, limit=LISTED)
        total = int(finished_mask(shown).sum())

        st.caption(
            f"{total:,d} surveyed interactions · times in {tz}. "
            "Choose a row to see every answer."
        )
        if total > len(table):
            st.caption(
                f"The newest {len(table):,d} are listed (and in the first download); "
                f"the second holds all {total:,d}. Narrow the filters or the dates "
                "to list older ones."
            )
        event = st.dataframe(
            table,
            hide_index=True,
            on_select="rerun",
            selection_mode="single-row",
            key=table_key(table),
            height=460,
            placeholder="\u2013",
            column_config={
                "Link": st.column_config.LinkColumn("Link", display_text="Open"),
                "Comment": st.column_config.TextColumn("Comment", width="large"),
            },
        )
        name = f"interactions_{context.view.start}_{context.view.end}"
        downloads = [("Download these rows (CSV)", LISTED, f"{name}.csv")]
        if total > len(table):
            downloads.append(
                (f"Download all {total:,d} rows (CSV)", None, f"{name}_all.csv")
            )
        for label, limit, file_name in downloads:
            st.download_button(
                label,
                partial(interactions_csv, shown, tz, link, limit),  # made on click
                file_name=file_name,
                mime="text/csv",
                icon=":material/download:",
                on_click="ignore",
            )
        survey_id = selected_survey(table, list(event.selection.rows))
        if survey_id is not None:
            render_detail(context.rows, context.data.answers, survey_id)
