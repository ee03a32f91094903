"""The front door every request passes: correlation id, faults, token, rate limit.

In order: each request gets an `ININ-Correlation-Id` (also the `contextId` of any
error body); injected latency and faults apply (dropped connection, 429, 503,
504), `/oauth/token` included; every `/api/v2` call then needs a live bearer token
and a place in its token's rate-limit window. Allowed calls carry the
`inin-ratelimit-*` headers. Missing tokens answer 401 `authentication.required`;
unknown and expired tokens both answer 401 `bad.credentials`, the code the
reference table gives for an expired token. Every request is counted by route and
status (0 for a dropped connection).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Sequence
from functools import partial

from starlette.datastructures import Headers
from starlette.responses import Response
from starlette.routing import BaseRoute, Match, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from genesys_sim.errors import CORRELATION_HEADER, error_response, too_many_requests
from genesys_sim.faults import RequestFault, drop_connection
from genesys_sim.ratelimit import Decision
from genesys_sim.state import SimState
from genesys_sim.tokens import TokenStatus

logger = logging.getLogger(__name__)

API_PREFIX = "/api/v2/"


class _Sender:
    """Wraps `send`: counts the answer and adds the gateway's headers.

    The answer is counted before its first byte leaves, so a client that has a
    response also sees it in the stats.
    """

    def __init__(
        self, send: Send, correlation_id: str, count: Callable[[int], None]
    ) -> None:
        self._send = send
        self._count = count
        self.started = False
        self.extra = {CORRELATION_HEADER: correlation_id}

    def mark(self, status: int) -> None:
        """Count the request once, with `status` (0: no response at all)."""
        if not self.started:
            self.started = True
            self._count(status)

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.mark(int(message["status"]))
            headers = list(message.get("headers", []))
            present = {name.lower() for name, _ in headers}
            for name, value in self.extra.items():
                if name.lower().encode() not in present:
                    headers.append((name.lower().encode(), value.encode()))
            message = {**message, "headers": headers}
        await self._send(message)


class Gateway:
    """ASGI middleware in front of the routes."""

    def __init__(
        self, app: ASGIApp, state: SimState, routes: Sequence[BaseRoute]
    ) -> None:
        self.app = app
        self.state = state
        self.routes = routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        correlation_id = str(uuid.uuid4())
        scope.setdefault("state", {})["correlation_id"] = correlation_id
        route = self._route_name(scope)
        sender = _Sender(send, correlation_id, partial(self.state.stats.record, route))
        try:
            await self._handle(scope, receive, sender, correlation_id)
        finally:
            # Nothing sent: the app failed and the outer error handler answers 500.
            sender.mark(500)

    async def _handle(
        self, scope: Scope, receive: Receive, sender: _Sender, correlation_id: str
    ) -> None:
        fault = self.state.injector.request_fault()
        if self.state.faults.latency_s > 0:
            await self.state.sleep(self.state.faults.latency_s)
        if fault is RequestFault.DROP:
            sender.mark(0)
            await drop_connection(receive)
            logger.info(
                "dropped the connection of %s %s", scope["method"], scope["path"]
            )
            return
        refusal = self._fault_response(fault, correlation_id)
        if refusal is None and scope["path"].startswith(API_PREFIX):
            refusal, decision = self._admit(scope, correlation_id)
            if decision is not None:
                sender.extra.update(decision.headers())
        if refusal is not None:
            await refusal(scope, receive, sender)
            return
        await self.app(scope, receive, sender)

    def _fault_response(
        self, fault: RequestFault, correlation_id: str
    ) -> Response | None:
        if fault is RequestFault.RATE_LIMITED:
            return too_many_requests(self.state.faults.retry_after_s, correlation_id)
        if fault is RequestFault.UNAVAILABLE:
            return error_response(503, correlation_id)
        if fault is RequestFault.TIMEOUT:
            return error_response(504, correlation_id)
        return None

    def _admit(
        self, scope: Scope, correlation_id: str
    ) -> tuple[Response | None, Decision | None]:
        state = self.state
        token = _bearer_token(Headers(scope=scope).get("authorization", ""))
        if token is None:
            message = (
                "No authentication bearer token specified in authorization header."
            )
            return error_response(
                401, correlation_id, message, "authentication.required"
            ), None
        if (
            state.tokens.check(token, state.faults.token_expiry_s)
            is not TokenStatus.VALID
        ):
            message = "Invalid login credentials."
            return error_response(401, correlation_id, message, "bad.credentials"), None
        decision = state.limiter.check(token, state.limits.rate_limit_per_minute)
        if not decision.allowed:
            return too_many_requests(decision.reset_s, correlation_id), None
        return None, decision

    def _route_name(self, scope: Scope) -> str:
        for route in self.routes:
            match, _ = route.matches(scope)
            if match is not Match.NONE and isinstance(route, Route):
                return f"{scope['method']} {route.path}"
        return f"{scope['method']} (unmatched)"


def _bearer_token(header: str) -> str | None:
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()
