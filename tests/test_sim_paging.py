"""Entity listings: the paging envelope, id lists, user states and form listings."""

from __future__ import annotations

import math

import httpx
import pytest

from genesys_sim import RunningSimulator


def _walk(
    api: httpx.Client, path: str, params: dict[str, object]
) -> list[dict[str, object]]:
    """Follow `nextUri` from the first page; fail on a repeated page."""
    seen: list[str] = []
    entities: list[dict[str, object]] = []
    page = api.get(path, params=params).json()
    for _ in range(1000):
        entities += page["entities"]
        seen.append(page["selfUri"])
        if "nextUri" not in page:
            return entities
        assert page["nextUri"] not in seen
        page = api.get(page["nextUri"]).json()
    raise AssertionError("too many pages")


def test_envelope_of_a_middle_page(api: httpx.Client, sim: RunningSimulator) -> None:
    active = [u for u in sim.org.users if u["state"] == "active"]
    page = api.get("/api/v2/users", params={"pageSize": 10, "pageNumber": 2}).json()
    pages = math.ceil(len(active) / 10)
    assert page["pageSize"] == 10 and page["pageNumber"] == 2
    assert page["total"] == len(active) and page["pageCount"] == pages
    assert page["entities"] == active[10:20]
    assert page["firstUri"] == "/api/v2/users?pageSize=10&pageNumber=1"
    assert page["selfUri"] == "/api/v2/users?pageSize=10&pageNumber=2"
    assert page["previousUri"] == "/api/v2/users?pageSize=10&pageNumber=1"
    assert page["nextUri"] == "/api/v2/users?pageSize=10&pageNumber=3"
    assert page["lastUri"] == f"/api/v2/users?pageSize=10&pageNumber={pages}"


def test_last_page_has_no_next_uri(api: httpx.Client) -> None:
    first = api.get("/api/v2/users", params={"pageSize": 10}).json()
    last = api.get(first["lastUri"]).json()
    assert "nextUri" not in last
    assert "previousUri" not in first
    assert 0 < len(last["entities"]) <= 10


def test_walking_next_uri_returns_every_user_once(
    api: httpx.Client, sim: RunningSimulator
) -> None:
    users = _walk(api, "/api/v2/users", {"pageSize": 7, "state": "any"})
    assert [u["id"] for u in users] == [u["id"] for u in sim.org.users]


def test_page_uris_keep_the_other_parameters(
    api: httpx.Client, sim: RunningSimulator
) -> None:
    ids = [u["id"] for u in sim.org.users[:4]]
    page = api.get(
        "/api/v2/users", params={"id": ",".join(ids), "state": "any", "pageSize": 2}
    ).json()
    assert (
        page["nextUri"]
        == f"/api/v2/users?pageSize=2&pageNumber=2&id={','.join(ids)}&state=any"
    )


def test_ids_may_be_comma_joined_or_repeated(
    api: httpx.Client, sim: RunningSimulator
) -> None:
    ids = [q["id"] for q in sim.org.queues[:3]]
    joined = api.get("/api/v2/routing/queues", params={"id": ",".join(ids)}).json()
    repeated = api.get("/api/v2/routing/queues", params=[("id", i) for i in ids]).json()
    assert {q["id"] for q in joined["entities"]} == set(ids)
    assert joined["entities"] == repeated["entities"]


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ("active", {"active"}),
        ("inactive", {"inactive"}),
        ("deleted", {"deleted"}),
        ("any", {"active", "inactive", "deleted"}),
    ],
)
def test_users_by_state(
    api: httpx.Client, sim: RunningSimulator, state: str, expected: set[str]
) -> None:
    users = _walk(api, "/api/v2/users", {"state": state, "pageSize": 100})
    assert {u["state"] for u in users} == expected
    assert len(users) == sum(1 for u in sim.org.users if u["state"] in expected)


def test_a_deleted_user_is_found_only_when_asked_for(
    api: httpx.Client, sim: RunningSimulator
) -> None:
    deleted = next(u for u in sim.org.users if u["state"] == "deleted")
    assert api.get(f"/api/v2/users/{deleted['id']}").status_code == 404
    found = api.get(f"/api/v2/users/{deleted['id']}", params={"state": "deleted"})
    assert found.json() == deleted


@pytest.mark.parametrize(
    ("path", "attribute"),
    [
        ("/api/v2/routing/queues", "queues"),
        ("/api/v2/routing/wrapupcodes", "wrapup_codes"),
        ("/api/v2/authorization/divisions", "divisions"),
    ],
)
def test_lookup_listings_and_by_id(
    api: httpx.Client, sim: RunningSimulator, path: str, attribute: str
) -> None:
    expected = getattr(sim.org, attribute)
    walked = _walk(api, path, {"pageSize": 2})
    assert sorted(walked, key=lambda e: e["id"]) == sorted(
        expected, key=lambda e: e["id"]
    )
    assert api.get(f"{path}/{expected[-1]['id']}").json() == expected[-1]
    assert api.get(f"{path}/no-such-id").status_code == 404


@pytest.mark.parametrize(
    ("path", "attribute", "params", "key", "descending"),
    [
        ("/api/v2/routing/queues", "queues", {}, "name", False),
        ("/api/v2/routing/queues", "queues", {"sortOrder": "desc"}, "name", True),
        ("/api/v2/routing/wrapupcodes", "wrapup_codes", {}, "name", False),
        (
            "/api/v2/routing/wrapupcodes",
            "wrapup_codes",
            {"sortBy": "id", "sortOrder": "descending"},
            "id",
            True,
        ),
    ],
)
def test_queue_and_wrapup_listings_are_sorted(
    api: httpx.Client,
    sim: RunningSimulator,
    path: str,
    attribute: str,
    params: dict[str, str],
    key: str,
    descending: bool,
) -> None:
    names = [e[key].casefold() for e in getattr(sim.org, attribute)]
    walked = _walk(api, path, {"pageSize": 3, **params})
    assert [e[key].casefold() for e in walked] == sorted(names, reverse=descending)


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/api/v2/routing/queues", {"sortOrder": "descending"}),
        ("/api/v2/routing/wrapupcodes", {"sortOrder": "desc"}),
        ("/api/v2/routing/wrapupcodes", {"sortBy": "colour"}),
    ],
)
def test_unknown_sort_parameters_are_400(
    api: httpx.Client, path: str, params: dict[str, str]
) -> None:
    response = api.get(path, params=params)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid.value"


def test_queues_by_name_and_division(api: httpx.Client, sim: RunningSimulator) -> None:
    queue = sim.org.queues[0]
    by_name = api.get("/api/v2/routing/queues", params={"name": queue["name"]}).json()
    division = api.get(
        "/api/v2/routing/queues", params={"divisionId": queue["division"]["id"]}
    ).json()
    assert queue in by_name["entities"]
    assert all(
        q["division"]["id"] == queue["division"]["id"] for q in division["entities"]
    )
    assert queue in division["entities"]


def test_survey_form_listing_shows_working_copies_and_history(
    api: httpx.Client, sim: RunningSimulator
) -> None:
    listing = api.get(
        "/api/v2/quality/forms/surveys", params={"expand": "publishHistory"}
    ).json()
    copies = [f for f in sim.org.survey_forms if not f["published"]]
    assert {f["id"] for f in listing["entities"]} == {f["id"] for f in copies}
    for entry in listing["entities"]:
        assert "questionGroups" not in entry
        published = {
            f["id"]
            for f in sim.org.survey_forms
            if f["published"] and f["contextId"] == entry["contextId"]
        }
        history = entry["publishedVersions"]
        assert {v["id"] for v in history["entities"]} == published
        assert history["total"] == len(published)


def test_survey_form_listing_without_expand_has_no_history(api: httpx.Client) -> None:
    listing = api.get("/api/v2/quality/forms/surveys").json()
    assert all("publishedVersions" not in entry for entry in listing["entities"])


def test_form_versions_and_latest_published(
    api: httpx.Client, sim: RunningSimulator
) -> None:
    csat = [
        f
        for f in sim.org.survey_forms
        if f["name"] == "Post-contact CSAT" and f["published"]
    ]
    newest = max(csat, key=lambda f: f["modifiedDate"])
    context = newest["contextId"]
    versions = api.get(f"/api/v2/quality/forms/surveys/{csat[0]['id']}/versions").json()
    latest = api.get(f"/api/v2/quality/publishedforms/surveys/{context}").json()
    by_context = api.get(
        "/api/v2/quality/forms/surveys/bulk/contexts", params={"contextId": context}
    ).json()
    assert {v["id"] for v in versions["entities"]} == {f["id"] for f in csat}
    assert latest == newest
    assert by_context == [newest]


def test_published_forms_latest_enabled_per_context(
    api: httpx.Client, sim: RunningSimulator
) -> None:
    params = {"onlyLatestEnabledPerContext": "true", "pageSize": 100}
    latest = api.get("/api/v2/quality/publishedforms/surveys", params=params).json()[
        "entities"
    ]
    everything = api.get(
        "/api/v2/quality/publishedforms/surveys", params={"pageSize": 100}
    ).json()
    contexts = {
        f["contextId"]
        for f in sim.org.survey_forms
        if f["published"] and not f.get("disabled")
    }
    assert sorted(f["contextId"] for f in latest) == sorted(contexts)
    assert everything["total"] == sum(1 for f in sim.org.survey_forms if f["published"])


def test_bulk_forms_by_id(api: httpx.Client, sim: RunningSimulator) -> None:
    ids = [f["id"] for f in sim.org.survey_forms[:2]]
    listing = api.get(
        "/api/v2/quality/forms/surveys/bulk", params={"id": ",".join(ids)}
    ).json()
    assert [f["id"] for f in listing["entities"]] == ids
    assert api.get("/api/v2/quality/forms/surveys/bulk").status_code == 400


def test_evaluation_forms_listing_and_by_id(
    api: httpx.Client, sim: RunningSimulator
) -> None:
    listing = api.get("/api/v2/quality/forms/evaluations").json()
    copies = {f["id"] for f in sim.org.evaluation_forms if not f["published"]}
    assert {f["id"] for f in listing["entities"]} == copies
    form = next(f for f in sim.org.evaluation_forms if f["published"])
    assert api.get(f"/api/v2/quality/forms/evaluations/{form['id']}").json() == form


def test_evaluations_query_fills_answers_only_on_request(
    api: httpx.Client, sim: RunningSimulator
) -> None:
    finished = next(e for e in sim.org.evaluations() if e["status"] == "FINISHED")
    agent = finished["agent"]["id"]
    path = "/api/v2/quality/evaluations/query"
    plain = _walk(api, path, {"agentUserId": agent, "pageSize": 100})
    full = _walk(
        api,
        path,
        {"agentUserId": agent, "expandAnswerTotalScores": "true", "pageSize": 100},
    )
    mine = [e for e in sim.org.evaluations() if e["agent"]["id"] == agent]
    assert [e["id"] for e in full] == [e["id"] for e in mine]
    assert full == mine
    assert all("answers" not in e for e in plain)
    assert len(plain) == len(full)
