"""Names for ids: batches, deleted users, placeholders, the cache, 403s."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
import pytest

from csat.client import GenesysClient
from csat.config import Config
from csat.lookups import (
    DIVISIONS,
    QUEUES,
    USERS,
    WRAPUP_CODES,
    LookupKind,
    NameResolver,
    batches,
    placeholder,
)
from csat.store import Store


def uid(number: int) -> str:
    return f"aaaaaaaa-0000-4000-8000-{number:012d}"


class FakeDirectory:
    """Users (some deleted), queues and divisions, listed by id with paging."""

    def __init__(self, active: dict[str, str], deleted: dict[str, str]) -> None:
        self.active = active
        self.deleted = deleted
        self.queues = {"q1": "Billing"}
        self.divisions = {"d1": "Home"}
        self.requests: list[dict[str, str]] = []
        self.deny_queues = False
        self.home_division = ""

    def __call__(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path == "/oauth/token":
            return httpx.Response(200, json={"access_token": "t", "expires_in": 86399})
        params = dict(request.url.params)
        self.requests.append({"path": path, **params})
        if path == "/api/v2/routing/queues" and self.deny_queues:
            message = (
                "You are missing the following permission(s): [routing:queue:view]"
            )
            return httpx.Response(
                403, json={"message": message, "code": "missing.permissions"}
            )
        return httpx.Response(200, json=self._listing(path, params))

    def _listing(self, path: str, params: dict[str, str]) -> dict[str, Any]:
        known = {
            "/api/v2/users": self._users(params.get("state", "active")),
            "/api/v2/routing/queues": self.queues,
            "/api/v2/routing/wrapupcodes": {},
            "/api/v2/authorization/divisions": self.divisions,
        }[path]
        wanted = params["id"].split(",") if "id" in params else list(known)
        matches = [{"id": i, "name": known[i]} for i in wanted if i in known]
        for match in matches:
            if match["id"] == self.home_division:
                match["homeDivision"] = True
        size, number = int(params["pageSize"]), int(params["pageNumber"])
        page = matches[(number - 1) * size : number * size]
        more = number * size < len(matches)
        body: dict[str, Any] = {
            "entities": page,
            "pageNumber": number,
            "total": len(matches),
        }
        body["selfUri"] = path
        if more:
            body["nextUri"] = f"{path}?pageNumber={number + 1}"
        return body

    def _users(self, state: str) -> dict[str, str]:
        # Whether `any` includes deleted users is unconfirmed: here it does not.
        return {"any": self.active, "deleted": self.deleted, "active": self.active}[
            state
        ]


def resolve(
    server: FakeDirectory, store: Store, ids: dict[LookupKind, set[str]]
) -> NameResolver:
    config = Config.for_base_url(
        "https://api.example.test", "id", "secret", requests_per_minute=1e6
    )

    async def run() -> NameResolver:
        async with GenesysClient(
            config, transport=httpx.MockTransport(server)
        ) as client:
            resolver = NameResolver(client, store)
            await resolver.resolve(ids)
            return resolver

    return asyncio.run(run())


@pytest.fixture
def store(tmp_path: Path) -> Store:
    with Store(tmp_path / "names.sqlite") as opened:
        yield opened


def test_placeholder_names_the_kind_and_the_id_prefix() -> None:
    assert placeholder("user", "1a2b3c4d-0000") == "Unknown user (1a2b3c4d)"


def test_batches_hold_at_most_100_ids() -> None:
    assert [len(b) for b in batches([str(i) for i in range(250)])] == [100, 100, 50]


def test_users_are_asked_with_state_any_then_deleted(store: Store) -> None:
    server = FakeDirectory({uid(1): "Avery"}, {uid(2): "Casey"})
    resolve(server, store, {USERS: {uid(1), uid(2), uid(3)}})
    assert store.names("user") == {
        uid(1): "Avery",
        uid(2): "Casey",
        uid(3): "Unknown user (aaaaaaaa)",
    }
    states = [r["state"] for r in server.requests]
    assert states == ["any", "deleted"]
    assert server.requests[1]["id"].split(",") == sorted([uid(2), uid(3)])


def test_ids_are_looked_up_in_batches_of_100_and_pages_followed(store: Store) -> None:
    active = {uid(n): f"Agent {n}" for n in range(150)}
    server = FakeDirectory(active, {})
    resolve(server, store, {USERS: set(active)})
    assert store.names("user") == active
    sizes = [len(r["id"].split(",")) for r in server.requests]
    assert sizes == [100, 50]
    assert all(r["pageSize"] == "100" for r in server.requests)


def test_cached_names_are_not_asked_again(store: Store) -> None:
    server = FakeDirectory({uid(1): "Avery"}, {})
    resolve(server, store, {USERS: {uid(1), uid(9)}, QUEUES: {"q1"}, DIVISIONS: {"d1"}})
    asked = len(server.requests)
    resolve(server, store, {USERS: {uid(1), uid(9)}, QUEUES: {"q1"}, DIVISIONS: {"d1"}})
    assert len(server.requests) == asked
    assert store.names("queue") == {"q1": "Billing"}
    assert store.names("division") == {"d1": "Home"}


def test_a_missing_permission_is_recorded_and_the_rest_goes_on(store: Store) -> None:
    server = FakeDirectory({uid(1): "Avery"}, {})
    server.deny_queues = True
    resolver = resolve(
        server, store, {QUEUES: {"q1"}, WRAPUP_CODES: {"w1"}, USERS: {uid(1)}}
    )
    assert resolver.problems == ["Queue names need routing:queue:view"]
    assert store.names("queue") == {}  # nothing cached: granted later, asked again
    assert store.names("wrapup") == {"w1": "Unknown wrap-up code (w1)"}
    assert store.names("user") == {uid(1): "Avery"}


def test_working_divisions_are_listed_once_without_the_home_one(store: Store) -> None:
    server = FakeDirectory({}, {})
    server.divisions = {"d1": "Home", "d2": "Contact Centre", "d3": "Sales"}
    server.home_division = "d1"
    config = Config.for_base_url(
        "https://api.example.test", "id", "secret", requests_per_minute=1e6
    )

    async def list_twice() -> list[dict[str, str]]:
        async with GenesysClient(
            config, transport=httpx.MockTransport(server)
        ) as client:
            resolver = NameResolver(client, store)
            return [await resolver.working_divisions() for _ in range(2)]

    first, second = asyncio.run(list_twice())
    assert first == second == {"d2": "Contact Centre", "d3": "Sales"}
    assert store.names("division")["d1"] == "Home"
    assert [r["path"] for r in server.requests] == ["/api/v2/authorization/divisions"]
