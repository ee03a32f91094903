"""The plan of one conversation, and its timeline.

A plan holds durations, not instants; `leg_times` lays them out on the clock.
The same function serves the generator (to know when a conversation ends)
and the renderer (to place every segment), so the two always agree.
"""

from __future__ import annotations

from dataclasses import dataclass

from genesys_sim.generate.evaluations import EvaluationPlan
from genesys_sim.generate.people import Agent
from genesys_sim.generate.surveys import SurveyPlan

BLIND = "transfer"
CONSULT = "consultTransfer"


@dataclass(frozen=True, slots=True)
class Leg:
    """One agent's part of a conversation."""

    agent: Agent
    queue_index: int
    wrapup_key: str
    wait_ms: int  # in queue before alerting; with a consult, the overlap
    alert_ms: int
    talk_ms: int
    hold_ms: int  # 0: never on hold
    acw_ms: int
    transfer: str  # how the agent left: "", BLIND or CONSULT


@dataclass(frozen=True, slots=True)
class ConversationPlan:
    """Everything about one conversation, past and future."""

    conversation_id: str
    start_ms: int
    end_ms: int
    media_type: str
    direction: str
    message_type: str  # "sms" or "WhatsApp" for messaging, else ""
    ivr_ms: int
    queue_index: int  # the first queue
    abandon_ms: int = 0  # time in queue before the customer gave up; 0: answered
    legs: tuple[Leg, ...] = ()  # none when abandoned
    satisfaction: float = 0.0  # latent: drives every answer the customer gives
    surveys: tuple[SurveyPlan, ...] = ()
    evaluations: tuple[EvaluationPlan, ...] = ()

    @property
    def inbound(self) -> bool:
        return self.direction == "inbound"


@dataclass(frozen=True, slots=True)
class LegTimes:
    acd_start: int | None  # None: no queue participant (consult, outbound)
    alert_start: int
    interact_start: int
    hold_start: int | None
    interact_end: int
    wrapup_end: int


def leg_times(
    start_ms: int, ivr_ms: int, direction: str, legs: tuple[Leg, ...]
) -> tuple[LegTimes, ...]:
    """Absolute instants of every leg, in order."""
    times: list[LegTimes] = []
    cursor = start_ms + ivr_ms
    for i, leg in enumerate(legs):
        acd_start: int | None = cursor
        alert_start = cursor + leg.wait_ms
        if direction == "outbound":
            acd_start, alert_start = None, start_ms
        elif i and legs[i - 1].transfer == CONSULT:
            acd_start, alert_start = None, times[-1].interact_end - leg.wait_ms
        interact_start = alert_start + leg.alert_ms
        interact_end = interact_start + leg.talk_ms + leg.hold_ms
        hold_start = interact_start + leg.talk_ms // 3 if leg.hold_ms else None
        times.append(
            LegTimes(
                acd_start,
                alert_start,
                interact_start,
                hold_start,
                interact_end,
                interact_end + leg.acw_ms,
            )
        )
        cursor = interact_end
    return tuple(times)


def end_of(
    start_ms: int, ivr_ms: int, abandon_ms: int, times: tuple[LegTimes, ...]
) -> int:
    """When the conversation ends: the last wrap-up, or the customer giving up."""
    if not times:
        return start_ms + ivr_ms + abandon_ms
    return max(t.wrapup_end for t in times)
