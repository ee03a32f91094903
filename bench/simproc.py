"""The simulator in a process of its own, with its request counters on call.

In the benchmark's own process the simulator and the client would share one
interpreter lock, and each would slow the other; a child process gives each its
own core, as a real org would. `SimProcess.stats()` asks the child for its
counters (`genesys_sim`'s `RequestStats`), so figures come from the simulator's
own count. `InProcessSim` offers the same surface in a thread, for fast tests.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import time
from collections import Counter
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from types import TracebackType
from typing import Protocol

from genesys_sim import SimSettings, run_simulator, start_simulator
from genesys_sim.server import RunningSimulator

START_TIMEOUT_S = 120.0
STOP_TIMEOUT_S = 10.0


@dataclass(frozen=True)
class SimStats:
    """A copy of the simulator's counters at one moment."""

    total: int = 0
    by_route: Counter[str] = field(default_factory=Counter)
    by_status: Counter[int] = field(default_factory=Counter)

    def __sub__(self, earlier: SimStats) -> SimStats:
        return SimStats(
            self.total - earlier.total,
            self.by_route - earlier.by_route,
            self.by_status - earlier.by_status,
        )


class SimHandle(Protocol):
    """What benchmarks need of a running simulator."""

    base_url: str

    def stats(self) -> SimStats: ...


class InProcessSim:
    """The simulator in a thread of this process (tests, small orgs)."""

    def __init__(self, settings: SimSettings) -> None:
        self._running: RunningSimulator = start_simulator(settings)
        self.base_url = self._running.base_url

    def stats(self) -> SimStats:
        return _snapshot(self._running)

    def __enter__(self) -> InProcessSim:
        return self

    def __exit__(self, *_: object) -> None:
        self._running.stop()


class SimProcess:
    """The simulator in a child process; use as a context manager."""

    def __init__(self, settings: SimSettings) -> None:
        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        self._process = context.Process(
            target=_serve, args=(settings, child), name="genesys-sim", daemon=True
        )
        self._process.start()
        child.close()
        if not self._conn.poll(START_TIMEOUT_S):
            self._stop()
            raise RuntimeError("the simulator process did not start")
        self.base_url: str = self._conn.recv()

    def stats(self) -> SimStats:
        self._conn.send("stats")
        snapshot: SimStats = self._conn.recv()
        return snapshot

    def __enter__(self) -> SimProcess:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop()

    def _stop(self) -> None:
        if self._process.is_alive():
            # A child that already died has closed its end of the pipe.
            with contextlib.suppress(BrokenPipeError, OSError):
                self._conn.send("stop")
            self._process.join(STOP_TIMEOUT_S)
        if self._process.is_alive():
            self._process.terminate()
            self._process.join(STOP_TIMEOUT_S)
        self._conn.close()


def settled(
    sim: SimHandle, before: SimStats, sent: int, timeout_s: float = 5.0
) -> SimStats:
    """The counts since `before`, once the simulator has counted `sent` requests.

    The simulator counts a request after its answer has gone out, so a client
    can hold its last answer a moment before the count includes it.
    """
    deadline = time.monotonic() + timeout_s
    while True:
        counted = sim.stats() - before
        if counted.total >= sent or time.monotonic() > deadline:
            return counted
        time.sleep(0.01)


def quiet(sim: SimHandle, before: SimStats, pause_s: float = 0.2) -> SimStats:
    """The counts since `before`, read once two readings `pause_s` apart agree."""
    counted = sim.stats() - before
    while True:
        time.sleep(pause_s)
        again = sim.stats() - before
        if again.total == counted.total:
            return again
        counted = again


def _serve(settings: SimSettings, conn: Connection) -> None:
    """The child's body: serve, answer for the counters, stop when told."""
    with run_simulator(settings, port=0) as sim:
        conn.send(sim.base_url)
        while True:
            try:
                command = conn.recv()
            except EOFError:
                return
            if command == "stats":
                conn.send(_snapshot(sim))
            else:
                return


def _snapshot(sim: RunningSimulator) -> SimStats:
    stats = sim.stats
    return SimStats(stats.total, Counter(stats.by_route), Counter(stats.by_status))
