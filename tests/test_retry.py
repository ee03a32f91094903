import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from csat.errors import (
    ApiError,
    AuthenticationError,
    BadRequestError,
    MissingPermissionError,
    NotFoundError,
    RateLimitError,
    ServiceError,
)
from csat.retry import (
    is_retryable,
    parse_retry_after,
    retry_after_seconds,
    retry_policy,
)

NOON = datetime(2026, 3, 2, 12, 0, 0, tzinfo=UTC).timestamp()


class Sleeps:
    """Records the waits instead of waiting."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


def failing(
    errors: list[Exception], result: str = "ok"
) -> Callable[[], Awaitable[str]]:
    """An async function that raises `errors` in turn, then returns `result`."""
    calls = iter(errors)

    async def call() -> str:
        error = next(calls, None)
        if error is not None:
            raise error
        return result

    return call


def run(policy: Any, fn: Callable[[], Awaitable[str]]) -> str:
    return asyncio.run(policy(fn))  # type: ignore[no-any-return]


def rate_limited(retry_after: float | None = None) -> RateLimitError:
    return RateLimitError("slow down", status=429, path="/p", retry_after=retry_after)


def unavailable(status: int = 503, retry_after: float | None = None) -> ServiceError:
    return ServiceError("down", status=status, path="/p", retry_after=retry_after)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("42", 42.0, id="seconds"),
        pytest.param(" 0 ", 0.0, id="zero"),
        pytest.param("Mon, 02 Mar 2026 12:00:30 GMT", 30.0, id="http-date"),
        pytest.param("Mon, 02 Mar 2026 11:59:00 GMT", 0.0, id="date-in-the-past"),
        pytest.param("soon", None, id="unreadable"),
        pytest.param("", None, id="empty"),
        pytest.param(None, None, id="absent"),
    ],
)
def test_parse_retry_after(value: str | None, expected: float | None) -> None:
    assert parse_retry_after(value, now=NOON) == expected


def test_retry_after_date_is_measured_from_the_response_date() -> None:
    headers = {
        "Date": "Mon, 02 Mar 2026 12:00:00 GMT",
        "Retry-After": "Mon, 02 Mar 2026 12:01:15 GMT",
    }

    assert retry_after_seconds(headers, now=lambda: 0.0) == 75.0


def test_retry_after_date_without_response_date_uses_the_clock() -> None:
    headers = {"Retry-After": "Mon, 02 Mar 2026 12:00:05 GMT"}

    assert retry_after_seconds(headers, now=lambda: NOON) == 5.0


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        pytest.param(rate_limited(), True, id="429"),
        pytest.param(unavailable(500), True, id="500"),
        pytest.param(unavailable(503), True, id="503"),
        pytest.param(unavailable(504), True, id="504"),
        pytest.param(unavailable(501), False, id="501"),
        pytest.param(ServiceError("ConnectError"), True, id="transport"),
        pytest.param(BadRequestError("bad", status=400), False, id="400"),
        pytest.param(AuthenticationError("no", status=401), False, id="401"),
        pytest.param(MissingPermissionError("no", status=403), False, id="403"),
        pytest.param(NotFoundError("gone", status=404), False, id="404"),
        pytest.param(ValueError("bug"), False, id="programming-error"),
    ],
)
def test_what_is_retried(error: Exception, expected: bool) -> None:
    assert is_retryable(error) is expected


def test_retry_after_seconds_are_honoured() -> None:
    sleeps = Sleeps()
    policy = retry_policy(6, sleep=sleeps)

    result = run(policy, failing([rate_limited(7), rate_limited(3)]))

    assert result == "ok"
    assert sleeps.waits == [7.0, 3.0]


def test_backoff_grows_exponentially_and_is_bounded() -> None:
    sleeps = Sleeps()
    policy = retry_policy(
        8, sleep=sleeps, backoff_initial=1.0, backoff_max=10.0, jitter=0.5
    )

    with pytest.raises(ServiceError):
        run(policy, failing([unavailable() for _ in range(8)]))

    lower_bounds = [1.0, 2.0, 4.0, 8.0, 10.0, 10.0, 10.0]
    assert len(sleeps.waits) == len(lower_bounds)
    for wait, low in zip(sleeps.waits, lower_bounds, strict=True):
        assert low <= wait <= min(low + 0.5, 10.0)


def test_retry_after_on_a_503_is_honoured_too() -> None:
    sleeps = Sleeps()

    run(retry_policy(3, sleep=sleeps), failing([unavailable(503, retry_after=12)]))

    assert sleeps.waits == [12.0]


def test_exhausted_retries_raise_the_explicit_error() -> None:
    sleeps = Sleeps()
    errors: list[Exception] = [rate_limited(1) for _ in range(4)]

    with pytest.raises(RateLimitError) as caught:
        run(retry_policy(4, sleep=sleeps), failing(errors))

    assert caught.value is errors[-1]
    assert sleeps.waits == [1.0, 1.0, 1.0]


@pytest.mark.parametrize(
    "error",
    [
        pytest.param(unavailable(501), id="501"),
        pytest.param(BadRequestError("bad", status=400), id="400"),
        pytest.param(MissingPermissionError("no", status=403), id="403"),
        pytest.param(NotFoundError("gone", status=404), id="404"),
    ],
)
def test_fatal_errors_are_raised_at_once(error: ApiError) -> None:
    sleeps = Sleeps()

    with pytest.raises(type(error)):
        run(retry_policy(6, sleep=sleeps), failing([error]))

    assert sleeps.waits == []


def test_retry_after_above_the_cap_gives_up(caplog: pytest.LogCaptureFixture) -> None:
    sleeps = Sleeps()

    with pytest.raises(RateLimitError), caplog.at_level(logging.WARNING):
        run(retry_policy(6, sleep=sleeps), failing([rate_limited(181)]))

    assert sleeps.waits == []
    assert "Giving up on /p after 1 attempt(s): HTTP 429" in caplog.text
    assert "asked to wait 181 s" in caplog.text


def test_transport_failures_back_off() -> None:
    sleeps = Sleeps()
    policy = retry_policy(3, sleep=sleeps, backoff_initial=2.0, jitter=0.0)

    run(policy, failing([ServiceError("ReadTimeout"), ServiceError("ReadTimeout")]))

    assert sleeps.waits == [2.0, 4.0]


def test_each_retry_is_logged_with_its_wait(caplog: pytest.LogCaptureFixture) -> None:
    hooks: list[int] = []
    policy = retry_policy(
        6, sleep=Sleeps(), on_retry=lambda state: hooks.append(state.attempt_number)
    )
    error = RateLimitError(
        "slow", status=429, path="/api/v2/users", correlation_id="c-9", retry_after=5
    )

    with caplog.at_level(logging.WARNING, logger="csat.retry"):
        run(policy, failing([error]))

    assert hooks == [1]
    [record] = caplog.records
    assert record.levelno == logging.WARNING
    assert "/api/v2/users" in record.getMessage()
    assert "HTTP 429" in record.getMessage()
    assert "c-9" in record.getMessage()
    assert "5.00 s" in record.getMessage()
