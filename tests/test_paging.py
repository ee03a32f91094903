import asyncio
import json
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from conftest import CLIENT_ID, CLIENT_SECRET

from csat.client import GenesysClient
from csat.config import Config
from csat.errors import PaginationError
from csat.paging import (
    CursorPaginator,
    iter_cursor_pages,
    iter_details_pages,
    iter_entities,
    iter_pages,
)
from genesys_sim import RunningSimulator

CONFIG = Config.for_base_url("http://127.0.0.1:9", "id", "secret", max_attempts=2)
USERS = "/api/v2/users"
DETAILS = "/api/v2/analytics/conversations/details/query"
RESULTS = "/api/v2/analytics/conversations/details/jobs/j1/results"

Pages = Callable[[httpx.Request], Any]
MakeSim = Callable[..., RunningSimulator]


async def no_wait(seconds: float) -> None:
    return None


class PagedApi:
    """Serves tokens, and pages from `pages(request)` for everything else."""

    def __init__(self, pages: Pages) -> None:
        self.pages = pages
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oauth/token":
            return httpx.Response(200, json={"access_token": "t", "expires_in": 3600})
        self.requests.append(request)
        return httpx.Response(200, json=self.pages(request))


Walk = Callable[[GenesysClient], AsyncIterator[Any]]


def collect(pages: Pages, walk: Walk) -> tuple[list[Any], PagedApi]:
    api = PagedApi(pages)
    return walk_with(api, walk), api


def walk_with(api: Callable[[httpx.Request], Any], walk: Walk) -> list[Any]:
    """Everything `walk` yields from a client whose transport is `api`."""

    async def main() -> list[Any]:
        transport = httpx.MockTransport(api)
        async with GenesysClient(CONFIG, transport=transport, sleep=no_wait) as client:
            return [item async for item in walk(client)]

    return asyncio.run(main())


class AsyncPagedApi:
    """Like `PagedApi`, with an async handler that may yield to other requests."""

    def __init__(self, handler: Callable[[httpx.Request], Any]) -> None:
        self.handler = handler
        self.requests: list[httpx.Request] = []

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oauth/token":
            return httpx.Response(200, json={"access_token": "t", "expires_in": 3600})
        self.requests.append(request)
        response: httpx.Response = await self.handler(request)
        return response


def collect_async(
    handler: Callable[[httpx.Request], Any], walk: Walk
) -> tuple[list[Any], AsyncPagedApi]:
    api = AsyncPagedApi(handler)
    return walk_with(api, walk), api


def listing(request: httpx.Request, total: int = 250) -> dict[str, Any]:
    """A faithful `*EntityListing` of `total` users."""
    size = int(request.url.params["pageSize"])
    number = int(request.url.params["pageNumber"])
    page_count = -(-total // size)
    ids = range((number - 1) * size, min(number * size, total))
    body: dict[str, Any] = {
        "entities": [{"id": f"u{i}"} for i in ids],
        "pageSize": size,
        "pageNumber": number,
        "total": total,
        "pageCount": page_count,
        "selfUri": f"{USERS}?pageSize={size}&pageNumber={number}",
    }
    if number < page_count:
        body["nextUri"] = f"{USERS}?pageSize={size}&pageNumber={number + 1}"
    return body


def test_entities_follow_next_uri_to_the_last_page() -> None:
    params = {"id": ["a", "b"], "state": "any"}

    entities, api = collect(listing, lambda c: iter_entities(c, USERS, params))

    assert [e["id"] for e in entities] == [f"u{i}" for i in range(250)]
    assert [r.url.params["pageNumber"] for r in api.requests] == ["1", "2", "3"]
    for request in api.requests:
        assert request.url.params["pageSize"] == "100"
        assert request.url.params["id"] == "a,b"
        assert request.url.params["state"] == "any"


def test_entities_of_a_single_page_cost_one_request() -> None:
    entities, api = collect(
        lambda r: listing(r, total=4), lambda c: iter_entities(c, USERS, page_size=25)
    )

    assert len(entities) == 4
    assert len(api.requests) == 1


def test_envelope_without_links_pages_by_page_count() -> None:
    def pages(request: httpx.Request) -> dict[str, Any]:
        body = listing(request, total=5)
        return {k: v for k, v in body.items() if not k.endswith("Uri")}

    entities, api = collect(pages, lambda c: iter_entities(c, USERS, page_size=2))

    assert len(entities) == 5
    assert len(api.requests) == 3


def test_an_empty_page_ends_the_listing_even_with_a_next_link() -> None:
    def pages(request: httpx.Request) -> dict[str, Any]:
        return {"entities": [], "pageNumber": 1, "nextUri": f"{USERS}?pageNumber=2"}

    entities, api = collect(pages, lambda c: iter_entities(c, USERS))

    assert entities == []
    assert len(api.requests) == 1


def test_a_server_ignoring_page_number_is_a_pagination_error() -> None:
    def pages(request: httpx.Request) -> dict[str, Any]:
        page = listing(request)
        return {**page, "pageNumber": 1, "nextUri": f"{USERS}?pageNumber=2"}

    with pytest.raises(PaginationError, match="Asked for page 2, got page 1"):
        collect(pages, lambda c: iter_entities(c, USERS))


def test_a_repeated_next_link_is_a_pagination_error() -> None:
    def pages(request: httpx.Request) -> dict[str, Any]:
        number = int(request.url.params["pageNumber"])
        body = {"entities": [{"id": f"u{number}"}], "pageNumber": number}
        return {**body, "nextUri": f"{USERS}?pageNumber=2"}

    with pytest.raises(PaginationError, match="repeated"):
        collect(pages, lambda c: iter_entities(c, USERS))


def test_stopping_early_sends_no_further_request() -> None:
    async def first_only(client: GenesysClient) -> AsyncIterator[Any]:
        async for entity in iter_entities(client, USERS):
            yield entity
            break

    entities, api = collect(listing, first_only)

    assert entities == [{"id": "u0"}]
    assert len(api.requests) == 1


def details_pages(total: int, served: int | None = None) -> Pages:
    """Details query answers for `total` hits, of which `served` really exist."""
    real = total if served is None else served

    def pages(request: httpx.Request) -> dict[str, Any]:
        paging = json.loads(request.content)["paging"]
        start = (paging["pageNumber"] - 1) * paging["pageSize"]
        ids = range(start, min(start + paging["pageSize"], real))
        body: dict[str, Any] = {"totalHits": total}
        if ids:
            body["conversations"] = [{"conversationId": f"c{i}"} for i in ids]
        return body

    return pages


def test_details_pages_until_total_hits() -> None:
    query = {"interval": "a/b", "surveyFilters": [{"type": "and", "predicates": []}]}

    bodies, api = collect(
        details_pages(250), lambda c: iter_details_pages(c, DETAILS, query)
    )

    sent = [json.loads(r.content) for r in api.requests]
    assert [b["paging"] for b in sent] == [
        {"pageSize": 100, "pageNumber": n} for n in (1, 2, 3)
    ]
    assert all(b["surveyFilters"] == query["surveyFilters"] for b in sent)
    assert [len(b["conversations"]) for b in bodies] == [100, 100, 50]
    assert "paging" not in query


def test_details_exact_multiple_needs_no_extra_request() -> None:
    bodies, api = collect(
        details_pages(200), lambda c: iter_details_pages(c, DETAILS, {"interval": "x"})
    )

    assert len(bodies) == 2
    assert len(api.requests) == 2


def test_details_empty_first_page_is_yielded_and_ends() -> None:
    bodies, api = collect(
        details_pages(0), lambda c: iter_details_pages(c, DETAILS, {"interval": "x"})
    )

    assert bodies == [{"totalHits": 0}]
    assert len(api.requests) == 1


def test_details_stop_on_a_page_without_conversations() -> None:
    # totalHits promised 500, but the data ran out after 150.
    bodies, api = collect(
        details_pages(500, served=150),
        lambda c: iter_details_pages(c, DETAILS, {"interval": "x"}),
    )

    assert [len(b.get("conversations", [])) for b in bodies] == [100, 50, 0]
    # Pages 2-4 were asked for together once page 1 promised 500 hits; page 4,
    # past the data, is the price of a wrong total. Page 5, asked for after page
    # 2, is cancelled before it is sent once page 3 comes back empty.
    pages = [json.loads(r.content)["paging"]["pageNumber"] for r in api.requests]
    assert pages == [1, 2, 3, 4]


def test_details_pages_ahead_are_in_flight_together_and_yielded_in_order() -> None:
    in_flight = 0
    peak = 0

    async def slow_pages(request: httpx.Request) -> httpx.Response:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        for _ in range(5):
            await asyncio.sleep(0)
        in_flight -= 1
        return httpx.Response(200, json=details_pages(1000)(request))

    bodies, api = collect_async(
        slow_pages, lambda c: iter_details_pages(c, DETAILS, {"interval": "x"})
    )

    firsts = [b["conversations"][0]["conversationId"] for b in bodies]
    assert firsts == [f"c{100 * n}" for n in range(10)]
    assert len(api.requests) == 10  # none past the total
    assert peak == 3


def test_details_past_the_result_window_get_no_look_ahead() -> None:
    bodies, api = collect(
        details_pages(250),
        lambda c: iter_details_pages(c, DETAILS, {"interval": "x"}, result_window=200),
    )

    assert len(bodies) == 3
    assert len(api.requests) == 3


def test_details_repeated_page_is_a_pagination_error() -> None:
    def same_page(request: httpx.Request) -> dict[str, Any]:
        return {"totalHits": 1000, "conversations": [{"conversationId": "c1"}]}

    with pytest.raises(PaginationError, match="page of conversations"):
        collect(same_page, lambda c: iter_details_pages(c, DETAILS, {"interval": "x"}))


def cursor_pages(request: httpx.Request) -> dict[str, Any]:
    following = {None: "c1", "c1": "c2", "c2": None}
    cursor = request.url.params.get("cursor")
    body: dict[str, Any] = {"conversations": [{"conversationId": f"after-{cursor}"}]}
    if following[cursor]:
        body["cursor"] = following[cursor]
    return body


def test_cursor_pages_until_the_cursor_is_absent() -> None:
    bodies, api = collect(cursor_pages, lambda c: iter_cursor_pages(c, RESULTS))

    assert [b["conversations"][0]["conversationId"] for b in bodies] == [
        "after-None",
        "after-c1",
        "after-c2",
    ]
    assert [dict(r.url.params) for r in api.requests] == [
        {"pageSize": "1000"},
        {"pageSize": "1000", "cursor": "c1"},
        {"pageSize": "1000", "cursor": "c2"},
    ]


def test_a_repeated_cursor_is_a_pagination_error() -> None:
    def stuck(request: httpx.Request) -> dict[str, Any]:
        return {"conversations": [], "cursor": "same"}

    with pytest.raises(PaginationError, match="cursor") as caught:
        collect(stuck, lambda c: iter_cursor_pages(c, RESULTS, page_size=10))

    assert caught.value.path == RESULTS


def test_page_limit_is_a_backstop() -> None:
    def endless(request: httpx.Request) -> dict[str, Any]:
        return {"cursor": request.url.params.get("cursor", "") + "x"}

    def walk(client: GenesysClient) -> AsyncIterator[Any]:
        return iter_pages(client, CursorPaginator(RESULTS, 10), max_pages=3)

    with pytest.raises(PaginationError, match="More than 3 pages"):
        collect(endless, walk)


def test_a_page_that_is_not_an_object_is_a_pagination_error() -> None:
    with pytest.raises(PaginationError, match="not a JSON object"):
        collect(lambda r: ["not", "a", "page"], lambda c: iter_cursor_pages(c, RESULTS))


# Against the simulator --------------------------------------------------------


def walk_sim(
    sim: RunningSimulator, walk: Callable[[GenesysClient], AsyncIterator[Any]]
) -> list[Any]:
    config = Config.for_base_url(sim.base_url, CLIENT_ID, CLIENT_SECRET)

    async def main() -> list[Any]:
        async with GenesysClient(config, sleep=no_wait) as client:
            return [item async for item in walk(client)]

    return asyncio.run(main())


def test_sim_users_listing_pages_through_every_user(make_sim: MakeSim) -> None:
    sim = make_sim()
    expected = [user["id"] for user in sim.org.users]

    users = walk_sim(
        sim, lambda c: iter_entities(c, USERS, {"state": "any"}, page_size=5)
    )

    assert [user["id"] for user in users] == expected
    assert sim.stats.by_route["GET /api/v2/users"] == -(-len(expected) // 5)


def test_sim_details_pages_return_each_conversation_of_the_day_once(
    make_sim: MakeSim,
) -> None:
    sim = make_sim()
    day = datetime(2026, 11, 18, tzinfo=UTC)
    expected = {
        record.conversation_id
        for record in sim.org.conversations_between(day, day + timedelta(days=1))
    }
    query = {"interval": "2026-11-18T00:00:00.000Z/2026-11-19T00:00:00.000Z"}

    bodies = walk_sim(
        sim, lambda c: iter_details_pages(c, DETAILS, query, page_size=25)
    )

    ids = [c["conversationId"] for b in bodies for c in b.get("conversations", [])]
    assert len(expected) > 25  # more than one page
    assert len(ids) == len(set(ids)) == len(expected)
    assert set(ids) == expected
    assert len(bodies) == -(-len(expected) // 25)
