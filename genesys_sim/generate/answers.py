"""What a finished survey answered, question by question.

`answered` is the single place that turns a survey plan and its form version
into answers; the Quality wire JSON, the survey records and the ground truth
all read it, so they cannot disagree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from genesys_sim.generate.comments import comment_text, sentiment_of
from genesys_sim.generate.forms import FREE_TEXT, READ_ONLY, FormVersion, Question
from genesys_sim.generate.surveys import Responses, SurveyPlan

RATING_ROLES = ("csat", "web_rating")
_TEXT_KIND = {"comment": "comment", "improve": "improve", "web_comment": "web"}


@dataclass(frozen=True, slots=True)
class Answer:
    """One question's answer; N/A answers carry neither value nor text."""

    question: Question
    value: int | None = None  # multiple choice value
    nps: int | None = None
    text: str | None = None  # free text, or the NPS explanation
    marked_na: bool = False
    system_marked_na: bool = False

    @property
    def has_answer(self) -> bool:
        return self.value is not None or self.nps is not None or self.text is not None


def answered(
    seed: int, plan: SurveyPlan, form: FormVersion, *, with_text: bool = True
) -> list[Answer]:
    """Answers in form order; unanswered required questions are left out.

    Without `with_text`, free text is an empty placeholder: enough to know
    which questions were answered, without composing the customer's words."""
    questions = [q for g in form.groups for q in g.questions]
    rating = plan.responses.rating
    sentiment = sentiment_of(rating, rating_question(form).top_value)

    def text(kind: str) -> str:
        if not with_text:
            return ""
        language = plan.responses.language
        return comment_text(seed, plan.survey_id, kind, sentiment, language)

    answers = (_answer(plan.responses, q, questions, text) for q in questions)
    return [answer for answer in answers if answer is not None]


def rating_question(form: FormVersion) -> Question:
    return next(q for g in form.groups for q in g.questions if q.role in RATING_ROLES)


def total_score(plan: SurveyPlan, form: FormVersion) -> float | None:
    """The rating as a share of the scale's top, 0-100."""
    rating = plan.responses.rating
    if rating is None:
        return None
    return round(100.0 * rating / rating_question(form).top_value, 2)


def _answer(
    responses: Responses,
    question: Question,
    questions: list[Question],
    text: Callable[[str], str],
) -> Answer | None:
    role = question.role
    if question.kind == READ_ONLY:
        return None
    if role in RATING_ROLES:
        rating = responses.rating
        return None if rating is None else Answer(question, value=rating)
    if role == "nps":
        if responses.nps is None:
            return None
        explanation = text("nps") if responses.nps_comment else None
        return Answer(question, nps=responses.nps, text=explanation)
    if role == "first_contact":
        if responses.first_contact is None:
            return Answer(question, marked_na=True)
        return Answer(question, value=responses.first_contact)
    if not _visible(question, questions, responses.rating):
        return Answer(question, marked_na=True, system_marked_na=True)
    wanted = responses.improve if role == "improve" else responses.comment
    if question.kind == FREE_TEXT and wanted:
        return Answer(question, text=text(_TEXT_KIND[role]))
    return Answer(question, marked_na=True)


def _visible(question: Question, questions: list[Question], rating: int | None) -> bool:
    """Evaluate `../question/Q/answer/A` predicates (OR) against the rating."""
    if not question.visible_when:
        return True
    for predicate in question.visible_when:
        parts = predicate.split("/")
        target = questions[int(parts[2])]
        option = target.options[int(parts[4])]
        if target.role in RATING_ROLES and rating == option.value:
            return True
    return False
