import asyncio

import pytest

from csat.config import Config
from csat.limiter import RateLimiter


class FakeClock:
    """A monotonic clock that only moves when someone sleeps on it."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds
        await asyncio.sleep(0)


def limiter(
    clock: FakeClock, per_minute: float = 60.0, concurrency: int = 8, burst: int = 5
) -> RateLimiter:
    return RateLimiter(
        per_minute, concurrency, burst=burst, clock=clock, sleep=clock.sleep
    )


async def enter_times(rate: RateLimiter, clock: FakeClock, count: int) -> list[float]:
    """Start `count` concurrent requests; return when each was let through."""
    times: list[float] = []

    async def request() -> None:
        async with rate.slot():
            times.append(clock())

    await asyncio.gather(*(request() for _ in range(count)))
    return times


def test_requests_keep_to_the_rate_after_a_small_burst() -> None:
    clock = FakeClock()
    rate = limiter(clock, per_minute=60.0, burst=5)

    times = asyncio.run(enter_times(rate, clock, 20))

    # Five at once (the burst), then one a second: request i at max(0, i - 4) s.
    expected = [float(max(0, i - 4)) for i in range(20)]
    assert times == pytest.approx(expected)


def test_no_window_of_a_minute_sees_more_than_rate_plus_burst() -> None:
    clock = FakeClock()
    rate = limiter(clock, per_minute=120.0, burst=5)

    times = asyncio.run(enter_times(rate, clock, 400))

    for start in times:
        inside = [t for t in times if start <= t < start + 60.0]
        assert len(inside) <= 120 + 5
    assert times[-1] == pytest.approx((400 - 5) / 2.0)


def peak_in_flight(concurrency: int, *, bulk: bool) -> int:
    """The most of 10 concurrent requests ever inside a slot at once."""
    rate = limiter(FakeClock(), per_minute=60_000.0, concurrency=concurrency, burst=100)
    in_flight = 0
    peak = 0

    async def request() -> None:
        nonlocal in_flight, peak
        async with rate.slot(bulk=bulk):
            in_flight += 1
            peak = max(peak, in_flight)
            for _ in range(3):
                await asyncio.sleep(0)
            in_flight -= 1

    async def main() -> None:
        await asyncio.gather(*(request() for _ in range(10)))

    asyncio.run(main())
    return peak


def test_concurrency_is_bounded() -> None:
    assert peak_in_flight(3, bulk=False) == 3


def test_a_nearly_used_window_holds_requests_until_it_resets() -> None:
    clock = FakeClock()
    rate = limiter(clock, per_minute=280.0)
    # 10 left of 300; the reserve is max(8 in flight, 5% of 300) = 15.
    rate.observe(
        {
            "inin-ratelimit-count": "290",
            "inin-ratelimit-allowed": "300",
            "inin-ratelimit-reset": "20",
        }
    )

    times = asyncio.run(enter_times(rate, clock, 1))

    assert times == [20.0]
    assert rate.waited_s == pytest.approx(20.0)


def test_a_window_running_low_slows_the_pace_until_it_resets() -> None:
    clock = FakeClock()
    rate = limiter(clock, per_minute=600.0, burst=1)
    headers = {
        "inin-ratelimit-count": "100",
        "inin-ratelimit-allowed": "300",
        "inin-ratelimit-reset": "30",
    }
    rate.observe(headers)

    times = asyncio.run(enter_times(rate, clock, 3))

    # 300 - 100 - 15 reserved = 185 requests over 30 s, slower than 10 a second.
    step = 30.0 / 185.0
    assert times == pytest.approx([0.0, step, 2 * step])
    assert rate.rate() == pytest.approx(185.0 / 30.0)
    clock.now = 31.0
    assert rate.rate() == pytest.approx(10.0)


def test_a_window_with_room_changes_nothing() -> None:
    clock = FakeClock()
    rate = limiter(clock, per_minute=280.0)

    rate.observe(
        {
            "inin-ratelimit-count": "10",
            "inin-ratelimit-allowed": "300",
            "inin-ratelimit-reset": "50",
        }
    )

    assert rate.rate() == pytest.approx(280.0 / 60.0)


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({}, id="absent"),
        pytest.param({"inin-ratelimit-count": "299"}, id="partial"),
        pytest.param(
            {
                "inin-ratelimit-count": "many",
                "inin-ratelimit-allowed": "300",
                "inin-ratelimit-reset": "20",
            },
            id="unreadable",
        ),
    ],
)
def test_missing_or_unreadable_headers_are_ignored(headers: dict[str, str]) -> None:
    clock = FakeClock()
    rate = limiter(clock, burst=1)

    rate.observe(headers)
    times = asyncio.run(enter_times(rate, clock, 1))

    assert times == [0.0]


def test_pause_holds_everyone_for_retry_after() -> None:
    clock = FakeClock()
    rate = limiter(clock, burst=5)

    rate.pause(42.0)
    times = asyncio.run(enter_times(rate, clock, 3))

    assert times == [42.0, 42.0, 42.0]


def test_from_config_uses_the_configured_budget() -> None:
    config = Config.for_base_url(
        "http://127.0.0.1:1", "id", "s", requests_per_minute=90.0, max_concurrency=2
    )

    rate = RateLimiter.from_config(config, clock=FakeClock())

    assert rate.rate() == pytest.approx(1.5)
    assert rate.max_concurrency == 2


def test_an_ordinary_request_goes_before_queued_bulk_ones() -> None:
    clock = FakeClock()
    rate = limiter(clock, per_minute=60.0, concurrency=4, burst=1)
    entered: dict[str, float] = {}

    async def request(name: str, bulk: bool) -> None:
        async with rate.slot(bulk=bulk):
            entered[name] = clock()

    async def main() -> float:
        bulk = [asyncio.create_task(request(f"b{n}", True)) for n in range(10)]
        while clock() < 3.0:  # bulk requests go one a second, seven still queued
            await asyncio.sleep(0)
        submitted = clock()
        await asyncio.gather(request("page", False), *bulk)
        return submitted

    submitted = asyncio.run(main())

    # At most the rest of the current holder's second, then its own.
    assert entered["page"] - submitted <= 2.0
    assert max(entered.values()) == pytest.approx(10.0)  # the pace holds


def test_bulk_requests_leave_one_slot_free_for_others() -> None:
    assert peak_in_flight(3, bulk=True) == 2


def test_a_cancelled_waiter_gives_its_place_to_the_next() -> None:
    clock = FakeClock()
    rate = limiter(clock, per_minute=60_000.0, concurrency=1, burst=100)
    entered: list[str] = []

    async def request(name: str) -> None:
        async with rate.slot():
            entered.append(name)
            for _ in range(3):
                await asyncio.sleep(0)

    async def main() -> None:
        first = asyncio.create_task(request("first"))
        await asyncio.sleep(0)
        doomed = asyncio.create_task(request("doomed"))
        last = asyncio.create_task(request("last"))
        await asyncio.sleep(0)
        doomed.cancel()
        await asyncio.gather(first, last)

    asyncio.run(main())

    assert entered == ["first", "last"]
