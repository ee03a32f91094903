"""The sync details query over windows: filters, paging, dedupe, splits."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from csat.client import GenesysClient
from csat.config import Config
from csat.details import (
    DETAILS_PATH,
    WindowReader,
    cut_at,
    day_windows,
    evaluation_filters,
    plan_windows,
    query_body,
    split_at_midnight,
    starts_inside,
    survey_filters,
)
from csat.errors import ExtractionError
from csat.timerange import UtcRange, format_instant, parse_instant

CONTEXT = "fc000000-0000-4000-8000-000000000001"
Handler = Callable[[httpx.Request], httpx.Response]


def at(day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


def conversation(number: int, start: datetime) -> dict[str, Any]:
    return {
        "conversationId": f"c0c0c0c0-0000-4000-8000-{number:012d}",
        "conversationStart": format_instant(start),
    }


class FakeDetails:
    """A details endpoint with the service's day semantics and paging."""

    def __init__(
        self,
        conversations: list[dict[str, Any]],
        *,
        max_days: int = 31,
        repeat_first_on_page_two: bool = False,
    ) -> None:
        self.conversations = sorted(conversations, key=lambda c: c["conversationStart"])
        self.max_days = max_days
        self.repeat = repeat_first_on_page_two
        self.bodies: list[dict[str, Any]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oauth/token":
            return httpx.Response(200, json={"access_token": "t", "expires_in": 86399})
        assert request.url.path == DETAILS_PATH
        body = json.loads(request.content)
        self.bodies.append(body)
        start, end = (parse_instant(p) for p in body["interval"].split("/"))
        assert start is not None and end is not None
        if end - start > timedelta(days=self.max_days):
            return httpx.Response(400, json={"message": "interval too long"})
        return httpx.Response(200, json=self._page(start, end, body["paging"]))

    def _page(
        self, start: datetime, end: datetime, paging: dict[str, int]
    ) -> dict[str, Any]:
        # Every conversation that started on a UTC day the interval touches.
        first_day, last_day = start.date(), (end - timedelta(milliseconds=1)).date()
        matched = [
            c
            for c in self.conversations
            if first_day <= parse_instant(c["conversationStart"]).date() <= last_day
        ]
        size, number = paging["pageSize"], paging["pageNumber"]
        page = matched[(number - 1) * size : number * size]
        if self.repeat and number == 2 and matched:
            page = [matched[0], *page]
        result: dict[str, Any] = {"totalHits": len(matched)}
        if page:
            result["conversations"] = page
        return result


def make_client(handler: Handler) -> GenesysClient:
    config = Config.for_base_url(
        "https://api.example.test", "id", "secret", requests_per_minute=1e6
    )

    async def no_sleep(_: float) -> None:
        return None

    return GenesysClient(config, transport=httpx.MockTransport(handler), sleep=no_sleep)


def read(
    server: FakeDetails, window: UtcRange, **options: int
) -> list[list[dict[str, Any]]]:
    async def collect() -> list[list[dict[str, Any]]]:
        async with make_client(server) as client:
            reader = WindowReader(client, survey_filters(CONTEXT), **options)
            return [page async for page in reader.iter_pages(window)]

    return asyncio.run(collect())


def ids(pages: list[list[dict[str, Any]]]) -> list[str]:
    return [c["conversationId"] for page in pages for c in page]


def test_survey_filters_match_the_reference_request() -> None:
    filters = survey_filters(CONTEXT)
    survey = filters["surveyFilters"][0]
    assert survey["type"] == "and"
    assert survey["predicates"] == [
        {
            "type": "dimension",
            "dimension": "surveyFormContextId",
            "operator": "matches",
            "value": CONTEXT,
        }
    ]
    ended = filters["conversationFilters"][0]["predicates"][0]
    assert (ended["dimension"], ended["operator"]) == ("conversationEnd", "exists")


def test_evaluation_filters_use_the_context_id_dimension() -> None:
    predicate = evaluation_filters("ec1")["evaluationFilters"][0]["predicates"][0]
    assert (predicate["dimension"], predicate["value"]) == ("contextId", "ec1")


def test_query_body_orders_oldest_first_over_the_window() -> None:
    body = query_body(UtcRange(at(1), at(8)), survey_filters(CONTEXT))
    assert body["interval"] == "2026-11-01T00:00:00.000Z/2026-11-08T00:00:00.000Z"
    assert (body["order"], body["orderBy"]) == ("asc", "conversationStart")


def test_starts_inside_uses_the_half_open_window() -> None:
    window = UtcRange(at(1, 4), at(2, 4))
    assert starts_inside(conversation(1, at(1, 4)), window)
    assert not starts_inside(conversation(2, at(2, 4)), window)
    assert not starts_inside(conversation(3, at(1, 3, 59)), window)


def test_pages_of_100_are_read_to_the_end() -> None:
    server = FakeDetails(
        [conversation(n, at(3, 10) + timedelta(seconds=n)) for n in range(250)]
    )
    pages = read(server, UtcRange(at(1), at(8)))
    assert [len(p) for p in pages] == [100, 100, 50]
    assert [b["paging"] for b in server.bodies] == [
        {"pageSize": 100, "pageNumber": n} for n in (1, 2, 3)
    ]


def test_conversations_outside_the_window_on_a_touched_day_are_dropped() -> None:
    # The window starts at 04:00, but the query returns the whole first UTC day.
    early, inside, late = at(1, 3), at(1, 5), at(2, 4, 30)
    server = FakeDetails(
        [conversation(1, early), conversation(2, inside), conversation(3, late)]
    )
    pages = read(server, UtcRange(at(1, 4), at(2, 4)))
    assert ids(pages) == [conversation(2, inside)["conversationId"]]


def test_a_conversation_repeated_on_a_later_page_is_kept_once() -> None:
    convs = [conversation(n, at(3, 10) + timedelta(seconds=n)) for n in range(150)]
    server = FakeDetails(convs, repeat_first_on_page_two=True)
    found = ids(read(server, UtcRange(at(1), at(8))))
    assert len(found) == 150
    assert len(set(found)) == 150


def test_a_window_past_the_result_window_is_split_at_midnight() -> None:
    convs = [conversation(n, at(1 + n % 6, 12, n)) for n in range(12)]
    server = FakeDetails(convs)
    found = ids(read(server, UtcRange(at(1), at(7)), result_window=3, page_size=3))
    assert sorted(found) == sorted(c["conversationId"] for c in convs)
    intervals = [b["interval"] for b in server.bodies]
    # Every split lands on a UTC midnight.
    for interval in intervals:
        for instant in interval.split("/"):
            assert instant.endswith("T00:00:00.000Z")


def test_a_single_day_past_the_result_window_is_an_extraction_error() -> None:
    convs = [conversation(n, at(2, 10, n)) for n in range(5)]
    with pytest.raises(ExtractionError):
        read(FakeDetails(convs), UtcRange(at(2), at(3)), result_window=3, page_size=3)


def test_a_refused_long_window_is_read_in_seven_day_parts() -> None:
    convs = [conversation(n, at(1 + n, 12)) for n in range(20)]
    server = FakeDetails(convs, max_days=7)
    found = ids(read(server, UtcRange(at(1), at(21))))
    assert sorted(found) == sorted(c["conversationId"] for c in convs)
    lengths = {b["interval"] for b in server.bodies[1:]}
    assert len(lengths) == 3  # 7 + 7 + 6 days


@pytest.mark.parametrize(
    ("window", "cut"),
    [
        pytest.param(UtcRange(at(1), at(5)), at(3), id="whole-days"),
        pytest.param(UtcRange(at(1, 4), at(2, 1)), at(2), id="one-midnight"),
        pytest.param(UtcRange(at(1, 20), at(4, 2)), at(3), id="nearest-midnight"),
    ],
)
def test_split_at_midnight(window: UtcRange, cut: datetime) -> None:
    first, second = split_at_midnight(window)
    assert (first.start, first.end, second.start, second.end) == (
        window.start,
        cut,
        cut,
        window.end,
    )


def test_split_at_midnight_refuses_a_single_utc_day() -> None:
    with pytest.raises(ExtractionError):
        split_at_midnight(UtcRange(at(1, 4), at(2)))


# Which windows to read


NOW = at(30, 12)
NOVEMBER = UtcRange(at(1), at(30, 12))


def plan(
    wanted: UtcRange,
    stored: list[tuple[UtcRange, str]] | None = None,
    *,
    refresh: bool = True,
    lookback_days: float = 7,
    window_days: float = 31,
) -> list[tuple[datetime, datetime, str]]:
    windows = plan_windows(
        wanted,
        stored or [],
        now=NOW,
        lookback_days=lookback_days,
        refresh=refresh,
        window_days=window_days,
    )
    return [(p.window.start, p.window.end, p.state) for p in windows]


def test_an_empty_store_reads_everything_cut_at_the_lookback_start() -> None:
    assert plan(NOVEMBER) == [
        (at(1), at(23, 12), "complete"),
        (at(23, 12), NOW, "provisional"),
    ]


def test_nothing_after_now_is_read() -> None:
    assert plan(UtcRange(at(29), at(30) + timedelta(days=5))) == [
        (at(29), NOW, "provisional")
    ]
    assert plan(UtcRange(NOW, NOW + timedelta(days=1))) == []


def test_a_complete_range_reads_only_the_lookback_period() -> None:
    stored = [
        (UtcRange(at(1), at(23, 12)), "complete"),
        (UtcRange(at(23, 12), NOW), "provisional"),
    ]
    assert plan(NOVEMBER, stored) == [(at(23, 12), NOW, "provisional")]


def test_without_refresh_a_stored_range_reads_nothing() -> None:
    stored = [
        (UtcRange(at(1), at(23, 12)), "complete"),
        (UtcRange(at(23, 12), NOW), "provisional"),
    ]
    assert plan(NOVEMBER, stored, refresh=False) == []


def test_without_refresh_only_the_gaps_are_read() -> None:
    stored = [
        (UtcRange(at(1), at(10)), "complete"),
        (UtcRange(at(20), NOW), "provisional"),
    ]
    assert plan(NOVEMBER, stored, refresh=False) == [(at(10), at(20), "complete")]


def test_an_old_provisional_window_is_read_again_and_becomes_complete() -> None:
    stored = [
        (UtcRange(at(1), at(12)), "complete"),
        (UtcRange(at(12), at(19)), "provisional"),
    ]
    planned = plan(UtcRange(at(1), at(20)), stored)
    assert planned == [(at(12), at(20), "complete")]


def test_a_complete_window_inside_the_lookback_is_read_again_with_refresh() -> None:
    stored = [(UtcRange(at(1), NOW), "complete")]
    assert plan(NOVEMBER, stored) == [(at(23, 12), NOW, "provisional")]


def test_zero_lookback_days_reads_a_complete_range_not_at_all() -> None:
    stored = [(UtcRange(at(1), NOW), "complete")]
    assert plan(NOVEMBER, stored, lookback_days=0) == []


def test_long_gaps_are_cut_into_windows_at_utc_midnight() -> None:
    wanted = UtcRange(at(1, 5), at(25, 5))
    planned = plan(wanted, lookback_days=0, window_days=7)
    assert [(s, e) for s, e, _ in planned] == [
        (at(1, 5), at(8)),
        (at(8), at(15)),
        (at(15), at(22)),
        (at(22), at(25, 5)),
    ]


@pytest.mark.parametrize(
    ("period", "days", "expected"),
    [
        pytest.param(UtcRange(at(1), at(3)), 31, [(at(1), at(3))], id="short"),
        pytest.param(
            UtcRange(at(1, 4), at(3, 4)),
            1,
            [(at(1, 4), at(2)), (at(2), at(3)), (at(3), at(3, 4))],
            id="daily",
        ),
    ],
)
def test_day_windows(
    period: UtcRange, days: float, expected: list[tuple[datetime, datetime]]
) -> None:
    assert [(w.start, w.end) for w in day_windows(period, days)] == expected


def test_cut_at_splits_only_inside() -> None:
    window = UtcRange(at(1), at(3))
    assert cut_at(window, at(2)) == [UtcRange(at(1), at(2)), UtcRange(at(2), at(3))]
    assert cut_at(window, at(3)) == [window]
