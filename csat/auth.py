"""OAuth client credentials: one bearer token shared by every worker.

POST `{login}/oauth/token` with HTTP Basic credentials and a form body
(genesys-api.md, section 4). The grant has no refresh token, so the token is
fetched again shortly before `expires_in` runs out, and after a 401 (the client
renews again only for a token that had worked, see `was_accepted`).
A lock makes concurrent workers wait for one fetch instead of each doing their
own. A 429 or 5xx from the login service goes through the shared retry policy.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from csat.config import Config
from csat.errors import AuthenticationError
from csat.retry import RetryHook, Sleep, retry_policy

logger = logging.getLogger(__name__)

TOKEN_PATH = "/oauth/token"
REFRESH_MARGIN_S = 60.0
REFRESH_MARGIN_SHARE = 0.1  # short-lived tokens are refreshed at 90% of their life
DEFAULT_EXPIRES_IN_S = 300.0  # if the service omits it, assume the shortest lifetime
REMEMBERED_TOKENS = 8  # tokens known to have worked, newest last

Send = Callable[[httpx.Request], Awaitable[httpx.Response]]


@dataclass(frozen=True)
class Token:
    """A bearer token and the moment (on the provider's clock) to replace it."""

    value: str = field(repr=False)
    refresh_at: float


class TokenProvider:
    """Fetches, shares and renews the client-credentials token.

    `send` transmits one request and raises `RateLimitError` / `ServiceError` for
    a 429, a 5xx or a transport failure, so those are retried here like any call.
    """

    def __init__(
        self,
        config: Config,
        send: Send,
        *,
        sleep: Sleep = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
        on_retry: RetryHook | None = None,
    ) -> None:
        self._config = config
        self._send = send
        self._sleep = sleep
        self._clock = clock
        self._on_retry = on_retry
        self._lock = asyncio.Lock()
        self._current: Token | None = None
        self._refusal: AuthenticationError | None = None
        self._accepted: deque[str] = deque(maxlen=REMEMBERED_TOKENS)

    def __repr__(self) -> str:
        return f"TokenProvider(login={self._config.login_base_url!r})"

    async def token(self) -> str:
        """A valid token, fetching one if there is none or it is about to expire."""
        current = self._current
        if current is not None and self._clock() < current.refresh_at:
            return current.value

        async with self._lock:
            current = self._current
            if current is None or self._clock() >= current.refresh_at:
                current = await self._fetch()
                self._current = current
            return current.value

    def accepted(self, token: str) -> None:
        """Note that the API took `token`: a later 401 on it means it expired."""
        if token not in self._accepted:
            self._accepted.append(token)

    def was_accepted(self, token: str) -> bool:
        """Whether `token` ever worked; one refused before it ever worked is bad."""
        return token in self._accepted

    def invalidate(self, token: str) -> None:
        """Forget `token` after a 401, unless another worker already replaced it."""
        if self._current is not None and self._current.value == token:
            self._current = None

    async def _fetch(self) -> Token:
        if self._refusal is not None:
            raise self._refusal  # the credentials will not start working mid-run
        policy = retry_policy(
            self._config.max_attempts, sleep=self._sleep, on_retry=self._on_retry
        )
        try:
            token: Token = await policy(self._fetch_once)
        except AuthenticationError as refusal:
            self._refusal = refusal
            raise
        logger.debug("Fetched a new access token")
        return token

    async def _fetch_once(self) -> Token:
        started = self._clock()
        response = await self._send(self._token_request())
        if response.status_code != httpx.codes.OK:
            raise _refusal(response)
        return _read_token(response, started)

    def _token_request(self) -> httpx.Request:
        pair = f"{self._config.client_id}:{self._config.client_secret}".encode()
        return httpx.Request(
            "POST",
            self._config.login_base_url + TOKEN_PATH,
            data={"grant_type": "client_credentials"},
            headers={"Authorization": "Basic " + base64.b64encode(pair).decode()},
        )


def _read_token(response: httpx.Response, started: float) -> Token:
    body = _json_object(response)
    value = body.get("access_token")
    if not isinstance(value, str) or not value:
        raise AuthenticationError(
            "The login service answered without an access token.",
            status=response.status_code,
            path=TOKEN_PATH,
        )
    expires_in = _number(body.get("expires_in"), DEFAULT_EXPIRES_IN_S)
    margin = min(REFRESH_MARGIN_S, expires_in * REFRESH_MARGIN_SHARE)
    return Token(value=value, refresh_at=started + expires_in - margin)


def _refusal(response: httpx.Response) -> AuthenticationError:
    """The OAuth error body (`error`, `error_description`), never the request."""
    body = _json_object(response)
    reason = body.get("error_description") or body.get("description")
    return AuthenticationError(
        f"Login refused: {reason}" if isinstance(reason, str) else "Login refused.",
        status=response.status_code,
        path=TOKEN_PATH,
        correlation_id=response.headers.get("ININ-Correlation-Id"),
        code=body.get("error") if isinstance(body.get("error"), str) else None,
    )


def _json_object(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _number(value: object, default: float) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
        return float(value)
    return default
