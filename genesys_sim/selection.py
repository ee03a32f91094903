"""Which conversations a details query or job returns, and in what order.

Two interval rules (genesys-api.md sections 7 and 8):

* the sync query takes every conversation that *started* on a UTC day the
  interval touches;
* an async job takes every conversation *active* at some point in the interval,
  and only what the datalake holds: conversations that ended before the data
  availability date.

Filters come in four kinds, each evaluated on its own rows: the conversation
(one row), its surveys, its segments (participant, session and segment fields
merged) and its evaluations. Conversation and survey rows come from the org's
records; segment and evaluation rows, and conversation dimensions the records do
not carry, are read from the conversation's JSON only when a filter needs them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from genesys_sim.filters import Filter, FilterError, Row, any_row_matches, parse_filters
from genesys_sim.index import OrgIndex, WireDict, is_visible
from genesys_sim.intervals import (
    Interval,
    parse_instant,
    utc_day_floor,
    utc_days_touched,
)

if TYPE_CHECKING:
    from genesys_sim.org import ConversationRecord, SurveyRecord

# A conversation active in a job's interval may have started this long before it.
LONGEST_CONVERSATION = timedelta(days=2)

CONVERSATION_DIMENSIONS = frozenset(
    {
        "conversationId",
        "conversationStart",
        "conversationEnd",
        "divisionId",
        "originatingDirection",
        "conversationInitiator",
        "customerParticipation",
        "externalTag",
        "mediaStatsMinConversationMos",
    }
)
SURVEY_DIMENSIONS = frozenset(
    {
        "surveyFormContextId",
        "surveyFormId",
        "surveyFormName",
        "surveyStatus",
        "surveyId",
        "surveyType",
        "userId",
        "queueId",
        "surveyCompletedDate",
        "surveyPartialResponse",
        "surveyPromoterScore",
        "eventTime",
        "oSurveyTotalScore",
    }
)
SEGMENT_DIMENSIONS = frozenset(
    {
        "userId",
        "queueId",
        "mediaType",
        "direction",
        "wrapUpCode",
        "purpose",
        "segmentType",
        "disconnectType",
        "messageType",
        "ani",
        "dnis",
        "teamId",
        "participantId",
        "sessionId",
        "segmentStart",
        "segmentEnd",
    }
)
EVALUATION_DIMENSIONS = frozenset(
    {
        "formId",
        "contextId",
        "formName",
        "evaluationId",
        "evaluationStatus",
        "userId",
        "evaluatorId",
        "assigneeId",
        "queueId",
        "eventTime",
        "released",
        "rescored",
        "deleted",
        "oTotalScore",
        "oTotalCriticalScore",
    }
)
FILTER_FIELDS = {
    "conversationFilters": CONVERSATION_DIMENSIONS,
    "surveyFilters": SURVEY_DIMENSIONS,
    "segmentFilters": SEGMENT_DIMENSIONS,
    "evaluationFilters": EVALUATION_DIMENSIONS,
}
DATETIME_KEYS = frozenset(
    {"conversationStart", "conversationEnd", "segmentStart", "segmentEnd", "eventTime"}
)
_RECORD_SEGMENT_FACTS: dict[str, Callable[[ConversationRecord], Sequence[str]]] = {
    "userId": lambda record: record.user_ids,
    "queueId": lambda record: record.queue_ids,
    "wrapUpCode": lambda record: record.wrapup_code_ids,
    "mediaType": lambda record: (record.media_type,),
}
ORDERS = frozenset({"asc", "desc", "unordered"})
ORDER_BYS = frozenset(
    {"conversationStart", "conversationEnd", "segmentStart", "segmentEnd"}
)


@dataclass(frozen=True)
class QueryFilters:
    """The four filter lists of a details query or job."""

    conversation: list[Filter] = field(default_factory=list)
    survey: list[Filter] = field(default_factory=list)
    segment: list[Filter] = field(default_factory=list)
    evaluation: list[Filter] = field(default_factory=list)

    def any(self) -> bool:
        """Whether any filter list is non-empty (it lifts the interval limit)."""
        return bool(self.conversation or self.survey or self.segment or self.evaluation)


def parse_query_filters(body: Mapping[str, Any]) -> QueryFilters:
    """The filter lists of a query body; `resolutionFilters` are refused."""
    if body.get("resolutionFilters"):
        raise FilterError("resolutionFilters are not supported by this simulator")
    parsed = {
        name: parse_filters(body.get(name), name, dims)
        for name, dims in FILTER_FIELDS.items()
    }
    return QueryFilters(
        conversation=parsed["conversationFilters"],
        survey=parsed["surveyFilters"],
        segment=parsed["segmentFilters"],
        evaluation=parsed["evaluationFilters"],
    )


def parse_order(body: Mapping[str, Any]) -> tuple[str, str]:
    """`order` and `orderBy`, defaulting to ascending conversation start."""
    order = body.get("order") or "asc"
    order_by = body.get("orderBy") or "conversationStart"
    if order not in ORDERS:
        raise FilterError(f"Invalid order: {order!r}")
    if order_by not in ORDER_BYS:
        raise FilterError(f"Invalid orderBy: {order_by!r}")
    return str(order), str(order_by)


class Selector:
    """Selects conversation records of one org for queries and jobs."""

    def __init__(self, index: OrgIndex) -> None:
        self.index = index

    def started_on_touched_days(self, interval: Interval) -> list[ConversationRecord]:
        """The sync query's candidates: started on a UTC day the interval touches."""
        days = utc_days_touched(interval)
        return self.index.org.conversations_between(days.start, days.end)

    def active_during(
        self, interval: Interval, available_until: datetime, start_of_day: bool = False
    ) -> list[ConversationRecord]:
        """A job's candidates: active in the interval and already in the datalake."""
        earliest = utc_day_floor(interval.start) if start_of_day else None
        records = self.index.org.conversations_between(
            interval.start - LONGEST_CONVERSATION, interval.end
        )
        return [
            record
            for record in records
            if record.end is not None
            and record.end > interval.start
            and record.end <= available_until
            and (earliest is None or record.start >= earliest)
        ]

    def select(
        self,
        records: Iterable[ConversationRecord],
        filters: QueryFilters,
        visible: frozenset[str] | None,
    ) -> Iterator[ConversationRecord]:
        """The visible records that pass every filter."""
        for record in records:
            if is_visible(record.division_ids, visible) and self._passes(
                record, filters
            ):
                yield record

    def _passes(self, record: ConversationRecord, filters: QueryFilters) -> bool:
        if filters.conversation:
            rows = [self._conversation_row(record, filters.conversation)]
            if not _all_match(filters.conversation, rows):
                return False
        if filters.survey and not _all_match(filters.survey, self._survey_rows(record)):
            return False
        if not all(_may_match_segments(record, flt) for flt in filters.segment):
            return False
        if filters.segment or filters.evaluation:
            wire = self.index.conversation_json(record.conversation_id)
            return _all_match(filters.segment, segment_rows(wire)) and _all_match(
                filters.evaluation, _dict_rows(wire.get("evaluations"))
            )
        return True

    def _conversation_row(self, record: ConversationRecord, flts: list[Filter]) -> Row:
        row: dict[str, object] = {
            "conversationId": record.conversation_id,
            "conversationStart": record.start,
            "conversationEnd": record.end,
            "divisionId": list(record.division_ids),
        }
        if _dimensions(flts) - row.keys():
            wire = self.index.conversation_json(record.conversation_id)
            row.update({key: value for key, value in wire.items() if key not in row})
        return row

    def _survey_rows(self, record: ConversationRecord) -> list[Row]:
        surveys = (self.index.survey_record(sid) for sid in record.survey_ids)
        return [survey_row(survey) for survey in surveys if survey is not None]


def order_records(
    records: list[ConversationRecord], order: str, order_by: str
) -> list[ConversationRecord]:
    """Records in the query's order; ties by conversation id, open ends last."""
    if order == "unordered":
        return records
    by_end = order_by in ("conversationEnd", "segmentEnd")

    def key(record: ConversationRecord) -> tuple[bool, datetime, str]:
        moment = record.end if by_end else record.start
        return (moment is None, moment or record.start, record.conversation_id)

    ordered = sorted(records, key=key)
    return ordered[::-1] if order == "desc" else ordered


def survey_row(survey: SurveyRecord) -> Row:
    """The filterable dimensions of one survey."""
    return {
        "surveyId": survey.survey_id,
        "surveyFormId": survey.form_id,
        "surveyFormContextId": survey.form_context_id,
        "surveyFormName": survey.form_name,
        "surveyStatus": survey.status,
        "surveyType": survey.survey_type,
        "surveyPromoterScore": survey.nps_score,
        "surveyPartialResponse": survey.partial,
        "surveyCompletedDate": survey.completed,
        "eventTime": survey.event_time,
        "userId": survey.user_id,
        "queueId": survey.queue_id,
        "oSurveyTotalScore": survey.total_score,
    }


def segment_rows(wire: WireDict) -> list[Row]:
    """One row per segment: its participant's, session's and own scalar fields."""
    rows: list[Row] = []
    for participant in _dicts(wire.get("participants")):
        for session in _dicts(participant.get("sessions")):
            outer = {**_scalars(participant), **_scalars(session)}
            rows += [
                {**outer, **_scalars(seg)} for seg in _dicts(session.get("segments"))
            ]
    return rows


def _dict_rows(items: object) -> list[Row]:
    return [_scalars(item) for item in _dicts(items)]


def _dicts(items: object) -> list[dict[str, Any]]:
    if not isinstance(items, list):
        return []
    return [item for item in items if isinstance(item, dict)]


def _scalars(item: Mapping[str, Any]) -> dict[str, object]:
    return {
        key: _instant_or_value(key, value)
        for key, value in item.items()
        if not isinstance(value, dict | list)
    }


def _instant_or_value(key: str, value: object) -> object:
    if key in DATETIME_KEYS and isinstance(value, str):
        return parse_instant(value)
    return value


def _may_match_segments(record: ConversationRecord, flt: Filter) -> bool:
    """False when the record alone proves no segment can satisfy `flt`.

    Only an `and` filter's plain `matches` predicates are checked, on the ids the
    record keeps, so that most conversations are ruled out without rendering.
    """
    if flt.type != "and":
        return True
    for predicate in flt.predicates:
        facts = _RECORD_SEGMENT_FACTS.get(predicate.dimension)
        plain = predicate.operator == "matches" and predicate.range is None
        if facts is not None and plain and predicate.value not in facts(record):
            return False
    return True


def _all_match(flts: list[Filter], rows: list[Row]) -> bool:
    return all(any_row_matches(flt, rows) for flt in flts)


def _dimensions(flts: Iterable[Filter]) -> set[str]:
    names: set[str] = set()
    for flt in flts:
        names.update(p.dimension for p in flt.predicates)
        names |= _dimensions(flt.clauses)
    return names
