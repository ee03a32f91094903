"""POST /oauth/token: the client-credentials grant (reference section 4).

The client authenticates with HTTP Basic and sends
`grant_type=client_credentials` form-encoded. Refusals are OAuth-style bodies,
not `ErrorBody`: a wrong secret gives 401 "authentication failed" and an unknown
client id the same shape with "client not found" (both 401 here; the real status
for an unknown id is unconfirmed).
"""

from __future__ import annotations

import base64
import binascii
import hmac
import logging

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from genesys_sim.errors import oauth_error
from genesys_sim.routes.common import json_response, state_of

logger = logging.getLogger(__name__)


async def issue_token(request: Request) -> Response:
    """Exchange client credentials for a bearer token."""
    state = state_of(request)
    credentials = _basic_credentials(request.headers.get("authorization", ""))
    if credentials is None:
        return oauth_error(401, "authentication failed")
    client_id, secret = credentials
    if client_id != state.settings.client_id:
        return oauth_error(401, "client not found")
    if not hmac.compare_digest(secret.encode(), state.settings.client_secret.encode()):
        return oauth_error(401, "authentication failed")
    form = await request.form()
    if form.get("grant_type") != "client_credentials":
        return oauth_error(400, "unsupported grant type", "unsupported_grant_type")
    lifetime = state.limits.token_expires_in
    token = state.tokens.issue(client_id, lifetime)
    logger.info("issued a bearer token, valid %ss", lifetime)
    body = {"access_token": token.value, "token_type": "bearer", "expires_in": lifetime}
    return json_response(body)


def _basic_credentials(header: str) -> tuple[str, str] | None:
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic" or not encoded:
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    client_id, sep, secret = decoded.partition(":")
    return (client_id, secret) if sep else None


ROUTES = [Route("/oauth/token", issue_token, methods=["POST"])]
