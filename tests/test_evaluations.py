"""The evaluation-form ("scorecard") source: answers read from evaluations."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import httpx
import pandas as pd
from conftest import small_spec
from test_extract import config_for, run_extraction
from test_extract_faults import FAST

from csat.client import GenesysClient
from csat.config import Config
from csat.dataset import ExtractRequest
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


def test_the_scorecard_source_against_the_simulator(
    make_sim: Any, tmp_path: Path
) -> None:
    sim = make_sim(small_spec(history_days=5), limits=FAST)
    request = ExtractRequest(
        start=date(2026, 11, 15), end=date(2026, 11, 19), source="evaluation"
    )
    dataset = run_extraction(config_for(sim, tmp_path), request)
    assert dataset.form.name == "Customer Satisfaction Scorecard"
    assert dataset.form.source == "evaluation"

    # Independently: the org's evaluations on that form, of conversations in range.
    low = datetime(2026, 11, 15, tzinfo=UTC)
    high = datetime(2026, 11, 20, tzinfo=UTC)
    expected = {}
    for evaluation in sim.org.evaluations():
        form = evaluation["evaluationForm"]
        started = sim.org.conversation(evaluation["conversation"]["id"]).start
        if form["contextId"] == dataset.form.context_id and low <= started < high:
            expected[evaluation["id"]] = evaluation
    frame = dataset.responses
    assert sorted(frame["survey_id"]) == sorted(expected)
    assert len(expected) >= 3
    assert any(e["status"] == "FINISHED" for e in expected.values())
    assert set(frame["source"]) == {"evaluation"}
    for row in frame.to_dict("records"):
        evaluation = expected[row["survey_id"]]
        assert row["survey_status"].upper() == evaluation["status"]
        if evaluation["status"] == "FINISHED":
            assert row["csat_score"] in dataset.form.scale
            assert row["total_score"] == evaluation["answers"]["totalScore"]
        else:
            assert pd.isna(row["csat_score"])
