"""Figures with their targets, printed as a table and as one JSON line each.

A benchmark returns one `BenchResult`: its figures (each with a target and a
comparison, so PASS or MISS is decided here and nowhere else), the settings it
ran with and any facts worth keeping beside the figures (counts, timings).
"""

from __future__ import annotations

import json
import math
import operator
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

Comparison = Literal["<=", "<", ">=", ">", "=="]

_COMPARE: dict[Comparison, Callable[[float, float], bool]] = {
    "<=": operator.le,
    "<": operator.lt,
    ">=": operator.ge,
    ">": operator.gt,
    "==": operator.eq,
}


@dataclass(frozen=True)
class Figure:
    """One measured value and the target it is held to.

    A figure without a target (`target is None`) is reported for information and
    is neither PASS nor MISS.
    """

    name: str
    value: float
    unit: str = ""
    target: float | None = None
    compare: Comparison = "<="

    @property
    def status(self) -> str:
        if self.target is None:
            return "INFO"
        if math.isnan(self.value):
            return "MISS"
        return "PASS" if _COMPARE[self.compare](self.value, self.target) else "MISS"

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "value": _plain(self.value),
            "unit": self.unit,
            "target": self.target,
            "compare": self.compare,
            "status": self.status,
        }


@dataclass
class BenchResult:
    """What one benchmark measured."""

    key: str  # stable identifier, e.g. "requests_vs_minimum"
    title: str
    figures: list[Figure] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict)
    facts: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0
    error: str | None = None

    def add(self, figure: Figure) -> Figure:
        self.figures.append(figure)
        return figure

    @property
    def passed(self) -> bool:
        return self.error is None and all(f.status != "MISS" for f in self.figures)

    def as_dict(self) -> dict[str, Any]:
        return {
            "benchmark": self.key,
            "title": self.title,
            "figures": [figure.as_dict() for figure in self.figures],
            "settings": _plain(self.settings),
            "facts": _plain(self.facts),
            "seconds": round(self.seconds, 2),
            "error": self.error,
        }

    def json_line(self) -> str:
        return json.dumps(self.as_dict(), sort_keys=False)


def format_table(result: BenchResult) -> str:
    """The figures of one benchmark as an aligned text table."""
    header = ("figure", "value", "target", "status")
    rows = [
        (
            f.name,
            _number(f.value, f.unit),
            "" if f.target is None else f"{f.compare} {_number(f.target, f.unit)}",
            f.status,
        )
        for f in result.figures
    ]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = [f"== {result.title} ({result.seconds:.1f} s)"]
    for row in [header, *rows]:
        lines.append(
            "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True))
        )
    if result.error:
        lines.append(f"ERROR: {result.error}")
    return "\n".join(lines)


def markdown_tables(payload: Iterable[dict[str, Any]]) -> str:
    """The figures of saved results (`write_artifact`'s JSON) as Markdown tables,
    for `docs/performance.md`: `python -m bench.report artifacts/bench.json`."""
    blocks = []
    for result in payload:
        lines = [
            f"### {result['title']}",
            "",
            "| figure | value | target | status |",
            "|---|---|---|---|",
        ]
        for f in result["figures"]:
            value = math.nan if f["value"] is None else f["value"]
            target = (
                ""
                if f["target"] is None
                else f"{f['compare']} {_number(f['target'], f['unit'])}"
            )
            lines.append(
                f"| {f['name']} | {_number(value, f['unit'])} | {target} "
                f"| {f['status']} |"
            )
        if result.get("error"):
            lines.append(f"\nError: {result['error']}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def write_artifact(results: Iterable[BenchResult], path: Path) -> None:
    """All results as one JSON document (a list, in the order they ran)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = [result.as_dict() for result in results]
    path.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")


def ratio(numerator: float, denominator: float) -> float:
    """`numerator / denominator`, NaN when the denominator is zero."""
    return numerator / denominator if denominator else math.nan


def _number(value: float, unit: str) -> str:
    if isinstance(value, float) and math.isnan(value):
        text = "n/a"
    elif float(value).is_integer() and abs(value) >= 1:
        text = f"{int(value):,d}"
    elif abs(value) >= 100:
        text = f"{value:,.1f}"
    else:
        text = f"{value:.3f}"
    return f"{text} {unit}".strip()


def _plain(value: Any) -> Any:
    """JSON-safe copies: NaN becomes null, tuples lists, other objects text."""
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else round(value, 6)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)


if __name__ == "__main__":
    import sys

    for name in sys.argv[1:]:
        print(markdown_tables(json.loads(Path(name).read_text(encoding="utf-8"))))
