"""Running an extraction under observation.

`run_extraction` drives `csat.extract.Extractor` the way `open_dataset` does, but
with a transport that notes every request (when it was sent and answered, its
route, status and, for details queries, the interval asked for) and a progress
callback that notes when each stage reported. Benchmarks read their figures from
these notes and from the simulator's own counters, never from estimates.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import httpx

from csat.client import GenesysClient, RequestStats, route_of
from csat.config import Config
from csat.dataset import Dataset, ExtractRequest, Progress
from csat.extract import ExtractOptions, Extractor
from csat.store import Store
from genesys_sim import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET

DETAILS_ROUTE = "POST /api/v2/analytics/conversations/details/query"
SURVEY_ROUTE = "GET /api/v2/quality/surveys/{id}"


@dataclass(frozen=True)
class SentRequest:
    """One HTTP request as the transport saw it (seconds from the run's start)."""

    route: str
    status: int
    sent_s: float
    answered_s: float
    interval: str | None = None  # details queries only
    path: str = ""


@dataclass(frozen=True)
class StageMark:
    """One progress report and when it came."""

    at_s: float
    stage: str
    done: int
    total: int | None


class RecordingTransport(httpx.AsyncBaseTransport):
    """Sends through a real transport and notes each request and its answer."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self.sent: list[SentRequest] = []
        self._clock = clock
        self._inner = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        sent = self._clock()
        response = await self._inner.handle_async_request(request)
        route = route_of(request.method, request.url.path)
        self.sent.append(
            SentRequest(
                route=route,
                status=response.status_code,
                sent_s=sent,
                answered_s=self._clock(),
                interval=_interval(request) if route == DETAILS_ROUTE else None,
                path=request.url.path,
            )
        )
        return response

    async def aclose(self) -> None:
        await self._inner.aclose()


@dataclass
class RunRecord:
    """Everything one observed extraction produced."""

    dataset: Dataset
    seconds: float
    client_stats: RequestStats
    sent: list[SentRequest] = field(default_factory=list)
    stages: list[StageMark] = field(default_factory=list)

    @property
    def requests(self) -> int:
        return len(self.sent)

    def by_route(self) -> Counter[str]:
        return Counter(request.route for request in self.sent)

    def by_status(self) -> Counter[int]:
        return Counter(request.status for request in self.sent)

    def last_answer_s(self, route: str) -> float | None:
        """When the last request of `route` was answered, if any was sent."""
        times = [r.answered_s for r in self.sent if r.route == route]
        return max(times, default=None)

    def stage_end_s(self, stage: str) -> float | None:
        """When `stage` reported for the last time, if it reported at all."""
        times = [mark.at_s for mark in self.stages if mark.stage == stage]
        return max(times, default=None)


def sim_config(base_url: str, store_dir: Path, **overrides: Any) -> Config:
    """Settings for the demo client of a simulator, with a store of its own."""
    return Config.for_base_url(
        base_url,
        DEMO_CLIENT_ID,
        DEMO_CLIENT_SECRET,
        store_path=store_dir,
        **overrides,
    )


def extract_request(
    start: date, end: date, *, refresh: bool = True, tz: str = "UTC"
) -> ExtractRequest:
    return ExtractRequest(start=start, end=end, tz=tz, refresh=refresh)


def run_extraction(config: Config, request: ExtractRequest, now: datetime) -> RunRecord:
    """Extract `request` into the config's store, observing every request.

    `now` pins the extraction's clock to the simulated org's, so the look-back
    period means the same to both.
    """
    return asyncio.run(_run(config, request, now))


async def _run(config: Config, request: ExtractRequest, now: datetime) -> RunRecord:
    began = time.perf_counter()

    def clock() -> float:
        return time.perf_counter() - began

    stages: list[StageMark] = []

    def note(progress: Progress) -> None:
        # A step per details page repeats the same stage and count: keep changes.
        last = stages[-1] if stages else None
        if last and (last.stage, last.done, last.total) == (
            progress.stage,
            progress.done,
            progress.total,
        ):
            return
        stages.append(StageMark(clock(), progress.stage, progress.done, progress.total))

    transport = RecordingTransport(clock)
    options = ExtractOptions(now=lambda: now)
    with Store.for_config(config) as store:
        async with GenesysClient(config, transport=transport) as client:
            extractor = Extractor(client, store, config, options=options, progress=note)
            dataset = await extractor.run(request)
    return RunRecord(
        dataset=dataset,
        seconds=clock(),
        client_stats=client.stats,
        sent=transport.sent,
        stages=stages,
    )


def _interval(request: httpx.Request) -> str | None:
    try:
        body = json.loads(request.content or b"{}")
    except ValueError:
        return None
    interval = body.get("interval") if isinstance(body, dict) else None
    return str(interval) if interval else None
