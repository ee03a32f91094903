"""Tables and facts for the Data health page, built from `Health` and the rows."""

from __future__ import annotations

from datetime import datetime

import pandas as pd

from csat.dataset import FormInfo
from csat.metrics import survey_funnel


def left_out_table(rows: pd.DataFrame) -> pd.DataFrame:
    """Surveys kept out of the scores, by status, with their counts."""
    funnel = survey_funnel(rows)
    answered_or_closed = (
        funnel.finished + funnel.expired + funnel.opted_out + funnel.in_progress
    )
    reasons = [
        ("Sent, not answered yet", funnel.sent - answered_or_closed),
        ("Started, not finished (in progress)", funnel.in_progress),
        ("Expired unanswered", funnel.expired),
        ("Opted out", funnel.opted_out),
        ("Pending (not sent yet)", funnel.pending),
        ("Failed to send (error)", funnel.errors),
    ]
    return pd.DataFrame(
        {"Left out": [r for r, _ in reasons], "Surveys": [n for _, n in reasons]}
    )


def partial_responses(rows: pd.DataFrame) -> int:
    """Finished surveys with required questions unanswered; they still count."""
    return survey_funnel(rows).partial


def errors_table(rows: pd.DataFrame) -> pd.DataFrame:
    """Survey errors by `surveyErrorReason`, most frequent first."""
    by_reason = survey_funnel(rows).errors_by_reason
    table = pd.DataFrame(
        {"Error reason": list(by_reason), "Surveys": list(by_reason.values())}
    )
    return table.sort_values("Surveys", ascending=False, kind="stable").reset_index(
        drop=True
    )


def form_facts(form: FormInfo) -> pd.DataFrame:
    """What the figures are computed from."""
    scale = ", ".join(str(v) for v in form.scale)
    facts = [
        ("Form", form.name),
        (
            "Source",
            "evaluation form (scorecard)"
            if form.source == "evaluation"
            else "survey form",
        ),
        ("Chosen", "automatically" if form.chosen_automatically else "in the sidebar"),
        ("Form context id", form.context_id),
        ("Versions", str(len(form.version_ids))),
        ("CSAT question", form.csat_question),
        ("CSAT scale", scale),
        ("NPS question", form.nps_question or "none"),
    ]
    return pd.DataFrame({"": [k for k, _ in facts], "Value": [v for _, v in facts]})


def age(cached_at: datetime | None, now: datetime) -> str:
    """How long ago the store was brought up to date, in words."""
    if cached_at is None:
        return "never"
    minutes = max(0, int((now - cached_at).total_seconds() // 60))
    if minutes < 1:
        return "just now"
    if minutes < 120:
        return f"{minutes} min ago"
    hours = minutes // 60
    return f"{hours} h ago" if hours < 48 else f"{hours // 24} days ago"
