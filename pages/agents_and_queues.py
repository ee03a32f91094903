"""Agents and queues: who and where customers are most and least satisfied."""

import streamlit as st

from dashboard.boundary import error_boundary
from dashboard.context import page_context
from dashboard.groups import AGENTS, QUEUES, render_group
from dashboard.notices import render_form_notice, render_period_notices
from dashboard.shell import require_frame
from dashboard.sidebar import render_link_notices, shown_in_link
from dashboard.text import escape_markdown

require_frame()

with error_boundary("showing agents and queues"):
    context = page_context()
    st.title("Agents and queues")
    render_form_notice(context.data.form)
    if render_period_notices(context):
        minimum = st.number_input(
            "Minimum responses to be ranked",
            min_value=1,
            max_value=1000,
            value=10,
            key="min",
            bind="query-params",
        )
        shown_in_link("min", [str(minimum)])
        render_link_notices()
        narrowed = [
            f"{label} ({', '.join(escape_markdown(n) for n in names)})"
            for label, names in (
                ("Agent", context.view.filters.agents),
                ("Queue", context.view.filters.queues),
            )
            if names
        ]
        if narrowed:
            st.info(
                f"Narrowed by the sidebar's {' and '.join(narrowed)} filter: "
                "clear it to compare every agent and queue.",
                icon=":material/filter_alt:",
            )
        for kind in (AGENTS, QUEUES):
            render_group(context.rows, kind, int(minimum))
