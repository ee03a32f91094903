"""What a page needs: the org, the sidebar's view, and the rows in that view.

The entry point (`dashboard.shell`) draws the sidebar and remembers the view for
this run; a page asks for its context and gets the dataset from the cached loader.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd
import streamlit as st

from csat.dataset import Dataset, Health
from csat.metrics import previous_period
from dashboard.filters import rows_in_view, select_before
from dashboard.loader import load_dataset
from dashboard.org import Org, current_org
from dashboard.state import ViewState, build_request

VIEW_KEY = "_csat_view"
REFRESH_KEY = "_csat_last_refresh"


@dataclass(frozen=True)
class LastRefresh:
    """When the last Refresh ran and the requests it made."""

    when: datetime
    requests: int
    retries: int
    rate_limited: int


@dataclass(frozen=True)
class PageContext:
    """One page run: where from, what view, the dataset and the rows shown."""

    org: Org
    view: ViewState
    data: Dataset
    rows: pd.DataFrame

    @property
    def provisional_day(self) -> date | None:
        """The first local day whose figures may still change, if in the range."""
        return local_day(self.data.health.provisional_from, self.view.tz)


def remember_refresh(health: Health, when: datetime) -> None:
    """Keep what the last Refresh cost, for Data health (the page's own dataset
    is the store read that follows it)."""
    st.session_state[REFRESH_KEY] = LastRefresh(
        when, health.requests, health.retries, health.rate_limited
    )


def last_refresh() -> LastRefresh | None:
    """What the last Refresh of this session cost, if there was one."""
    found: LastRefresh | None = st.session_state.get(REFRESH_KEY)
    return found


def remember_view(view: ViewState) -> None:
    """Keep this run's view for the page that runs after the sidebar."""
    st.session_state[VIEW_KEY] = view


def page_context() -> PageContext:
    """The context of the page being drawn (the sidebar has run already)."""
    org = current_org()
    view: ViewState = st.session_state[VIEW_KEY]
    data = load_dataset(org, build_request(view))
    return PageContext(org, view, data, rows_in_view(data.responses, view))


def previous_rows(context: PageContext) -> pd.DataFrame | None:
    """The rows of the period of the same length just before the view's.

    None while either period is still being fetched: a change against figures
    so far would mean nothing.
    """
    if context.data.partial:
        return None
    view = context.view
    start, end = previous_period(view.start, view.end)
    data = load_dataset(
        context.org,
        build_request(view, start, end),
        "the previous period",
        "the changes against it are shown once it is done",
    )
    if data.partial:
        return None
    rows = rows_in_view(data.responses, view, start, end)
    cutoff = comparison_cutoff(context)
    return rows if cutoff is None else select_before(rows, view.anchor, cutoff)


def comparison_cutoff(context: PageContext) -> datetime | None:
    """Where the previous period stops when the view's period is still running.

    A period that ends today is compared with the previous one up to the same
    time of day, not with the whole of it (a morning against a full day).
    """
    view = context.view
    if view.end < context.org.today(view.tz):
        return None
    length = (view.end - view.start).days + 1
    now = pd.Timestamp(context.org.clock()).tz_convert(view.tz)
    # The same wall-clock time `length` days earlier, across a DST change too.
    return (now - pd.DateOffset(days=length)).to_pydatetime()


def local_day(instant: datetime | None, tz: str) -> date | None:
    if instant is None:
        return None
    stamp = pd.Timestamp(instant)
    stamp = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp
    return stamp.tz_convert(tz).date()
