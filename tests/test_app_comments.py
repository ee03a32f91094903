"""Comments page on the demo org, and customer text kept as plain text."""

from __future__ import annotations

from typing import Any

import pytest
import test_app_harness as harness
from streamlit.testing.v1 import AppTest
from test_app_harness import LAST_30_DAYS, Row, finished, open_app, truth

app_store, demo_env, org = harness.app_store, harness.demo_env, harness.org
pytestmark = [
    pytest.mark.slow,
    pytest.mark.xdist_group("dashboard"),
]


def verbatim(row: Row) -> str:
    parts = [str(row[c] or "").strip() for c in ("comment", "nps_comment")]
    return "\n\n".join(p for p in parts if p)


def unhappy(row: Row) -> bool:
    """An NPS detractor, or a CSAT in the bottom two of the scale."""
    nps, csat = row["nps_score"], row["csat_score"]
    return (nps is not None and nps <= 6) or (
        csat is not None and csat <= row["csat_scale_min"] + 1
    )


def reading_order(row: Row) -> tuple[Any, ...]:
    missing = float("inf")
    return (
        not unhappy(row),
        missing if row["csat_score"] is None else row["csat_score"],
        missing if row["nps_score"] is None else row["nps_score"],
        -row["conversation_start"].timestamp(),
    )


@pytest.mark.usefixtures("demo_env")
def test_every_comment_is_listed_unhappy_customers_first(org: Any) -> None:
    commented = [r for r in finished(truth(org, LAST_30_DAYS)) if verbatim(r)]
    expected = sorted(commented, key=reading_order)
    # Some unhappy customers skipped NPS: they still come before the happy ones.
    assert any(unhappy(r) and r["nps_score"] is None for r in commented)

    at = open_app("comments")

    assert at.caption[1].value.startswith(f"{len(commented):,d} comments")
    assert "unhappy customers first" in at.caption[1].value
    table = at.dataframe[0].value
    assert table["Survey ID"].tolist() == [r["survey_id"] for r in expected]
    assert at.text[0].value == verbatim(expected[0])


@pytest.mark.usefixtures("demo_env")
def test_search_narrows_the_comments(org: Any) -> None:
    commented = [r for r in finished(truth(org, LAST_30_DAYS)) if verbatim(r)]
    expected = [r["survey_id"] for r in commented if "wait" in verbatim(r).casefold()]

    at = open_app("comments")
    at.text_input(key="search").input("WAIT").run()

    assert expected
    assert sorted(at.dataframe[0].value["Survey ID"]) == sorted(expected)


HOSTILE = (
    "<script>alert('x')</script> **bold** [link](javascript:alert(1)) "
    ":red[alarm] $x^2$ =SUM(A1)"
)


def _cards_of_hostile_text(comment: str) -> None:
    import pandas as pd

    from dashboard.verbatims import render_comment_cards

    row = {
        "NPS": 0,
        "CSAT": 1,
        "Agent": "<b>Eve</b> *star*",
        "Queue": "[q](http://x)",
        "Local time": "2026-11-20 10:00",
        "Comment": comment,
    }
    render_comment_cards(pd.DataFrame([row]))


def test_customer_text_is_shown_as_plain_text() -> None:
    at = AppTest.from_function(_cards_of_hostile_text, args=(HOSTILE,)).run()

    assert not at.exception
    assert at.text[0].value == HOSTILE
    heading = at.caption[0].value
    assert "\\<b\\>Eve\\</b\\> \\*star\\*" in heading
    assert "\\[q\\]\\(http\\:" in heading
    assert not at.get("html")
