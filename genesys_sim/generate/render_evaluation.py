"""Evaluations on the wire: the Quality `Evaluation` (upper-case status) and
the analytics `AnalyticsEvaluation` (PascalCase status), reference section 10.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from genesys_sim.generate.clock import wire_time
from genesys_sim.generate.evaluations import (
    ANALYTICS_STATUS,
    FINISHED,
    EvaluationPlan,
    Scores,
    remark,
    scores,
    status_at,
)
from genesys_sim.generate.forms import FormVersion


@dataclass(frozen=True, slots=True)
class EvaluationContext:
    """What an evaluation shows of its conversation and people."""

    form: FormVersion
    agent_name: str
    evaluator_id: str
    evaluator_name: str
    queue_name: str
    division_ids: tuple[str, ...]
    conversation_start_ms: int
    conversation_end_ms: int


def evaluation_json(
    plan: EvaluationPlan, ctx: EvaluationContext, as_of_ms: int
) -> dict[str, Any] | None:
    """A Quality `Evaluation` wire dict with its answers once finished."""
    state = status_at(plan, as_of_ms)
    if state is None:
        return None
    status, changed = state
    body: dict[str, Any] = {
        "id": plan.evaluation_id,
        "conversation": {
            "id": plan.conversation_id,
            "selfUri": f"/api/v2/conversations/{plan.conversation_id}",
        },
        "evaluationForm": _form_ref(ctx.form),
        "evaluator": _user_ref(ctx.evaluator_id, ctx.evaluator_name),
        "agent": _user_ref(plan.user_id, ctx.agent_name),
        "status": status,
    }
    if status == FINISHED:
        body["answers"] = _answers_json(plan, ctx.form)
    body["agentHasRead"] = bool(plan.read_ms) and as_of_ms >= plan.read_ms
    if status == FINISHED:
        body["releaseDate"] = wire_time(plan.submitted_ms)
    body["assignedDate"] = wire_time(plan.created_ms)
    body["createdDate"] = wire_time(plan.created_ms)
    body["changedDate"] = wire_time(changed)
    if status == FINISHED:
        body["submittedDate"] = wire_time(plan.submitted_ms)
    body.update(_tail(plan, ctx))
    return body


def _tail(plan: EvaluationPlan, ctx: EvaluationContext) -> dict[str, Any]:
    return {
        "queue": {
            "id": plan.queue_id,
            "name": ctx.queue_name,
            "selfUri": f"/api/v2/routing/queues/{plan.queue_id}",
        },
        "divisionIds": list(ctx.division_ids),
        "rescore": False,
        "conversationDate": wire_time(ctx.conversation_start_ms),
        "conversationEndDate": wire_time(ctx.conversation_end_ms),
        "neverRelease": False,
        "evaluationContextId": plan.context_id,
        "selfUri": (
            f"/api/v2/quality/conversations/{plan.conversation_id}"
            f"/evaluations/{plan.evaluation_id}"
        ),
    }


def _form_ref(form: FormVersion) -> dict[str, Any]:
    return {
        "id": form.form_id,
        "name": form.name,
        "published": True,
        "contextId": form.context_id,
        "selfUri": f"/api/v2/quality/forms/evaluations/{form.form_id}",
    }


def _user_ref(user_id: str, name: str) -> dict[str, Any]:
    return {"id": user_id, "name": name, "selfUri": f"/api/v2/users/{user_id}"}


def _answers_json(plan: EvaluationPlan, form: FormVersion) -> dict[str, Any]:
    result = scores(plan, form)
    body: dict[str, Any] = {"totalScore": result.total}
    if result.critical is not None:
        body["totalCriticalScore"] = result.critical
    body["totalNonCriticalScore"] = result.non_critical
    body["anyFailedKillQuestions"] = False
    body["comments"] = remark(result.total)
    body["questionGroupScores"] = _group_scores(plan, form, result)
    return body


def _group_scores(
    plan: EvaluationPlan, form: FormVersion, result: Scores
) -> list[dict[str, Any]]:
    values = iter(plan.answers)
    groups = []
    for group, (score, raw, top) in zip(form.groups, result.groups, strict=True):
        questions = [_question_score(q, next(values)) for q in group.questions]
        groups.append(
            {
                "questionGroupId": group.group_id,
                "totalScore": score,
                "maxTotalScore": 100.0,
                "markedNA": False,
                "systemMarkedNA": False,
                "totalScoreUnweighted": raw,
                "maxTotalScoreUnweighted": top,
                "questionScores": questions,
            }
        )
    return groups


def _question_score(question: Any, value: int | None) -> dict[str, Any]:
    body: dict[str, Any] = {"questionId": question.question_id}
    if value is not None:
        body["answerId"] = question.option_for(value).option_id
        body["score"] = value
    body["markedNA"] = value is None
    body["systemMarkedNA"] = False
    return body


def analytics_evaluation_json(
    plan: EvaluationPlan, ctx: EvaluationContext, as_of_ms: int
) -> dict[str, Any] | None:
    """An `AnalyticsEvaluation` wire dict (the `evaluations[]` of a conversation)."""
    state = status_at(plan, as_of_ms)
    if state is None:
        return None
    status, changed = state
    body: dict[str, Any] = {
        "evaluationId": plan.evaluation_id,
        "evaluationStatus": ANALYTICS_STATUS[status],
        "formId": ctx.form.form_id,
        "contextId": ctx.form.context_id,
        "formName": ctx.form.name,
        "userId": plan.user_id,
        "evaluatorId": ctx.evaluator_id,
        "queueId": plan.queue_id,
        "eventTime": wire_time(changed),
        "released": status == FINISHED,
        "rescored": False,
        "deleted": False,
    }
    if status == FINISHED:
        result = scores(plan, ctx.form)
        body["oTotalScore"] = round(result.total)
        if result.critical is not None:
            body["oTotalCriticalScore"] = round(result.critical)
    return body
