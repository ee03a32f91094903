"""Bearer tokens of the client-credentials grant: issued, checked, expired.

Tokens are opaque random strings, valid for `Limits.token_expires_in` seconds (the
`expires_in` of the token response). `Faults.token_expiry_s` shortens the life of
every token, issued or not yet issued, without changing what `expires_in` said:
the service can revoke a token early, and clients must cope.
"""

from __future__ import annotations

import enum
import secrets
from collections.abc import Callable
from dataclasses import dataclass


class TokenStatus(enum.Enum):
    """The verdict on a presented bearer token."""

    VALID = "valid"
    UNKNOWN = "unknown"
    EXPIRED = "expired"


@dataclass(frozen=True)
class Token:
    """One issued token; never logged."""

    value: str
    client_id: str
    issued_at: float
    lifetime_s: float


class TokenStore:
    """Every token issued by this server, checked against an injectable clock."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._tokens: dict[str, Token] = {}

    def issue(self, client_id: str, lifetime_s: float) -> Token:
        """A fresh token for the client."""
        token = Token(secrets.token_urlsafe(32), client_id, self._clock(), lifetime_s)
        self._tokens[token.value] = token
        return token

    def check(self, value: str, early_expiry_s: float | None = None) -> TokenStatus:
        """Whether `value` is a live token; `early_expiry_s` caps its age."""
        token = self._tokens.get(value)
        if token is None:
            return TokenStatus.UNKNOWN
        lifetime = token.lifetime_s
        if early_expiry_s is not None:
            lifetime = min(lifetime, early_expiry_s)
        if self._clock() >= token.issued_at + lifetime:
            return TokenStatus.EXPIRED
        return TokenStatus.VALID
