"""Filter parsing and evaluation, without a server."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from genesys_sim.filters import (
    FilterError,
    any_row_matches,
    matches,
    parse_filter,
    parse_filters,
)

DIMENSIONS = {"surveyStatus", "score", "partial", "when", "divisionId", "queueId"}
ROW: dict[str, object] = {
    "surveyStatus": "Finished",
    "score": 9,
    "partial": False,
    "when": datetime(2026, 11, 18, 10, 30, tzinfo=UTC),
    "divisionId": ["d1", "d2"],
    "queueId": "q1",
}


def _one(**predicate: Any) -> dict[str, Any]:
    return {"type": "and", "predicates": [predicate]}


def _check(raw: dict[str, Any], row: dict[str, object] = ROW) -> bool:
    return matches(parse_filter(raw, "surveyFilters", DIMENSIONS), row)


@pytest.mark.parametrize(
    ("predicate", "expected"),
    [
        ({"dimension": "surveyStatus", "value": "finished"}, True),
        ({"dimension": "queueId", "value": "Q1"}, False),
        ({"dimension": "score", "value": "9"}, True),
        ({"dimension": "score", "value": "nine"}, False),
        ({"dimension": "partial", "value": "false"}, True),
        ({"dimension": "partial", "value": False}, True),
        ({"dimension": "divisionId", "value": "d2"}, True),
        ({"dimension": "when", "value": "2026-11-18T10:30:00.000Z"}, True),
        (
            {"dimension": "when", "value": "2026-11-18T10:00:00Z/2026-11-18T11:00:00Z"},
            True,
        ),
        (
            {"dimension": "when", "value": "2026-11-18T10:31:00Z/2026-11-18T11:00:00Z"},
            False,
        ),
    ],
    ids=[
        "status-any-case",
        "ids-exact-case",
        "number-as-text",
        "number-not-a-number",
        "bool-as-text",
        "bool-as-json",
        "list-any-element",
        "instant",
        "interval-inside",
        "interval-outside",
    ],
)
def test_matches(predicate: dict[str, Any], expected: bool) -> None:
    assert _check(_one(**predicate)) is expected


@pytest.mark.parametrize(
    ("bounds", "expected"),
    [
        ({"gte": 9}, True),
        ({"gt": 9}, False),
        ({"gte": 7, "lte": 8}, False),
        ({"lt": 10}, True),
    ],
)
def test_numeric_ranges(bounds: dict[str, float], expected: bool) -> None:
    assert _check(_one(dimension="score", range=bounds)) is expected


def test_datetime_ranges_take_iso_text_or_epoch_milliseconds() -> None:
    moment_ms = ROW["when"].timestamp() * 1000  # type: ignore[union-attr]
    assert _check(_one(dimension="when", range={"gte": "2026-11-18T10:30:00Z"}))
    assert not _check(_one(dimension="when", range={"gt": "2026-11-18T10:30:00Z"}))
    assert _check(_one(dimension="when", range={"gte": moment_ms, "lt": moment_ms + 1}))


def test_exists_and_not_exists() -> None:
    assert _check(_one(dimension="queueId", operator="exists"))
    assert not _check(_one(dimension="queueId", operator="notExists"))
    assert _check(_one(dimension="queueId", operator="notExists"), {"queueId": None})


def test_no_rows_are_seen_as_one_empty_row() -> None:
    absent = parse_filter(
        _one(dimension="queueId", operator="notExists"), "f", DIMENSIONS
    )
    present = parse_filter(
        _one(dimension="queueId", operator="exists"), "f", DIMENSIONS
    )
    assert any_row_matches(absent, [])
    assert not any_row_matches(present, [])


def test_any_row_must_satisfy_the_whole_filter() -> None:
    both = {
        "type": "and",
        "predicates": [
            {"dimension": "queueId", "value": "q1"},
            {"dimension": "surveyStatus", "value": "Expired"},
        ],
    }
    rows = [
        {"queueId": "q1", "surveyStatus": "Finished"},
        {"queueId": "q2", "surveyStatus": "Expired"},
    ]
    flt = parse_filter(both, "f", DIMENSIONS)
    assert not any_row_matches(flt, rows)
    assert any_row_matches(flt, [*rows, {"queueId": "q1", "surveyStatus": "expired"}])


def test_or_and_clauses() -> None:
    raw = {
        "type": "or",
        "predicates": [{"dimension": "queueId", "value": "q9"}],
        "clauses": [
            {
                "type": "and",
                "predicates": [
                    {"dimension": "score", "range": {"gte": 9}},
                    {"dimension": "partial", "value": "false"},
                ],
            }
        ],
    }
    assert _check(raw)
    assert not _check(raw, {**ROW, "score": 3})


@pytest.mark.parametrize(
    "raw",
    [
        {"type": "xor", "predicates": [{"dimension": "queueId", "value": "q"}]},
        {"type": "and", "predicates": [{"dimension": "agent", "value": "q"}]},
        {
            "type": "and",
            "predicates": [{"dimension": "queueId", "operator": "like", "value": "q"}],
        },
        {"type": "and", "predicates": [{"dimension": "queueId"}]},
        {"type": "and", "predicates": [{"dimension": "score", "range": {}}]},
        {
            "type": "and",
            "predicates": [{"dimension": "score", "range": {"gt": "soon"}}],
        },
        {"type": "and", "predicates": [{"property": "x", "value": "y"}]},
        {"type": "and"},
        {"type": "and", "predicates": "queueId"},
        "surveyStatus",
    ],
    ids=[
        "type",
        "dimension",
        "operator",
        "no-value",
        "empty-range",
        "bad-bound",
        "property",
        "empty",
        "predicates-not-list",
        "not-an-object",
    ],
)
def test_unreadable_filters_are_refused(raw: object) -> None:
    with pytest.raises(FilterError):
        parse_filter(raw, "surveyFilters", DIMENSIONS)


def test_clauses_nest_at_most_two_levels() -> None:
    leaf = {"type": "and", "predicates": [{"dimension": "queueId", "value": "q1"}]}
    two = {"type": "and", "clauses": [{"type": "and", "clauses": [leaf]}]}
    three = {"type": "and", "clauses": [two]}
    assert _check(two)
    with pytest.raises(FilterError):
        parse_filter(three, "f", DIMENSIONS)


def test_filter_lists() -> None:
    assert parse_filters(None, "surveyFilters", DIMENSIONS) == []
    assert (
        len(parse_filters([_one(dimension="queueId", value="q")], "f", DIMENSIONS)) == 1
    )
    with pytest.raises(FilterError):
        parse_filters({"type": "and"}, "surveyFilters", DIMENSIONS)
