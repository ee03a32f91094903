"""The Starlette application: routes, the gateway and error answers.

Every failure leaves as an `ErrorBody` carrying the request's correlation id:
refusals raised by routes (`ApiError`), unknown paths (404), wrong methods (405)
and unexpected exceptions (500).
"""

from __future__ import annotations

import logging

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response

from genesys_sim.errors import ApiError, error_response, problem_response
from genesys_sim.gateway import Gateway
from genesys_sim.routes import all_routes
from genesys_sim.state import SimState

logger = logging.getLogger(__name__)


def _correlation_id(request: Request) -> str:
    return str(request.scope.get("state", {}).get("correlation_id", ""))


async def _on_problem(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return problem_response(exc, _correlation_id(request))


async def _on_http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    return error_response(
        exc.status_code, _correlation_id(request), headers=exc.headers
    )


async def _on_crash(request: Request, exc: Exception) -> Response:
    logger.error(
        "unexpected error on %s %s", request.method, request.url.path, exc_info=exc
    )
    return error_response(500, _correlation_id(request))


def create_app(state: SimState) -> Starlette:
    """An ASGI app serving `state`'s org."""
    routes = all_routes()
    app = Starlette(
        routes=routes,
        middleware=[Middleware(Gateway, state=state, routes=routes)],
        exception_handlers={
            ApiError: _on_problem,
            HTTPException: _on_http_error,
            Exception: _on_crash,
        },
    )
    app.router.redirect_slashes = False
    app.state.sim = state
    return app
