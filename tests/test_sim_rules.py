"""Details query rules: interval semantics, filters, order and paging.

Expected sets come from the org's own records and JSON, walked here by hand, not
from the simulator's selection code.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from genesys_sim import RunningSimulator

DETAILS = "/api/v2/analytics/conversations/details/query"
JOBS = "/api/v2/analytics/conversations/details/jobs"
DAY = datetime(2026, 11, 18, tzinfo=UTC)
DAY_INTERVAL = "2026-11-18T00:00:00Z/2026-11-19T00:00:00Z"


def _all_ids(api: httpx.Client, body: dict[str, Any]) -> list[str]:
    ids: list[str] = []
    for number in range(1, 200):
        page = api.post(
            DETAILS, json={**body, "paging": {"pageSize": 100, "pageNumber": number}}
        )
        assert page.status_code == 200, page.text
        conversations = page.json().get("conversations")
        if not conversations:
            assert page.json()["totalHits"] == len(ids)
            return ids
        ids += [c["conversationId"] for c in conversations]
    raise AssertionError("too many pages")


def _started(sim: RunningSimulator, start: datetime, end: datetime) -> list[str]:
    return [r.conversation_id for r in sim.org.conversations_between(start, end)]


def _day_records(sim: RunningSimulator) -> list[Any]:
    return list(sim.org.conversations_between(DAY, DAY + timedelta(days=1)))


def _with_survey(sim: RunningSimulator, keep: Callable[[Any], bool]) -> set[str]:
    day = {r.conversation_id for r in _day_records(sim)}
    return {
        s.conversation_id
        for s in sim.org.survey_records()
        if s.conversation_id in day and keep(s)
    }


def _flt(
    *predicates: dict[str, Any],
    kind: str = "and",
    clauses: Iterable[dict[str, Any]] = (),
) -> list[dict[str, Any]]:
    return [{"type": kind, "predicates": list(predicates), "clauses": list(clauses)}]


def _dim(
    name: str, value: Any = None, operator: str = "matches", **extra: Any
) -> dict[str, Any]:
    predicate = {"type": "dimension", "dimension": name, "operator": operator, **extra}
    if value is not None:
        predicate["value"] = value
    return predicate


@pytest.mark.parametrize(
    ("interval", "start", "end"),
    [
        ("2026-11-18T10:00:00Z/2026-11-18T11:00:00Z", DAY, DAY + timedelta(days=1)),
        (
            "2026-11-17T23:00:00Z/2026-11-18T01:00:00Z",
            DAY - timedelta(days=1),
            DAY + timedelta(days=1),
        ),
        ("2026-11-17T00:00:00Z/2026-11-18T00:00:00Z", DAY - timedelta(days=1), DAY),
        (
            "2026-11-18T12:00:00+02:00/2026-11-18T13:00:00+02:00",
            DAY,
            DAY + timedelta(days=1),
        ),
    ],
    ids=["inside-one-day", "across-midnight", "ends-at-midnight", "offset"],
)
def test_sync_query_takes_conversations_started_on_touched_utc_days(
    api: httpx.Client,
    sim: RunningSimulator,
    interval: str,
    start: datetime,
    end: datetime,
) -> None:
    assert _all_ids(api, {"interval": interval}) == _started(sim, start, end)


def test_jobs_take_conversations_active_during_the_interval(
    api: httpx.Client, sim: RunningSimulator
) -> None:
    start, end = DAY + timedelta(hours=10), DAY + timedelta(hours=11)
    submitted = api.post(
        JOBS, json={"interval": "2026-11-18T10:00:00Z/2026-11-18T11:00:00Z"}
    ).json()
    page = api.get(
        f"{JOBS}/{submitted['jobId']}/results", params={"pageSize": 1000}
    ).json()
    found = [c["conversationId"] for c in page["conversations"]]
    candidates = sim.org.conversations_between(start - timedelta(days=1), end)
    active = [
        r.conversation_id
        for r in candidates
        if r.start < end and r.end is not None and r.end > start
    ]
    assert found == active
    assert any(r.start < start for r in candidates if r.conversation_id in found)
    assert set(found) != set(_started(sim, DAY, DAY + timedelta(days=1)))


def test_survey_status_matches_case_insensitively(
    api: httpx.Client, sim: RunningSimulator
) -> None:
    body = {
        "interval": DAY_INTERVAL,
        "surveyFilters": _flt(_dim("surveyStatus", "fInIsHeD")),
    }
    assert set(_all_ids(api, body)) == _with_survey(
        sim, lambda s: s.status == "Finished"
    )


def test_and_predicates_must_hold_for_the_same_survey(
    api: httpx.Client, sim: RunningSimulator
) -> None:
    records = list(sim.org.survey_records())
    context = next(
        s.form_context_id for s in records if s.form_name == "Website feedback"
    )
    body = {
        "interval": DAY_INTERVAL,
        "surveyFilters": _flt(
            _dim("surveyFormContextId", context), _dim("surveyStatus", "Error")
        ),
    }
    same = _with_survey(
        sim, lambda s: s.form_context_id == context and s.status == "Error"
    )
    across = _with_survey(sim, lambda s: s.form_context_id == context) & _with_survey(
        sim, lambda s: s.status == "Error"
    )
    assert set(_all_ids(api, body)) == same
    assert across - same


def test_or_filters_and_nested_clauses(
    api: httpx.Client, sim: RunningSimulator
) -> None:
    context = next(
        s.form_context_id
        for s in sim.org.survey_records()
        if s.form_name == "Post-contact CSAT"
    )
    statuses = _flt(
        _dim("surveyStatus", "Sent"), _dim("surveyStatus", "OptOut"), kind="or"
    )
    body = {
        "interval": DAY_INTERVAL,
        "surveyFilters": _flt(_dim("surveyFormContextId", context), clauses=statuses),
    }
    expected = _with_survey(
        sim, lambda s: s.form_context_id == context and s.status in ("Sent", "OptOut")
    )
    assert set(_all_ids(api, body)) == expected
    assert expected


def test_survey_id_not_exists_finds_conversations_without_surveys(
    api: httpx.Client, sim: RunningSimulator
) -> None:
    body = {
        "interval": DAY_INTERVAL,
        "surveyFilters": _flt(_dim("surveyId", operator="notExists")),
    }
    expected = [r.conversation_id for r in _day_records(sim) if not r.survey_ids]
    assert _all_ids(api, body) == expected


def test_range_on_promoter_score(api: httpx.Client, sim: RunningSimulator) -> None:
    body = {
        "interval": DAY_INTERVAL,
        "surveyFilters": _flt(_dim("surveyPromoterScore", range={"gte": 9})),
    }
    expected = _with_survey(sim, lambda s: s.nps_score is not None and s.nps_score >= 9)
    assert set(_all_ids(api, body)) == expected
    assert expected


def test_several_filters_in_a_list_must_all_hold(
    api: httpx.Client, sim: RunningSimulator
) -> None:
    body = {
        "interval": DAY_INTERVAL,
        "surveyFilters": [
            *_flt(_dim("surveyStatus", "Finished")),
            *_flt(_dim("surveyStatus", "Expired")),
        ],
    }
    finished = _with_survey(sim, lambda s: s.status == "Finished")
    expired = _with_survey(sim, lambda s: s.status == "Expired")
    assert set(_all_ids(api, body)) == finished & expired


def _segments(sim: RunningSimulator, conversation_id: str) -> Iterable[dict[str, Any]]:
    for participant in sim.org.conversation_json(conversation_id)["participants"]:
        for session in participant["sessions"]:
            for segment in session["segments"]:
                yield {**participant, **session, **segment}


@pytest.mark.parametrize(
    ("dimension", "pick"),
    [
        ("mediaType", lambda sim: "email"),
        (
            "userId",
            lambda sim: next(r.user_ids[0] for r in _day_records(sim) if r.user_ids),
        ),
        ("queueId", lambda sim: _day_records(sim)[0].queue_ids[-1]),
        (
            "wrapUpCode",
            lambda sim: next(
                r.wrapup_code_ids[0] for r in _day_records(sim) if r.wrapup_code_ids
            ),
        ),
        ("purpose", lambda sim: "agent"),
        ("segmentType", lambda sim: "wrapup"),
    ],
)
def test_segment_filters(
    api: httpx.Client,
    sim: RunningSimulator,
    dimension: str,
    pick: Callable[[RunningSimulator], str],
) -> None:
    value = pick(sim)
    body = {"interval": DAY_INTERVAL, "segmentFilters": _flt(_dim(dimension, value))}
    expected = [
        r.conversation_id
        for r in _day_records(sim)
        if any(seg.get(dimension) == value for seg in _segments(sim, r.conversation_id))
    ]
    assert _all_ids(api, body) == expected
    assert expected


def test_segment_and_needs_one_segment_with_both(
    api: httpx.Client, sim: RunningSimulator
) -> None:
    agent = next(r.user_ids[0] for r in _day_records(sim) if r.user_ids)
    body = {
        "interval": DAY_INTERVAL,
        "segmentFilters": _flt(_dim("userId", agent), _dim("segmentType", "wrapup")),
    }
    expected = [
        r.conversation_id
        for r in _day_records(sim)
        if any(
            s.get("userId") == agent and s["segmentType"] == "wrapup"
            for s in _segments(sim, r.conversation_id)
        )
    ]
    assert _all_ids(api, body) == expected


def test_conversation_filters(api: httpx.Client, sim: RunningSimulator) -> None:
    division = sim.org.divisions[-1]["id"]
    by_division = {
        "interval": DAY_INTERVAL,
        "conversationFilters": _flt(_dim("divisionId", division)),
    }
    assert _all_ids(api, by_division) == [
        r.conversation_id for r in _day_records(sim) if division in r.division_ids
    ]
    window = {"gte": "2026-11-18T09:00:00Z", "lt": "2026-11-18T10:00:00Z"}
    by_start = {
        "interval": DAY_INTERVAL,
        "conversationFilters": _flt(_dim("conversationStart", range=window)),
    }
    assert _all_ids(api, by_start) == _started(
        sim, DAY + timedelta(hours=9), DAY + timedelta(hours=10)
    )


def test_conversation_end_not_exists_finds_running_conversations(
    api: httpx.Client, sim: RunningSimulator
) -> None:
    body = {
        "interval": "2026-11-20T00:00:00Z/2026-11-20T12:00:00Z",
        "conversationFilters": _flt(_dim("conversationEnd", operator="notExists")),
    }
    today = sim.org.conversations_between(
        DAY + timedelta(days=2), DAY + timedelta(days=3)
    )
    running = [r.conversation_id for r in today if r.end is None]
    assert running
    assert _all_ids(api, body) == running


def test_evaluation_filters(api: httpx.Client, sim: RunningSimulator) -> None:
    evaluated = [
        r
        for r in sim.org.conversations_between(DAY - timedelta(days=7), DAY)
        if r.evaluation_ids
    ]
    wire = sim.org.conversation_json(evaluated[0].conversation_id)
    form_name = wire["evaluations"][0]["formName"]
    body = {
        "interval": "2026-11-11T00:00:00Z/2026-11-18T00:00:00Z",
        "evaluationFilters": _flt(_dim("formName", form_name)),
    }
    expected = [
        r.conversation_id
        for r in evaluated
        if any(
            e["formName"] == form_name
            for e in sim.org.conversation_json(r.conversation_id).get("evaluations", [])
        )
    ]
    assert _all_ids(api, body) == expected


def test_order_desc_and_order_by_end(api: httpx.Client, sim: RunningSimulator) -> None:
    ascending = _all_ids(api, {"interval": DAY_INTERVAL})
    descending = _all_ids(api, {"interval": DAY_INTERVAL, "order": "desc"})
    by_end = _all_ids(api, {"interval": DAY_INTERVAL, "orderBy": "conversationEnd"})
    ends = {r.conversation_id: r.end for r in _day_records(sim)}
    assert descending == ascending[::-1]
    assert [ends[c] for c in by_end] == sorted(ends[c] for c in by_end)


def test_a_page_past_the_end_has_no_conversations_key(api: httpx.Client) -> None:
    body = {"interval": DAY_INTERVAL, "paging": {"pageSize": 100, "pageNumber": 500}}
    page = api.post(DETAILS, json=body).json()
    assert "conversations" not in page
    assert page["totalHits"] > 0


def test_a_query_matching_nothing_has_only_total_hits(api: httpx.Client) -> None:
    body = {
        "interval": DAY_INTERVAL,
        "surveyFilters": _flt(_dim("surveyId", "no-such-survey")),
    }
    assert api.post(DETAILS, json=body).json() == {"totalHits": 0}


def test_conversations_carry_their_surveys(
    api: httpx.Client, sim: RunningSimulator
) -> None:
    body = {
        "interval": DAY_INTERVAL,
        "surveyFilters": _flt(_dim("surveyId", operator="exists")),
    }
    page = api.post(
        DETAILS, json={**body, "paging": {"pageSize": 5, "pageNumber": 1}}
    ).json()
    for conversation in page["conversations"]:
        record = sim.org.conversation(conversation["conversationId"])
        assert [s["surveyId"] for s in conversation["surveys"]] == list(
            record.survey_ids
        )


def test_conversations_by_id(api: httpx.Client, sim: RunningSimulator) -> None:
    first, second = (r.conversation_id for r in _day_records(sim)[:2])
    one = api.get(f"/api/v2/analytics/conversations/{first}/details").json()
    both = api.get(
        "/api/v2/analytics/conversations/details",
        params={"id": f"{first},nope,{second}"},
    ).json()
    assert one == sim.org.conversation_json(first)
    assert [c["conversationId"] for c in both["conversations"]] == [first, second]
    assert api.get("/api/v2/analytics/conversations/nope/details").status_code == 404
