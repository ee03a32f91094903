"""Extraction under faults: the same rows as the truth, none lost, none doubled."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from conftest import AS_OF, CLIENT_ID, CLIENT_SECRET, small_spec
from test_extract import RecordingTransport, differences

from csat.client import GenesysClient
from csat.config import Config
from csat.dataset import Dataset, ExtractRequest, Progress
from csat.errors import MissingPermissionError
from csat.extract import ExtractOptions, Extractor
from csat.store import Store
from genesys_sim import Faults, Limits
from genesys_sim.truth import ground_truth

if TYPE_CHECKING:
    from genesys_sim import RunningSimulator

MakeSim = Callable[..., "RunningSimulator"]
REQUEST = ExtractRequest(
    start=date(2026, 11, 17), end=date(2026, 11, 19), tz="Europe/Paris"
)
FAST = Limits(job_completion_delay_s=0.0, rate_limit_per_minute=10_000_000)


class CrashError(Exception):
    """Stands in for a process killed mid-run."""


def extract(
    sim: RunningSimulator,
    store: Path,
    request: ExtractRequest = REQUEST,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    progress: Callable[[Progress], None] | None = None,
    **options: Any,
) -> Dataset:
    config = Config.for_base_url(
        sim.base_url,
        CLIENT_ID,
        CLIENT_SECRET,
        store_path=store,
        requests_per_minute=1e6,
        max_attempts=15,
    )

    async def no_wait(_: float) -> None:
        await asyncio.sleep(0)

    async def run() -> Dataset:
        with Store.for_config(config) as opened:
            async with GenesysClient(
                config, transport=transport, sleep=no_wait
            ) as client:
                settings = ExtractOptions(now=lambda: AS_OF, sleep=no_wait, **options)
                extractor = Extractor(
                    client, opened, config, options=settings, progress=progress
                )
                return await extractor.run(request)

    return asyncio.run(run())


def truth(
    sim: RunningSimulator, request: ExtractRequest = REQUEST
) -> list[dict[str, Any]]:
    return ground_truth(sim.org, request.start, request.end, request.tz)


@pytest.mark.slow
def test_429_storms_5xx_drops_and_token_expiry_change_nothing(
    make_sim: MakeSim, tmp_path: Path
) -> None:
    faults = Faults(
        share_429=0.15,
        share_5xx=0.1,
        share_dropped=0.05,
        token_expiry_s=1.0,
        retry_after_s=0,
        seed=3,
    )
    sim = make_sim(small_spec(), limits=FAST, faults=faults)
    dataset = extract(sim, tmp_path)
    assert differences(dataset.responses, truth(sim)) == []
    health = dataset.health
    assert health.rate_limited > 0
    assert health.retries >= health.rate_limited
    assert sim.stats.by_status[401] > 0  # the token did expire mid-run


@pytest.mark.slow
def test_failed_and_expired_jobs_are_resubmitted(
    make_sim: MakeSim, tmp_path: Path
) -> None:
    faults = Faults(fail_next_jobs=1, expire_next_jobs=1)
    sim = make_sim(small_spec(), limits=FAST, faults=faults)
    request = ExtractRequest(
        start=date(2026, 11, 15), end=date(2026, 11, 19), lookback_days=0
    )
    transport = RecordingTransport()
    dataset = extract(sim, tmp_path, request, transport=transport, jobs_after_days=1)
    submitted = [
        r
        for r in transport.requests
        if r.method == "POST" and r.url.path.endswith("/details/jobs")
    ]
    assert len(submitted) >= 3  # the first failed, a half expired, then the rest
    assert differences(dataset.responses, truth(sim, request)) == []


def test_a_crash_mid_run_resumes_without_reading_a_survey_twice(
    make_sim: MakeSim, tmp_path: Path
) -> None:
    sim = make_sim(small_spec(), limits=FAST)
    seen: list[Progress] = []

    def crash_on_second_answers(progress: Progress) -> None:
        seen.append(progress)
        if sum(p.stage == "answers" for p in seen) == 2:
            raise CrashError

    transport = RecordingTransport()
    with pytest.raises(CrashError):
        extract(sim, tmp_path, transport=transport, progress=crash_on_second_answers)
    dataset = extract(sim, tmp_path, transport=transport)
    assert differences(dataset.responses, truth(sim)) == []
    finished = dataset.responses.loc[dataset.responses["survey_status"] == "Finished"]
    reads = Counter(transport.survey_ids())
    assert all(reads[survey_id] == 1 for survey_id in finished["survey_id"])


def test_a_client_without_survey_permission_gets_an_error_not_zeros(
    make_sim: MakeSim, tmp_path: Path
) -> None:
    sim = make_sim(
        small_spec(),
        limits=FAST,
        faults=Faults(deny_permissions={"quality:survey:view"}),
    )
    with pytest.raises(MissingPermissionError) as raised:
        extract(sim, tmp_path)
    assert "quality:survey:view" in raised.value.permissions


def test_a_missing_queue_permission_is_reported_and_the_rest_goes_on(
    make_sim: MakeSim, tmp_path: Path
) -> None:
    sim = make_sim(
        small_spec(),
        limits=FAST,
        faults=Faults(deny_permissions={"routing:queue:view"}),
    )
    dataset = extract(sim, tmp_path)
    assert dataset.health.permission_problems == (
        "Queue names need routing:queue:view",
    )
    assert differences(dataset.responses, truth(sim)) == []
    named = dataset.responses["queue_name"].dropna()
    assert named.str.startswith("Unknown queue (").all()


def test_a_division_limited_client_is_reported_and_its_rows_are_not_zeros(
    make_sim: MakeSim, tmp_path: Path
) -> None:
    probe = make_sim(small_spec(), limits=FAST)
    rows = truth(probe)
    division_of = {
        r["conversation_id"]: probe.org.conversation(
            str(r["conversation_id"])
        ).division_ids
        for r in rows
    }
    divisions = sorted({d for ids in division_of.values() for d in ids})
    assert len(divisions) >= 2
    visible = divisions[0]
    sim = make_sim(
        small_spec(), limits=FAST, faults=Faults(visible_divisions={visible})
    )
    dataset = extract(sim, tmp_path)
    expected = [r for r in rows if visible in division_of[str(r["conversation_id"])]]
    assert differences(dataset.responses, expected) == []
    assert any("divisions" in note for note in dataset.health.notes)
