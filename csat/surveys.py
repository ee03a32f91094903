"""Survey answers: one Quality API request per finished survey, ever.

A finished survey never changes, so once its answers are stored it is never asked
for again. Surveys still open, expired or opted out have nothing more to tell;
a survey in `Error` is read once too, because only the Quality API says why
(`surveyErrorDetails`). The texts of questions and answers come from the exact
form version the survey was answered on.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from typing import Any

from csat.client import GenesysClient
from csat.errors import NotFoundError, RateLimitError, ServiceError
from csat.forms import FormVersion, FormVersionCache, Source
from csat.records import apply_survey_answers

logger = logging.getLogger(__name__)

SURVEY_PATH = "/api/v2/quality/surveys/{survey_id}"
# Responses left unread before a run gives up: past this the service is down.
MAX_UNREAD = 25

Row = dict[str, Any]
Answered = tuple[Row, list[Row]]


def is_finished(row: Row) -> bool:
    """Whether the response row's status is `Finished` (compared without case)."""
    return _status(row) == "finished"


def _status(row: Row) -> str:
    return str(row.get("survey_status") or "").casefold()


class AnswerFetcher:
    """Fetches the answers of finished responses and applies them to their rows.

    Requests run concurrently; the client bounds how many are in flight. A response
    that no longer exists is noted in `missing` and left without answers; one the
    service would not serve after every retry is noted in `unread`.
    """

    source: Source = "survey"
    statuses: frozenset[str] = frozenset({"finished"})  # casefolded

    def __init__(self, client: GenesysClient, versions: FormVersionCache) -> None:
        self.client = client
        self.versions = versions
        self.missing: list[str] = []
        self.unread: list[str] = []  # failed on every retry

    def wants(self, row: Row) -> bool:
        """Whether the row's status has details worth one request."""
        return _status(row) in self.statuses

    async def fetch_all(self, rows: Iterable[Row]) -> list[Answered]:
        """Answers for every row among `rows` that `wants` them."""
        wanted = [row for row in rows if self.wants(row)]
        results = await asyncio.gather(*(self.fetch_one(row) for row in wanted))
        return [result for result in results if result is not None]

    async def fetch_one(self, row: Row) -> Answered | None:
        """The row with its answers applied, and its answer rows."""
        try:
            payload: dict[str, Any] = await self.client.get(self.path(row), bulk=True)
            version_id = self.version_id(payload, row)
            version = await self.versions.get(version_id, self.source)
        except NotFoundError:
            # The response, or the form version it names, no longer exists.
            logger.warning("%s %s not found; no answers", self.source, row["survey_id"])
            self.missing.append(str(row["survey_id"]))
            return None
        except (ServiceError, RateLimitError) as error:
            # The others go on; the run reports this one at the end, and the next
            # run fetches it. Past MAX_UNREAD the service is down: stop.
            self.unread.append(str(row["survey_id"]))
            logger.warning("%s %s unread: %s", self.source, row["survey_id"], error)
            if len(self.unread) > MAX_UNREAD:
                raise
            return None
        return self.apply(row, payload, version)

    def path(self, row: Row) -> str:
        return SURVEY_PATH.format(survey_id=row["survey_id"])

    def version_id(self, payload: dict[str, Any], row: Row) -> str:
        form = payload.get("surveyForm") or {}
        return str(form.get("id") or row["survey_form_id"])

    def apply(
        self, row: Row, payload: dict[str, Any], version: FormVersion
    ) -> Answered:
        return apply_survey_answers(row, payload, version)


class SurveyAnswers(AnswerFetcher):
    """Answers of finished surveys, and the reason of failed ones, from
    `GET /api/v2/quality/surveys/{id}`."""

    statuses = frozenset({"finished", "error"})
