"""What every route shares: its state, permissions, parameters and envelopes.

Entity listings page with `pageSize`/`pageNumber` query parameters and answer with
the paging envelope of reference section 5: `entities`, `pageSize`, `pageNumber`,
`total`, `pageCount` and relative `firstUri`, `selfUri`, `lastUri`, `previousUri`
and `nextUri` (absent on the last page). List parameters arrive comma-joined
(`?id=a,b`, what the SDK sends) or repeated (`?id=a&id=b`); both are accepted.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, cast
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from genesys_sim.errors import ApiError, bad_request, missing_permission
from genesys_sim.state import SimState

Endpoint = Callable[[Request], Awaitable[Response]]
WireDict = dict[str, Any]


def state_of(request: Request) -> SimState:
    """The simulator state behind the request's app."""
    return cast(SimState, request.app.state.sim)


def requires(*permissions: str) -> Callable[[Endpoint], Endpoint]:
    """Refuse with 403 unless the client holds at least one of `permissions`."""

    def decorate(endpoint: Endpoint) -> Endpoint:
        @functools.wraps(endpoint)
        async def guarded(request: Request) -> Response:
            denied = state_of(request).faults.deny_permissions
            if permissions and all(name in denied for name in permissions):
                raise missing_permission(*permissions)
            return await endpoint(request)

        return guarded

    return decorate


def json_response(body: object, status_code: int = 200) -> JSONResponse:
    """A JSON answer."""
    return JSONResponse(body, status_code=status_code)


async def json_body(request: Request) -> WireDict:
    """The request body as a JSON object; a 415 for another content type, or a 400."""
    content_type = request.headers.get("content-type", "application/json")
    if content_type.partition(";")[0].strip().casefold() != "application/json":
        raise ApiError(
            415, f"Unsupported content type: {content_type}", "unsupported.media.type"
        )
    try:
        body = json.loads(await request.body() or b"null")
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise bad_request("The request body is not valid JSON") from exc
    if not isinstance(body, dict):
        raise bad_request("The request body must be a JSON object")
    return body


def list_param(request: Request, name: str) -> list[str]:
    """A list parameter, comma-joined or repeated, blanks dropped."""
    values: list[str] = []
    for raw in request.query_params.getlist(name):
        values += [part.strip() for part in raw.split(",") if part.strip()]
    return values


def int_param(request: Request, name: str, default: int, minimum: int = 1) -> int:
    """An integer parameter at least `minimum`, or a 400."""
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise bad_request(
            f"{name} must be an integer", "invalid.query.param.value"
        ) from exc
    if value < minimum:
        raise bad_request(
            f"{name} must be at least {minimum}", "invalid.query.param.value"
        )
    return value


def bool_param(request: Request, name: str, default: bool = False) -> bool:
    """A `true`/`false` parameter, or a 400."""
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() not in ("true", "false"):
        raise bad_request(f"{name} must be true or false", "invalid.query.param.value")
    return raw.lower() == "true"


@dataclass(frozen=True)
class PageRequest:
    """`pageSize` and `pageNumber` of an entity listing."""

    size: int
    number: int

    def slice(self, items: Sequence[WireDict]) -> list[WireDict]:
        """The items of this page."""
        start = (self.number - 1) * self.size
        return list(items[start : start + self.size])


def page_request(request: Request) -> PageRequest:
    """Paging parameters of a listing, bounded by the listing limits."""
    limits = state_of(request).limits
    size = int_param(request, "pageSize", limits.listing_default_page_size)
    if size > limits.listing_max_page_size:
        message = f"pageSize must not exceed {limits.listing_max_page_size}"
        raise bad_request(message, "invalid.query.param.value")
    return PageRequest(size, int_param(request, "pageNumber", 1))


def listing(request: Request, items: Sequence[WireDict], page: PageRequest) -> WireDict:
    """The paging envelope around one page of `items`."""
    total = len(items)
    page_count = math.ceil(total / page.size)
    body: WireDict = {
        "entities": page.slice(items),
        "pageSize": page.size,
        "pageNumber": page.number,
        "total": total,
        "pageCount": page_count,
        "firstUri": _page_uri(request, page.size, 1),
        "selfUri": _page_uri(request, page.size, page.number),
        "lastUri": _page_uri(request, page.size, max(page_count, 1)),
    }
    if page.number < page_count:
        body["nextUri"] = _page_uri(request, page.size, page.number + 1)
    if page.number > 1:
        body["previousUri"] = _page_uri(request, page.size, page.number - 1)
    return body


def _page_uri(request: Request, size: int, number: int) -> str:
    others = [
        (key, value)
        for key, value in request.query_params.multi_items()
        if key not in ("pageSize", "pageNumber")
    ]
    query = urlencode([("pageSize", size), ("pageNumber", number), *others], safe=",")
    return f"{request.url.path}?{query}"


def by_ids(items: Sequence[WireDict], ids: list[str]) -> list[WireDict]:
    """Items whose `id` is in `ids` (all of them when `ids` is empty)."""
    if not ids:
        return list(items)
    wanted = set(ids)
    return [item for item in items if item.get("id") in wanted]


def by_name(items: Sequence[WireDict], name: str | None) -> list[WireDict]:
    """Items whose name contains `name`, case-insensitively (`*` is a wildcard)."""
    if not name:
        return list(items)
    needle = name.replace("*", "").casefold()
    return [item for item in items if needle in str(item.get("name", "")).casefold()]
