"""Wire JSON to rows, checked against values read by eye in the reference examples."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from csat.forms import FormVersion, parse_evaluation_form, parse_survey_form
from csat.records import (
    ANSWER_COLUMNS,
    INTERACTION_COLUMNS,
    RESPONSE_COLUMNS,
    apply_evaluation_answers,
    apply_survey_answers,
    evaluation_rows,
    interaction_row,
    normalize_status,
    survey_rows,
)

_SHARED = Path(__file__).resolve().parents[2] / "shared"
EXAMPLES = (
    _SHARED if _SHARED.is_dir() else Path("/work/shared")
) / "reference/examples"

CONTEXT = "fc000000-0000-4000-8000-000000000001"
AVERY = "aaaaaaaa-0000-4000-8000-000000000001"
BLAKE = "aaaaaaaa-0000-4000-8000-000000000002"
SUPPORT = "bbbbbbbb-0000-4000-8000-000000000001"
BILLING = "bbbbbbbb-0000-4000-8000-000000000002"
VERSION_2 = "f0000000-0000-4000-8000-000000000012"
EMOJI_COMMENT = (
    'Quick, friendly help!\nBlake said "no problem at all" and fixed my bill 👍'
)


def example(name: str) -> Any:
    return json.loads((EXAMPLES / name).read_text(encoding="utf-8"))


def conversation(number: int) -> dict[str, Any]:
    conversations = example("details-query-response.json")["conversations"]
    found: dict[str, Any] = conversations[number - 1]
    return found


def version(name: str = "survey-form-version-2.json") -> FormVersion:
    return parse_survey_form(example(name))


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


# Interactions


def test_transfer_conversation_is_credited_to_blake_in_billing() -> None:
    row = interaction_row(conversation(1))
    assert row == {
        "conversation_id": "c0c0c0c0-0000-4000-8000-000000000001",
        "conversation_start": datetime(2024, 5, 3, 14, 1, 2, 345000, tzinfo=UTC),
        "conversation_end": utc(2024, 5, 3, 14, 20, 30),
        "duration_s": 1167.655,  # 14:01:02.345 to 14:20:30.000
        "direction": "inbound",
        "media_type": "voice",
        "agent_id": BLAKE,
        "queue_id": BILLING,
        "agent_ids": f"{AVERY};{BLAKE}",
        # Blake's wrap-up (Resolved), not Avery's (Transferred).
        "wrapup_code_id": "cccccccc-0000-4000-8000-000000000001",
        "transfer_count": 1,
        "division_ids": "dddddddd-0000-4000-8000-000000000001",
    }
    assert tuple(row) == INTERACTION_COLUMNS


def test_sms_conversation_with_one_agent() -> None:
    row = interaction_row(conversation(2))
    assert row["media_type"] == "message"
    assert (row["agent_id"], row["queue_id"]) == (AVERY, SUPPORT)
    assert row["agent_ids"] == AVERY
    assert row["wrapup_code_id"] == "cccccccc-0000-4000-8000-000000000003"
    assert row["duration_s"] == 1020.0  # 10:15:00 to 10:32:00
    # The ACD leg ends in "transfer" when it hands over to Avery: not a transfer.
    assert row["transfer_count"] == 0


@pytest.mark.parametrize("number", [1, 2])
def test_customer_contact_details_never_leave_without_the_setting(number: int) -> None:
    row = interaction_row(conversation(number))
    text = json.dumps(row, default=str)
    for fragment in ("202-555", "2025550", "Mobile", "tel:", "@"):
        assert fragment not in text
    assert "customer_name" not in row and "customer_address" not in row


def test_customer_contact_details_with_the_setting() -> None:
    first = interaction_row(conversation(1), include_pii=True)
    assert first["customer_name"] == "Mobile +1 202-555-0143"
    assert first["customer_address"] == "tel:+12025550143"
    second = interaction_row(conversation(2), include_pii=True)
    assert second["customer_address"] == "+12025550188"


def test_without_a_survey_the_last_agent_and_their_queue_are_credited() -> None:
    bare = copy.deepcopy(conversation(1))
    del bare["surveys"]
    row = interaction_row(bare)
    assert (row["agent_id"], row["queue_id"]) == (BLAKE, BILLING)


def test_transfers_counted_from_agent_disconnects_without_metrics() -> None:
    bare = copy.deepcopy(conversation(1))
    for participant in bare["participants"]:
        for session in participant["sessions"]:
            session.pop("metrics", None)
    assert interaction_row(bare)["transfer_count"] == 1


def test_a_conversation_still_running_has_no_end_and_no_duration() -> None:
    live = copy.deepcopy(conversation(2))
    del live["conversationEnd"]
    row = interaction_row(live)
    assert row["conversation_end"] is None
    assert row["duration_s"] is None


# Survey responses from the details records


def test_survey_row_of_the_transferred_conversation() -> None:
    (row,) = survey_rows(conversation(1), CONTEXT)
    assert tuple(row) == RESPONSE_COLUMNS
    assert row["survey_id"] == "5e000000-0000-4000-8000-000000000001"
    assert row["conversation_start"] == datetime(
        2024, 5, 3, 14, 1, 2, 345000, tzinfo=UTC
    )
    assert row["survey_status"] == "Finished"
    assert row["survey_completed"] == utc(2024, 5, 3, 18, 42, 10)
    assert (row["agent_id"], row["queue_id"]) == (BLAKE, BILLING)
    assert row["media_type"] == "voice"
    assert row["nps_score"] == 9
    assert row["total_score"] == 100.0
    assert row["partial"] is False
    assert (row["survey_form_id"], row["survey_form_name"]) == (
        VERSION_2,
        "Post-contact CSAT",
    )
    assert row["source"] == "survey"
    # Filled only once the answers are applied.
    for column in ("csat_score", "csat_top2", "csat_scale_min", "comment"):
        assert row[column] is None


def test_two_surveys_on_one_conversation_and_the_expired_one_stays_empty() -> None:
    finished, expired = survey_rows(conversation(2), CONTEXT)
    assert (finished["survey_id"], finished["nps_score"]) == (
        "5e000000-0000-4000-8000-000000000002",
        6,
    )
    assert finished["total_score"] == 60.0
    assert expired["survey_status"] == "Expired"
    assert expired["survey_completed"] is None
    assert expired["nps_score"] is None
    assert expired["total_score"] is None


def test_surveys_of_other_forms_are_left_out() -> None:
    assert survey_rows(conversation(2), "fc000000-0000-4000-8000-000000000002") == []


def test_a_survey_listed_twice_gives_one_row() -> None:
    doubled = copy.deepcopy(conversation(1))
    doubled["surveys"].append(copy.deepcopy(doubled["surveys"][0]))
    assert len(survey_rows(doubled, CONTEXT)) == 1


@pytest.mark.parametrize(
    ("wire", "expected"),
    [
        ("Finished", "Finished"),
        ("finished", "Finished"),
        ("FINISHED", "Finished"),
        ("inprogress", "InProgress"),
        ("IN_PROGRESS", "InProgress"),
        ("optout", "OptOut"),
        ("INREVIEW", "InReview"),
        ("Unheard-of", "Unheard-of"),
        (None, None),
    ],
)
def test_statuses_take_the_quality_casing(
    wire: str | None, expected: str | None
) -> None:
    assert normalize_status(wire) == expected


def test_analytics_status_casing_does_not_matter() -> None:
    lower = copy.deepcopy(conversation(1))
    lower["surveys"][0]["surveyStatus"] = "finished"
    assert survey_rows(lower, CONTEXT)[0]["survey_status"] == "Finished"


# Survey answers


def test_finished_survey_answers_fill_the_row() -> None:
    (row,) = survey_rows(conversation(1), CONTEXT)
    updated, answers = apply_survey_answers(
        row, example("survey-finished.json"), version()
    )
    assert updated["csat_score"] == 5
    assert updated["csat_top2"] is True
    assert (updated["csat_scale_min"], updated["csat_scale_max"]) == (1, 5)
    assert updated["nps_score"] == 9
    assert updated["nps_comment"] == "Sorted out, even after a transfer, in one call."
    assert updated["comment"] == EMOJI_COMMENT
    assert updated["error_reason"] is None
    assert row["csat_score"] is None  # the input row is left as it was
    assert len(answers) == 5


def test_answer_rows_carry_texts_of_the_version_answered_on() -> None:
    (row,) = survey_rows(conversation(1), CONTEXT)
    _, answers = apply_survey_answers(row, example("survey-finished.json"), version())
    csat, nps, free_text, first_contact, hidden = answers
    assert tuple(csat) == ANSWER_COLUMNS
    assert csat["question_group"] == "Your experience"
    assert csat["answer_text"] == "Very satisfied"
    assert (csat["score"], csat["marked_na"]) == (5, False)
    assert (nps["question_type"], nps["nps_score"]) == ("npsQuestion", 9)
    assert free_text["free_text"] == EMOJI_COMMENT
    # N/A by the customer, and hidden by the visibility condition: no score.
    assert first_contact["question_text"] == (
        "Was this your first contact with us about this issue?"
    )
    assert (first_contact["score"], first_contact["answer_text"]) == (None, None)
    assert (first_contact["marked_na"], first_contact["system_marked_na"]) == (
        True,
        False,
    )
    assert hidden["question_text"] == "What could we have done better?"
    assert (hidden["score"], hidden["system_marked_na"]) == (None, True)


def test_a_middling_answer_and_a_real_zero() -> None:
    finished, _ = survey_rows(conversation(2), CONTEXT)
    survey = example("conversation-surveys.json")[0]
    updated, answers = apply_survey_answers(finished, survey, version())
    assert (updated["csat_score"], updated["csat_top2"]) == (3, False)
    assert updated["nps_score"] == 6
    assert updated["comment"] is None  # the free text was answered N/A
    first_contact = answers[3]
    assert (first_contact["answer_text"], first_contact["score"]) == ("No", 0)


def test_an_expired_survey_has_no_scores() -> None:
    _, expired = survey_rows(conversation(2), CONTEXT)
    survey = example("conversation-surveys.json")[1]
    updated, answers = apply_survey_answers(expired, survey, version())
    assert updated["survey_status"] == "Expired"
    assert (updated["csat_score"], updated["csat_top2"], updated["nps_score"]) == (
        None,
        None,
        None,
    )
    assert answers == []


def test_a_failed_survey_reports_its_reason() -> None:
    row = {column: None for column in RESPONSE_COLUMNS} | {
        "survey_id": "5e000000-0000-4000-8000-000000000004",
        "survey_status": "Error",
        "partial": False,
        "source": "survey",
    }
    updated, answers = apply_survey_answers(
        row, example("survey-error.json"), version("survey-form-version-1.json")
    )
    assert updated["error_reason"] == "InvalidEmailAddress"
    assert updated["survey_form_id"] == "f0000000-0000-4000-8000-000000000011"
    assert (updated["csat_score"], updated["survey_completed"]) == (None, None)
    assert updated["agent_id"] == AVERY
    assert answers == []


def test_the_csat_score_is_the_option_value_on_a_seven_point_scale() -> None:
    values = range(1, 8)
    options = [{"id": f"o{v}", "text": f"{v} stars", "value": v} for v in values]
    question = {
        "id": "q",
        "text": "How satisfied were you?",
        "type": "multipleChoiceQuestion",
        "answerOptions": options,
    }
    form = {
        "id": "v",
        "contextId": "ctx",
        "name": "Seven",
        "questionGroups": [{"id": "g", "name": "G", "questions": [question]}],
    }
    survey = {
        "id": "s",
        "status": "Finished",
        "answers": {
            "questionGroupScores": [
                {
                    "questionGroupId": "g",
                    "questionScores": [
                        {"questionId": "q", "answerId": "o6", "score": 6}
                    ],
                }
            ]
        },
    }
    row = {column: None for column in RESPONSE_COLUMNS} | {"survey_id": "s"}
    updated, _ = apply_survey_answers(row, survey, parse_survey_form(form))
    assert (updated["csat_score"], updated["csat_top2"]) == (6, True)
    assert (updated["csat_scale_min"], updated["csat_scale_max"]) == (1, 7)


# Evaluations ("scorecards")


EVALUATION_CONTEXT = "ec000000-0000-4000-8000-000000000001"


def evaluated_conversation() -> dict[str, Any]:
    evaluated = copy.deepcopy(conversation(1))
    evaluated["evaluations"] = [
        {
            "evaluationId": "ea000000-0000-4000-8000-000000000001",
            "evaluationStatus": "Finished",
            "formId": "e0000000-0000-4000-8000-000000000001",
            "contextId": EVALUATION_CONTEXT,
            "formName": "Customer care QA",
            "userId": BLAKE,
            "queueId": BILLING,
            "eventTime": "2024-05-06T09:15:00.000Z",
            "oTotalScore": 80,
        }
    ]
    return evaluated


def test_evaluation_rows_from_the_details_records() -> None:
    (row,) = evaluation_rows(evaluated_conversation(), EVALUATION_CONTEXT)
    assert tuple(row) == RESPONSE_COLUMNS
    assert row["source"] == "evaluation"
    assert row["survey_id"] == "ea000000-0000-4000-8000-000000000001"
    assert (row["agent_id"], row["queue_id"], row["media_type"]) == (
        BLAKE,
        BILLING,
        "voice",
    )
    assert row["total_score"] == 80.0
    assert evaluation_rows(evaluated_conversation(), CONTEXT) == []


def test_evaluation_answers_fill_the_row() -> None:
    (row,) = evaluation_rows(evaluated_conversation(), EVALUATION_CONTEXT)
    evaluation = example("evaluations-query-page.json")["entities"][0]
    form = parse_evaluation_form(example("evaluation-form.json"))
    updated, answers = apply_evaluation_answers(row, evaluation, form)
    assert updated["survey_status"] == "Finished"  # from "FINISHED"
    assert updated["survey_completed"] == utc(2024, 5, 6, 9, 15)
    # "Resolved the issue": Partly = 2 on the scale 0, 2, 3.
    assert (updated["csat_score"], updated["csat_top2"]) == (2, True)
    assert (updated["csat_scale_min"], updated["csat_scale_max"]) == (0, 3)
    assert updated["comment"] == (
        "Good recovery after the transfer; confirm the refund date next time."
    )
    assert len(answers) == 4
    assert answers[2]["answer_text"] == "Partly"
    assert (answers[3]["score"], answers[3]["marked_na"]) == (None, True)
