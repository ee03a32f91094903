"""The live state of one running simulator, shared by its middleware and routes."""

from __future__ import annotations

import asyncio
import time
from collections import Counter, OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from genesys_sim.faults import FaultInjector
from genesys_sim.index import OrgIndex
from genesys_sim.jobs import JobStore
from genesys_sim.ratelimit import RateLimiter
from genesys_sim.selection import Selector
from genesys_sim.settings import Faults, Limits, SimSettings
from genesys_sim.tokens import TokenStore

if TYPE_CHECKING:
    from genesys_sim.org import Org

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


@dataclass
class RequestStats:
    """Requests answered: in total, by route template and by HTTP status."""

    total: int = 0
    by_route: Counter[str] = field(default_factory=Counter)
    by_status: Counter[int] = field(default_factory=Counter)

    def record(self, route: str, status: int) -> None:
        """Count one answered (or dropped, status 0) request."""
        self.total += 1
        self.by_route[route] += 1
        self.by_status[status] += 1

    def reset(self) -> None:
        """Start counting again from zero."""
        self.total = 0
        self.by_route.clear()
        self.by_status.clear()


class QueryCache:
    """Matching conversation ids per details query (paging left out), LRU."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._entries: OrderedDict[str, list[str]] = OrderedDict()

    def get(self, key: str) -> list[str] | None:
        """The cached ids for `key`, refreshed as most recent."""
        ids = self._entries.get(key)
        if ids is not None:
            self._entries.move_to_end(key)
        return ids

    def put(self, key: str, ids: list[str]) -> None:
        """Remember `ids`, forgetting the least recently used entry when full."""
        self._entries[key] = ids
        if len(self._entries) > self._size:
            self._entries.popitem(last=False)


@dataclass
class SimState:
    """Everything a request may touch."""

    org: Org
    settings: SimSettings
    clock: Clock
    sleep: Sleep
    index: OrgIndex
    selector: Selector
    tokens: TokenStore
    limiter: RateLimiter
    injector: FaultInjector
    jobs: JobStore
    stats: RequestStats
    query_cache: QueryCache

    @classmethod
    def create(
        cls,
        org: Org,
        settings: SimSettings,
        clock: Clock = time.time,
        sleep: Sleep = asyncio.sleep,
    ) -> SimState:
        """Fresh state for serving `org` under `settings`."""
        index = OrgIndex(org)
        return cls(
            org=org,
            settings=settings,
            clock=clock,
            sleep=sleep,
            index=index,
            selector=Selector(index),
            tokens=TokenStore(clock),
            limiter=RateLimiter(clock, settings.limits.rate_limit_window_s),
            injector=FaultInjector(settings.faults),
            jobs=JobStore(clock),
            stats=RequestStats(),
            query_cache=QueryCache(settings.limits.details_query_cache_size),
        )

    @property
    def faults(self) -> Faults:
        """The live faults."""
        return self.settings.faults

    @property
    def limits(self) -> Limits:
        """The limits in force."""
        return self.settings.limits

    def visible_divisions(self) -> frozenset[str] | None:
        """The divisions the client may see, or None for all."""
        visible = self.faults.visible_divisions
        return None if visible is None else frozenset(visible)

    def data_availability(self) -> datetime:
        """The datalake's horizon: the org's clock minus the configured lag."""
        return self.org.as_of - timedelta(hours=self.limits.datalake_lag_hours)
