"""Every refusal is an ErrorBody carrying the request's correlation id."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from genesys_sim import RunningSimulator

MakeSim = Callable[..., RunningSimulator]
Connect = Callable[[RunningSimulator], httpx.Client]
DETAILS = "/api/v2/analytics/conversations/details/query"
DAY = "2026-11-18T00:00:00Z/2026-11-19T00:00:00Z"
ERROR_KEYS = {"message", "code", "status", "contextId", "details", "errors"}


def _error(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = dict(response.json())
    assert set(body) == ERROR_KEYS
    assert body["status"] == status
    assert body["code"] == code
    assert body["contextId"] == response.headers["ININ-Correlation-Id"]
    assert body["details"] == [] and body["errors"] == []
    return body


@pytest.mark.parametrize(
    "path",
    [
        "/api/v2/quality/surveys/no-such-survey",
        "/api/v2/quality/conversations/no-such-conversation/surveys",
        "/api/v2/quality/forms/surveys/no-such-form",
        "/api/v2/quality/publishedforms/surveys/no-such-form",
        "/api/v2/quality/forms/evaluations/no-such-form",
        "/api/v2/quality/conversations/no-such-conversation/evaluations/no-such-evaluation",
        "/api/v2/users/no-such-user",
        "/api/v2/analytics/conversations/details/jobs/no-such-job",
        "/api/v2/no/such/route",
    ],
)
def test_unknown_ids_and_routes_are_404(api: httpx.Client, path: str) -> None:
    _error(api.get(path), 404, "not.found")


def test_paths_outside_the_api_are_404_too(sim: RunningSimulator) -> None:
    _error(httpx.get(f"{sim.base_url}/nothing-here"), 404, "not.found")


def test_a_wrong_method_is_405(api: httpx.Client) -> None:
    _error(api.put("/api/v2/users"), 405, "method.not.allowed")
    _error(api.get(DETAILS), 405, "method.not.allowed")


def test_every_answer_carries_a_fresh_correlation_id(api: httpx.Client) -> None:
    ids = {
        api.get("/api/v2/authorization/divisions").headers["ININ-Correlation-Id"]
        for _ in range(3)
    }
    assert len(ids) == 3


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({}, "bad.request"),
        ({"interval": "yesterday"}, "invalid.date"),
        ({"interval": "2026-11-19T00:00:00Z/2026-11-18T00:00:00Z"}, "invalid.date"),
        ({"interval": DAY, "paging": {"pageSize": 0, "pageNumber": 1}}, "bad.request"),
        ({"interval": DAY, "paging": {"pageSize": 10}}, "bad.request"),
        ({"interval": DAY, "order": "sideways"}, "invalid.value"),
        ({"interval": DAY, "orderBy": "surveyId"}, "invalid.value"),
        (
            {
                "interval": DAY,
                "surveyFilters": [
                    {"type": "and", "predicates": [{"dimension": "nope", "value": "x"}]}
                ],
            },
            "invalid.value",
        ),
        (
            {
                "interval": DAY,
                "surveyFilters": [
                    {
                        "type": "xor",
                        "predicates": [{"dimension": "surveyId", "operator": "exists"}],
                    }
                ],
            },
            "invalid.value",
        ),
        (
            {
                "interval": DAY,
                "surveyFilters": [
                    {
                        "type": "and",
                        "predicates": [{"dimension": "surveyId", "operator": "like"}],
                    }
                ],
            },
            "invalid.value",
        ),
        (
            {
                "interval": DAY,
                "surveyFilters": [
                    {"type": "and", "predicates": [{"dimension": "surveyId"}]}
                ],
            },
            "invalid.value",
        ),
        (
            {"interval": DAY, "surveyFilters": [{"type": "and", "predicates": []}]},
            "invalid.value",
        ),
        ({"interval": DAY, "surveyFilters": {"type": "and"}}, "invalid.value"),
        (
            {
                "interval": DAY,
                "segmentFilters": [
                    {
                        "type": "and",
                        "predicates": [
                            {"type": "property", "property": "x", "value": "y"}
                        ],
                    }
                ],
            },
            "invalid.value",
        ),
        (
            {
                "interval": DAY,
                "resolutionFilters": [
                    {
                        "type": "and",
                        "predicates": [{"dimension": "queueId", "value": "q"}],
                    }
                ],
            },
            "invalid.value",
        ),
        (
            {
                "interval": DAY,
                "aggregations": [{"type": "termFrequency", "dimension": "queueId"}],
            },
            "bad.request",
        ),
    ],
    ids=[
        "no-interval",
        "unreadable-interval",
        "reversed-interval",
        "page-size-zero",
        "page-number-missing",
        "bad-order",
        "bad-order-by",
        "unknown-dimension",
        "unknown-filter-type",
        "unknown-operator",
        "matches-without-value",
        "empty-filter",
        "filters-not-a-list",
        "property-predicate",
        "resolution-filters",
        "aggregations",
    ],
)
def test_malformed_details_queries_are_400(
    api: httpx.Client, body: dict[str, Any], code: str
) -> None:
    _error(api.post(DETAILS, json=body), 400, code)


def test_a_body_that_is_not_a_json_object_is_400(api: httpx.Client) -> None:
    _error(
        api.post(
            DETAILS, content=b"{not json", headers={"Content-Type": "application/json"}
        ),
        400,
        "bad.request",
    )
    _error(api.post(DETAILS, json=[1, 2]), 400, "bad.request")


def test_a_body_that_is_not_json_is_415(api: httpx.Client) -> None:
    form = {"interval": "2026-11-18T00:00:00Z/2026-11-19T00:00:00Z"}
    _error(api.post(DETAILS, data=form), 415, "unsupported.media.type")
    charset = {"Content-Type": "application/json; charset=utf-8"}
    assert api.post(DETAILS, content=b'{"interval": "%s"}' % form["interval"].encode(),
                    headers=charset).status_code == 200  # fmt: skip


def test_evaluations_query_needs_an_anchor(api: httpx.Client) -> None:
    _error(
        api.get("/api/v2/quality/evaluations/query", params={"queueId": "q"}),
        400,
        "bad.request",
    )


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"pageSize": "many"}, "invalid.query.param.value"),
        ({"pageNumber": "0"}, "invalid.query.param.value"),
        ({"state": "asleep"}, "invalid.value"),
    ],
)
def test_bad_listing_parameters_are_400(
    api: httpx.Client, params: dict[str, str], code: str
) -> None:
    _error(api.get("/api/v2/users", params=params), 400, code)


def test_an_unexpected_failure_is_a_500_error_body(
    make_sim: MakeSim, connect: Connect, monkeypatch: pytest.MonkeyPatch
) -> None:
    sim = make_sim()
    client = connect(sim)

    def broken(user_id: str) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(sim.org, "user", broken)
    body = _error(client.get("/api/v2/users/anyone"), 500, "internal.server.error")
    assert "boom" not in body["message"]
