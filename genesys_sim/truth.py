"""Ground truth: what a perfect extraction of the CSAT form returns for a range.

One row per survey of the CSAT form, whatever its status, on a conversation
that started on a local date from `start` to `end` (inclusive) in `tz`. The
columns, names and formats are the response table of `docs/architecture.md`.
Values come from the org's own plans and form structures, never from its wire
JSON, so a comparison against an extraction tests the whole HTTP path.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from genesys_sim.generate.answers import Answer, answered
from genesys_sim.generate.clock import to_ms, wire_time
from genesys_sim.generate.forms import (
    CSAT_FORM,
    FREE_TEXT,
    MULTIPLE_CHOICE,
    NPS,
    FormVersion,
    Question,
)
from genesys_sim.generate.surveys import FINISHED, SurveyPlan
from genesys_sim.org import ConversationRecord, Org, SurveyRecord

COLUMNS = (
    "survey_id",
    "conversation_id",
    "conversation_start",
    "survey_status",
    "survey_completed",
    "agent_id",
    "queue_id",
    "media_type",
    "csat_score",
    "nps_score",
    "comment",
    "nps_comment",
    "survey_form_id",
    "survey_form_context_id",
    "survey_form_name",
    "csat_scale_min",
    "csat_scale_max",
    "csat_top2",
    "total_score",
    "partial",
    "error_reason",
    "source",
)
Row = dict[str, object]


def ground_truth(org: Org, start: date, end: date, tz: str) -> list[Row]:
    """Rows of the CSAT form's surveys, sorted by conversation start, survey id."""
    low, high = local_days_to_utc(start, end, tz)
    rows = []
    for record in org.conversations_between(low, high):
        for survey_id in record.survey_ids:
            facts = org.survey_facts(survey_id)
            if facts is not None and facts[0].form_key == CSAT_FORM:
                rows.append(_row(org.spec.seed, record, *facts))
    rows.sort(key=_order)
    return rows


def _order(row: Row) -> tuple[datetime, str]:
    return cast(datetime, row["conversation_start"]), str(row["survey_id"])


def local_days_to_utc(start: date, end: date, tz: str) -> tuple[datetime, datetime]:
    """The UTC instants bounding local dates `start` to `end` inclusive."""
    if start > end:
        raise ValueError(f"start {start} is after end {end}")
    try:
        zone = ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {tz!r}") from exc
    low = datetime.combine(start, time(), zone).astimezone(UTC)
    high = datetime.combine(end + timedelta(days=1), time(), zone).astimezone(UTC)
    return low, high


def csat_question(form: FormVersion) -> Question:
    """The architecture's rule: the first multiple-choice question mentioning
    satisfaction, else the first with three or more answer options."""
    choices = [q for g in form.groups for q in g.questions if q.kind == MULTIPLE_CHOICE]
    for question in choices:
        if "satisf" in question.text.lower():
            return question
    return next(q for q in choices if len(q.options) >= 3)


def _row(
    seed: int,
    record: ConversationRecord,
    plan: SurveyPlan,
    survey: SurveyRecord,
    form: FormVersion,
) -> Row:
    finished = survey.status == FINISHED
    answers = answered(seed, plan, form) if finished else []
    question = csat_question(form)
    scale = sorted(o.value for o in question.options)
    csat = _value_of(answers, question)
    return {
        "survey_id": survey.survey_id,
        "conversation_id": record.conversation_id,
        "conversation_start": record.start,
        "survey_status": survey.status,
        "survey_completed": survey.completed,
        "agent_id": survey.user_id,
        "queue_id": survey.queue_id,
        "media_type": survey.media_type,
        "csat_score": csat,
        "nps_score": next((a.nps for a in answers if a.question.kind == NPS), None),
        "comment": _comment(answers),
        "nps_comment": next(
            (a.text for a in answers if a.question.kind == NPS and a.text), None
        ),
        "survey_form_id": form.form_id,
        "survey_form_context_id": form.context_id,
        "survey_form_name": form.name,
        "csat_scale_min": scale[0],
        "csat_scale_max": scale[-1],
        "csat_top2": None if csat is None else csat in scale[-2:],
        "total_score": survey.total_score,
        "partial": survey.partial,
        "error_reason": survey.error_reason,
        "source": "survey",
    }


def _value_of(answers: list[Answer], question: Question) -> int | None:
    return next((a.value for a in answers if a.question is question), None)


def _comment(answers: list[Answer]) -> str | None:
    texts = [a.text for a in answers if a.question.kind == FREE_TEXT and a.text]
    return "\n\n".join(t for t in texts if t) or None


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def write_truth_csv(rows: Iterable[Row], path: str | Path) -> None:
    """RFC 4180 CSV in UTF-8: CRLF line ends, `YYYY-MM-DDTHH:MM:SS.mmmZ`
    timestamps, `true`/`false`, and empty cells for missing values.

    Text is made as safe to open in a spreadsheet as the product's own export
    makes it: a cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage
    return, and is not a plain number, gets a leading `'` (OWASP CSV injection).
    """
    with Path(path).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(COLUMNS)
        for row in rows:
            writer.writerow([_cell(row.get(column)) for column in COLUMNS])


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return wire_time(to_ms(value))
    text = str(value)
    if text.startswith(_FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text
