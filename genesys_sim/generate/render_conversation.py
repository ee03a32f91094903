"""A conversation on the wire: the analytics `AnalyticsConversation`.

The full timeline is laid out from the plan, then cut at the org's clock:
segments that have not begun are left out, one still running has no end, and
a conversation still running has no `conversationEnd`. Cosmetic details
(participant ids, the customer's fake name and number) come from a generator
seeded by the conversation id, so they never change either.
"""

from __future__ import annotations

import random
from typing import Any

from genesys_sim.generate.clock import wire_time
from genesys_sim.generate.customers import Customer, addresses, display_name
from genesys_sim.generate.ids import rng_for, uuid_from
from genesys_sim.generate.plans import (
    BLIND,
    ConversationPlan,
    Leg,
    LegTimes,
    leg_times,
)
from genesys_sim.generate.routing import Routing

Json = dict[str, Any]
Segment = tuple[int, int, str, Json]  # start, end, type, extra fields
Metric = tuple[str, int, int]  # name, value, emit time


class ConversationRenderer:
    """Renders plans as analytics conversations seen at `as_of_ms`."""

    def __init__(self, seed: int, routing: Routing, as_of_ms: int) -> None:
        self._seed = seed
        self._routing = routing
        self._as_of = as_of_ms

    def render(
        self,
        plan: ConversationPlan,
        division_ids: tuple[str, ...],
        surveys: list[Json],
        evaluations: list[Json],
        with_attributes: bool,
    ) -> Json:
        """The wire dict; `surveys` and `evaluations` are already rendered."""
        rng = rng_for(self._seed, "render", plan.conversation_id)
        customer = Customer(rng)
        times = leg_times(plan.start_ms, plan.ivr_ms, plan.direction, plan.legs)
        participants = self._participants(rng, plan, times, customer)
        if with_attributes:
            for participant, attributes in participants:
                participant["attributes"] = attributes
        body = self._header(rng, plan, division_ids)
        body["participants"] = [p for p, _ in participants]
        if surveys:
            body["surveys"] = surveys
        if evaluations:
            body["evaluations"] = evaluations
        return body

    def _header(
        self, rng: random.Random, plan: ConversationPlan, division_ids: tuple[str, ...]
    ) -> Json:
        ended = plan.end_ms <= self._as_of
        body: Json = {
            "conversationId": plan.conversation_id,
            "conversationStart": wire_time(plan.start_ms),
        }
        if ended:
            body["conversationEnd"] = wire_time(plan.end_ms)
        body["conversationInitiator"] = "customer" if plan.inbound else "agent"
        if ended and plan.legs:
            body["customerParticipation"] = True
        body["divisionIds"] = list(division_ids)
        mos = round(3.6 + rng.random() * 0.9, 2)
        if ended and plan.media_type == "voice":
            body["mediaStatsMinConversationMos"] = mos
        body["originatingDirection"] = plan.direction
        return body

    def _participants(
        self,
        rng: random.Random,
        plan: ConversationPlan,
        times: tuple[LegTimes, ...],
        customer: Customer,
    ) -> list[tuple[Json, dict[str, str]]]:
        ids = [(uuid_from(rng), uuid_from(rng)) for _ in range(2 * len(plan.legs) + 2)]
        customer_ids = ids.pop(0)
        built = [self._customer(plan, times, customer, customer_ids)]
        if not plan.legs:
            built.append(self._abandoned_acd(plan, ids.pop(0)))
        for leg, leg_time in zip(plan.legs, times, strict=True):
            if leg_time.acd_start is not None:
                built.append(self._acd(plan, leg, leg_time, ids.pop(0)))
            built.append(self._agent(plan, leg, leg_time, ids.pop(0), customer_ids[1]))
        if not plan.inbound:
            built.reverse()
        return [(p, a) for p, a in built if p["sessions"][0]["segments"]]

    def _customer(
        self,
        plan: ConversationPlan,
        times: tuple[LegTimes, ...],
        customer: Customer,
        ids: tuple[str, str],
    ) -> tuple[Json, dict[str, str]]:
        if plan.legs:
            start = plan.start_ms if plan.inbound else times[0].interact_start
            segment: Segment = (
                start,
                times[-1].interact_end,
                "interact",
                {"disconnectType": "endpoint" if plan.inbound else "peer"},
            )
        else:
            segment = (
                plan.start_ms,
                plan.end_ms,
                "interact",
                {"disconnectType": "endpoint"},
            )
        session = self._session(ids[1], plan, [segment], [])
        session.update(addresses(plan, customer))
        participant: Json = {
            "participantId": ids[0],
            "participantName": display_name(plan, customer),
            "purpose": "customer" if plan.inbound else "external",
            "sessions": [self._reorder(session)],
        }
        return participant, customer.attributes

    def _reorder(self, session: Json) -> Json:
        segments = session.pop("segments")
        metrics = session.pop("metrics", None)
        session["segments"] = segments
        if metrics:
            session["metrics"] = metrics
        return session

    def _abandoned_acd(
        self, plan: ConversationPlan, ids: tuple[str, str]
    ) -> tuple[Json, dict[str, str]]:
        queue = self._routing.queues[plan.queue_index]
        start = plan.start_ms + plan.ivr_ms
        segment: Segment = (
            start,
            plan.end_ms,
            "interact",
            {"queueId": queue.queue_id, "disconnectType": "peer"},
        )
        metrics = [
            ("nOffered", 1, start),
            ("tAbandon", plan.end_ms - start, plan.end_ms),
        ]
        session = self._session(ids[1], plan, [segment], metrics)
        return _participant(ids[0], queue.name, "acd", session), {}

    def _acd(
        self, plan: ConversationPlan, leg: Leg, times: LegTimes, ids: tuple[str, str]
    ) -> tuple[Json, dict[str, str]]:
        queue = self._routing.queues[leg.queue_index]
        start = times.acd_start or times.alert_start
        segment: Segment = (
            start,
            times.alert_start,
            "interact",
            {"queueId": queue.queue_id, "disconnectType": "transfer"},
        )
        metrics = [
            ("nOffered", 1, start),
            ("tAcd", times.alert_start - start, times.alert_start),
        ]
        session = self._session(ids[1], plan, [segment], metrics)
        return _participant(ids[0], queue.name, "acd", session), {}

    def _agent(
        self,
        plan: ConversationPlan,
        leg: Leg,
        times: LegTimes,
        ids: tuple[str, str],
        peer: str,
    ) -> tuple[Json, dict[str, str]]:
        queue_id = self._routing.queues[leg.queue_index].queue_id
        wrapup = self._routing.wrapups[leg.wrapup_key].code_id
        segments = _agent_segments(plan.inbound, leg, times, queue_id, wrapup)
        metrics = _agent_metrics(plan.inbound, leg, times)
        session = self._session(ids[1], plan, segments, metrics)
        session["peerId"] = peer
        participant = _participant(ids[0], leg.agent.name, "agent", session)
        participant["userId"] = leg.agent.user_id
        return _user_first(participant), {}

    def _session(
        self,
        session_id: str,
        plan: ConversationPlan,
        segments: list[Segment],
        metrics: list[Metric],
    ) -> Json:
        session: Json = {"sessionId": session_id, "mediaType": plan.media_type}
        if plan.message_type:
            session["messageType"] = plan.message_type
        session["direction"] = plan.direction
        session["segments"] = [s for s in map(self._segment, segments) if s]
        kept = [m for m in metrics if m[2] <= self._as_of]
        if kept:
            session["metrics"] = [_metric(*m) for m in kept]
        return session

    def _segment(self, segment: Segment) -> Json | None:
        start, end, kind, extra = segment
        if start >= self._as_of:
            return None
        body: Json = {"segmentStart": wire_time(start)}
        if end <= self._as_of:
            body["segmentEnd"] = wire_time(end)
        body["segmentType"] = kind
        for key, value in extra.items():
            if end <= self._as_of or key == "queueId":
                body[key] = value
        return body


def _participant(pid: str, name: str, purpose: str, session: Json) -> Json:
    return {
        "participantId": pid,
        "participantName": name,
        "purpose": purpose,
        "sessions": [session],
    }


def _user_first(participant: Json) -> Json:
    order = ("participantId", "participantName", "purpose", "userId", "sessions")
    return {key: participant[key] for key in order}


def _metric(name: str, value: int, emit_ms: int) -> Json:
    return {"name": name, "value": value, "emitDate": wire_time(emit_ms)}


def _agent_segments(
    inbound: bool, leg: Leg, times: LegTimes, queue_id: str, wrapup: str
) -> list[Segment]:
    queue = {"queueId": queue_id}
    first = "alert" if inbound else "dialing"
    segments: list[Segment] = [(times.alert_start, times.interact_start, first, queue)]
    leaving = {"queueId": queue_id, "disconnectType": _disconnect(inbound, leg)}
    if times.hold_start is None:
        segments.append((times.interact_start, times.interact_end, "interact", leaving))
    else:
        hold_end = times.hold_start + leg.hold_ms
        segments += [
            (times.interact_start, times.hold_start, "interact", queue),
            (times.hold_start, hold_end, "hold", queue),
            (hold_end, times.interact_end, "interact", leaving),
        ]
    segments.append(
        (
            times.interact_end,
            times.wrapup_end,
            "wrapup",
            {"queueId": queue_id, "wrapUpCode": wrapup},
        )
    )
    return segments


def _disconnect(inbound: bool, leg: Leg) -> str:
    if leg.transfer:
        return leg.transfer
    return "peer" if inbound else "client"


def _agent_metrics(inbound: bool, leg: Leg, times: LegTimes) -> list[Metric]:
    metrics: list[Metric] = [("tDialing", leg.alert_ms, times.interact_start)]
    if inbound:
        queued = times.alert_start if times.acd_start is None else times.acd_start
        metrics = [
            ("tAlert", leg.alert_ms, times.interact_start),
            ("tAnswered", times.interact_start - queued, times.interact_start),
        ]
    if times.hold_start is not None:
        metrics.append(("tHeldComplete", leg.hold_ms, times.hold_start + leg.hold_ms))
    metrics.append(("tTalkComplete", leg.talk_ms, times.interact_end))
    if leg.transfer:
        kind = "nBlindTransferred" if leg.transfer == BLIND else "nConsultTransferred"
        metrics += [
            ("nTransferred", 1, times.interact_end),
            (kind, 1, times.interact_end),
        ]
    handle = leg.talk_ms + leg.hold_ms + leg.acw_ms
    metrics += [
        ("tAcw", leg.acw_ms, times.wrapup_end),
        ("tHandle", handle, times.wrapup_end),
    ]
    return metrics
