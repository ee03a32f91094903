"""Analytics filters: parsed once per query, then evaluated against rows.

A filter is `{"type": "and"|"or", "predicates": [...], "clauses": [...]}` and a
predicate names a `dimension` (or a `metric`), an `operator` (`matches` by default,
`exists`, `notExists`) and a `value` or a `range` (`gt`, `gte`, `lt`, `lte`).
Reference: genesys-api.md section 7.

A row is a mapping from dimension to value: `str`, `int`, `float`, `bool`,
`datetime` or a list of strings (any element may match). Choices made where the
reference is silent, so that clients see one consistent rule:

* a filter is satisfied by one row at a time: `surveyFormContextId = X and
  surveyStatus = Finished` needs one survey that is both;
* against an entity with no rows (a conversation without surveys) the filter sees
  one empty row, so `surveyId notExists` matches it and `exists` does not;
* `surveyStatus` and `evaluationStatus` compare case-insensitively;
* on a datetime dimension a `value` may be an instant or a `start/end` interval,
  and `range` bounds may be ISO-8601 strings or epoch milliseconds.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from genesys_sim.intervals import IntervalError, parse_instant, parse_interval

Row = Mapping[str, object]
Bound = float | datetime

OPERATORS = frozenset({"matches", "exists", "notExists"})
CASE_INSENSITIVE = frozenset({"surveyStatus", "evaluationStatus"})
MAX_DEPTH = 2


class FilterError(ValueError):
    """A filter the simulator cannot read; answered with a 400."""


@dataclass(frozen=True)
class Range:
    """Bounds of a `range` predicate; absent bounds are None."""

    gt: Bound | None = None
    gte: Bound | None = None
    lt: Bound | None = None
    lte: Bound | None = None


@dataclass(frozen=True)
class Predicate:
    """One test on one dimension of a row."""

    dimension: str
    operator: str = "matches"
    value: str | None = None
    range: Range | None = None


@dataclass(frozen=True)
class Filter:
    """Predicates and clauses joined by `and` or `or`."""

    type: str
    predicates: tuple[Predicate, ...]
    clauses: tuple[Filter, ...] = ()


def parse_filters(raw: object, field: str, dimensions: Collection[str]) -> list[Filter]:
    """A list of filters (e.g. `surveyFilters`); absent or null means none."""
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise FilterError(f"{field} must be a list of filters")
    return [parse_filter(item, field, dimensions) for item in raw]


def parse_filter(
    raw: object, field: str, dimensions: Collection[str], depth: int = 0
) -> Filter:
    """One filter or clause, checked against the dimensions its kind allows."""
    if not isinstance(raw, Mapping):
        raise FilterError(f"Each entry of {field} must be an object")
    kind = raw.get("type", "and")
    if kind not in ("and", "or"):
        raise FilterError(f"Filter type must be 'and' or 'or', not {kind!r}")
    predicates = tuple(
        _parse_predicate(p, field, dimensions) for p in _items(raw, "predicates")
    )
    clauses = tuple(
        _parse_clause(c, field, dimensions, depth) for c in _items(raw, "clauses")
    )
    if not predicates and not clauses:
        raise FilterError(f"A filter of {field} needs predicates or clauses")
    return Filter(str(kind), predicates, clauses)


def matches(flt: Filter, row: Row) -> bool:
    """Whether one row satisfies the filter."""
    results = [predicate_matches(p, row) for p in flt.predicates]
    results += [matches(c, row) for c in flt.clauses]
    return all(results) if flt.type == "and" else any(results)


def any_row_matches(flt: Filter, rows: Sequence[Row]) -> bool:
    """Whether some row satisfies the filter (one empty row when there are none)."""
    return any(matches(flt, row) for row in (rows or [{}]))


def predicate_matches(predicate: Predicate, row: Row) -> bool:
    """One predicate against one row."""
    actual = row.get(predicate.dimension)
    present = actual is not None and actual != []
    if predicate.operator == "exists":
        return present
    if predicate.operator == "notExists":
        return not present
    if predicate.range is not None:
        return present and _in_range(actual, predicate.range)
    fold = predicate.dimension in CASE_INSENSITIVE
    return present and _equals(actual, predicate.value or "", fold)


def _items(raw: Mapping[str, object], key: str) -> list[object]:
    items = raw.get(key) or []
    if not isinstance(items, list):
        raise FilterError(f"{key} must be a list")
    return items


def _parse_clause(
    raw: object, field: str, dimensions: Collection[str], depth: int
) -> Filter:
    if depth + 1 > MAX_DEPTH:
        raise FilterError(f"Clauses of {field} nest at most {MAX_DEPTH} levels")
    return parse_filter(raw, field, dimensions, depth + 1)


def _parse_predicate(raw: object, field: str, dimensions: Collection[str]) -> Predicate:
    if not isinstance(raw, Mapping):
        raise FilterError(f"Each predicate of {field} must be an object")
    if raw.get("type") == "property" or "property" in raw:
        raise FilterError("Property predicates are not supported by this simulator")
    name = raw.get("dimension") or raw.get("metric")
    if not isinstance(name, str) or name not in dimensions:
        raise FilterError(f"Unsupported dimension for {field}: {name!r}")
    operator = raw.get("operator") or "matches"
    if operator not in OPERATORS:
        raise FilterError(f"Unsupported operator: {operator!r}")
    predicate = Predicate(
        name, str(operator), _value(raw.get("value")), _range(raw.get("range"))
    )
    if operator == "matches" and predicate.value is None and predicate.range is None:
        raise FilterError(f"Predicate on {name} needs a value or a range")
    return predicate


def _value(raw: object) -> str | None:
    if raw is None:
        return None
    if isinstance(raw, bool):
        return str(raw).lower()
    return str(raw)


def _range(raw: object) -> Range | None:
    if raw is None:
        return None
    if not isinstance(raw, Mapping):
        raise FilterError("A range must be an object with gt, gte, lt or lte")
    bounds = {key: _bound(raw.get(key)) for key in ("gt", "gte", "lt", "lte")}
    if all(bound is None for bound in bounds.values()):
        raise FilterError("A range needs at least one of gt, gte, lt, lte")
    return Range(**bounds)


def _bound(raw: object) -> Bound | None:
    if raw is None:
        return None
    if isinstance(raw, bool):
        raise FilterError("Range bounds must be numbers or ISO-8601 datetimes")
    if isinstance(raw, int | float):
        return float(raw)
    try:
        return parse_instant(str(raw))
    except IntervalError as exc:
        raise FilterError(str(exc)) from exc


def _equals(actual: object, expected: str, fold: bool) -> bool:
    if isinstance(actual, list | tuple | set | frozenset):
        return any(_equals(item, expected, fold) for item in actual)
    if isinstance(actual, bool):
        return expected.lower() == str(actual).lower()
    if isinstance(actual, int | float):
        return _number_equals(actual, expected)
    if isinstance(actual, datetime):
        return _instant_equals(actual, expected)
    if fold:
        return str(actual).casefold() == expected.casefold()
    return str(actual) == expected


def _number_equals(actual: float, expected: str) -> bool:
    try:
        return float(expected) == float(actual)
    except ValueError:
        return False


def _instant_equals(actual: datetime, expected: str) -> bool:
    try:
        if "/" in expected:
            interval = parse_interval(expected)
            return interval.start <= actual < interval.end
        return parse_instant(expected) == actual
    except IntervalError:
        return False


def _in_range(actual: object, bounds: Range) -> bool:
    if isinstance(actual, list | tuple | set | frozenset):
        return any(_in_range(item, bounds) for item in actual)
    value = _comparable(actual)
    if value is None:
        return False
    return (
        (bounds.gt is None or value > _as_number(bounds.gt))
        and (bounds.gte is None or value >= _as_number(bounds.gte))
        and (bounds.lt is None or value < _as_number(bounds.lt))
        and (bounds.lte is None or value <= _as_number(bounds.lte))
    )


def _comparable(actual: object) -> float | None:
    if isinstance(actual, bool):
        return None
    if isinstance(actual, int | float):
        return float(actual)
    if isinstance(actual, datetime):
        return actual.astimezone(UTC).timestamp() * 1000.0
    return None


def _as_number(bound: Bound) -> float:
    if isinstance(bound, datetime):
        return bound.timestamp() * 1000.0
    return bound
