"""Surveys on the wire: the Quality `Survey` and the analytics `AnalyticsSurvey`.

Optional fields are left out rather than sent as null: an expired survey has
no completion date, an unfinished one no answers (reference section 6).
"""

from __future__ import annotations

from typing import Any

from genesys_sim.generate.answers import Answer, answered, total_score
from genesys_sim.generate.clock import to_ms as _to_ms
from genesys_sim.generate.clock import wire_time
from genesys_sim.generate.forms import FormVersion
from genesys_sim.generate.records import SurveyRecord
from genesys_sim.generate.surveys import ERROR, FINISHED, SurveyPlan


def survey_json(
    seed: int,
    plan: SurveyPlan,
    record: SurveyRecord,
    form: FormVersion,
    agent_name: str,
    flow_id: str,
) -> dict[str, Any]:
    """A Quality `Survey` wire dict as of the record's status."""
    body: dict[str, Any] = {
        "id": plan.survey_id,
        "conversation": {
            "id": plan.conversation_id,
            "selfUri": f"/api/v2/conversations/{plan.conversation_id}",
        },
        "surveyForm": _form_ref(form),
        "agent": {
            "id": plan.user_id,
            "name": agent_name,
            "selfUri": f"/api/v2/users/{plan.user_id}",
        },
        "status": record.status,
        "queue": {
            "id": plan.queue_id,
            "selfUri": f"/api/v2/routing/queues/{plan.queue_id}",
        },
    }
    if record.status == FINISHED and record.completed is not None:
        body["answers"] = answers_json(answered(seed, plan, form), plan, form)
        body["completedDate"] = wire_time(_to_ms(record.completed))
    if record.status == ERROR:
        body["surveyErrorDetails"] = {
            "flowDiagnosticInfo": {"lastActionId": 3},
            "surveyErrorReason": plan.timeline.error_reason,
        }
    body["surveyType"] = plan.survey_type
    if record.status == FINISHED:
        body["missingRequiredAnswer"] = plan.responses.partial
    if plan.survey_type == "Voice":
        body["flow"] = {"id": flow_id, "selfUri": f"/api/v2/flows/{flow_id}"}
    body["selfUri"] = f"/api/v2/quality/surveys/{plan.survey_id}"
    return body


def _form_ref(form: FormVersion) -> dict[str, Any]:
    return {
        "id": form.form_id,
        "name": form.name,
        "contextId": form.context_id,
        "language": "en-US",
        "published": True,
        "selfUri": f"/api/v2/quality/forms/surveys/{form.form_id}",
    }


def answers_json(
    answers: list[Answer], plan: SurveyPlan, form: FormVersion
) -> dict[str, Any]:
    """A `SurveyScoringSet`: the rating counts towards the scores, as in the
    reference examples; NPS and free text do not."""
    body: dict[str, Any] = {}
    total = total_score(plan, form)
    if total is not None:
        body["totalScore"] = total
    if plan.responses.nps is not None:
        body["npsScore"] = plan.responses.nps
    body["questionGroupScores"] = [
        _group_json(group.group_id, answers, plan, form) for group in form.groups
    ]
    return body


def _group_json(
    group_id: str, answers: list[Answer], plan: SurveyPlan, form: FormVersion
) -> dict[str, Any]:
    group = next(g for g in form.groups if g.group_id == group_id)
    ids = {q.question_id for q in group.questions}
    body: dict[str, Any] = {"questionGroupId": group_id}
    rating = next(
        (
            a
            for a in answers
            if a.value is not None
            and a.question.question_id in ids
            and a.question.role in ("csat", "web_rating")
        ),
        None,
    )
    if rating is not None and rating.value is not None:
        body["totalScore"] = float(rating.value)
        body["maxTotalScore"] = float(rating.question.top_value)
    body["markedNA"] = False
    body["systemMarkedNA"] = False
    body["questionScores"] = [
        _score_json(a) for a in answers if a.question.question_id in ids
    ]
    return body


def _score_json(answer: Answer) -> dict[str, Any]:
    body: dict[str, Any] = {"questionId": answer.question.question_id}
    if answer.value is not None:
        body["answerId"] = answer.question.option_for(answer.value).option_id
        body["score"] = answer.value
    body["markedNA"] = answer.marked_na
    body["systemMarkedNA"] = answer.system_marked_na
    if answer.nps is not None:
        body["npsScore"] = answer.nps
        if answer.text is not None:
            body["npsTextAnswer"] = answer.text
    elif answer.text is not None:
        body["freeTextAnswer"] = answer.text
    return body


def analytics_survey_json(record: SurveyRecord) -> dict[str, Any]:
    """An `AnalyticsSurvey` wire dict (the `surveys[]` of a conversation)."""
    body: dict[str, Any] = {
        "eventTime": wire_time(_to_ms(record.event_time)),
        "queueId": record.queue_id,
    }
    if record.completed is not None:
        body["surveyCompletedDate"] = wire_time(_to_ms(record.completed))
    body["surveyFormContextId"] = record.form_context_id
    body["surveyFormId"] = record.form_id
    body["surveyFormName"] = record.form_name
    body["surveyId"] = record.survey_id
    if record.status == FINISHED:
        body["surveyPartialResponse"] = record.partial
    if record.nps_score is not None:
        body["surveyPromoterScore"] = record.nps_score
    body["surveyStatus"] = record.status
    body["surveyType"] = record.survey_type
    body["userId"] = record.user_id
    if record.total_score is not None:
        body["oSurveyTotalScore"] = round(record.total_score)
    return body
