"""Contract: every simulator answer reads cleanly through the official SDK.

Each response body, errors included, is walked against the SDK 269 model the
endpoint returns: no key outside the model's `attribute_map`, no explicit null,
primitive types as declared, and no enum value the SDK would turn into
`outdated_sdk_version`. Then the SDK itself logs in, pages through surveyed
conversations and reads a survey. The SDK is imported once for the module, with
HOME in a temporary directory and its config-file watcher switched off.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from types import ModuleType
from typing import Any

import httpx
import pytest
from conftest import AS_OF

from genesys_sim import Faults, Limits, RunningSimulator

pytestmark = pytest.mark.slow

OUTDATED = "outdated_sdk_version"
PRIMITIVES: dict[str, tuple[type, ...]] = {
    "str": (str,),
    "int": (int,),
    "float": (int, float),
    "bool": (bool,),
    "datetime": (str,),
    "date": (str,),
    "object": (object,),
}
WEEK = "2026-11-13T00:00:00.000Z/2026-11-20T00:00:00.000Z"


@pytest.fixture(scope="module")
def sdk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    home = tmp_path_factory.mktemp("sdk-home")
    (home / ".genesyscloudpython").mkdir()
    config = "[general]\nlive_reload_config = false\n"
    (home / ".genesyscloudpython" / "config").write_text(config)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HOME", str(home))
        import PureCloudPlatformClientV2

        yield PureCloudPlatformClientV2


def contract_problems(
    sdk: ModuleType, data: Any, kind: str, path: str = "$"
) -> list[str]:
    """Everything in `data` that SDK type `kind` does not describe."""
    if data is None:
        return [f"{path}: explicit null"]
    if kind.startswith("list["):
        if not isinstance(data, list):
            return [f"{path}: expected a list"]
        inner = kind[5:-1]
        return [
            p
            for i, item in enumerate(data)
            for p in contract_problems(sdk, item, inner, f"{path}[{i}]")
        ]
    if kind.startswith("dict("):
        if not isinstance(data, dict):
            return [f"{path}: expected an object"]
        inner = kind[kind.index(",") + 1 : -1].strip()
        return [
            p
            for k, v in data.items()
            for p in contract_problems(sdk, v, inner, f"{path}.{k}")
        ]
    if kind in PRIMITIVES:
        return _primitive_problems(data, kind, path)
    return _model_problems(sdk, data, kind, path)


def _primitive_problems(data: Any, kind: str, path: str) -> list[str]:
    if kind != "bool" and isinstance(data, bool) and kind != "object":
        return [f"{path}: bool where {kind} expected"]
    if not isinstance(data, PRIMITIVES[kind]):
        return [f"{path}: {type(data).__name__} where {kind} expected"]
    if kind == "datetime" and not (data.endswith("Z") and datetime.fromisoformat(data)):
        return [f"{path}: datetime not in UTC with Z: {data}"]
    return []


def _model_problems(sdk: ModuleType, data: Any, kind: str, path: str) -> list[str]:
    if not isinstance(data, dict):
        return [f"{path}: expected a {kind} object"]
    model = getattr(sdk, kind)()
    attributes = {json_key: attr for attr, json_key in model.attribute_map.items()}
    problems: list[str] = []
    for key, value in data.items():
        attr = attributes.get(key)
        if attr is None:
            problems.append(f"{path}: unknown key {key!r} for {kind}")
            continue
        problems += _enum_problems(model, attr, value, f"{path}.{key}")
        problems += contract_problems(
            sdk, value, model.swagger_types[attr], f"{path}.{key}"
        )
    return problems


def _enum_problems(model: Any, attr: str, value: Any, path: str) -> list[str]:
    if not isinstance(value, str):
        return []
    setattr(model, attr, value)
    if getattr(model, attr) == OUTDATED:
        return [f"{path}: {value!r} is not an enum value the SDK knows"]
    return []


@dataclass(frozen=True)
class Samples:
    """Ids from the demo org that exercise every kind of answer."""

    surveys_by_status: dict[str, str]
    partial_survey: str
    surveyed_conversation: str
    evaluation: tuple[str, str]
    evaluated_agent: str
    deleted_user: str
    queue: str
    wrapup_code: str
    division: str
    survey_form_version: str
    survey_form_context: str
    evaluation_form: str


@pytest.fixture(scope="module")
def samples(sim: RunningSimulator) -> Samples:
    org = sim.org
    records = list(org.survey_records())
    by_status = {r.status: r.survey_id for r in reversed(records)}
    evaluation = org.evaluations()[0]
    version = next(f for f in org.survey_forms if f["published"])
    return Samples(
        surveys_by_status=by_status,
        partial_survey=next(r.survey_id for r in records if r.partial),
        surveyed_conversation=records[-1].conversation_id,
        evaluation=(evaluation["conversation"]["id"], evaluation["id"]),
        evaluated_agent=evaluation["agent"]["id"],
        deleted_user=next(u["id"] for u in org.users if u["state"] == "deleted"),
        queue=org.queues[0]["id"],
        wrapup_code=org.wrapup_codes[0]["id"],
        division=org.divisions[0]["id"],
        survey_form_version=version["id"],
        survey_form_context=version["contextId"],
        evaluation_form=next(f["id"] for f in org.evaluation_forms if f["published"]),
    )


Request = tuple[str, str, dict[str, Any]]
CASES: dict[str, tuple[str, Callable[[Samples], Request]]] = {
    "survey forms with history": (
        "SurveyFormEntityListing",
        lambda s: (
            "GET",
            "/api/v2/quality/forms/surveys",
            {"params": {"expand": "publishHistory"}},
        ),
    ),
    "survey form version": (
        "SurveyForm",
        lambda s: ("GET", f"/api/v2/quality/forms/surveys/{s.survey_form_version}", {}),
    ),
    "survey form versions": (
        "SurveyFormEntityListing",
        lambda s: (
            "GET",
            f"/api/v2/quality/forms/surveys/{s.survey_form_version}/versions",
            {},
        ),
    ),
    "survey forms bulk": (
        "SurveyFormEntityListing",
        lambda s: (
            "GET",
            "/api/v2/quality/forms/surveys/bulk",
            {"params": {"id": s.survey_form_version}},
        ),
    ),
    "survey forms by context": (
        "list[SurveyForm]",
        lambda s: (
            "GET",
            "/api/v2/quality/forms/surveys/bulk/contexts",
            {"params": {"contextId": s.survey_form_context}},
        ),
    ),
    "published survey forms": (
        "SurveyFormEntityListing",
        lambda s: ("GET", "/api/v2/quality/publishedforms/surveys", {}),
    ),
    "published survey form": (
        "SurveyForm",
        lambda s: (
            "GET",
            f"/api/v2/quality/publishedforms/surveys/{s.survey_form_context}",
            {},
        ),
    ),
    "partial survey": (
        "Survey",
        lambda s: ("GET", f"/api/v2/quality/surveys/{s.partial_survey}", {}),
    ),
    "conversation surveys": (
        "list[Survey]",
        lambda s: (
            "GET",
            f"/api/v2/quality/conversations/{s.surveyed_conversation}/surveys",
            {},
        ),
    ),
    "details query": (
        "AnalyticsConversationQueryResponse",
        lambda s: (
            "POST",
            "/api/v2/analytics/conversations/details/query",
            {"json": {"interval": WEEK, "paging": {"pageSize": 100, "pageNumber": 3}}},
        ),
    ),
    "details query empty page": (
        "AnalyticsConversationQueryResponse",
        lambda s: (
            "POST",
            "/api/v2/analytics/conversations/details/query",
            {
                "json": {
                    "interval": WEEK,
                    "paging": {"pageSize": 100, "pageNumber": 900},
                }
            },
        ),
    ),
    "conversation details by id": (
        "AnalyticsConversationWithoutAttributes",
        lambda s: (
            "GET",
            f"/api/v2/analytics/conversations/{s.surveyed_conversation}/details",
            {},
        ),
    ),
    "conversation details by ids": (
        "AnalyticsConversationWithoutAttributesMultiGetResponse",
        lambda s: (
            "GET",
            "/api/v2/analytics/conversations/details",
            {"params": {"id": s.surveyed_conversation}},
        ),
    ),
    "job availability": (
        "DataAvailabilityResponse",
        lambda s: (
            "GET",
            "/api/v2/analytics/conversations/details/jobs/availability",
            {},
        ),
    ),
    "survey aggregates": (
        "SurveyAggregateQueryResponse",
        lambda s: (
            "POST",
            "/api/v2/analytics/surveys/aggregates/query",
            {
                "json": {
                    "interval": WEEK,
                    "granularity": "P1D",
                    "timeZone": "Europe/London",
                    "groupBy": ["surveyFormContextId", "userId", "surveyStatus"],
                    "metrics": [
                        "nSurveysSent",
                        "nSurveyResponses",
                        "oSurveyTotalScore",
                        "nSurveyNpsPromoters",
                    ],
                }
            },
        ),
    ),
    "evaluation forms": (
        "EvaluationFormResponseEntityListing",
        lambda s: (
            "GET",
            "/api/v2/quality/forms/evaluations",
            {"params": {"expand": "publishHistory"}},
        ),
    ),
    "evaluation form": (
        "EvaluationFormResponse",
        lambda s: ("GET", f"/api/v2/quality/forms/evaluations/{s.evaluation_form}", {}),
    ),
    "published evaluation forms": (
        "EvaluationFormResponseEntityListing",
        lambda s: ("GET", "/api/v2/quality/publishedforms/evaluations", {}),
    ),
    "evaluations query": (
        "EvaluationEntityListing",
        lambda s: (
            "GET",
            "/api/v2/quality/evaluations/query",
            {
                "params": {
                    "agentUserId": s.evaluated_agent,
                    "expandAnswerTotalScores": "true",
                }
            },
        ),
    ),
    "evaluation": (
        "EvaluationResponse",
        lambda s: (
            "GET",
            "/api/v2/quality/conversations/{}/evaluations/{}".format(*s.evaluation),
            {},
        ),
    ),
    "users any state": (
        "UserEntityListing",
        lambda s: (
            "GET",
            "/api/v2/users",
            {"params": {"state": "any", "pageSize": 100}},
        ),
    ),
    "deleted user": (
        "User",
        lambda s: (
            "GET",
            f"/api/v2/users/{s.deleted_user}",
            {"params": {"state": "deleted"}},
        ),
    ),
    "queues": ("QueueEntityListing", lambda s: ("GET", "/api/v2/routing/queues", {})),
    "queue": ("Queue", lambda s: ("GET", f"/api/v2/routing/queues/{s.queue}", {})),
    "wrap-up codes": (
        "WrapupCodeEntityListing",
        lambda s: ("GET", "/api/v2/routing/wrapupcodes", {}),
    ),
    "wrap-up code": (
        "WrapupCode",
        lambda s: ("GET", f"/api/v2/routing/wrapupcodes/{s.wrapup_code}", {}),
    ),
    "divisions": (
        "AuthzDivisionEntityListing",
        lambda s: ("GET", "/api/v2/authorization/divisions", {}),
    ),
    "division": (
        "AuthzDivision",
        lambda s: ("GET", f"/api/v2/authorization/divisions/{s.division}", {}),
    ),
    "400 interval": (
        "ErrorBody",
        lambda s: (
            "POST",
            "/api/v2/analytics/conversations/details/query",
            {"json": {"interval": "2026-11-01T00:00:00Z/2026-11-20T00:00:00Z"}},
        ),
    ),
    "404 survey": ("ErrorBody", lambda s: ("GET", "/api/v2/quality/surveys/nope", {})),
    "404 route": ("ErrorBody", lambda s: ("GET", "/api/v2/nothing/here", {})),
    "405 method": ("ErrorBody", lambda s: ("DELETE", "/api/v2/routing/queues", {})),
}


@pytest.mark.parametrize("case", list(CASES))
def test_endpoint_answers_match_the_sdk_models(
    case: str, sdk: ModuleType, api: httpx.Client, samples: Samples
) -> None:
    model, build = CASES[case]
    method, path, kwargs = build(samples)
    response = api.request(method, path, **kwargs)
    assert contract_problems(sdk, response.json(), model) == []


@pytest.mark.parametrize(
    "status",
    ["Finished", "Sent", "InProgress", "Pending", "Expired", "OptOut", "Error"],
)
def test_survey_of_every_status_matches_the_sdk_model(
    status: str, sdk: ModuleType, api: httpx.Client, samples: Samples
) -> None:
    survey_id = samples.surveys_by_status[status]
    body = api.get(f"/api/v2/quality/surveys/{survey_id}").json()
    assert body["status"] == status
    assert contract_problems(sdk, body, "Survey") == []


def test_every_evaluation_status_matches_the_sdk_model(
    sdk: ModuleType, sim: RunningSimulator
) -> None:
    statuses = {e["status"]: e for e in sim.org.evaluations()}
    assert {"FINISHED", "PENDING"} <= set(statuses)
    for evaluation in statuses.values():
        assert contract_problems(sdk, evaluation, "Evaluation") == []


def test_job_answers_match_the_sdk_models(sdk: ModuleType, api: httpx.Client) -> None:
    jobs = "/api/v2/analytics/conversations/details/jobs"
    query = {"interval": "2026-11-18T00:00:00Z/2026-11-19T00:00:00Z"}
    submitted = api.post(jobs, json=query)
    job_id = submitted.json()["jobId"]
    status = api.get(f"{jobs}/{job_id}").json()
    page = api.get(f"{jobs}/{job_id}/results", params={"pageSize": 50}).json()
    assert contract_problems(sdk, submitted.json(), "AsyncQueryResponse") == []
    assert contract_problems(sdk, status, "AsyncQueryStatus") == []
    assert contract_problems(sdk, page, "AnalyticsConversationAsyncQueryResponse") == []
    assert "attributes" in page["conversations"][0]["participants"][0]


def test_refusals_match_the_error_model(
    sdk: ModuleType,
    make_sim: Callable[..., RunningSimulator],
    connect: Callable[[RunningSimulator], httpx.Client],
) -> None:
    running = make_sim(
        limits=Limits(rate_limit_per_minute=1),
        faults=Faults(deny_permissions={"routing:queue:view"}),
    )
    client = connect(running)
    denied = client.get("/api/v2/routing/queues")
    limited = client.get("/api/v2/authorization/divisions")
    anonymous = httpx.get(f"{running.base_url}/api/v2/users")
    for response, status in ((denied, 403), (limited, 429), (anonymous, 401)):
        assert response.status_code == status
        assert contract_problems(sdk, response.json(), "ErrorBody") == []


def test_the_official_sdk_pages_through_surveyed_conversations(
    sdk: ModuleType, sim: RunningSimulator
) -> None:
    client = sdk.ApiClient(host=sim.base_url).get_client_credentials_token(
        "demo-client-id", "demo-client-secret"
    )
    analytics = sdk.AnalyticsApi(client)
    context = next(
        f["contextId"] for f in sim.org.survey_forms if f["name"] == "Post-contact CSAT"
    )
    survey_filter = [
        {
            "type": "and",
            "predicates": [{"dimension": "surveyFormContextId", "value": context}],
        }
    ]
    found: set[str] = set()
    for page in range(1, 50):
        body = {
            "interval": WEEK,
            "surveyFilters": survey_filter,
            "paging": {"pageSize": 100, "pageNumber": page},
        }
        result = analytics.post_analytics_conversations_details_query(body)
        if not result.conversations:
            break
        found |= {
            s.survey_id
            for c in result.conversations
            for s in c.surveys
            if s.survey_form_context_id == context
        }
    assert found == _expected_surveys(sim, context)
    finished = next(
        r
        for r in sim.org.survey_records()
        if r.survey_id in found and r.status == "Finished"
    )
    survey = sdk.QualityApi(client).get_quality_survey(finished.survey_id)
    assert survey.status == "Finished"
    assert survey.answers.question_group_scores


def _expected_surveys(sim: RunningSimulator, context: str) -> set[str]:
    start = datetime(2026, 11, 13, tzinfo=UTC)
    assert AS_OF - start > timedelta(days=7)
    conversations = {
        r.conversation_id
        for r in sim.org.conversations_between(start, start + timedelta(days=7))
    }
    return {
        r.survey_id
        for r in sim.org.survey_records()
        if r.conversation_id in conversations and r.form_context_id == context
    }
