"""Versioned forms: their structure, their publication schedule, survey forms.

A form is republished on a fixed absolute schedule (the CSAT form every 45
days), so the versions are a function of absolute time alone and a
republication always lies within the last 60 days. Every version gets new
group, question and answer ids; every `contextId` stays the same, as the
service does (reference section 5).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from genesys_sim.generate.clock import ANCHOR_MS, DAY_MS, HOUR_MS, wire_time
from genesys_sim.generate.ids import stable_uuid
from genesys_sim.generate.routing import Division, division_ref

MULTIPLE_CHOICE = "multipleChoiceQuestion"
FREE_TEXT = "freeTextQuestion"
NPS = "npsQuestion"
READ_ONLY = "readOnlyTextBlockQuestion"

CSAT_FORM = "csat"
WEB_FORM = "web"
PILOT_FORM = "pilot"
DRAFT = -1  # version number of a form's unpublished working copy


@dataclass(frozen=True, slots=True)
class Option:
    option_id: str
    context_id: str
    text: str
    value: int


@dataclass(frozen=True, slots=True)
class Question:
    question_id: str
    context_id: str
    role: str  # what the question is for: "csat", "nps", "comment", ...
    kind: str
    text: str
    help_text: str | None = None
    na_enabled: bool = False
    options: tuple[Option, ...] = ()
    max_chars: int | None = None
    explanation: str | None = None
    visible_when: tuple[str, ...] = ()  # visibility predicates, OR-combined
    critical: bool = False

    def option_for(self, value: int) -> Option:
        return next(o for o in self.options if o.value == value)

    @property
    def top_value(self) -> int:
        return max(o.value for o in self.options)


@dataclass(frozen=True, slots=True)
class Group:
    group_id: str
    context_id: str
    name: str
    questions: tuple[Question, ...]
    na_enabled: bool = False
    weight: float = 1.0


@dataclass(frozen=True, slots=True)
class FormVersion:
    form_id: str
    context_id: str
    key: str
    name: str
    version: int  # DRAFT for the working copy
    modified_ms: int
    groups: tuple[Group, ...]
    disabled: bool = False

    @property
    def published(self) -> bool:
        return self.version != DRAFT

    def question(self, role: str) -> Question:
        return next(q for g in self.groups for q in g.questions if q.role == role)


@dataclass(frozen=True, slots=True)
class Schedule:
    """Version n of a form is published at ANCHOR + offset + n * period."""

    period_ms: int
    offset_ms: int

    def published_at(self, version: int) -> int:
        return ANCHOR_MS + self.offset_ms + version * self.period_ms

    def version_at(self, t_ms: int) -> int:
        """The newest version published strictly before `t_ms`."""
        return (t_ms - 1 - ANCHOR_MS - self.offset_ms) // self.period_ms


SCHEDULES = {
    CSAT_FORM: Schedule(45 * DAY_MS, 9 * HOUR_MS + 1_800_000),
    WEB_FORM: Schedule(360 * DAY_MS, 20 * DAY_MS + 10 * HOUR_MS),
    PILOT_FORM: Schedule(120 * DAY_MS, 70 * DAY_MS + 16 * HOUR_MS),
}
NAMES = {
    CSAT_FORM: "Post-contact CSAT",
    WEB_FORM: "Website feedback",
    PILOT_FORM: "Chat CSAT (pilot)",
}

_SATISFACTION = (
    (5, "Very satisfied"),
    (4, "Satisfied"),
    (3, "Neutral"),
    (2, "Dissatisfied"),
    (1, "Very dissatisfied"),
)
_EASE = (
    (7, "Extremely easy"),
    (6, "Very easy"),
    (5, "Somewhat easy"),
    (4, "Neither easy nor difficult"),
    (3, "Somewhat difficult"),
    (2, "Very difficult"),
    (1, "Extremely difficult"),
)
_YES_NO = ((1, "Yes"), (0, "No"))


class _Ids:
    """Ids of one form version: fresh per version, context ids per form."""

    def __init__(self, seed: int, key: str, version: int) -> None:
        self.seed, self.key, self.version = seed, key, version

    def pair(self, *path: object) -> tuple[str, str]:
        return (
            stable_uuid(self.seed, self.key, self.version, *path),
            stable_uuid(self.seed, self.key, "context", *path),
        )

    def options(self, q: int, scale: tuple[tuple[int, str], ...]) -> tuple[Option, ...]:
        return tuple(
            Option(*self.pair("o", q, a), text, value)
            for a, (value, text) in enumerate(scale)
        )


def _csat_questions(ids: _Ids, version: int) -> tuple[Question, ...]:
    comment_text = (
        "Is there anything else you would like to tell us?"
        if version % 2 == 0
        else "Anything else you would like to share with us?"
    )
    return (
        Question(
            *ids.pair("q", 0),
            "csat",
            MULTIPLE_CHOICE,
            "Overall, how satisfied are you with the help you received?",
            help_text="",
            options=ids.options(0, _SATISFACTION),
        ),
        Question(
            *ids.pair("q", 1),
            "nps",
            NPS,
            "How likely are you to recommend us to a friend?",
            help_text="0 = not at all likely, 10 = extremely likely",
            max_chars=500,
            explanation="What is the main reason for your score?",
        ),
        Question(
            *ids.pair("q", 2),
            "comment",
            FREE_TEXT,
            comment_text,
            help_text="",
            na_enabled=True,
            max_chars=1000,
        ),
        Question(
            *ids.pair("q", 3),
            "first_contact",
            MULTIPLE_CHOICE,
            "Was this your first contact with us about this issue?",
            help_text="",
            na_enabled=True,
            options=ids.options(3, _YES_NO),
        ),
        # Shown only after "Dissatisfied" or "Very dissatisfied" (answers 3, 4).
        Question(
            *ids.pair("q", 4),
            "improve",
            FREE_TEXT,
            "What could we have done better?",
            help_text="",
            na_enabled=True,
            max_chars=1000,
            visible_when=("../question/0/answer/3", "../question/0/answer/4"),
        ),
        Question(
            *ids.pair("q", 5),
            "thanks",
            READ_ONLY,
            "Thank you! Your answers are shared with the team that helped you.",
        ),
    )


def _web_questions(ids: _Ids) -> tuple[Question, ...]:
    return (
        Question(
            *ids.pair("q", 0),
            "web_rating",
            MULTIPLE_CHOICE,
            "How easy was it to find what you needed on our website?",
            help_text="",
            options=ids.options(0, _EASE),
        ),
        Question(
            *ids.pair("q", 1),
            "web_comment",
            FREE_TEXT,
            "What should we improve on our website?",
            help_text="",
            na_enabled=True,
            max_chars=1000,
        ),
    )


def _pilot_questions(ids: _Ids) -> tuple[Question, ...]:
    return (
        Question(
            *ids.pair("q", 0),
            "csat",
            MULTIPLE_CHOICE,
            "How satisfied were you with this chat?",
            help_text="",
            options=ids.options(0, _SATISFACTION),
        ),
    )


def survey_form_version(seed: int, key: str, version: int, now_ms: int) -> FormVersion:
    """One version of a survey form (`DRAFT` for the working copy)."""
    ids = _Ids(seed, key, version)
    schedule = SCHEDULES[key]
    latest = schedule.version_at(now_ms + 1)
    number = latest if version == DRAFT else version
    if key == CSAT_FORM:
        questions, group = _csat_questions(ids, number), "Your experience"
    elif key == WEB_FORM:
        questions, group = _web_questions(ids), "Website"
    else:
        questions, group = _pilot_questions(ids), "Chat"
    groups = (Group(*ids.pair("g", 0), group, questions),)
    modified = schedule.published_at(number)
    form_id = stable_uuid(seed, key, "draft" if version == DRAFT else version)
    context = stable_uuid(seed, key, "context")
    return FormVersion(
        form_id,
        context,
        key,
        NAMES[key],
        version,
        modified,
        groups,
        disabled=key == PILOT_FORM,
    )


def survey_form_versions(
    seed: int, window_start_ms: int, as_of_ms: int
) -> list[FormVersion]:
    """Working copies and the versions published up to `as_of_ms` that the
    window can use, newest first within each form."""
    forms = []
    for key in (CSAT_FORM, WEB_FORM):
        schedule = SCHEDULES[key]
        first = schedule.version_at(window_start_ms)
        last = schedule.version_at(as_of_ms + 1)
        forms.append(survey_form_version(seed, key, DRAFT, as_of_ms))
        forms.extend(
            survey_form_version(seed, key, n, as_of_ms)
            for n in range(last, first - 1, -1)
        )
    forms.append(survey_form_version(seed, PILOT_FORM, DRAFT, as_of_ms))
    return forms


def _option_json(option: Option, with_context: bool) -> dict[str, Any]:
    body: dict[str, Any] = {"id": option.option_id}
    if with_context:
        body["contextId"] = option.context_id
    body["text"] = option.text
    body["value"] = option.value
    return body


def question_json(question: Question, *, option_context: bool) -> dict[str, Any]:
    """The question fields shared by survey and evaluation forms."""
    body: dict[str, Any] = {
        "id": question.question_id,
        "contextId": question.context_id,
        "text": question.text,
    }
    if question.help_text is not None:
        body["helpText"] = question.help_text
    body["type"] = question.kind
    body["naEnabled"] = question.na_enabled
    if question.options:
        body["answerOptions"] = [
            _option_json(o, option_context) for o in question.options
        ]
    return body


def _survey_question_json(question: Question) -> dict[str, Any]:
    body = question_json(question, option_context=True)
    if question.max_chars is not None:
        body["maxResponseCharacters"] = question.max_chars
    if question.explanation is not None:
        body["explanationPrompt"] = question.explanation
    if question.visible_when:
        body["visibilityCondition"] = {
            "combiningOperation": "OR",
            "predicates": list(question.visible_when),
        }
    return body


def survey_form_json(form: FormVersion, division: Division) -> dict[str, Any]:
    """A `SurveyForm` wire dict, with its question groups."""
    return {
        "id": form.form_id,
        "name": form.name,
        "division": division_ref(division),
        "modifiedDate": wire_time(form.modified_ms),
        "published": form.published,
        "disabled": form.disabled,
        "contextId": form.context_id,
        "language": "en-US",
        "header": "**How did we do?** It takes less than a minute.",
        "footer": "Questions? Reply to this message or call +1 202-555-0100.",
        "questionGroups": [
            {
                "id": group.group_id,
                "contextId": group.context_id,
                "name": group.name,
                "naEnabled": group.na_enabled,
                "questions": [_survey_question_json(q) for q in group.questions],
            }
            for group in form.groups
        ],
        "selfUri": f"/api/v2/quality/forms/surveys/{form.form_id}",
    }
