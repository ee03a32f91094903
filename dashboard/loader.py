"""The cached loader: one `Dataset` per org and request, with visible progress.

The extraction runs in a worker thread through `st.cache_resource`, keyed on the
org and the request, so every page and every session asking for the same range
shares one result (and one extraction while it runs). The script thread meanwhile
draws the progress the extraction reports; elements drawn inside a cached
function would be replayed on every later cache hit, so none are. A long load
hands the page what the store already holds, marked partial, and reruns the app
when it is done.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import replace

import streamlit as st

from csat.dataset import Dataset, ExtractRequest, Progress, ProgressCallback
from csat.errors import RateLimitError, ServiceError
from dashboard.boundary import explain, render_message
from dashboard.org import Org

FIRST_WAIT_S = 0.3  # a cache hit returns well within this: no progress box
POLL_S = 0.25
PARTIAL_AFTER_S = 2.0  # a load still fetching after this shows what is stored
PARTIAL_EVERY_S = 20.0  # a page of figures so far is redrawn this often
FAILURE_KEPT_S = 60.0  # a failed background load is reported to the next run
STAGES = {
    "forms": "Choosing the survey form",
    "conversations": "Reading surveyed conversations",
    "answers": "Reading survey answers",
    "names": "Looking up agent, queue and wrap-up code names",
    "done": "Done",
}
WAITING = "Waiting for another load of this org to finish"
# Stages in which rows are arriving in the store (or about to): a load in one of
# them long enough shows what is stored. A warm reopen, which only reads the
# store, never reports them.
FETCHING = frozenset({"waiting", "conversations", "answers"})

SEEN_KEY = "_csat_partial_seen"  # loads this session has shown figures so far of
# Each script run happens on one thread: the partial datasets of this run.
_this_run = threading.local()


class ProgressBoard:
    """The latest progress of each running load, shared by all sessions.

    Besides the latest step it keeps the highest count stored per stage, so a
    status line that names them only ever grows while stages interleave.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._latest: dict[str, Progress] = {}
        self._stored: dict[str, dict[str, int]] = {}

    def reporter(self, key: str) -> ProgressCallback:
        def report(progress: Progress) -> None:
            with self._lock:
                self._latest[key] = progress
                if progress.stored is not None:
                    counts = self._stored.setdefault(key, {})
                    counts[progress.stage] = max(
                        progress.stored, counts.get(progress.stage, 0)
                    )

        return report

    def latest(self, key: str) -> Progress | None:
        with self._lock:
            return self._latest.get(key)

    def line(self, key: str) -> str | None:
        """The status line of `key`: its stage, and what is stored so far."""
        with self._lock:
            progress = self._latest.get(key)
            counts = dict(self._stored.get(key, {}))
        if progress is None:
            return None
        stored = [
            f"{counts[stage]:,d} {stage}"
            for stage in ("conversations", "answers")
            if stage in counts
        ]
        if not stored:
            return describe(progress)
        return f"{describe(progress, counts=False)} ({' and '.join(stored)} stored)"

    def forget(self, key: str) -> None:
        with self._lock:
            self._latest.pop(key, None)
            self._stored.pop(key, None)


class Loads:
    """The loads in flight, by key, shared by every session and script run.

    A run asking for a dataset that is still being extracted joins that load
    instead of queueing another. A load that failed is kept until a run has
    reported its error (for a while at most), so a failure in the background,
    after figures so far were drawn, still reaches the page.
    """

    def __init__(self, workers: ThreadPoolExecutor) -> None:
        self._workers = workers
        self._lock = threading.Lock()
        self._futures: dict[str, Future[Dataset]] = {}
        self._failed_at: dict[str, float] = {}

    def start(self, key: str, load: Callable[[], Dataset]) -> Future[Dataset]:
        """The running (or failed, unreported) load of `key`, or a new one."""
        with self._lock:
            future = self._futures.get(key)
            if future is not None and self._joinable(key, future):
                return future
            future = self._workers.submit(load)
            self._futures[key] = future
            self._failed_at.pop(key, None)
        future.add_done_callback(lambda done: self._finished(key, done))
        return future

    def reported(self, key: str, future: Future[Dataset]) -> None:
        """A run has shown the error of `future`; the next run tries again."""
        with self._lock:
            if self._futures.get(key) is future:
                del self._futures[key]
                self._failed_at.pop(key, None)

    def running(self) -> bool:
        """True while any load is still being extracted."""
        with self._lock:
            return any(not future.done() for future in self._futures.values())

    def _joinable(self, key: str, future: Future[Dataset]) -> bool:
        if not future.done():
            return True
        if future.exception() is None:
            return False
        # Failed: its done-callback may not have noted when yet.
        failed_at = self._failed_at.get(key)
        return failed_at is None or time.monotonic() - failed_at < FAILURE_KEPT_S

    def _finished(self, key: str, future: Future[Dataset]) -> None:
        with self._lock:
            if self._futures.get(key) is not future:
                return
            if future.exception() is None:
                # The dataset lives in the cache; holding it here too would
                # keep it alive after the cache lets it go.
                del self._futures[key]
            else:
                self._failed_at[key] = time.monotonic()


@st.cache_resource
def _loads() -> Loads:
    return Loads(ThreadPoolExecutor(max_workers=4, thread_name_prefix="csat-load"))


@st.cache_resource
def _board() -> ProgressBoard:
    return ProgressBoard()


@st.cache_resource
def _org_lock(org_key: str) -> threading.Lock:
    """One extraction at a time per org: each would take the whole request budget."""
    return threading.Lock()


# A resource, not `st.cache_data`: that would pickle the frames once and unpickle
# a fresh copy on every page run, costing a second and a copy of the month each
# time. Pages only read the dataset (pandas copies on write), so one object serves.
@st.cache_resource(show_spinner=False, max_entries=24)
def _cached_dataset(
    org_key: str, request: ExtractRequest, _org: Org, _report: ProgressCallback
) -> Dataset:
    lock = _org_lock(org_key)
    if not lock.acquire(blocking=False):
        _report(Progress(stage="waiting", done=0, total=None, message=WAITING))
        lock.acquire()
    try:
        return _org.open(request, _report)
    finally:
        lock.release()


def new_run() -> None:
    """Forget the partial datasets of the previous script run on this thread."""
    _this_run.partial = {}


def _partials() -> dict[str, Dataset]:
    """The partial datasets this script run has drawn, by load key."""
    if not hasattr(_this_run, "partial"):
        new_run()
    found: dict[str, Dataset] = _this_run.partial
    return found


def load_dataset(
    org: Org,
    request: ExtractRequest,
    what: str = "survey responses",
    meanwhile: str = "the figures below are what has arrived so far and will change",
) -> Dataset:
    """The dataset for `request`; shows progress while it has to be fetched.

    A load that is still fetching after `PARTIAL_AFTER_S` returns what the store
    holds so far instead (`Dataset.partial`), and leaves a progress line that
    reruns the app when the load is done. Errors come out as the `csat` error
    tree for the page's error boundary; what was fetched before a failure stays
    in the store, and when the service gave out part-way that is shown too
    (`Dataset.stopped`), below the reason.
    """
    key = f"{org.key}|{request!r}"
    partial = _partials()
    if key in partial:
        return partial[key]
    board = _board()
    future = _loads().start(
        key, lambda: _cached_dataset(org.key, request, org, board.reporter(key))
    )
    if not wait([future], timeout=FIRST_WAIT_S).done:
        seen: set[str] = st.session_state.setdefault(SEEN_KEY, set())
        # A redraw of figures so far goes straight to them, without a second box.
        known = org.known(request) if key in seen else None
        if known is None:
            known = _follow(future, board, key, lambda: org.known(request), what)
        if known is not None:
            seen.add(key)
            partial[key] = known
            # Nothing stored yet: look again soon rather than in a while.
            every = PARTIAL_EVERY_S if len(known.responses) else 2 * PARTIAL_AFTER_S
            text = f"Fetching {what} from Genesys Cloud: {meanwhile}."
            _watch(future, board, key, text, every)
            return known
    board.forget(key)
    # The next load of `key` (after a Refresh, say) starts with its progress again.
    st.session_state.get(SEEN_KEY, set()).discard(key)
    try:
        return future.result()
    except (ServiceError, RateLimitError) as error:
        # The service gave out part-way: say so, and show what was stored.
        _loads().reported(key, future)
        stored = org.known(request)
        if stored is None or stored.responses.empty:
            raise
        render_message(explain(error))
        partial[key] = replace(stored, stopped=True)
        return partial[key]
    except BaseException:
        _loads().reported(key, future)
        raise


def loading() -> bool:
    """True while any dataset is still being extracted (in any session)."""
    return _loads().running()


def refresh(org: Org, request: ExtractRequest) -> Dataset:
    """Re-read the look-back period of `request`; drop every cached dataset."""
    forget_datasets()
    return load_dataset(org, request)


def forget_datasets() -> None:
    """Drop every dataset held in memory; the next load reads the store again."""
    _cached_dataset.clear()


def _follow(
    future: Future[Dataset],
    board: ProgressBoard,
    key: str,
    known: Callable[[], Dataset | None],
    what: str,
) -> Dataset | None:
    """Draw progress until `future` is done or what is stored can be shown.

    Returns the dataset read from the store, or None once `future` is done.
    """
    slot = st.empty()
    tried = time.monotonic()
    found: Dataset | None = None
    with slot.status(f"Fetching {what} from Genesys Cloud…", expanded=True):
        bar = st.progress(0.0, text=STAGES["forms"])
        while not wait([future], timeout=POLL_S).done:
            progress = board.latest(key)
            if progress is not None:
                text = board.line(key) or describe(progress)
                bar.progress(progress_fraction(progress), text=text)
            now = time.monotonic()
            if (
                progress is not None
                and progress.stage in FETCHING
                and now - tried >= PARTIAL_AFTER_S
            ):
                tried = now
                found = known()
                if found is not None:
                    break
    slot.empty()
    return None if future.done() else found


def _watch(
    future: Future[Dataset], board: ProgressBoard, key: str, text: str, every: float
) -> None:
    """A progress line that reruns the app when `future` is done.

    Every `every` seconds it reruns the app anyway, so the figures so far grow.
    """
    shown = time.monotonic()

    @st.fragment(run_every=POLL_S * 4)
    def still_fetching() -> None:
        if future.done() or time.monotonic() - shown >= every:
            st.rerun()
        progress = board.latest(key)
        line = text
        if progress is not None:
            line += f" {board.line(key) or describe(progress)}."
        st.progress(
            0.0 if progress is None else progress_fraction(progress),
            text=line,
        )

    still_fetching()


def progress_fraction(progress: Progress) -> float:
    """How far along, 0..1; stages without a total count as halfway through."""
    order = list(STAGES)
    if progress.stage not in order:
        return 0.0
    stage = order.index(progress.stage)
    within = 0.5
    if progress.total:
        within = min(1.0, progress.done / progress.total)
    return min(1.0, (stage + within) / len(order))


def describe(progress: Progress, counts: bool = True) -> str:
    """One status line: the stage, and how many of how many, when known."""
    if progress.stage == "waiting":
        return WAITING
    what = STAGES.get(progress.stage, progress.stage)
    if not counts:
        return what
    if progress.total:
        return f"{what}: {progress.done:,d} of {progress.total:,d}"
    if progress.done:
        return f"{what}: {progress.done:,d}"
    return what
