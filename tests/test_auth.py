import asyncio
import base64
import json
import logging
from urllib.parse import parse_qs

import httpx
import pytest

from csat.auth import Token, TokenProvider
from csat.client import transient_error
from csat.config import Config
from csat.errors import AuthenticationError, RateLimitError

SECRET = "demo-client-secret-XYZ"
CONFIG = Config.for_base_url(
    "https://api.mypurecloud.ie", "demo-client-id", SECRET, max_attempts=4
)
INVALID_CLIENT = {
    "error": "invalid_client",
    "description": "authentication failed",
    "error_description": "authentication failed",
}


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


class LoginService:
    """Answers token requests from a script of (status, body, headers)."""

    def __init__(self, *answers: tuple[int, object, dict[str, str]]) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    def token_answer(self, number: int, expires_in: int = 86399) -> tuple:
        body = {"access_token": f"token-{number}", "token_type": "bearer"}
        return (200, {**body, "expires_in": expires_in}, {})

    async def send(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        await asyncio.sleep(0)  # let other workers run while "on the wire"
        if self.answers:
            status, body, headers = self.answers.pop(0)
        else:
            status, body, headers = self.token_answer(len(self.requests))
        response = httpx.Response(status, json=body, headers=headers, request=request)
        error = transient_error(response)
        if error is not None:
            raise error
        return response


def provider(service: LoginService, clock: FakeClock) -> TokenProvider:
    return TokenProvider(CONFIG, service.send, sleep=clock.sleep, clock=clock)


def test_token_request_is_basic_auth_with_a_form_body() -> None:
    service, clock = LoginService(), FakeClock()

    token = asyncio.run(provider(service, clock).token())

    [request] = service.requests
    expected = base64.b64encode(b"demo-client-id:" + SECRET.encode()).decode()
    assert token == "token-1"
    assert request.method == "POST"
    assert str(request.url) == "https://login.mypurecloud.ie/oauth/token"
    assert request.headers["Authorization"] == f"Basic {expected}"
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert parse_qs(request.content.decode()) == {"grant_type": ["client_credentials"]}


@pytest.mark.parametrize(
    ("expires_in", "refresh_at"),
    [
        pytest.param(86399, 86339.0, id="a-day: 60 s before"),
        pytest.param(600, 540.0, id="ten-minutes: 60 s before"),
        pytest.param(300, 270.0, id="five-minutes: at 90%"),
    ],
)
def test_token_is_refreshed_before_it_expires(
    expires_in: int, refresh_at: float
) -> None:
    service, clock = LoginService(), FakeClock()
    service.answers = [service.token_answer(1, expires_in)]
    tokens = provider(service, clock)

    async def scenario() -> list[str]:
        seen = [await tokens.token()]
        clock.now = refresh_at - 0.001
        seen.append(await tokens.token())
        clock.now = refresh_at
        seen.append(await tokens.token())
        return seen

    assert asyncio.run(scenario()) == ["token-1", "token-1", "token-2"]
    assert len(service.requests) == 2


def test_concurrent_workers_share_one_fetch() -> None:
    service, clock = LoginService(), FakeClock()
    tokens = provider(service, clock)

    async def scenario() -> list[str]:
        return list(await asyncio.gather(*(tokens.token() for _ in range(8))))

    assert asyncio.run(scenario()) == ["token-1"] * 8
    assert len(service.requests) == 1


def test_invalidating_a_token_fetches_a_new_one_once() -> None:
    service, clock = LoginService(), FakeClock()
    tokens = provider(service, clock)

    async def scenario() -> list[str]:
        old = await tokens.token()
        # Eight workers saw a 401 with the same old token.
        for _ in range(8):
            tokens.invalidate(old)
        fresh = await asyncio.gather(*(tokens.token() for _ in range(8)))
        tokens.invalidate(old)  # a late 401 must not discard the new token
        return [*fresh, await tokens.token()]

    assert asyncio.run(scenario()) == ["token-2"] * 9
    assert len(service.requests) == 2


def test_wrong_secret_is_an_authentication_error() -> None:
    service, clock = LoginService((401, INVALID_CLIENT, {})), FakeClock()

    with pytest.raises(AuthenticationError) as caught:
        asyncio.run(provider(service, clock).token())

    error = caught.value
    assert "authentication failed" in str(error)
    assert (error.status, error.code, error.path) == (
        401,
        "invalid_client",
        "/oauth/token",
    )
    assert SECRET not in str(error) and SECRET not in repr(error)
    assert clock.waits == []


def test_unknown_client_400_is_an_authentication_error_and_is_remembered() -> None:
    body = {**INVALID_CLIENT, "error_description": "client not found"}
    service, clock = LoginService((400, body, {})), FakeClock()
    tokens = provider(service, clock)

    async def scenario() -> None:
        for _ in range(3):
            with pytest.raises(AuthenticationError, match="client not found"):
                await tokens.token()

    asyncio.run(scenario())
    assert len(service.requests) == 1


def test_a_429_from_the_login_service_is_backed_off() -> None:
    too_many = {"message": "Rate limit exceeded", "code": "too.many.requests"}
    service = LoginService((429, too_many, {"Retry-After": "3"}))
    clock = FakeClock()

    token = asyncio.run(provider(service, clock).token())

    assert token == "token-2"
    assert clock.waits == [3.0]


def test_a_login_service_that_stays_down_raises_after_the_attempts() -> None:
    too_many = {"message": "Rate limit exceeded"}
    service = LoginService(*[(429, too_many, {"Retry-After": "1"})] * 4)
    clock = FakeClock()

    with pytest.raises(RateLimitError):
        asyncio.run(provider(service, clock).token())

    assert len(service.requests) == CONFIG.max_attempts
    assert clock.waits == [1.0, 1.0, 1.0]


def test_a_500_from_the_login_service_is_retried() -> None:
    service = LoginService((500, {"message": "oops"}, {}))
    clock = FakeClock()

    assert asyncio.run(provider(service, clock).token()) == "token-2"
    assert len(clock.waits) == 1


def test_no_secret_or_token_in_reprs_or_logs(caplog: pytest.LogCaptureFixture) -> None:
    service, clock = LoginService(), FakeClock()
    tokens = provider(service, clock)

    with caplog.at_level(logging.DEBUG):
        token = asyncio.run(tokens.token())

    shown = caplog.text + repr(tokens) + repr(Token(token, 1.0)) + repr(CONFIG)
    assert token not in shown
    assert SECRET not in shown
    assert json.dumps(SECRET) not in shown
