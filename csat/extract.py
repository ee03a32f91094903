"""The orchestrator: bring the store up to date for a range, then read it back.

`Extractor.run(request)` resolves the form, works out which parts of the range the
store lacks (or must re-read because late answers may still arrive), reads those
windows through the sync details query or, for large ranges, async jobs, fetches
the answers of every finished response not yet stored, names the ids, and returns
the `Dataset`. Every page is stored as it arrives and a window is recorded only
once all of it is stored, so an interrupted run resumes where it stopped.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncGenerator, Callable, Sequence
from contextlib import aclosing
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pandas as pd

from csat.client import GenesysClient
from csat.config import Config
from csat.dataset import (
    Dataset,
    ExtractRequest,
    Health,
    Progress,
    ProgressCallback,
    Source,
)
from csat.details import (
    Conversation,
    Filters,
    PlannedWindow,
    WindowReader,
    evaluation_filters,
    plan_windows,
    survey_filters,
)
from csat.errors import AnswersUnreadError, JobsGaveUpError, NotFoundError
from csat.evaluations import EvaluationAnswers
from csat.forms import (
    FormVersionCache,
    ResolvedForm,
    form_info,
    resolve_form,
    stored_version,
)
from csat.jobs import JobPolicy, JobRunner, Sleep, assign_jobs, data_availability
from csat.lookups import DIVISIONS, QUEUES, USERS, WRAPUP_CODES, NameResolver
from csat.metrics import survey_funnel
from csat.records import evaluation_rows, interaction_row, survey_rows
from csat.store import Store
from csat.surveys import Answered, AnswerFetcher, Row, SurveyAnswers
from csat.timerange import UtcRange, local_range_to_utc, subtract

logger = logging.getLogger(__name__)


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class ExtractOptions:
    """Tuning of an extraction; the defaults suit a real org."""

    window_days: float = 31  # filtered sync queries may span 31 days
    jobs_after_days: float = 31  # ranges needing more than this use async jobs
    job_window_days: float = 31
    job_policy: JobPolicy = field(default_factory=JobPolicy)
    sleep: Sleep = asyncio.sleep
    now: Callable[[], datetime] = _utc_now


@dataclass(frozen=True)
class _SourceKind:
    filters: Callable[[str], Filters]
    rows: Callable[[Conversation, str], list[Row]]
    answers: type[AnswerFetcher]


_SOURCES: dict[str, _SourceKind] = {
    "survey": _SourceKind(survey_filters, survey_rows, SurveyAnswers),
    "evaluation": _SourceKind(evaluation_filters, evaluation_rows, EvaluationAnswers),
}


def open_dataset_sync(
    config: Config,
    request: ExtractRequest,
    progress: ProgressCallback | None = None,
    options: ExtractOptions | None = None,
) -> Dataset:
    """Run an extraction to completion in a fresh event loop and return its rows.

    Safe to call from a thread without a running loop (Streamlit's script thread).
    """
    return asyncio.run(open_dataset(config, request, progress, options))


async def open_dataset(
    config: Config,
    request: ExtractRequest,
    progress: ProgressCallback | None = None,
    options: ExtractOptions | None = None,
) -> Dataset:
    """The async body of `open_dataset_sync`: one client, one store, one run."""
    with Store.for_config(config) as store:
        async with GenesysClient(config) as client:
            extractor = Extractor(
                client, store, config, options=options, progress=progress
            )
            return await extractor.run(request)


class Extractor:
    """Brings one org's store up to date for a request and reads it back."""

    def __init__(
        self,
        client: GenesysClient,
        store: Store,
        config: Config,
        *,
        options: ExtractOptions | None = None,
        progress: ProgressCallback | None = None,
    ) -> None:
        self.client = client
        self.store = store
        self.config = config
        self.options = options or ExtractOptions()
        self.progress = progress or (lambda _: None)
        self.versions = FormVersionCache(client, store)
        self.names = NameResolver(client, store)
        self.notes: list[str] = []
        self.data_availability: datetime | None = None
        self._counts = {"conversations": 0, "answers": 0, "windows": 0, "planned": 0}

    async def run(self, request: ExtractRequest) -> Dataset:
        """Extract `request` into the store and return its dataset."""
        wanted = local_range_to_utc(request.start, request.end, request.tz)
        now = self.options.now()
        self._report("forms", 0, None, "Choosing the form")
        resolved = await self._resolve_form(request)
        latest = await self.versions.get(resolved.latest_version_id, request.source)
        plan = plan_windows(
            wanted,
            self._stored(resolved),
            now=now,
            lookback_days=request.lookback_days,
            refresh=request.refresh,
            window_days=self.options.window_days,
        )
        plan = await self._assign_jobs(plan)
        await self._read_windows(plan, resolved, now)
        if plan or request.refresh:
            self.store.set_meta(_cached_at_key(resolved), now.isoformat())
        frame = await self._named_frame(resolved, wanted)
        self._report("done", 1, 1, f"{len(frame)} responses")
        return Dataset(
            request=request,
            form=form_info(resolved, latest),
            responses=frame,
            answers=self.store.answers_frame(list(frame["survey_id"])),
            health=self._health(frame, resolved, wanted, now),
        )

    # Choosing the form

    async def _resolve_form(self, request: ExtractRequest) -> ResolvedForm:
        """The form to read; without a refresh, the choice stored last time."""
        key = _form_key(request)
        stored = self.store.meta(key)
        if stored and not request.refresh:
            resolved = ResolvedForm(**_tupled(json.loads(stored)))
        else:
            resolved = await resolve_form(self.client, request.form, request.source)
            self.store.set_meta(key, json.dumps(asdict(resolved)))
        if resolved.warning:
            self.notes.append(resolved.warning)
        return resolved

    def _stored(self, resolved: ResolvedForm) -> list[tuple[UtcRange, str]]:
        states = self.store.windows(
            source=resolved.source, context_id=resolved.context_id
        )
        return [(UtcRange(s.start, s.end), s.state) for s in states]

    # Reading windows

    async def _assign_jobs(self, plan: list[PlannedWindow]) -> list[PlannedWindow]:
        """Large plans go to async jobs up to the data availability date."""
        needed = sum((p.window.duration for p in plan), timedelta())
        if needed <= timedelta(days=self.options.jobs_after_days):
            return plan
        available = await data_availability(self.client)
        self.data_availability = available
        logger.info("Using details jobs for data up to %s", available.isoformat())
        return assign_jobs(plan, available, self.options.job_window_days)

    async def _read_windows(
        self, plan: Sequence[PlannedWindow], resolved: ResolvedForm, now: datetime
    ) -> None:
        """Page through every window, fetching answers while paging goes on.

        Paging does not wait for the answers of earlier windows (and the limiter
        lets details pages past queued answers), so the summary records of the
        whole range come in first. A window is recorded once its answers are
        stored too, so an interrupted run reads it again.
        """
        kind = _SOURCES[resolved.source]
        filters = kind.filters(resolved.context_id)
        reader = WindowReader(self.client, filters)
        jobs = JobRunner(
            self.client,
            filters,
            policy=self.options.job_policy,
            sleep=self.options.sleep,
        )
        answers = kind.answers(self.client, self.versions)
        self._counts["windows"] = 0
        self._counts["planned"] = len(plan)
        try:
            async with asyncio.TaskGroup() as group:
                for planned in plan:
                    pages = jobs.iter_pages if planned.by_job else reader.iter_pages
                    fetching: list[asyncio.Task[bool]] = []
                    try:
                        await self._read_pages(
                            pages(planned.window), resolved, answers, group, fetching
                        )
                    except JobsGaveUpError as failure:
                        # What the jobs delivered is stored; the sync query reads
                        # the whole window again, and upserts keep each row once.
                        logger.warning(
                            "%s Reading %s by the details query.",
                            failure,
                            planned.window,
                        )
                        self.notes.append(
                            f"{failure} {planned.window} was read by the details query."
                        )
                        await self._read_pages(
                            reader.iter_pages(planned.window),
                            resolved,
                            answers,
                            group,
                            fetching,
                        )
                    group.create_task(
                        self._close_window(planned, fetching, resolved, now, len(plan))
                    )
        except BaseExceptionGroup as failures:
            # Callers handle the csat error tree, not the task group's wrapper.
            raise first_error(failures) from None
        if answers.missing:
            self.notes.append(f"{len(answers.missing)} responses no longer exist")
        if answers.unread:
            unread = len(answers.unread)
            raise AnswersUnreadError(
                f"The answers of {unread} response{'' if unread == 1 else 's'} "
                "could not be read after every retry (server errors or rate "
                "limiting)."
            )

    async def _read_pages(
        self,
        pages: AsyncGenerator[list[Conversation], None],
        resolved: ResolvedForm,
        answers: AnswerFetcher,
        group: asyncio.TaskGroup,
        fetching: list[asyncio.Task[bool]],
    ) -> None:
        """Store a window's pages; `fetching` gets the tasks fetching answers."""
        async with aclosing(pages) as stream:
            async for conversations in stream:
                rows = await self._page_rows(conversations, resolved)
                self._store_page(conversations, rows)
                pending = [row for row in rows if answers.wants(row)]
                if pending:
                    fetching.append(
                        group.create_task(self._store_answers(answers, pending))
                    )

    async def _close_window(
        self,
        planned: PlannedWindow,
        fetching: list[asyncio.Task[bool]],
        resolved: ResolvedForm,
        now: datetime,
        total: int,
    ) -> None:
        """Record the window once every answer of it is stored.

        A window with answers left unread is not recorded, so the next run reads
        it again (and fetches only what is not stored).
        """
        complete = [await task for task in fetching]
        if not all(complete):
            logger.warning("Window %s not recorded: answers unread", planned.window)
            return
        self.store.record_window(
            source=resolved.source,
            context_id=resolved.context_id,
            window=planned.window,
            state=planned.state,
            fetched_at=now,
        )
        logger.info("Window %s stored (%s)", planned.window, planned.state)
        self._counts["windows"] += 1
        done = self._counts["windows"]
        self._report("conversations", done, total, _window_note(planned))

    async def _page_rows(
        self, conversations: list[Conversation], resolved: ResolvedForm
    ) -> list[Row]:
        """The page's response rows not yet final, each with its version's scale."""
        kind = _SOURCES[resolved.source]
        rows = [r for c in conversations for r in kind.rows(c, resolved.context_id)]
        final = self.store.surveys_with_answers(row["survey_id"] for row in rows)
        # Finished responses with answers stored never change: leave them be.
        fresh = [row for row in rows if row["survey_id"] not in final]
        return [await self._with_scale(row, resolved.source) for row in fresh]

    async def _with_scale(self, row: Row, source: Source) -> Row:
        """The row with the CSAT scale of the form version it was sent on."""
        try:
            version = await self.versions.get(str(row["survey_form_id"]), source)
        except NotFoundError:
            logger.warning("Form version %s not found", row["survey_form_id"])
            return row
        if not version.scale:
            return row
        return row | {
            "csat_scale_min": min(version.scale),
            "csat_scale_max": max(version.scale),
        }

    def _store_page(self, conversations: list[Conversation], rows: list[Row]) -> None:
        interactions = [
            interaction_row(c, include_pii=self.config.include_pii)
            for c in conversations
        ]
        with self.store.transaction():
            self.store.upsert_interactions(interactions)
            self.store.upsert_responses(rows)
        self._counts["conversations"] += len(conversations)
        stored = self._counts["conversations"]
        self._report(
            "conversations",
            self._counts["windows"],
            self._counts["planned"],
            f"{stored} conversations stored",
            stored=stored,
        )

    async def _store_answers(self, answers: AnswerFetcher, rows: list[Row]) -> bool:
        """Fetch and store the answers of `rows`; False when some stay unread."""
        answered: list[Answered] = await answers.fetch_all(rows)
        with self.store.transaction():
            self.store.upsert_responses(row for row, _ in answered)
            for row, answer_rows in answered:
                self.store.upsert_answers(str(row["survey_id"]), answer_rows)
        self._counts["answers"] += len(answered)
        answers_stored = self._counts["answers"]
        self._report(
            "answers", answers_stored, None, "Answers stored", stored=answers_stored
        )
        unread = set(answers.unread)
        return not any(str(row["survey_id"]) in unread for row in rows)

    # Names and the result

    async def _named_frame(
        self, resolved: ResolvedForm, wanted: UtcRange
    ) -> pd.DataFrame:
        frame = self._frame(resolved, wanted)
        self._report("names", 0, None, "Looking up names")
        self._note_unseen_divisions(frame, await self.names.working_divisions())
        asked = await self.names.resolve(
            {
                USERS: _ids(frame, "agent_id", "agent_ids"),
                QUEUES: _ids(frame, "queue_id"),
                WRAPUP_CODES: _ids(frame, "wrapup_code_id"),
                DIVISIONS: _ids(frame, "division_ids"),
            }
        )
        return self._frame(resolved, wanted) if asked else frame

    def _note_unseen_divisions(
        self, frame: pd.DataFrame, divisions: dict[str, str]
    ) -> None:
        """Note working divisions with no conversation of their own in the range.

        A client limited to some divisions still sees conversations that also
        touch another division, so only a division's own conversations count.
        """
        unseen = sorted(set(divisions) - _solo_divisions(frame))
        if frame.empty or not unseen:
            return
        names = ", ".join(divisions[i] for i in unseen)
        self.notes.append(
            f"No responses from the divisions {names} alone. If the OAuth client's "
            "role covers only some divisions, the responses of the others are missing."
        )

    def _frame(self, resolved: ResolvedForm, wanted: UtcRange) -> pd.DataFrame:
        return self.store.responses_frame(
            source=resolved.source,
            context_id=resolved.context_id,
            window=wanted,
            include_pii=self.config.include_pii,
        )

    def _health(
        self,
        frame: pd.DataFrame,
        resolved: ResolvedForm,
        wanted: UtcRange,
        now: datetime,
    ) -> Health:
        stats = self.client.stats
        return stored_health(
            self.store,
            frame,
            resolved,
            provisional_from=self._provisional_from(resolved, wanted, now),
            requests=stats.requests,
            retries=stats.retries,
            rate_limited=stats.rate_limited,
            permission_problems=tuple(self.names.problems),
            data_availability=self.data_availability,
            notes=tuple(self.notes),
        )

    def _provisional_from(
        self, resolved: ResolvedForm, wanted: UtcRange, now: datetime
    ) -> datetime | None:
        stored = self._stored(resolved)
        complete = [window for window, state in stored if state == "complete"]
        # A provisional window read again later is covered by a complete one.
        starts = [
            max(part.start, wanted.start)
            for window, state in stored
            if state == "provisional"
            for part in subtract(window, complete)
            if part.overlaps(wanted)
        ]
        if wanted.end > now:
            starts.append(max(now, wanted.start))
        return min(starts, default=None)

    def _report(
        self,
        stage: str,
        done: int,
        total: int | None,
        message: str,
        stored: int | None = None,
    ) -> None:
        self.progress(Progress(stage, done, total, message, stored))


# What the store already holds


def known_dataset(config: Config, request: ExtractRequest) -> Dataset | None:
    """The rows the store holds for `request` now, every one of them provisional.

    For showing figures while an extraction of the same request is still running;
    no request is made. None until that extraction has chosen the form (or an
    earlier one did) and the form's newest version is stored.
    """
    with Store.for_config(config) as store:
        choice = store.meta(_form_key(request))
        if choice is None:
            return None
        resolved = ResolvedForm(**_tupled(json.loads(choice)))
        latest = stored_version(store, resolved.latest_version_id, request.source)
        if latest is None:
            return None
        wanted = local_range_to_utc(request.start, request.end, request.tz)
        frame = store.responses_frame(
            source=resolved.source,
            context_id=resolved.context_id,
            window=wanted,
            include_pii=config.include_pii,
            names_pending=True,
        )
        health = stored_health(
            store,
            frame,
            resolved,
            provisional_from=wanted.start,
            notes=(
                "Still fetching: these figures are what was stored so far and "
                "will change when the extraction is done.",
            ),
        )
        return Dataset(
            request=request,
            form=form_info(resolved, latest),
            responses=frame,
            answers=store.answers_frame(list(frame["survey_id"])),
            health=health,
            partial=True,
        )


def stored_health(
    store: Store,
    frame: pd.DataFrame,
    resolved: ResolvedForm,
    *,
    provisional_from: datetime | None,
    **counters: Any,
) -> Health:
    """The health of `frame`: what the rows and the store say, plus `counters`."""
    funnel = survey_funnel(frame)
    cached_at = store.meta(_cached_at_key(resolved))
    return Health(
        provisional_from=provisional_from,
        cached_at=datetime.fromisoformat(cached_at) if cached_at else None,
        left_out=_left_out(frame),
        errors_by_reason=funnel.errors_by_reason,
        partial_responses=funnel.partial,
        **counters,
    )


# Small helpers


def first_error(group: BaseExceptionGroup[BaseException]) -> BaseException:
    """The first error a task group collected, unwrapped from nested groups."""
    first = group.exceptions[0]
    if isinstance(first, BaseExceptionGroup):
        return first_error(first)
    return first


def _form_key(request: ExtractRequest) -> str:
    """The store's key for the form choice of `request`."""
    return f"form:{request.source}:{(request.form or '').strip().casefold()}"


def _cached_at_key(resolved: ResolvedForm) -> str:
    return f"cached_at:{resolved.source}:{resolved.context_id}"


def _tupled(values: dict[str, Any]) -> dict[str, Any]:
    values["version_ids"] = tuple(values.get("version_ids") or ())
    return values


def _ids(frame: pd.DataFrame, *columns: str) -> set[str]:
    """Every id in `columns`, splitting `;`-joined lists."""
    found: set[str] = set()
    for column in columns:
        if column not in frame.columns:
            continue
        # Split each distinct value once: a month repeats the same few ids.
        for value in frame[column].dropna().unique():
            found.update(part for part in str(value).split(";") if part)
    return found


def _solo_divisions(frame: pd.DataFrame) -> set[str]:
    """Divisions that are the only division of some conversation in `frame`."""
    if "division_ids" not in frame.columns:
        return set()
    values = frame["division_ids"].dropna().unique()
    return {str(value) for value in values if value and ";" not in str(value)}


def _left_out(frame: pd.DataFrame) -> dict[str, int]:
    """Responses left out of the scores, by status."""
    if frame.empty:
        return {}
    status = frame["survey_status"].astype("string")
    left = status[status.str.casefold() != "finished"].fillna("unknown")
    return {str(k): int(v) for k, v in left.value_counts().items()}


def _window_note(planned: PlannedWindow) -> str:
    how = "job" if planned.by_job else "query"
    return f"Read {planned.window} by {how} ({planned.state})"
