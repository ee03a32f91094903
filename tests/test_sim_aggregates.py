"""Survey aggregates: counts and score statistics by group and time bucket.

Expected figures are counted here from the org's survey records.
"""

from __future__ import annotations

import itertools
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from genesys_sim import RunningSimulator

AGGREGATES = "/api/v2/analytics/surveys/aggregates/query"
WEEK = "2026-11-10T00:00:00Z/2026-11-17T00:00:00Z"
START, END = datetime(2026, 11, 10, tzinfo=UTC), datetime(2026, 11, 17, tzinfo=UTC)


def _surveys(
    sim: RunningSimulator, start: datetime = START, end: datetime = END
) -> list[Any]:
    return [s for s in sim.org.survey_records() if start <= s.event_time < end]


def _metrics(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    [bucket] = result["data"]
    return {m["metric"]: m["stats"] for m in bucket["metrics"]}


def _query(api: httpx.Client, **body: Any) -> dict[str, Any]:
    response = api.post(AGGREGATES, json={"interval": WEEK, **body})
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_funnel_counts_by_status(api: httpx.Client, sim: RunningSimulator) -> None:
    metrics = [
        "nSurveysSent",
        "nSurveyResponses",
        "nSurveysExpired",
        "nSurveyErrors",
        "nSurveysAbandoned",
    ]
    results = _query(api, groupBy=["surveyStatus"], metrics=metrics)["results"]
    counted = {r["group"]["surveyStatus"]: _metrics(r) for r in results}
    statuses = Counter(s.status for s in _surveys(sim))
    # Pending surveys fill none of these metrics, so their group has no data.
    assert set(counted) == set(statuses) - {"Pending"}
    assert counted["Finished"]["nSurveyResponses"] == {"count": statuses["Finished"]}
    assert counted["Expired"]["nSurveysExpired"] == {"count": statuses["Expired"]}
    assert counted["Error"]["nSurveyErrors"] == {"count": statuses["Error"]}
    assert counted["OptOut"]["nSurveysAbandoned"] == {"count": statuses["OptOut"]}
    assert "nSurveysSent" not in counted["Error"]
    assert "nSurveysSent" not in counted.get("Pending", {})


def test_full_and_partial_responses(api: httpx.Client, sim: RunningSimulator) -> None:
    metrics = ["nSurveyFullResponses", "nSurveyPartialResponses"]
    stats = _metrics(_query(api, metrics=metrics)["results"][0])
    finished = [s for s in _surveys(sim) if s.status == "Finished"]
    partial = sum(1 for s in finished if s.partial)
    assert stats["nSurveyPartialResponses"] == {"count": partial}
    assert stats["nSurveyFullResponses"] == {"count": len(finished) - partial}


def test_total_score_statistics(api: httpx.Client, sim: RunningSimulator) -> None:
    stats = _metrics(_query(api, metrics=["oSurveyTotalScore"])["results"][0])[
        "oSurveyTotalScore"
    ]
    scores = [s.total_score for s in _surveys(sim) if s.total_score is not None]
    assert stats["count"] == len(scores)
    assert stats["sum"] == pytest.approx(sum(scores))
    assert (stats["min"], stats["max"]) == (min(scores), max(scores))


def test_nps_counts_by_agent(api: httpx.Client, sim: RunningSimulator) -> None:
    metrics = ["nSurveyNpsResponses", "nSurveyNpsPromoters", "nSurveyNpsDetractors"]
    results = _query(api, groupBy=["userId"], metrics=metrics)["results"]
    for result in results:
        agent = result["group"]["userId"]
        scores = [
            s.nps_score
            for s in _surveys(sim)
            if s.user_id == agent and s.nps_score is not None
        ]
        stats = _metrics(result) if result["data"] else {}
        assert stats.get("nSurveyNpsResponses", {"count": 0})["count"] == len(scores)
        assert stats.get("nSurveyNpsPromoters", {"count": 0})["count"] == sum(
            1 for n in scores if n >= 9
        )
        assert stats.get("nSurveyNpsDetractors", {"count": 0})["count"] == sum(
            1 for n in scores if n <= 6
        )


def test_filter_by_form_context(api: httpx.Client, sim: RunningSimulator) -> None:
    context = next(
        s.form_context_id for s in _surveys(sim) if s.form_name == "Website feedback"
    )
    flt = {
        "type": "and",
        "predicates": [{"dimension": "surveyFormContextId", "value": context}],
    }
    stats = _metrics(_query(api, filter=flt, metrics=["nSurveysSent"])["results"][0])
    sent = [
        s
        for s in _surveys(sim)
        if s.form_context_id == context and s.status not in ("Pending", "Error")
    ]
    assert stats["nSurveysSent"] == {"count": len(sent)}


def test_daily_buckets_follow_the_time_zone_across_a_clock_change(
    api: httpx.Client, sim: RunningSimulator
) -> None:
    london = ZoneInfo("Europe/London")
    edges = [datetime(2026, 10, day, tzinfo=london) for day in (24, 25, 26, 27)]
    first, last = (edge.astimezone(UTC).isoformat() for edge in (edges[0], edges[-1]))
    interval = f"{first}/{last}"
    body = {
        "interval": interval,
        "granularity": "P1D",
        "timeZone": "Europe/London",
        "metrics": ["nSurveysSent"],
    }
    data = api.post(AGGREGATES, json=body).json()["results"][0]["data"]
    expected = []
    for start, end in itertools.pairwise(edges):
        surveys = _surveys(sim, start.astimezone(UTC), end.astimezone(UTC))
        sent = sum(1 for s in surveys if s.status not in ("Pending", "Error"))
        expected.append((start.astimezone(UTC), end.astimezone(UTC), sent))
    got = [
        (
            *(datetime.fromisoformat(t) for t in d["interval"].split("/")),
            d["metrics"][0]["stats"]["count"],
        )
        for d in data
    ]
    assert got == expected
    assert got[1][1] - got[1][0] == timedelta(hours=25)


def test_empty_buckets_are_left_out(api: httpx.Client, sim: RunningSimulator) -> None:
    survey = _surveys(sim)[0]
    flt = {
        "type": "and",
        "predicates": [{"dimension": "surveyId", "value": survey.survey_id}],
    }
    results = _query(
        api, filter=flt, granularity="PT1H", metrics=["nSurveysSent", "nSurveyErrors"]
    )["results"]
    [result] = results
    [bucket] = result["data"]
    start, end = (datetime.fromisoformat(t) for t in bucket["interval"].split("/"))
    assert start <= survey.event_time < end
    assert (end - start).total_seconds() == 3600


def test_no_data_gives_no_results(api: httpx.Client) -> None:
    flt = {
        "type": "and",
        "predicates": [{"dimension": "surveyId", "value": "no-such-survey"}],
    }
    assert _query(api, filter=flt, metrics=["nSurveysSent"]) == {}


@pytest.mark.parametrize(
    "body",
    [
        {"metrics": ["oSurveyNpsScore"]},
        {"metrics": []},
        {"metrics": ["nSurveysSent"], "groupBy": ["agentName"]},
        {"metrics": ["nSurveysSent"], "granularity": "daily"},
        {"metrics": ["nSurveysSent"], "timeZone": "Mars/Olympus"},
    ],
    ids=["unknown-metric", "no-metric", "unknown-group", "bad-granularity", "bad-zone"],
)
def test_malformed_queries_are_400(api: httpx.Client, body: dict[str, Any]) -> None:
    response = api.post(AGGREGATES, json={"interval": WEEK, **body})
    assert response.status_code == 400
    assert response.json()["status"] == 400
