"""Read-side caches over the served `Org`, built lazily and kept for its life.

The org is immutable once built, so surveys indexed by id and by event time, and
the wire JSON of recently served conversations, can be kept without invalidation.
Callers must treat the cached JSON as read-only.
"""

from __future__ import annotations

import bisect
from collections import OrderedDict
from collections.abc import Collection
from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from genesys_sim.org import Org, SurveyRecord

WireDict = dict[str, Any]


def is_visible(division_ids: Collection[str], visible: Collection[str] | None) -> bool:
    """Whether an object of `division_ids` is seen by a client limited to `visible`."""
    if visible is None:
        return True
    return any(division in visible for division in division_ids)


class OrgIndex:
    """Lookups the routes need often, over one `Org`."""

    def __init__(self, org: Org, json_cache_size: int = 4096) -> None:
        self.org = org
        self._json_cache: OrderedDict[tuple[str, bool], WireDict] = OrderedDict()
        self._json_cache_size = json_cache_size

    @cached_property
    def _surveys_by_time(self) -> list[SurveyRecord]:
        return sorted(
            self.org.survey_records(), key=lambda s: (s.event_time, s.survey_id)
        )

    @cached_property
    def _event_times(self) -> list[datetime]:
        return [survey.event_time for survey in self._surveys_by_time]

    @cached_property
    def _surveys_by_id(self) -> dict[str, SurveyRecord]:
        return {survey.survey_id: survey for survey in self._surveys_by_time}

    def survey_record(self, survey_id: str) -> SurveyRecord | None:
        """The analytics facts of one survey, or None."""
        return self._surveys_by_id.get(survey_id)

    def surveys_between(self, start: datetime, end: datetime) -> list[SurveyRecord]:
        """Surveys whose `eventTime` lies in `[start, end)`, oldest first."""
        low = bisect.bisect_left(self._event_times, start)
        high = bisect.bisect_left(self._event_times, end)
        return self._surveys_by_time[low:high]

    def conversation_json(
        self, conversation_id: str, with_attributes: bool = False
    ) -> WireDict:
        """The analytics conversation, cached (read-only)."""
        key = (conversation_id, with_attributes)
        cached = self._json_cache.get(key)
        if cached is not None:
            self._json_cache.move_to_end(key)
            return cached
        loaded = self.org.conversation_json(
            conversation_id, with_attributes=with_attributes
        )
        self._json_cache[key] = loaded
        if len(self._json_cache) > self._json_cache_size:
            self._json_cache.popitem(last=False)
        return loaded
