"""The cached loader: one `Dataset` per org and request, with visible progress.

The extraction runs in a worker thread through `st.cache_resource`, keyed on the
org and the request, so every page and every session asking for the same range
shares one result (and one extraction while it runs). The script thread meanwhile
draws the progress the extraction reports; elements drawn inside a cached
function would be replayed on every later cache hit, so none are.
"""

from __future__ import annotations

import threading
from concurrent.futures import Future, ThreadPoolExecutor, wait

import streamlit as st

from csat.dataset import Dataset, ExtractRequest, Progress, ProgressCallback
from dashboard.org import Org

FIRST_WAIT_S = 0.3  # a cache hit returns well within this: no progress box
POLL_S = 0.25
STAGES = {
    "forms": "Choosing the survey form",
    "conversations": "Reading surveyed conversations",
    "answers": "Reading survey answers",
    "names": "Looking up agent, queue and wrap-up code names",
    "done": "Done",
}


class ProgressBoard:
    """The latest progress of each running load, shared by all sessions."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._latest: dict[str, Progress] = {}

    def reporter(self, key: str) -> ProgressCallback:
        def report(progress: Progress) -> None:
            with self._lock:
                self._latest[key] = progress

        return report

    def latest(self, key: str) -> Progress | None:
        with self._lock:
            return self._latest.get(key)

    def forget(self, key: str) -> None:
        with self._lock:
            self._latest.pop(key, None)


@st.cache_resource
def _workers() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=2, thread_name_prefix="csat-load")


@st.cache_resource
def _board() -> ProgressBoard:
    return ProgressBoard()


# A resource, not `st.cache_data`: that would pickle the frames once and unpickle
# a fresh copy on every page run, costing a second and a copy of the month each
# time. Pages only read the dataset (pandas copies on write), so one object serves.
@st.cache_resource(show_spinner=False, max_entries=24)
def _cached_dataset(
    org_key: str, request: ExtractRequest, _org: Org, _report: ProgressCallback
) -> Dataset:
    return _org.open(request, _report)


def load_dataset(org: Org, request: ExtractRequest) -> Dataset:
    """The dataset for `request`; shows progress while it has to be fetched.

    Errors come out as the `csat` error tree for the page's error boundary; what
    was fetched before a failure stays in the store.
    """
    key = f"{org.key}|{request!r}"
    board = _board()
    future = _workers().submit(
        _cached_dataset, org.key, request, org, board.reporter(key)
    )
    if not wait([future], timeout=FIRST_WAIT_S).done:
        _follow(future, board, key)
    board.forget(key)
    return future.result()


def refresh(org: Org, request: ExtractRequest) -> Dataset:
    """Re-read the look-back period of `request`; drop every cached dataset."""
    forget_datasets()
    return load_dataset(org, request)


def forget_datasets() -> None:
    """Drop every dataset held in memory; the next load reads the store again."""
    _cached_dataset.clear()


def _follow(future: Future[Dataset], board: ProgressBoard, key: str) -> None:
    """Draw progress until `future` is done, then take the box away again."""
    slot = st.empty()
    with slot.status("Fetching survey responses from Genesys Cloud…", expanded=True):
        bar = st.progress(0.0, text=STAGES["forms"])
        while not wait([future], timeout=POLL_S).done:
            progress = board.latest(key)
            if progress is not None:
                bar.progress(progress_fraction(progress), text=describe(progress))
    slot.empty()


def progress_fraction(progress: Progress) -> float:
    """How far along, 0..1; stages without a total count as halfway through."""
    order = list(STAGES)
    stage = order.index(progress.stage) if progress.stage in order else 0
    within = 0.5
    if progress.total:
        within = min(1.0, progress.done / progress.total)
    return min(1.0, (stage + within) / len(order))


def describe(progress: Progress) -> str:
    """One status line: the stage, and how many of how many, when known."""
    what = STAGES.get(progress.stage, progress.stage)
    if progress.total:
        return f"{what}: {progress.done:,d} of {progress.total:,d}"
    if progress.done:
        return f"{what}: {progress.done:,d}"
    return what
