"""The fewest requests an extraction of a range can make, from the org itself.

Counted from the simulator's data and ground truth, never from the product:

* one token;
* the survey form listing (one page of up to 100 forms) and each form version
  the data needs: every version a survey read in full was answered on, and the
  newest published version (the scale shown with the figures);
* the details query at 100 conversations a page, in the fewest windows the API
  allows (31 days with a filter), at least one page a window;
* one answers request per finished survey, and one per survey in `Error`
  (its reason, a column of the response table, is only in the Quality API);
* the names: users (every agent of the conversations), queues, wrap-up codes and
  divisions, 100 ids a request.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from genesys_sim.org import Org
from genesys_sim.truth import ground_truth, local_days_to_utc

PAGE_SIZE = 100
IDS_PER_REQUEST = 100
FORMS_PER_PAGE = 100
FILTERED_WINDOW_DAYS = 31


@dataclass(frozen=True)
class DataNeeds:
    """What one range holds, and the requests it takes at the least."""

    responses: int
    finished: int
    errors: int
    conversations_by_window: tuple[int, ...]
    users: int
    queues: int
    wrapup_codes: int
    divisions: int
    form_versions: int
    forms: int

    @property
    def conversations(self) -> int:
        return sum(self.conversations_by_window)

    @property
    def details_pages(self) -> int:
        return sum(
            max(1, math.ceil(n / PAGE_SIZE)) for n in self.conversations_by_window
        )

    @property
    def answers(self) -> int:
        """Surveys read one by one: the finished ones and those in `Error`."""
        return self.finished + self.errors

    @property
    def lookups(self) -> int:
        kinds = (self.users, self.queues, self.wrapup_codes, self.divisions)
        return sum(math.ceil(n / IDS_PER_REQUEST) for n in kinds)

    @property
    def form_requests(self) -> int:
        return math.ceil(self.forms / FORMS_PER_PAGE) + self.form_versions

    @property
    def minimum(self) -> int:
        """Token + forms + details pages + answers + names."""
        return 1 + self.form_requests + self.details_pages + self.answers + self.lookups

    @property
    def summary_minimum(self) -> int:
        """Requests for the summary records alone: everything but the answers."""
        return self.minimum - self.answers

    def as_dict(self) -> dict[str, int]:
        return {
            "responses": self.responses,
            "finished": self.finished,
            "errors": self.errors,
            "conversations": self.conversations,
            "windows": len(self.conversations_by_window),
            "details_pages": self.details_pages,
            "form_requests": self.form_requests,
            "lookups": self.lookups,
            "minimum": self.minimum,
        }


def data_needs(org: Org, start: date, end: date, tz: str, context_id: str) -> DataNeeds:
    """The needs of local dates `start`..`end` in `tz` for the form `context_id`."""
    truth = [r for r in ground_truth(org, start, end, tz) if _is_form(r, context_id)]
    conversation_ids = {str(r["conversation_id"]) for r in truth}
    records = [
        org.conversation(conversation_id) for conversation_id in conversation_ids
    ]
    users = {str(r["agent_id"]) for r in truth if r["agent_id"]}
    divisions: set[str] = set()
    wrapups: set[str] = set()
    for record in records:
        if record is not None:
            users.update(record.user_ids)
            divisions.update(record.division_ids)
    for row in truth:
        survey = org.survey_record(str(row["survey_id"]))
        if survey is not None and survey.wrapup_code_id:
            wrapups.add(survey.wrapup_code_id)
    finished = [r for r in truth if _status(r) == "finished"]
    errors = [r for r in truth if _status(r) == "error"]
    versions = {str(r["survey_form_id"]) for r in finished + errors}
    versions.add(newest_version(org, context_id))
    return DataNeeds(
        responses=len(truth),
        finished=len(finished),
        errors=len(errors),
        conversations_by_window=_by_window(truth, start, end, tz),
        users=len(users),
        queues=len({str(r["queue_id"]) for r in truth if r["queue_id"]}),
        wrapup_codes=len(wrapups),
        divisions=len(divisions),
        form_versions=len(versions),
        forms=len({str(form["contextId"]) for form in org.survey_forms}),
    )


def newest_version(org: Org, context_id: str) -> str:
    """The id of the form's most recently published version."""
    published = [
        form
        for form in org.survey_forms
        if form.get("contextId") == context_id and form.get("published")
    ]
    newest = max(
        published, key=lambda form: (str(form.get("modifiedDate")), form["id"])
    )
    return str(newest["id"])


def _status(row: dict[str, object]) -> str:
    return str(row["survey_status"]).casefold()


def _is_form(row: dict[str, object], context_id: str) -> bool:
    return str(row["survey_form_context_id"]) == context_id


def _by_window(
    truth: list[dict[str, object]], start: date, end: date, tz: str
) -> tuple[int, ...]:
    """Distinct conversations per window of at most 31 days, oldest first."""
    low, high = local_days_to_utc(start, end, tz)
    bounds = _window_bounds(low, high)
    counts = [set[str]() for _ in bounds]
    for row in truth:
        started = row["conversation_start"]
        assert isinstance(started, datetime)
        for index, (window_start, window_end) in enumerate(bounds):
            if window_start <= started < window_end:
                counts[index].add(str(row["conversation_id"]))
    return tuple(len(ids) for ids in counts)


def _window_bounds(low: datetime, high: datetime) -> list[tuple[datetime, datetime]]:
    step = timedelta(days=FILTERED_WINDOW_DAYS)
    bounds = []
    cursor = low
    while cursor < high:
        bounds.append((cursor, min(cursor + step, high)))
        cursor += step
    return bounds
