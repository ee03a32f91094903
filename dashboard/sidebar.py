"""The sidebar every page shares; its choices live in the URL so views can be shared.

Each widget is bound to a query parameter named by its key (`bind=
"query-params"`), so the URL always describes the view and opening it restores
the view. Values equal to their default are left out of the URL.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import date
from typing import Final
from zoneinfo import available_timezones

import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from csat.dataset import FormChoice, Source
from csat.errors import CsatError
from dashboard.boundary import explain
from dashboard.filters import filter_options
from dashboard.org import Org, check_connection, form_choices
from dashboard.ranges import DEFAULT_PRESET, Preset, describe_range, resolve_range
from dashboard.state import ANCHOR_LABELS, Anchor, Filters, FormSelection
from dashboard.text import escape_markdown

AUTOMATIC = "auto"
DEFAULT_TZ = "UTC"
URL: Final = "query-params"
FILTERS: tuple[tuple[str, str, str], ...] = (
    # (URL key, label, column of the joined frame)
    ("queue", "Queue", "queue_name"),
    ("agent", "Agent", "agent_name"),
    ("media", "Media type", "media_type"),
    ("direction", "Direction", "direction"),
    ("wrapup", "Wrap-up code", "wrapup_name"),
)
REFRESH_KEY = "refresh"
LINK_KEY = "_link_asked"
SHOWN_KEY = "_link_shown"


def render_connection(org: Org, bar: DeltaGenerator) -> None:
    """Which org this is; demo data is labelled as such."""
    if org.demo:
        bar.badge("Demo data", icon=":material/science:", color="orange")
        bar.caption(
            "A simulated org: no credentials are configured. Set "
            "GENESYS_CLIENT_ID, GENESYS_CLIENT_SECRET and GENESYS_REGION to read "
            "your own org."
        )
    else:
        bar.badge(org.label, icon=":material/cloud_done:", color="blue")


def render_connection_check(org: Org, bar: DeltaGenerator) -> None:
    """A button that logs in and names any missing OAuth permission."""
    if not bar.button("Check connection", icon=":material/network_check:"):
        return
    try:
        report = check_connection(org.key, org)
    except CsatError as error:
        # Said here, beside the button; the rest of the sidebar still draws.
        message = explain(error)
        bar.error(f"**{message.what}**\n\n{message.action}")
        return
    if report.ok:
        bar.success(f"Connected; all {len(report.checked)} permissions granted.")
        return
    if report.missing:
        bar.error(
            f"Missing OAuth permission: {_names(report.missing)}. Add it to a role "
            "of the OAuth client (Admin > Integrations > OAuth > Roles), then "
            "press Refresh."
        )
    if report.missing_optional:
        bar.warning(
            f"Not granted: {_names(report.missing_optional)}, needed only to read "
            "CSAT from an evaluation form (scorecard)."
        )


def render_period(org: Org, bar: DeltaGenerator) -> tuple[date, date, str, Anchor]:
    """Date range (a preset or custom dates), time zone and time anchor."""
    bar.subheader("Period")
    zones = sorted(available_timezones())
    tz = bar.selectbox(
        "Time zone", zones, index=zones.index(default_zone(zones)), key="tz", bind=URL
    )
    shown_in_link("tz", [tz])
    presets = [p.value for p in Preset]
    preset = bar.selectbox(
        "Date range",
        presets,
        index=presets.index(DEFAULT_PRESET.value),
        format_func=lambda p: Preset(p).label,
        key="range",
        bind=URL,
    )
    shown_in_link("range", [Preset(preset).label])
    start, end = _range(Preset(preset), org.today(tz), bar)
    bar.caption(f"{describe_range(start, end)} ({tz})")
    anchor = bar.radio(
        "Time anchor",
        list(ANCHOR_LABELS),
        format_func=lambda a: ANCHOR_LABELS[a],
        key="anchor",
        bind=URL,
        horizontal=True,
        help="Place each response at its interaction's start, or at the time "
        "the customer completed the survey.",
    )
    shown_in_link("anchor", [ANCHOR_LABELS[anchor]])
    return start, end, tz, anchor


def render_form(org: Org, bar: DeltaGenerator) -> FormSelection:
    """The survey form override: automatic, a survey form or an evaluation form."""
    choices = form_choices(org.key, "survey", org) + form_choices(
        org.key, "evaluation", org
    )
    labels = {AUTOMATIC: "Automatic"} | {_option(c): _label(c) for c in choices}
    picked = bar.selectbox(
        "Survey form",
        list(labels),
        format_func=labels.__getitem__,
        key="form",
        bind=URL,
        help="Automatic picks the published survey form named like CSAT. "
        "Evaluation forms are for CSAT recorded by evaluators on a scorecard; "
        "their figures are labelled evaluation-based.",
    )
    shown_in_link("form", [labels[picked]] if picked in labels else [])
    return _selection(picked)


def render_filters(frame: pd.DataFrame, bar: DeltaGenerator) -> Filters:
    """Queue, agent, media type, direction and wrap-up code filters."""
    with bar.expander("Filters", expanded=True, icon=":material/filter_alt:"):
        chosen = [
            _multiselect(label, key, filter_options(frame, column))
            for key, label, column in FILTERS
        ]
    return Filters(*chosen)


def render_refresh(bar: DeltaGenerator) -> bool:
    """The Refresh button; True on the run it was pressed."""
    return bar.button(
        "Refresh",
        key=REFRESH_KEY,
        icon=":material/refresh:",
        help="Fetch what is new in the look-back period (surveys answered late); "
        "everything already fetched is kept.",
    )


def remember_link() -> None:
    """On a session's first run, keep the parameters of the link it opened.

    The widgets drop a parameter that is not one of their choices (an unknown
    zone, a future date, a queue that no longer exists); `link_notices` then
    says so instead of showing other figures without a word.
    """
    if LINK_KEY not in st.session_state:
        st.session_state[LINK_KEY] = {
            key: st.query_params.get_all(key) for key in st.query_params
        }
    st.session_state[SHOWN_KEY] = {}


def shown_in_link(key: str, values: list[str]) -> None:
    """What the widget bound to `key` shows, as the link would spell it."""
    st.session_state.setdefault(SHOWN_KEY, {})[key] = values


def render_link_notices() -> None:
    """Say which of the link's parameters drawn so far were not taken."""
    for notice in link_notices():
        st.warning(escape_markdown(notice), icon=":material/link_off:")


def link_notices() -> list[str]:
    """The link's parameters that were not taken, each checked once per session.

    Only parameters of widgets drawn so far are checked; a page's own widgets
    (drawn after the sidebar) are checked when the page asks.
    """
    asked: dict[str, list[str]] = st.session_state.get(LINK_KEY) or {}
    shown: dict[str, list[str]] = st.session_state.get(SHOWN_KEY) or {}
    st.session_state[LINK_KEY] = {k: v for k, v in asked.items() if k not in shown}
    notices = []
    for key, values in asked.items():
        if key in shown and set(values) != set(shown[key]):
            joined = " to ".join if key == "dates" else ", ".join
            instead = (
                f"{joined(shown[key])} is shown instead"
                if shown[key]
                else "it is left out"
            )
            notices.append(
                f"The link's {key} = {', '.join(values)} is not one of the "
                f"choices here, so {instead}."
            )
    return notices


def default_zone(zones: Sequence[str]) -> str:
    """`CSAT_TIMEZONE` when it names a zone, else UTC."""
    wanted = os.environ.get("CSAT_TIMEZONE", DEFAULT_TZ).strip()
    return wanted if wanted in zones else DEFAULT_TZ


def _range(preset: Preset, today: date, bar: DeltaGenerator) -> tuple[date, date]:
    if preset is not Preset.CUSTOM:
        return resolve_range(preset, today)
    default = resolve_range(DEFAULT_PRESET, today)
    picked = bar.date_input(
        "From - to", value=default, max_value=today, key="dates", bind=URL
    )
    days = [d for d in (picked if isinstance(picked, Sequence) else (picked,)) if d]
    shown_in_link("dates", [d.isoformat() for d in days])
    if not days:
        return default
    # One date (a one-day range in a link, or the first click of two) is that day.
    return resolve_range(preset, today, (days[0], days[-1]))


def _multiselect(label: str, key: str, options: list[str]) -> tuple[str, ...]:
    picked = st.multiselect(label, options, key=key, bind=URL, placeholder="All")
    shown_in_link(key, [str(p) for p in picked])
    return tuple(str(p) for p in picked)


def _names(permissions: Sequence[str]) -> str:
    return ", ".join(f"`{p}`" for p in permissions)


def _option(choice: FormChoice) -> str:
    return f"{choice.source}:{choice.context_id}"


def _label(choice: FormChoice) -> str:
    kind = (
        "evaluation form, scorecard" if choice.source == "evaluation" else "survey form"
    )
    draft = "" if choice.published else ", not published"
    return f"{choice.name} ({kind}{draft})"


def _selection(option: str | None) -> FormSelection:
    if not option or option == AUTOMATIC:
        return FormSelection()
    source, _, context_id = option.partition(":")
    kind: Source = "evaluation" if source == "evaluation" else "survey"
    return FormSelection(source=kind, form=context_id)
