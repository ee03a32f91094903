"""Every error the csat package raises, as one small tree.

    CsatError
    ├── ConfigurationError        missing or malformed settings (credentials, region)
    ├── InputError                the caller asked for something impossible
    │   ├── DateRangeError        reversed, unparsable or unbounded dates
    │   ├── TimeZoneError         not an IANA time zone
    │   └── FormSelectionError    no such form, or no single CSAT form to choose
    ├── ApiError                  Genesys Cloud answered, and not with success
    │   ├── AuthenticationError   bad client credentials, or a 401 after re-login
    │   ├── MissingPermissionError  403: names the permission(s) to grant
    │   ├── NotFoundError         404
    │   ├── BadRequestError       400 the request cannot be retried as it is
    │   ├── RateLimitError        429 still answered when the retries ran out
    │   ├── ServiceError          5xx, timeouts or dropped connections, retries spent
    │   └── PaginationError       a page or cursor came back twice; paging stopped
    ├── ExtractionError           an async job failed or expired too often
    └── StoreError                the local cache cannot be opened or written

Errors carry the HTTP status, the request path (never its query string) and the
correlation id, so that Genesys support can find the request. They never carry
secrets, tokens or customer text.
"""

from __future__ import annotations


class CsatError(Exception):
    """Root of every error raised by the csat package."""

    hint: str = ""

    def __init__(self, message: str, *, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        if hint:
            self.hint = hint


class ConfigurationError(CsatError):
    """Settings are missing or malformed."""

    hint = (
        "Set GENESYS_CLIENT_ID, GENESYS_CLIENT_SECRET and GENESYS_REGION (or "
        "GENESYS_BASE_URL), or leave them all unset to use the demo org."
    )


class InputError(CsatError):
    """The caller asked for something that cannot be answered."""


class DateRangeError(InputError):
    """Dates are unparsable, reversed or unbounded."""

    hint = "Dates are YYYY-MM-DD, and the start must not be after the end."


class TimeZoneError(InputError):
    """The time zone is not a known IANA name."""

    hint = "Use an IANA time zone name such as Europe/London or America/New_York."


class FormSelectionError(InputError):
    """No form matches the request, or no single CSAT form can be chosen."""

    def __init__(
        self, message: str, *, candidates: list[str] | None = None, hint: str = ""
    ) -> None:
        super().__init__(message, hint=hint)
        self.candidates = candidates or []


class ApiError(CsatError):
    """Genesys Cloud answered a request with an error."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        path: str = "",
        correlation_id: str | None = None,
        code: str | None = None,
        retry_after: float | None = None,
        hint: str = "",
    ) -> None:
        super().__init__(message, hint=hint)
        self.status = status
        self.path = path
        self.correlation_id = correlation_id
        self.code = code
        self.retry_after = retry_after  # seconds the service asked us to wait

    def __str__(self) -> str:
        where = f" ({self.status} on {self.path})" if self.status else ""
        ref = f" [correlation id {self.correlation_id}]" if self.correlation_id else ""
        return f"{self.message}{where}{ref}"


class AuthenticationError(ApiError):
    """The OAuth client was refused, or a fresh token was refused too."""

    hint = (
        "Check GENESYS_CLIENT_ID and GENESYS_CLIENT_SECRET, and that the OAuth "
        "client uses the Client Credentials grant in the org's region."
    )


class MissingPermissionError(ApiError):
    """The OAuth client's role lacks a permission the request needs."""

    def __init__(
        self, message: str, *, permissions: list[str] | None = None, **kwargs: object
    ) -> None:
        super().__init__(message, **kwargs)  # type: ignore[arg-type]
        self.permissions = permissions or []
        if not self.hint:
            names = ", ".join(self.permissions) or "the permission named above"
            if self.any_of:
                names = "one of " + " or ".join(self.permissions)
            self.hint = (
                f"Grant {names} to a role of the OAuth client (Admin > Roles / "
                "Permissions), then try again."
            )

    @property
    def any_of(self) -> bool:
        """True when any one of `permissions` would do (`missing.any.permissions`)."""
        return self.code == "missing.any.permissions" and len(self.permissions) > 1


class NotFoundError(ApiError):
    """The requested object does not exist (or is not visible to this client)."""


class BadRequestError(ApiError):
    """The service refused the request as malformed or over a limit."""


class RateLimitError(ApiError):
    """Still rate limited after every retry."""

    hint = (
        "The org's API rate limit is exhausted. Wait a minute and refresh; "
        "everything fetched so far is kept."
    )


class ServiceError(ApiError):
    """The service failed (5xx, timeout, dropped connection) on every retry."""

    hint = "Genesys Cloud is not answering reliably. Try again later."


class UnreachableError(ServiceError):
    """No connection could be made on any attempt: a wrong host, or no network."""

    hint = (
        "Check that GENESYS_REGION (or GENESYS_BASE_URL) names the org's region "
        "and that this machine can reach it; if it can, Genesys Cloud is not "
        "answering: try again later."
    )


class AnswersUnreadError(ServiceError):
    """Some responses' answers failed on every retry; everything else is stored."""

    hint = (
        "Everything else is stored. Run the same extraction again (in the "
        "dashboard: press Refresh) to fetch the rest."
    )


class PaginationError(ApiError):
    """A paged endpoint repeated a page or cursor; stopping beats looping forever."""

    hint = "Genesys Cloud returned inconsistent pages. Try again later."


class ExtractionError(CsatError):
    """The extraction could not deliver a window's conversations."""


class JobsGaveUpError(ExtractionError):
    """Async details jobs failed or expired more often than allowed for a window.

    The synchronous details query can still read that window.
    """


class StoreError(CsatError):
    """The local cache cannot be opened or written."""
