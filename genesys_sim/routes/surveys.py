"""Survey answers (reference section 6): one survey, or a conversation's surveys.

A client restricted to some divisions does not see conversations of other
divisions, nor their surveys: they answer 404, as if they did not exist.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from genesys_sim.errors import not_found
from genesys_sim.index import is_visible
from genesys_sim.routes.common import json_response, requires, state_of

SURVEY_VIEW = "quality:survey:view"


def _survey_visible(request: Request, survey_id: str) -> bool:
    state = state_of(request)
    visible = state.visible_divisions()
    if visible is None:
        return True
    record = state.index.survey_record(survey_id)
    return record is not None and is_visible(record.division_ids, visible)


@requires(SURVEY_VIEW)
async def get_survey(request: Request) -> Response:
    """GET /api/v2/quality/surveys/{surveyId}."""
    survey_id = request.path_params["surveyId"]
    survey = state_of(request).org.survey(survey_id)
    if survey is None or not _survey_visible(request, survey_id):
        raise not_found(f"Unable to find a survey with id {survey_id}")
    return json_response(survey)


@requires(SURVEY_VIEW)
async def get_conversation_surveys(request: Request) -> Response:
    """GET /api/v2/quality/conversations/{conversationId}/surveys: a bare array."""
    conversation_id = request.path_params["conversationId"]
    state = state_of(request)
    record = state.org.conversation(conversation_id)
    if record is None or not is_visible(record.division_ids, state.visible_divisions()):
        raise not_found(f"Unable to find a conversation with id {conversation_id}")
    surveys = state.org.conversation_surveys(conversation_id)
    return json_response(surveys)


ROUTES = [
    Route("/api/v2/quality/surveys/{surveyId}", get_survey),
    Route(
        "/api/v2/quality/conversations/{conversationId}/surveys",
        get_conversation_surveys,
    ),
]
