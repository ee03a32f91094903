"""The one retry policy every request goes through, token fetches included.

Modelled on the Go SDK's `newRetryPolicy` (genesys-api.md, section 12): retry 429
and every 5xx except 501, plus timeouts and dropped connections; honour
`Retry-After` up to a cap and give up above it; otherwise back off exponentially
with jitter. Attempts are bounded, and when they run out the last explicit error
(`RateLimitError` or `ServiceError`) is raised, never an empty result.

The client turns each failed attempt into an `ApiError` carrying the status and
the server's `Retry-After`; this module only decides whether and how long to wait.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from email.utils import parsedate_to_datetime
from typing import NoReturn

from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential_jitter,
)
from tenacity.stop import stop_base
from tenacity.wait import wait_base

from csat.errors import ApiError, RateLimitError, ServiceError

logger = logging.getLogger(__name__)

MAX_RETRY_AFTER_S = 180.0  # the Go SDK gives up above three minutes
BACKOFF_INITIAL_S = 1.0
BACKOFF_MAX_S = 60.0
BACKOFF_JITTER_S = 1.0

Sleep = Callable[[float], Awaitable[None]]
RetryHook = Callable[[RetryCallState], None]


def is_retryable(error: BaseException) -> bool:
    """429, 5xx but 501 (it will never be implemented), timeouts, dropped links."""
    if isinstance(error, RateLimitError):
        return True
    return isinstance(error, ServiceError) and error.status != 501


def parse_retry_after(value: str | None, *, now: float) -> float | None:
    """Seconds to wait from a `Retry-After` header: delay-seconds or an HTTP-date.

    `now` is the epoch time the date is measured from (the response's `Date`
    header when it has one, RFC 9110 section 10.2.3). A date in the past means no
    wait; an unreadable value means the header is ignored.
    """
    if value is None or not value.strip():
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    return _seconds_until(text, now)


def retry_after_seconds(
    headers: Mapping[str, str], *, now: Callable[[], float] = time.time
) -> float | None:
    """The wait a response asks for, measured from its own `Date` when present."""
    sent = _parse_http_date(headers.get("Date"))
    return parse_retry_after(
        headers.get("Retry-After"), now=sent if sent is not None else now()
    )


class stop_if_retry_after_too_long(stop_base):  # noqa: N801 (tenacity naming)
    """Give up when the service asks for a longer wait than we accept."""

    def __init__(self, limit: float) -> None:
        self.limit = limit

    def __call__(self, retry_state: RetryCallState) -> bool:
        wait = _retry_after(retry_state)
        return wait is not None and wait > self.limit


class wait_retry_after_or(wait_base):  # noqa: N801 (tenacity naming)
    """Wait what the service asked for, else fall back to another strategy."""

    def __init__(self, fallback: wait_base) -> None:
        self.fallback = fallback

    def __call__(self, retry_state: RetryCallState) -> float:
        wait = _retry_after(retry_state)
        return wait if wait is not None else self.fallback(retry_state)


def retry_policy(
    max_attempts: int,
    *,
    sleep: Sleep,
    on_retry: RetryHook | None = None,
    max_retry_after: float = MAX_RETRY_AFTER_S,
    backoff_initial: float = BACKOFF_INITIAL_S,
    backoff_max: float = BACKOFF_MAX_S,
    jitter: float = BACKOFF_JITTER_S,
) -> AsyncRetrying:
    """Build the retry policy: `await retry_policy(...)(fn, *args)` runs `fn`."""
    backoff = wait_exponential_jitter(
        multiplier=backoff_initial, max=backoff_max, jitter=jitter
    )
    return AsyncRetrying(
        sleep=sleep,
        stop=stop_after_attempt(max_attempts)
        | stop_if_retry_after_too_long(max_retry_after),
        wait=wait_retry_after_or(backoff),
        retry=retry_if_exception(is_retryable),
        before_sleep=_before_sleep(max_attempts, on_retry),
        retry_error_callback=_give_up,
    )


def _before_sleep(max_attempts: int, on_retry: RetryHook | None) -> RetryHook:
    def log_retry(retry_state: RetryCallState) -> None:
        error = _error(retry_state)
        wait = retry_state.next_action.sleep if retry_state.next_action else 0.0
        logger.warning(
            "Retrying %s after %s (attempt %d of %d) in %.2f s",
            getattr(error, "path", "") or "request",
            _describe(error),
            retry_state.attempt_number,
            max_attempts,
            wait,
        )
        if on_retry is not None:
            on_retry(retry_state)

    return log_retry


def _give_up(retry_state: RetryCallState) -> NoReturn:
    """Log why the retries stopped, then raise the last error itself."""
    error = _error(retry_state)
    if error is None:  # tenacity stops only after a failed attempt
        raise RuntimeError("retry policy stopped without an error")
    logger.warning(
        "Giving up on %s after %d attempt(s): %s%s",
        getattr(error, "path", "") or "request",
        retry_state.attempt_number,
        _describe(error),
        _too_long(error),
    )
    raise error


def _too_long(error: BaseException) -> str:
    wait = error.retry_after if isinstance(error, ApiError) else None
    return "" if wait is None else f", asked to wait {wait:.0f} s"


def _describe(error: BaseException | None) -> str:
    if not isinstance(error, ApiError):
        return type(error).__name__
    if error.status is None:
        return error.message  # written by the client: names the transport failure
    ref = f" [correlation id {error.correlation_id}]" if error.correlation_id else ""
    return f"HTTP {error.status}{ref}"


def _error(retry_state: RetryCallState) -> BaseException | None:
    outcome = retry_state.outcome
    return outcome.exception() if outcome is not None and outcome.failed else None


def _retry_after(retry_state: RetryCallState) -> float | None:
    error = _error(retry_state)
    return error.retry_after if isinstance(error, ApiError) else None


def _parse_http_date(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError):
        return None


def _seconds_until(text: str, now: float) -> float | None:
    moment = _parse_http_date(text)
    return None if moment is None else max(0.0, moment - now)
