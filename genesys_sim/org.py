"""The simulated org: compact records of everything, wire JSON on demand.

    org = build_org(OrgSpec.demo())
    org.conversations_between(start, end)   # ConversationRecord, by start
    org.conversation_json(conversation_id)  # AnalyticsConversation wire dict
    org.survey(survey_id)                   # Quality Survey wire dict

Building walks every UTC hour of the window once and keeps only compact
records; a conversation's wire JSON is rendered from its hour's plans, which
are drawn again (and cached) when asked for. Wire dicts returned by the
`conversation_json`, `survey` and `evaluation` methods are fresh copies the
caller may change; the configuration lists and `evaluations()` are shared and
read-only.
"""

from __future__ import annotations

import bisect
import logging
from collections.abc import Iterator
from datetime import datetime
from functools import lru_cache
from typing import Any

from genesys_sim.generate.answers import answered, total_score
from genesys_sim.generate.catalogue import Catalogue
from genesys_sim.generate.clock import DAY_MS, HOUR_MS, from_ms, to_ms
from genesys_sim.generate.conversations import HourGenerator
from genesys_sim.generate.evaluations import EvaluationPlan
from genesys_sim.generate.evaluations import status_at as evaluation_status
from genesys_sim.generate.forms import FormVersion
from genesys_sim.generate.ids import stable_uuid
from genesys_sim.generate.people import EVALUATOR_COUNT, Roster
from genesys_sim.generate.plans import ConversationPlan, leg_times
from genesys_sim.generate.records import ConversationRecord, SurveyRecord
from genesys_sim.generate.render_conversation import ConversationRenderer
from genesys_sim.generate.render_evaluation import (
    EvaluationContext,
    analytics_evaluation_json,
    evaluation_json,
)
from genesys_sim.generate.render_survey import analytics_survey_json, survey_json
from genesys_sim.generate.routing import build_routing
from genesys_sim.generate.surveys import FINISHED, SurveyPlan
from genesys_sim.generate.surveys import status_at as survey_status
from genesys_sim.spec import OrgSpec

__all__ = ["ConversationRecord", "Org", "OrgSpec", "SurveyRecord", "build_org"]

logger = logging.getLogger(__name__)
Json = dict[str, Any]


def build_org(spec: OrgSpec) -> Org:
    """The org of `spec`, as of `spec.as_of` (now, floored to the hour)."""
    return Org(spec)


class Org:
    """A deterministic Genesys Cloud org: its configuration and its history."""

    def __init__(self, spec: OrgSpec) -> None:
        self.spec = spec
        self.as_of = spec.resolved_as_of()
        self._as_of_ms = to_ms(self.as_of)
        self._start_ms = self._as_of_ms - spec.history_days * DAY_MS
        self._routing = build_routing(spec.seed)
        self._roster = Roster(spec, self._routing)
        self._generator = HourGenerator(spec, self._routing, self._roster)
        self._renderer = ConversationRenderer(spec.seed, self._routing, self._as_of_ms)
        self._catalogue = Catalogue(
            spec.seed, self._routing, self._roster, (self._start_ms, self._as_of_ms)
        )
        self._flow_id = stable_uuid(spec.seed, "survey-flow")
        self._records: list[ConversationRecord] = []
        self._by_id: dict[str, ConversationRecord] = {}
        self._surveys: dict[str, tuple[SurveyPlan, SurveyRecord]] = {}
        self._evaluations: dict[str, tuple[EvaluationPlan, EvaluationContext]] = {}
        self._hour_plans = lru_cache(maxsize=256)(self._plans_of_hour)
        self._build()
        self._starts = [record.start for record in self._records]
        self._evaluation_list: list[Json] | None = None

    # configuration ------------------------------------------------------------

    @property
    def divisions(self) -> list[Json]:
        return self._catalogue.divisions

    @property
    def users(self) -> list[Json]:
        return self._catalogue.users

    @property
    def queues(self) -> list[Json]:
        return self._catalogue.queues

    @property
    def wrapup_codes(self) -> list[Json]:
        return self._catalogue.wrapup_codes

    @property
    def survey_forms(self) -> list[Json]:
        """Working copies and every published version, with question groups."""
        return self._catalogue.survey_forms

    @property
    def evaluation_forms(self) -> list[Json]:
        """Working copies and every published version, with question groups."""
        return self._catalogue.evaluation_forms

    def user(self, user_id: str) -> Json | None:
        return self._catalogue.users_by_id.get(user_id)

    # building -----------------------------------------------------------------

    def _build(self) -> None:
        first = self._start_ms // HOUR_MS
        last = (self._as_of_ms - 1) // HOUR_MS
        for hour in range(first, last + 1):
            for plan in self._generator.plans(hour):
                if self._start_ms <= plan.start_ms < self._as_of_ms:
                    self._add(plan)
        logger.info(
            "Built org seed %s: %d conversations, %d surveys, %d evaluations",
            self.spec.seed,
            len(self._records),
            len(self._surveys),
            len(self._evaluations),
        )

    def _plans_of_hour(self, hour: int) -> dict[str, ConversationPlan]:
        return {p.conversation_id: p for p in self._generator.plans(hour)}

    def _add(self, plan: ConversationPlan) -> None:
        ended = plan.end_ms <= self._as_of_ms
        record = self._conversation_record(plan, ended)
        self._records.append(record)
        self._by_id[record.conversation_id] = record

    def _conversation_record(
        self, plan: ConversationPlan, ended: bool
    ) -> ConversationRecord:
        queues, users, wrapups = self._seen(plan, ended)
        divisions = tuple(
            dict.fromkeys(self._routing.queues[q].division.division_id for q in queues)
        )
        survey_ids = tuple(
            s.survey_id
            for s in plan.surveys
            if ended and self._add_survey(s, plan, divisions)
        )
        evaluation_ids = tuple(
            e.evaluation_id
            for e in plan.evaluations
            if ended and self._add_evaluation(e, plan, divisions)
        )
        return ConversationRecord(
            plan.conversation_id,
            from_ms(plan.start_ms),
            from_ms(plan.end_ms) if ended else None,
            divisions,
            plan.media_type,
            plan.direction,
            users,
            tuple(q.queue_id for q in (self._routing.queues[i] for i in queues)),
            wrapups,
            survey_ids,
            evaluation_ids,
        )

    def _seen(
        self, plan: ConversationPlan, ended: bool
    ) -> tuple[tuple[int, ...], tuple[str, ...], tuple[str, ...]]:
        """Queues, agents and wrap-up codes that have appeared by the clock."""
        times = leg_times(plan.start_ms, plan.ivr_ms, plan.direction, plan.legs)
        now = self._as_of_ms
        legs = [
            (leg, t)
            for leg, t in zip(plan.legs, times, strict=True)
            if ended or t.alert_start < now
        ]
        queues = [plan.queue_index] + [leg.queue_index for leg, _ in legs]
        users = [leg.agent.user_id for leg, _ in legs]
        wrapups = [
            self._routing.wrapups[leg.wrapup_key].code_id
            for leg, t in legs
            if ended or t.wrapup_end <= now
        ]
        return (
            tuple(dict.fromkeys(queues)),
            tuple(dict.fromkeys(users)),
            tuple(dict.fromkeys(wrapups)),
        )

    def _add_survey(
        self,
        plan: SurveyPlan,
        conversation: ConversationPlan,
        divisions: tuple[str, ...],
    ) -> bool:
        state = survey_status(plan, self._as_of_ms)
        if state is None:
            return False
        form = self._catalogue.survey_form(plan.form_key, plan.version)
        record = self._survey_record(plan, conversation, divisions, form, state)
        self._surveys[plan.survey_id] = (plan, record)
        return True

    def _survey_record(
        self,
        plan: SurveyPlan,
        conversation: ConversationPlan,
        divisions: tuple[str, ...],
        form: FormVersion,
        state: tuple[str, int],
    ) -> SurveyRecord:
        status, event_ms = state
        finished = status == FINISHED
        last = conversation.legs[-1]
        answered_ids = (
            tuple(
                a.question.question_id
                for a in answered(self.spec.seed, plan, form, with_text=False)
                if a.has_answer
            )
            if finished
            else ()
        )
        return SurveyRecord(
            plan.survey_id,
            plan.conversation_id,
            status,
            from_ms(event_ms),
            from_ms(plan.timeline.outcome_ms) if finished else None,
            form.form_id,
            form.context_id,
            form.name,
            plan.user_id,
            plan.queue_id,
            conversation.media_type,
            divisions,
            self._routing.wrapups[last.wrapup_key].code_id,
            plan.responses.nps if finished else None,
            total_score(plan, form) if finished else None,
            plan.responses.partial and finished,
            plan.timeline.error_reason or None,
            plan.survey_type,
            plan.responses.rating if finished else None,
            answered_ids,
        )

    def _add_evaluation(
        self,
        plan: EvaluationPlan,
        conversation: ConversationPlan,
        divisions: tuple[str, ...],
    ) -> bool:
        if evaluation_status(plan, self._as_of_ms) is None:
            return False
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
        self._evaluations[plan.evaluation_id] = (plan, ctx)
        return True

    # conversations --------------------------------------------------------------

    def conversations_between(
        self, start: datetime, end: datetime
    ) -> list[ConversationRecord]:
        """Records with start <= conversationStart < end, by start."""
        low = bisect.bisect_left(self._starts, start)
        high = bisect.bisect_left(self._starts, end)
        return self._records[low:high]

    def conversation(self, conversation_id: str) -> ConversationRecord | None:
        return self._by_id.get(conversation_id)

    def conversation_json(
        self, conversation_id: str, *, with_attributes: bool = False
    ) -> Json:
        """The `AnalyticsConversation` as of the clock; KeyError when unknown.

        Participants carry `attributes` only `with_attributes` (the async jobs'
        variant)."""
        record = self._by_id[conversation_id]
        plan = self._hour_plans(to_ms(record.start) // HOUR_MS)[conversation_id]
        surveys = [
            analytics_survey_json(self._surveys[s][1]) for s in record.survey_ids
        ]
        evaluations = [self._analytics_evaluation(e) for e in record.evaluation_ids]
        return self._renderer.render(
            plan,
            record.division_ids,
            surveys,
            [e for e in evaluations if e],
            with_attributes,
        )

    def _analytics_evaluation(self, evaluation_id: str) -> Json | None:
        plan, ctx = self._evaluations[evaluation_id]
        return analytics_evaluation_json(plan, ctx, self._as_of_ms)

    # surveys ------------------------------------------------------------------

    def survey(self, survey_id: str) -> Json | None:
        """The Quality `Survey` as of the clock, or None."""
        found = self._surveys.get(survey_id)
        if found is None:
            return None
        plan, record = found
        form = self._catalogue.survey_form(plan.form_key, plan.version)
        agent = self._catalogue.user_name(plan.user_id)
        return survey_json(self.spec.seed, plan, record, form, agent, self._flow_id)

    def conversation_surveys(self, conversation_id: str) -> list[Json]:
        """Every survey of a conversation (empty for an unknown one)."""
        record = self._by_id.get(conversation_id)
        if record is None:
            return []
        return [s for s in map(self.survey, record.survey_ids) if s is not None]

    def survey_records(self) -> Iterator[SurveyRecord]:
        """Every survey, in conversation order."""
        return (record for _, record in self._surveys.values())

    def survey_record(self, survey_id: str) -> SurveyRecord | None:
        found = self._surveys.get(survey_id)
        return found[1] if found else None

    def survey_facts(
        self, survey_id: str
    ) -> tuple[SurveyPlan, SurveyRecord, FormVersion] | None:
        """The generated plan, the record and the form version of a survey:
        what the ground truth is computed from."""
        found = self._surveys.get(survey_id)
        if found is None:
            return None
        plan, record = found
        return plan, record, self._catalogue.survey_form(plan.form_key, plan.version)

    # evaluations --------------------------------------------------------------

    def evaluations(self) -> list[Json]:
        """Every Quality `Evaluation` as of the clock, with answers once
        finished; shared and read-only."""
        if self._evaluation_list is None:
            rendered = (
                evaluation_json(plan, ctx, self._as_of_ms)
                for plan, ctx in self._evaluations.values()
            )
            self._evaluation_list = [e for e in rendered if e is not None]
        return self._evaluation_list

    def evaluation(self, conversation_id: str, evaluation_id: str) -> Json | None:
        """One Quality `Evaluation` of a conversation, or None."""
        found = self._evaluations.get(evaluation_id)
        if found is None or found[0].conversation_id != conversation_id:
            return None
        return evaluation_json(found[0], found[1], self._as_of_ms)
