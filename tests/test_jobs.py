"""Async details jobs: states, resubmission, cursor paging, clean-up."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from csat.client import GenesysClient
from csat.config import Config
from csat.details import PlannedWindow, survey_filters
from csat.errors import ExtractionError
from csat.jobs import JOBS_PATH, JobPolicy, JobRunner, assign_jobs, data_availability
from csat.timerange import UtcRange, format_instant, parse_instant


def at(day: int, hour: int = 0) -> datetime:
    return datetime(2026, 10, day, hour, tzinfo=UTC)


def conversation(number: int, start: datetime, end: datetime) -> dict[str, Any]:
    return {
        "conversationId": f"c0c0c0c0-0000-4000-8000-{number:012d}",
        "conversationStart": format_instant(start),
        "conversationEnd": format_instant(end),
    }


class FakeJobs:
    """Jobs that go through given states, then serve results two per page."""

    def __init__(
        self, conversations: list[dict[str, Any]], outcomes: list[str]
    ) -> None:
        self.conversations = conversations
        self.outcomes = list(outcomes)  # final state of each submitted job, in turn
        self.jobs: dict[str, dict[str, Any]] = {}
        self.deleted: list[str] = []
        self.submitted: list[str] = []
        self.results_missing = False

    def __call__(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path == "/oauth/token":
            return httpx.Response(200, json={"access_token": "t", "expires_in": 86399})
        if path == f"{JOBS_PATH}/availability":
            return httpx.Response(
                200, json={"dataAvailabilityDate": "2026-10-20T06:00:00.000Z"}
            )
        if path == JOBS_PATH and request.method == "POST":
            return self._submit(json.loads(request.content))
        job_id = path.removeprefix(f"{JOBS_PATH}/").split("/")[0]
        if request.method == "DELETE":
            self.deleted.append(job_id)
            return httpx.Response(204)
        if path.endswith("/results"):
            return self._results(job_id, request.url.params.get("cursor"))
        return self._status(job_id)

    def _submit(self, body: dict[str, Any]) -> httpx.Response:
        job_id = f"10b00000-0000-4000-8000-{len(self.jobs) + 1:012d}"
        final = self.outcomes.pop(0) if self.outcomes else "FULFILLED"
        self.jobs[job_id] = {
            "interval": body["interval"],
            "states": ["QUEUED", "PENDING", final],
        }
        self.submitted.append(body["interval"])
        return httpx.Response(202, json={"jobId": job_id})

    def _status(self, job_id: str) -> httpx.Response:
        states = self.jobs[job_id]["states"]
        state = states.pop(0) if len(states) > 1 else states[0]
        return httpx.Response(200, json={"state": state})

    def _results(self, job_id: str, cursor: str | None) -> httpx.Response:
        if self.results_missing:
            self.results_missing = False
            return httpx.Response(404, json={"message": "gone", "code": "not.found"})
        start, end = (
            parse_instant(p) for p in self.jobs[job_id]["interval"].split("/")
        )
        active = [
            c
            for c in self.conversations
            if parse_instant(c["conversationStart"]) < end
            and parse_instant(c["conversationEnd"]) > start
        ]
        offset = int(cursor or 0)
        body: dict[str, Any] = {"conversations": active[offset : offset + 2]}
        if offset + 2 < len(active):
            body["cursor"] = str(offset + 2)
        return httpx.Response(200, json=body)


def make_client(server: FakeJobs) -> GenesysClient:
    config = Config.for_base_url(
        "https://api.example.test", "id", "secret", requests_per_minute=1e6
    )

    async def no_sleep(_: float) -> None:
        return None

    return GenesysClient(config, transport=httpx.MockTransport(server), sleep=no_sleep)


def run_jobs(
    server: FakeJobs, window: UtcRange, policy: JobPolicy | None = None
) -> tuple[list[str], list[float]]:
    sleeps: list[float] = []

    async def sleep(seconds: float) -> None:
        sleeps.append(seconds)

    async def collect() -> list[str]:
        async with make_client(server) as client:
            runner = JobRunner(
                client, survey_filters("ctx"), policy=policy, sleep=sleep
            )
            pages = [page async for page in runner.iter_pages(window)]
        return [c["conversationId"] for page in pages for c in page]

    return asyncio.run(collect()), sleeps


WINDOW = UtcRange(at(1), at(11))
INSIDE = [conversation(n, at(1 + n, 9), at(1 + n, 10)) for n in range(1, 6)]
# Active in the window but started before it: a job returns it, we must not keep it.
BEFORE = conversation(90, at(1) - timedelta(hours=1), at(1, 1))


def test_a_job_is_polled_until_fulfilled_then_read_by_cursor_and_deleted() -> None:
    server = FakeJobs([BEFORE, *INSIDE], ["FULFILLED"])
    found, sleeps = run_jobs(server, WINDOW, JobPolicy(poll_interval_s=2.5))
    assert found == [c["conversationId"] for c in INSIDE]
    assert sleeps == [2.5, 2.5]  # after QUEUED and after PENDING
    assert server.deleted == list(server.jobs)


def test_a_failed_job_is_resubmitted_on_two_halves() -> None:
    server = FakeJobs(INSIDE, ["FAILED"])
    found, _ = run_jobs(server, WINDOW)
    assert sorted(found) == sorted(c["conversationId"] for c in INSIDE)
    assert server.submitted == [
        "2026-10-01T00:00:00.000Z/2026-10-11T00:00:00.000Z",
        "2026-10-01T00:00:00.000Z/2026-10-06T00:00:00.000Z",
        "2026-10-06T00:00:00.000Z/2026-10-11T00:00:00.000Z",
    ]
    assert len(server.deleted) == 3


def test_an_expired_job_is_resubmitted_for_the_same_window() -> None:
    server = FakeJobs(INSIDE, ["EXPIRED"])
    found, _ = run_jobs(server, WINDOW)
    assert found == [c["conversationId"] for c in INSIDE]
    assert server.submitted == [server.submitted[0]] * 2


def test_results_that_vanish_count_as_an_expiry_and_nothing_is_doubled() -> None:
    server = FakeJobs(INSIDE, [])
    server.results_missing = True
    found, _ = run_jobs(server, WINDOW)
    assert found == [c["conversationId"] for c in INSIDE]
    assert len(server.submitted) == 2


def test_a_cancelled_job_ends_the_extraction() -> None:
    server = FakeJobs(INSIDE, ["CANCELLED"])
    with pytest.raises(ExtractionError, match="CANCELLED"):
        run_jobs(server, WINDOW)
    assert server.deleted == list(server.jobs)


def test_failures_past_the_limit_raise_extraction_error() -> None:
    server = FakeJobs(INSIDE, ["FAILED"] * 10)
    with pytest.raises(ExtractionError, match="failed 3 times"):
        run_jobs(server, WINDOW, JobPolicy(max_failures=2))


def test_expiries_past_the_limit_raise_extraction_error() -> None:
    server = FakeJobs(INSIDE, ["EXPIRED"] * 10)
    with pytest.raises(ExtractionError, match="expired"):
        run_jobs(server, WINDOW, JobPolicy(max_expiries=1))
    assert len(server.submitted) == 2


def test_a_job_that_never_finishes_raises_after_the_last_poll() -> None:
    server = FakeJobs(INSIDE, ["PENDING"])
    with pytest.raises(ExtractionError, match="did not finish"):
        run_jobs(server, WINDOW, JobPolicy(max_polls=4))


def test_data_availability_is_read_as_utc() -> None:
    async def read() -> datetime:
        async with make_client(FakeJobs([], [])) as client:
            return await data_availability(client)

    assert asyncio.run(read()) == datetime(2026, 10, 20, 6, tzinfo=UTC)


def test_the_failure_budget_is_per_window() -> None:
    # One failure allowed per window: each window fails once and still completes.
    server = FakeJobs(INSIDE, ["FAILED", "FULFILLED", "FULFILLED", "FAILED"])
    policy = JobPolicy(max_failures=1)

    async def read_two_windows() -> list[str]:
        async with make_client(server) as client:
            runner = JobRunner(
                client, survey_filters("ctx"), policy=policy, sleep=no_sleep
            )
            found = [c async for page in runner.iter_pages(WINDOW) for c in page]
            later = UtcRange(at(11), at(21))
            found += [c async for page in runner.iter_pages(later) for c in page]
        return [c["conversationId"] for c in found]

    assert sorted(asyncio.run(read_two_windows())) == sorted(
        c["conversationId"] for c in INSIDE
    )
    assert len(server.submitted) == 6


async def no_sleep(_: float) -> None:
    return None


def nov(day: int, hour: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=UTC)


def test_jobs_stop_a_margin_before_the_availability_date_on_midnight() -> None:
    planned = [
        PlannedWindow(UtcRange(nov(1), nov(20)), "complete"),
        PlannedWindow(UtcRange(nov(20), nov(28)), "provisional"),
    ]
    assigned = assign_jobs(planned, nov(25, 6), job_window_days=31)
    # 25th 06:00 less two days is the 23rd 06:00; jobs stop at its midnight.
    assert [(p.window.start, p.window.end, p.state, p.by_job) for p in assigned] == [
        (nov(1), nov(20), "complete", True),
        (nov(20), nov(23), "provisional", True),
        (nov(23), nov(28), "provisional", False),
    ]
