"""The compact rows the org keeps for every conversation and survey.

They hold what filtering, paging and aggregates need, as of the org's clock;
the wire JSON is rendered from the plans only when asked for.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class ConversationRecord:
    """One conversation as of the org's clock."""

    conversation_id: str
    start: datetime
    end: datetime | None  # None while the conversation is still running
    division_ids: tuple[str, ...]
    media_type: str
    direction: str
    user_ids: tuple[str, ...]  # agents, in order of first appearance
    queue_ids: tuple[str, ...]  # in order of first appearance
    wrapup_code_ids: tuple[str, ...]  # in order of first appearance
    survey_ids: tuple[str, ...]  # surveys created so far
    evaluation_ids: tuple[str, ...] = ()  # evaluations assigned so far


@dataclass(frozen=True, slots=True)
class SurveyRecord:
    """One survey as of the org's clock (analytics facts and scores)."""

    survey_id: str
    conversation_id: str
    status: str  # Quality casing: Finished, Sent, InProgress, ...
    event_time: datetime  # time of the latest survey event
    completed: datetime | None  # only when finished
    form_id: str  # the version answered on
    form_context_id: str
    form_name: str
    user_id: str  # credited agent: the last of the conversation
    queue_id: str  # credited queue: the last of the conversation
    media_type: str
    division_ids: tuple[str, ...]
    wrapup_code_id: str | None  # the credited agent's wrap-up code
    nps_score: int | None
    total_score: float | None
    partial: bool
    error_reason: str | None
    survey_type: str  # Web or Voice
    csat_score: int | None  # answer to the form's rating question
    answered_question_ids: tuple[str, ...]
