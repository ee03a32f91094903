"""Figures broken down: per agent or queue, per local day or week.

Each breakdown sums the per-row tally of `csat.metrics` by group and derives
the figures from the sums, so a group's CSAT % is computed exactly as the
overall one. Timestamps are stored in UTC; a period is a calendar day, or a
week starting on Monday, in the chosen IANA zone: timestamps are converted to
the zone before they are grouped by local date, so a daylight-saving day holds
23 or 25 hours.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pandas as pd

from csat.errors import DateRangeError, InputError, TimeZoneError

if TYPE_CHECKING:
    from csat.metrics import Proportion

Anchor = Literal["interaction", "completion"]
Freq = Literal["day", "week"]

ANCHOR_COLUMNS: dict[str, str] = {
    "interaction": "conversation_start",
    "completion": "survey_completed",
}
TREND_COLUMNS = [
    "period", "responses", "csat_n", "csat_pct", "csat_low", "csat_high",
    "mean", "nps_n", "nps", "nps_low", "nps_high",
]  # fmt: skip
_STEPS = {"day": "D", "week": "7D"}


def trend(
    frame: pd.DataFrame,
    *,
    anchor: Anchor,
    tz: str,
    freq: Freq,
    start: date | None = None,
    end: date | None = None,
) -> pd.DataFrame:
    """Figures per local day or week (`period`, a date; weeks start on Monday).

    The interaction anchor places a response at `conversation_start`, the
    completion anchor at `survey_completed`. Every period from `start` to `end`
    (default: the first and last period with data) is listed; one without
    responses has n = 0 and NaN figures, so a chart shows a gap. Shares are
    0..1, NPS -100..100.
    """
    if anchor not in ANCHOR_COLUMNS:
        raise InputError(f"unknown time anchor {anchor!r}")
    periods = local_periods(_anchor_times(frame, anchor), tz, freq)
    index = _period_index(periods, freq, start, end)
    sums = _sums_by(frame, periods.to_numpy(), dropna=True)
    table = _with_figures(sums.reindex(index, fill_value=0)).reset_index(drop=True)
    table.insert(0, "period", [stamp.date() for stamp in index])
    return table[TREND_COLUMNS]


def group_table(
    frame: pd.DataFrame, by: str, *, min_responses: int = 10
) -> pd.DataFrame:
    """One row per value of `by` with its figures, ranked by the CSAT lower bound.

    Shares (`csat_pct`, `csat_low`, `csat_high`, `response_rate`) are 0..1 and NPS
    -100..100. `ranked` marks rows with at least `min_responses` finished surveys
    and a CSAT figure; `rank` orders them by `csat_low`, highest first (ties
    share a rank), so a handful of perfect scores does not top the table.
    """
    name = _name_column(frame, by)
    keys = frame[by].to_numpy()
    table = _with_figures(_sums_by(frame, keys, dropna=False))
    table = table.rename_axis(by).reset_index()
    if name is not None:
        names = frame[name].groupby(keys, dropna=False, sort=True).first()
        table.insert(1, name, names.to_numpy())
    return _rank(table, by, min_responses)[_group_columns(by, name)]


def local_periods(times: pd.Series, tz: str, freq: Freq) -> pd.Series:
    """The local day (or Monday of the week) each UTC timestamp falls in.

    Returns naive timestamps at local midnight; NaT where the time is missing.
    """
    zone = _zone(tz)
    local = pd.to_datetime(times, utc=True).dt.tz_convert(zone)
    days = local.dt.tz_localize(None).dt.normalize()
    if freq == "day":
        return days
    if freq == "week":
        return days - pd.to_timedelta(days.dt.day_of_week, unit="D")
    raise InputError(f"unknown period {freq!r}: use 'day' or 'week'")


def previous_period(start: date, end: date) -> tuple[date, date]:
    """The range of the same length that ends the day before `start`."""
    if end < start:
        raise DateRangeError(f"the range {start} to {end} is reversed")
    length = timedelta(days=(end - start).days + 1)
    return start - length, start - timedelta(days=1)


def changed(current: Proportion, previous: Proportion) -> bool:
    """True only when both intervals exist and do not overlap (metrics.md)."""
    if current.low is None or current.high is None:
        return False
    if previous.low is None or previous.high is None:
        return False
    return current.low > previous.high or current.high < previous.low


def _rank(table: pd.DataFrame, by: str, min_responses: int) -> pd.DataFrame:
    ranked = (table["responses"] >= min_responses) & table["csat_low"].notna()
    order = table["csat_low"].where(ranked).rank(method="min", ascending=False)
    table["ranked"] = ranked
    table["rank"] = order.astype("Int64")
    keys = table.assign(_unranked=~ranked, _responses=-table["responses"])
    keys = keys.sort_values(
        ["_unranked", "rank", "_responses", by], na_position="last", kind="stable"
    )
    return table.loc[keys.index].reset_index(drop=True)


def _group_columns(by: str, name: str | None) -> list[str]:
    head = [by] if name is None else [by, name]
    return [
        *head,
        "responses", "csat_n", "csat_pct", "csat_low", "csat_high", "mean",
        "nps_n", "nps", "nps_low", "nps_high", "response_rate", "sent",
        "detractors", "ranked", "rank",
    ]  # fmt: skip


def _name_column(frame: pd.DataFrame, by: str) -> str | None:
    if by not in frame.columns:
        raise InputError(f"cannot group by {by!r}: no such column")
    name = by.removesuffix("_id") + "_name"
    return name if name != by and name in frame.columns else None


def _sums_by(frame: pd.DataFrame, keys: Any, *, dropna: bool) -> pd.DataFrame:
    """The per-row tally of `csat.metrics` summed by `keys`, sorted by key."""
    # csat.metrics re-exports this module's functions, so it is imported here.
    from csat.metrics import tally

    return tally(frame).groupby(keys, dropna=dropna, sort=True).sum()


def _with_figures(sums: pd.DataFrame) -> pd.DataFrame:
    from csat.metrics import figures

    return pd.concat([sums, figures(sums)], axis=1)


def _anchor_times(frame: pd.DataFrame, anchor: Anchor) -> pd.Series:
    column = ANCHOR_COLUMNS[anchor]
    if column in frame.columns:
        return frame[column]
    if frame.empty:
        return pd.Series(pd.NaT, index=frame.index, dtype="datetime64[us, UTC]")
    raise InputError(f"the response frame has no {column!r} column")


def _period_index(
    periods: pd.Series, freq: Freq, start: date | None, end: date | None
) -> pd.DatetimeIndex:
    first = periods.min() if start is None else _period_of(start, freq)
    last = periods.max() if end is None else _period_of(end, freq)
    if pd.isna(first) or pd.isna(last):
        return pd.DatetimeIndex([], dtype="datetime64[us]")
    return pd.date_range(first, last, freq=_STEPS[freq], unit="us")


def _period_of(day: date, freq: Freq) -> pd.Timestamp:
    if freq == "week":
        day = day - timedelta(days=day.weekday())
    return pd.Timestamp(day)


def _zone(tz: str) -> ZoneInfo:
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise TimeZoneError(f"unknown time zone {tz!r}") from exc
