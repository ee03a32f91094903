"""One request budget shared by every worker of a client.

A token bucket keeps the pace under the configured rate (a small burst allowed), a
semaphore bounds the requests in flight, and the service's own accounting steers
both: `inin-ratelimit-count` / `-allowed` / `-reset` on ordinary responses
(genesys-api.md, section 12) slow the pace before the window runs out, and a 429
pauses everyone for its `Retry-After`. So a healthy run sees few or no 429s.
"""

from __future__ import annotations

import asyncio
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
        self._semaphore = asyncio.Semaphore(max_concurrency)
        self._lock = asyncio.Lock()
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
    async def slot(self) -> AsyncIterator[None]:
        """Hold one of the concurrent slots, entered at the allowed pace."""
        async with self._semaphore:
            await self._take_token()
            yield

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

    async def _take_token(self) -> None:
        async with self._lock:
            await self._wait_while_paused()
            now = self._clock()
            rate = self.rate()
            self._refill(now, rate)
            self._tokens -= 1.0
            if self._tokens < 0:
                await self._hold(-self._tokens / rate)

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
