"""Evaluations (reference section 10): the query and one evaluation by id.

`GET /api/v2/quality/evaluations/query` needs at least one of `conversationId`,
`evaluatorUserId`, `agentUserId` or `assigneeUserId`, and fills `answers` only
with `expandAnswerTotalScores=true`.
"""

from __future__ import annotations

from datetime import datetime

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from genesys_sim.errors import bad_request, not_found
from genesys_sim.index import is_visible
from genesys_sim.intervals import IntervalError, parse_instant
from genesys_sim.routes.common import (
    WireDict,
    bool_param,
    json_response,
    list_param,
    listing,
    page_request,
    requires,
    state_of,
)

EVALUATION_VIEW = "quality:evaluation:view"
_ANCHORS = ("conversationId", "evaluatorUserId", "agentUserId", "assigneeUserId")
_NESTED_ID_FILTERS = {
    "conversationId": "conversation",
    "evaluatorUserId": "evaluator",
    "agentUserId": "agent",
    "assigneeUserId": "assignee",
    "queueId": "queue",
    "formContextId": "evaluationForm",
}


@requires(EVALUATION_VIEW)
async def query_evaluations(request: Request) -> Response:
    """GET /api/v2/quality/evaluations/query."""
    if not any(request.query_params.get(name) for name in _ANCHORS):
        raise bad_request(
            "At least one of conversationId, evaluatorUserId, agentUserId or "
            "assigneeUserId is required"
        )
    page = page_request(request)
    state = state_of(request)
    visible = state.visible_divisions()
    found = [e for e in state.org.evaluations() if _wanted(request, e)]
    found = [e for e in found if is_visible(e.get("divisionIds") or [], visible)]
    with_answers = bool_param(request, "expandAnswerTotalScores")
    entries = [e if with_answers else _without_answers(e) for e in found]
    return json_response(listing(request, entries, page))


@requires(EVALUATION_VIEW, "quality:evaluation:assign", "quality:evaluation:release")
async def get_evaluation(request: Request) -> Response:
    """GET /api/v2/quality/conversations/{conversationId}/evaluations/{evaluationId}."""
    conversation_id = request.path_params["conversationId"]
    evaluation_id = request.path_params["evaluationId"]
    state = state_of(request)
    evaluation = state.org.evaluation(conversation_id, evaluation_id)
    visible = state.visible_divisions()
    if evaluation is None or not is_visible(
        evaluation.get("divisionIds") or [], visible
    ):
        raise not_found(f"Unable to find an evaluation with id {evaluation_id}")
    return json_response(evaluation)


def _wanted(request: Request, evaluation: WireDict) -> bool:
    params = request.query_params
    for name, nested in _NESTED_ID_FILTERS.items():
        wanted = params.get(name)
        key = "contextId" if name == "formContextId" else "id"
        if wanted and (evaluation.get(nested) or {}).get(key) != wanted:
            return False
    states = {s.upper() for s in list_param(request, "evaluationState")}
    if states and str(evaluation.get("status", "")).upper() not in states:
        return False
    return _in_time_window(request, evaluation)


def _in_time_window(request: Request, evaluation: WireDict) -> bool:
    try:
        start = _instant_param(request, "startTime")
        end = _instant_param(request, "endTime")
    except IntervalError as exc:
        raise bad_request(str(exc), "invalid.date") from exc
    moment_text = evaluation.get("conversationDate")
    if (start is None and end is None) or not isinstance(moment_text, str):
        return True
    moment = parse_instant(moment_text)
    return (start is None or moment >= start) and (end is None or moment < end)


def _instant_param(request: Request, name: str) -> datetime | None:
    raw = request.query_params.get(name)
    return parse_instant(raw) if raw else None


def _without_answers(evaluation: WireDict) -> WireDict:
    return {key: value for key, value in evaluation.items() if key != "answers"}


ROUTES = [
    Route("/api/v2/quality/evaluations/query", query_evaluations),
    Route(
        "/api/v2/quality/conversations/{conversationId}/evaluations/{evaluationId}",
        get_evaluation,
    ),
]
