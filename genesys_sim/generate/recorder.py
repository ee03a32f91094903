"""From plans to the compact records of an org seen at one moment.

The plans hold a conversation's whole future; the recorder keeps what has
happened by the clock: the agents and wrap-up codes seen so far, the surveys
and evaluations created so far, each in the state it has reached.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from genesys_sim.generate.answers import answered, total_score
from genesys_sim.generate.catalogue import Catalogue
from genesys_sim.generate.clock import from_ms
from genesys_sim.generate.evaluations import EvaluationPlan
from genesys_sim.generate.evaluations import status_at as evaluation_status
from genesys_sim.generate.people import EVALUATOR_COUNT, Roster
from genesys_sim.generate.plans import ConversationPlan, Leg, leg_times
from genesys_sim.generate.records import ConversationRecord, SurveyRecord
from genesys_sim.generate.render_evaluation import EvaluationContext
from genesys_sim.generate.routing import Queue, Routing
from genesys_sim.generate.surveys import FINISHED, SurveyPlan
from genesys_sim.generate.surveys import status_at as survey_status


@dataclass(frozen=True)
class Recorded:
    """One conversation's records, with its surveys' and evaluations' plans."""

    conversation: ConversationRecord
    surveys: list[tuple[SurveyPlan, SurveyRecord]]
    evaluations: list[tuple[EvaluationPlan, EvaluationContext]]


class Recorder:
    """Records plans as seen at `as_of_ms`."""

    def __init__(
        self,
        seed: int,
        routing: Routing,
        roster: Roster,
        catalogue: Catalogue,
        as_of_ms: int,
    ) -> None:
        self._seed = seed
        self._routing = routing
        self._roster = roster
        self._catalogue = catalogue
        self._as_of = as_of_ms
        # Agents, queues and codes combine in few ways: sharing equal tuples
        # saves about a quarter of a large org's memory.
        self._tuples: dict[tuple[str, ...], tuple[str, ...]] = {}

    def _shared(self, values: Iterable[str]) -> tuple[str, ...]:
        key = tuple(dict.fromkeys(values))
        return self._tuples.setdefault(key, key)

    def record(self, plan: ConversationPlan) -> Recorded:
        ended = plan.end_ms <= self._as_of
        queues, legs, wrapped = self._seen(plan, ended)
        divisions = self._shared(q.division.division_id for q in queues)
        surveys = [self._survey(s, plan, divisions) for s in plan.surveys if ended]
        kept = [s for s in surveys if s is not None]
        evaluations = [
            self._evaluation(e, plan, divisions) for e in plan.evaluations if ended
        ]
        shown = [e for e in evaluations if e is not None]
        conversation = ConversationRecord(
            conversation_id=plan.conversation_id,
            start=from_ms(plan.start_ms),
            end=from_ms(plan.end_ms) if ended else None,
            division_ids=divisions,
            media_type=plan.media_type,
            direction=plan.direction,
            user_ids=self._shared(leg.agent.user_id for leg in legs),
            queue_ids=self._shared(q.queue_id for q in queues),
            wrapup_code_ids=self._shared(self._wrapup_id(leg) for leg in wrapped),
            survey_ids=tuple(p.survey_id for p, _ in kept),
            evaluation_ids=tuple(p.evaluation_id for p, _ in shown),
        )
        return Recorded(conversation, kept, shown)

    def _seen(
        self, plan: ConversationPlan, ended: bool
    ) -> tuple[list[Queue], tuple[Leg, ...], tuple[Leg, ...]]:
        """Queues, legs and wrapped-up legs that have appeared by the clock."""
        legs = wrapped = plan.legs
        if not ended:
            times = leg_times(plan.start_ms, plan.ivr_ms, plan.direction, legs)
            pairs = list(zip(legs, times, strict=True))
            legs = tuple(leg for leg, t in pairs if t.alert_start < self._as_of)
            wrapped = tuple(leg for leg, t in pairs if t.wrapup_end <= self._as_of)
        indices = [plan.queue_index] + [leg.queue_index for leg in legs]
        queues = [self._routing.queues[i] for i in dict.fromkeys(indices)]
        return queues, legs, wrapped

    def _wrapup_id(self, leg: Leg) -> str:
        return self._routing.wrapups[leg.wrapup_key].code_id

    def _survey(
        self,
        plan: SurveyPlan,
        conversation: ConversationPlan,
        divisions: tuple[str, ...],
    ) -> tuple[SurveyPlan, SurveyRecord] | None:
        state = survey_status(plan, self._as_of)
        if state is None:
            return None
        status, event_ms = state
        finished = status == FINISHED
        form = self._catalogue.survey_form(plan.form_key, plan.version)
        answers = answered(self._seed, plan, form, with_text=False) if finished else []
        responses = plan.responses
        record = SurveyRecord(
            survey_id=plan.survey_id,
            conversation_id=plan.conversation_id,
            status=status,
            event_time=from_ms(event_ms),
            completed=from_ms(plan.timeline.outcome_ms) if finished else None,
            form_id=form.form_id,
            form_context_id=form.context_id,
            form_name=form.name,
            user_id=plan.user_id,
            queue_id=plan.queue_id,
            media_type=conversation.media_type,
            division_ids=divisions,
            wrapup_code_id=self._wrapup_id(conversation.legs[-1]),
            nps_score=responses.nps if finished else None,
            total_score=total_score(plan, form) if finished else None,
            partial=responses.partial and finished,
            error_reason=plan.timeline.error_reason or None,
            survey_type=plan.survey_type,
            csat_score=responses.rating if finished else None,
            answered_question_ids=tuple(
                a.question.question_id for a in answers if a.has_answer
            ),
        )
        return plan, record

    def _evaluation(
        self,
        plan: EvaluationPlan,
        conversation: ConversationPlan,
        divisions: tuple[str, ...],
    ) -> tuple[EvaluationPlan, EvaluationContext] | None:
        if evaluation_status(plan, self._as_of) is None:
            return None
        evaluator = self._roster.staff[plan.evaluator_index % EVALUATOR_COUNT]
        queue = next(q for q in self._routing.queues if q.queue_id == plan.queue_id)
        ctx = EvaluationContext(
            self._catalogue.evaluation_form(plan.form_key, plan.version),
            self._catalogue.user_name(plan.user_id),
            evaluator.user_id,
            evaluator.name,
            queue.name,
            divisions,
            conversation.start_ms,
            conversation.end_ms,
        )
        return plan, ctx
