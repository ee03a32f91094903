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

from genesys_sim.generate.catalogue import Catalogue
from genesys_sim.generate.clock import DAY_MS, HOUR_MS, to_ms
from genesys_sim.generate.conversations import HourGenerator
from genesys_sim.generate.evaluations import EvaluationPlan
from genesys_sim.generate.forms import FormVersion
from genesys_sim.generate.ids import stable_uuid
from genesys_sim.generate.people import Roster
from genesys_sim.generate.plans import ConversationPlan
from genesys_sim.generate.recorder import Recorded, Recorder
from genesys_sim.generate.records import ConversationRecord, SurveyRecord
from genesys_sim.generate.render_conversation import ConversationRenderer
from genesys_sim.generate.render_evaluation import (
    EvaluationContext,
    analytics_evaluation_json,
    evaluation_json,
)
from genesys_sim.generate.render_survey import analytics_survey_json, survey_json
from genesys_sim.generate.routing import build_routing
from genesys_sim.generate.surveys import SurveyPlan
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
        # Pages walk conversations in start order: a couple of days of hours
        # covers them, and a large org's plans are too big to keep them all.
        self._hour_plans = lru_cache(maxsize=48)(self._plans_of_hour)
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
        recorder = Recorder(
            self.spec.seed, self._routing, self._roster, self._catalogue, self._as_of_ms
        )
        first = self._start_ms // HOUR_MS
        last = (self._as_of_ms - 1) // HOUR_MS
        for hour in range(first, last + 1):
            for plan in self._generator.plans(hour):
                if self._start_ms <= plan.start_ms < self._as_of_ms:
                    self._add(recorder.record(plan))
        logger.info(
            "Built org seed %s: %d conversations, %d surveys, %d evaluations",
            self.spec.seed,
            len(self._records),
            len(self._surveys),
            len(self._evaluations),
        )

    def _plans_of_hour(self, hour: int) -> dict[str, ConversationPlan]:
        return {p.conversation_id: p for p in self._generator.plans(hour)}

    def _add(self, recorded: Recorded) -> None:
        record = recorded.conversation
        self._records.append(record)
        self._by_id[record.conversation_id] = record
        for plan, survey in recorded.surveys:
            self._surveys[plan.survey_id] = (plan, survey)
        for evaluation, ctx in recorded.evaluations:
            self._evaluations[evaluation.evaluation_id] = (evaluation, ctx)

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
