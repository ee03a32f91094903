"""Row selection on the joined response frame: period, sidebar filters, search.

Pure functions of a frame; they never change the frame they are given.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime

import pandas as pd

from csat.trends import local_periods
from dashboard.state import Anchor, Filters, ViewState

FINISHED = "finished"
NPS_GROUPS: dict[str, tuple[int, int]] = {
    "Detractor": (0, 6),
    "Passive": (7, 8),
    "Promoter": (9, 10),
}
NO_SCORE = "No score"


def finished_mask(frame: pd.DataFrame) -> pd.Series:
    """True for surveys whose status is Finished, whatever its casing."""
    status = frame["survey_status"].astype("string").str.casefold()
    return (status == FINISHED).fillna(False).astype(bool)


def select_period(
    frame: pd.DataFrame, anchor: Anchor, tz: str, start: date, end: date
) -> pd.DataFrame:
    """Rows placed in `start`..`end` (local dates in `tz`) by the time anchor.

    With the completion anchor a finished survey counts on the day it was
    completed; a survey that was never completed has no such day and stays on
    its interaction's day, so the response rate still sees it.
    """
    days = local_periods(anchor_times(frame, anchor), tz, "day").dt.date
    keep: pd.Series = ((days >= start) & (days <= end)).fillna(False).astype(bool)
    return _kept(frame, keep)


def select_before(
    frame: pd.DataFrame, anchor: Anchor, cutoff: datetime
) -> pd.DataFrame:
    """Rows the time anchor places before the instant `cutoff`."""
    when = pd.to_datetime(anchor_times(frame, anchor), utc=True)
    keep = (when < pd.Timestamp(cutoff)).fillna(False).astype(bool)
    return _kept(frame, keep)


def anchor_times(frame: pd.DataFrame, anchor: Anchor) -> pd.Series:
    """The instant that places each row in time (see `select_period`)."""
    when = frame["conversation_start"]
    if anchor == "completion":
        when = frame["survey_completed"].where(finished_mask(frame), when)
    return when


def apply_filters(frame: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """Rows matching every active sidebar filter (an empty filter keeps all)."""
    keep = pd.Series(True, index=frame.index)
    for column, values in filters.by_column().items():
        if values and column in frame.columns:
            keep &= frame[column].astype("string").isin(values).fillna(False)
    return _kept(frame, keep)


def _kept(frame: pd.DataFrame, keep: pd.Series) -> pd.DataFrame:
    """`frame.loc[keep]`, or `frame` itself (no copy of a month) when all are kept."""
    return frame if bool(keep.all()) else frame.loc[keep]


def filter_options(frame: pd.DataFrame, column: str) -> list[str]:
    """The distinct non-empty values of `column`, sorted case-insensitively."""
    if column not in frame.columns:
        return []
    values = frame[column].dropna().unique()
    return sorted({str(v) for v in values if str(v)}, key=str.casefold)


def search_text(
    frame: pd.DataFrame, query: str, columns: Sequence[str]
) -> pd.DataFrame:
    """Rows where any of `columns` contains `query`, literally and ignoring case."""
    needle = query.strip().casefold()
    if not needle:
        return frame
    keep = pd.Series(False, index=frame.index)
    for column in columns:
        text = frame[column].astype("string").str.casefold()
        keep |= text.str.contains(needle, regex=False).fillna(False).astype(bool)
    return frame.loc[keep]


def filter_scores(
    frame: pd.DataFrame, csat_values: Iterable[int | str], nps_groups: Iterable[str]
) -> pd.DataFrame:
    """Rows whose CSAT score is one of `csat_values` and NPS in one of the groups.

    `NO_SCORE` among the CSAT values keeps rows without a CSAT score.
    """
    keep = pd.Series(True, index=frame.index)
    wanted = list(csat_values)
    if wanted:
        keep &= _csat_matches(frame["csat_score"], wanted)
    groups = [NPS_GROUPS[g] for g in nps_groups if g in NPS_GROUPS]
    if groups:
        keep &= _nps_matches(frame["nps_score"], groups)
    return frame.loc[keep]


def _csat_matches(scores: pd.Series, wanted: list[int | str]) -> pd.Series:
    values = {int(v) for v in wanted if v != NO_SCORE}
    keep = scores.isin(values).fillna(False).astype(bool)
    if NO_SCORE in wanted:
        keep |= scores.isna()
    return keep


def _nps_matches(scores: pd.Series, groups: list[tuple[int, int]]) -> pd.Series:
    keep = pd.Series(False, index=scores.index)
    for low, high in groups:
        keep |= scores.between(low, high).fillna(False).astype(bool)
    return keep


def rows_in_view(
    frame: pd.DataFrame,
    view: ViewState,
    start: date | None = None,
    end: date | None = None,
) -> pd.DataFrame:
    """The rows a page shows: in the view's period (or `start`..`end`), filtered."""
    first = view.start if start is None else start
    last = view.end if end is None else end
    rows = select_period(frame, view.anchor, view.tz, first, last)
    return apply_filters(rows, view.filters)
