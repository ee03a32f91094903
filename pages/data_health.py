"""Data health: what the figures leave out, and how fresh and complete they are."""

import streamlit as st

from dashboard.boundary import error_boundary
from dashboard.context import last_refresh, page_context
from dashboard.health import (
    age,
    errors_table,
    form_facts,
    left_out_table,
    partial_responses,
)
from dashboard.notices import render_form_notice, render_period_notices
from dashboard.shell import require_frame
from dashboard.text import escape_markdown
from dashboard.tiles import MISSING

require_frame()

with error_boundary("showing data health"):
    context = page_context()
    health = context.data.health
    st.title("Data health")
    render_form_notice(context.data.form)
    render_period_notices(context)

    cached, requests, retries, limited = st.columns(4)
    cached.metric("Cached data updated", age(health.cached_at, context.org.clock()))
    counters = (
        (requests, "API requests (last fetch)", health.requests),
        (retries, "Retries", health.retries),
        (limited, "Rate-limited answers (429)", health.rate_limited),
    )
    for column, label, count in counters:
        if context.data.partial:
            column.metric(label, MISSING, help="Counted once the fetch is done.")
        else:
            column.metric(label, f"{count:,d}")
    refreshed = last_refresh()
    if refreshed is not None:
        st.caption(
            f"Last Refresh ({age(refreshed.when, context.org.clock())}): "
            f"{refreshed.requests:,d} API requests, {refreshed.retries:,d} retries, "
            f"{refreshed.rate_limited:,d} rate-limited answers."
        )
    if health.data_availability is not None:
        available = f"{health.data_availability:%Y-%m-%d %H:%M}"
        st.caption(f"Analytics jobs have data up to {available} UTC.")

    st.subheader("Left out of the scores")
    left, right = st.columns(2)
    left.dataframe(left_out_table(context.rows), hide_index=True)
    right.metric(
        "Partial responses",
        f"{partial_responses(context.rows):,d}",
        help="Finished with required questions unanswered: counted for the "
        "questions they answered.",
    )
    right.dataframe(errors_table(context.rows), hide_index=True)

    st.subheader("Permissions")
    for problem in health.permission_problems:
        st.warning(escape_markdown(problem), icon=":material/lock:")
    if not health.permission_problems:
        st.caption("No permission problems while reading this range.")

    st.subheader("Form")
    st.dataframe(form_facts(context.data.form), hide_index=True)
    for note in health.notes:
        st.caption(escape_markdown(note))
