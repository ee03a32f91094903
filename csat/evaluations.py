"""The evaluation-form source: CSAT kept on a "scorecard".

The Quality API has no scorecard; the tutorial's approach maps onto evaluation
forms and their evaluations (genesys-api.md, section 10). Conversations are found
by the details query's `evaluationFilters` on the form's context id, and each
finished evaluation is read once from its conversation. Every row this source
yields says `source="evaluation"`.
"""

from __future__ import annotations

from typing import Any

from csat.forms import FormVersion, Source
from csat.records import apply_evaluation_answers
from csat.surveys import Answered, AnswerFetcher, Row

# The SDK's single-evaluation GET takes only `expand` (`expandAnswerTotalScores`
# belongs to /api/v2/quality/evaluations/query); it returns the answers as stored.
EVALUATION_PATH = (
    "/api/v2/quality/conversations/{conversation_id}/evaluations/{evaluation_id}"
)


class EvaluationAnswers(AnswerFetcher):
    """Answers of finished evaluations, read from their conversation."""

    source: Source = "evaluation"

    def path(self, row: Row) -> str:
        return EVALUATION_PATH.format(
            conversation_id=row["conversation_id"], evaluation_id=row["survey_id"]
        )

    def version_id(self, payload: dict[str, Any], row: Row) -> str:
        form = payload.get("evaluationForm") or {}
        return str(form.get("id") or row["survey_form_id"])

    def apply(
        self, row: Row, payload: dict[str, Any], version: FormVersion
    ) -> Answered:
        return apply_evaluation_answers(row, payload, version)
