"""The loads in flight: joined while running, failures handed to the next run."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from csat.dataset import Progress
from csat.errors import RateLimitError
from dashboard.loader import (
    WAITING,
    Loads,
    ProgressBoard,
    describe,
    progress_fraction,
)


class Load:
    """A load that runs until released, counting how often it was started."""

    def __init__(self, fail: bool = False) -> None:
        self.release = threading.Event()
        self.calls = 0
        self.fail = fail

    def __call__(self) -> Any:
        self.calls += 1
        self.release.wait(timeout=10)
        if self.fail:
            raise RateLimitError("429 after every retry")
        return f"dataset {self.calls}"


@pytest.fixture
def loads() -> Iterator[Loads]:
    with ThreadPoolExecutor(max_workers=4) as workers:
        yield Loads(workers)


def test_a_running_load_is_joined_not_started_again(loads: Loads) -> None:
    load = Load()
    first = loads.start("k", load)
    second = loads.start("k", load)

    assert second is first
    assert loads.running()
    load.release.set()
    assert first.result(timeout=10) == "dataset 1"
    assert load.calls == 1
    assert not loads.running()


def test_a_finished_load_is_not_kept(loads: Loads) -> None:
    load = Load()
    load.release.set()
    first = loads.start("k", load)
    first.result(timeout=10)

    again = loads.start("k", load)

    assert again is not first
    assert again.result(timeout=10) == "dataset 2"


def test_a_failure_reaches_the_next_run_once(loads: Loads) -> None:
    load = Load(fail=True)
    load.release.set()
    failed = loads.start("k", load)
    with pytest.raises(RateLimitError):
        failed.result(timeout=10)

    # The run that drew figures so far has gone; the next one gets the error.
    assert loads.start("k", load) is failed
    loads.reported("k", failed)
    retried = loads.start("k", load)

    assert retried is not failed
    with pytest.raises(RateLimitError):
        retried.result(timeout=10)
    assert load.calls == 2


def test_other_keys_load_on_their_own(loads: Loads) -> None:
    one, other = Load(), Load()
    first, second = loads.start("a", one), loads.start("b", other)
    one.release.set()
    other.release.set()

    assert first is not second
    assert first.result(timeout=10) == second.result(timeout=10) == "dataset 1"

    assert one.calls == 1 and other.calls == 1  # neither joined the other


def test_a_load_waiting_for_another_says_so() -> None:
    waiting = Progress(stage="waiting", done=0, total=None, message="")

    assert describe(waiting) == WAITING
    assert progress_fraction(waiting) == 0.0
    reading = Progress(stage="conversations", done=1, total=2, message="")
    assert describe(reading) == "Reading surveyed conversations: 1 of 2"
    assert progress_fraction(reading) == pytest.approx((1 + 0.5) / 5)


def test_the_status_line_counts_what_is_stored_and_only_grows() -> None:
    board = ProgressBoard()
    report = board.reporter("k")

    report(Progress("conversations", 0, 2, "", stored=500))
    report(Progress("answers", 40, None, "", stored=40))
    report(Progress("conversations", 0, 2, "", stored=300))  # a late, older count

    assert board.line("k") == (
        "Reading surveyed conversations (500 conversations and 40 answers stored)"
    )
    board.forget("k")
    assert board.line("k") is None
