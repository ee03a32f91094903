"""`GenesysClient`: the async HTTP client every fetcher uses.

One pooled `httpx.AsyncClient` behind the shared token, the shared rate limiter and
the one retry policy. Each request sent (retries and token fetches included) is
counted in `stats` and logged on one INFO line: method, path without its query
string, status and time. Headers and bodies are never logged.

    async with GenesysClient(config) as client:
        body = await client.get("/api/v2/users", params={"id": ids, "state": "any"})
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

import httpx

from csat.auth import TokenProvider
from csat.config import Config
from csat.errors import (
    ApiError,
    AuthenticationError,
    BadRequestError,
    MissingPermissionError,
    NotFoundError,
    RateLimitError,
    ServiceError,
    UnreachableError,
)
from csat.limiter import RateLimiter
from csat.retry import MAX_RETRY_AFTER_S, retry_after_seconds, retry_policy

logger = logging.getLogger(__name__)

CORRELATION_HEADER = "ININ-Correlation-Id"
USER_AGENT = "csat-explorer/0.1"

_ID_SEGMENT = re.compile(
    r"^(?:[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}"
    r"|(?=[^/]*\d)[A-Za-z0-9_.~=-]{16,})$"
)
_PERMISSION = re.compile(r"\b[A-Za-z]+(?::[A-Za-z*]+){2,}\b")
# RemoteProtocolError is how a dropped connection shows (no response at all).
_TRANSPORT_ERRORS = (
    httpx.TimeoutException,
    httpx.NetworkError,
    httpx.RemoteProtocolError,
)


@dataclass
class RequestStats:
    """Counts of HTTP requests sent, for summaries and benchmarks."""

    requests: int = 0
    retries: int = 0
    rate_limited: int = 0
    server_errors: int = 0
    transport_errors: int = 0
    tokens_fetched: int = 0
    by_route: Counter[str] = field(default_factory=Counter)


class _LoginError(Exception):
    """Carries a token-fetch failure past the request's retry policy.

    The token provider has already retried the login service with the same
    policy; retrying again around it would multiply the attempts.
    """

    def __init__(self, error: ApiError) -> None:
        super().__init__(error.message)
        self.error = error


@dataclass
class _Call:
    """One logical request, however many times it is sent."""

    method: str
    path: str
    params: dict[str, str]
    json: Any = None
    bulk: bool = False

    @property
    def route(self) -> str:
        return route_of(self.method, self.path)


class GenesysClient:
    """Authenticated, paced and retried access to the Genesys Cloud API.

    Calls return parsed JSON or raise the `csat.errors` tree; never an empty
    result in place of a failure.
    """

    def __init__(
        self,
        config: Config,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        limiter: RateLimiter | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.config = config
        self.stats = RequestStats()
        self._sleep = sleep
        self._clock = clock
        self._limiter = limiter or RateLimiter.from_config(
            config, clock=clock, sleep=sleep
        )
        self._http = _http_client(config, transport)
        self._auth = TokenProvider(
            config, self._send_login, sleep=sleep, clock=clock, on_retry=self._retried
        )

    async def __aenter__(self) -> GenesysClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the pooled connections."""
        await self._http.aclose()

    async def get(
        self, path: str, params: Mapping[str, Any] | None = None, *, bulk: bool = False
    ) -> Any:
        """GET `path`; list-valued parameters are sent comma-joined.

        `bulk` marks one of many like requests (a survey's answers): it gives way
        to every other request waiting for the rate limiter.
        """
        call = _Call("GET", path, encode_params(params), bulk=bulk)
        return await self._run(call)

    async def post(self, path: str, json: Any) -> Any:
        """POST `json` to `path` (the same body again on every retry)."""
        return await self._run(_Call("POST", path, {}, json))

    async def delete(self, path: str) -> None:
        """DELETE `path` (cancels an async job); any 2xx is success."""
        await self._run(_Call("DELETE", path, {}))

    async def _run(self, call: _Call) -> Any:
        policy = retry_policy(
            self.config.max_attempts, sleep=self._sleep, on_retry=self._retried
        )
        try:
            return await policy(self._attempt, call)
        except _LoginError as login:
            raise login.error from None

    async def _attempt(self, call: _Call) -> Any:
        response, token = await self._send_api(call)
        renewals = 0
        while response.status_code == httpx.codes.UNAUTHORIZED:
            # A refused token gets one new token and the same request again. A
            # token that had worked before expired or was revoked, perhaps while
            # this request waited its turn: renew again. A new token refused
            # before it ever worked is an authentication error.
            stale = renewals == 0 or self._auth.was_accepted(token)
            if not stale or renewals >= self.config.max_attempts:
                raise error_from_response(response)
            renewals += 1
            self.stats.retries += 1
            logger.info("Access token refused on %s; fetching a new one", call.route)
            response, token = await self._send_api(call)
        return _read_body(response)

    async def _send_api(self, call: _Call) -> tuple[httpx.Response, str]:
        # The token is taken once the limiter lets the request go, not before the
        # wait: a pause after a 429 can outlast a token fetched ahead of it.
        async with self._limiter.slot(bulk=call.bulk):
            try:
                token = await self._auth.token()
            except ApiError as failure:
                raise _LoginError(failure) from failure
            request = self._http.build_request(
                call.method,
                self.config.api_base_url + call.path,
                params=call.params or None,
                json=call.json,
                headers={"Authorization": f"Bearer {token}"},
            )
            response = await self._transmit(request)

        self._limiter.observe(response.headers)
        if response.status_code == httpx.codes.UNAUTHORIZED:
            self._auth.invalidate(token)
        else:
            self._auth.accepted(token)
        error = transient_error(response)
        if error is None:
            return response, token
        if error.retry_after and isinstance(error, RateLimitError):
            self._limiter.pause(min(error.retry_after, MAX_RETRY_AFTER_S))
        raise error

    async def _send_login(self, request: httpx.Request) -> httpx.Response:
        request.extensions["timeout"] = self._http.timeout.as_dict()
        response = await self._transmit(request)
        if response.status_code == httpx.codes.OK:
            self.stats.tokens_fetched += 1
        error = transient_error(response)
        if error is not None:
            raise error
        return response

    async def _transmit(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        self.stats.requests += 1
        self.stats.by_route[route_of(request.method, path)] += 1
        started = self._clock()
        try:
            response = await self._http.send(request)
        except _TRANSPORT_ERRORS as exc:
            self.stats.transport_errors += 1
            failure = type(exc).__name__
            logger.info("%s %s failed: %s", request.method, path, failure)
            if isinstance(exc, httpx.ConnectError):
                # Nothing reached at all: most likely the host itself is wrong.
                host = f"{request.url.scheme}://{request.url.netloc.decode()}"
                raise UnreachableError(
                    f"Nothing could be reached at {host} ({failure})", path=path
                ) from exc
            raise ServiceError(
                f"No answer from Genesys Cloud ({failure})", path=path
            ) from exc

        elapsed_ms = (self._clock() - started) * 1000
        logger.info(
            "%s %s %d %.0f ms", request.method, path, response.status_code, elapsed_ms
        )
        self._count_status(response.status_code)
        return response

    def _count_status(self, status: int) -> None:
        if status == httpx.codes.TOO_MANY_REQUESTS:
            self.stats.rate_limited += 1
        elif status >= 500:
            self.stats.server_errors += 1

    def _retried(self, _: object) -> None:
        self.stats.retries += 1


def encode_params(params: Mapping[str, Any] | None) -> dict[str, str]:
    """Query parameters as the SDK sends them: lists comma-joined, booleans lower."""
    encoded: dict[str, str] = {}
    for name, value in (params or {}).items():
        if value is None:
            continue
        if isinstance(value, set | frozenset):
            value = sorted(value)
        if isinstance(value, list | tuple):
            if not value:
                # An empty `id` list would silently mean "everything".
                raise ValueError(f"query parameter {name!r} is an empty list")
            value = ",".join(str(item) for item in value)
        elif isinstance(value, bool):
            value = "true" if value else "false"
        encoded[name] = str(value)
    return encoded


def route_of(method: str, path: str) -> str:
    """`GET /api/v2/quality/surveys/{id}`: the path with its ids replaced."""
    segments = path.split("?", 1)[0].split("/")
    masked = ["{id}" if _ID_SEGMENT.match(s) else s for s in segments]
    return f"{method} {'/'.join(masked)}"


def transient_error(response: httpx.Response) -> ApiError | None:
    """The error for a 429 or 5xx, which the retry policy may resend; else None."""
    status = response.status_code
    if status == httpx.codes.TOO_MANY_REQUESTS or status >= 500:
        return error_from_response(response)
    return None


def error_from_response(response: httpx.Response) -> ApiError:
    """The `csat.errors` exception for a failed response (an `ErrorBody`)."""
    status = response.status_code
    body = _error_body(response)
    message = _text(body.get("message")) or f"HTTP {status} {response.reason_phrase}"
    details: dict[str, Any] = {
        "status": status,
        "path": response.request.url.path,
        "correlation_id": response.headers.get(CORRELATION_HEADER)
        or _text(body.get("contextId")),
        "code": _text(body.get("code")),
    }
    if status == httpx.codes.UNAUTHORIZED:
        return AuthenticationError(f"Access token refused: {message}", **details)
    if status == httpx.codes.FORBIDDEN:
        names = permission_names(message, body)
        return MissingPermissionError(message, permissions=names, **details)
    if status == httpx.codes.NOT_FOUND:
        return NotFoundError(message, **details)
    if status == httpx.codes.TOO_MANY_REQUESTS:
        return RateLimitError(
            message, retry_after=retry_after_seconds(response.headers), **details
        )
    if status >= 500:
        return ServiceError(
            message, retry_after=retry_after_seconds(response.headers), **details
        )
    if status >= 400:
        return BadRequestError(message, **details)
    return ApiError(message, **details)


def permission_names(message: str, body: Mapping[str, Any]) -> list[str]:
    """Permission names (`quality:survey:view`) named by a 403, in order, once each."""
    params = body.get("messageParams")
    extra = params.values() if isinstance(params, Mapping) else []
    text = " ".join([message, *(str(value) for value in extra)])
    return list(dict.fromkeys(_PERMISSION.findall(text)))


def _read_body(response: httpx.Response) -> Any:
    if not response.is_success:
        raise error_from_response(response)
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError as exc:
        raise ServiceError(
            "Genesys Cloud sent a response that is not JSON",
            status=response.status_code,
            path=response.request.url.path,
            correlation_id=response.headers.get(CORRELATION_HEADER),
        ) from exc


def _error_body(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _http_client(
    config: Config, transport: httpx.AsyncBaseTransport | None
) -> httpx.AsyncClient:
    pool = config.max_concurrency + 2  # the workers, a token fetch, a spare
    return httpx.AsyncClient(
        transport=transport,
        timeout=httpx.Timeout(config.timeout_s),
        limits=httpx.Limits(max_connections=pool, max_keepalive_connections=pool),
        headers={"Accept": "application/json", "User-Agent": USER_AGENT},
    )
