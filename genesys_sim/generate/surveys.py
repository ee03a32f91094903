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

from genesys_sim.generate.clock import DAY_MS, HOUR_MS, MINUTE_MS
from genesys_sim.generate.draws import Weighted, lognormal_ms
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
_ERROR_REASONS = Weighted.of(
    (
        ("InvalidEmailAddress", 4),
        ("NoCustomerAddress", 3),
        ("InvalidPhoneNumber", 2),
        ("InvitationDeliveryFailed", 1),
    )
)
_LANGUAGES = Weighted.of(
    (("en", 70), ("es", 10), ("fr", 7), ("de", 6), ("pt", 4), ("ja", 3))
)
# Thresholds on the latent satisfaction for answers 5, 4, 3 and 2 (else 1).
_CSAT_CUTS = (1.05, 0.3, -0.25, -0.85)
_EASE_CUTS = (1.4, 0.8, 0.3, -0.1, -0.5, -1.0)


@dataclass(frozen=True, slots=True)
class Timeline:
    """When a survey is created, sent, opened and settled."""

    created_ms: int
    sent_ms: int  # 0: never sent
    started_ms: int  # 0: never opened
    outcome: str  # the final status
    outcome_ms: int  # when the final status is reached
    error_reason: str = ""


@dataclass(frozen=True, slots=True)
class Responses:
    """What the customer answers, should the survey be finished."""

    rating: int | None = None  # the rating question (CSAT 1-5, website 1-7)
    nps: int | None = None
    first_contact: int | None = None  # 1 yes, 0 no, None: N/A
    comment: bool = False
    improve: bool = False
    nps_comment: bool = False
    partial: bool = False
    language: str = "en"


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
    timeline: Timeline
    responses: Responses


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
    line = plan.timeline
    if t_ms < line.created_ms:
        return None
    if line.outcome == ERROR:
        if t_ms >= line.outcome_ms:
            return ERROR, line.outcome_ms
        return PENDING, line.created_ms
    if line.sent_ms == 0 or t_ms < line.sent_ms:
        return PENDING, line.created_ms
    if t_ms >= line.outcome_ms:
        return line.outcome, line.outcome_ms
    if line.started_ms and t_ms >= line.started_ms:
        return IN_PROGRESS, line.started_ms
    return SENT, line.sent_ms


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
    responses = _csat_responses(rng, ctx.satisfaction, survey_type == "Voice")
    return _plan(ctx, survey_id, (CSAT_FORM, version, survey_type), timeline, responses)


def conflict_survey(rng: random.Random, ctx: SurveyContext, version: int) -> SurveyPlan:
    """A second matching survey policy: recorded as an error, never sent."""
    created = ctx.end_ms + 3000 + int(rng.random() * 20_000)
    failed = created + 1000 + int(rng.random() * 5000)
    timeline = Timeline(created, 0, 0, ERROR, failed, CONFLICT_REASON)
    survey_id = uuid_from(rng)
    return _plan(ctx, survey_id, (CSAT_FORM, version, "Web"), timeline, Responses())


def website_survey(rng: random.Random, ctx: SurveyContext, version: int) -> SurveyPlan:
    """The website feedback survey offered after some chats."""
    survey_id = uuid_from(rng)
    timeline = _timeline(rng, ctx.end_ms)
    rating = rating_from(ctx.satisfaction + rng.gauss(0, 0.6), _EASE_CUTS)
    comment = rng.random() < (0.55 if rating <= 3 else 0.3)
    responses = Responses(rating, comment=comment, language=_LANGUAGES.pick(rng))
    return _plan(ctx, survey_id, (WEB_FORM, version, "Web"), timeline, responses)


def _plan(
    ctx: SurveyContext,
    survey_id: str,
    form: tuple[str, int, str],
    timeline: Timeline,
    responses: Responses,
) -> SurveyPlan:
    key, version, survey_type = form
    return SurveyPlan(
        survey_id,
        ctx.conversation_id,
        key,
        version,
        survey_type,
        ctx.user_id,
        ctx.queue_id,
        timeline,
        responses,
    )


def _timeline(rng: random.Random, end_ms: int) -> Timeline:
    created = end_ms + 2000 + int(rng.random() * 18_000)
    draw = rng.random()
    if draw < 0.025:
        reason = _ERROR_REASONS.pick(rng)
        failed = created + lognormal_ms(rng, 40_000, 0.8)
        return Timeline(created, 0, 0, ERROR, failed, reason)
    if draw < 0.03:
        return Timeline(created, 0, 0, PENDING, created)
    if rng.random() < 0.85:
        sent = created + 30_000 + int(rng.random() * 9.5 * MINUTE_MS)
    else:
        sent = created + HOUR_MS + int(rng.random() * 3 * HOUR_MS)
    started, outcome, outcome_ms = _after_sent(rng, sent)
    return Timeline(created, sent, started, outcome, outcome_ms)


def _after_sent(rng: random.Random, sent: int) -> tuple[int, str, int]:
    """When a sent survey is opened (0: never), how it ends, and when."""
    draw = rng.random()
    if draw < 0.30:
        started = sent + min(lognormal_ms(rng, 2.5 * HOUR_MS, 1.4), EXPIRY_MS - DAY_MS)
        return started, FINISHED, started + lognormal_ms(rng, 2 * MINUTE_MS, 0.6)
    if draw < 0.33:
        return 0, OPT_OUT, sent + lognormal_ms(rng, 3 * HOUR_MS, 1.2)
    if draw < 0.38:
        started = sent + min(lognormal_ms(rng, 4 * HOUR_MS, 1.2), EXPIRY_MS - DAY_MS)
        return started, EXPIRED, sent + EXPIRY_MS
    return 0, EXPIRED, sent + EXPIRY_MS


def _csat_responses(rng: random.Random, satisfaction: float, voice: bool) -> Responses:
    """Answers that follow the customer's satisfaction; voice surveys take no
    free text."""
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
    texts = not voice
    return Responses(
        rating=rating,
        nps=nps,
        first_contact=first_contact,
        comment=texts and rng.random() < (0.6 if csat <= 2 else 0.38),
        improve=texts and rating is not None and rating <= 2 and rng.random() < 0.7,
        nps_comment=texts and nps is not None and rng.random() < 0.3,
        partial=partial,
        language=_LANGUAGES.pick(rng),
    )
