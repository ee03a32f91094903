"""Wire JSON to rows: responses, interactions and answers (architecture.md tables).

Rows are plain dicts keyed by the architecture's column names. Timestamps are aware
UTC datetimes; anything the API leaves out stays None, never 0 or "".

A survey is credited to its own `userId` and `queueId` (the last agent and queue
of the interaction), not to every agent of the conversation. Customer names,
phone numbers and e-mail addresses are read only when `include_pii` asks for them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

from csat.forms import FormVersion
from csat.timerange import parse_instant

Row = dict[str, Any]
Json = Mapping[str, Any]

RESPONSE_COLUMNS: tuple[str, ...] = (
    "survey_id",
    "conversation_id",
    "conversation_start",
    "survey_status",
    "survey_completed",
    "agent_id",
    "queue_id",
    "media_type",
    "csat_score",
    "nps_score",
    "comment",
    "nps_comment",
    "survey_form_id",
    "survey_form_context_id",
    "survey_form_name",
    "csat_scale_min",
    "csat_scale_max",
    "csat_top2",
    "total_score",
    "partial",
    "error_reason",
    "source",
)
INTERACTION_COLUMNS: tuple[str, ...] = (
    "conversation_id",
    "conversation_start",
    "conversation_end",
    "duration_s",
    "direction",
    "media_type",
    "agent_id",
    "queue_id",
    "agent_ids",
    "wrapup_code_id",
    "transfer_count",
    "division_ids",
)
PII_COLUMNS: tuple[str, ...] = ("customer_name", "customer_address")
ANSWER_COLUMNS: tuple[str, ...] = (
    "survey_id",
    "question_group",
    "question_id",
    "question_text",
    "question_type",
    "answer_text",
    "score",
    "nps_score",
    "free_text",
    "marked_na",
    "system_marked_na",
)

# Quality casing (reference section 6), plus the evaluation states (section 7).
_STATUSES = (
    "Finished",
    "Sent",
    "InProgress",
    "Pending",
    "Expired",
    "OptOut",
    "Error",
    "InReview",
    "Retracted",
)
_STATUS_BY_KEY = {status.casefold(): status for status in _STATUSES}
_TRANSFER_DISCONNECTS = frozenset({"transfer", "consultTransfer", "forwardTransfer"})
_NEVER = datetime.min.replace(tzinfo=UTC)


def normalize_status(status: str | None) -> str | None:
    """`FINISHED`, `finished` or `in_progress` -> the Quality casing (`InProgress`)."""
    if not status:
        return None
    key = status.replace("_", "").casefold()
    return _STATUS_BY_KEY.get(key, status)


# Interactions


def interaction_row(conversation: Json, *, include_pii: bool = False) -> Row:
    """One interaction row from an analytics conversation."""
    agent_id, queue_id = credited_agent(conversation)
    start = parse_instant(conversation.get("conversationStart"))
    end = parse_instant(conversation.get("conversationEnd"))
    row: Row = {
        "conversation_id": conversation.get("conversationId"),
        "conversation_start": start,
        "conversation_end": end,
        "duration_s": (end - start).total_seconds() if start and end else None,
        "direction": conversation.get("originatingDirection"),
        "media_type": media_type(conversation, agent_id),
        "agent_id": agent_id,
        "queue_id": queue_id,
        "agent_ids": _joined(agent_ids(conversation)),
        "wrapup_code_id": wrapup_code_id(conversation, agent_id),
        "transfer_count": transfer_count(conversation),
        "division_ids": _joined(conversation.get("divisionIds") or []),
    }
    if include_pii:
        row.update(_customer_contact(conversation))
    return row


def credited_agent(conversation: Json) -> tuple[str | None, str | None]:
    """The agent and queue a conversation is credited to.

    The survey's own `userId`/`queueId` when there is one; otherwise the agent
    whose last segment comes last, with the queue of that segment.
    """
    for survey in conversation.get("surveys") or []:
        if survey.get("userId"):
            return survey["userId"], survey.get("queueId")
    last_segment: Json | None = None
    last_agent: str | None = None
    for participant in _agents(conversation):
        for segment in _segments(participant):
            if last_segment is None or _started(segment) >= _started(last_segment):
                last_segment, last_agent = segment, participant.get("userId")
    queue = _last_queue(conversation, last_agent)
    return last_agent, queue


def agent_ids(conversation: Json) -> list[str]:
    """Every agent's user id, in order of first appearance."""
    first_seen: dict[str, tuple[datetime, int]] = {}
    for index, participant in enumerate(_agents(conversation)):
        user_id = participant.get("userId")
        if not user_id:
            continue
        starts = [_started(s) for s in _segments(participant)]
        seen = (min(starts, default=_NEVER), index)
        first_seen[user_id] = min(first_seen.get(user_id, seen), seen)
    return sorted(first_seen, key=lambda user_id: first_seen[user_id])


def media_type(conversation: Json, agent_id: str | None) -> str | None:
    """The media type of the agent's session, else of the customer's."""
    for participant in reversed(list(_agents(conversation))):
        if agent_id and participant.get("userId") == agent_id:
            found = _first_media(reversed(participant.get("sessions") or []))
            if found:
                return found
    for participant in conversation.get("participants") or []:
        if participant.get("purpose") == "customer":
            found = _first_media(participant.get("sessions") or [])
            if found:
                return found
    return None


def wrapup_code_id(conversation: Json, agent_id: str | None) -> str | None:
    """The wrap-up code id of the agent's last wrap-up segment."""
    if not agent_id:
        return None
    wrapups = [
        segment
        for participant in _agents(conversation)
        if participant.get("userId") == agent_id
        for segment in _segments(participant)
        if segment.get("segmentType") == "wrapup" and segment.get("wrapUpCode")
    ]
    if not wrapups:
        return None
    return str(max(wrapups, key=_started)["wrapUpCode"])


def transfer_count(conversation: Json) -> int:
    """Transfers from the `nTransferred` metrics, else from agents' disconnects."""
    counted = [
        int(metric.get("value") or 0)
        for participant in conversation.get("participants") or []
        for session in participant.get("sessions") or []
        for metric in session.get("metrics") or []
        if metric.get("name") == "nTransferred"
    ]
    if counted:
        return sum(counted)
    # An ACD participant's segment also ends in "transfer" when it hands the call
    # to an agent, so only agents' disconnects count.
    return sum(
        1
        for participant in _agents(conversation)
        for segment in _segments(participant)
        if segment.get("disconnectType") in _TRANSFER_DISCONNECTS
    )


def _customer_contact(conversation: Json) -> Row:
    customer: Json = next(
        (
            p
            for p in conversation.get("participants") or []
            if p.get("purpose") == "customer"
        ),
        {},
    )
    address = None
    for session in customer.get("sessions") or []:
        address = _session_address(session)
        if address:
            break
    return {
        "customer_name": customer.get("participantName"),
        "customer_address": address,
    }


def _session_address(session: Json) -> str | None:
    if session.get("direction") == "outbound":
        return session.get("dnis") or session.get("addressTo")
    return session.get("ani") or session.get("addressFrom")


def _agents(conversation: Json) -> Iterator[Json]:
    for participant in conversation.get("participants") or []:
        if participant.get("purpose") == "agent":
            yield participant


def _segments(participant: Json) -> Iterator[Json]:
    for session in participant.get("sessions") or []:
        yield from session.get("segments") or []


def _started(segment: Json) -> datetime:
    return parse_instant(segment.get("segmentStart")) or _NEVER


def _last_queue(conversation: Json, agent_id: str | None) -> str | None:
    queued = [
        segment
        for participant in _agents(conversation)
        if participant.get("userId") == agent_id
        for segment in _segments(participant)
        if segment.get("queueId")
    ]
    return str(max(queued, key=_started)["queueId"]) if queued else None


def _first_media(sessions: Iterable[Json]) -> str | None:
    return next((s["mediaType"] for s in sessions if s.get("mediaType")), None)


def _joined(values: Iterable[str]) -> str | None:
    return ";".join(values) or None


# Survey responses


def survey_rows(conversation: Json, context_id: str) -> list[Row]:
    """Response rows for the conversation's surveys of the form `context_id`.

    The CSAT fields stay empty until `apply_survey_answers` fills them.
    """
    rows: dict[str, Row] = {}
    wanted = context_id.casefold()
    for survey in conversation.get("surveys") or []:
        if str(survey.get("surveyFormContextId") or "").casefold() != wanted:
            continue
        row = _survey_row(conversation, survey)
        rows.setdefault(row["survey_id"], row)
    return list(rows.values())


def _survey_row(conversation: Json, survey: Json) -> Row:
    agent_id = survey.get("userId")
    return _blank_response(conversation) | {
        "survey_id": survey.get("surveyId"),
        "survey_status": normalize_status(survey.get("surveyStatus")),
        "survey_completed": parse_instant(survey.get("surveyCompletedDate")),
        "agent_id": agent_id,
        "queue_id": survey.get("queueId"),
        "media_type": media_type(conversation, agent_id),
        "nps_score": _int_or_none(survey.get("surveyPromoterScore")),
        "survey_form_id": survey.get("surveyFormId"),
        "survey_form_context_id": survey.get("surveyFormContextId"),
        "survey_form_name": survey.get("surveyFormName"),
        "total_score": _float_or_none(survey.get("oSurveyTotalScore")),
        "partial": bool(survey.get("surveyPartialResponse", False)),
        "source": "survey",
    }


def _blank_response(conversation: Json) -> Row:
    row: Row = dict.fromkeys(RESPONSE_COLUMNS)
    row["conversation_id"] = conversation.get("conversationId")
    row["conversation_start"] = parse_instant(conversation.get("conversationStart"))
    return row


def apply_survey_answers(
    row: Row, survey: Json, version: FormVersion
) -> tuple[Row, list[Row]]:
    """Fill a response row from its Quality `Survey`; return it and its answer rows.

    `version` is the form version the survey was answered on. The CSAT score is
    the value of the chosen answer option; N/A and unanswered stay None, and only
    a finished survey carries one.
    """
    updated = dict(row) | _survey_facts(row, survey)
    scores = _question_scores(survey.get("answers") or {})
    finished = updated["survey_status"] == "Finished"
    updated |= _scale_facts(version, scores, finished)
    updated |= _nps_facts(updated, survey.get("answers") or {}, scores, version)
    updated["comment"] = _comment(scores, version)
    answers = _answer_rows(str(updated["survey_id"]), survey.get("answers"), version)
    return updated, answers


def _survey_facts(row: Row, survey: Json) -> Row:
    errors = survey.get("surveyErrorDetails") or {}
    status = normalize_status(survey.get("status")) or row.get("survey_status")
    completed = parse_instant(survey.get("completedDate"))
    partial = row.get("partial")
    if partial is None:
        partial = bool(survey.get("missingRequiredAnswer"))
    return _credit_and_form(row, survey, survey.get("surveyForm")) | {
        "survey_id": row.get("survey_id") or survey.get("id"),
        "survey_status": status,
        "survey_completed": completed or row.get("survey_completed"),
        "total_score": _total_score(row, survey.get("answers")),
        "partial": partial,
        "error_reason": errors.get("surveyErrorReason") or row.get("error_reason"),
        "source": row.get("source") or "survey",
    }


def _credit_and_form(row: Row, quality: Json, form: Json | None) -> Row:
    """Credit as the details record gave it; the form version as the answers say."""
    form = form or {}
    agent = quality.get("agent") or {}
    queue = quality.get("queue") or {}
    return {
        "agent_id": row.get("agent_id") or agent.get("id"),
        "queue_id": row.get("queue_id") or queue.get("id"),
        "survey_form_id": form.get("id") or row.get("survey_form_id"),
        "survey_form_context_id": form.get("contextId")
        or row.get("survey_form_context_id"),
        "survey_form_name": form.get("name") or row.get("survey_form_name"),
    }


def _total_score(row: Row, answers: Json | None) -> float | None:
    total = (answers or {}).get("totalScore")
    return float(total) if total is not None else row.get("total_score")


def _question_scores(answers: Json) -> dict[str, Json]:
    return {
        str(score.get("questionId")): score
        for group in answers.get("questionGroupScores") or []
        for score in group.get("questionScores") or []
    }


def _scale_facts(
    version: FormVersion, scores: Mapping[str, Json], finished: bool
) -> Row:
    value = _chosen_value(scores.get(version.csat_question_id or ""), version)
    if not finished:
        value = None
    return {
        "csat_score": value,
        "csat_top2": None if value is None else value in version.top_two(),
        "csat_scale_min": min(version.scale) if version.scale else None,
        "csat_scale_max": max(version.scale) if version.scale else None,
    }


def _chosen_value(score: Json | None, version: FormVersion) -> int | None:
    """The answer option value chosen for a question, or None for N/A."""
    if score is None or score.get("markedNA") or score.get("systemMarkedNA"):
        return None
    question = version.questions.get(str(score.get("questionId")))
    answer_id = score.get("answerId")
    if question is not None and answer_id in question.answer_values:
        return question.answer_values[answer_id]
    return _int_or_none(score.get("score"))


def _nps_facts(
    row: Row, answers: Json, scores: Mapping[str, Json], version: FormVersion
) -> Row:
    score = scores.get(version.nps_question_id or "")
    if score is not None:
        return {
            "nps_score": _int_or_none(score.get("npsScore")),
            "nps_comment": score.get("npsTextAnswer") or None,
        }
    if answers.get("npsScore") is not None:
        return {"nps_score": _int_or_none(answers.get("npsScore"))}
    return {"nps_score": row.get("nps_score")}


def _comment(scores: Mapping[str, Json], version: FormVersion) -> str | None:
    texts = [
        str(scores[question_id]["freeTextAnswer"])
        for question_id in version.free_text_question_ids
        if question_id in scores and scores[question_id].get("freeTextAnswer")
    ]
    return "\n\n".join(texts) or None


def _answer_rows(
    survey_id: str, answers: Json | None, version: FormVersion
) -> list[Row]:
    rows: list[Row] = []
    for group in (answers or {}).get("questionGroupScores") or []:
        for score in group.get("questionScores") or []:
            rows.append(_answer_row(survey_id, score, version))
    return rows


def _answer_row(survey_id: str, score: Json, version: FormVersion) -> Row:
    question_id = str(score.get("questionId") or "")
    question = version.questions.get(question_id)
    answer_id = score.get("answerId")
    free_text = score.get("freeTextAnswer") or score.get("npsTextAnswer")
    return {
        "survey_id": survey_id,
        "question_group": question.group_name if question else None,
        "question_id": question_id,
        "question_text": question.text if question else None,
        "question_type": question.type if question else None,
        "answer_text": question.answer_texts.get(str(answer_id)) if question else None,
        "score": _int_or_none(score.get("score")),
        "nps_score": _int_or_none(score.get("npsScore")),
        # Evaluations keep the evaluator's note on a question in `comments`.
        "free_text": free_text or score.get("comments") or None,
        "marked_na": score.get("markedNA"),
        "system_marked_na": score.get("systemMarkedNA"),
    }


# Evaluations (the "scorecard" source)


def evaluation_rows(conversation: Json, context_id: str) -> list[Row]:
    """Response rows for the conversation's evaluations on the form `context_id`."""
    rows: dict[str, Row] = {}
    wanted = context_id.casefold()
    for evaluation in conversation.get("evaluations") or []:
        if str(evaluation.get("contextId") or "").casefold() != wanted:
            continue
        row = _evaluation_row(conversation, evaluation)
        rows.setdefault(row["survey_id"], row)
    return list(rows.values())


def _evaluation_row(conversation: Json, evaluation: Json) -> Row:
    agent_id = evaluation.get("userId")
    status = normalize_status(evaluation.get("evaluationStatus"))
    completed = evaluation.get("eventTime") if status == "Finished" else None
    return _blank_response(conversation) | {
        "survey_id": evaluation.get("evaluationId"),
        "survey_status": status,
        "survey_completed": parse_instant(completed),
        "agent_id": agent_id,
        "queue_id": evaluation.get("queueId"),
        "media_type": media_type(conversation, agent_id),
        "survey_form_id": evaluation.get("formId"),
        "survey_form_context_id": evaluation.get("contextId"),
        "survey_form_name": evaluation.get("formName"),
        "total_score": _float_or_none(evaluation.get("oTotalScore")),
        "partial": False,
        "source": "evaluation",
    }


def apply_evaluation_answers(
    row: Row, evaluation: Json, version: FormVersion
) -> tuple[Row, list[Row]]:
    """Fill an evaluation row from its Quality `Evaluation`, as for surveys."""
    answers = evaluation.get("answers") or {}
    updated = dict(row) | _evaluation_facts(row, evaluation)
    scores = _question_scores(answers)
    finished = updated["survey_status"] == "Finished"
    updated |= _scale_facts(version, scores, finished)
    updated |= _nps_facts(updated, {}, scores, version)
    updated["comment"] = _comment(scores, version) or answers.get("comments") or None
    answer_rows = _answer_rows(str(updated["survey_id"]), answers, version)
    return updated, answer_rows


def _evaluation_facts(row: Row, evaluation: Json) -> Row:
    status = normalize_status(evaluation.get("status")) or row.get("survey_status")
    completed = parse_instant(evaluation.get("submittedDate"))
    return _credit_and_form(row, evaluation, evaluation.get("evaluationForm")) | {
        "survey_id": row.get("survey_id") or evaluation.get("id"),
        "survey_status": status,
        "survey_completed": completed or row.get("survey_completed"),
        "total_score": _total_score(row, evaluation.get("answers")),
        "partial": bool(row.get("partial")),
        "source": "evaluation",
    }


def _int_or_none(value: Any) -> int | None:
    return None if value is None else int(value)


def _float_or_none(value: Any) -> float | None:
    return None if value is None else float(value)
