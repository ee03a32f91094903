"""Extraction under faults: the same rows as the truth, none lost, none doubled."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from conftest import AS_OF, CLIENT_ID, CLIENT_SECRET, FakeClock, small_spec
from test_extract import RecordingTransport, differences, normalized

from csat.client import GenesysClient
from csat.config import Config
from csat.dataset import Dataset, ExtractRequest, Progress
from csat.errors import AnswersUnreadError, MissingPermissionError, ServiceError
from csat.extract import ExtractOptions, Extractor, known_dataset
from csat.store import Store
from csat.timerange import local_range_to_utc
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


def crash_on_first_answers(progress: Progress) -> None:
    if progress.stage == "answers":
        raise CrashError


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


def test_429_storms_5xx_drops_and_token_expiry_change_nothing(
    make_sim: MakeSim, tmp_path: Path, clock: FakeClock
) -> None:
    faults = Faults(
        share_429=0.15,
        share_5xx=0.1,
        share_dropped=0.05,
        token_expiry_s=30.0,
        retry_after_s=0,
        seed=3,
    )
    sim = make_sim(small_spec(), limits=FAST, faults=faults, clock=clock)

    expired: list[Progress] = []

    def expire_tokens_once(progress: Progress) -> None:
        if progress.stage == "answers" and not expired:
            expired.append(progress)
            clock.advance(60)  # mid-run: every token issued so far expires

    dataset = extract(sim, tmp_path, progress=expire_tokens_once)
    assert differences(dataset.responses, truth(sim)) == []
    health = dataset.health
    assert health.rate_limited > 0
    assert health.retries >= health.rate_limited
    assert sim.stats.by_status[401] > 0  # the token did expire mid-run


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


def test_jobs_that_keep_failing_are_replaced_by_the_details_query(
    make_sim: MakeSim, tmp_path: Path
) -> None:
    sim = make_sim(small_spec(), limits=FAST, faults=Faults(job_failure_share=1.0))
    request = ExtractRequest(
        start=date(2026, 11, 15), end=date(2026, 11, 19), lookback_days=0
    )
    transport = RecordingTransport()
    dataset = extract(sim, tmp_path, request, transport=transport, jobs_after_days=1)
    paths = [r.url.path for r in transport.requests if r.method == "POST"]
    assert any(p.endswith("/details/jobs") for p in paths)
    assert any(p.endswith("/details/query") for p in paths)
    assert differences(dataset.responses, truth(sim, request)) == []
    assert any("read by the details query" in note for note in dataset.health.notes)


def test_a_crash_mid_run_resumes_without_reading_a_survey_twice(
    make_sim: MakeSim, tmp_path: Path
) -> None:
    sim = make_sim(small_spec(), limits=FAST)

    before = RecordingTransport()
    with pytest.raises(CrashError):
        extract(sim, tmp_path, transport=before, progress=crash_on_first_answers)
    stored = stored_answers(sim, tmp_path, before.survey_ids())
    assert 0 < len(stored) < len(finished_ids(sim))  # stopped part-way

    after = RecordingTransport()
    dataset = extract(sim, tmp_path, transport=after)
    assert differences(dataset.responses, truth(sim)) == []
    assert not stored & set(after.survey_ids())  # what was stored is not read again
    finished = dataset.responses["survey_status"] == "Finished"
    read = set(before.survey_ids()) | set(after.survey_ids())
    assert set(dataset.responses.loc[finished, "survey_id"]) <= read


def test_what_a_stopped_run_stored_can_be_read_without_a_request(
    make_sim: MakeSim, tmp_path: Path
) -> None:
    sim = make_sim(small_spec(), limits=FAST)
    config = Config.for_base_url(
        sim.base_url, CLIENT_ID, CLIENT_SECRET, store_path=tmp_path
    )
    assert known_dataset(config, REQUEST) is None  # no form chosen yet

    recorded = RecordingTransport()
    with pytest.raises(CrashError):
        extract(sim, tmp_path, transport=recorded, progress=crash_on_first_answers)
    asked = sim.stats.total
    known = known_dataset(config, REQUEST)

    assert sim.stats.total == asked
    assert known is not None and known.partial
    expected = {str(r["survey_id"]): r for r in truth(sim)}
    ids = list(known.responses["survey_id"])
    assert 0 < len(ids) <= len(expected) and set(ids) <= set(expected)
    answered = stored_answers(sim, tmp_path, recorded.survey_ids())
    scored = known.responses.set_index("survey_id").loc[sorted(answered)]
    assert [normalized(v) for v in scored["csat_score"]] == [
        expected[i]["csat_score"] for i in sorted(answered)
    ]
    wanted = local_range_to_utc(REQUEST.start, REQUEST.end, REQUEST.tz)
    assert known.health.provisional_from == wanted.start
    assert any("Still fetching" in note for note in known.health.notes)
    # The run stopped before names were looked up: they are pending, not unknown.
    agents = known.responses["agent_name"].dropna()
    assert len(agents) and agents.str.endswith("(name not fetched yet)").all()


def stored_answers(
    sim: RunningSimulator, store: Path, survey_ids: list[str]
) -> set[str]:
    config = Config.for_base_url(
        sim.base_url, CLIENT_ID, CLIENT_SECRET, store_path=store
    )
    with Store.for_config(config) as opened:
        return opened.surveys_with_answers(survey_ids)


def finished_ids(sim: RunningSimulator) -> set[str]:
    return {str(r["survey_id"]) for r in truth(sim) if r["survey_status"] == "Finished"}


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


class FailingSurveys(RecordingTransport):
    """Answers 503 for the chosen surveys (every survey, with `ids=None`)."""

    def __init__(self, ids: set[str] | None) -> None:
        super().__init__()
        self.ids = ids

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        prefix = "/api/v2/quality/surveys/"
        path = request.url.path
        if path.startswith(prefix) and (
            self.ids is None or path.removeprefix(prefix) in self.ids
        ):
            self.requests.append(request)
            return httpx.Response(503, json={"status": 503, "code": "unavailable"})
        return await super().handle_async_request(request)


def test_answers_failing_every_retry_leave_the_rest_stored_for_the_next_run(
    make_sim: MakeSim, tmp_path: Path
) -> None:
    sim = make_sim(small_spec(), limits=FAST)
    everyone = finished_ids(sim)
    failing = set(sorted(everyone)[:3])

    with pytest.raises(AnswersUnreadError) as raised:
        extract(sim, tmp_path, transport=FailingSurveys(failing))
    assert "The answers of 3 responses" in raised.value.message
    # Every other answer was fetched and stored; the run did not stop at the first.
    assert stored_answers(sim, tmp_path, sorted(everyone)) == everyone - failing

    after = RecordingTransport()
    dataset = extract(sim, tmp_path, transport=after)
    assert differences(dataset.responses, truth(sim)) == []
    # Of the finished surveys, only the three unread ones are asked again.
    assert set(after.survey_ids()) & everyone == failing


def test_a_service_that_fails_every_answer_ends_the_run_soon(
    make_sim: MakeSim, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("csat.surveys.MAX_UNREAD", 5)
    sim = make_sim(small_spec(), limits=FAST)
    with pytest.raises(ServiceError) as raised:
        extract(sim, tmp_path, transport=FailingSurveys(None))

    # Past five unread the service counts as down: the run ends with its error
    # instead of going through every response (each retried 15 times).
    assert not isinstance(raised.value, AnswersUnreadError)
    assert raised.value.status == 503
