"""Injected faults: 429 and 5xx, dropped connections, latency, permissions, scope."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from conftest import RecordingSleep

from genesys_sim import Faults, RunningSimulator

MakeSim = Callable[..., RunningSimulator]
Connect = Callable[[RunningSimulator], httpx.Client]
DETAILS = "/api/v2/analytics/conversations/details/query"
DAY_INTERVAL = "2026-11-18T00:00:00Z/2026-11-19T00:00:00Z"


def test_faults_are_off_by_default() -> None:
    faults = Faults()
    assert (
        faults.share_429,
        faults.share_5xx,
        faults.share_dropped,
        faults.latency_s,
    ) == (0, 0, 0, 0)
    assert faults.token_expiry_s is None and faults.visible_divisions is None
    assert not faults.deny_permissions


def test_share_429_answers_the_normalised_429(
    make_sim: MakeSim, connect: Connect
) -> None:
    sim = make_sim()
    client = connect(sim)
    sim.faults.share_429 = 1.0
    sim.faults.retry_after_s = 3
    response = client.get("/api/v2/authorization/divisions")
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "3"
    assert response.json()["code"] == "too.many.requests.retry.after"
    assert (
        response.json()["message"]
        == "Rate limit exceeded the maximum. Retry the request in [3] seconds"
    )
    token = httpx.post(
        f"{sim.base_url}/oauth/token", data={"grant_type": "client_credentials"}
    )
    assert token.status_code == 429


def test_share_5xx_answers_503_and_504(make_sim: MakeSim, connect: Connect) -> None:
    sim = make_sim()
    client = connect(sim)
    sim.faults.share_5xx = 1.0
    responses = [client.get("/api/v2/authorization/divisions") for _ in range(20)]
    codes = {r.status_code: r.json()["code"] for r in responses}
    assert codes == {503: "service.unavailable", 504: "request.timeout"}
    assert all("Retry-After" not in r.headers for r in responses)


def test_dropped_connections_give_no_response(
    make_sim: MakeSim, connect: Connect
) -> None:
    sim = make_sim()
    client = connect(sim)
    sim.stats.reset()
    sim.faults.share_dropped = 1.0
    with pytest.raises(httpx.RemoteProtocolError):
        client.get("/api/v2/authorization/divisions")
    sim.faults.share_dropped = 0.0
    assert client.get("/api/v2/authorization/divisions").status_code == 200
    assert sim.stats.by_status[0] == 1
    assert sim.stats.by_route["GET /api/v2/authorization/divisions"] == 2, sim.stats


def test_latency_is_added_to_every_request(make_sim: MakeSim, connect: Connect) -> None:
    sleep = RecordingSleep()
    sim = make_sim(faults=Faults(latency_s=1.5), sleep=sleep)
    client = connect(sim)
    client.get("/api/v2/authorization/divisions")
    assert sleep.calls == [1.5, 1.5]


def _statuses(sim: RunningSimulator, client: httpx.Client, count: int) -> list[int]:
    return [
        client.get("/api/v2/authorization/divisions").status_code for _ in range(count)
    ]


def test_faults_are_deterministic_for_a_seed(
    make_sim: MakeSim, connect: Connect
) -> None:
    runs = []
    for seed in (5, 5, 6):
        sim = make_sim()
        client = connect(sim)
        sim.faults.seed = seed
        sim.faults.share_5xx = 0.3
        sim.faults.share_429 = 0.2
        runs.append(_statuses(sim, client, 40))
    assert runs[0] == runs[1]
    assert runs[0] != runs[2]
    assert {200, 429} <= set(runs[0])


PERMISSIONS = [
    ("GET", "/api/v2/quality/forms/surveys", "quality:surveyForm:view"),
    ("GET", "/api/v2/quality/publishedforms/surveys", "quality:surveyForm:view"),
    ("GET", "/api/v2/quality/surveys/any-id", "quality:survey:view"),
    ("GET", "/api/v2/quality/conversations/any-id/surveys", "quality:survey:view"),
    (
        "GET",
        "/api/v2/analytics/conversations/details/jobs/availability",
        "analytics:conversationDetail:view",
    ),
    (
        "POST",
        "/api/v2/analytics/surveys/aggregates/query",
        "analytics:surveyAggregate:view",
    ),
    ("GET", "/api/v2/quality/forms/evaluations", "quality:evaluationForm:view"),
    ("GET", "/api/v2/quality/evaluations/query", "quality:evaluation:view"),
    ("GET", "/api/v2/routing/queues", "routing:queue:view"),
    ("GET", "/api/v2/routing/wrapupcodes", "routing:wrapupCode:view"),
]


@pytest.mark.parametrize(("method", "path", "permission"), PERMISSIONS)
def test_a_denied_permission_gives_403_naming_it(
    make_sim: MakeSim, connect: Connect, method: str, path: str, permission: str
) -> None:
    client = connect(make_sim(faults=Faults(deny_permissions={permission})))
    response = client.request(method, path, json={})
    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "missing.permissions"
    assert body["message"] == (
        "Unable to perform the requested action. You are missing the following "
        f"permission(s): [{permission}]"
    )


@pytest.mark.parametrize(
    ("method", "path"),
    [("POST", DETAILS), ("GET", "/api/v2/analytics/conversations/details")],
)
def test_the_details_query_needs_either_detail_permission(
    make_sim: MakeSim, connect: Connect, method: str, path: str
) -> None:
    sim = make_sim()
    client = connect(sim)
    body = {"interval": "2026-11-18T00:00:00Z/2026-11-19T00:00:00Z"}
    both = [
        "analytics:conversationDetail:view",
        "analytics:agentConversationDetail:view",
    ]
    for held in both:
        sim.faults.deny_permissions = set(both) - {held}
        assert client.request(method, path, json=body).status_code == 200
    sim.faults.deny_permissions = set(both)
    response = client.request(method, path, json=body)
    assert response.status_code == 403
    assert response.json()["code"] == "missing.any.permissions"
    assert response.json()["message"] == (
        "Unable to perform the requested action. You must have at least one of "
        f"the following permissions assigned: [{', '.join(both)}]"
    )


def test_users_and_divisions_need_no_permission(
    make_sim: MakeSim, connect: Connect
) -> None:
    every = {p for _, _, p in PERMISSIONS}
    client = connect(make_sim(faults=Faults(deny_permissions=every)))
    assert client.get("/api/v2/users").status_code == 200
    assert client.get("/api/v2/authorization/divisions").status_code == 200


def test_evaluation_by_id_needs_any_of_three_permissions(
    make_sim: MakeSim, connect: Connect
) -> None:
    sim = make_sim()
    client = connect(sim)
    evaluation = sim.org.evaluations()[0]
    conversation = evaluation["conversation"]["id"]
    path = (
        f"/api/v2/quality/conversations/{conversation}/evaluations/{evaluation['id']}"
    )
    sim.faults.deny_permissions = {"quality:evaluation:view"}
    assert client.get(path).status_code == 200
    sim.faults.deny_permissions = {
        "quality:evaluation:view",
        "quality:evaluation:assign",
        "quality:evaluation:release",
    }
    assert client.get(path).status_code == 403


def test_other_divisions_are_silently_absent(
    make_sim: MakeSim, connect: Connect
) -> None:
    sim = make_sim()
    client = connect(sim)
    day = datetime(2026, 11, 18, tzinfo=UTC)
    records = sim.org.conversations_between(day, day + timedelta(days=1))
    visible = records[0].division_ids[0]
    hidden = next(r for r in records if visible not in r.division_ids and r.survey_ids)
    sim.faults.visible_divisions = {visible}
    body = {"interval": DAY_INTERVAL, "paging": {"pageSize": 100, "pageNumber": 1}}
    page = client.post(DETAILS, json=body).json()
    expected = [r.conversation_id for r in records if visible in r.division_ids]
    assert [c["conversationId"] for c in page["conversations"]] == expected[:100]
    assert page["totalHits"] == len(expected)
    assert (
        client.get(f"/api/v2/quality/surveys/{hidden.survey_ids[0]}").status_code == 404
    )
    assert (
        client.get(
            f"/api/v2/quality/conversations/{hidden.conversation_id}/surveys"
        ).status_code
        == 404
    )


def test_aggregates_count_only_visible_divisions(
    make_sim: MakeSim, connect: Connect
) -> None:
    sim = make_sim()
    client = connect(sim)
    visible = sim.org.divisions[-1]["id"]
    sim.faults.visible_divisions = {visible}
    query = {
        "interval": "2026-11-15T00:00:00Z/2026-11-20T00:00:00Z",
        "metrics": ["nSurveysSent"],
    }
    body = client.post("/api/v2/analytics/surveys/aggregates/query", json=query).json()
    start, end = datetime(2026, 11, 15, tzinfo=UTC), datetime(2026, 11, 20, tzinfo=UTC)
    expected = sum(
        1
        for s in sim.org.survey_records()
        if start <= s.event_time < end
        and visible in s.division_ids
        and s.status not in ("Pending", "Error")
    )
    counted = (
        body["results"][0]["data"][0]["metrics"][0]["stats"]["count"] if body else 0
    )
    assert counted == expected
