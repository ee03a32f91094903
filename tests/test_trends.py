"""Breakdowns per period and per group, checked against hand-made frames."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date
from typing import Any

import pandas as pd
import pytest

from csat.errors import DateRangeError, InputError, TimeZoneError
from csat.metrics import Proportion, changed, group_table, previous_period, proportion
from csat.trends import trend


def responses(
    starts: list[str],
    csat: Sequence[int | None] | None = None,
    **columns: list[Any],
) -> pd.DataFrame:
    """Finished 1-5 surveys on conversations starting at `starts` (UTC)."""
    count = len(starts)
    scores = csat if csat is not None else [5] * count
    frame = pd.DataFrame(
        {
            "survey_id": [f"s{i}" for i in range(count)],
            "conversation_start": pd.to_datetime(starts, utc=True),
            "survey_completed": pd.to_datetime(starts, utc=True),
            "survey_status": ["Finished"] * count,
            "csat_score": pd.array(list(scores), dtype="Int64"),
            "nps_score": pd.array([None] * count, dtype="Int64"),
            "csat_top2": pd.array(
                [None if s is None else s >= 4 for s in scores], dtype="boolean"
            ),
        }
    )
    for name, values in columns.items():
        frame[name] = values
    return frame


def counts_by_period(table: pd.DataFrame) -> dict[date, int]:
    return dict(zip(table["period"], table["responses"], strict=True))


def test_spring_forward_day_in_london_holds_23_hours() -> None:
    # Clocks go forward at 01:00 UTC on 2026-03-29: the local day runs from
    # 00:00Z to 23:00Z, so 23:00Z already belongs to 30 March.
    starts = [
        "2026-03-28T23:30Z",
        "2026-03-29T00:30Z",
        "2026-03-29T22:59Z",
        "2026-03-29T23:00Z",
    ]

    table = trend(
        responses(starts), anchor="interaction", tz="Europe/London", freq="day"
    )

    assert counts_by_period(table) == {
        date(2026, 3, 28): 1,
        date(2026, 3, 29): 2,
        date(2026, 3, 30): 1,
    }


def test_fall_back_day_in_london_holds_25_hours() -> None:
    # Clocks go back at 01:00 UTC on 2026-10-25: the local day runs from
    # 23:00Z on the 24th to 00:00Z on the 26th.
    starts = [
        "2026-10-24T22:59Z",
        "2026-10-24T23:00Z",
        "2026-10-25T23:59Z",
        "2026-10-26T00:00Z",
    ]

    table = trend(
        responses(starts), anchor="interaction", tz="Europe/London", freq="day"
    )

    assert counts_by_period(table) == {
        date(2026, 10, 24): 1,
        date(2026, 10, 25): 2,
        date(2026, 10, 26): 1,
    }


def test_weeks_start_on_monday_in_local_time() -> None:
    # 2026-03-29 is a Sunday; 23:00Z that day is Monday 00:00 in London.
    starts = ["2026-03-23T09:00Z", "2026-03-29T22:59Z", "2026-03-29T23:00Z"]

    table = trend(
        responses(starts), anchor="interaction", tz="Europe/London", freq="week"
    )

    assert counts_by_period(table) == {date(2026, 3, 23): 2, date(2026, 3, 30): 1}


def test_days_without_responses_are_gaps_with_n_zero() -> None:
    frame = responses(["2026-03-01T12:00Z", "2026-03-04T12:00Z"])

    table = trend(frame, anchor="interaction", tz="UTC", freq="day").set_index("period")

    assert table["responses"].tolist() == [1, 0, 0, 1]
    assert table.loc[date(2026, 3, 2), "csat_n"] == 0
    assert math.isnan(table.loc[date(2026, 3, 2), "csat_pct"])
    assert math.isnan(table.loc[date(2026, 3, 3), "mean"])


def test_range_bounds_list_every_day_and_drop_rows_outside() -> None:
    frame = responses(["2026-03-01T12:00Z", "2026-03-10T12:00Z"])

    table = trend(
        frame,
        anchor="interaction",
        tz="UTC",
        freq="day",
        start=date(2026, 2, 27),
        end=date(2026, 3, 3),
    )

    assert table["period"].tolist() == [date(2026, 2, 27 + i) for i in range(2)] + [
        date(2026, 3, d) for d in (1, 2, 3)
    ]
    assert table["responses"].tolist() == [0, 0, 1, 0, 0]


def test_completion_anchor_uses_completion_time_and_skips_unfinished() -> None:
    frame = responses(["2026-03-01T12:00Z", "2026-03-01T13:00Z"])
    frame["survey_completed"] = pd.to_datetime(["2026-03-03T08:00Z", None], utc=True)
    frame.loc[1, "survey_status"] = "Sent"

    table = trend(frame, anchor="completion", tz="UTC", freq="day")

    assert counts_by_period(table) == {date(2026, 3, 3): 1}


def test_trend_figures_of_worked_example_on_one_day() -> None:
    csat = [5, 5, 4, 4, 4, 3, 2, 1, None, 5]
    frame = responses(["2026-03-01T12:00Z"] * 10, csat)
    frame["nps_score"] = pd.array([10, 9, 9, 8, 7, 6, 3, 0, 10, None], dtype="Int64")

    row = trend(frame, anchor="interaction", tz="UTC", freq="day").iloc[0]

    assert (row["responses"], row["csat_n"], row["nps_n"]) == (10, 9, 9)
    assert row["csat_pct"] == pytest.approx(6 / 9)
    assert (row["csat_low"], row["csat_high"]) == pytest.approx(
        (0.354, 0.879), abs=5e-4
    )
    assert row["mean"] == pytest.approx(33 / 9)
    assert row["nps"] == pytest.approx(100 / 9)


def test_empty_frame_gives_empty_trend() -> None:
    table = trend(responses([]), anchor="interaction", tz="UTC", freq="day")

    assert table.empty and "csat_pct" in table.columns


def test_unknown_time_zone_is_a_time_zone_error() -> None:
    with pytest.raises(TimeZoneError):
        trend(responses([]), anchor="interaction", tz="Mars/Olympus", freq="day")


def agents(spec: dict[str, tuple[int, int]]) -> pd.DataFrame:
    """Per agent id: (responses scoring 5, responses scoring 1)."""
    ids = [a for a, (top, low) in spec.items() for _ in range(top + low)]
    scores = [s for top, low in spec.values() for s in [5] * top + [1] * low]
    starts = ["2026-03-01T12:00Z"] * len(ids)
    names = [f"Agent {a}" for a in ids]
    return responses(starts, scores, agent_id=ids, agent_name=names)


def test_three_perfect_scores_do_not_outrank_90_of_100() -> None:
    frame = agents({"few": (3, 0), "many": (90, 10)})

    table = group_table(frame, "agent_id", min_responses=3)

    assert table["agent_id"].tolist() == ["many", "few"]
    assert table["rank"].tolist() == [1, 2]
    assert table["csat_low"].tolist() == pytest.approx([0.8256, 0.4385], abs=1e-4)
    assert table["csat_pct"].tolist() == [0.9, 1.0]


def test_groups_under_minimum_responses_are_shown_apart() -> None:
    frame = agents({"few": (3, 0), "many": (90, 10), "mid": (9, 0), "ok": (10, 2)})

    table = group_table(frame, "agent_id")

    assert table["agent_id"].tolist() == ["many", "ok", "mid", "few"]
    assert table["ranked"].tolist() == [True, True, False, False]
    assert table["rank"].tolist()[:2] == [1, 2]
    assert table["rank"].isna().tolist() == [False, False, True, True]


def test_equal_lower_bounds_share_a_rank() -> None:
    frame = agents({"a": (10, 0), "b": (10, 0), "c": (5, 5)})

    table = group_table(frame, "agent_id")

    assert table["rank"].tolist() == [1, 1, 3]


def test_group_table_carries_names_counts_and_response_rate() -> None:
    frame = agents({"a": (1, 2)})
    frame["nps_score"] = pd.array([10, 3, 6], dtype="Int64")
    sent = responses(["2026-03-01T12:00Z"], [None], agent_id=["a"])
    sent["survey_status"] = "Sent"
    frame = pd.concat([frame, sent], ignore_index=True)

    row = group_table(frame, "agent_id").iloc[0]

    assert row["agent_name"] == "Agent a"
    assert (row["responses"], row["sent"], row["detractors"]) == (3, 4, 2)
    assert row["response_rate"] == 0.75
    assert row["mean"] == pytest.approx(7 / 3)
    assert row["nps"] == pytest.approx(100 * (1 - 2) / 3)


def test_group_without_responses_is_listed_unranked() -> None:
    frame = responses(["2026-03-01T12:00Z"], [None], queue_id=["q1"])
    frame["survey_status"] = "Expired"

    row = group_table(frame, "queue_id").iloc[0]

    assert (row["responses"], row["sent"], row["ranked"]) == (0, 1, False)
    assert pd.isna(row["rank"]) and math.isnan(row["csat_pct"])


def test_group_table_needs_its_column() -> None:
    with pytest.raises(InputError, match="queue_id"):
        group_table(agents({"a": (1, 0)}), "queue_id")


def test_previous_period_has_the_same_length() -> None:
    assert previous_period(date(2026, 11, 1), date(2026, 11, 30)) == (
        date(2026, 10, 2),
        date(2026, 10, 31),
    )
    assert previous_period(date(2026, 3, 1), date(2026, 3, 1)) == (
        date(2026, 2, 28),
        date(2026, 2, 28),
    )


def test_previous_period_of_reversed_range_is_refused() -> None:
    with pytest.raises(DateRangeError):
        previous_period(date(2026, 3, 2), date(2026, 3, 1))


@pytest.mark.parametrize(
    ("current", "previous", "expected"),
    [
        pytest.param(proportion(90, 100), proportion(50, 100), True, id="apart"),
        pytest.param(proportion(50, 100), proportion(90, 100), True, id="apart-down"),
        pytest.param(proportion(6, 9), proportion(5, 9), False, id="overlapping"),
        pytest.param(proportion(6, 9), proportion(0, 0), False, id="no-previous"),
        pytest.param(
            Proportion(1, 2, 0.5, 0.5, 0.7),
            Proportion(1, 2, 0.5, 0.3, 0.5),
            False,
            id="touching",
        ),
    ],
)
def test_changed_only_when_intervals_do_not_overlap(
    current: Proportion, previous: Proportion, expected: bool
) -> None:
    assert changed(current, previous) is expected
