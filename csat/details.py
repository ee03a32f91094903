"""The synchronous conversation details query, window by window.

Which windows to read: the parts of a range the store lacks, and the look-back
period again when late answers may still arrive, cut at UTC midnights.

The sync query's `interval` selects conversations that *started* on any UTC day the
interval touches, and its pages can repeat a conversation while data is still
arriving (genesys-api.md, section 7). So each window keeps a conversation once, and
only when its own `conversationStart` lies inside the window. A window whose hits
would pass the 100,000-result window is cut at a UTC midnight until it fits.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import AsyncGenerator, Sequence
from contextlib import aclosing
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any, Literal

from csat.client import GenesysClient
from csat.errors import BadRequestError, ExtractionError
from csat.paging import iter_details_pages
from csat.timerange import (
    UtcRange,
    interval_param,
    parse_instant,
    split_windows,
    subtract,
)

logger = logging.getLogger(__name__)

DETAILS_PATH = "/api/v2/analytics/conversations/details/query"
PAGE_SIZE = 100
RESULT_WINDOW = 100_000
UNFILTERED_MAX_DAYS = 7

WindowState = Literal["complete", "provisional"]
Filters = dict[str, list[dict[str, Any]]]
Conversation = dict[str, Any]
Pages = AsyncGenerator[list[Conversation], None]


def _ended_filter() -> list[dict[str, Any]]:
    # Live conversations change under the query; leave them for the next refresh.
    ended = {"type": "dimension", "dimension": "conversationEnd", "operator": "exists"}
    return [{"type": "and", "predicates": [ended]}]


def _context_filter(dimension: str, context_id: str) -> list[dict[str, Any]]:
    predicate = {
        "type": "dimension",
        "dimension": dimension,
        "operator": "matches",
        "value": context_id,
    }
    return [{"type": "and", "predicates": [predicate]}]


def survey_filters(context_id: str) -> Filters:
    """Filters for conversations carrying a survey of the form `context_id`."""
    return {
        "conversationFilters": _ended_filter(),
        "surveyFilters": _context_filter("surveyFormContextId", context_id),
    }


def evaluation_filters(context_id: str) -> Filters:
    """Filters for conversations evaluated on the evaluation form `context_id`."""
    return {
        "conversationFilters": _ended_filter(),
        "evaluationFilters": _context_filter("contextId", context_id),
    }


def query_body(window: UtcRange, filters: Filters) -> dict[str, Any]:
    """The body of a details query (or job) for `window`, oldest first."""
    return {
        "interval": interval_param(window),
        "order": "asc",
        "orderBy": "conversationStart",
        **filters,
    }


def starts_inside(conversation: Conversation, window: UtcRange) -> bool:
    """Whether the conversation's own start lies in `window`."""
    started = parse_instant(conversation.get("conversationStart"))
    return started is not None and started in window


class WindowReader:
    """Reads one window's conversations through the sync details query."""

    def __init__(
        self,
        client: GenesysClient,
        filters: Filters,
        *,
        page_size: int = PAGE_SIZE,
        result_window: int = RESULT_WINDOW,
    ) -> None:
        self.client = client
        self.filters = filters
        self.page_size = page_size
        self.result_window = result_window

    async def iter_pages(self, window: UtcRange) -> Pages:
        """Yield the window's conversations page by page, each one once."""
        seen: set[str] = set()
        async with aclosing(self._iter_split(window)) as pages:
            async for conversations in pages:
                fresh = [c for c in conversations if c["conversationId"] not in seen]
                seen.update(c["conversationId"] for c in fresh)
                if fresh:
                    yield fresh

    async def _iter_split(self, window: UtcRange) -> Pages:
        parts: list[UtcRange] = []
        try:
            async with aclosing(self._iter_window(window, parts)) as pages:
                async for page in pages:
                    yield page
        except BadRequestError:
            # Filtered queries may span 31 days (UNCONFIRMED); fall back to 7.
            if window.duration <= timedelta(days=UNFILTERED_MAX_DAYS):
                raise
            logger.warning("Window %s refused; reading it in 7-day parts", window)
            parts = split_windows(window, UNFILTERED_MAX_DAYS)
        for part in parts:
            async with aclosing(self._iter_split(part)) as pages:
                async for page in pages:
                    yield page

    async def _iter_window(self, window: UtcRange, parts: list[UtcRange]) -> Pages:
        """Yield the window's pages, or fill `parts` when it must be split.

        The first page tells the total, so a window that fits costs no extra
        request, and one that does not is abandoned after that page.
        """
        body = query_body(window, self.filters)
        pages = iter_details_pages(
            self.client,
            DETAILS_PATH,
            body,
            self.page_size,
            result_window=self.result_window,
        )
        async with aclosing(pages) as bodies:
            async for response in bodies:
                if int(response.get("totalHits", 0)) > self.result_window:
                    parts.extend(split_at_midnight(window))
                    logger.info("Window %s passes the result window: split", window)
                    return
                conversations = response.get("conversations") or []
                yield [c for c in conversations if starts_inside(c, window)]


# Splitting a window that is too large


def split_at_midnight(window: UtcRange) -> tuple[UtcRange, UtcRange]:
    """Cut `window` at the UTC midnight nearest its middle.

    The sync query matches whole UTC days, so only a cut on a day boundary makes
    each part's result set smaller.
    """
    first_midnight = _next_midnight(window.start)
    last_midnight = utc_midnight(window.end)
    if last_midnight == window.end:
        last_midnight -= timedelta(days=1)
    if first_midnight > last_midnight:
        raise ExtractionError(
            f"More than {RESULT_WINDOW:,} conversations start on one UTC day "
            f"({window}); the details query cannot page through them."
        )
    middle = window.start + window.duration / 2
    cut = utc_midnight(middle)
    if middle - cut >= timedelta(hours=12):
        cut += timedelta(days=1)
    cut = min(max(cut, first_midnight), last_midnight)
    return UtcRange(window.start, cut), UtcRange(cut, window.end)


def _next_midnight(instant: datetime) -> datetime:
    midnight = utc_midnight(instant)
    return midnight if midnight > instant else midnight + timedelta(days=1)


# Which windows to read


@dataclass(frozen=True)
class PlannedWindow:
    """One window to read, how to read it, and how to record it."""

    window: UtcRange
    state: WindowState
    by_job: bool = False


def plan_windows(
    wanted: UtcRange,
    stored: Sequence[tuple[UtcRange, str]],
    *,
    now: datetime,
    lookback_days: float,
    refresh: bool,
    window_days: float,
) -> list[PlannedWindow]:
    """The windows of `wanted` to read, oldest first.

    A part is read unless the store holds it complete (or at all, without a
    refresh); with a refresh the look-back period is read again whatever the store
    holds. Nothing after `now` is read. Windows inside the look-back period are
    recorded provisional: surveys there may still be answered.
    """
    if wanted.start >= now:
        return []
    until_now = UtcRange(wanted.start, min(wanted.end, now))
    lookback_start = now - timedelta(days=lookback_days)
    covered = [window for window, state in stored if state == "complete" or not refresh]
    if refresh and lookback_start < until_now.end:
        lookback = UtcRange(max(lookback_start, until_now.start), until_now.end)
        covered = [part for c in covered for part in subtract(c, [lookback])]
    planned: list[PlannedWindow] = []
    for gap in subtract(until_now, covered):
        for part in cut_at(gap, lookback_start):
            state: WindowState = (
                "provisional" if part.start >= lookback_start else "complete"
            )
            planned += [PlannedWindow(w, state) for w in day_windows(part, window_days)]
    return planned


def cut_at(window: UtcRange, instant: datetime) -> list[UtcRange]:
    """`window`, cut in two at `instant` when it lies inside."""
    if window.start < instant < window.end:
        return [UtcRange(window.start, instant), UtcRange(instant, window.end)]
    return [window]


def day_windows(period: UtcRange, max_days: float) -> list[UtcRange]:
    """`period` cut into windows of at most `max_days`, inner cuts at UTC midnight.

    The sync query matches whole UTC days, so a cut inside a day would make both
    neighbours read that day.
    """
    step = timedelta(days=max_days)
    first_day = utc_midnight(period.start)
    cuts = [period.start]
    boundary = first_day + step if step >= timedelta(days=1) else period.start + step
    while boundary < period.end:
        cuts.append(boundary)
        boundary += step
    cuts.append(period.end)
    return [UtcRange(a, b) for a, b in itertools.pairwise(cuts) if a < b]


def utc_midnight(instant: datetime) -> datetime:
    """The start of the UTC day of `instant`."""
    return datetime.combine(instant.date(), time(), tzinfo=UTC)
