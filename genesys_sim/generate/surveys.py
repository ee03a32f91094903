"""Surveys: who gets one, how it is answered, and its life cycle in time.

A survey's whole future is decided when its conversation is generated: when
the invitation goes out, whether and when the customer opens and finishes it,
and what they answer. The org's clock then only reads that timeline
(`status_at`): a survey that will be finished tomorrow is `Sent` or
`InProgress` today, one that will expire is `Sent` until it does.

Shares of final outcomes follow what contact centres report for web surveys:
about 30% of sent surveys are finished, most of the rest expire.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from genesys_sim.generate.clock import DAY_MS, HOUR_MS, MINUTE_MS, lognormal_ms
from genesys_sim.generate.forms import CSAT_FORM, WEB_FORM
from genesys_sim.generate.ids import uuid_from

FINISHED = "Finished"
SENT = "Sent"
IN_PROGRESS = "InProgress"
PENDING = "Pending"
EXPIRED = "Expired"
OPT_OUT = "OptOut"
ERROR = "Error"

EXPIRY_MS = 7 * DAY_MS
CONFLICT_REASON = "MultiplePoliciesMatched"
_ERROR_REASONS = (
    ("InvalidEmailAddress", 4),
    ("NoCustomerAddress", 3),
    ("InvalidPhoneNumber", 2),
    ("InvitationDeliveryFailed", 1),
)
_LANGUAGES = (("en", 70), ("es", 10), ("fr", 7), ("de", 6), ("pt", 4), ("ja", 3))
# Thresholds on the latent satisfaction for answers 5, 4, 3 and 2 (else 1).
_CSAT_CUTS = (1.05, 0.3, -0.25, -0.85)
_EASE_CUTS = (1.4, 0.8, 0.3, -0.1, -0.5, -1.0)


@dataclass(frozen=True, slots=True)
class SurveyPlan:
    """Everything about one survey, past and future."""

    survey_id: str
    conversation_id: str
    form_key: str
    version: int
    survey_type: str  # "Web" or "Voice"
    user_id: str
    queue_id: str
    created_ms: int
    sent_ms: int  # 0: never sent
    started_ms: int  # 0: never opened
    outcome: str  # the final status
    outcome_ms: int  # when the final status is reached
    error_reason: str
    rating: int | None  # the rating question (CSAT 1-5, website 1-7)
    nps: int | None
    first_contact: int | None  # 1 yes, 0 no, None: N/A
    comment: bool
    improve: bool
    nps_comment: bool
    partial: bool
    language: str


@dataclass(frozen=True, slots=True)
class SurveyContext:
    """What a survey needs to know about its conversation."""

    conversation_id: str
    end_ms: int
    user_id: str
    queue_id: str
    media_type: str
    satisfaction: float


def status_at(plan: SurveyPlan, t_ms: int) -> tuple[str, int] | None:
    """Status and time of the latest event at `t_ms`; None before creation."""
    if t_ms < plan.created_ms:
        return None
    if plan.outcome == ERROR:
        if t_ms >= plan.outcome_ms:
            return ERROR, plan.outcome_ms
        return PENDING, plan.created_ms
    if plan.sent_ms == 0 or t_ms < plan.sent_ms:
        return PENDING, plan.created_ms
    if t_ms >= plan.outcome_ms:
        return plan.outcome, plan.outcome_ms
    if plan.started_ms and t_ms >= plan.started_ms:
        return IN_PROGRESS, plan.started_ms
    return SENT, plan.sent_ms


def rating_from(satisfaction: float, cuts: tuple[float, ...]) -> int:
    """Map latent satisfaction onto a scale whose top value is len(cuts) + 1."""
    for i, cut in enumerate(cuts):
        if satisfaction >= cut:
            return len(cuts) + 1 - i
    return 1


def _nps_from(rng: random.Random, csat: int) -> int:
    centre = (1.5, 3.5, 6.0, 8.0, 9.4)[csat - 1]
    return max(0, min(10, round(rng.gauss(centre, 1.1))))


def csat_survey(
    rng: random.Random, ctx: SurveyContext, version: int, voice: bool
) -> SurveyPlan:
    """The post-contact CSAT survey of a conversation."""
    survey_id = uuid_from(rng)
    survey_type = "Voice" if voice and rng.random() < 0.15 else "Web"
    timeline = _timeline(rng, ctx.end_ms)
    answers = _csat_answers(rng, ctx.satisfaction, survey_type == "Voice")
    return SurveyPlan(
        survey_id, ctx.conversation_id, CSAT_FORM, version, survey_type,
        ctx.user_id, ctx.queue_id, *timeline, *answers,
    )  # fmt: skip


def conflict_survey(rng: random.Random, ctx: SurveyContext, version: int) -> SurveyPlan:
    """A second matching survey policy: recorded as an error, never sent."""
    created = ctx.end_ms + 3000 + int(rng.random() * 20_000)
    return SurveyPlan(
        uuid_from(rng), ctx.conversation_id, CSAT_FORM, version, "Web",
        ctx.user_id, ctx.queue_id, created, 0, 0, ERROR,
        created + 1000 + int(rng.random() * 5000), CONFLICT_REASON,
        None, None, None, False, False, False, False, "en",
    )  # fmt: skip


def website_survey(rng: random.Random, ctx: SurveyContext, version: int) -> SurveyPlan:
    """The website feedback survey offered after some chats."""
    survey_id = uuid_from(rng)
    timeline = _timeline(rng, ctx.end_ms)
    rating = rating_from(ctx.satisfaction + rng.gauss(0, 0.6), _EASE_CUTS)
    comment = rng.random() < (0.55 if rating <= 3 else 0.3)
    language = _pick(rng, _LANGUAGES)
    return SurveyPlan(
        survey_id, ctx.conversation_id, WEB_FORM, version, "Web",
        ctx.user_id, ctx.queue_id, *timeline,
        rating, None, None, comment, False, False, False, language,
    )  # fmt: skip


def _pick(rng: random.Random, weighted: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([v for v, _ in weighted], [w for _, w in weighted])[0]


def _timeline(
    rng: random.Random, end_ms: int
) -> tuple[int, int, int, str, int, str]:
    """created, sent, started, outcome, outcome time, error reason."""
    created = end_ms + 2000 + int(rng.random() * 18_000)
    draw = rng.random()
    if draw < 0.025:
        reason = _pick(rng, _ERROR_REASONS)
        return created, 0, 0, ERROR, created + lognormal_ms(rng, 40_000, 0.8), reason
    if draw < 0.03:
        return created, 0, 0, PENDING, created, ""
    if rng.random() < 0.85:
        sent = created + 30_000 + int(rng.random() * 9.5 * MINUTE_MS)
    else:
        sent = created + HOUR_MS + int(rng.random() * 3 * HOUR_MS)
    started, outcome, outcome_ms, reason = _after_sent(rng, sent)
    return created, sent, started, outcome, outcome_ms, reason


def _after_sent(rng: random.Random, sent: int) -> tuple[int, str, int, str]:
    """started, outcome, outcome time, error reason of a sent survey."""
    draw = rng.random()
    if draw < 0.30:
        started = sent + min(lognormal_ms(rng, 2.5 * HOUR_MS, 1.4), EXPIRY_MS - DAY_MS)
        return started, FINISHED, started + lognormal_ms(rng, 2 * MINUTE_MS, 0.6), ""
    if draw < 0.33:
        return 0, OPT_OUT, sent + lognormal_ms(rng, 3 * HOUR_MS, 1.2), ""
    if draw < 0.38:
        started = sent + min(lognormal_ms(rng, 4 * HOUR_MS, 1.2), EXPIRY_MS - DAY_MS)
        return started, EXPIRED, sent + EXPIRY_MS, ""
    return 0, EXPIRED, sent + EXPIRY_MS, ""


def _csat_answers(
    rng: random.Random, satisfaction: float, voice: bool
) -> tuple[int | None, int | None, int | None, bool, bool, bool, bool, str]:
    """rating, nps, first contact, comment, improve, nps comment, partial, lang."""
    csat = rating_from(satisfaction, _CSAT_CUTS)
    nps: int | None = _nps_from(rng, csat)
    rating: int | None = csat
    partial = rng.random() < 0.07
    if partial and rng.random() < 0.4:
        rating = None
    elif partial:
        nps = None
    draw = rng.random()
    first_contact = None if draw < 0.12 else int(draw < 0.12 + (0.45 + 0.08 * csat))
    comment = not voice and rng.random() < (0.6 if csat <= 2 else 0.38)
    improve = not voice and rating is not None and rating <= 2 and rng.random() < 0.7
    nps_comment = not voice and nps is not None and rng.random() < 0.3
    language = _pick(rng, _LANGUAGES)
    return rating, nps, first_contact, comment, improve, nps_comment, partial, language
