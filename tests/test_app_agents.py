"""Agents and queues page on the demo org: tables, ranking, drill-down."""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any

import pytest
import test_app_harness as harness
from streamlit.testing.v1 import AppTest
from test_app_harness import LAST_30_DAYS, Row, finished, open_app, truth

app_store, demo_env, org = harness.app_store, harness.demo_env, harness.org
pytestmark = [
    pytest.mark.slow,
    pytest.mark.xdist_group("dashboard"),
    pytest.mark.usefixtures("demo_env"),
]
MINIMUM = 10


def by_agent(org: Any, rows: list[Row]) -> dict[str, list[Row]]:
    """Finished responses per credited agent name."""
    names = {user["id"]: user["name"] for user in org.users}
    groups: dict[str, list[Row]] = defaultdict(list)
    for row in finished(rows):
        groups[names[row["agent_id"]]].append(row)
    return groups


def wilson_low(successes: int, n: int, z: float = 1.96) -> float:
    """Lower bound of the 95 % Wilson score interval (Wilson, 1927)."""
    p = successes / n
    centre = p + z * z / (2 * n)
    spread = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return (centre - spread) / (1 + z * z / n)


def csat_figures(rows: list[Row]) -> tuple[int, int]:
    scored = [r for r in rows if r["csat_score"] is not None]
    top = [r for r in scored if r["csat_score"] >= r["csat_scale_max"] - 1]
    return len(top), len(scored)


def agents_page() -> AppTest:
    return open_app("agents_and_queues")


def test_agents_with_enough_responses_are_ranked_by_the_interval_low(
    org: Any,
) -> None:
    groups = by_agent(org, truth(org, LAST_30_DAYS))
    ranked = {n: rows for n, rows in groups.items() if len(rows) >= MINIMUM}

    table = agents_page().dataframe[0].value

    assert sorted(table["Name"]) == sorted(ranked)
    for _, line in table.iterrows():
        top, scored = csat_figures(ranked[line["Name"]])
        assert line["Responses"] == len(ranked[line["Name"]])
        assert line["CSAT %"] == pytest.approx(100 * top / scored)
        assert line["CSAT % low"] == pytest.approx(100 * wilson_low(top, scored))
    lows = table["CSAT % low"].tolist()
    assert lows == sorted(lows, reverse=True)
    assert table["Rank"].tolist()[0] == 1


def test_agents_below_the_minimum_are_shown_apart_without_a_rank(org: Any) -> None:
    groups = by_agent(org, truth(org, LAST_30_DAYS))
    few = {n: len(rows) for n, rows in groups.items() if len(rows) < MINIMUM}

    at = agents_page()

    below = at.dataframe[1].value
    assert "Rank" not in below.columns
    assert dict(zip(below["Name"], below["Responses"], strict=True)) == few
    label = f"{len(few)} agents below 10 responses (not ranked)"
    assert label in [e.label for e in at.expander]


def test_a_lower_minimum_ranks_more_agents(org: Any) -> None:
    groups = by_agent(org, truth(org, LAST_30_DAYS))

    at = agents_page()
    at.number_input(key="min").set_value(2).run()

    ranked = at.dataframe[0].value
    assert len(ranked) == sum(1 for rows in groups.values() if len(rows) >= 2)


def test_queue_table_counts_detractors_per_credited_queue(org: Any) -> None:
    names = {queue["id"]: queue["name"] for queue in org.queues}
    detractors: dict[str, int] = defaultdict(int)
    for row in finished(truth(org, LAST_30_DAYS)):
        score = row["nps_score"]
        detractors[names[row["queue_id"]]] += score is not None and score <= 6

    queues = agents_page().dataframe[2].value

    assert dict(zip(queues["Name"], queues["Detractors"], strict=True)) == detractors


def test_choosing_an_agent_opens_their_interactions(org: Any) -> None:
    at = agents_page()
    name = at.dataframe[0].value["Name"].iloc[2]

    at.session_state["agent_ranked_table"] = {
        "selection": {"rows": [2], "columns": [], "cells": []}
    }
    at.run()

    assert at.title[0].value == "Interactions"
    assert at.multiselect(key="agent").value == [name]
    shown = at.dataframe[0].value
    expected = by_agent(org, truth(org, LAST_30_DAYS))[name]
    assert sorted(shown["Survey ID"]) == sorted(r["survey_id"] for r in expected)

    # Back on the tables, the filter the drill-down set is named, not hidden.
    at.switch_page("pages/agents_and_queues.py").run()
    assert at.dataframe[0].value["Name"].tolist() == [name]
    assert any(f"Agent ({name}) filter" in i.value for i in at.info)


def test_a_link_with_a_minimum_that_is_no_number_says_so() -> None:
    at = open_app("agents_and_queues", query={"min": "abc"})

    assert at.number_input(key="min").value == 10
    warnings = [w.value for w in at.warning]
    assert any("min = abc" in w and "10 is shown instead" in w for w in warnings)
