"""The frame around every page: configuration, navigation and the sidebar."""

from __future__ import annotations

import threading
from dataclasses import replace

import streamlit as st

from csat.logging_setup import configure_logging
from dashboard.boundary import error_boundary
from dashboard.context import remember_refresh, remember_view
from dashboard.groups import apply_drill_down
from dashboard.loader import load_dataset, loading, new_run, refresh
from dashboard.org import current_org
from dashboard.sidebar import (
    remember_link,
    render_connection,
    render_connection_check,
    render_filters,
    render_form,
    render_link_notices,
    render_period,
    render_refresh,
)
from dashboard.state import ViewState, build_request

# Each script run happens on one thread: whether the frame is drawn is per run.
_this_run = threading.local()

PAGES = (
    ("pages/overview.py", "Overview", ":material/dashboard:"),
    ("pages/agents_and_queues.py", "Agents and queues", ":material/groups:"),
    ("pages/interactions.py", "Interactions", ":material/forum:"),
    ("pages/comments.py", "Comments", ":material/format_quote:"),
    ("pages/data_health.py", "Data health", ":material/health_and_safety:"),
)


def run_app() -> None:
    """Draw the sidebar, load the view's data, then the chosen page."""
    st.set_page_config(
        page_title="CSAT Explorer",
        page_icon=":material/sentiment_satisfied:",
        layout="wide",
    )
    configure_logging(loggers=("csat", "genesys_sim", "dashboard"))
    # The tables' own CSV export writes customer text as typed, so "=HYPERLINK(…)"
    # would run in a spreadsheet; the pages' download buttons are the safe way out.
    st.set_option("client.disableDataExport", True)
    new_run()
    navigation = st.navigation(
        [st.Page(path, title=title, icon=icon) for path, title, icon in PAGES]
    )
    with error_boundary("loading survey responses"):
        remember_view(render_sidebar())
    _this_run.framed = True
    try:
        navigation.run()
    finally:
        _this_run.framed = False


def require_frame() -> None:
    """Draw the whole app instead when Streamlit runs a page file on its own.

    A `pages/` folder next to the entry point makes Streamlit run the page a new
    session opens (a shared link, say) directly, without `app.py`; the page then
    calls this first, which draws the sidebar and the page, and stops there.
    """
    if not getattr(_this_run, "framed", False):
        run_app()
        st.stop()


def render_sidebar() -> ViewState:
    """Every sidebar section, in reading order; returns the view it describes."""
    top, middle, bottom = (st.sidebar.container() for _ in range(3))
    remember_link()
    apply_drill_down()
    org = current_org()
    render_connection(org, top)
    # Drawn before anything is fetched, so a failing org can still be diagnosed.
    refreshing = render_refresh(bottom)
    render_connection_check(org, bottom)
    start, end, tz, anchor = render_period(org, top)
    view = ViewState(start, end, tz, anchor, render_form(org, top))
    if refreshing and loading():
        # A second fetch would only queue behind the running one, unseen.
        st.toast(
            "Already fetching: press Refresh again once it is done.",
            icon=":material/hourglass_top:",
        )
    elif refreshing:
        refreshed = refresh(org, build_request(view, refresh=True))
        if not refreshed.partial:
            remember_refresh(refreshed.health, org.clock())
    data = load_dataset(org, build_request(view))
    view = replace(view, filters=render_filters(data.responses, middle))
    render_link_notices()
    return view
