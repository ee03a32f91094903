"""Notices above a page's figures: which form, what is provisional, what is empty."""

from __future__ import annotations

import streamlit as st

from csat.dataset import FormInfo
from dashboard.context import PageContext
from dashboard.ranges import describe_range
from dashboard.text import escape_markdown
from dashboard.tiles import WORDS


def render_form_notice(form: FormInfo) -> None:
    """Name the form the figures come from; evaluation-based data is flagged."""
    how = (
        "chosen automatically" if form.chosen_automatically else "chosen in the sidebar"
    )
    if form.source == "evaluation":
        scale = ", ".join(str(v) for v in form.scale)
        st.warning(
            "Evaluation-based figures: CSAT as recorded by evaluators on the "
            f"evaluation form (scorecard) {escape_markdown(form.name)}, {how}, "
            f'from its question "{escape_markdown(form.csat_question)}" '
            f"(answers {scale}). These are not the customers' own survey answers.",
            icon=":material/fact_check:",
        )
    else:
        st.caption(f"Survey form: {escape_markdown(form.name)} ({how}).")
    if form.warning:
        st.warning(escape_markdown(form.warning))


def render_period_notices(context: PageContext) -> bool:
    """Mark a provisional period; explain an empty one. False when empty."""
    view = context.view
    day = context.provisional_day
    if context.data.partial:
        return _render_partial_notice(context)
    if day is not None and day <= view.end:
        late = (
            "Evaluators can still release evaluations"
            if context.data.form.source == "evaluation"
            else "Customers can still answer surveys"
        )
        st.info(
            f"Provisional: {describe_range(max(day, view.start), view.end)}. "
            f"{late} for these days, so their figures will change; press Refresh "
            "later to fetch late answers.",
            icon=":material/hourglass_top:",
        )
    if context.data.health.permission_problems:
        st.warning(
            "Some names could not be read (missing permission); see Data health.",
            icon=":material/lock:",
        )
    if not context.rows.empty:
        return True
    st.info(
        f"**No surveys in {describe_range(view.start, view.end)} ({view.tz})"
        f"{' for these filters' if view.filters.active() else ''}.**\n\n"
        "Surveys arrive hours or days after the interaction and are counted by "
        "the interaction's start (or, with the completion anchor, by completion). "
        "Widen the date range, clear filters, check the time zone, or pick the "
        "form that holds CSAT under Survey form.",
        icon=":material/search_off:",
    )
    return False


def _render_partial_notice(context: PageContext) -> bool:
    """Figures so far while the range is still being fetched. False when empty."""
    view = context.view
    filtered = " for these filters" if view.filters.active() else ""
    if context.rows.empty and context.data.stopped:
        st.warning(
            f"**Fetching {describe_range(view.start, view.end)} stopped before the "
            f"end**, with nothing stored{filtered} yet. Press Refresh to try again.",
            icon=":material/sync_problem:",
        )
        return False
    if context.rows.empty:
        st.info(
            f"**Nothing stored yet for {describe_range(view.start, view.end)}"
            f"{' with these filters' if view.filters.active() else ''}.** "
            "Responses are still being fetched; this page fills in as they arrive.",
            icon=":material/downloading:",
        )
        return False
    if context.data.stopped:
        st.warning(
            f"**Fetching {describe_range(view.start, view.end)} stopped before the "
            f"end.** These are the figures of the {len(context.rows):,d} "
            f"{_items(context)} stored before it stopped, not the final ones; "
            "press Refresh to fetch the rest.",
            icon=":material/sync_problem:",
        )
        return True
    st.info(
        f"**Still fetching {describe_range(view.start, view.end)}.** These are the "
        f"figures of the {len(context.rows):,d} {_items(context)} stored so far, not "
        "the "
        "final ones: the page redraws as more arrive and once fetching is done.",
        icon=":material/downloading:",
    )
    return True


def _items(context: PageContext) -> str:
    return WORDS[context.data.form.source].items
