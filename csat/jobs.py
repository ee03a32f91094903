"""Async conversation details jobs, for ranges too large for the sync query.

A job reads the datalake, which trails real time (`dataAvailabilityDate`), and
matches conversations *active* during its interval (genesys-api.md, section 8), so
only those that started inside the window are kept. A failed job is resubmitted on
two smaller windows and an expired one as it was, a bounded number of times; a
cancelled job, or one that never finishes, ends the extraction.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from contextlib import aclosing
from dataclasses import dataclass
from datetime import datetime, timedelta

from csat.client import GenesysClient
from csat.details import (
    Conversation,
    Filters,
    Pages,
    PlannedWindow,
    cut_at,
    day_windows,
    query_body,
    starts_inside,
    utc_midnight,
)
from csat.errors import ExtractionError, JobsGaveUpError, NotFoundError
from csat.paging import iter_cursor_pages
from csat.timerange import UtcRange, halve, parse_instant

logger = logging.getLogger(__name__)

JOBS_PATH = "/api/v2/analytics/conversations/details/jobs"
AVAILABILITY_PATH = f"{JOBS_PATH}/availability"
RESULTS_PAGE_SIZE = 1000
WAITING_STATES = frozenset({"QUEUED", "PENDING"})
SMALLEST_WINDOW = timedelta(hours=1)

Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True)
class JobPolicy:
    """How patiently jobs are waited for and how often they are resubmitted."""

    poll_interval_s: float = 3.0
    max_polls: int = 400
    max_failures: int = 6  # per window read, halves included
    max_expiries: int = 4  # per window read


async def data_availability(client: GenesysClient) -> datetime:
    """The instant up to which jobs can see data."""
    body = await client.get(AVAILABILITY_PATH)
    available = parse_instant(body.get("dataAvailabilityDate"))
    if available is None:
        raise ExtractionError("The jobs service gave no data availability date.")
    return available


def assign_jobs(
    plan: Sequence[PlannedWindow],
    available: datetime,
    job_window_days: float,
    margin: timedelta = timedelta(days=2),
) -> list[PlannedWindow]:
    """Read the older part of the plan by jobs, the rest by the sync query.

    A job leaves out conversations that ended after `available`, and the window
    holding a conversation's start is the only one that keeps it; so jobs stop a
    `margin` (the longest conversation) before `available`, on a UTC midnight.
    """
    until = utc_midnight(available - margin)
    assigned: list[PlannedWindow] = []
    for planned in plan:
        for part in cut_at(planned.window, until):
            if part.end <= until:
                windows = day_windows(part, job_window_days)
                assigned += [PlannedWindow(w, planned.state, True) for w in windows]
            else:
                assigned.append(PlannedWindow(part, planned.state))
    return assigned


class JobRunner:
    """Runs details jobs for windows and yields their conversations page by page."""

    def __init__(
        self,
        client: GenesysClient,
        filters: Filters,
        *,
        policy: JobPolicy | None = None,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.client = client
        self.filters = filters
        self.policy = policy or JobPolicy()
        self.sleep = sleep
        self.failures = 0
        self.expiries = 0

    async def iter_pages(self, window: UtcRange) -> Pages:
        """Yield the conversations that started in `window`, each one once."""
        self.failures = self.expiries = 0
        seen: set[str] = set()
        pending = [window]
        while pending:
            part = pending.pop(0)
            async with aclosing(self._iter_job(part, pending)) as pages:
                async for conversations in pages:
                    fresh = [
                        c for c in conversations if c["conversationId"] not in seen
                    ]
                    seen.update(c["conversationId"] for c in fresh)
                    if fresh:
                        yield fresh

    async def _iter_job(self, window: UtcRange, pending: list[UtcRange]) -> Pages:
        """One job's pages; on failure or expiry, put what to run next on `pending`."""
        job_id = await self._submit(window)
        try:
            state = await self._wait(job_id)
            if state == "FULFILLED":
                try:
                    async for page in self._iter_results(job_id, window):
                        yield page
                    return
                except NotFoundError:
                    state = "EXPIRED"  # results vanish once a job expires
            pending[:0] = self._next_windows(window, state)
        finally:
            await self._delete(job_id)

    async def _submit(self, window: UtcRange) -> str:
        body = await self.client.post(JOBS_PATH, json=query_body(window, self.filters))
        job_id = str(body["jobId"])
        logger.info("Submitted details job %s for %s", job_id, window)
        return job_id

    async def _wait(self, job_id: str) -> str:
        for _ in range(self.policy.max_polls):
            status = await self.client.get(f"{JOBS_PATH}/{job_id}")
            state = str(status.get("state", "")).upper()
            if state not in WAITING_STATES:
                return state
            await self.sleep(self.policy.poll_interval_s)
        raise JobsGaveUpError(
            f"Details job {job_id} did not finish after "
            f"{self.policy.max_polls} status checks."
        )

    async def _iter_results(self, job_id: str, window: UtcRange) -> Pages:
        path = f"{JOBS_PATH}/{job_id}/results"
        pages = iter_cursor_pages(self.client, path, RESULTS_PAGE_SIZE)
        async with aclosing(pages) as bodies:
            async for body in bodies:
                conversations: list[Conversation] = body.get("conversations") or []
                yield [c for c in conversations if starts_inside(c, window)]

    def _next_windows(self, window: UtcRange, state: str) -> list[UtcRange]:
        if state == "FAILED":
            return self._after_failure(window)
        if state == "EXPIRED":
            self.expiries += 1
            if self.expiries > self.policy.max_expiries:
                raise JobsGaveUpError(
                    f"Details jobs expired {self.expiries} times; giving up."
                )
            logger.warning("Details job for %s expired; resubmitting", window)
            return [window]
        raise ExtractionError(f"Details job for {window} ended as {state or '?'}.")

    def _after_failure(self, window: UtcRange) -> list[UtcRange]:
        self.failures += 1
        if self.failures > self.policy.max_failures:
            raise JobsGaveUpError(
                f"Details jobs failed {self.failures} times; giving up."
            )
        if window.duration < 2 * SMALLEST_WINDOW:
            raise JobsGaveUpError(f"Details job for {window} failed.")
        logger.warning("Details job for %s failed; resubmitting in halves", window)
        return list(halve(window))

    async def _delete(self, job_id: str) -> None:
        try:
            await self.client.delete(f"{JOBS_PATH}/{job_id}")
        except NotFoundError:
            logger.info("Details job %s was already gone", job_id)
