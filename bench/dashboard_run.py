"""The dashboard on a large store: prepare the store, then render pages with AppTest.

The dashboard is pointed at the simulator through its ordinary settings
(`GENESYS_BASE_URL`, the demo credentials and `CSAT_STORE`), as a configured
org. One real extraction of a single day teaches the store the form choice,
the form's newest version and the names; then synthetic finished responses are
inserted through `csat.store.Store` and their windows recorded complete, so a
reopen has nothing to fetch. The dashboard reads "today" from the real clock,
so the rows are placed in its default range (the last 30 days) and in the
period before it, which the Overview compares against.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import streamlit as st
from streamlit.testing.v1 import AppTest

from bench.harness import extract_request, run_extraction
from bench.scenario import Scenario
from bench.synthetic import Catalogue, fill_store, record_complete
from csat.config import Config
from csat.store import Store
from dashboard.loader import forget_datasets
from genesys_sim import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET
from genesys_sim.org import Org

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app.py"
VIEW_DAYS = 30  # the sidebar's default preset, "Last 30 days"
RUN_TIMEOUT_S = 600.0
_CLEARED = (
    "GENESYS_REGION",
    "GENESYS_LOGIN_URL",
    "GENESYS_APPS_URL",
    "CSAT_DEMO_AS_OF",
    "CSAT_TIMEZONE",
)


OVERVIEW = "Overview"
INTERACTIONS = "Interactions"


def page_path(title: str) -> str:
    """The file of the dashboard page called `title`, as the app registers it.

    Imported late: the dashboard's modules declare Streamlit caches, which warn
    when imported outside a running app.
    """
    from dashboard.shell import PAGES

    return next(path for path, page_title, _ in PAGES if page_title == title)


@dataclass(frozen=True)
class PageRender:
    """One page's timed runs (`again` is NaN when not repeated)."""

    title: str
    first_s: float
    again_s: float
    errors: list[str]
    facts: dict[str, Any] = field(default_factory=dict)


def dashboard_env(
    base_url: str, store_dir: Path, requests_per_minute: float
) -> dict[str, str]:
    """The settings that point the dashboard at the simulator and the store,
    with the client's budget set to the scenario's (not the real 280 a minute)."""
    return {
        "GENESYS_BASE_URL": base_url,
        "GENESYS_CLIENT_ID": DEMO_CLIENT_ID,
        "GENESYS_CLIENT_SECRET": DEMO_CLIENT_SECRET,
        "CSAT_STORE": str(store_dir),
        "CSAT_RATE_PER_MINUTE": str(requests_per_minute),
    }


def dashboard_config(env: Mapping[str, str]) -> Config:
    """The `Config` the dashboard builds from `env` (so the same store file)."""
    config = Config.from_env(env, {})
    if config is None:
        raise RuntimeError("the dashboard settings configure no org")
    return config


def prepare_store(
    env: Mapping[str, str],
    org: Org,
    scenario: Scenario,
    count: int,
    *,
    with_previous: bool,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Fill the dashboard's store: `count` responses in its view (and as many
    in the period before, `with_previous`). Returns what was done."""
    config, catalogue, setup_requests = teach_store(env, org, scenario)
    moment = now or datetime.now(UTC)
    view_start, view_end = view_bounds(moment)
    began = time.perf_counter()
    with Store.for_config(config) as store:
        path = store.path
        written = fill_store(store, catalogue, count, view_start, view_end)
        if with_previous:
            previous = view_start - timedelta(days=VIEW_DAYS)
            written += fill_store(store, catalogue, count, previous, view_start, seed=2)
        record_complete(store, catalogue.context_id, moment)
    return {
        "responses_written": written,
        "insert_s": time.perf_counter() - began,
        "setup_requests": setup_requests,
        "store_file": str(path),
    }


def teach_store(
    env: Mapping[str, str], org: Org, scenario: Scenario
) -> tuple[Config, Catalogue, int]:
    """One real extraction of a day, so the store knows the form and its names.

    Returns the dashboard's settings, the catalogue synthetic rows draw from
    (its names already stored) and the requests the extraction made.
    """
    config = dashboard_config(env)
    request = extract_request(scenario.start, scenario.start)
    record = run_extraction(config, request, scenario.as_of)
    form = record.dataset.form
    catalogue = Catalogue.from_org(org, form.context_id, form.scale)
    with Store.for_config(config) as store:
        catalogue.store_names(store)
    return config, catalogue, record.requests


def view_bounds(now: datetime) -> tuple[datetime, datetime]:
    """The default view, the last 30 UTC days to an hour before `now`."""
    today = datetime.combine(now.date(), datetime.min.time(), tzinfo=UTC)
    return today - timedelta(days=VIEW_DAYS - 1), now - timedelta(hours=1)


def render_session(
    env: Mapping[str, str],
    *,
    warm_up: bool = True,
    repeat: bool = True,
    probe: Callable[[], float] | None = None,
) -> list[PageRender]:
    """Open the dashboard on the Overview, then go to Interactions, timing each.

    With `warm_up`, a first untimed run imports the pages and their libraries,
    as a long-running dashboard server has done, and the data cache is then
    cleared: the Overview's timed run reads the store, builds the frames and
    draws the page. Interactions opens as a supervisor reaches it, after the
    Overview, with the range already cached. With `repeat` each page runs once
    more, as on any widget change. `probe` (a memory reading) runs after each.
    """
    renders: list[PageRender] = []
    with patched_environ(env):
        app = AppTest.from_file(str(APP), default_timeout=RUN_TIMEOUT_S)
        if warm_up:
            app.run()
            st.cache_data.clear()
            forget_datasets()
        for title in (OVERVIEW, INTERACTIONS):
            if title != OVERVIEW:
                app.switch_page(page_path(title))
            first = _timed_run(app)
            again = _timed_run(app) if repeat else math.nan
            facts = _page_facts(app, title)
            if probe is not None:
                facts["peak_rss_mb"] = probe()
            renders.append(PageRender(title, first, again, _errors(app), facts))
    return renders


@contextmanager
def patched_environ(env: Mapping[str, str]) -> Iterator[None]:
    """`os.environ` with `env` set and other org settings removed, then restored."""
    saved = dict(os.environ)
    for name in _CLEARED:
        os.environ.pop(name, None)
    os.environ.update(env)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def _timed_run(app: AppTest) -> float:
    began = time.perf_counter()
    app.run()
    return time.perf_counter() - began


def _errors(app: AppTest) -> list[str]:
    """Exceptions raised and error boxes shown by the last run.

    A page showing figures so far counts too: the store was filled beforehand,
    so the timed run must have drawn the final figures.
    """
    partial = [str(i.value) for i in app.info if "Still fetching" in str(i.value)]
    return [
        *(str(e.value) for e in app.exception),
        *(str(e.value) for e in app.error),
        *partial,
    ]


def _page_facts(app: AppTest, title: str) -> dict[str, Any]:
    if title == INTERACTIONS:
        tables = [len(frame.value) for frame in app.dataframe]
        return {"table_rows": tables}
    return {"metrics": {m.label: m.value for m in app.metric}}
