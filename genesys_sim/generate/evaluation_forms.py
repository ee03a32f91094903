"""Evaluation forms: a QA checklist and a CSAT scorecard, versioned like surveys.

"Customer Satisfaction Scorecard" is the tutorial's "CSAT kept on an
evaluation form": an evaluator records how satisfied the customer was, on a
1-5 scale (reference section 10).
"""

from __future__ import annotations

from typing import Any

from genesys_sim.generate.clock import DAY_MS, HOUR_MS, wire_time
from genesys_sim.generate.forms import (
    DRAFT,
    MULTIPLE_CHOICE,
    FormVersion,
    Group,
    Option,
    Question,
    Schedule,
    question_json,
)
from genesys_sim.generate.ids import stable_uuid
from genesys_sim.generate.routing import Division, division_ref

QA_FORM = "qa"
SCORECARD_FORM = "scorecard"

EVALUATION_SCHEDULES = {
    QA_FORM: Schedule(180 * DAY_MS, 12 * DAY_MS + 11 * HOUR_MS),
    SCORECARD_FORM: Schedule(240 * DAY_MS, 33 * DAY_MS + 15 * HOUR_MS),
}
EVALUATION_NAMES = {
    QA_FORM: "Customer care QA",
    SCORECARD_FORM: "Customer Satisfaction Scorecard",
}

_YES_NO = ((1, "Yes"), (0, "No"))
_RESOLVED = ((3, "Fully"), (2, "Partly"), (0, "Not at all"))
_SATISFACTION = (
    (5, "Very satisfied"),
    (4, "Satisfied"),
    (3, "Neutral"),
    (2, "Dissatisfied"),
    (1, "Very dissatisfied"),
)

# group name, weight, naEnabled, questions: role, text, help, scale, na, critical
_LAYOUTS: dict[str, tuple[tuple[Any, ...], ...]] = {
    QA_FORM: (
        ("Opening and verification", 0.4, False, (
            ("greeting", "Used the standard greeting", "", _YES_NO, False, False),
            ("verified", "Verified the customer's identity",
             "Two security questions for billing changes", _YES_NO, False, True),
        )),
        ("Resolution", 0.6, True, (
            ("resolved", "Resolved the issue", "", _RESOLVED, False, False),
            ("further_help", "Offered further help", "", _YES_NO, True, False),
        )),
    ),
    SCORECARD_FORM: (
        ("Customer satisfaction", 1.0, False, (
            ("csat", "How satisfied was the customer with the interaction?",
             "Judge from the customer's own words", _SATISFACTION, False, False),
            ("resolved", "Did the agent resolve the customer's issue?", "",
             _YES_NO, True, False),
        )),
    ),
}  # fmt: skip


def evaluation_form_version(seed: int, key: str, version: int) -> FormVersion:
    """One version of an evaluation form (`DRAFT` for the working copy)."""
    tag = "draft" if version == DRAFT else version
    groups = tuple(
        _group(seed, key, tag, g, layout) for g, layout in enumerate(_LAYOUTS[key])
    )
    schedule = EVALUATION_SCHEDULES[key]
    modified = schedule.published_at(max(version, 0))
    return FormVersion(
        stable_uuid(seed, key, tag),
        stable_uuid(seed, key, "context"),
        key,
        EVALUATION_NAMES[key],
        version,
        modified,
        groups,
    )


def _group(seed: int, key: str, tag: object, g: int, layout: tuple[Any, ...]) -> Group:
    name, weight, na_enabled, questions = layout
    return Group(
        stable_uuid(seed, key, tag, "g", g),
        stable_uuid(seed, key, "context", "g", g),
        name,
        tuple(_question(seed, key, tag, g, q, row) for q, row in enumerate(questions)),
        na_enabled=na_enabled,
        weight=weight,
    )


def _question(
    seed: int, key: str, tag: object, g: int, q: int, row: tuple[Any, ...]
) -> Question:
    role, text, help_text, scale, na_enabled, critical = row
    options = tuple(
        Option(
            stable_uuid(seed, key, tag, "o", g, q, a),
            stable_uuid(seed, key, "context", "o", g, q, a),
            label,
            value,
        )
        for a, (value, label) in enumerate(scale)
    )
    return Question(
        stable_uuid(seed, key, tag, "q", g, q),
        stable_uuid(seed, key, "context", "q", g, q),
        role,
        MULTIPLE_CHOICE,
        text,
        help_text=help_text,
        na_enabled=na_enabled,
        options=options,
        critical=critical,
    )


def evaluation_form_versions(
    seed: int, window_start_ms: int, as_of_ms: int
) -> list[FormVersion]:
    """Working copies and the versions the window can use, newest first."""
    forms = []
    for key, schedule in EVALUATION_SCHEDULES.items():
        first = schedule.version_at(window_start_ms)
        last = schedule.version_at(as_of_ms + 1)
        draft = evaluation_form_version(seed, key, DRAFT)
        forms.append(_with_modified(draft, schedule.published_at(last)))
        forms.extend(
            evaluation_form_version(seed, key, n) for n in range(last, first - 1, -1)
        )
    return forms


def _with_modified(form: FormVersion, modified_ms: int) -> FormVersion:
    return FormVersion(
        form.form_id,
        form.context_id,
        form.key,
        form.name,
        form.version,
        modified_ms,
        form.groups,
    )


def evaluation_form_json(form: FormVersion, division: Division) -> dict[str, Any]:
    """An `EvaluationFormResponse` wire dict, with its question groups."""
    return {
        "id": form.form_id,
        "name": form.name,
        "division": division_ref(division),
        "modifiedDate": wire_time(form.modified_ms),
        "published": form.published,
        "contextId": form.context_id,
        "questionGroups": [_group_json(group) for group in form.groups],
        "weightMode": "SCALED",
        "latestVersionFormName": form.name,
        "selfUri": f"/api/v2/quality/forms/evaluations/{form.form_id}",
    }


def _group_json(group: Group) -> dict[str, Any]:
    return {
        "id": group.group_id,
        "contextId": group.context_id,
        "name": group.name,
        "defaultAnswersToHighest": False,
        "defaultAnswersToNA": False,
        "naEnabled": group.na_enabled,
        "weight": group.weight,
        "manualWeight": True,
        "questions": [_question_json(q) for q in group.questions],
    }


def _question_json(question: Question) -> dict[str, Any]:
    body = question_json(question, option_context=False)
    body["commentsRequired"] = False
    body["isKill"] = False
    body["isCritical"] = question.critical
    return body
