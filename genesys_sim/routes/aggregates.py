"""POST /api/v2/analytics/surveys/aggregates/query (reference section 9).

Surveys are placed in time by `eventTime` (the time of their latest event), cut
into `granularity` buckets whose boundaries follow `timeZone`, grouped by the
`groupBy` dimensions, and counted. `n*` metrics fill `count`; `oSurveyTotalScore`
fills `count`, `sum`, `min` and `max`. Buckets and metrics with nothing to count
are left out, and so is `results` when no group has data. The funnel follows the
project's metric definitions: "sent" is every status but `Pending` and `Error`,
and `nSurveysAbandoned` counts surveys the customer opted out of.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from genesys_sim.errors import bad_request
from genesys_sim.filters import Filter, FilterError, Row, matches, parse_filter
from genesys_sim.index import is_visible
from genesys_sim.intervals import (
    Interval,
    IntervalError,
    Period,
    buckets,
    parse_period,
    parse_zone,
)
from genesys_sim.routes.common import (
    WireDict,
    json_body,
    json_response,
    requires,
    state_of,
)
from genesys_sim.routes.details import parse_interval_field
from genesys_sim.selection import survey_row

if TYPE_CHECKING:
    from genesys_sim.org import SurveyRecord

SURVEY_AGGREGATE_VIEW = "analytics:surveyAggregate:view"
_NOT_SENT = frozenset({"pending", "error"})

COUNTERS: dict[str, Callable[[SurveyRecord], bool]] = {
    "nSurveysSent": lambda s: s.status.lower() not in _NOT_SENT,
    "nSurveyResponses": lambda s: s.status.lower() == "finished",
    "nSurveyFullResponses": lambda s: s.status.lower() == "finished" and not s.partial,
    "nSurveyPartialResponses": lambda s: (
        s.status.lower() == "finished" and bool(s.partial)
    ),
    "nSurveysExpired": lambda s: s.status.lower() == "expired",
    "nSurveyErrors": lambda s: s.status.lower() == "error",
    "nSurveysAbandoned": lambda s: s.status.lower() == "optout",
    "nSurveysStarted": lambda s: s.status.lower() in ("inprogress", "finished"),
    "nSurveyNpsResponses": lambda s: s.nps_score is not None,
    "nSurveyNpsPromoters": lambda s: s.nps_score is not None and s.nps_score >= 9,
    "nSurveyNpsDetractors": lambda s: s.nps_score is not None and s.nps_score <= 6,
    "nVoiceSurveys": lambda s: s.survey_type == "Voice",
    "nWebSurveys": lambda s: s.survey_type == "Web",
}
SCORES: dict[str, Callable[[SurveyRecord], float | None]] = {
    "oSurveyTotalScore": lambda s: s.total_score,
}
GROUPS: dict[str, Callable[[SurveyRecord], object]] = {
    "conversationId": lambda s: s.conversation_id,
    "divisionId": lambda s: list(s.division_ids),
    "mediaType": lambda s: s.media_type,
    "queueId": lambda s: s.queue_id,
    "surveyErrorReason": lambda s: s.error_reason,
    "surveyFormContextId": lambda s: s.form_context_id,
    "surveyFormId": lambda s: s.form_id,
    "surveyFormName": lambda s: s.form_name,
    "surveyId": lambda s: s.survey_id,
    "surveyPartialResponse": lambda s: s.partial,
    "surveyPromoterScore": lambda s: s.nps_score,
    "surveyStatus": lambda s: s.status,
    "surveyType": lambda s: s.survey_type,
    "userId": lambda s: s.user_id,
    "wrapUpCode": lambda s: s.wrapup_code_id,
}
GroupKey = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class AggregateQuery:
    """A parsed aggregates query."""

    interval: Interval
    buckets: list[Interval]
    group_by: list[str]
    metrics: list[str]
    filter: Filter | None


def parse_aggregate_query(body: Mapping[str, Any]) -> AggregateQuery:
    """Every field the simulator reads, checked; anything else is a 400."""
    interval = parse_interval_field(body)
    metrics = _names(body.get("metrics"), "metrics", COUNTERS.keys() | SCORES.keys())
    if not metrics:
        raise bad_request("At least one metric is required")
    group_by = _names(body.get("groupBy"), "groupBy", GROUPS.keys())
    try:
        zone = parse_zone(str(body.get("timeZone") or "UTC"))
        period = _period(body.get("granularity"))
        flt = _filter(body.get("filter"))
    except (IntervalError, FilterError) as exc:
        raise bad_request(str(exc), "invalid.value") from exc
    return AggregateQuery(
        interval, buckets(interval, period, zone), group_by, metrics, flt
    )


def _names(raw: object, field: str, allowed: Iterable[str]) -> list[str]:
    if raw is None:
        return []
    if not isinstance(raw, list) or not all(isinstance(name, str) for name in raw):
        raise bad_request(f"{field} must be a list of names")
    unknown = [name for name in raw if name not in set(allowed)]
    if unknown:
        raise bad_request(f"Unsupported {field}: {', '.join(unknown)}", "invalid.value")
    return list(raw)


def _period(raw: object) -> Period | None:
    return parse_period(str(raw)) if raw else None


def _filter(raw: object) -> Filter | None:
    dimensions = GROUPS.keys() | {
        "surveyCompletedDate",
        "eventTime",
        "surveyCreatedDate",
    }
    return parse_filter(raw, "filter", dimensions) if raw else None


def aggregate(query: AggregateQuery, surveys: Iterable[SurveyRecord]) -> list[WireDict]:
    """The `results` of a query over the surveys of its interval."""
    cells: dict[GroupKey, dict[int, list[SurveyRecord]]] = defaultdict(
        lambda: defaultdict(list)
    )
    starts = [bucket.start for bucket in query.buckets]
    for survey in surveys:
        if query.filter is not None and not matches(query.filter, _filter_row(survey)):
            continue
        slot = _bucket_of(starts, survey)
        for key in _group_keys(survey, query.group_by):
            cells[key][slot].append(survey)
    return [_result(key, cells[key], query) for key in sorted(cells)]


def _filter_row(survey: SurveyRecord) -> Row:
    row = dict(survey_row(survey))
    row.update({name: pick(survey) for name, pick in GROUPS.items()})
    return row


def _bucket_of(starts: list[datetime], survey: SurveyRecord) -> int:
    return max(bisect.bisect_right(starts, survey.event_time) - 1, 0)


def _group_keys(survey: SurveyRecord, group_by: list[str]) -> list[GroupKey]:
    keys: list[GroupKey] = [()]
    for name in group_by:
        value = GROUPS[name](survey)
        values = value if isinstance(value, list) else [value]
        present = [_group_value(v) for v in values if v is not None]
        keys = [(*key, (name, v)) for key in keys for v in present] if present else keys
    return keys


def _group_value(value: object) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def _result(
    key: GroupKey, slots: Mapping[int, list[SurveyRecord]], query: AggregateQuery
) -> WireDict:
    data = []
    for slot in sorted(slots):
        metrics = [
            m for m in (_metric(name, slots[slot]) for name in query.metrics) if m
        ]
        if metrics:
            data.append({"interval": query.buckets[slot].wire(), "metrics": metrics})
    return {"group": dict(key), "data": data}


def _metric(name: str, surveys: list[SurveyRecord]) -> WireDict | None:
    if name in COUNTERS:
        count = sum(1 for survey in surveys if COUNTERS[name](survey))
        return {"metric": name, "stats": {"count": count}} if count else None
    scores = [score for score in map(SCORES[name], surveys) if score is not None]
    if not scores:
        return None
    stats = {
        "max": max(scores),
        "min": min(scores),
        "count": len(scores),
        "sum": sum(scores),
    }
    return {
        "metric": name,
        "stats": {k: float(v) if k != "count" else v for k, v in stats.items()},
    }


@requires(SURVEY_AGGREGATE_VIEW)
async def query_aggregates(request: Request) -> Response:
    """Counts and score statistics of surveys, by group and time bucket."""
    state = state_of(request)
    query = parse_aggregate_query(await json_body(request))
    visible = state.visible_divisions()
    surveys = state.index.surveys_between(query.interval.start, query.interval.end)
    surveys = [s for s in surveys if is_visible(s.division_ids, visible)]
    results = [r for r in aggregate(query, surveys) if r["data"]]
    return json_response({"results": results} if results else {})


ROUTES = [
    Route(
        "/api/v2/analytics/surveys/aggregates/query", query_aggregates, methods=["POST"]
    )
]
