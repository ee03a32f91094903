"""Data health page on the demo org: what is left out, and why."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
import test_app_harness as harness
from test_app_harness import LAST_30_DAYS, finished, open_app, truth

app_store, demo_env, org = harness.app_store, harness.demo_env, harness.org
pytestmark = [
    pytest.mark.slow,
    pytest.mark.xdist_group("dashboard"),
    pytest.mark.usefixtures("demo_env"),
]


def test_surveys_left_out_are_counted_by_status(org: Any) -> None:
    rows = truth(org, LAST_30_DAYS)
    statuses = Counter(r["survey_status"] for r in rows)

    at = open_app("data_health")

    left_out = at.dataframe[0].value
    assert dict(zip(left_out["Left out"], left_out["Surveys"], strict=True)) == {
        "Sent, not answered yet": statuses["Sent"],
        "Started, not finished (in progress)": statuses["InProgress"],
        "Expired unanswered": statuses["Expired"],
        "Opted out": statuses["OptOut"],
        "Pending (not sent yet)": statuses["Pending"],
        "Failed to send (error)": statuses["Error"],
    }
    partial = sum(1 for r in finished(rows) if r["partial"])
    values = {m.label: m.value for m in at.metric}
    assert values["Partial responses"] == f"{partial:,d}"


def test_errors_are_listed_by_reason(org: Any) -> None:
    errors = Counter(
        r["error_reason"] or "unspecified"
        for r in truth(org, LAST_30_DAYS)
        if r["survey_status"] == "Error"
    )

    table = open_app("data_health").dataframe[1].value

    assert dict(zip(table["Error reason"], table["Surveys"], strict=True)) == errors


def test_the_form_and_the_provisional_days_are_named() -> None:
    at = open_app("data_health")

    facts = at.dataframe[2].value
    assert facts.set_index("")["Value"]["Form"] == "Post-contact CSAT"
    assert facts.set_index("")["Value"]["CSAT scale"] == "1, 2, 3, 4, 5"
    assert at.info[0].value.startswith("Provisional: 13 Nov 2026 - 20 Nov 2026.")


def test_the_cost_of_the_last_refresh_is_shown() -> None:
    from dashboard.demo import start_demo_org

    at = open_app("data_health")
    assert not any(c.value.startswith("Last Refresh") for c in at.caption)
    stats = start_demo_org(harness.AS_OF).server.stats
    before = stats.total

    at.button(key="refresh").click().run()

    caption = next(c.value for c in at.caption if c.value.startswith("Last Refresh"))
    shown = int(caption.split("): ")[1].split(" API requests")[0].replace(",", ""))
    # The refresh re-reads the look-back period; the page's own store read after
    # it asks the simulator for little more (a token, the names).
    served = stats.total - before
    assert 0 < shown <= served
    assert caption.startswith("Last Refresh (just now): ")
