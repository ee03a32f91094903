import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import CLIENT_ID, CLIENT_SECRET
from conftest import FakeClock as SimClock

from csat.client import GenesysClient, encode_params, route_of
from csat.config import Config
from csat.errors import (
    AuthenticationError,
    BadRequestError,
    MissingPermissionError,
    NotFoundError,
    RateLimitError,
    ServiceError,
    UnreachableError,
)
from csat.limiter import RateLimiter
from genesys_sim import Faults, RunningSimulator

SECRET = "client-secret-never-logged"
EXAMPLES = Path("/work/shared/reference/examples")
SURVEY_PATH = "/api/v2/quality/surveys/5e000000-0000-4000-8000-000000000001"

Answer = httpx.Response | Exception
MakeSim = Callable[..., RunningSimulator]


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0
        self.waits: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.now += seconds
        await asyncio.sleep(0)


class FakeGenesys:
    """A scripted API: issues tokens, checks them, answers from a queue."""

    def __init__(self, *answers: Answer) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []
        self.tokens_issued = 0
        self.revoked: set[str] = set()
        self.revoke_after_use: set[str] = set()

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        await asyncio.sleep(0)  # other workers run while this one is on the wire
        if request.url.path == "/oauth/token":
            self.tokens_issued += 1
            body = {"access_token": f"token-{self.tokens_issued}", "expires_in": 86399}
            return httpx.Response(200, json=body)
        token = request.headers["Authorization"].removeprefix("Bearer ")
        if token in self.revoked:
            return error_response(401, "bad.credentials", "Invalid login credentials.")
        if token in self.revoke_after_use:
            self.revoked.add(token)
        return self._next_answer()

    def _next_answer(self) -> httpx.Response:
        answer = self.answers.pop(0) if self.answers else httpx.Response(200, json={})
        if isinstance(answer, Exception):
            raise answer
        return answer

    def api_requests(self) -> list[httpx.Request]:
        return [r for r in self.requests if r.url.path != "/oauth/token"]


def error_response(
    status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> httpx.Response:
    body = {"message": message, "code": code, "status": status, "contextId": "ctx-1"}
    return httpx.Response(status, json=body, headers=headers)


def example(
    name: str, status: int, headers: dict[str, str] | None = None
) -> httpx.Response:
    return httpx.Response(
        status, content=(EXAMPLES / name).read_bytes(), headers=headers
    )


def run_with(
    api: FakeGenesys,
    scenario: Callable[[GenesysClient], Awaitable[Any]],
    limiter: RateLimiter | None = None,
    **overrides: Any,
) -> tuple[Any, GenesysClient, FakeClock]:
    clock = FakeClock()
    config = Config.for_base_url(
        "https://api.mypurecloud.ie", "client-1", SECRET, **overrides
    )

    async def main() -> Any:
        async with GenesysClient(
            config,
            transport=httpx.MockTransport(api),
            limiter=limiter,
            sleep=clock.sleep,
            clock=clock,
        ) as client:
            return await scenario(client), client

    result, client = asyncio.run(main())
    return result, client, clock


def test_get_sends_bearer_token_and_comma_joined_lists() -> None:
    api = FakeGenesys(httpx.Response(200, json={"entities": [{"id": "u1"}]}))
    params = {"id": ["a", "b", "c"], "state": "any", "expand": None, "flag": True}

    body, client, _ = run_with(api, lambda c: c.get("/api/v2/users", params))

    [request] = api.api_requests()
    assert body == {"entities": [{"id": "u1"}]}
    assert request.headers["Authorization"] == "Bearer token-1"
    assert request.url.host == "api.mypurecloud.ie"
    assert request.url.query.decode() == "id=a%2Cb%2Cc&state=any&flag=true"
    assert client.stats.requests == 2
    assert client.stats.tokens_fetched == 1


def test_post_sends_json_and_delete_returns_none() -> None:
    api = FakeGenesys(httpx.Response(202, json={"jobId": "j1"}), httpx.Response(204))
    query = {"interval": "2026-01-01T00:00:00Z/2026-01-02T00:00:00Z"}

    async def scenario(client: GenesysClient) -> tuple[Any, Any]:
        submitted = await client.post(
            "/api/v2/analytics/conversations/details/jobs", query
        )
        gone = await client.delete("/api/v2/analytics/conversations/details/jobs/j1")
        return submitted, gone

    (submitted, gone), _, _ = run_with(api, scenario)

    post, delete = api.api_requests()
    assert submitted == {"jobId": "j1"}
    assert gone is None
    assert json.loads(post.content) == query
    assert delete.method == "DELETE"


def test_429_waits_retry_after_seconds_then_succeeds() -> None:
    headers = {"Retry-After": "42", "ININ-Correlation-Id": "corr-429"}
    api = FakeGenesys(
        example("error-429-too-many-requests.json", 429, headers),
        httpx.Response(200, json={"id": "s1"}),
    )

    body, client, clock = run_with(api, lambda c: c.get(SURVEY_PATH))

    assert body == {"id": "s1"}
    assert clock.waits == [42.0]
    assert (client.stats.rate_limited, client.stats.retries) == (1, 1)
    assert client.stats.requests == 3


def test_429_with_an_http_date_waits_until_that_date() -> None:
    headers = {
        "Date": "Tue, 03 Mar 2026 10:00:00 GMT",
        "Retry-After": "Tue, 03 Mar 2026 10:00:30 GMT",
    }
    api = FakeGenesys(
        error_response(429, "too.many.requests.retry.after", "slow", headers),
        httpx.Response(200, json={}),
    )

    _, _, clock = run_with(api, lambda c: c.get(SURVEY_PATH))

    assert clock.waits == [30.0]


def test_429_pauses_the_shared_limiter_for_retry_after() -> None:
    api = FakeGenesys(
        error_response(429, "too.many.requests", "slow", {"Retry-After": "10"}),
        httpx.Response(200, json={}),
    )
    # The limiter runs on its own clock, so only its own waits show up there.
    limiter_clock = FakeClock()
    limiter = RateLimiter(600.0, 4, clock=limiter_clock, sleep=limiter_clock.sleep)

    run_with(api, lambda c: c.get(SURVEY_PATH), limiter=limiter)

    assert limiter_clock.waits == [10.0]


def test_exhausted_429s_raise_rate_limit_error() -> None:
    api = FakeGenesys(
        *[error_response(429, "too.many.requests", "slow", {"Retry-After": "1"})] * 3
    )

    with pytest.raises(RateLimitError) as caught:
        run_with(api, lambda c: c.get(SURVEY_PATH), max_attempts=3)

    assert len(api.api_requests()) == 3
    assert caught.value.path == SURVEY_PATH


def test_503_backs_off_then_succeeds() -> None:
    api = FakeGenesys(
        example("error-503-service-unavailable.json", 503),
        httpx.Response(200, json={"ok": True}),
    )

    body, client, clock = run_with(api, lambda c: c.get(SURVEY_PATH))

    assert body == {"ok": True}
    [wait] = clock.waits
    assert 1.0 <= wait <= 2.0
    assert client.stats.server_errors == 1


def test_exhausted_5xx_raise_service_error() -> None:
    api = FakeGenesys(*[error_response(504, "request.timeout", "slow")] * 4)

    with pytest.raises(ServiceError) as caught:
        run_with(api, lambda c: c.get(SURVEY_PATH), max_attempts=4)

    assert caught.value.status == 504
    assert len(api.api_requests()) == 4


def test_501_is_not_retried() -> None:
    api = FakeGenesys(error_response(501, "not.implemented", "no"))

    with pytest.raises(ServiceError):
        run_with(api, lambda c: c.get(SURVEY_PATH))

    assert len(api.api_requests()) == 1


@pytest.mark.parametrize(
    ("answer", "error_type"),
    [
        pytest.param(
            example("error-400-interval-too-long.json", 400), BadRequestError, id="400"
        ),
        pytest.param(
            example("error-403-missing-permissions.json", 403),
            MissingPermissionError,
            id="403",
        ),
        pytest.param(example("error-404-not-found.json", 404), NotFoundError, id="404"),
    ],
)
def test_client_errors_are_not_retried(
    answer: httpx.Response, error_type: type
) -> None:
    api = FakeGenesys(answer)

    with pytest.raises(error_type):
        run_with(api, lambda c: c.get(SURVEY_PATH))

    assert len(api.api_requests()) == 1


def test_403_names_the_missing_permissions() -> None:
    api = FakeGenesys(example("error-403-missing-permissions.json", 403))

    with pytest.raises(MissingPermissionError) as caught:
        run_with(api, lambda c: c.get(SURVEY_PATH))

    error = caught.value
    assert error.permissions == ["quality:survey:view"]
    assert "quality:survey:view" in error.hint
    assert error.code == "missing.permissions"
    assert error.correlation_id == "0c0c0c0c-0000-4000-8000-000000000403"


def test_403_with_several_permissions_in_the_short_form() -> None:
    message = "Missing permission(s): quality:survey:view, routing:queue:view"
    api = FakeGenesys(error_response(403, "missing.any.permissions", message))

    with pytest.raises(MissingPermissionError) as caught:
        run_with(api, lambda c: c.get(SURVEY_PATH))

    assert caught.value.permissions == ["quality:survey:view", "routing:queue:view"]
    # "any": one of them is enough, and the advice says so.
    assert caught.value.any_of
    assert "one of quality:survey:view or routing:queue:view" in caught.value.hint


def test_errors_carry_path_without_query_and_header_correlation_id() -> None:
    headers = {"ININ-Correlation-Id": "from-header"}
    api = FakeGenesys(error_response(404, "not.found", "Unable to find", headers))

    with pytest.raises(NotFoundError) as caught:
        run_with(api, lambda c: c.get("/api/v2/users/u9", {"state": "deleted"}))

    error = caught.value
    assert (error.status, error.path, error.code) == (
        404,
        "/api/v2/users/u9",
        "not.found",
    )
    assert error.correlation_id == "from-header"


def test_401_refetches_the_token_once_and_resends_the_same_request() -> None:
    api = FakeGenesys()
    query = {"interval": "x/y", "paging": {"pageSize": 100, "pageNumber": 7}}

    async def scenario(client: GenesysClient) -> Any:
        await client.get("/api/v2/users/u1")
        api.revoked.add("token-1")
        await client.get("/api/v2/jobs/j1/results", {"cursor": "c-3", "pageSize": 9})
        return await client.post("/api/v2/analytics/conversations/details/query", query)

    _, client, _ = run_with(api, scenario)

    _, refused_get, resent_get, post = api.api_requests()
    assert refused_get.headers["Authorization"] == "Bearer token-1"
    assert resent_get.headers["Authorization"] == "Bearer token-2"
    assert resent_get.url.params["cursor"] == "c-3"
    assert refused_get.url == resent_get.url
    assert json.loads(post.content) == query
    assert client.stats.tokens_fetched == 2


def test_a_second_401_is_an_authentication_error() -> None:
    refused = error_response(401, "bad.credentials", "Invalid login credentials.")
    api = FakeGenesys(refused, refused, httpx.Response(200, json={}))

    with pytest.raises(AuthenticationError) as caught:
        run_with(api, lambda c: c.get(SURVEY_PATH))

    assert caught.value.status == 401
    assert len(api.api_requests()) == 2
    assert api.tokens_issued == 2


def test_a_token_expiring_during_a_backoff_is_renewed_again() -> None:
    refused = error_response(401, "bad.credentials", "Invalid login credentials.")
    limited = error_response(429, "too.many.requests.retry.after", "Slow down.")
    done = httpx.Response(200, json={"id": "s1"})
    api = FakeGenesys(refused, limited, refused, done)

    body, client, _ = run_with(api, lambda c: c.get(SURVEY_PATH))

    assert body == {"id": "s1"}
    assert len(api.api_requests()) == 4
    assert api.tokens_issued == 3
    assert client.stats.tokens_fetched == 3


def test_a_renewed_token_that_worked_and_then_expired_is_renewed_again() -> None:
    """Two requests refused together share one new token; it works for the first
    and is revoked before the second is resent, so the second renews once more."""
    api = FakeGenesys()

    async def scenario(client: GenesysClient) -> list[Any]:
        await client.get("/api/v2/users/u0")
        api.revoked.add("token-1")
        api.revoke_after_use.add("token-2")
        return await asyncio.gather(
            client.get("/api/v2/users/u1"), client.get("/api/v2/users/u2")
        )

    bodies, client, _ = run_with(api, scenario, max_concurrency=2)
    assert client.stats.tokens_fetched == 3

    assert bodies == [{}, {}]
    assert api.tokens_issued == 3
    sent = [r.headers["Authorization"].removeprefix("Bearer ") for r in api.requests]
    assert sent.count("token-2") == 2  # one accepted, one refused
    assert sent[-1] == "token-3"


def test_concurrent_401s_trigger_a_single_token_fetch() -> None:
    api = FakeGenesys()

    async def scenario(client: GenesysClient) -> None:
        await client.get("/api/v2/users/u0")
        api.revoked.add("token-1")  # the token expires mid-run
        await asyncio.gather(*(client.get(f"/api/v2/users/u{n}") for n in range(8)))

    _, client, _ = run_with(api, scenario)

    assert api.tokens_issued == 2
    assert client.stats.tokens_fetched == 2
    assert (
        sum(r.headers["Authorization"] == "Bearer token-2" for r in api.requests) == 8
    )


def test_token_is_refreshed_before_it_expires() -> None:
    api = FakeGenesys()

    async def scenario(client: GenesysClient) -> None:
        await client.get("/api/v2/users/u0")
        client._clock.now = 86399 - 60  # type: ignore[attr-defined]
        await client.get("/api/v2/users/u1")

    run_with(api, scenario)

    first, second = api.api_requests()
    assert first.headers["Authorization"] == "Bearer token-1"
    assert second.headers["Authorization"] == "Bearer token-2"


def test_wrong_credentials_are_not_retried() -> None:
    def login_refused(request: httpx.Request) -> httpx.Response:
        body = {"error": "invalid_client", "error_description": "authentication failed"}
        return httpx.Response(401, json=body)

    clock = FakeClock()
    config = Config.for_base_url("http://127.0.0.1:9", "id", SECRET)

    async def main() -> None:
        transport = httpx.MockTransport(login_refused)
        async with GenesysClient(
            config, transport=transport, sleep=clock.sleep, clock=clock
        ) as client:
            await client.get(SURVEY_PATH)

    with pytest.raises(AuthenticationError, match="authentication failed"):
        asyncio.run(main())
    assert clock.waits == []


def test_a_login_service_that_stays_down_is_retried_by_one_policy_only() -> None:
    calls: list[str] = []

    def login_down(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.path)
        return httpx.Response(503, json={"message": "down"})

    clock = FakeClock()
    config = Config.for_base_url("http://127.0.0.1:9", "id", SECRET, max_attempts=3)

    async def main() -> None:
        transport = httpx.MockTransport(login_down)
        async with GenesysClient(
            config, transport=transport, sleep=clock.sleep, clock=clock
        ) as client:
            await client.get(SURVEY_PATH)

    with pytest.raises(ServiceError) as caught:
        asyncio.run(main())
    assert caught.value.path == "/oauth/token"
    assert calls == ["/oauth/token"] * 3


@pytest.mark.parametrize(
    "failure",
    [
        pytest.param(httpx.ConnectError("refused"), id="connect"),
        pytest.param(httpx.ReadTimeout("slow"), id="timeout"),
        pytest.param(
            httpx.RemoteProtocolError(
                "Server disconnected without sending a response."
            ),
            id="dropped",
        ),
    ],
)
def test_transport_failures_are_retried(failure: Exception) -> None:
    api = FakeGenesys(failure, httpx.Response(200, json={"ok": 1}))

    body, client, clock = run_with(api, lambda c: c.get(SURVEY_PATH))

    assert body == {"ok": 1}
    assert client.stats.transport_errors == 1
    assert len(clock.waits) == 1


def test_transport_failures_on_every_attempt_raise_service_error() -> None:
    api = FakeGenesys(*[httpx.ConnectError("refused")] * 3)

    with pytest.raises(ServiceError) as caught:
        run_with(api, lambda c: c.get(SURVEY_PATH), max_attempts=3)

    assert caught.value.status is None
    assert caught.value.path == SURVEY_PATH
    # Nothing reachable: the region or base URL may be wrong, and it says so.
    assert isinstance(caught.value, UnreachableError)
    assert "GENESYS_REGION" in caught.value.hint


def test_timeouts_on_every_attempt_say_the_service_is_not_answering() -> None:
    api = FakeGenesys(*[httpx.ReadTimeout("slow")] * 3)

    with pytest.raises(ServiceError) as caught:
        run_with(api, lambda c: c.get(SURVEY_PATH), max_attempts=3)

    assert not isinstance(caught.value, UnreachableError)
    assert caught.value.hint == ServiceError.hint


def test_a_truncated_body_is_retried() -> None:
    api = FakeGenesys(
        httpx.Response(200, content=b'{"id": "s'), httpx.Response(200, json=[])
    )

    body, _, _ = run_with(api, lambda c: c.get(SURVEY_PATH))

    assert body == []


def test_stats_count_by_route() -> None:
    api = FakeGenesys()

    async def scenario(client: GenesysClient) -> None:
        await client.get(SURVEY_PATH)
        await client.get("/api/v2/quality/surveys/5e000000-0000-4000-8000-000000000002")
        await client.get("/api/v2/users", {"id": ["a"]})

    _, client, _ = run_with(api, scenario)

    assert client.stats.by_route == {
        "POST /oauth/token": 1,
        "GET /api/v2/quality/surveys/{id}": 2,
        "GET /api/v2/users": 1,
    }


@pytest.mark.parametrize(
    ("path", "route"),
    [
        ("/api/v2/users", "/api/v2/users"),
        (
            "/api/v2/analytics/conversations/details/jobs/10b00000-0000-4000-8000-000000000001/results",
            "/api/v2/analytics/conversations/details/jobs/{id}/results",
        ),
        (
            "/api/v2/quality/forms/surveys/bulk/contexts",
            "/api/v2/quality/forms/surveys/bulk/contexts",
        ),
        ("/api/v2/users/u1?state=deleted", "/api/v2/users/u1"),
        ("/api/v2/things/a1b2c3d4e5f6a7b8c9d0", "/api/v2/things/{id}"),
    ],
)
def test_route_of(path: str, route: str) -> None:
    assert route_of("GET", path) == f"GET {route}"


def test_encode_params_refuses_an_empty_list() -> None:
    with pytest.raises(ValueError, match="id"):
        encode_params({"id": []})


def test_one_info_line_per_request_and_no_secrets(
    caplog: pytest.LogCaptureFixture,
) -> None:
    api = FakeGenesys(
        error_response(429, "too.many.requests", "slow", {"Retry-After": "1"}),
        httpx.Response(200, json={"comment": "customer free text"}),
    )

    with caplog.at_level(logging.DEBUG):
        run_with(api, lambda c: c.get("/api/v2/users", {"id": ["u1"], "state": "any"}))

    lines = [r.getMessage() for r in caplog.records if r.name == "csat.client"]
    assert lines == [
        "POST /oauth/token 200 0 ms",
        "GET /api/v2/users 429 0 ms",
        "GET /api/v2/users 200 0 ms",
    ]
    for forbidden in (SECRET, "token-1", "Bearer", "Basic", "customer free text"):
        assert forbidden not in caplog.text
    # httpx's own line repeats the URL; the entry points silence it (logging_setup).
    ours = "\n".join(
        r.getMessage() for r in caplog.records if r.name.startswith("csat")
    )
    assert "state=any" not in ours


def test_client_repr_hides_the_secret() -> None:
    config = Config.for_base_url("http://127.0.0.1:9", "id", SECRET)
    client = GenesysClient(config, transport=httpx.MockTransport(FakeGenesys()))

    assert SECRET not in repr(client) + repr(client.config) + repr(client.stats)
    asyncio.run(client.aclose())


# Against the simulator --------------------------------------------------------


def sim_config(
    sim: RunningSimulator, secret: str = CLIENT_SECRET, **overrides: Any
) -> Config:
    return Config.for_base_url(sim.base_url, CLIENT_ID, secret, **overrides)


def run_against(
    config: Config,
    scenario: Callable[[GenesysClient], Awaitable[Any]],
    clock: Callable[[], float] | None = None,
    sleep: Callable[[float], Awaitable[None]] | None = None,
) -> tuple[Any, GenesysClient, FakeClock]:
    """Run `scenario` with a real client; waits are recorded, never slept."""
    fake = FakeClock()

    async def main() -> Any:
        async with GenesysClient(
            config, sleep=sleep or fake.sleep, clock=clock or fake
        ) as client:
            return await scenario(client), client

    result, client = asyncio.run(main())
    return result, client, fake


async def fetch_users(client: GenesysClient, ids: list[str]) -> list[dict[str, Any]]:
    return list(
        await asyncio.gather(
            *(client.get(f"/api/v2/users/{i}", {"state": "any"}) for i in ids)
        )
    )


def active_user_ids(sim: RunningSimulator) -> list[str]:
    return [u["id"] for u in sim.org.users if u.get("state") == "active"]


def test_sim_demo_credentials_authenticate(make_sim: MakeSim) -> None:
    sim = make_sim()
    expected = sim.org.users[0]

    user, client, _ = run_against(
        sim_config(sim), lambda c: c.get(f"/api/v2/users/{expected['id']}")
    )

    assert (user["id"], user["name"]) == (expected["id"], expected["name"])
    assert client.stats.tokens_fetched == 1
    assert client.stats.requests == 2


def test_sim_wrong_secret_is_an_authentication_error(make_sim: MakeSim) -> None:
    sim = make_sim()

    with pytest.raises(AuthenticationError, match="authentication failed"):
        run_against(sim_config(sim, "not-the-secret"), lambda c: c.get("/api/v2/users"))

    assert sim.stats.by_status == {401: 1}


def test_sim_token_expiry_mid_run_is_survived(
    make_sim: MakeSim, clock: SimClock
) -> None:
    sim = make_sim(faults=Faults(token_expiry_s=30), clock=clock)
    ids = active_user_ids(sim)[:4]

    async def scenario(client: GenesysClient) -> list[dict[str, Any]]:
        first = await fetch_users(client, ids[:1])
        clock.advance(31)  # the service revokes the token early
        return first + await fetch_users(client, ids[1:])

    users, client, _ = run_against(sim_config(sim), scenario)

    assert [u["id"] for u in users] == ids
    assert client.stats.tokens_fetched == 2
    assert sim.stats.by_status[401] >= 1


def test_sim_429_storm_still_completes(make_sim: MakeSim) -> None:
    sim = make_sim(faults=Faults(share_429=0.3, seed=3))
    ids = active_user_ids(sim) * 3

    users, client, fake = run_against(
        sim_config(sim, max_attempts=10), lambda c: fetch_users(c, ids)
    )

    assert [u["id"] for u in users] == ids
    assert client.stats.rate_limited == sim.stats.by_status[429] > 0
    assert client.stats.retries >= client.stats.rate_limited
    assert set(fake.waits) >= {float(sim.faults.retry_after_s)}


def test_sim_5xx_storm_still_completes(make_sim: MakeSim) -> None:
    sim = make_sim(faults=Faults(share_5xx=0.3, seed=4))
    ids = active_user_ids(sim) * 2

    users, client, _ = run_against(
        sim_config(sim, max_attempts=10), lambda c: fetch_users(c, ids)
    )

    assert [u["id"] for u in users] == ids
    server_errors = sim.stats.by_status[503] + sim.stats.by_status[504]
    assert client.stats.server_errors == server_errors > 0


def test_sim_dropped_connections_are_retried(make_sim: MakeSim) -> None:
    sim = make_sim(faults=Faults(share_dropped=0.3, seed=5))
    ids = active_user_ids(sim) * 2

    users, client, _ = run_against(
        sim_config(sim, max_attempts=10), lambda c: fetch_users(c, ids)
    )

    assert [u["id"] for u in users] == ids
    assert client.stats.transport_errors == sim.stats.by_status[0] > 0


def test_sim_missing_permission_names_it(make_sim: MakeSim) -> None:
    sim = make_sim(faults=Faults(deny_permissions={"quality:survey:view"}))
    path = "/api/v2/quality/surveys/5e000000-0000-4000-8000-000000000001"

    with pytest.raises(MissingPermissionError) as caught:
        run_against(sim_config(sim), lambda c: c.get(path))

    assert caught.value.permissions == ["quality:survey:view"]
    assert caught.value.correlation_id


@pytest.mark.slow
@pytest.mark.parametrize(
    "per_minute",
    [
        pytest.param(280.0, id="default-pace"),
        # Twice the budget: only the inin-ratelimit-* headers can hold it back.
        pytest.param(600.0, id="too-fast-held-by-rate-headers"),
    ],
)
def test_sim_healthy_run_sees_no_429(
    make_sim: MakeSim, clock: SimClock, per_minute: float
) -> None:
    # Client and simulator share one fake clock, so the client's pacing is what
    # the simulator's per-token window (300 a minute) really sees.
    sim = make_sim(clock=clock)
    ids = active_user_ids(sim)
    wanted = [ids[n % len(ids)] for n in range(400)]
    started = clock()

    async def advance(seconds: float) -> None:
        clock.advance(seconds)
        await asyncio.sleep(0)

    users, client, _ = run_against(
        sim_config(sim, requests_per_minute=per_minute),
        lambda c: fetch_users(c, wanted),
        clock=clock,
        sleep=advance,
    )

    assert len(users) == 400
    assert client.stats.rate_limited == sim.stats.by_status[429] == 0
    # More than one window's worth (300), so the run must span two windows.
    assert clock() - started > 60.0
