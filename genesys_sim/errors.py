"""Error answers in the service's own shape.

Every `/api/v2` error is an `ErrorBody` (reference section 12): `message`, `code`,
`status`, `contextId` (the correlation id, equal to the `ININ-Correlation-Id`
header), `details` and `errors`. The login service answers in the OAuth style
instead (`error`, `description`, `error_description`), see `oauth_error`.

Route code raises `ApiError`; the app turns it into a response that carries the
request's correlation id.
"""

from __future__ import annotations

from collections.abc import Mapping

from starlette.responses import JSONResponse

CORRELATION_HEADER = "ININ-Correlation-Id"

_DEFAULT_CODES = {
    400: "bad.request",
    401: "authentication.required",
    403: "missing.permissions",
    404: "not.found",
    405: "method.not.allowed",
    429: "too.many.requests.retry.after",
    500: "internal.server.error",
    503: "service.unavailable",
    504: "request.timeout",
}

_DEFAULT_MESSAGES = {
    404: "The requested resource was not found.",
    405: "HTTP method not allowed for this resource.",
    500: "The server encountered an unexpected condition.",
    503: (
        "Service Unavailable - The server is currently unavailable (because it is "
        "overloaded or down for maintenance)."
    ),
    504: "The request timed out.",
}


class ApiError(Exception):
    """A request the simulator refuses, answered as an `ErrorBody`."""

    def __init__(
        self,
        status: int,
        message: str,
        code: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code or _DEFAULT_CODES.get(status, "bad.request")
        self.headers = dict(headers or {})


def bad_request(message: str, code: str = "bad.request") -> ApiError:
    """A 400 for malformed input or an exceeded limit."""
    return ApiError(400, message, code)


def not_found(message: str) -> ApiError:
    """A 404 for an unknown id."""
    return ApiError(404, message, "not.found")


def missing_permission(*permissions: str) -> ApiError:
    """A 403 naming the permission the request lacks, or the ones any of which do."""
    if len(permissions) > 1:
        message = (
            "Unable to perform the requested action. You must have at least one "
            f"of the following permissions assigned: [{', '.join(permissions)}]"
        )
        return ApiError(403, message, "missing.any.permissions")
    message = (
        "Unable to perform the requested action. You are missing the following "
        f"permission(s): [{permissions[0]}]"
    )
    return ApiError(403, message, "missing.permissions")


def error_body(
    status: int, code: str, message: str, correlation_id: str
) -> dict[str, object]:
    """The wire dict of an `ErrorBody`."""
    return {
        "message": message,
        "code": code,
        "status": status,
        "contextId": correlation_id,
        "details": [],
        "errors": [],
    }


def error_response(
    status: int,
    correlation_id: str,
    message: str | None = None,
    code: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    """An `ErrorBody` response with its correlation header."""
    text = message or _DEFAULT_MESSAGES.get(status, "The request failed.")
    body = error_body(
        status, code or _DEFAULT_CODES.get(status, "bad.request"), text, correlation_id
    )
    all_headers = {CORRELATION_HEADER: correlation_id, **(headers or {})}
    return JSONResponse(body, status_code=status, headers=all_headers)


def problem_response(problem: ApiError, correlation_id: str) -> JSONResponse:
    """The response for a raised `ApiError`."""
    return error_response(
        problem.status, correlation_id, problem.message, problem.code, problem.headers
    )


def too_many_requests(retry_after_s: int, correlation_id: str) -> JSONResponse:
    """The normalised 429 (Genesys forum, 2021-11-10): body, `Retry-After` and id."""
    message = (
        "Rate limit exceeded the maximum. Retry the request in "
        f"[{retry_after_s}] seconds"
    )
    return error_response(
        429, correlation_id, message, headers={"Retry-After": str(retry_after_s)}
    )


def oauth_error(
    status: int, description: str, error: str = "invalid_client"
) -> JSONResponse:
    """The login service's refusal: OAuth-style, not an `ErrorBody`."""
    body = {
        "error": error,
        "description": description,
        "error_description": description,
    }
    return JSONResponse(body, status_code=status)
