"""Evaluations: which conversations an analyst scores, how, and when.

Like surveys, an evaluation's future is decided with its conversation and the
org's clock only reads it: `PENDING` once assigned, `INPROGRESS` once opened,
`FINISHED` (and released) once submitted.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from genesys_sim.generate.clock import DAY_MS, HOUR_MS, MINUTE_MS
from genesys_sim.generate.draws import lognormal_ms
from genesys_sim.generate.evaluation_forms import (
    EVALUATION_SCHEDULES,
    QA_FORM,
    SCORECARD_FORM,
)
from genesys_sim.generate.forms import FormVersion
from genesys_sim.generate.ids import uuid_from
from genesys_sim.generate.surveys import rating_from

PENDING = "PENDING"
IN_PROGRESS = "INPROGRESS"
FINISHED = "FINISHED"
ANALYTICS_STATUS = {PENDING: "Pending", IN_PROGRESS: "InProgress", FINISHED: "Finished"}

_CSAT_CUTS = (1.0, 0.3, -0.3, -0.9)
_REMARKS = (
    "Missed the verification step; please review the billing checklist.",
    "Solid call overall; summarise the next steps before closing.",
    "Good recovery after the transfer; confirm the refund date next time.",
    "Excellent ownership of the issue and a clear, friendly close.",
)


@dataclass(frozen=True, slots=True)
class EvaluationPlan:
    """Everything about one evaluation, past and future."""

    evaluation_id: str
    context_id: str
    conversation_id: str
    form_key: str
    version: int
    evaluator_index: int
    user_id: str
    queue_id: str
    created_ms: int
    started_ms: int
    submitted_ms: int
    read_ms: int  # 0: the agent never reads it
    answers: tuple[int | None, ...]  # one value per question, None: N/A


@dataclass(frozen=True, slots=True)
class Scores:
    """An evaluation's scores, as the service reports them (0-100)."""

    total: float
    critical: float | None
    non_critical: float
    groups: tuple[tuple[float, float, float], ...]  # score, raw, raw max


def make_evaluation(
    rng: random.Random,
    conversation_id: str,
    end_ms: int,
    who: tuple[str, str, float],
    satisfaction: float,
) -> EvaluationPlan:
    """An evaluation of the credited agent; `who` is (user, queue, agent bias)."""
    user_id, queue_id, bias = who
    key = SCORECARD_FORM if rng.random() < 0.4 else QA_FORM
    created = end_ms + min(lognormal_ms(rng, 30 * HOUR_MS, 0.6), 6 * DAY_MS)
    started = created + lognormal_ms(rng, 20 * HOUR_MS, 0.8)
    submitted = started + lognormal_ms(rng, 25 * MINUTE_MS, 0.6)
    read = submitted + lognormal_ms(rng, 10 * HOUR_MS, 1.0) if rng.random() < 0.7 else 0
    answers = _answers(rng, key, satisfaction, bias)
    version = EVALUATION_SCHEDULES[key].version_at(created)
    return EvaluationPlan(
        uuid_from(rng),
        uuid_from(rng),
        conversation_id,
        key,
        version,
        int(rng.random() * 2),
        user_id,
        queue_id,
        created,
        started,
        submitted,
        read,
        answers,
    )


def _answers(
    rng: random.Random, key: str, satisfaction: float, bias: float
) -> tuple[int | None, ...]:
    draw = rng.random()
    optional = None if draw < 0.25 else int(draw < 0.85)
    if key == SCORECARD_FORM:
        csat = rating_from(satisfaction + rng.gauss(0, 0.4), _CSAT_CUTS)
        return csat, optional
    greeting = int(rng.random() < 0.92)
    verified = int(rng.random() < 0.85 + 0.1 * bias)
    quality = satisfaction + rng.gauss(0, 0.5)
    resolved = 3 if quality > 0.3 else 2 if quality > -0.6 else 0
    return greeting, verified, resolved, optional


def status_at(plan: EvaluationPlan, t_ms: int) -> tuple[str, int] | None:
    """Quality status and time of the latest change at `t_ms`."""
    if t_ms < plan.created_ms:
        return None
    if t_ms < plan.started_ms:
        return PENDING, plan.created_ms
    if t_ms < plan.submitted_ms:
        return IN_PROGRESS, plan.started_ms
    return FINISHED, plan.submitted_ms


def scores(plan: EvaluationPlan, form: FormVersion) -> Scores:
    """Group scores scaled to 100, weighted into the total."""
    values = iter(plan.answers)
    groups, weighted, weights = [], 0.0, 0.0
    critical = [0, 0]
    non_critical = [0, 0]
    for group in form.groups:
        raw, top = 0, 0
        for question in group.questions:
            value = next(values)
            if value is None:
                continue
            bucket = critical if question.critical else non_critical
            bucket[0] += value
            bucket[1] += question.top_value
            raw, top = raw + value, top + question.top_value
        score = round(100.0 * raw / top, 2) if top else 0.0
        groups.append((score, float(raw), float(top)))
        weighted, weights = weighted + group.weight * score, weights + group.weight
    return Scores(
        round(weighted / weights, 2),
        round(100.0 * critical[0] / critical[1], 2) if critical[1] else None,
        round(100.0 * non_critical[0] / non_critical[1], 2),
        tuple(groups),
    )


def remark(total: float) -> str:
    """The evaluator's comment for a total score."""
    return _REMARKS[min(3, int(total // 25))]
