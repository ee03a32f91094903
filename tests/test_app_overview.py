"""Overview page on the demo org: tiles, changes, distribution, NPS and trend."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta
from typing import Any

import pandas as pd
import pytest
import test_app_harness as harness
from streamlit import dataframe_util
from streamlit.testing.v1 import AppTest
from test_app_harness import (
    LAST_30_DAYS,
    PREVIOUS_30_DAYS,
    Row,
    expected_tiles,
    finished,
    open_app,
    tile_values,
    truth,
)

# The shared fixtures, found by pytest under these names in this module.
app_store, demo_env, org = harness.app_store, harness.demo_env, harness.org
pytestmark = [
    pytest.mark.slow,
    pytest.mark.xdist_group("dashboard"),
    pytest.mark.usefixtures("demo_env"),
]


def chart_data(at: AppTest, index: int) -> pd.DataFrame:
    """The data behind the `index`-th chart on the page."""
    proto = at.get("vega_lite_chart")[index].proto
    return dataframe_util.convert_arrow_bytes_to_pandas_df(proto.datasets[0].data.data)


def share(rows: list[Row], keep: Any) -> float:
    return sum(1 for r in rows if keep(r)) / len(rows)


def test_changes_are_against_the_previous_30_days_up_to_the_same_time(
    org: Any,
) -> None:
    # The range ends today, at noon: the previous one is cut at noon 30 days ago.
    cutoff = harness.AS_OF - timedelta(days=30)
    now = truth(org, LAST_30_DAYS)
    before = [
        r for r in truth(org, PREVIOUS_30_DAYS) if r["conversation_start"] < cutoff
    ]
    top = lambda r: r["csat_score"] >= r["csat_scale_max"] - 1  # noqa: E731
    scored_now = [r for r in finished(now) if r["csat_score"] is not None]
    scored_before = [r for r in finished(before) if r["csat_score"] is not None]

    at = open_app()

    deltas = [m.delta for m in at.metric[:5]]
    assert deltas[0] == f"{len(finished(now)) - len(finished(before)):+,d}"
    change = 100 * (share(scored_now, top) - share(scored_before, top))
    assert deltas[1] == f"{change:+.1f} pts"
    assert any(
        "up to the same time (21 Oct 2026 12:00 UTC)" in c.value for c in at.caption
    )


def test_today_is_compared_with_yesterday_up_to_the_same_hour(org: Any) -> None:
    yesterday = harness.TODAY - timedelta(days=1)
    cutoff = harness.AS_OF - timedelta(days=1)
    today = finished(truth(org, (harness.TODAY, harness.TODAY)))
    before = [
        r
        for r in finished(truth(org, (yesterday, yesterday)))
        if r["conversation_start"] < cutoff
    ]
    assert len(before) < len(finished(truth(org, (yesterday, yesterday))))

    at = open_app(query={"range": "Today"})

    assert at.metric[0].delta == f"{len(today) - len(before):+,d}"


def test_distribution_lists_every_scale_value_with_its_count(org: Any) -> None:
    scores = Counter(
        r["csat_score"] for r in finished(truth(org, LAST_30_DAYS)) if r["csat_score"]
    )

    data = chart_data(open_app(), 0)

    assert data["score"].tolist() == ["1", "2", "3", "4", "5"]
    assert data["count"].tolist() == [scores[s] for s in range(1, 6)]


def test_nps_groups_are_counted_from_the_nps_answers(org: Any) -> None:
    nps = [
        r["nps_score"]
        for r in finished(truth(org, LAST_30_DAYS))
        if r["nps_score"] is not None
    ]

    data = chart_data(open_app(), 1)

    assert data["group"].tolist() == ["Promoters", "Passives", "Detractors"]
    assert data["count"].tolist() == [
        sum(1 for s in nps if s >= 9),
        sum(1 for s in nps if 7 <= s <= 8),
        sum(1 for s in nps if s <= 6),
    ]


def test_weekly_trend_adds_up_and_marks_the_look_back_week_provisional(
    org: Any,
) -> None:
    at = open_app()
    at.button_group(key="by").set_value("week").run()

    data = chart_data(at, 2)

    # Weeks start on Monday: 19 Oct (holding 22 Oct) to 16 Nov (holding 20 Nov).
    mondays = [datetime(2026, 10, 19) + timedelta(weeks=w) for w in range(5)]
    assert pd.to_datetime(data["period"]).dt.tz_localize(None).tolist() == mondays
    assert data["n"].sum() == len(finished(truth(org, LAST_30_DAYS)))
    # The store was filled with the clock at 20 Nov 12:00 and a 7-day look-back:
    # surveys from 13 Nov on may still be answered.
    assert data["state"].tolist() == ["final"] * 3 + ["provisional"] * 2
    # 22 Oct is a Thursday and 20 Nov a Friday: both end weeks are cut short.
    assert data["label"].tolist() == [
        "22 Oct - 25 Oct (partial)",
        "26 Oct - 1 Nov",
        "2 Nov - 8 Nov",
        "9 Nov - 15 Nov",
        "16 Nov - 20 Nov (partial)",
    ]


def test_daily_trend_points_are_final_before_the_look_back_period() -> None:
    data = chart_data(open_app(), 2)

    days = pd.to_datetime(data["period"]).dt.date
    assert days.tolist()[0] == date(2026, 10, 22)
    assert len(days) == 30
    provisional = days[data["state"] == "provisional"]
    assert provisional.min() == date(2026, 11, 13)


def test_a_filter_changes_every_tile(org: Any) -> None:
    at = open_app()
    at.multiselect(key="direction").select("outbound").run()

    rows = [
        r
        for r in truth(org, LAST_30_DAYS)
        if org.conversation(r["conversation_id"]).direction == "outbound"
    ]
    assert tile_values(at) == expected_tiles(rows)


def test_days_follow_the_chosen_time_zone(org: Any) -> None:
    at = open_app()
    at.selectbox(key="tz").select("Pacific/Auckland").run()

    # 20 Nov 12:00 UTC is 21 Nov 01:00 in Auckland.
    days = (date(2026, 10, 23), date(2026, 11, 21))
    assert "23 Oct 2026 - 21 Nov 2026 (Pacific/Auckland)" in [
        c.value for c in at.sidebar.caption
    ]
    assert tile_values(at) == expected_tiles(truth(org, days, "Pacific/Auckland"))


def test_completion_anchor_counts_surveys_on_the_day_they_were_completed(
    org: Any,
) -> None:
    at = open_app()
    at.radio(key="anchor").set_value("completion").run()

    wider = truth(org, (LAST_30_DAYS[0] - timedelta(days=7), LAST_30_DAYS[1]))
    rows = [r for r in wider if completion_day(r) is not None]
    rows = [r for r in rows if LAST_30_DAYS[0] <= completion_day(r) <= LAST_30_DAYS[1]]
    assert tile_values(at) == expected_tiles(rows)


def completion_day(row: Row) -> date | None:
    """The completion anchor: finished surveys by completion, others by start."""
    when = row["survey_completed"] if row["survey_status"] == "Finished" else None
    when = when or row["conversation_start"]
    return when.date() if isinstance(when, datetime) else None


def test_a_form_without_nps_says_so_instead_of_an_empty_chart() -> None:
    at = open_app()
    forms = at.selectbox(key="form")
    website = next(
        i for i, label in enumerate(forms.options) if label.startswith("Website")
    )
    forms.select_index(website).run()

    assert "This form has no NPS question." in [i.value for i in at.info]
    assert len(at.get("vega_lite_chart")) == 2  # the distribution and the trend


def test_no_change_is_shown_against_a_period_before_the_data_begins(
    org: Any,
) -> None:
    # The demo org's data starts 90 days before its clock: on 22 Aug at noon.
    days = (date(2026, 8, 22), date(2026, 8, 23))
    assert not truth(org, (date(2026, 8, 20), date(2026, 8, 21)))

    at = open_app(query={"range": "Custom", "dates": [d.isoformat() for d in days]})  # type: ignore[dict-item]

    assert tile_values(at) == expected_tiles(truth(org, days))
    assert not any(m.delta for m in at.metric[:5])
    assert any(
        "No surveys in the previous period (20 Aug 2026 - 21 Aug 2026)" in c.value
        for c in at.caption
    )
