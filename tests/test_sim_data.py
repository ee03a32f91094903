"""The simulated org's data: determinism, realism, and wire shapes the SDK accepts.

Expected values come from the org's contract (issue 2, the API reference), not
from the generator's code: shares are checked against plausible ranges,
attribution against the wire JSON, shapes against the official SDK models.
"""

from __future__ import annotations

import json
import random
import re
import statistics
from collections import Counter, defaultdict
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from genesys_sim.generate.clock import DAY_MS, HOUR_MS, to_ms
from genesys_sim.generate.conversations import HourGenerator
from genesys_sim.generate.forms import CSAT_FORM, survey_form_versions
from genesys_sim.generate.people import Roster
from genesys_sim.generate.routing import build_routing
from genesys_sim.org import Org, OrgSpec, build_org

# One worker builds the orgs of this module once (`pytest -n 2 --dist loadgroup`).
pytestmark = pytest.mark.xdist_group("sim_data")

AS_OF = datetime(2024, 5, 20, 12, tzinfo=UTC)
UUID4 = re.compile(
    r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"
)
WIRE_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
CSAT_NAME = "Post-contact CSAT"
SMALL = OrgSpec(history_days=21, as_of=AS_OF)
DAY = timedelta(days=1)


@pytest.fixture(scope="module")
def demo() -> Org:
    return build_org(OrgSpec.demo().at(AS_OF))


@pytest.fixture(scope="module")
def small() -> Org:
    return build_org(SMALL)


@pytest.fixture(scope="module")
def later() -> Org:
    """The small org three days and five hours later."""
    return build_org(SMALL.at(AS_OF + timedelta(days=3, hours=5)))


def csat_surveys(org: Org) -> list[Any]:
    return [s for s in org.survey_records() if s.form_name == CSAT_NAME]


def question_scores(org: Org, survey_id: str) -> list[dict[str, Any]]:
    survey = org.survey(survey_id)
    assert survey is not None
    groups = survey["answers"]["questionGroupScores"]
    return [q for group in groups for q in group["questionScores"]]


# determinism ------------------------------------------------------------------


def test_same_seed_and_hour_give_the_same_conversations_whatever_as_of(
    small: Org, later: Org
) -> None:
    overlap = (later.as_of - timedelta(days=21), small.as_of)
    before = small.conversations_between(*overlap)
    after = later.conversations_between(*overlap)

    assert len(before) > 1000
    assert [r.conversation_id for r in before] == [r.conversation_id for r in after]
    assert [r.start for r in before] == [r.start for r in after]
    ended = [(a, b) for a, b in zip(before, after, strict=True) if a.end]
    assert all(a.user_ids == b.user_ids and a.end == b.end for a, b in ended)
    assert all(set(a.survey_ids) <= set(b.survey_ids) for a, b in ended)


def test_wire_json_of_an_old_conversation_is_identical_apart_from_statuses(
    small: Org, later: Org
) -> None:
    old = small.conversations_between(AS_OF - timedelta(days=10), AS_OF)[:200]
    for record in old:
        mine = small.conversation_json(record.conversation_id)
        theirs = later.conversation_json(record.conversation_id)
        assert mine["participants"] == theirs["participants"]
        assert [s["surveyId"] for s in mine.get("surveys", [])] == [
            s["surveyId"] for s in theirs.get("surveys", [])
        ]


def test_as_of_only_moves_surveys_along_their_timeline(small: Org, later: Org) -> None:
    moved: Counter[tuple[str, str]] = Counter()
    shared = small.conversations_between(later.as_of - 21 * DAY, small.as_of)
    for survey_id in (s for record in shared for s in record.survey_ids):
        survey, again = small.survey_record(survey_id), later.survey_record(survey_id)
        assert survey is not None
        assert again is not None
        assert (again.form_id, again.user_id) == (survey.form_id, survey.user_id)
        moved[(survey.status, again.status)] += 1

    assert moved[("Sent", "Finished")] > 0
    assert moved[("InProgress", "Finished")] + moved[("Sent", "Expired")] > 0
    assert all(a == b for a, b in moved if a in ("Finished", "Expired", "Error"))


def test_a_conversation_still_running_has_no_end_and_no_survey(small: Org) -> None:
    live = [r for r in small.conversations_between(AS_OF - DAY, AS_OF) if not r.end]
    assert live
    for record in live:
        wire = small.conversation_json(record.conversation_id)
        assert "conversationEnd" not in wire
        assert "surveys" not in wire and not record.survey_ids
        segments = [
            seg for p in wire["participants"] for seg in p["sessions"][0]["segments"]
        ]
        assert any("segmentEnd" not in seg for seg in segments)


def test_hour_plans_are_a_pure_function_of_spec_and_hour() -> None:
    def ids(hour: int) -> list[str]:
        routing = build_routing(SMALL.seed)
        generator = HourGenerator(SMALL, routing, Roster(SMALL, routing))
        return [plan.conversation_id for plan in generator.plans(hour)]

    hour = to_ms(AS_OF) // HOUR_MS - 30
    assert ids(hour) == ids(hour)
    assert ids(hour) != ids(hour + 24)


def test_another_seed_gives_other_ids(small: Org) -> None:
    other = build_org(replace(SMALL, seed=8, history_days=2))
    mine = {r.conversation_id for r in small.conversations_between(AS_OF - DAY, AS_OF)}
    theirs = {
        r.conversation_id for r in other.conversations_between(AS_OF - DAY, AS_OF)
    }
    assert theirs and not mine & theirs


def test_ids_are_uuid4_shaped(small: Org) -> None:
    record = next(
        r for r in small.conversations_between(AS_OF - DAY, AS_OF) if r.survey_ids
    )
    wire = small.conversation_json(record.conversation_id)
    ids = [wire["conversationId"], *record.survey_ids, *record.user_ids]
    ids += [p["participantId"] for p in wire["participants"]]
    ids += [u["id"] for u in small.users] + [f["id"] for f in small.survey_forms]
    assert all(UUID4.match(i) for i in ids)


# contents ---------------------------------------------------------------------


def test_survey_statuses_come_in_realistic_shares(demo: Org) -> None:
    statuses = Counter(s.status for s in csat_surveys(demo))
    sent = sum(
        n for status, n in statuses.items() if status not in ("Pending", "Error")
    )

    assert 0.25 <= statuses["Finished"] / sent <= 0.35
    assert 0.45 <= statuses["Expired"] / sent <= 0.7
    for status in ("Sent", "InProgress", "Pending", "OptOut", "Error"):
        assert statuses[status] > 0, status
    errors = [s for s in csat_surveys(demo) if s.status == "Error"]
    assert all(s.error_reason for s in errors)
    assert len({s.error_reason for s in errors}) >= 3


def test_some_finished_surveys_are_partial(demo: Org) -> None:
    finished = [s for s in csat_surveys(demo) if s.status == "Finished"]
    partial = [s for s in finished if s.partial]

    assert 0.03 <= len(partial) / len(finished) <= 0.12
    assert any(s.csat_score is None for s in partial)
    assert any(s.nps_score is None for s in partial)
    survey = demo.survey(partial[0].survey_id)
    assert survey is not None and survey["missingRequiredAnswer"] is True


def test_volume_follows_hour_of_day_and_weekday(demo: Org) -> None:
    starts = [
        r.start for r in demo.conversations_between(AS_OF - 63 * DAY, AS_OF - DAY)
    ]
    by_day = Counter(start.date() for start in starts)
    weekdays = [n for day, n in by_day.items() if day.weekday() < 5]
    weekends = [n for day, n in by_day.items() if day.weekday() >= 5]
    by_hour = Counter(start.hour for start in starts)

    assert abs(statistics.mean(weekdays) - 600) < 60
    assert max(weekends) < min(weekdays)
    assert by_hour[10] > 5 * by_hour[3]


def test_media_types_and_directions_cover_every_channel(demo: Org) -> None:
    records = demo.conversations_between(AS_OF - 7 * DAY, AS_OF)
    media = Counter(r.media_type for r in records)
    assert set(media) == {"voice", "chat", "email", "message"}
    assert min(media.values()) > 0.08 * len(records)
    assert {r.direction for r in records} == {"inbound", "outbound"}


def test_a_transferred_conversation_is_credited_to_its_last_agent_and_queue(
    demo: Org,
) -> None:
    transferred = [
        r
        for r in demo.conversations_between(AS_OF - 14 * DAY, AS_OF)
        if len(r.user_ids) > 1 and r.survey_ids
    ]
    assert len(transferred) > 50
    for record in transferred[:100]:
        wire = demo.conversation_json(record.conversation_id)
        agents = [p for p in wire["participants"] if p["purpose"] == "agent"]
        last_queue = agents[-1]["sessions"][0]["segments"][-1]["queueId"]
        leaving = {
            s.get("disconnectType")
            for a in agents[:-1]
            for s in a["sessions"][0]["segments"]
        }
        assert leaving & {"transfer", "consultTransfer"}
        for survey in wire["surveys"]:
            assert survey["userId"] == agents[-1]["userId"] == record.user_ids[-1]
            assert survey["queueId"] == last_queue


def test_agents_and_queues_really_differ_in_satisfaction(demo: Org) -> None:
    by_queue: dict[str, list[int]] = defaultdict(list)
    by_agent: dict[str, list[int]] = defaultdict(list)
    for survey in csat_surveys(demo):
        if survey.csat_score is not None:
            by_queue[survey.queue_id].append(survey.csat_score)
            by_agent[survey.user_id].append(survey.csat_score)
    queue_means = [statistics.mean(v) for v in by_queue.values() if len(v) > 50]
    agent_means = [statistics.mean(v) for v in by_agent.values() if len(v) > 50]

    assert len(queue_means) >= 6
    assert max(queue_means) - min(queue_means) > 0.5
    assert max(agent_means) - min(agent_means) > 1.0


def test_deleted_agents_are_listed_and_still_credited(demo: Org) -> None:
    deleted = {u["id"] for u in demo.users if u["state"] == "deleted"}
    credited = Counter(s.user_id for s in demo.survey_records())

    assert len(deleted) == demo.spec.deleted_agents
    assert sum(1 for user in deleted if credited[user]) >= len(deleted) - 1
    assert all("email" not in (demo.user(u) or {"email": "?"}) for u in deleted)
    assert all(demo.user(user) for user in credited)
    assert {u["state"] for u in demo.users} == {"active", "inactive", "deleted"}


def test_deleted_agents_take_no_conversation_after_their_departure(demo: Org) -> None:
    roster = Roster(demo.spec, build_routing(demo.spec.seed))
    departures = {
        agent.user_id: roster.boundary(agent.seat, agent.tenure)
        for agent in roster.listed_agents(to_ms(AS_OF - 90 * DAY), to_ms(AS_OF))
        if roster.is_deleted(agent, to_ms(AS_OF))
    }
    worked = Counter()
    for record in demo.conversations_between(AS_OF - 90 * DAY, AS_OF):
        for user in set(record.user_ids) & departures.keys():
            assert to_ms(record.start) < departures[user]
            worked[user] += 1

    assert departures.keys() == {u["id"] for u in demo.users if u["state"] == "deleted"}
    assert len(worked) >= len(departures) - 1


def test_csat_form_is_republished_with_one_context_id(demo: Org) -> None:
    versions = [
        f for f in demo.survey_forms if f["name"] == CSAT_NAME and f["published"]
    ]
    recent = [f for f in versions if f["modifiedDate"] >= _wire(AS_OF - 60 * DAY)]
    question_ids = [
        {q["id"] for g in f["questionGroups"] for q in g["questions"]} for f in versions
    ]
    contexts = [
        [q["contextId"] for g in f["questionGroups"] for q in g["questions"]]
        for f in versions
    ]

    assert len(versions) >= 2 and recent
    assert len({f["contextId"] for f in versions}) == 1
    assert len({f["id"] for f in versions}) == len(versions)
    assert not question_ids[0] & question_ids[1]
    assert contexts[0] == contexts[1]


@pytest.mark.parametrize("days_later", range(0, 400, 37))
def test_two_csat_versions_are_in_use_in_any_last_60_days(days_later: int) -> None:
    as_of = to_ms(AS_OF) + days_later * DAY_MS
    forms = survey_form_versions(7, as_of - 60 * DAY_MS, as_of)
    published = [f for f in forms if f.key == CSAT_FORM and f.published]
    assert len(published) >= 2
    assert len({f.context_id for f in published}) == 1


def test_each_survey_uses_the_newest_version_published_before_the_conversation_ended(
    demo: Org,
) -> None:
    published = sorted(
        (f["modifiedDate"], f["id"])
        for f in demo.survey_forms
        if f["name"] == CSAT_NAME and f["published"]
    )
    surveys = csat_surveys(demo)
    for survey in surveys[::25]:
        record = demo.conversation(survey.conversation_id)
        assert record is not None and record.end is not None
        before = [form_id for when, form_id in published if when < _wire(record.end)]
        assert survey.form_id == before[-1]
    assert len({s.form_id for s in surveys}) >= 2


def test_every_form_has_one_working_copy_per_context(demo: Org) -> None:
    for forms in (demo.survey_forms, demo.evaluation_forms):
        drafts = Counter(f["contextId"] for f in forms if not f["published"])
        assert set(drafts) == {f["contextId"] for f in forms}
        assert set(drafts.values()) == {1}
    pilot = [f for f in demo.survey_forms if f["name"] == "Chat CSAT (pilot)"]
    assert len(pilot) == 1 and pilot[0]["disabled"] and not pilot[0]["published"]


def test_csat_form_asks_every_kind_of_question(demo: Org) -> None:
    form = next(f for f in demo.survey_forms if f["name"] == CSAT_NAME)
    questions = form["questionGroups"][0]["questions"]
    kinds = Counter(q["type"] for q in questions)
    rating = questions[0]
    yes_no = [
        q
        for q in questions
        if [o["text"] for o in q.get("answerOptions", [])] == ["Yes", "No"]
    ]

    assert "satisf" in rating["text"].lower()
    assert sorted(o["value"] for o in rating["answerOptions"]) == [1, 2, 3, 4, 5]
    assert kinds["npsQuestion"] == 1 and kinds["freeTextQuestion"] >= 1
    assert yes_no and yes_no[0]["naEnabled"]
    assert any("visibilityCondition" in q for q in questions)


def test_website_feedback_form_rates_on_seven_points_on_a_few_conversations(
    demo: Org,
) -> None:
    form = next(f for f in demo.survey_forms if f["name"] == "Website feedback")
    rating = form["questionGroups"][0]["questions"][0]
    surveys = list(demo.survey_records())
    web = [s for s in surveys if s.form_name == "Website feedback"]

    assert sorted(o["value"] for o in rating["answerOptions"]) == list(range(1, 8))
    assert "satisf" not in json.dumps(form).lower()
    assert 0 < len(web) < 0.05 * len(surveys)
    assert {s.media_type for s in web} == {"chat"}


def test_answers_are_marked_na_by_customer_and_by_system(demo: Org) -> None:
    finished = [s for s in csat_surveys(demo) if s.status == "Finished"][:400]
    scores = [q for s in finished for q in question_scores(demo, s.survey_id)]
    by_customer = [q for q in scores if q["markedNA"] and not q["systemMarkedNA"]]
    by_system = [q for q in scores if q["markedNA"] and q["systemMarkedNA"]]

    assert by_customer and by_system
    assert all(
        "score" not in q and "answerId" not in q for q in by_customer + by_system
    )


def test_comments_match_their_scores_and_are_awkward_text(demo: Org) -> None:
    texts: dict[int, set[str]] = defaultdict(set)
    for survey in csat_surveys(demo):
        if survey.status != "Finished" or survey.csat_score is None:
            continue
        for q in question_scores(demo, survey.survey_id):
            if "freeTextAnswer" in q:
                texts[survey.csat_score].add(q["freeTextAnswer"])
    every = set().union(*texts.values())

    assert texts[5] and texts[1] and not texts[5] & texts[1]
    assert any("\n" in t for t in every) and any('"' in t for t in every)
    assert any("," in t for t in every)
    assert any(any(ord(c) > 0xFFFF for c in t) for t in every)  # emoji
    assert any(re.search("[áéíóúñçüß]|[\u3040-\u30ff]", t) for t in every)
    assert {t[0] for t in every} >= {"=", "+", "-", "@"}


def test_customers_carry_fake_names_and_numbers(demo: Org) -> None:
    records = demo.conversations_between(AS_OF - 2 * DAY, AS_OF - DAY)
    sessions: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for record in records[:300]:
        wire = demo.conversation_json(record.conversation_id)
        customer = wire["participants"][0 if record.direction == "inbound" else -1]
        assert customer["purpose"] in ("customer", "external")
        assert customer["participantName"]
        sessions[record.media_type].append(customer["sessions"][0])

    assert all(re.match(r"tel:\+1202555\d{4}$", s["ani"]) for s in sessions["voice"])
    assert all(s["addressFrom"].startswith("+1202555") for s in sessions["message"])
    assert all(s["addressFrom"].endswith("@example.net") for s in sessions["email"])


def test_evaluations_cover_a_small_share_with_both_status_casings(demo: Org) -> None:
    records = demo.conversations_between(AS_OF - 30 * DAY, AS_OF - 7 * DAY)
    evaluated = [r for r in records if r.evaluation_ids]
    quality = demo.evaluations()
    record = evaluated[0]
    analytics = demo.conversation_json(record.conversation_id)["evaluations"]

    assert 0.02 <= len(evaluated) / len(records) <= 0.06
    assert {e["status"] for e in quality} == {"PENDING", "INPROGRESS", "FINISHED"}
    assert analytics[0]["evaluationStatus"] in ("Pending", "InProgress", "Finished")
    one = demo.evaluation(record.conversation_id, record.evaluation_ids[0])
    assert one is not None and one["id"] == analytics[0]["evaluationId"]
    assert demo.evaluation("not-a-conversation", record.evaluation_ids[0]) is None
    assert all("answers" in e for e in quality if e["status"] == "FINISHED")


def test_a_scorecard_evaluation_form_rates_satisfaction_on_five_points(
    demo: Org,
) -> None:
    names = {f["name"] for f in demo.evaluation_forms}
    card = next(
        f
        for f in demo.evaluation_forms
        if f["name"] == "Customer Satisfaction Scorecard"
    )
    rating = card["questionGroups"][0]["questions"][0]

    assert names == {"Customer Satisfaction Scorecard", "Customer care QA"}
    assert "satisf" in rating["text"].lower()
    assert sorted(o["value"] for o in rating["answerOptions"]) == [1, 2, 3, 4, 5]
    used = {e["evaluationForm"]["name"] for e in demo.evaluations()}
    assert used == names


def test_conversations_between_is_half_open_and_sorted(small: Org) -> None:
    records = small.conversations_between(AS_OF - 2 * DAY, AS_OF - DAY)
    first, last = records[0], records[-1]

    assert [r.start for r in records] == sorted(r.start for r in records)
    assert small.conversations_between(first.start, last.start)[-1] != last
    assert small.conversations_between(first.start, last.start)[0] == first
    assert small.conversations_between(AS_OF, AS_OF + DAY) == []


def _wire(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + (
        f"{moment.microsecond // 1000:03d}Z"
    )


# the large org ----------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.xdist_group("sim_large")
def test_large_org_has_ten_thousand_finished_surveys_a_month() -> None:
    org = build_org(OrgSpec.large().at(AS_OF))
    month = {
        r.conversation_id for r in org.conversations_between(AS_OF - 30 * DAY, AS_OF)
    }
    finished = [
        s
        for s in org.survey_records()
        if s.status == "Finished" and s.conversation_id in month
    ]

    assert len(finished) >= 10_000
    assert 180 <= sum(1 for u in org.users if u["title"] != "Quality Analyst") <= 220


# wire shapes against the official SDK -------------------------------------------


class _Response:
    """What `ApiClient.deserialize` reads from an HTTP response."""

    def __init__(self, body: Any) -> None:
        self.data = json.dumps(body)

    def getheader(self, name: str) -> str:
        return "application/json"


class SdkOracle:
    """Checks wire dicts against the SDK's models: keys, types, enums."""

    def __init__(self) -> None:
        import PureCloudPlatformClientV2
        from PureCloudPlatformClientV2.api_client import ApiClient

        self._sdk = PureCloudPlatformClientV2
        self._client = ApiClient()

    def problems(self, body: Any, model: str) -> list[str]:
        found: list[str] = []
        self._walk(body, model, "$", found)
        parsed = self._client.deserialize(_Response(body), model)
        dumped = json.dumps(self._client.sanitize_for_serialization(parsed))
        if "outdated_sdk_version" in dumped:
            found.append(f"$: an enum value unknown to the SDK in {model}")
        return found

    def _walk(self, value: Any, kind: str, path: str, found: list[str]) -> None:
        if value is None:
            found.append(f"{path}: null")
        elif kind.startswith("list["):
            for i, item in enumerate(_as_list(value, path, found)):
                self._walk(item, kind[5:-1], f"{path}[{i}]", found)
        elif kind.startswith("dict("):
            inner = kind[kind.index(",") + 2 : -1]
            for key, item in value.items():
                self._walk(item, inner, f"{path}.{key}", found)
        elif kind in _PRIMITIVES:
            if not _PRIMITIVES[kind](value):
                found.append(f"{path}: {value!r} is not {kind}")
        elif kind != "object":
            self._walk_model(value, kind, path, found)

    def _walk_model(self, value: Any, kind: str, path: str, found: list[str]) -> None:
        model = getattr(self._sdk, kind)()
        names = {wire: attr for attr, wire in model.attribute_map.items()}
        if not isinstance(value, dict):
            found.append(f"{path}: not an object for {kind}")
            return
        for key, item in value.items():
            if key not in names:
                found.append(f"{path}.{key}: unknown to {kind}")
            else:
                self._walk(
                    item, model.swagger_types[names[key]], f"{path}.{key}", found
                )


def _as_list(value: Any, path: str, found: list[str]) -> list[Any]:
    if isinstance(value, list):
        return value
    found.append(f"{path}: not a list")
    return []


_PRIMITIVES = {
    "str": lambda v: isinstance(v, str),
    "int": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "float": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "bool": lambda v: isinstance(v, bool),
    "datetime": lambda v: isinstance(v, str) and bool(WIRE_TIME.match(v)),
}


@pytest.fixture(scope="module")
def oracle() -> SdkOracle:
    return SdkOracle()


def test_the_oracle_catches_unknown_keys_enums_types_and_nulls(
    oracle: SdkOracle,
) -> None:
    bad = {
        "id": "x",
        "status": "Done",
        "surveyType": "Web",
        "completedDate": "2024-05-03",
        "missingRequiredAnswer": None,
        "colour": "red",
    }
    found = " | ".join(oracle.problems(bad, "Survey"))

    assert "colour: unknown" in found
    assert "enum" in found and "completedDate" in found and "null" in found


@pytest.mark.parametrize(
    ("attribute", "model"),
    [
        ("divisions", "AuthzDivision"),
        ("users", "User"),
        ("queues", "Queue"),
        ("wrapup_codes", "WrapupCode"),
        ("survey_forms", "SurveyForm"),
        ("evaluation_forms", "EvaluationFormResponse"),
    ],
)
def test_configuration_deserialises_cleanly(
    oracle: SdkOracle, demo: Org, attribute: str, model: str
) -> None:
    bodies = getattr(demo, attribute)
    assert bodies
    assert [p for body in bodies for p in oracle.problems(body, model)] == []


def _variety(org: Org) -> list[Any]:
    """Conversations of every kind: live, abandoned, outbound, transferred,
    evaluated, with surveys of every status."""
    records = org.conversations_between(AS_OF - 20 * DAY, AS_OF)
    picked = random.Random(5).sample(records, 150) + records[-40:]
    picked += [r for r in records if len(r.user_ids) > 2][:10]
    picked += [r for r in records if not r.user_ids][:10]
    picked += [r for r in records if r.evaluation_ids][:20]
    by_status: dict[str, Any] = {}
    for survey in org.survey_records():
        by_status.setdefault(survey.status, org.conversation(survey.conversation_id))
    return picked + list(by_status.values())


@pytest.mark.slow
def test_conversations_and_surveys_deserialise_cleanly(
    oracle: SdkOracle, demo: Org
) -> None:
    problems = []
    for record in _variety(demo):
        plain = demo.conversation_json(record.conversation_id)
        rich = demo.conversation_json(record.conversation_id, with_attributes=True)
        problems += oracle.problems(plain, "AnalyticsConversationWithoutAttributes")
        problems += oracle.problems(rich, "AnalyticsConversation")
        for survey in demo.conversation_surveys(record.conversation_id):
            problems += oracle.problems(survey, "Survey")
    assert problems == []


def test_evaluations_deserialise_cleanly(oracle: SdkOracle, demo: Org) -> None:
    evaluations = demo.evaluations()
    by_status = {e["status"]: e for e in evaluations}
    sample = list(by_status.values()) + evaluations[:: max(1, len(evaluations) // 100)]
    assert [p for e in sample for p in oracle.problems(e, "Evaluation")] == []
