"""Names behind ids (reference section 11): users, queues, wrap-up codes, divisions.

Users are listed `active` by default; `state=deleted` lists deleted users and
`state=any` lists every user, deleted ones included (the project's assumption for
an unconfirmed behaviour). At most 100 ids per request. Queues need
`routing:queue:view`, wrap-up codes `routing:wrapupCode:view`; users and divisions
need no permission.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from genesys_sim.errors import bad_request, not_found
from genesys_sim.routes.common import (
    Endpoint,
    WireDict,
    by_ids,
    by_name,
    json_response,
    list_param,
    listing,
    page_request,
    requires,
    state_of,
)

if TYPE_CHECKING:
    from genesys_sim.org import Org

USER_STATES = frozenset({"active", "inactive", "deleted", "any"})


def _ids(request: Request) -> list[str]:
    ids = list_param(request, "id")
    most = state_of(request).limits.users_max_ids_per_request
    if len(ids) > most:
        raise bad_request(f"At most {most} id values may be given", "invalid.value")
    return ids


async def list_users(request: Request) -> Response:
    """GET /api/v2/users."""
    wanted = request.query_params.get("state", "active")
    if wanted not in USER_STATES:
        raise bad_request(f"Invalid state: {wanted}", "invalid.value")
    users = by_ids(state_of(request).org.users, _ids(request))
    if wanted != "any":
        users = [user for user in users if user.get("state") == wanted]
    return json_response(listing(request, users, page_request(request)))


async def get_user(request: Request) -> Response:
    """GET /api/v2/users/{userId}; deleted users only with `state=deleted`."""
    user_id = request.path_params["userId"]
    user = state_of(request).org.user(user_id)
    want_deleted = request.query_params.get("state") == "deleted"
    if user is None or (user.get("state") == "deleted") != want_deleted:
        raise not_found(f"Unable to find a user with id {user_id}")
    return json_response(user)


def _division_filter(request: Request, items: list[WireDict]) -> list[WireDict]:
    divisions = set(list_param(request, "divisionId"))
    if not divisions:
        return items
    return [
        item for item in items if (item.get("division") or {}).get("id") in divisions
    ]


@dataclass(frozen=True)
class Sorting:
    """A listing's sort parameters: `sortBy` keys and the two `sortOrder` words."""

    orders: tuple[str, str]  # ascending first
    keys: tuple[str, ...] = ("name",)  # the default first; () means no `sortBy`

    def apply(self, request: Request, items: list[WireDict]) -> list[WireDict]:
        order = request.query_params.get("sortOrder") or self.orders[0]
        key = request.query_params.get("sortBy") or self.keys[0]
        if order not in self.orders:
            raise bad_request(f"Invalid sortOrder: {order}", "invalid.value")
        if key not in self.keys:
            raise bad_request(f"Invalid sortBy: {key}", "invalid.value")
        return sorted(
            items,
            key=lambda item: str(item.get(key) or "").casefold(),
            reverse=order == self.orders[1],
        )


QUEUE_SORTING = Sorting(orders=("asc", "desc"))
WRAPUP_SORTING = Sorting(orders=("ascending", "descending"), keys=("name", "id"))


def entity_routes(
    path: str,
    noun: str,
    entities: Callable[[Org], Sequence[WireDict]],
    permission: str | None,
    sorting: Sorting | None = None,
) -> list[Route]:
    """A listing (by id, name, division) and a by-id route for one kind of entity."""

    async def list_entities(request: Request) -> Response:
        items = by_ids(entities(state_of(request).org), _ids(request))
        items = _division_filter(
            request, by_name(items, request.query_params.get("name"))
        )
        if sorting is not None:
            items = sorting.apply(request, items)
        return json_response(listing(request, items, page_request(request)))

    async def get_entity(request: Request) -> Response:
        entity_id = request.path_params["entityId"]
        found = by_ids(entities(state_of(request).org), [entity_id])
        if not found:
            raise not_found(f"Unable to find a {noun} with id {entity_id}")
        return json_response(found[0])

    guard: Callable[[Endpoint], Endpoint] = (
        requires(permission) if permission else _open
    )
    return [
        Route(path, guard(list_entities)),
        Route(f"{path}/{{entityId}}", guard(get_entity)),
    ]


def _open(endpoint: Endpoint) -> Endpoint:
    return endpoint


ROUTES = [
    Route("/api/v2/users", list_users),
    Route("/api/v2/users/{userId}", get_user),
    *entity_routes(
        "/api/v2/routing/queues",
        "queue",
        lambda o: o.queues,
        "routing:queue:view",
        QUEUE_SORTING,
    ),
    *entity_routes(
        "/api/v2/routing/wrapupcodes",
        "wrap-up code",
        lambda o: o.wrapup_codes,
        "routing:wrapupCode:view",
        WRAPUP_SORTING,
    ),
    *entity_routes(
        "/api/v2/authorization/divisions", "division", lambda o: o.divisions, None
    ),
]
