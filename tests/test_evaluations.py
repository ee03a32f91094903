"""The evaluation-form ("scorecard") source: answers read from evaluations."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from csat.client import GenesysClient
from csat.config import Config
from csat.evaluations import EvaluationAnswers
from csat.forms import FormVersionCache
from csat.records import evaluation_rows

FORM_ID = "e0000000-0000-4000-8000-000000000001"
CONTEXT = "ec000000-0000-4000-8000-000000000001"
CONVERSATION = "c0c0c0c0-0000-4000-8000-000000000001"

EVALUATION_FORM = {
    "id": FORM_ID,
    "name": "Customer satisfaction scorecard",
    "contextId": CONTEXT,
    "questionGroups": [
        {
            "id": "g1",
            "name": "Customer",
            "questions": [
                {
                    "id": "q1",
                    "text": "How satisfied was the customer?",
                    "type": "multipleChoiceQuestion",
                    "answerOptions": [
                        {"id": f"a{v}", "text": str(v), "value": v} for v in range(1, 6)
                    ],
                }
            ],
        }
    ],
}


def analytics_conversation(status: str, evaluation_id: str) -> dict[str, Any]:
    return {
        "conversationId": CONVERSATION,
        "conversationStart": "2026-11-03T14:01:02.345Z",
        "evaluations": [
            {
                "evaluationId": evaluation_id,
                "evaluationStatus": status,
                "formId": FORM_ID,
                "contextId": CONTEXT,
                "formName": "Customer satisfaction scorecard",
                "userId": "u1",
                "queueId": "q1",
                "eventTime": "2026-11-04T09:00:00.000Z",
            },
            {
                "evaluationId": "other",
                "contextId": "another-form",
                "evaluationStatus": status,
            },
        ],
    }


class FakeQuality:
    def __init__(self) -> None:
        self.paths: list[str] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path == "/oauth/token":
            return httpx.Response(200, json={"access_token": "t", "expires_in": 86399})
        self.paths.append(path)
        if path == f"/api/v2/quality/forms/evaluations/{FORM_ID}":
            return httpx.Response(200, json=EVALUATION_FORM)
        evaluation_id = path.rsplit("/", 1)[-1]
        return httpx.Response(200, json=self._evaluation(evaluation_id))

    def _evaluation(self, evaluation_id: str) -> dict[str, Any]:
        score = {"questionId": "q1", "answerId": "a4", "score": 4}
        return {
            "id": evaluation_id,
            "conversation": {"id": CONVERSATION},
            "evaluationForm": {"id": FORM_ID, "contextId": CONTEXT, "name": "x"},
            "status": "FINISHED",
            "answers": {
                "totalScore": 80.0,
                "comments": "Calm and clear.",
                "questionGroupScores": [
                    {"questionGroupId": "g1", "questionScores": [score]}
                ],
            },
        }


def fetch(server: FakeQuality, rows: list[dict[str, Any]]) -> list[Any]:
    config = Config.for_base_url(
        "https://api.example.test", "id", "secret", requests_per_minute=1e6
    )

    async def run() -> list[Any]:
        async with GenesysClient(
            config, transport=httpx.MockTransport(server)
        ) as client:
            fetcher = EvaluationAnswers(client, FormVersionCache(client, None))
            return await fetcher.fetch_all(rows)

    return asyncio.run(run())


def test_rows_are_labelled_evaluation_and_keep_only_the_chosen_form() -> None:
    rows = evaluation_rows(analytics_conversation("Finished", "ea1"), CONTEXT)
    assert [(r["survey_id"], r["source"]) for r in rows] == [("ea1", "evaluation")]


def test_a_finished_evaluation_is_read_from_its_conversation() -> None:
    server = FakeQuality()
    rows = evaluation_rows(analytics_conversation("Finished", "ea1"), CONTEXT)
    answered = fetch(server, rows)
    assert (
        f"/api/v2/quality/conversations/{CONVERSATION}/evaluations/ea1" in server.paths
    )
    row, answers = answered[0]
    assert (row["csat_score"], row["csat_top2"], row["source"]) == (
        4,
        True,
        "evaluation",
    )
    assert row["comment"] == "Calm and clear."
    assert [a["answer_text"] for a in answers] == ["4"]


def test_an_evaluation_in_progress_is_not_asked_for() -> None:
    server = FakeQuality()
    rows = evaluation_rows(analytics_conversation("InProgress", "ea2"), CONTEXT)
    assert fetch(server, rows) == []
    assert server.paths == []
