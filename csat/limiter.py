"""One request budget shared by every worker of a client.

A token bucket keeps the pace under the configured rate (a small burst allowed), a
semaphore bounds the requests in flight, and the service's own accounting steers
both: `inin-ratelimit-count` / `-allowed` / `-reset` on ordinary responses
(genesys-api.md, section 12) slow the pace before the window runs out, and a 429
pauses everyone for its `Retry-After`. So a healthy run sees few or no 429s.

Bulk requests (one per survey answered) give way: a waiting ordinary request (the
next details page, say) takes the next free slot and the next token before them,
and bulk requests never hold the last slot. So the summary records arrive at the
pace of the budget however many answers are queued behind them.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import logging
import math
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager

from csat.config import Config

logger = logging.getLogger(__name__)

COUNT_HEADER = "inin-ratelimit-count"
ALLOWED_HEADER = "inin-ratelimit-allowed"
RESET_HEADER = "inin-ratelimit-reset"

DEFAULT_BURST = 5
RESERVE_SHARE = 0.05  # of the window, kept back for requests already in flight
MAX_RESET_S = 120.0  # a window is a minute; longer values are not trusted


class RateLimiter:
    """Paces requests: `async with limiter.slot(): send()`."""

    def __init__(
        self,
        requests_per_minute: float,
        max_concurrency: int,
        *,
        burst: int = DEFAULT_BURST,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.requests_per_minute = requests_per_minute
        self.max_concurrency = max_concurrency
        self.burst = burst
        self.waited_s = 0.0  # total time spent held back, for the summary
        self._clock = clock
        self._sleep = sleep
        self._slots = _Gate(max_concurrency, reserved=1 if max_concurrency > 1 else 0)
        self._pacing = _Gate(1)
        self._tokens = float(burst)
        self._updated = clock()
        self._blocked_until = -math.inf
        self._window_rate = math.inf
        self._window_until = -math.inf

    @classmethod
    def from_config(
        cls,
        config: Config,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> RateLimiter:
        return cls(
            config.requests_per_minute,
            config.max_concurrency,
            clock=clock,
            sleep=sleep,
        )

    @asynccontextmanager
    async def slot(self, *, bulk: bool = False) -> AsyncIterator[None]:
        """Hold one of the concurrent slots, entered at the allowed pace.

        `bulk` requests go after every waiting ordinary one.
        """
        await self._slots.acquire(bulk)
        try:
            await self._take_token(bulk)
            yield
        finally:
            self._slots.release()

    def rate(self) -> float:
        """The pace in force now, in requests per second."""
        base = self.requests_per_minute / 60.0
        if self._clock() < self._window_until:
            return max(min(base, self._window_rate), 1e-3)
        return base

    def pause(self, seconds: float) -> None:
        """Hold every worker back for `seconds` (after a 429's `Retry-After`)."""
        until = self._clock() + seconds
        if until > self._blocked_until + 1.0:
            logger.info("Rate limited: holding all requests for %.1f s", seconds)
        self._blocked_until = max(self._blocked_until, until)

    def observe(self, headers: Mapping[str, str]) -> None:
        """Adapt to the service's count of the current rate-limit window."""
        budget = _read_budget(headers)
        if budget is None:
            return
        count, allowed, reset = budget
        remaining = allowed - count
        reserve = max(self.max_concurrency, math.ceil(allowed * RESERVE_SHARE))

        if remaining <= reserve:
            self.pause(reset)
            return
        pace = (remaining - reserve) / reset
        if pace < self.requests_per_minute / 60.0:
            self._window_rate = pace
            self._window_until = self._clock() + reset

    async def _take_token(self, bulk: bool) -> None:
        await self._pacing.acquire(bulk)
        try:
            await self._wait_while_paused()
            now = self._clock()
            rate = self.rate()
            self._refill(now, rate)
            self._tokens -= 1.0
            if self._tokens < 0:
                await self._hold(-self._tokens / rate)
        finally:
            self._pacing.release()

    async def _wait_while_paused(self) -> None:
        while (delay := self._blocked_until - self._clock()) > 0:
            await self._hold(delay)

    async def _hold(self, seconds: float) -> None:
        self.waited_s += seconds
        await self._sleep(seconds)

    def _refill(self, now: float, rate: float) -> None:
        elapsed = max(0.0, now - self._updated)
        self._tokens = min(float(self.burst), self._tokens + elapsed * rate)
        self._updated = now


class _Gate:
    """A semaphore whose waiters are served ordinary first, then bulk, each FIFO.

    Bulk holders leave `reserved` places free for ordinary requests.
    """

    def __init__(self, size: int, *, reserved: int = 0) -> None:
        self._free = size
        self._reserved = reserved
        self._waiters: list[tuple[bool, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    async def acquire(self, bulk: bool) -> None:
        if not self._waiters and self._admits(bulk):
            self._free -= 1
            return
        waiter = asyncio.get_running_loop().create_future()
        heapq.heappush(self._waiters, (bulk, next(self._order), waiter))
        self._wake()
        try:
            await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self.release()  # granted as the cancellation arrived: give it back
            raise

    def release(self) -> None:
        self._free += 1
        self._wake()

    def _admits(self, bulk: bool) -> bool:
        return self._free > (self._reserved if bulk else 0)

    def _wake(self) -> None:
        while self._waiters:
            bulk, _, waiter = self._waiters[0]
            if waiter.done():  # cancelled while waiting
                heapq.heappop(self._waiters)
                continue
            if not self._admits(bulk):
                return
            heapq.heappop(self._waiters)
            self._free -= 1
            waiter.set_result(None)


def _read_budget(headers: Mapping[str, str]) -> tuple[int, int, float] | None:
    """(count, allowed, seconds to reset) when all three headers are readable."""
    try:
        count = int(headers[COUNT_HEADER])
        allowed = int(headers[ALLOWED_HEADER])
        reset = float(headers[RESET_HEADER])
    except (KeyError, ValueError):
        return None
    if allowed <= 0 or reset <= 0:
        return None
    return count, allowed, min(reset, MAX_RESET_S)
