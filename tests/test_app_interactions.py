"""Interactions page on the demo org: rows, filters, search and the detail view."""

from __future__ import annotations

import re
from typing import Any

import pandas as pd
import pytest
import test_app_harness as harness
from streamlit.testing.v1 import AppTest
from test_app_harness import LAST_30_DAYS, Row, finished, open_app, truth

from dashboard.detail import table_key

app_store, demo_env, org = harness.app_store, harness.demo_env, harness.org
pytestmark = [
    pytest.mark.slow,
    pytest.mark.xdist_group("dashboard"),
    pytest.mark.usefixtures("demo_env"),
]


def interactions_page() -> AppTest:
    return open_app("interactions")


def scores(rows: list[Row]) -> dict[str, tuple[int | None, int | None]]:
    return {r["survey_id"]: (r["csat_score"], r["nps_score"]) for r in rows}


def shown_scores(at: AppTest) -> dict[str, tuple[int | None, int | None]]:
    table = at.dataframe[0].value
    return {
        line["Survey ID"]: (_int(line["CSAT"]), _int(line["NPS"]))
        for _, line in table.iterrows()
    }


def _int(value: Any) -> int | None:
    return None if pd.isna(value) else int(value)


def test_one_row_per_finished_survey_with_its_scores(org: Any) -> None:
    expected = finished(truth(org, LAST_30_DAYS))

    at = interactions_page()

    assert shown_scores(at) == scores(expected)
    assert f"{len(expected):,d} surveyed interactions" in at.caption[1].value


def test_rows_carry_agent_queue_and_media_of_the_credited_agent(org: Any) -> None:
    users = {u["id"]: u["name"] for u in org.users}
    queues = {q["id"]: q["name"] for q in org.queues}
    expected = {
        r["survey_id"]: (users[r["agent_id"]], queues[r["queue_id"]], r["media_type"])
        for r in finished(truth(org, LAST_30_DAYS))
    }

    table = interactions_page().dataframe[0].value

    shown = zip(
        table["Survey ID"], table["Agent"], table["Queue"], table["Media type"],
        strict=True,
    )  # fmt: skip
    assert {s: (a, q, m) for s, a, q, m in shown} == expected
    # The demo's simulator stands in for the web app, at the real link's path.
    links = zip(table["Link"], table["Conversation ID"], strict=True)
    assert all(
        re.fullmatch(
            rf"http://127\.0\.0\.1:\d+/directory/#/analytics/interactions/{c}/admin",
            link,
        )
        for link, c in links
    )


def test_score_filters_keep_matching_rows_only(org: Any) -> None:
    expected = [
        r
        for r in finished(truth(org, LAST_30_DAYS))
        if r["csat_score"] in (1, 2) and r["nps_score"] is not None
        and r["nps_score"] <= 6
    ]  # fmt: skip

    at = interactions_page()
    at.multiselect(key="csat").select("1").select("2")
    at.multiselect(key="nps").select("Detractor").run()

    assert shown_scores(at) == scores(expected)


def test_comment_search_ignores_case(org: Any) -> None:
    expected = [
        r
        for r in finished(truth(org, LAST_30_DAYS))
        if "billing" in f"{r['comment'] or ''} {r['nps_comment'] or ''}".casefold()
    ]

    at = interactions_page()
    at.text_input(key="q").input("BiLLing").run()

    assert expected
    assert shown_scores(at) == scores(expected)


def test_choosing_a_row_shows_its_answers_and_who_handled_it(org: Any) -> None:
    at = interactions_page()
    table = at.dataframe[0].value
    transferred = table.index[table["Transfers"] > 0][0]
    survey_id = table["Survey ID"].iloc[transferred]

    at.session_state[table_key(table)] = {
        "selection": {"rows": [int(transferred)], "columns": [], "cells": []}
    }
    at.run()

    row = next(r for r in truth(org, LAST_30_DAYS) if r["survey_id"] == survey_id)
    users = {u["id"]: u["name"] for u in org.users}
    agents = org.conversation(row["conversation_id"]).user_ids
    assert len(agents) > 1
    assert at.text[0].value == " → ".join(users[a] for a in agents)
    answers = at.dataframe[1].value
    satisfaction = answers.loc[answers["Question"].str.contains("satisf")]
    assert satisfaction["Answer"].iloc[0].endswith(f"({row['csat_score']})")


def test_a_chosen_row_never_turns_into_another_interaction(org: Any) -> None:
    at = interactions_page()
    table = at.dataframe[0].value
    chosen = int(table.index[table["CSAT"] == 5][0])
    at.session_state[table_key(table)] = {
        "selection": {"rows": [chosen], "columns": [], "cells": []}
    }
    at.run()
    survey_id = str(table["Survey ID"].iloc[chosen])
    assert any(c.value.startswith(f"Survey {survey_id} ") for c in at.caption)

    # Keep the low scores only: the chosen row is no longer listed.
    at.multiselect(key="csat").set_value([1, 2]).run()

    assert len(at.dataframe[0].value) < len(table)
    details = [c.value for c in at.caption if " on conversation " in c.value]
    assert all(c.startswith(f"Survey {survey_id} ") for c in details), details


def test_a_link_with_scores_that_are_no_choice_says_so() -> None:
    at = open_app("interactions", query={"csat": "9", "nps": "Weird"})

    warnings = [w.value for w in at.warning]
    assert any("csat = 9" in w and "left out" in w for w in warnings), warnings
    assert any("nps = Weird" in w and "left out" in w for w in warnings), warnings
