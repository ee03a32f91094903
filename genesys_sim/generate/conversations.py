"""The conversations of one UTC hour: a pure function of the spec and the hour.

`HourGenerator.plans(hour)` draws everything from one generator seeded by
(seed, hour), so a conversation keeps its ids and content whenever and
wherever the org is built; the org's clock plays no part here.
"""

from __future__ import annotations

import random
from dataclasses import replace

from genesys_sim.generate.clock import HOUR_MS, MINUTE_MS, SECOND_MS, expected_per_hour
from genesys_sim.generate.draws import Weighted, lognormal_ms, poisson
from genesys_sim.generate.evaluations import EvaluationPlan, make_evaluation
from genesys_sim.generate.forms import CSAT_FORM, SCHEDULES, WEB_FORM
from genesys_sim.generate.ids import rng_for, uuid_from
from genesys_sim.generate.people import Agent, Roster
from genesys_sim.generate.plans import (
    BLIND,
    CONSULT,
    ConversationPlan,
    Leg,
    end_of,
    leg_times,
)
from genesys_sim.generate.routing import Routing
from genesys_sim.generate.surveys import (
    SurveyContext,
    SurveyPlan,
    conflict_survey,
    csat_survey,
    website_survey,
)
from genesys_sim.spec import OrgSpec

_MEDIA = ("voice", "chat", "message", "email")
_MEDIA_MIX = Weighted(_MEDIA, (0.48, 0.22, 0.15, 0.15))
_ABANDON = {"voice": 0.05, "chat": 0.04, "message": 0.02, "email": 0.0}
_MEDIA_EFFECT = {"voice": 0.0, "chat": 0.1, "message": 0.15, "email": -0.15}
# median and log-spread of: queue wait, talk, after-call work (ms)
_DURATIONS = {
    "voice": ((45_000, 0.9), (300_000, 0.6), (45_000, 0.5)),
    "chat": ((40_000, 0.8), (600_000, 0.5), (40_000, 0.5)),
    "message": ((90_000, 1.0), (1_500_000, 0.8), (30_000, 0.5)),
    "email": ((2 * HOUR_MS, 0.9), (420_000, 0.5), (60_000, 0.5)),
}
_MAX_WAIT = {
    "voice": 20 * MINUTE_MS,
    "chat": 20 * MINUTE_MS,
    "message": 2 * HOUR_MS,
    "email": 20 * HOUR_MS,
}
_EVALUATED_SHARE = 0.04
_WEBSITE_SHARE = 0.05
_CONFLICT_SHARE = 0.01


class HourGenerator:
    """Draws the conversation plans of any UTC hour for one org spec."""

    def __init__(self, spec: OrgSpec, routing: Routing, roster: Roster) -> None:
        self._seed = spec.seed
        self._per_day = spec.conversations_per_day
        self._offer = spec.survey_offer_share
        self._routing = routing
        self._roster = roster
        self._by_media = {
            media: Weighted.of(
                [
                    (i, q.weight)
                    for i, q in enumerate(routing.queues)
                    if media in q.media_types
                ]
            )
            for media in _MEDIA
        }
        self._wrapups = [Weighted.of(q.wrapups) for q in routing.queues]

    def plans(self, hour: int) -> list[ConversationPlan]:
        """Every conversation starting in absolute UTC hour `hour`, by start."""
        rng = rng_for(self._seed, "hour", hour)
        count = poisson(rng, expected_per_hour(self._per_day, hour))
        base = hour * HOUR_MS
        starts = sorted(base + int(rng.random() * HOUR_MS) for _ in range(count))
        return [self._conversation(rng, start) for start in starts]

    def _queue(self, rng: random.Random, media: str, avoid: int = -1) -> int:
        queues = self._by_media[media]
        for _ in range(4):
            index = queues.pick(rng)
            if index != avoid:
                return index
        return index

    def _conversation(self, rng: random.Random, start: int) -> ConversationPlan:
        conversation_id = uuid_from(rng)
        media = _MEDIA_MIX.pick(rng)
        outbound = media == "voice" and rng.random() < 0.08
        queue = self._queue(rng, media)
        ivr = _ivr_ms(rng, media, outbound)
        message_type = "" if media != "message" else rng.choice(("sms", "WhatsApp"))
        plan = ConversationPlan(
            conversation_id=conversation_id,
            start_ms=start,
            end_ms=start,
            media_type=media,
            direction="outbound" if outbound else "inbound",
            message_type=message_type,
            ivr_ms=ivr,
            queue_index=queue,
        )
        if not outbound and rng.random() < _ABANDON[media]:
            abandon = min(lognormal_ms(rng, 70_000, 0.8), _MAX_WAIT[media])
            return replace(plan, end_ms=start + ivr + abandon, abandon_ms=abandon)
        return self._answered(rng, plan)

    def _answered(self, rng: random.Random, plan: ConversationPlan) -> ConversationPlan:
        """The plan of a conversation an agent took: legs, surveys, evaluations."""
        media, start = plan.media_type, plan.start_ms
        legs = self._legs(rng, media, not plan.inbound, plan.queue_index, start)
        times = leg_times(start, plan.ivr_ms, plan.direction, legs)
        end = end_of(start, plan.ivr_ms, 0, times)
        satisfaction = self._satisfaction(rng, media, legs)
        cid = plan.conversation_id
        return replace(
            plan,
            end_ms=end,
            legs=legs,
            satisfaction=satisfaction,
            surveys=self._surveys(rng, cid, end, media, legs, satisfaction),
            evaluations=self._evaluations(rng, cid, end, legs, satisfaction),
        )

    def _legs(
        self, rng: random.Random, media: str, outbound: bool, queue: int, start: int
    ) -> tuple[Leg, ...]:
        hops = 0 if outbound else _transfer_count(rng, media)
        kinds = [
            BLIND if media == "email" or rng.random() < 0.7 else CONSULT
            for _ in range(hops)
        ] + [""]
        busy: set[str] = set()
        legs: list[Leg] = []
        for i, kind in enumerate(kinds):
            if i:
                queue = self._next_queue(rng, media, queue, kinds[i - 1])
            agent = self._roster.pick(rng, queue, start, busy)
            busy.add(agent.user_id)
            legs.append(self._leg(rng, media, outbound, queue, agent, kind, legs))
        return tuple(legs)

    def _next_queue(self, rng: random.Random, media: str, queue: int, how: str) -> int:
        stay = 0.6 if how == CONSULT else 0.15
        return queue if rng.random() < stay else self._queue(rng, media, queue)

    def _leg(
        self,
        rng: random.Random,
        media: str,
        outbound: bool,
        queue: int,
        agent: Agent,
        transfer: str,
        before: list[Leg],
    ) -> Leg:
        (wait_med, wait_sd), (talk_med, talk_sd), (acw_med, acw_sd) = _DURATIONS[media]
        wait = min(lognormal_ms(rng, wait_med, wait_sd), _MAX_WAIT[media])
        talk = max(20 * SECOND_MS, lognormal_ms(rng, talk_med, talk_sd))
        if before and before[-1].transfer == CONSULT:
            wait = min(wait, before[-1].talk_ms // 2)
        alert = int(
            (5 + rng.random() * 20 if outbound else 2 + rng.random() * 12) * 1000
        )
        hold = 0
        if media == "voice" and rng.random() < 0.3:
            hold = lognormal_ms(rng, 60_000, 0.6)
        acw = lognormal_ms(rng, acw_med, acw_sd)
        wrapup = self._wrapup(rng, queue, transfer)
        return Leg(
            agent=agent,
            queue_index=queue,
            wrapup_key=wrapup,
            wait_ms=0 if outbound else wait,
            alert_ms=alert,
            talk_ms=talk,
            hold_ms=hold,
            acw_ms=acw,
            transfer=transfer,
        )

    def _wrapup(self, rng: random.Random, queue: int, transfer: str) -> str:
        if transfer and rng.random() < 0.85:
            return "transferred"
        return self._wrapups[queue].pick(rng)

    def _satisfaction(
        self, rng: random.Random, media: str, legs: tuple[Leg, ...]
    ) -> float:
        last = legs[-1]
        queue = self._routing.queues[last.queue_index]
        wrapup = self._routing.wrapups[last.wrapup_key]
        waited = sum(leg.wait_ms for leg in legs)
        patience = 4 * HOUR_MS if media == "email" else 2 * MINUTE_MS
        wait_penalty = min(1.0, max(0.0, (waited - patience) / (2.5 * patience)))
        others = sum(leg.agent.bias for leg in legs[:-1])
        return (
            0.75
            + 0.8 * last.agent.bias
            + 0.2 * others
            + queue.effect
            + wrapup.effect
            + _MEDIA_EFFECT[media]
            - 0.35 * (len(legs) - 1)
            - wait_penalty
            + rng.gauss(0.0, 0.9)
        )

    def _surveys(
        self,
        rng: random.Random,
        conversation_id: str,
        end: int,
        media: str,
        legs: tuple[Leg, ...],
        satisfaction: float,
    ) -> tuple[SurveyPlan, ...]:
        last = legs[-1]
        queue_id = self._routing.queues[last.queue_index].queue_id
        ctx = SurveyContext(
            conversation_id, end, last.agent.user_id, queue_id, media, satisfaction
        )
        surveys = []
        if rng.random() < self._offer:
            version = SCHEDULES[CSAT_FORM].version_at(end)
            surveys.append(csat_survey(rng, ctx, version, media == "voice"))
            if rng.random() < _CONFLICT_SHARE:
                surveys.append(conflict_survey(rng, ctx, version))
        if media == "chat" and rng.random() < _WEBSITE_SHARE:
            version = SCHEDULES[WEB_FORM].version_at(end)
            surveys.append(website_survey(rng, ctx, version))
        return tuple(surveys)

    def _evaluations(
        self,
        rng: random.Random,
        conversation_id: str,
        end: int,
        legs: tuple[Leg, ...],
        satisfaction: float,
    ) -> tuple[EvaluationPlan, ...]:
        if rng.random() >= _EVALUATED_SHARE:
            return ()
        last = legs[-1]
        queue_id = self._routing.queues[last.queue_index].queue_id
        who = (last.agent.user_id, queue_id, last.agent.bias)
        return (make_evaluation(rng, conversation_id, end, who, satisfaction),)


def _ivr_ms(rng: random.Random, media: str, outbound: bool) -> int:
    if outbound or media == "email":
        return 0
    if media == "voice":
        return int((10 + rng.random() * 50) * 1000)
    return int((1 + rng.random() * 5) * 1000)


def _transfer_count(rng: random.Random, media: str) -> int:
    draw = rng.random()
    if media == "email":
        return int(draw < 0.04)
    return 2 if draw < 0.02 else 1 if draw < 0.15 else 0
