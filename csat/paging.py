"""One way to page: a paginator builds the first request and, from each response,
the next one (or `None` on the last page); `iter_pages` drives it.

Three variants cover the API (genesys-api.md, section 2):

* entity listings: `pageSize` / `pageNumber` query parameters, `nextUri` links;
* the sync details query: a `paging` object in the POST body, `totalHits`;
* async job results: an opaque `cursor`, absent on the last page.

A page or cursor that comes back twice raises `PaginationError` instead of looping.
"""

from __future__ import annotations

import asyncio
import math
from abc import ABC, abstractmethod
from collections.abc import AsyncGenerator, Mapping
from contextlib import aclosing
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from csat.client import GenesysClient
from csat.errors import PaginationError

MAX_PAGES = 100_000  # a backstop; the repeated-token guard catches real loops
DETAILS_AHEAD = 3  # details pages requested ahead of the one being read
DETAILS_RESULT_WINDOW = 100_000  # pageSize x pageNumber the details query allows
_LINKS = ("nextUri", "selfUri", "firstUri", "lastUri", "previousUri")


@dataclass(frozen=True)
class PageRequest:
    """One page's request, rebuilt from the previous one."""

    method: Literal["GET", "POST"]
    path: str
    params: Mapping[str, Any] = field(default_factory=dict)
    json: Any = None


class Paginator(ABC):
    """Knows how one kind of endpoint pages; remembers what it has seen."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._seen: set[str] = set()

    @abstractmethod
    def first_request(self) -> PageRequest:
        """The request for the first page."""

    @abstractmethod
    def update(self, request: PageRequest, body: Any) -> PageRequest | None:
        """The request for the page after `body`, or `None` when it was the last."""

    def guard(self, marker: str, what: str) -> None:
        """Raise if `marker` (a cursor, a link, a page's ids) was seen before."""
        if marker in self._seen:
            raise PaginationError(
                f"The service repeated a {what}; paging stopped to avoid a loop.",
                path=self.path,
            )
        self._seen.add(marker)


class EntityPaginator(Paginator):
    """Config listings (`*EntityListing`): `entities`, `pageNumber`, `nextUri`.

    `nextUri` decides, as the reference asks for listings whose `pageCount` may be
    inexact; `pageCount` is used only by an envelope that carries no links at all.
    """

    def __init__(
        self, path: str, params: Mapping[str, Any] | None, page_size: int
    ) -> None:
        super().__init__(path)
        self.params = dict(params or {})
        self.page_size = page_size

    def first_request(self) -> PageRequest:
        params = {**self.params, "pageSize": self.page_size, "pageNumber": 1}
        return PageRequest("GET", self.path, params)

    def update(self, request: PageRequest, body: Any) -> PageRequest | None:
        number = int(request.params["pageNumber"])
        listing = _object(body, self.path)
        if listing.get("pageNumber", number) != number:
            raise PaginationError(
                f"Asked for page {number}, got page {listing.get('pageNumber')}.",
                path=self.path,
            )
        if not self._has_next(number, listing):
            return None
        self.guard(str(listing.get("nextUri") or number), "next page link")
        return replace(request, params={**request.params, "pageNumber": number + 1})

    def _has_next(self, number: int, listing: Mapping[str, Any]) -> bool:
        if not listing.get("entities"):
            return False
        if any(link in listing for link in _LINKS):
            return bool(listing.get("nextUri"))
        page_count = listing.get("pageCount")
        return isinstance(page_count, int) and number < page_count


class DetailsPaginator(Paginator):
    """The sync details query: `paging` in the body; stop on an empty page or
    when `pageNumber * pageSize` reaches `totalHits` (which may shift)."""

    def __init__(self, path: str, body: Mapping[str, Any], page_size: int) -> None:
        super().__init__(path)
        self.body = dict(body)
        self.page_size = page_size

    def first_request(self) -> PageRequest:
        return self.page_request(1)

    def update(self, request: PageRequest, body: Any) -> PageRequest | None:
        response = _object(body, self.path)
        conversations = response.get("conversations")
        number = int(request.json["paging"]["pageNumber"])
        total = response.get("totalHits")
        if not conversations or (
            isinstance(total, int) and number * self.page_size >= total
        ):
            return None
        ids = "|".join(str(c.get("conversationId")) for c in conversations)
        self.guard(ids, "page of conversations")
        return self.page_request(number + 1)

    def page_request(self, number: int) -> PageRequest:
        """The request for page `number`."""
        paging = {"pageSize": self.page_size, "pageNumber": number}
        return PageRequest("POST", self.path, json={**self.body, "paging": paging})


class CursorPaginator(Paginator):
    """Async job results: pass `cursor` back unchanged until a page has none."""

    def __init__(self, path: str, page_size: int) -> None:
        super().__init__(path)
        self.page_size = page_size

    def first_request(self) -> PageRequest:
        return PageRequest("GET", self.path, {"pageSize": self.page_size})

    def update(self, request: PageRequest, body: Any) -> PageRequest | None:
        cursor = _object(body, self.path).get("cursor")
        if not cursor:
            return None
        self.guard(str(cursor), "cursor")
        params = {"pageSize": self.page_size, "cursor": cursor}
        return PageRequest("GET", self.path, params)


async def iter_pages(
    client: GenesysClient, paginator: Paginator, *, max_pages: int = MAX_PAGES
) -> AsyncGenerator[Any, None]:
    """Yield each response body of a paged endpoint, first page first."""
    request: PageRequest | None = paginator.first_request()
    pages = 0
    while request is not None:
        body = await _fetch(client, request)
        following = paginator.update(request, body)
        pages += 1
        yield body

        if following is not None and pages >= max_pages:
            raise PaginationError(
                f"More than {max_pages} pages; paging stopped.", path=paginator.path
            )
        request = following


async def iter_entities(
    client: GenesysClient,
    path: str,
    params: Mapping[str, Any] | None = None,
    page_size: int = 100,
) -> AsyncGenerator[dict[str, Any], None]:
    """Yield every entity of a listing, page after page."""
    paginator = EntityPaginator(path, params, page_size)
    async with aclosing(iter_pages(client, paginator)) as pages:
        async for body in pages:
            for entity in body.get("entities") or []:
                yield entity


async def iter_details_pages(
    client: GenesysClient,
    path: str,
    body: Mapping[str, Any],
    page_size: int = 100,
    *,
    ahead: int = DETAILS_AHEAD,
    result_window: int = DETAILS_RESULT_WINDOW,
) -> AsyncGenerator[dict[str, Any], None]:
    """Yield each response body of a details query (the first one even if empty).

    Once a page has told `totalHits`, up to `ahead` of the pages it implies are
    requested while the caller works on this one, so paging is not one round trip
    per page. Bodies still come in page order, the paginator still decides where
    paging ends, and a query past `result_window` (which the caller splits) gets
    no look-ahead.
    """
    paginator = DetailsPaginator(path, body, page_size)
    request: PageRequest | None = paginator.first_request()
    number = 1
    early: dict[int, asyncio.Task[Any]] = {}
    try:
        while request is not None:
            task = early.pop(number, None)
            response = await (task if task else _fetch(client, request))
            following = paginator.update(request, response)
            total = _object(response, path).get("totalHits")
            if following and isinstance(total, int) and total <= result_window:
                last = min(math.ceil(total / page_size), number + ahead)
                for later in range(number + 1, last + 1):
                    if later not in early:
                        early[later] = asyncio.create_task(
                            _fetch(client, paginator.page_request(later))
                        )
            yield response
            request, number = following, number + 1
    finally:
        for task in early.values():
            task.cancel()
        await asyncio.gather(*early.values(), return_exceptions=True)


async def iter_cursor_pages(
    client: GenesysClient, path: str, page_size: int = 1000
) -> AsyncGenerator[dict[str, Any], None]:
    """Yield each page of async job results until the cursor runs out."""
    async with aclosing(iter_pages(client, CursorPaginator(path, page_size))) as pages:
        async for response in pages:
            yield response


async def _fetch(client: GenesysClient, request: PageRequest) -> Any:
    if request.method == "POST":
        return await client.post(request.path, request.json)
    return await client.get(request.path, request.params)


def _object(body: Any, path: str) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise PaginationError("A page is not a JSON object.", path=path)
    return body
