"""Run the simulator on loopback: uvicorn in a background thread.

    with run_simulator(SimSettings(), port=0) as sim:
        httpx.get(f"{sim.base_url}/api/v2/users", headers=...)

Port 0 picks a free port; `base_url` reports the real one. `start_simulator`
returns a running simulator for callers that manage its life themselves (the
dashboard's demo mode); call `stop()` when done.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn

from genesys_sim.app import create_app
from genesys_sim.org import Org, build_org
from genesys_sim.settings import Faults, SimSettings
from genesys_sim.state import Clock, RequestStats, SimState, Sleep

logger = logging.getLogger(__name__)

STARTUP_TIMEOUT_S = 10.0
SHUTDOWN_TIMEOUT_S = 5.0


class SimulatorError(RuntimeError):
    """The simulator could not start."""


class RunningSimulator:
    """A simulator serving in a background thread."""

    def __init__(
        self,
        state: SimState,
        server: uvicorn.Server,
        thread: threading.Thread,
        port: int,
        host: str,
    ) -> None:
        self.state = state
        self.base_url = f"http://{host}:{port}"
        self.port = port
        self._server = server
        self._thread = thread

    @property
    def org(self) -> Org:
        """The org being served."""
        return self.state.org

    @property
    def settings(self) -> SimSettings:
        """The settings it was started with (faults live)."""
        return self.state.settings

    @property
    def faults(self) -> Faults:
        """The live faults: changes apply to the next request."""
        return self.state.faults

    @property
    def stats(self) -> RequestStats:
        """Requests answered so far."""
        return self.state.stats

    @property
    def running(self) -> bool:
        """Whether the server thread is alive."""
        return self._thread.is_alive()

    def stop(self) -> None:
        """Stop serving and wait for the thread; safe to call twice."""
        self._server.should_exit = True
        self._thread.join(SHUTDOWN_TIMEOUT_S)
        if self._thread.is_alive():
            self._server.force_exit = True
            self._thread.join(SHUTDOWN_TIMEOUT_S)
        logger.info("simulator on %s stopped", self.base_url)


def start_simulator(
    settings: SimSettings | None = None,
    port: int = 0,
    host: str = "127.0.0.1",
    *,
    org: Org | None = None,
    clock: Clock = time.time,
    sleep: Sleep = asyncio.sleep,
) -> RunningSimulator:
    """Build the org (unless given) and serve it until `stop()`."""
    settings = settings or SimSettings()
    if org is None:
        org = build_org(settings.org)
    state = SimState.create(org, settings, clock=clock, sleep=sleep)
    sock = bind_socket(host, port)
    server = uvicorn.Server(_config(state, host))
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, daemon=True, name="genesys-sim"
    )
    thread.start()
    _wait_started(server, thread)
    running = RunningSimulator(state, server, thread, sock.getsockname()[1], host)
    logger.info("simulator serving on %s", running.base_url)
    return running


@contextmanager
def run_simulator(
    settings: SimSettings | None = None,
    port: int = 0,
    host: str = "127.0.0.1",
    *,
    org: Org | None = None,
    clock: Clock = time.time,
    sleep: Sleep = asyncio.sleep,
) -> Iterator[RunningSimulator]:
    """Serve for the duration of a `with` block."""
    running = start_simulator(settings, port, host, org=org, clock=clock, sleep=sleep)
    try:
        yield running
    finally:
        running.stop()


def bind_socket(host: str, port: int) -> socket.socket:
    """A TCP socket bound to `host:port` (0: any free port), ready for uvicorn."""
    # asyncio sets TCP_NODELAY on accepted sockets only when the listener's proto
    # is IPPROTO_TCP; without it Nagle and delayed ACKs add ~40 ms per response.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise SimulatorError(f"cannot listen on {host}:{port}: {exc}") from exc
    return sock


def _config(state: SimState, host: str) -> uvicorn.Config:
    return uvicorn.Config(
        create_app(state),
        host=host,
        loop="asyncio",
        http="h11",
        ws="none",
        lifespan="off",
        log_level="warning",
        access_log=False,
        timeout_graceful_shutdown=2,
    )


def _wait_started(server: uvicorn.Server, thread: threading.Thread) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            raise SimulatorError("the simulator did not start")
        time.sleep(0.01)
