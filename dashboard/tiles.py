"""The Overview's figure tiles: built from two summaries, drawn by one renderer.

A change against the previous period is always shown, but called out (coloured)
only when the two 95 % intervals do not overlap (docs/metrics.md); otherwise it
is grey and labelled as within the noise.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import streamlit as st

from csat.dataset import Source
from csat.metrics import FORMULAS, Formula, Summary, changed

RESPONSES = Formula(
    "Responses",
    "Surveys with status Finished in the period, partial responses included. "
    "Sent, in-progress, expired, opted-out and failed surveys are counted on the "
    "Data health page, never here.",
)
MISSING = "\u2013"  # an en dash: no figure to show
NOT_CALLED_OUT = "vs previous period: within the noise"
CALLED_OUT = "vs previous period: a clear change"


@dataclass(frozen=True)
class Tile:
    """One figure as shown: text already formatted, the change already judged."""

    label: str
    value: str
    detail: str
    formula: Formula
    delta: str | None = None
    called_out: bool = False
    judged: bool = True  # False: a count, whose change has no interval to judge


EVALUATION_RESPONSES = Formula(
    "Responses",
    "Evaluations with status Finished in the period. Pending and in-progress "
    "evaluations are counted on the Data health page, never here.",
)


@dataclass(frozen=True)
class Words:
    """How the pages name what was counted: surveys, or evaluations."""

    finished: str = "finished surveys"
    sent: str = "sent"
    responses: Formula = RESPONSES
    items: str = "surveys"
    comments: str = "comments"


WORDS: dict[Source, Words] = {
    "survey": Words(),
    "evaluation": Words(
        "finished evaluations",
        "started",
        EVALUATION_RESPONSES,
        "evaluations",
        "evaluator comments",
    ),
}


def build_tiles(
    current: Summary, previous: Summary | None, source: Source = "survey"
) -> list[Tile]:
    """The five Overview tiles, each with its change against `previous`."""
    words = WORDS[source]
    return [
        _responses_tile(current, previous, words),
        _csat_tile(current, previous),
        _mean_tile(current, previous),
        _nps_tile(current, previous),
        _rate_tile(current, previous, words),
    ]


def render_tiles(tiles: Sequence[Tile]) -> None:
    """Draw `tiles` side by side."""
    for column, tile in zip(st.columns(len(tiles)), tiles, strict=True):
        with column:
            render_tile(tile)


def render_tile(tile: Tile) -> None:
    """One bordered tile: the figure, its change, its count and its formula."""
    with st.container(border=True, height="stretch"):
        st.metric(
            tile.label,
            tile.value,
            delta=tile.delta,
            delta_color="normal" if tile.called_out else "off",
            help=f"{CALLED_OUT}: the 95 % intervals of the two periods do not "
            "overlap. Otherwise the change is shown grey.",
        )
        st.caption(tile.detail)
        judgement = _judgement(tile)
        if judgement:
            st.caption(judgement)
        with st.popover("Formula", type="tertiary", icon=":material/function:"):
            st.markdown(f"**{tile.formula.name}**")
            st.write(tile.formula.text)


def _judgement(tile: Tile) -> str | None:
    if tile.delta is None or not tile.judged:
        return None
    return CALLED_OUT if tile.called_out else NOT_CALLED_OUT


def _responses_tile(current: Summary, previous: Summary | None, words: Words) -> Tile:
    delta = (
        None if previous is None else f"{current.responses - previous.responses:+,d}"
    )
    return Tile(
        "Responses",
        f"{current.responses:,d}",
        words.finished,
        words.responses,
        delta,
        judged=False,
    )


def _csat_tile(current: Summary, previous: Summary | None) -> Tile:
    csat = current.csat
    before = None if previous is None else previous.csat
    return Tile(
        "CSAT %",
        percent(csat.value),
        f"n = {csat.n:,d} · {interval(csat.low, csat.high, percent)}",
        FORMULAS["csat"],
        None if before is None else points(csat.value, before.value),
        before is not None and changed(csat, before),
    )


def _mean_tile(current: Summary, previous: Summary | None) -> Tile:
    mean = current.mean
    before = None if previous is None else previous.mean
    value = MISSING if mean.value is None else f"{mean.value:.2f} / {mean.scale_max}"
    return Tile(
        "Mean score",
        value,
        f"n = {mean.n:,d} · {interval(mean.low, mean.high, two_places)}",
        FORMULAS["mean"],
        None if before is None else difference(mean.value, before.value, 2),
        before is not None and apart(mean.low, mean.high, before.low, before.high),
    )


def _nps_tile(current: Summary, previous: Summary | None) -> Tile:
    nps = current.nps
    before = None if previous is None else previous.nps
    return Tile(
        "NPS",
        MISSING if nps.value is None else f"{nps.value:.1f}",
        f"n = {nps.n:,d} · {interval(nps.low, nps.high, one_place)}",
        FORMULAS["nps"],
        None if before is None else difference(nps.value, before.value, 1),
        before is not None and apart(nps.low, nps.high, before.low, before.high),
    )


def _rate_tile(current: Summary, previous: Summary | None, words: Words) -> Tile:
    rate = current.response_rate
    before = None if previous is None else previous.response_rate
    return Tile(
        "Response rate",
        percent(rate.value),
        f"{rate.successes:,d} of {rate.n:,d} {words.sent} · "
        f"{interval(rate.low, rate.high, percent)}",
        FORMULAS["response_rate"],
        None if before is None else points(rate.value, before.value),
        before is not None and changed(rate, before),
    )


def apart(
    low: float | None,
    high: float | None,
    low_before: float | None,
    high_before: float | None,
) -> bool:
    """True when both intervals exist and do not overlap."""
    if low is None or high is None or low_before is None or high_before is None:
        return False
    return low > high_before or high < low_before


def percent(share: float | None) -> str:
    """A 0..1 share as "81.3 %"; a dash when there is nothing to divide."""
    return MISSING if share is None else f"{100 * share:.1f} %"


def one_place(value: float | None) -> str:
    return MISSING if value is None else f"{value:.1f}"


def two_places(value: float | None) -> str:
    return MISSING if value is None else f"{value:.2f}"


Formatter = Callable[[float | None], str]


def interval(low: float | None, high: float | None, fmt: Formatter) -> str:
    """ "95 % interval 78.0 % to 84.1 %", or a note that there is none."""
    if low is None or high is None:
        return "no interval"
    return f"95 % interval {fmt(low)} to {fmt(high)}"


def points(value: float | None, before: float | None) -> str | None:
    """The change of a share in percentage points."""
    if value is None or before is None:
        return None
    return f"{100 * (value - before):+.1f} pts"


def difference(value: float | None, before: float | None, places: int) -> str | None:
    if value is None or before is None:
        return None
    return f"{value - before:+.{places}f}"
