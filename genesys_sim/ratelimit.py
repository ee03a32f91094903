"""Per-token request budget: a fixed window, like the service's `inin-ratelimit-*`.

The service counts requests per client-credentials token (300 a minute by default,
reference section 12) and reports the window on every response: requests used
(`inin-ratelimit-count`), the budget (`inin-ratelimit-allowed`) and the seconds
until the window resets (`inin-ratelimit-reset`). A window opens with the token's
first request. Refused requests do not use the budget.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Decision:
    """The outcome for one request: allowed or not, and the window's state."""

    allowed: bool
    count: int
    limit: int
    reset_s: int

    def headers(self) -> dict[str, str]:
        """The `inin-ratelimit-*` headers of an allowed response."""
        return {
            "inin-ratelimit-count": str(self.count),
            "inin-ratelimit-allowed": str(self.limit),
            "inin-ratelimit-reset": str(self.reset_s),
        }


@dataclass
class _Window:
    opened_at: float
    count: int = 0


class RateLimiter:
    """Fixed-window counters keyed by token; the limit is read on every call."""

    def __init__(self, clock: Callable[[], float], window_s: float = 60.0) -> None:
        self._clock = clock
        self._window_s = window_s
        self._windows: dict[str, _Window] = {}

    def check(self, key: str, limit: int) -> Decision:
        """Count one request for `key` if the budget allows it."""
        now = self._clock()
        window = self._current_window(key, now)
        reset_s = max(1, math.ceil(window.opened_at + self._window_s - now))
        if window.count >= limit:
            return Decision(False, window.count, limit, reset_s)
        window.count += 1
        return Decision(True, window.count, limit, reset_s)

    def _current_window(self, key: str, now: float) -> _Window:
        window = self._windows.get(key)
        if window is None or now >= window.opened_at + self._window_s:
            window = _Window(opened_at=now)
            self._windows[key] = window
        return window
