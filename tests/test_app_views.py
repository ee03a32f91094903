"""Row selection and the page tables, on a small joined frame built by hand."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

import pandas as pd
import pytest

from dashboard.filters import (
    NO_SCORE,
    apply_filters,
    filter_options,
    filter_scores,
    rows_in_view,
    search_text,
    select_period,
)
from dashboard.state import Filters, ViewState, build_request
from dashboard.views import (
    answers_table,
    comments_table,
    format_durations,
    handlers,
    interactions_csv,
    interactions_table,
    verbatim,
)


def response(**values: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "survey_id": "s",
        "conversation_id": "c",
        "conversation_start": "2026-03-10T10:00:00Z",
        "survey_status": "Finished",
        "survey_completed": "2026-03-10T12:00:00Z",
        "agent_name": "Ada",
        "queue_name": "Support",
        "media_type": "voice",
        "direction": "inbound",
        "wrapup_name": "Resolved",
        "duration_s": 125.0,
        "transfer_count": 0,
        "csat_score": 5,
        "csat_scale_min": 1,
        "csat_scale_max": 5,
        "nps_score": 10,
        "comment": "",
        "nps_comment": "",
        "agent_names": "Ada",
    }
    row.update(values)
    return row


def frame_of(*rows: dict[str, Any]) -> pd.DataFrame:
    frame = pd.DataFrame(rows)
    for column in ("conversation_start", "survey_completed"):
        frame[column] = pd.to_datetime(frame[column], utc=True)
    for column in ("csat_score", "nps_score"):
        frame[column] = frame[column].astype("Int64")
    return frame


# London moves to summer time at 01:00 UTC on 29 March 2026.
DST_ROWS = frame_of(
    response(survey_id="a", conversation_start="2026-03-28T23:30:00Z"),
    response(survey_id="b", conversation_start="2026-03-29T23:30:00Z"),
    response(
        survey_id="c",
        conversation_start="2026-03-27T09:00:00Z",
        survey_completed="2026-03-29T10:00:00Z",
    ),
    response(
        survey_id="d",
        conversation_start="2026-03-29T09:00:00Z",
        survey_status="Expired",
        survey_completed=None,
        csat_score=None,
        nps_score=None,
    ),
)


def test_interaction_anchor_uses_the_local_day_of_the_conversation_start() -> None:
    rows = select_period(
        DST_ROWS, "interaction", "Europe/London", date(2026, 3, 29), date(2026, 3, 29)
    )

    # b started at 00:30 BST on 30 March; c started on 27 March.
    assert rows["survey_id"].tolist() == ["d"]


def test_completion_anchor_moves_finished_surveys_to_their_completion_day() -> None:
    rows = select_period(
        DST_ROWS, "completion", "Europe/London", date(2026, 3, 29), date(2026, 3, 29)
    )

    # a and b completed on 10 March; c completed on 29 March; d never completed and
    # stays on its interaction's day.
    assert sorted(rows["survey_id"]) == ["c", "d"]


def test_completion_anchor_requests_the_look_back_period_before_the_range() -> None:
    view = ViewState(date(2026, 3, 20), date(2026, 3, 29), "UTC", "completion")

    request = build_request(view)

    assert (request.start, request.end) == (date(2026, 3, 13), date(2026, 3, 29))
    assert request.refresh is False


FILTERED = frame_of(
    response(survey_id="1", agent_name="Ada", queue_name="Sales", direction="inbound"),
    response(survey_id="2", agent_name="Bob", queue_name="Sales", direction="outbound"),
    response(survey_id="3", agent_name="Bob", queue_name="Support", media_type="chat"),
)


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (Filters(), ["1", "2", "3"]),
        (Filters(agents=("Bob",)), ["2", "3"]),
        (Filters(agents=("Bob",), queues=("Sales",)), ["2"]),
        (Filters(media_types=("chat", "email")), ["3"]),
        (Filters(directions=("outbound",)), ["2"]),
        (Filters(wrapup_codes=("Escalated",)), []),
    ],
    ids=["none", "agent", "agent-and-queue", "media", "direction", "no-match"],
)
def test_filters_keep_rows_matching_every_active_filter(
    filters: Filters, expected: list[str]
) -> None:
    assert apply_filters(FILTERED, filters)["survey_id"].tolist() == expected


def test_rows_in_view_applies_period_and_filters() -> None:
    view = ViewState(
        date(2026, 3, 10), date(2026, 3, 10), "UTC", filters=Filters(agents=("Ada",))
    )

    assert rows_in_view(FILTERED, view)["survey_id"].tolist() == ["1"]


def test_filter_options_are_distinct_and_sorted_ignoring_case() -> None:
    frame = frame_of(
        response(agent_name="bob"),
        response(agent_name="Ada"),
        response(agent_name="bob"),
    )

    assert filter_options(frame, "agent_name") == ["Ada", "bob"]


def test_search_is_literal_and_ignores_case() -> None:
    frame = frame_of(
        response(survey_id="1", comment="Great (really) help"),
        response(survey_id="2", nps_comment="GREAT service"),
        response(survey_id="3", comment="slow"),
    )

    assert search_text(frame, "great", ["comment", "nps_comment"])[
        "survey_id"
    ].tolist() == ["1", "2"]
    assert search_text(frame, "(really)", ["comment"])["survey_id"].tolist() == ["1"]
    assert len(search_text(frame, "  ", ["comment"])) == 3


def test_score_filter_handles_scores_missing_scores_and_nps_groups() -> None:
    frame = frame_of(
        response(survey_id="1", csat_score=5, nps_score=10),
        response(survey_id="2", csat_score=2, nps_score=6),
        response(survey_id="3", csat_score=None, nps_score=8),
    )

    assert filter_scores(frame, [5, 2], [])["survey_id"].tolist() == ["1", "2"]
    assert filter_scores(frame, [NO_SCORE], [])["survey_id"].tolist() == ["3"]
    assert filter_scores(frame, [], ["Detractor"])["survey_id"].tolist() == ["2"]
    assert filter_scores(frame, [], ["Passive", "Promoter"])["survey_id"].tolist() == [
        "1",
        "3",
    ]


def test_verbatim_joins_free_text_and_nps_comment_with_a_blank_line() -> None:
    frame = frame_of(
        response(comment="Quick", nps_comment="Would recommend"),
        response(comment="", nps_comment="Only NPS"),
        response(comment=None, nps_comment=None),
    )

    assert verbatim(frame).tolist() == ["Quick\n\nWould recommend", "Only NPS", ""]


def test_interactions_table_lists_finished_surveys_newest_first_in_local_time() -> None:
    table = interactions_table(DST_ROWS, "Europe/London", lambda c: f"https://x/{c}")

    assert table["Survey ID"].tolist() == ["b", "a", "c"]
    assert table["Local time"].tolist() == [
        "2026-03-30 00:30",
        "2026-03-28 23:30",
        "2026-03-27 09:00",
    ]
    assert table["Duration"].iloc[0] == "0:02:05"
    assert table["Link"].iloc[0] == "https://x/c"


def test_a_limited_interactions_table_keeps_the_newest_and_the_csv_keeps_all() -> None:
    link = lambda c: f"https://x/{c}"  # noqa: E731

    table = interactions_table(DST_ROWS, "Europe/London", link, limit=2)
    csv_rows = interactions_csv(DST_ROWS, "Europe/London", link).decode("utf-8-sig")

    assert table["Survey ID"].tolist() == ["b", "a"]
    listed = csv.DictReader(io.StringIO(csv_rows, newline=""))
    assert [row["Survey ID"] for row in listed] == ["b", "a", "c"]
    # The download of the rows shown holds exactly those rows.
    shown = interactions_csv(DST_ROWS, "Europe/London", link, limit=2)
    rows = csv.DictReader(io.StringIO(shown.decode("utf-8-sig"), newline=""))
    assert [row["Survey ID"] for row in rows] == ["b", "a"]


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0:00:00"),
        (59.6, "0:01:00"),
        (3725, "1:02:05"),
        (90061, "25:01:01"),
        (2.5, "0:00:02"),
        (None, ""),
        (float("nan"), ""),
    ],
)
def test_duration_is_hours_minutes_seconds(seconds: object, text: str) -> None:
    values = pd.Series([seconds, 3725], index=[7, 3], dtype="object")
    assert format_durations(values).tolist() == [text, "1:02:05"]


def test_comments_put_unhappy_customers_first_then_low_csat() -> None:
    frame = frame_of(
        response(survey_id="p", nps_score=10, csat_score=5, comment="love it"),
        response(survey_id="d", nps_score=3, csat_score=2, comment="awful"),
        response(survey_id="n", nps_score=None, csat_score=1, comment="no nps"),
        response(survey_id="q", nps_score=7, csat_score=4, comment=""),
    )

    table = comments_table(frame, "UTC")

    # "n" skipped NPS but gave CSAT 1: unhappy, and lowest CSAT of them all.
    assert table["Survey ID"].tolist() == ["n", "d", "p"]
    assert table["Comment"].tolist() == ["no nps", "awful", "love it"]


def test_answers_spell_out_na_and_keep_form_order() -> None:
    answers = pd.DataFrame(
        {
            "survey_id": ["s", "s", "s", "s", "s", "t"],
            "question_group": ["G"] * 6,
            "question_text": [
                "Satisfied?", "Recommend?", "Why?", "Hidden", "Again?", "Other",
            ],
            "answer_text": ["Very satisfied", None, None, None, None, "x"],
            "score": [5, None, None, None, None, 1],
            "nps_score": [None, 9, None, None, 0, None],
            "free_text": [None, "Quick", "Fast", None, None, None],
            "marked_na": [False, False, False, True, False, False],
            "system_marked_na": [False, False, False, True, False, False],
        }
    )  # fmt: skip

    table = answers_table(answers, "s")

    assert table["Question"].tolist() == [
        "Satisfied?", "Recommend?", "Why?", "Hidden", "Again?",
    ]  # fmt: skip
    assert table["Answer"].tolist() == [
        "Very satisfied (5)",
        "9 · Quick",
        "Fast",
        "Not shown (hidden by the form)",
        "0",
    ]


def test_handlers_are_listed_in_order_of_first_appearance() -> None:
    frame = frame_of(response(survey_id="s", agent_names="Ada;Bob;Cy"))

    assert handlers(frame, "s") == ["Ada", "Bob", "Cy"]
    assert handlers(frame, "missing") == []
