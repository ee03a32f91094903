"""Every limit of the reference, each refused the way the service refuses it."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from conftest import FakeClock

from genesys_sim import Limits, RunningSimulator

MakeSim = Callable[..., RunningSimulator]
Connect = Callable[[RunningSimulator], httpx.Client]
DETAILS = "/api/v2/analytics/conversations/details/query"
JOBS = "/api/v2/analytics/conversations/details/jobs"
TOO_LONG = (
    "You must specify a search interval as part of your query that does not exceed"
)
SURVEY_FILTER = [
    {"type": "and", "predicates": [{"dimension": "surveyId", "operator": "exists"}]}
]


def _query(
    interval: str, page_size: int | None = None, page_number: int = 1, **extra: object
) -> dict[str, object]:
    body: dict[str, object] = {"interval": interval, **extra}
    if page_size is not None:
        body["paging"] = {"pageSize": page_size, "pageNumber": page_number}
    return body


def _refused(response: httpx.Response, message: str) -> None:
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "bad.request"
    assert body["message"] == message
    assert body["details"] == [] and body["errors"] == []


def test_details_page_size_above_100_is_refused(api: httpx.Client) -> None:
    day = "2026-11-18T00:00:00Z/2026-11-19T00:00:00Z"
    assert api.post(DETAILS, json=_query(day, 100)).status_code == 200
    _refused(api.post(DETAILS, json=_query(day, 101)), "pageSize must not exceed 100")


def test_details_default_page_size_is_25(api: httpx.Client) -> None:
    body = api.post(
        DETAILS, json=_query("2026-11-18T00:00:00Z/2026-11-19T00:00:00Z")
    ).json()
    assert body["totalHits"] > 25
    assert len(body["conversations"]) == 25


def test_unfiltered_interval_over_seven_days_is_refused(api: httpx.Client) -> None:
    week = _query("2026-11-10T00:00:00Z/2026-11-17T00:00:00Z", 1)
    longer = _query("2026-11-10T00:00:00Z/2026-11-17T00:00:00.001Z", 1)
    assert api.post(DETAILS, json=week).status_code == 200
    message = f"{TOO_LONG} 7 days"
    _refused(api.post(DETAILS, json=longer), message)


def test_filtered_interval_may_span_31_days_and_no_more(api: httpx.Client) -> None:
    month = _query(
        "2026-10-01T00:00:00Z/2026-11-01T00:00:00Z", 1, surveyFilters=SURVEY_FILTER
    )
    longer = _query(
        "2026-10-01T00:00:00Z/2026-11-01T01:00:00Z", 1, surveyFilters=SURVEY_FILTER
    )
    assert api.post(DETAILS, json=month).status_code == 200
    message = f"{TOO_LONG} 31 days"
    _refused(api.post(DETAILS, json=longer), message)


def test_an_empty_filter_list_does_not_lift_the_interval_limit(
    api: httpx.Client,
) -> None:
    body = _query("2026-11-01T00:00:00Z/2026-11-10T00:00:00Z", 1, surveyFilters=[])
    assert api.post(DETAILS, json=body).status_code == 400


def test_result_window_past_100000_is_refused(api: httpx.Client) -> None:
    day = "2026-11-18T00:00:00Z/2026-11-19T00:00:00Z"
    last_allowed = api.post(DETAILS, json=_query(day, 100, 1000))
    assert last_allowed.status_code == 200
    assert "conversations" not in last_allowed.json()
    _refused(
        api.post(DETAILS, json=_query(day, 100, 1001)),
        "Pagination may not exceed 100000 results.",
    )


def test_limits_are_settings(make_sim: MakeSim, connect: Connect) -> None:
    client = connect(
        make_sim(
            limits=Limits(
                details_max_page_size=10, details_max_interval_days_unfiltered=1
            )
        )
    )
    day = "2026-11-18T00:00:00Z/2026-11-19T00:00:00Z"
    _refused(client.post(DETAILS, json=_query(day, 11)), "pageSize must not exceed 10")
    two_days = _query("2026-11-17T00:00:00Z/2026-11-19T00:00:00Z", 10)
    assert client.post(DETAILS, json=two_days).status_code == 400


def test_more_than_100_user_ids_are_refused(api: httpx.Client) -> None:
    ids = [f"00000000-0000-4000-8000-{n:012d}" for n in range(101)]
    assert (
        api.get("/api/v2/users", params={"id": ",".join(ids[:100])}).status_code == 200
    )
    refused = api.get("/api/v2/users", params={"id": ",".join(ids)})
    assert refused.status_code == 400
    assert refused.json()["code"] == "invalid.value"


def test_more_than_100_form_context_ids_are_refused(api: httpx.Client) -> None:
    ids = ",".join(f"ctx-{n}" for n in range(101))
    response = api.get(
        "/api/v2/quality/forms/surveys/bulk/contexts", params={"contextId": ids}
    )
    assert response.status_code == 400


def test_listing_page_size_has_a_ceiling(api: httpx.Client) -> None:
    response = api.get("/api/v2/routing/queues", params={"pageSize": 501})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid.query.param.value"


def test_job_results_page_size_is_clamped_to_1000(api: httpx.Client) -> None:
    job = api.post(
        JOBS, json={"interval": "2026-11-16T00:00:00Z/2026-11-19T00:00:00Z"}
    ).json()
    page = api.get(f"{JOBS}/{job['jobId']}/results", params={"pageSize": 5000}).json()
    assert len(page["conversations"]) == 1000
    assert "cursor" in page


def test_rate_limit_answers_429_with_retry_after(
    make_sim: MakeSim, connect: Connect, clock: FakeClock
) -> None:
    client = connect(make_sim(limits=Limits(rate_limit_per_minute=3), clock=clock))
    allowed = [client.get("/api/v2/authorization/divisions") for _ in range(3)]
    clock.advance(20)
    refused = client.get("/api/v2/authorization/divisions")
    assert [r.headers["inin-ratelimit-count"] for r in allowed] == ["1", "2", "3"]
    assert {r.headers["inin-ratelimit-allowed"] for r in allowed} == {"3"}
    assert allowed[0].headers["inin-ratelimit-reset"] == "60"
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "40"
    body = refused.json()
    assert body["code"] == "too.many.requests.retry.after"
    assert (
        body["message"]
        == "Rate limit exceeded the maximum. Retry the request in [40] seconds"
    )
    assert body["contextId"] == refused.headers["ININ-Correlation-Id"]


def test_rate_window_resets_after_a_minute(
    make_sim: MakeSim, connect: Connect, clock: FakeClock
) -> None:
    client = connect(make_sim(limits=Limits(rate_limit_per_minute=1), clock=clock))
    assert client.get("/api/v2/authorization/divisions").status_code == 200
    assert client.get("/api/v2/authorization/divisions").status_code == 429
    clock.advance(60)
    assert client.get("/api/v2/authorization/divisions").status_code == 200


@pytest.mark.parametrize("limit", [2, 5])
def test_each_token_has_its_own_budget(
    make_sim: MakeSim, connect: Connect, clock: FakeClock, limit: int
) -> None:
    sim = make_sim(limits=Limits(rate_limit_per_minute=limit), clock=clock)
    first, second = connect(sim), connect(sim)
    spent = [
        first.get("/api/v2/authorization/divisions").status_code
        for _ in range(limit + 1)
    ]
    assert spent == [200] * limit + [429]
    assert second.get("/api/v2/authorization/divisions").status_code == 200
