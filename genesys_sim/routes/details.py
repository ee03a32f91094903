"""The sync conversation details query, and conversations by id (section 7).

POST /api/v2/analytics/conversations/details/query selects and pages;
GET /api/v2/analytics/conversations/details?id= and GET
/api/v2/analytics/conversations/{conversationId}/details read by id.

Limits, each a setting: `pageSize` at most 100 (default 25); an interval of at
most 7 days, or 31 when any filter list is non-empty; `pageSize x pageNumber` at
most 100,000. The matching ids of a query (paging left out) are cached, so paging
through a large window selects once. A page past the last has no `conversations`
key, only `totalHits`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeGuard

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from genesys_sim.errors import bad_request, not_found
from genesys_sim.filters import FilterError
from genesys_sim.index import is_visible
from genesys_sim.intervals import Interval, IntervalError, parse_interval
from genesys_sim.routes.common import (
    WireDict,
    json_body,
    json_response,
    list_param,
    requires,
    state_of,
)
from genesys_sim.selection import (
    QueryFilters,
    order_records,
    parse_order,
    parse_query_filters,
)
from genesys_sim.settings import Limits
from genesys_sim.state import SimState

CONVERSATION_DETAIL_VIEW = "analytics:conversationDetail:view"
AGENT_CONVERSATION_DETAIL_VIEW = "analytics:agentConversationDetail:view"
DETAILS_PATH = "/api/v2/analytics/conversations/details/query"


@dataclass(frozen=True)
class DetailsQuery:
    """A parsed query: what to select, how to order it, which page to return."""

    interval: Interval
    filters: QueryFilters
    order: str
    order_by: str
    page_size: int
    page_number: int


def parse_interval_field(body: Mapping[str, Any]) -> Interval:
    """The required `interval` of a query body, or a 400."""
    if "interval" not in body:
        raise bad_request("The interval is required")
    try:
        return parse_interval(body["interval"])
    except IntervalError as exc:
        raise bad_request(str(exc), "invalid.date") from exc


def parse_selection(body: Mapping[str, Any]) -> tuple[QueryFilters, str, str]:
    """Filters and order of a query or job body, or a 400."""
    try:
        return (parse_query_filters(body), *parse_order(body))
    except FilterError as exc:
        raise bad_request(str(exc), "invalid.value") from exc


def parse_details_query(body: Mapping[str, Any], limits: Limits) -> DetailsQuery:
    """Every check of the sync query, in the order the service reports them."""
    if body.get("aggregations"):
        raise bad_request("aggregations are not supported by this simulator")
    interval = parse_interval_field(body)
    filters, order, order_by = parse_selection(body)
    _check_interval(interval, filters.any(), limits)
    size, number = _paging(body.get("paging"), limits)
    return DetailsQuery(interval, filters, order, order_by, size, number)


def _check_interval(interval: Interval, filtered: bool, limits: Limits) -> None:
    days = (
        limits.details_max_interval_days_filtered
        if filtered
        else limits.details_max_interval_days_unfiltered
    )
    if interval.days > days:
        raise bad_request(
            "You must specify a search interval as part of your query that does not "
            f"exceed {days} days"
        )


def _paging(raw: object, limits: Limits) -> tuple[int, int]:
    if raw is None:
        return limits.details_default_page_size, 1
    if not isinstance(raw, Mapping):
        raise bad_request("paging must be an object with pageSize and pageNumber")
    size, number = raw.get("pageSize"), raw.get("pageNumber")
    if not _positive_int(size) or not _positive_int(number):
        raise bad_request("paging needs pageSize and pageNumber, both at least 1")
    if size > limits.details_max_page_size:
        raise bad_request(f"pageSize must not exceed {limits.details_max_page_size}")
    if size * number > limits.details_max_result_window:
        raise bad_request(
            f"Pagination may not exceed {limits.details_max_result_window} results."
        )
    return size, number


def _positive_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


def matching_ids(
    state: SimState, body: Mapping[str, Any], query: DetailsQuery
) -> list[str]:
    """The ordered ids a query selects, from the cache when seen before."""
    visible = state.visible_divisions()
    unpaged = {key: value for key, value in body.items() if key != "paging"}
    key = json.dumps([unpaged, sorted(visible or [])], sort_keys=True, default=str)
    cached = state.query_cache.get(key)
    if cached is not None:
        return cached
    selector = state.selector
    candidates = selector.started_on_touched_days(query.interval)
    chosen = list(selector.select(candidates, query.filters, visible))
    ids = [
        r.conversation_id for r in order_records(chosen, query.order, query.order_by)
    ]
    state.query_cache.put(key, ids)
    return ids


@requires(CONVERSATION_DETAIL_VIEW, AGENT_CONVERSATION_DETAIL_VIEW)
async def query_details(request: Request) -> Response:
    """One page of conversations and the total number of hits."""
    state = state_of(request)
    body = await json_body(request)
    query = parse_details_query(body, state.limits)
    ids = matching_ids(state, body, query)
    start = (query.page_number - 1) * query.page_size
    page_ids = ids[start : start + query.page_size]
    result: WireDict = {}
    if page_ids:
        result["conversations"] = [
            state.index.conversation_json(cid) for cid in page_ids
        ]
    result["totalHits"] = len(ids)
    return json_response(result)


@requires(CONVERSATION_DETAIL_VIEW, AGENT_CONVERSATION_DETAIL_VIEW)
async def conversations_by_id(request: Request) -> Response:
    """GET /api/v2/analytics/conversations/details?id=: known, visible ones only."""
    state = state_of(request)
    ids = list_param(request, "id")
    if len(ids) > state.limits.details_max_ids:
        raise bad_request(
            f"At most {state.limits.details_max_ids} id values may be given"
        )
    found = [cid for cid in ids if _visible_conversation(state, cid)]
    conversations = [state.index.conversation_json(cid) for cid in found]
    return json_response({"conversations": conversations} if conversations else {})


@requires(CONVERSATION_DETAIL_VIEW, AGENT_CONVERSATION_DETAIL_VIEW)
async def conversation_by_id(request: Request) -> Response:
    """GET /api/v2/analytics/conversations/{conversationId}/details."""
    state = state_of(request)
    conversation_id = request.path_params["conversationId"]
    if not _visible_conversation(state, conversation_id):
        raise not_found(f"Unable to find a conversation with id {conversation_id}")
    return json_response(state.index.conversation_json(conversation_id))


def _visible_conversation(state: SimState, conversation_id: str) -> bool:
    record = state.org.conversation(conversation_id)
    return record is not None and is_visible(
        record.division_ids, state.visible_divisions()
    )


ROUTES = [
    Route(DETAILS_PATH, query_details, methods=["POST"]),
    Route("/api/v2/analytics/conversations/details", conversations_by_id),
    Route(
        "/api/v2/analytics/conversations/{conversationId}/details", conversation_by_id
    ),
]
