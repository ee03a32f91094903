"""Agents and queues: who and where customers are most and least satisfied."""

import streamlit as st

from dashboard.boundary import error_boundary
from dashboard.context import page_context
from dashboard.groups import AGENTS, QUEUES, render_group
from dashboard.notices import render_form_notice, render_period_notices
from dashboard.shell import require_frame
from dashboard.sidebar import render_link_notices, shown_in_link

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
        for kind in (AGENTS, QUEUES):
            render_group(context.rows, kind, int(minimum))
