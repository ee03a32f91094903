"""Async details jobs: states over time, cursor paging, cancel, injected outcomes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from conftest import AS_OF, FakeClock

from genesys_sim import Faults, Limits, RunningSimulator

MakeSim = Callable[..., RunningSimulator]
Connect = Callable[[RunningSimulator], httpx.Client]
JOBS = "/api/v2/analytics/conversations/details/jobs"
TWO_DAYS = "2026-11-17T00:00:00Z/2026-11-19T00:00:00Z"


def _submit(client: httpx.Client, **query: Any) -> str:
    response = client.post(JOBS, json={"interval": TWO_DAYS, **query})
    assert response.status_code == 202
    return str(response.json()["jobId"])


def _state(client: httpx.Client, job_id: str) -> dict[str, Any]:
    response = client.get(f"{JOBS}/{job_id}")
    assert response.status_code == 200
    return dict(response.json())


def _pages(client: httpx.Client, job_id: str, size: int) -> list[dict[str, Any]]:
    pages: list[dict[str, Any]] = []
    params: dict[str, Any] = {"pageSize": size}
    for _ in range(1000):
        page = client.get(f"{JOBS}/{job_id}/results", params=params).json()
        pages.append(page)
        if "cursor" not in page:
            return pages
        params = {"pageSize": size, "cursor": page["cursor"]}
    raise AssertionError("too many pages")


def _active(
    sim: RunningSimulator, start: datetime, end: datetime, until: datetime
) -> list[str]:
    candidates = sim.org.conversations_between(start - timedelta(days=1), end)
    return [
        r.conversation_id
        for r in candidates
        if r.start < end and r.end is not None and start < r.end <= until
    ]


def test_state_moves_from_queued_to_pending_to_fulfilled(
    make_sim: MakeSim, connect: Connect, clock: FakeClock
) -> None:
    client = connect(make_sim(limits=Limits(job_completion_delay_s=10.0), clock=clock))
    job_id = _submit(client)
    queued = _state(client, job_id)
    clock.advance(5)
    pending = _state(client, job_id)
    early = client.get(f"{JOBS}/{job_id}/results")
    clock.advance(5)
    fulfilled = _state(client, job_id)
    assert queued["state"] == "QUEUED" and "completionDate" not in queued
    assert pending["state"] == "PENDING"
    assert early.status_code == 400
    assert fulfilled["state"] == "FULFILLED"
    completed = datetime.fromisoformat(fulfilled["completionDate"])
    submitted = datetime.fromisoformat(fulfilled["submissionDate"])
    assert completed - submitted == timedelta(seconds=10)
    assert datetime.fromisoformat(fulfilled["expirationDate"]) - completed == timedelta(
        hours=48
    )


def test_cursor_pages_return_every_active_conversation_once(
    make_sim: MakeSim, connect: Connect
) -> None:
    sim = make_sim()
    client = connect(sim)
    pages = _pages(client, _submit(client), 50)
    ids = [c["conversationId"] for page in pages for c in page.get("conversations", [])]
    start = datetime(2026, 11, 17, tzinfo=UTC)
    until = AS_OF - timedelta(hours=sim.settings.limits.datalake_lag_hours)
    assert ids == _active(sim, start, start + timedelta(days=2), until)
    assert len(pages) == -(-len(ids) // 50)
    assert all(len(page["conversations"]) == 50 for page in pages[:-1])
    assert "cursor" not in pages[-1]


def test_job_participants_carry_attributes(make_sim: MakeSim, connect: Connect) -> None:
    client = connect(make_sim())
    page = client.get(
        f"{JOBS}/{_submit(client)}/results", params={"pageSize": 5}
    ).json()
    sync = client.post(
        "/api/v2/analytics/conversations/details/query", json={"interval": TWO_DAYS}
    ).json()
    assert all(
        "attributes" in p for c in page["conversations"] for p in c["participants"]
    )
    assert not any(
        "attributes" in p for c in sync["conversations"] for p in c["participants"]
    )


def test_a_bad_cursor_is_refused(make_sim: MakeSim, connect: Connect) -> None:
    client = connect(make_sim())
    first, second = _submit(client), _submit(client)
    cursor = client.get(f"{JOBS}/{first}/results", params={"pageSize": 1}).json()[
        "cursor"
    ]
    foreign = client.get(f"{JOBS}/{second}/results", params={"cursor": cursor})
    garbage = client.get(f"{JOBS}/{first}/results", params={"cursor": "%%%"})
    assert foreign.status_code == 400
    assert garbage.status_code == 400


def test_limit_caps_the_results(make_sim: MakeSim, connect: Connect) -> None:
    client = connect(make_sim())
    pages = _pages(client, _submit(client, limit=7), 5)
    assert sum(len(p.get("conversations", [])) for p in pages) == 7


def test_cancel_ends_a_job(make_sim: MakeSim, connect: Connect) -> None:
    client = connect(make_sim())
    job_id = _submit(client)
    assert client.delete(f"{JOBS}/{job_id}").status_code == 204
    assert _state(client, job_id)["state"] == "CANCELLED"
    assert client.get(f"{JOBS}/{job_id}/results").status_code == 404
    assert client.get(f"{JOBS}/no-such-job").status_code == 404
    assert client.delete(f"{JOBS}/no-such-job").status_code == 404


def test_fail_next_jobs_fails_exactly_that_many(
    make_sim: MakeSim, connect: Connect
) -> None:
    sim = make_sim(faults=Faults(fail_next_jobs=1))
    client = connect(sim)
    failed, ok = _submit(client), _submit(client)
    status = _state(client, failed)
    assert status["state"] == "FAILED"
    assert status["errorMessage"]
    assert client.get(f"{JOBS}/{failed}/results").status_code == 400
    assert _state(client, ok)["state"] == "FULFILLED"
    assert sim.faults.fail_next_jobs == 0


def test_expired_jobs_lose_their_results(make_sim: MakeSim, connect: Connect) -> None:
    client = connect(make_sim(faults=Faults(expire_next_jobs=1)))
    job_id = _submit(client)
    assert _state(client, job_id)["state"] == "EXPIRED"
    assert client.get(f"{JOBS}/{job_id}/results").status_code == 404


def test_fulfilled_jobs_expire_with_time(
    make_sim: MakeSim, connect: Connect, clock: FakeClock
) -> None:
    client = connect(
        make_sim(
            limits=Limits(job_completion_delay_s=0.0, job_expiry_hours=2), clock=clock
        )
    )
    job_id = _submit(client)
    assert _state(client, job_id)["state"] == "FULFILLED"
    clock.advance(2 * 3600)
    assert _state(client, job_id)["state"] == "EXPIRED"
    assert client.get(f"{JOBS}/{job_id}/results").status_code == 404


def test_job_failure_share_is_read_live(make_sim: MakeSim, connect: Connect) -> None:
    sim = make_sim()
    client = connect(sim)
    sim.faults.job_failure_share = 1.0
    failed = _submit(client)
    sim.faults.job_failure_share = 0.0
    assert _state(client, failed)["state"] == "FAILED"
    assert _state(client, _submit(client))["state"] == "FULFILLED"


def test_availability_lags_the_org_clock(make_sim: MakeSim, connect: Connect) -> None:
    client = connect(
        make_sim(limits=Limits(job_completion_delay_s=0.0, datalake_lag_hours=6))
    )
    availability = client.get(f"{JOBS}/availability").json()
    assert availability == {"dataAvailabilityDate": "2026-11-20T06:00:00.000Z"}
    page = client.get(f"{JOBS}/{_submit(client)}/results").json()
    assert page["dataAvailabilityDate"] == "2026-11-20T06:00:00.000Z"


def test_jobs_leave_out_data_past_the_availability_date(
    make_sim: MakeSim, connect: Connect
) -> None:
    sim = make_sim(limits=Limits(job_completion_delay_s=0.0, datalake_lag_hours=6))
    client = connect(sim)
    job_id = _submit(client, interval="2026-11-20T00:00:00Z/2026-11-20T12:00:00Z")
    ids = {
        c["conversationId"]
        for p in _pages(client, job_id, 1000)
        for c in p.get("conversations", [])
    }
    availability = AS_OF - timedelta(hours=6)
    today = sim.org.conversations_between(datetime(2026, 11, 20, tzinfo=UTC), AS_OF)
    late = {r.conversation_id for r in today if r.end is None or r.end > availability}
    assert late
    assert not ids & late
    assert ids == set(
        _active(sim, datetime(2026, 11, 20, tzinfo=UTC), AS_OF, availability)
    )


def test_start_of_day_matching_drops_earlier_starts(
    make_sim: MakeSim, connect: Connect
) -> None:
    sim = make_sim()
    client = connect(sim)
    interval = "2026-11-18T00:30:00Z/2026-11-18T02:00:00Z"
    plain = _pages(client, _submit(client, interval=interval), 1000)
    matched = _pages(
        client,
        _submit(client, interval=interval, startOfDayIntervalMatching=True),
        1000,
    )
    day = datetime(2026, 11, 18, tzinfo=UTC)
    starts = {
        r.conversation_id: r.start
        for r in sim.org.conversations_between(
            day - timedelta(days=1), day + timedelta(days=1)
        )
    }
    plain_ids = [c["conversationId"] for p in plain for c in p.get("conversations", [])]
    matched_ids = [
        c["conversationId"] for p in matched for c in p.get("conversations", [])
    ]
    assert matched_ids == [c for c in plain_ids if starts[c] >= day]
    assert len(matched_ids) < len(plain_ids)
