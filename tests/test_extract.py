"""The orchestrator: which windows to read, and extraction against the simulator."""

from __future__ import annotations

import asyncio
import json
import math
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pandas as pd
import pytest
from conftest import AS_OF, CLIENT_ID, CLIENT_SECRET

from csat.client import GenesysClient
from csat.config import Config
from csat.dataset import Dataset, ExtractRequest
from csat.extract import (
    ExtractOptions,
    Extractor,
    first_error,
)
from csat.store import Store
from csat.timerange import format_instant, parse_instant
from genesys_sim.truth import ground_truth

if TYPE_CHECKING:
    from genesys_sim import RunningSimulator


def at(day: int, hour: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=UTC)


def test_first_error_unwraps_nested_groups() -> None:
    inner = ValueError("inner")
    group = BaseExceptionGroup(
        "outer", [BaseExceptionGroup("mid", [inner]), KeyError()]
    )
    assert first_error(group) is inner


# Against the simulator


class RecordingTransport(httpx.AsyncBaseTransport):
    """Sends for real and keeps every request, for asserting what was asked."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.requests: list[httpx.Request] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()

    def details_intervals(self) -> list[str]:
        return [
            json.loads(r.content)["interval"]
            for r in self.requests
            if r.url.path == "/api/v2/analytics/conversations/details/query"
        ]

    def survey_ids(self) -> list[str]:
        prefix = "/api/v2/quality/surveys/"
        return [
            r.url.path.removeprefix(prefix)
            for r in self.requests
            if r.url.path.startswith(prefix)
        ]


def config_for(sim: RunningSimulator, store: Path, **overrides: Any) -> Config:
    values: dict[str, Any] = {"store_path": store, "requests_per_minute": 1e6}
    return Config.for_base_url(
        sim.base_url, CLIENT_ID, CLIENT_SECRET, **(values | overrides)
    )


def run_extraction(
    config: Config,
    request: ExtractRequest,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    **options: Any,
) -> Dataset:
    async def no_wait(_: float) -> None:
        await asyncio.sleep(0)

    async def run() -> Dataset:
        with Store.for_config(config) as store:
            async with GenesysClient(
                config, transport=transport, sleep=no_wait
            ) as client:
                extractor = Extractor(
                    client,
                    store,
                    config,
                    options=ExtractOptions(now=lambda: AS_OF, sleep=no_wait, **options),
                )
                return await extractor.run(request)

    return asyncio.run(run())


def normalized(value: Any) -> Any:
    """One comparable form for frame cells and truth values."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, datetime):
        return format_instant(value)
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def differences(frame: pd.DataFrame, truth: list[dict[str, Any]]) -> list[str]:
    """Every cell where the extraction and the truth disagree, as text."""
    got = frame.to_dict("records")
    found: list[str] = []
    if [r["survey_id"] for r in got] != [r["survey_id"] for r in truth]:
        found.append(f"survey ids differ: {len(got)} rows against {len(truth)}")
        return found
    for mine, expected in zip(got, truth, strict=True):
        for column, value in expected.items():
            if normalized(mine[column]) != normalized(value):
                found.append(
                    f"{expected['survey_id']} {column}: {mine[column]!r} != {value!r}"
                )
    return found


def test_extraction_equals_the_ground_truth(
    sim: RunningSimulator, tmp_path: Path
) -> None:
    request = ExtractRequest(
        start=date(2026, 11, 9), end=date(2026, 11, 10), tz="Europe/London"
    )
    dataset = run_extraction(config_for(sim, tmp_path), request)
    truth = ground_truth(sim.org, request.start, request.end, request.tz)
    assert len(truth) > 100
    assert differences(dataset.responses, truth) == []
    assert dataset.form.name == "Post-contact CSAT"
    assert dataset.health.provisional_from is None
    assert set(dataset.answers["survey_id"]) <= set(dataset.responses["survey_id"])


def test_a_range_across_a_clock_change_in_new_york(
    sim: RunningSimulator, tmp_path: Path
) -> None:
    # 1 November 2026 is 25 hours long in America/New_York.
    request = ExtractRequest(
        start=date(2026, 11, 1), end=date(2026, 11, 1), tz="America/New_York"
    )
    dataset = run_extraction(config_for(sim, tmp_path), request)
    assert (
        differences(
            dataset.responses,
            ground_truth(sim.org, request.start, request.end, request.tz),
        )
        == []
    )


def test_reopening_without_refresh_asks_nothing(
    sim: RunningSimulator, tmp_path: Path
) -> None:
    config = config_for(sim, tmp_path)
    request = ExtractRequest(
        start=date(2026, 11, 5), end=date(2026, 11, 5), refresh=False
    )
    first = run_extraction(config, request)
    before = sim.stats.total
    again = run_extraction(config, request)
    assert again.health.requests == 0
    assert sim.stats.total == before
    pd.testing.assert_frame_equal(again.responses, first.responses)


def test_a_refresh_reads_only_the_lookback_period(
    sim: RunningSimulator, tmp_path: Path
) -> None:
    config = config_for(sim, tmp_path)
    request = ExtractRequest(start=date(2026, 11, 12), end=date(2026, 11, 14))
    first = run_extraction(config, request)
    transport = RecordingTransport()
    again = run_extraction(config, request, transport=transport)
    lookback_start = AS_OF - timedelta(days=7)
    starts = [parse_instant(i.split("/")[0]) for i in transport.details_intervals()]
    assert starts
    assert all(start >= lookback_start for start in starts)
    finished = set(
        first.responses.loc[first.responses["survey_status"] == "Finished", "survey_id"]
    )
    assert not finished & set(
        transport.survey_ids()
    )  # finished surveys are never read twice
    assert again.health.provisional_from == lookback_start
    assert (
        differences(
            again.responses, ground_truth(sim.org, request.start, request.end, "UTC")
        )
        == []
    )


@pytest.mark.slow
def test_large_ranges_go_through_jobs_and_the_recent_part_through_the_query(
    sim: RunningSimulator, tmp_path: Path
) -> None:
    request = ExtractRequest(
        start=date(2026, 11, 12), end=date(2026, 11, 20), lookback_days=0
    )
    transport = RecordingTransport()
    dataset = run_extraction(
        config_for(sim, tmp_path), request, transport=transport, jobs_after_days=2
    )
    jobs = [
        r
        for r in transport.requests
        if r.url.path == "/api/v2/analytics/conversations/details/jobs"
    ]
    assert jobs
    assert transport.details_intervals()  # the part after the availability date
    assert dataset.health.data_availability is not None
    assert (
        differences(
            dataset.responses, ground_truth(sim.org, request.start, request.end, "UTC")
        )
        == []
    )
