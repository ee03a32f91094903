"""Forms: the CSAT question and scale of each version, choosing the form, the cache."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest

from csat.client import GenesysClient
from csat.config import Config
from csat.errors import FormSelectionError
from csat.forms import (
    FormVersionCache,
    list_form_choices,
    parse_evaluation_form,
    parse_survey_form,
    resolve_form,
)
from csat.store import Store

_SHARED = Path(__file__).resolve().parents[2] / "shared"
EXAMPLES = (
    _SHARED if _SHARED.is_dir() else Path("/work/shared")
) / "reference/examples"

CONTEXT = "fc000000-0000-4000-8000-000000000001"
PILOT_CONTEXT = "fc000000-0000-4000-8000-000000000002"
WORKING_COPY = "f0000000-0000-4000-8000-000000000010"
VERSION_1 = "f0000000-0000-4000-8000-000000000011"
VERSION_2 = "f0000000-0000-4000-8000-000000000012"
SURVEY_FORMS = "/api/v2/quality/forms/surveys"
PUBLISHED_SURVEY_FORMS = "/api/v2/quality/publishedforms/surveys"

T = TypeVar("T")


def example(name: str) -> Any:
    return json.loads((EXAMPLES / name).read_text(encoding="utf-8"))


class FakeQuality:
    """Answers GETs from a table of paths (and page numbers); counts API calls."""

    def __init__(self, routes: dict[str, Any]) -> None:
        self.routes = routes
        self.calls: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oauth/token":
            token = {"access_token": "t", "token_type": "bearer", "expires_in": 86399}
            return httpx.Response(200, json=token)
        self.calls.append(request)
        page = request.url.params.get("pageNumber")
        body = self.routes.get(
            f"{request.url.path}#{page}", self.routes.get(request.url.path)
        )
        if body is None:
            error = {"message": "Not found", "code": "not.found", "status": 404}
            return httpx.Response(404, json=error)
        return httpx.Response(200, json=body)

    def paths(self) -> list[str]:
        return [request.url.path for request in self.calls]


def run(server: FakeQuality, scenario: Callable[[GenesysClient], Awaitable[T]]) -> T:
    config = Config.for_base_url(
        "https://api.example.test", "id", "secret", requests_per_minute=1e6
    )

    async def main() -> T:
        async with GenesysClient(
            config, transport=httpx.MockTransport(server)
        ) as client:
            return await scenario(client)

    return asyncio.run(main())


def listing(*entities: dict[str, Any], page: int = 1, pages: int = 1) -> dict[str, Any]:
    body: dict[str, Any] = {
        "entities": list(entities),
        "pageSize": 100,
        "pageNumber": page,
        "total": len(entities),
        "pageCount": pages,
        "selfUri": f"{SURVEY_FORMS}?pageNumber={page}",
    }
    if page < pages:
        body["nextUri"] = f"{SURVEY_FORMS}?pageNumber={page + 1}"
    return body


def working_copy(form_id: str, name: str, *versions: str) -> dict[str, Any]:
    history = [
        {"id": v, "name": name, "contextId": f"ctx-{form_id}", "published": True}
        for v in versions
    ]
    return {
        "id": form_id,
        "name": name,
        "contextId": f"ctx-{form_id}",
        "published": False,
        "publishedVersions": {"entities": history, "total": len(history)},
    }


def scaled_form(values: list[int], text: str, form_id: str = "v1") -> dict[str, Any]:
    options = [{"id": f"o{v}", "text": f"Option {v}", "value": v} for v in values]
    yes_no = [
        {"id": "yes", "text": "Yes", "value": 1},
        {"id": "no", "text": "No", "value": 0},
    ]
    questions = [
        {
            "id": "q-yes-no",
            "text": "First contact?",
            "type": "multipleChoiceQuestion",
            "answerOptions": yes_no,
        },
        {
            "id": "q-scale",
            "text": text,
            "type": "multipleChoiceQuestion",
            "answerOptions": options,
        },
    ]
    return {
        "id": form_id,
        "contextId": "ctx",
        "name": "Form",
        "questionGroups": [{"id": "g", "name": "Main", "questions": questions}],
    }


# One version, parsed


def test_version_2_of_the_reference_form() -> None:
    version = parse_survey_form(example("survey-form-version-2.json"))
    assert (version.id, version.context_id) == (VERSION_2, CONTEXT)
    assert version.name == "Post-contact CSAT"
    assert version.source == "survey"
    assert version.csat_question_id == "a2000000-0000-4000-8000-000000002001"
    assert version.csat_question_text == (
        "Overall, how satisfied are you with the help you received?"
    )
    assert version.scale == (1, 2, 3, 4, 5)
    assert version.top_two() == frozenset({4, 5})
    assert version.nps_question_id == "a2000000-0000-4000-8000-000000002002"
    assert (
        version.nps_question_text == "How likely are you to recommend us to a friend?"
    )
    assert version.free_text_question_ids == (
        "a2000000-0000-4000-8000-000000002003",
        "a2000000-0000-4000-8000-000000002005",
    )


def test_question_texts_and_answer_values_per_version() -> None:
    version = parse_survey_form(example("survey-form-version-1.json"))
    csat = version.questions["a2000000-0000-4000-8000-000000001001"]
    assert csat.group_name == "Your experience"
    assert csat.type == "multipleChoiceQuestion"
    assert csat.answer_texts["a3000000-0000-4000-8000-000000001104"] == "Dissatisfied"
    assert csat.answer_values["a3000000-0000-4000-8000-000000001104"] == 2
    first_contact = version.questions["a2000000-0000-4000-8000-000000001004"]
    assert first_contact.answer_values == {
        "a3000000-0000-4000-8000-000000001401": 1,
        "a3000000-0000-4000-8000-000000001402": 0,
    }
    # Version 1 has no "What could we have done better?" question.
    assert version.free_text_question_ids == ("a2000000-0000-4000-8000-000000001003",)
    assert len(version.questions) == 5


@pytest.mark.parametrize(
    ("values", "top_two"),
    [
        pytest.param([1, 2, 3, 4, 5, 6, 7], {6, 7}, id="1-7"),
        pytest.param([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], {9, 10}, id="0-10"),
        pytest.param([3, 1, 2], {2, 3}, id="unordered-1-3"),
    ],
)
def test_the_scale_comes_from_the_answer_options(
    values: list[int], top_two: set[int]
) -> None:
    version = parse_survey_form(scaled_form(values, "How satisfied were you?"))
    assert version.csat_question_id == "q-scale"
    assert version.scale == tuple(sorted(values))
    assert version.top_two() == frozenset(top_two)


def test_without_satisfaction_wording_the_first_question_with_three_options() -> None:
    version = parse_survey_form(scaled_form([1, 2, 3, 4], "How easy was it?"))
    # The yes/no question comes first but has only two options.
    assert version.csat_question_id == "q-scale"
    assert version.scale == (1, 2, 3, 4)


def test_a_form_without_a_scale_question_has_no_csat() -> None:
    version = parse_survey_form(scaled_form([1, 2], "Would you call again?"))
    assert version.csat_question_id is None
    assert version.scale == ()
    assert version.top_two() == frozenset()


def test_evaluation_form_scorecard_question() -> None:
    version = parse_evaluation_form(example("evaluation-form.json"))
    assert version.source == "evaluation"
    assert version.context_id == "ec000000-0000-4000-8000-000000000001"
    # No question mentions satisfaction; "Resolved the issue" is the first with
    # three options (Fully 3, Partly 2, Not at all 0).
    assert version.csat_question_id == "e2000000-0000-4000-8000-000000000021"
    assert version.csat_question_text == "Resolved the issue"
    assert version.scale == (0, 2, 3)
    assert version.top_two() == frozenset({2, 3})
    assert version.nps_question_id is None
    assert version.questions["e2000000-0000-4000-8000-000000000011"].group_name == (
        "Opening and verification"
    )


# Choosing the form


def reference_org() -> FakeQuality:
    return FakeQuality({SURVEY_FORMS: example("survey-forms-list-page.json")})


def test_the_published_csat_form_is_chosen_automatically() -> None:
    server = reference_org()
    resolved = run(server, lambda client: resolve_form(client, None))
    assert resolved.context_id == CONTEXT
    assert resolved.name == "Post-contact CSAT"
    assert resolved.version_ids == (VERSION_1, VERSION_2)
    assert resolved.latest_version_id == VERSION_2
    assert resolved.chosen_automatically
    assert resolved.warning is None
    # The publish history was complete: one request, with the largest page.
    assert server.paths() == [SURVEY_FORMS]
    params = server.calls[0].url.params
    assert (params["expand"], params["pageSize"]) == ("publishHistory", "100")


@pytest.mark.parametrize(
    "override",
    [
        pytest.param("post-contact CSAT", id="name-any-case"),
        pytest.param(CONTEXT, id="context-id"),
        pytest.param(VERSION_1, id="old-version-id"),
        pytest.param(WORKING_COPY.upper(), id="working-copy-id-upper-case"),
    ],
)
def test_override_by_name_id_or_context_id(override: str) -> None:
    resolved = run(reference_org(), lambda client: resolve_form(client, override))
    assert resolved.context_id == CONTEXT
    assert resolved.version_ids == (VERSION_1, VERSION_2)
    assert not resolved.chosen_automatically


def test_override_may_pick_an_unpublished_form_with_a_warning() -> None:
    resolved = run(
        reference_org(), lambda client: resolve_form(client, "Chat CSAT (pilot)")
    )
    assert resolved.context_id == PILOT_CONTEXT
    assert resolved.version_ids == ()
    assert resolved.warning is not None and "never published" in resolved.warning


def test_unknown_override_lists_the_candidates() -> None:
    with pytest.raises(FormSelectionError) as caught:
        run(reference_org(), lambda client: resolve_form(client, "Billing survey"))
    assert caught.value.candidates == [
        f"Post-contact CSAT ({CONTEXT})",
        f"Chat CSAT (pilot) ({PILOT_CONTEXT})",
    ]


def test_unlisted_version_id_is_read_directly() -> None:
    old = "f0000000-0000-4000-8000-000000000009"
    form = {"id": old, "name": "Post-contact CSAT", "contextId": CONTEXT}
    server = FakeQuality({SURVEY_FORMS: listing(), f"{SURVEY_FORMS}/{old}": form})
    resolved = run(server, lambda client: resolve_form(client, old))
    assert (resolved.context_id, resolved.version_ids) == (CONTEXT, (old,))


def test_unknown_id_is_a_selection_error_not_a_not_found() -> None:
    missing = "f0000000-0000-4000-8000-0000000000ff"
    with pytest.raises(FormSelectionError):
        run(reference_org(), lambda client: resolve_form(client, missing))


def test_two_csat_named_forms_must_be_chosen_between() -> None:
    server = FakeQuality(
        {
            SURVEY_FORMS: listing(
                working_copy("a", "CSAT voice", "a1"),
                working_copy("b", "Customer satisfaction (chat)", "b1"),
                working_copy("c", "Website feedback", "c1"),
            )
        }
    )
    with pytest.raises(FormSelectionError) as caught:
        run(server, lambda client: resolve_form(client, None))
    assert caught.value.candidates == [
        "CSAT voice (ctx-a)",
        "Customer satisfaction (chat) (ctx-b)",
    ]


def test_the_only_form_of_an_org_is_used_with_a_warning() -> None:
    server = FakeQuality(
        {SURVEY_FORMS: listing(working_copy("a", "After-call survey", "a1"))}
    )
    resolved = run(server, lambda client: resolve_form(client, None))
    assert resolved.context_id == "ctx-a"
    assert resolved.chosen_automatically
    assert resolved.warning is not None and "After-call survey" in resolved.warning


def test_no_csat_form_among_several_is_an_error() -> None:
    server = FakeQuality(
        {
            SURVEY_FORMS: listing(
                working_copy("a", "After-call survey", "a1"),
                working_copy("b", "Website feedback", "b1"),
            )
        }
    )
    with pytest.raises(FormSelectionError) as caught:
        run(server, lambda client: resolve_form(client, None))
    assert len(caught.value.candidates) == 2


def test_an_org_without_forms_is_an_error() -> None:
    with pytest.raises(FormSelectionError):
        run(
            FakeQuality({SURVEY_FORMS: listing()}),
            lambda client: resolve_form(client, None),
        )


def test_every_page_of_the_listing_is_read() -> None:
    server = FakeQuality(
        {
            f"{SURVEY_FORMS}#1": listing(
                working_copy("a", "Website feedback", "a1"), pages=2
            ),
            f"{SURVEY_FORMS}#2": listing(
                working_copy("b", "CSAT", "b1"), page=2, pages=2
            ),
        }
    )
    resolved = run(server, lambda client: resolve_form(client, None))
    assert resolved.context_id == "ctx-b"
    assert [r.url.params["pageNumber"] for r in server.calls] == ["1", "2"]


def test_a_truncated_publish_history_is_completed_from_the_published_list() -> None:
    entry = working_copy("a", "CSAT", "a30")
    entry["publishedVersions"]["total"] = 30  # only the newest is listed
    older = {
        "id": "a1",
        "name": "CSAT",
        "contextId": "ctx-a",
        "published": True,
        "modifiedDate": "2024-01-01T00:00:00.000Z",
    }
    server = FakeQuality(
        {SURVEY_FORMS: listing(entry), PUBLISHED_SURVEY_FORMS: listing(older)}
    )
    resolved = run(server, lambda client: resolve_form(client, None))
    assert set(resolved.version_ids) == {"a1", "a30"}
    assert server.paths() == [SURVEY_FORMS, PUBLISHED_SURVEY_FORMS]


def test_form_choices_put_csat_like_forms_first() -> None:
    server = FakeQuality(
        {
            SURVEY_FORMS: listing(
                working_copy("w", "Website feedback", "w1"),
                working_copy("c", "Post-contact CSAT", "c1"),
                working_copy("p", "Chat CSAT (pilot)"),
            )
        }
    )
    choices = run(server, list_form_choices)
    assert [(c.name, c.published, c.looks_like_csat) for c in choices] == [
        ("Chat CSAT (pilot)", False, True),
        ("Post-contact CSAT", True, True),
        ("Website feedback", True, False),
    ]
    assert {c.source for c in choices} == {"survey"}
    # The one published form named like CSAT is the automatic choice.
    assert [c.name for c in choices if c.automatic] == ["Post-contact CSAT"]


# The version cache


def test_each_version_is_fetched_once_even_when_asked_at_once(tmp_path: Path) -> None:
    server = FakeQuality(
        {
            f"{SURVEY_FORMS}/{VERSION_1}": example("survey-form-version-1.json"),
            f"{SURVEY_FORMS}/{VERSION_2}": example("survey-form-version-2.json"),
        }
    )

    async def scenario(client: GenesysClient) -> list[str]:
        with Store(tmp_path / "org.sqlite") as store:
            cache = FormVersionCache(client, store)
            asked = [VERSION_2, VERSION_1, VERSION_2, VERSION_2, VERSION_1]
            versions = await asyncio.gather(*(cache.get(v) for v in asked))
            return [v.id for v in versions]

    assert run(server, scenario) == [
        VERSION_2,
        VERSION_1,
        VERSION_2,
        VERSION_2,
        VERSION_1,
    ]
    assert sorted(server.paths()) == [
        f"{SURVEY_FORMS}/{VERSION_1}",
        f"{SURVEY_FORMS}/{VERSION_2}",
    ]


def test_a_version_in_the_store_is_not_fetched_again(tmp_path: Path) -> None:
    with Store(tmp_path / "org.sqlite") as store:
        store.put_form_version(VERSION_2, example("survey-form-version-2.json"))
    server = FakeQuality({})

    async def scenario(client: GenesysClient) -> tuple[int, ...]:
        with Store(tmp_path / "org.sqlite") as store:
            return (await FormVersionCache(client, store).get(VERSION_2)).scale

    assert run(server, scenario) == (1, 2, 3, 4, 5)
    assert server.calls == []


def test_evaluation_versions_are_read_from_the_evaluation_forms() -> None:
    form_id = "e0000000-0000-4000-8000-000000000001"
    path = f"/api/v2/quality/forms/evaluations/{form_id}"
    server = FakeQuality({path: example("evaluation-form.json")})
    version = run(
        server, lambda client: FormVersionCache(client, None).get(form_id, "evaluation")
    )
    assert version.source == "evaluation"
    assert server.paths() == [path]


# Against the simulated demo org


def test_demo_org_forms_through_the_real_client(sim: Any) -> None:
    config = Config.for_base_url(
        sim.base_url, "demo-client-id", "demo-client-secret", requests_per_minute=1e6
    )

    async def scenario() -> None:
        async with GenesysClient(config) as client:
            survey = await resolve_form(client, None)
            assert survey.name == "Post-contact CSAT"
            assert len(survey.version_ids) >= 2  # republished within the history
            cache = FormVersionCache(client, None)
            latest = await cache.get(survey.latest_version_id)
            assert latest.context_id == survey.context_id
            assert latest.scale == (1, 2, 3, 4, 5)
            assert latest.nps_question_id is not None
            scorecard = await resolve_form(client, None, "evaluation")
            assert "Satisfaction" in scorecard.name
            version = await cache.get(scorecard.latest_version_id, "evaluation")
            assert version.scale == (1, 2, 3, 4, 5)

    asyncio.run(scenario())
