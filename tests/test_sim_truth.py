"""The ground truth: which surveys it lists, what it says about them, its CSV.

Each row is checked against the org's wire JSON, read the way an extractor
reads it, so the truth and the served data cannot drift apart.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from genesys_sim.org import Org, OrgSpec, build_org
from genesys_sim.truth import COLUMNS, ground_truth, write_truth_csv

pytestmark = pytest.mark.xdist_group("sim_truth")

AS_OF = datetime(2024, 5, 20, 12, tzinfo=UTC)
CSAT_NAME = "Post-contact CSAT"
STATUSES = {"Finished", "Sent", "InProgress", "Pending", "Expired", "OptOut", "Error"}
STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


@pytest.fixture(scope="module")
def org() -> Org:
    return build_org(OrgSpec(history_days=60, as_of=AS_OF))


@pytest.fixture(scope="module")
def rows(org: Org) -> list[dict[str, Any]]:
    return ground_truth(org, date(2024, 4, 20), date(2024, 5, 19), "America/New_York")


def test_rows_are_the_csat_surveys_of_the_local_dates(
    org: Org, rows: list[dict[str, Any]]
) -> None:
    zone = ZoneInfo("America/New_York")
    low = datetime(2024, 4, 20, tzinfo=zone)
    high = datetime(2024, 5, 20, tzinfo=zone)
    expected = {
        survey.survey_id
        for survey in org.survey_records()
        if survey.form_name == CSAT_NAME
        and low <= _start(org, survey.conversation_id) < high
    }

    assert {row["survey_id"] for row in rows} == expected
    assert len(rows) == len(expected) > 3000
    assert {row["source"] for row in rows} == {"survey"}


def test_rows_cover_every_status_and_are_sorted(rows: list[dict[str, Any]]) -> None:
    statuses = Counter(row["survey_status"] for row in rows)
    keys = [(row["conversation_start"], row["survey_id"]) for row in rows]

    assert set(statuses) == STATUSES
    assert keys == sorted(keys)


def test_a_daylight_saving_day_has_23_hours(org: Org) -> None:
    day = ground_truth(org, date(2024, 3, 31), date(2024, 3, 31), "Europe/London")
    starts = [row["conversation_start"] for row in day]

    assert starts
    assert min(starts) >= datetime(2024, 3, 31, 0, tzinfo=UTC)
    assert max(starts) < datetime(2024, 3, 31, 23, tzinfo=UTC)


def test_finished_rows_agree_with_the_served_survey(
    org: Org, rows: list[dict[str, Any]]
) -> None:
    finished = [row for row in rows if row["survey_status"] == "Finished"]
    forms = {form["id"]: form for form in org.survey_forms}
    for row in finished[::7]:
        survey = org.survey(row["survey_id"])
        assert survey is not None
        expected = _read_like_an_extractor(survey, forms[survey["surveyForm"]["id"]])
        actual = {key: row[key] for key in expected}
        assert actual == expected, row["survey_id"]


def test_unfinished_rows_carry_no_scores(rows: list[dict[str, Any]]) -> None:
    unfinished = [row for row in rows if row["survey_status"] != "Finished"]
    scored = ("csat_score", "nps_score", "comment", "total_score", "survey_completed")

    assert unfinished
    assert all(row[key] is None for row in unfinished for key in scored)
    assert not any(row["partial"] for row in unfinished)
    errors = [row for row in unfinished if row["survey_status"] == "Error"]
    assert errors and all(row["error_reason"] for row in errors)


def test_top_two_box_follows_the_scale(rows: list[dict[str, Any]]) -> None:
    scored = [row for row in rows if row["csat_score"] is not None]

    assert {(r["csat_scale_min"], r["csat_scale_max"]) for r in rows} == {(1, 5)}
    assert all(r["csat_top2"] == (r["csat_score"] >= 4) for r in scored)
    assert all(r["csat_top2"] is None for r in rows if r["csat_score"] is None)
    assert Counter(r["csat_top2"] for r in scored)[True] > 0.5 * len(scored)


def test_partial_rows_miss_a_required_answer(rows: list[dict[str, Any]]) -> None:
    partial = [row for row in rows if row["partial"]]

    assert partial
    assert all(r["csat_score"] is None or r["nps_score"] is None for r in partial)


def test_csv_is_rfc_4180_utf8_with_exact_formats(
    rows: list[dict[str, Any]], tmp_path: Path
) -> None:
    path = tmp_path / "truth.csv"
    write_truth_csv(rows, path)
    raw = path.read_bytes()
    with path.open(encoding="utf-8", newline="") as handle:
        table = list(csv.reader(handle))
    header, body = table[0], table[1:]
    by_name = [dict(zip(header, line, strict=True)) for line in body]

    assert not raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    assert header == list(COLUMNS) and len(body) == len(rows)
    assert all(STAMP.match(r["conversation_start"]) for r in by_name)
    assert {r["partial"] for r in by_name} == {"true", "false"}
    assert all(r["csat_score"] in {"", "1", "2", "3", "4", "5"} for r in by_name)
    assert [r["comment"].removeprefix("'") for r in by_name] == [
        row["comment"] or "" for row in rows
    ]
    assert any("\n" in r["comment"] and '"' in r["comment"] for r in by_name)


def test_csv_neutralises_formula_cells(tmp_path: Path) -> None:
    base = {column: None for column in COLUMNS}
    texts = ["=SUM(A1)", "+1 call back", "-5", "@home", "fine", "-"]
    rows = [{**base, "survey_id": str(i), "comment": t} for i, t in enumerate(texts)]
    path = tmp_path / "truth.csv"
    write_truth_csv(rows, path)
    with path.open(encoding="utf-8", newline="") as handle:
        written = [line["comment"] for line in csv.DictReader(handle)]

    assert written == ["'=SUM(A1)", "'+1 call back", "-5", "'@home", "fine", "'-"]


def test_bad_ranges_are_refused(org: Org) -> None:
    with pytest.raises(ValueError, match="after"):
        ground_truth(org, date(2024, 5, 2), date(2024, 5, 1), "UTC")
    with pytest.raises(ValueError, match="time zone"):
        ground_truth(org, date(2024, 5, 1), date(2024, 5, 2), "Mars/Olympus_Mons")


def _start(org: Org, conversation_id: str) -> datetime:
    record = org.conversation(conversation_id)
    assert record is not None
    return record.start


def _read_like_an_extractor(
    survey: dict[str, Any], form: dict[str, Any]
) -> dict[str, Any]:
    """The response columns of a finished survey, from the wire JSON alone."""
    questions = [q for g in form["questionGroups"] for q in g["questions"]]
    choices = [q for q in questions if q["type"] == "multipleChoiceQuestion"]
    csat = next(q for q in choices if "satisf" in q["text"].lower())
    scores = {
        s["questionId"]: s
        for g in survey["answers"]["questionGroupScores"]
        for s in g["questionScores"]
    }
    free = [
        scores.get(q["id"], {}).get("freeTextAnswer")
        for q in questions
        if q["type"] == "freeTextQuestion"
    ]
    nps = next(scores.get(q["id"], {}) for q in questions if q["type"] == "npsQuestion")
    return {
        "csat_score": scores.get(csat["id"], {}).get("score"),
        "nps_score": nps.get("npsScore"),
        "comment": "\n\n".join(t for t in free if t) or None,
        "nps_comment": nps.get("npsTextAnswer"),
        "total_score": survey["answers"].get("totalScore"),
        "partial": survey["missingRequiredAnswer"],
        "survey_completed": datetime.strptime(
            survey["completedDate"], "%Y-%m-%dT%H:%M:%S.%f%z"
        ),
        "agent_id": survey["agent"]["id"],
        "queue_id": survey["queue"]["id"],
        "survey_form_id": form["id"],
        "survey_form_context_id": form["contextId"],
    }


def test_conversation_start_matches_the_analytics_record(
    org: Org, rows: list[dict[str, Any]]
) -> None:
    for row in rows[::50]:
        wire = org.conversation_json(row["conversation_id"])
        start = datetime.strptime(wire["conversationStart"], "%Y-%m-%dT%H:%M:%S.%f%z")
        assert start == row["conversation_start"]
        assert row["survey_id"] in {s["surveyId"] for s in wire["surveys"]}
        assert row["media_type"] == _credited_media(wire, row["agent_id"])


def _credited_media(wire: dict[str, Any], agent_id: str) -> str:
    agent = next(p for p in wire["participants"] if p.get("userId") == agent_id)
    return str(agent["sessions"][0]["mediaType"])
