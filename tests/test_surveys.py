"""Survey answers: fetched for finished surveys only, on the exact form version."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from csat.client import GenesysClient
from csat.config import Config
from csat.forms import FormVersionCache
from csat.surveys import SurveyAnswers, is_finished

VERSION_1 = "f0000000-0000-4000-8000-000000000011"
VERSION_2 = "f0000000-0000-4000-8000-000000000012"


def form(version_id: str, scale: range, question_id: str) -> dict[str, Any]:
    options = [{"id": f"{question_id}-a{v}", "text": f"{v}", "value": v} for v in scale]
    questions = [
        {
            "id": question_id,
            "text": "How satisfied were you?",
            "type": "multipleChoiceQuestion",
            "answerOptions": options,
        },
        {
            "id": f"{question_id}-free",
            "text": "Tell us more",
            "type": "freeTextQuestion",
        },
    ]
    return {
        "id": version_id,
        "name": "Post-contact CSAT",
        "contextId": "fc1",
        "questionGroups": [{"id": "g", "name": "Main", "questions": questions}],
    }


def survey(
    survey_id: str, version_id: str, question_id: str, value: int
) -> dict[str, Any]:
    scores = [
        {
            "questionId": question_id,
            "answerId": f"{question_id}-a{value}",
            "score": value,
        },
        {
            "questionId": f"{question_id}-free",
            "freeTextAnswer": 'Quick, "kind"\nthanks',
        },
    ]
    return {
        "id": survey_id,
        "status": "Finished",
        "surveyForm": {
            "id": version_id,
            "contextId": "fc1",
            "name": "Post-contact CSAT",
        },
        "completedDate": "2026-11-02T10:00:00.000Z",
        "answers": {
            "questionGroupScores": [{"questionGroupId": "g", "questionScores": scores}]
        },
    }


class FakeQuality:
    def __init__(self) -> None:
        self.forms = {
            VERSION_1: form(VERSION_1, range(1, 6), "q1"),
            VERSION_2: form(VERSION_2, range(0, 11), "q2"),
        }
        self.surveys = {
            "s1": survey("s1", VERSION_1, "q1", 4),
            "s2": survey("s2", VERSION_2, "q2", 9),
        }
        self.paths: list[str] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path == "/oauth/token":
            return httpx.Response(200, json={"access_token": "t", "expires_in": 86399})
        self.paths.append(path)
        key = path.rsplit("/", 1)[-1]
        if path.startswith("/api/v2/quality/forms/surveys/"):
            return httpx.Response(200, json=self.forms[key])
        if key in self.surveys:
            return httpx.Response(200, json=self.surveys[key])
        return httpx.Response(404, json={"message": "not found", "code": "not.found"})


def row(survey_id: str, status: str, version_id: str = VERSION_1) -> dict[str, Any]:
    return {
        "survey_id": survey_id,
        "conversation_id": "c1",
        "survey_status": status,
        "survey_form_id": version_id,
        "source": "survey",
        "partial": False,
    }


def fetch(
    server: FakeQuality, rows: list[dict[str, Any]]
) -> tuple[list[Any], SurveyAnswers]:
    config = Config.for_base_url(
        "https://api.example.test", "id", "secret", requests_per_minute=1e6
    )

    async def run() -> tuple[list[Any], SurveyAnswers]:
        async with GenesysClient(
            config, transport=httpx.MockTransport(server)
        ) as client:
            fetcher = SurveyAnswers(client, FormVersionCache(client, None))
            return await fetcher.fetch_all(rows), fetcher

    return asyncio.run(run())


def test_is_finished_ignores_case() -> None:
    assert is_finished({"survey_status": "FINISHED"})
    assert not is_finished({"survey_status": "Sent"})
    assert not is_finished({"survey_status": None})


def test_only_finished_surveys_are_asked_for() -> None:
    server = FakeQuality()
    rows = [row("s1", "Finished"), row("s3", "Sent"), row("s4", "Expired")]
    answered, _ = fetch(server, rows)
    survey_paths = [p for p in server.paths if p.startswith("/api/v2/quality/surveys/")]
    assert survey_paths == ["/api/v2/quality/surveys/s1"]
    assert [r["survey_id"] for r, _ in answered] == ["s1"]


def test_each_survey_is_scored_on_its_own_form_version() -> None:
    server = FakeQuality()
    answered, _ = fetch(
        server, [row("s1", "Finished"), row("s2", "Finished", VERSION_2)]
    )
    by_id = {r["survey_id"]: r for r, _ in answered}
    assert (by_id["s1"]["csat_score"], by_id["s1"]["csat_scale_max"]) == (4, 5)
    assert by_id["s1"]["csat_top2"] is True
    assert (by_id["s2"]["csat_score"], by_id["s2"]["csat_scale_min"]) == (9, 0)
    assert by_id["s2"]["csat_top2"] is True  # the top two of 0-10 are 9 and 10
    form_paths = [p for p in server.paths if "/forms/" in p]
    assert sorted(form_paths) == sorted(
        f"/api/v2/quality/forms/surveys/{v}" for v in (VERSION_1, VERSION_2)
    )


def test_the_comment_keeps_quotes_and_line_breaks() -> None:
    answered, _ = fetch(FakeQuality(), [row("s1", "Finished")])
    updated, answers = answered[0]
    assert updated["comment"] == 'Quick, "kind"\nthanks'
    assert [a["question_type"] for a in answers] == [
        "multipleChoiceQuestion",
        "freeTextQuestion",
    ]


def test_a_vanished_survey_is_noted_not_raised() -> None:
    answered, fetcher = fetch(FakeQuality(), [row("gone", "Finished")])
    assert answered == []
    assert fetcher.missing == ["gone"]


def test_many_surveys_share_one_form_request_per_version() -> None:
    server = FakeQuality()
    for n in range(20):
        server.surveys[f"x{n}"] = survey(f"x{n}", VERSION_1, "q1", 1 + n % 5)
    answered, _ = fetch(server, [row(f"x{n}", "Finished") for n in range(20)])
    assert len(answered) == 20
    assert sum("/forms/" in p for p in server.paths) == 1
