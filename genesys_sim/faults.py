"""Fault injection: which request fails, and how a connection is dropped.

Decisions come from generators seeded with `Faults.seed`, one for requests and one
for jobs, so the same sequence of requests meets the same faults. The shares are
read from the live `Faults` on every decision.
"""

from __future__ import annotations

import asyncio
import enum
import logging
import random

from starlette.types import Receive

from genesys_sim.settings import Faults

logger = logging.getLogger(__name__)


class RequestFault(enum.Enum):
    """What happens to one request before it reaches a route."""

    NONE = "none"
    DROP = "drop"
    RATE_LIMITED = "429"
    UNAVAILABLE = "503"
    TIMEOUT = "504"


class JobOutcome(enum.Enum):
    """How an async details job ends."""

    FULFILLED = "FULFILLED"
    FAILED = "FAILED"
    EXPIRED = "EXPIRED"


class FaultInjector:
    """Draws the fault of each request and the outcome of each job.

    Changing `Faults.seed` on a running server restarts both sequences.
    """

    def __init__(self, faults: Faults) -> None:
        self.faults = faults
        self._reseed()

    def request_fault(self) -> RequestFault:
        """One draw per request: dropped, 429, 503/504 or none, by share."""
        self._follow_seed()
        faults = self.faults
        draw = self._requests.random()
        if draw < faults.share_dropped:
            return RequestFault.DROP
        draw -= faults.share_dropped
        if draw < faults.share_429:
            return RequestFault.RATE_LIMITED
        draw -= faults.share_429
        if draw < faults.share_5xx:
            coin = self._requests.random()
            return RequestFault.UNAVAILABLE if coin < 0.5 else RequestFault.TIMEOUT
        return RequestFault.NONE

    def _reseed(self) -> None:
        self._seed = self.faults.seed
        self._requests = random.Random(self._seed)
        self._jobs = random.Random(self._seed + 1)

    def _follow_seed(self) -> None:
        if self._seed != self.faults.seed:
            self._reseed()

    def job_outcome(self) -> JobOutcome:
        """The fate of a newly submitted job: counters first, then shares."""
        self._follow_seed()
        faults = self.faults
        if faults.fail_next_jobs > 0:
            faults.fail_next_jobs -= 1
            return JobOutcome.FAILED
        if faults.expire_next_jobs > 0:
            faults.expire_next_jobs -= 1
            return JobOutcome.EXPIRED
        draw = self._jobs.random()
        if draw < faults.job_failure_share:
            return JobOutcome.FAILED
        if draw < faults.job_failure_share + faults.job_expiry_share:
            return JobOutcome.EXPIRED
        return JobOutcome.FULFILLED


async def drop_connection(receive: Receive) -> None:
    """Close the client's socket without sending a response.

    ASGI has no "abort" message, and uvicorn answers 500 when an app fails before
    responding, so the socket is reached through uvicorn's request cycle, which
    owns both `receive` and the transport.
    """
    cycle = getattr(receive, "__self__", None)
    transport = getattr(cycle, "transport", None)
    if transport is None:
        logger.warning("cannot drop the connection: no transport behind receive")
        return
    transport.abort()
    # connection_lost runs on a later loop turn; once it has, uvicorn treats the
    # cycle as disconnected and sends nothing more.
    for _ in range(3):
        await asyncio.sleep(0)
