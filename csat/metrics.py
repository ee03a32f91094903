"""Survey figures as pure functions of the response frame.

Every figure follows `docs/metrics.md`: only finished surveys carry scores, a
missing score is left out (never 0), proportions carry a 95 % Wilson interval
and NPS an interval from the variance of the per-response score. The functions
read the columns of the joined frame (`docs/architecture.md`) and do no I/O.

The per-row tally (`tally`) holds counts and sums that add up over any group,
so the figures per agent, queue or day (`group_table`, `csat.trends.trend`) are
computed in one vectorised pass from the same arithmetic as the single figures.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from csat.errors import InputError
from csat.trends import changed, group_table, previous_period, trend

__all__ = [
    "FORMULAS",
    "Formula",
    "Funnel",
    "MeanScore",
    "NetPromoter",
    "Proportion",
    "Summary",
    "changed",
    "csat_percent",
    "figures",
    "group_table",
    "mean_score",
    "net_promoter",
    "nps_breakdown",
    "previous_period",
    "proportion",
    "score_distribution",
    "summarize",
    "survey_funnel",
    "tally",
    "trend",
    "wilson_interval",
]

FloatArray = npt.NDArray[np.float64]

Z_95 = 1.96
FINISHED = "finished"
NOT_SENT = ("pending", "error")  # never reached the customer (metrics.md, Funnel)
NO_REASON = "unspecified"

# Two-sided 95 % Student t quantiles for 1..30 degrees of freedom (standard
# tables); past 30 the Cornish-Fisher expansion in `_t_quantile` is used.
_T_975 = (
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
    2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
    2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
)  # fmt: skip


@dataclass(frozen=True)
class Proportion:
    """`successes` of `n` with a 95 % Wilson interval; figures None when n == 0."""

    successes: int
    n: int
    value: float | None
    low: float | None
    high: float | None


@dataclass(frozen=True)
class MeanScore:
    """Mean of the answered CSAT values with a 95 % t interval, on its scale."""

    n: int
    value: float | None
    low: float | None
    high: float | None
    scale_min: int | None
    scale_max: int | None


@dataclass(frozen=True)
class NetPromoter:
    """Promoters 9-10, passives 7-8, detractors 0-6; value from -100 to 100."""

    n: int
    promoters: int
    passives: int
    detractors: int
    value: float | None
    low: float | None
    high: float | None


@dataclass(frozen=True)
class Funnel:
    """Survey counts by stage; `response_rate` is finished / sent."""

    sent: int
    finished: int
    partial: int
    expired: int
    opted_out: int
    in_progress: int
    pending: int
    errors: int
    errors_by_reason: dict[str, int]
    response_rate: Proportion


@dataclass(frozen=True)
class Summary:
    """The Overview tiles: responses are finished surveys."""

    responses: int
    csat: Proportion
    mean: MeanScore
    nps: NetPromoter
    response_rate: Proportion


@dataclass(frozen=True)
class Formula:
    """The human-readable formula behind a figure."""

    name: str
    text: str


FORMULAS: dict[str, Formula] = {
    "csat": Formula(
        "CSAT %",
        "Answers in the two highest values of the form's scale ÷ answered CSAT "
        "questions of finished surveys. N/A and unanswered are left out.",
    ),
    "mean": Formula(
        "Mean CSAT",
        "Sum of the answered CSAT values ÷ their number, shown on the form's "
        "scale; 95 % interval: mean ± t(n-1) x s ÷ √n.",
    ),
    "nps": Formula(
        "NPS",
        "100 x (promoters 9-10 - detractors 0-6) ÷ answered NPS questions; a "
        "number from -100 to 100, not a percentage.",
    ),
    "response_rate": Formula(
        "Response rate",
        "Finished surveys ÷ surveys sent (every status but Pending and Error).",
    ),
    "interval": Formula(
        "95 % interval",
        "Proportions: Wilson score interval. NPS: NPS ± 1.96 x 100 x √(var ÷ n), "
        "var the variance of +1 promoter, 0 passive, -1 detractor.",
    ),
    "ranking": Formula(
        "Ranking",
        "Agents and queues with at least the minimum responses are ranked by the "
        "lower bound of their CSAT % interval; the rest are shown apart.",
    ),
}


def wilson_interval(successes: int, n: int, z: float = Z_95) -> tuple[float, float]:
    """The Wilson score interval of `successes` out of `n` (n >= 1)."""
    if n < 1 or not 0 <= successes <= n:
        raise InputError(f"no interval for {successes} successes of {n}")
    low, high = _wilson_bounds(np.array([successes]), np.array([n]), z)
    return float(low[0]), float(high[0])


def proportion(successes: int, n: int) -> Proportion:
    """`successes` of `n` with its interval; no figures when n == 0."""
    if n == 0:
        return Proportion(successes, 0, None, None, None)
    low, high = wilson_interval(successes, n)
    return Proportion(successes, n, successes / n, low, high)


def tally(frame: pd.DataFrame) -> pd.DataFrame:
    """Per-row counts and sums whose column sums give any group's figures."""
    status = _statuses(frame)
    finished = status.isin([FINISHED])
    csat = _scores(frame, "csat_score", finished)
    nps = _scores(frame, "nps_score", finished)
    top = _flags(_column(frame, "csat_top2")) & csat.notna()
    columns = {
        "responses": finished,
        "sent": _sent(status),
        "csat_n": csat.notna(),
        "csat_top": top,
        "nps_n": nps.notna(),
        "promoters": nps >= 9,
        "passives": nps.between(7, 8),
        "detractors": nps <= 6,
    }
    counts = pd.DataFrame({k: v.astype("int64") for k, v in columns.items()})
    counts["csat_sum"] = csat.fillna(0.0)
    return counts


def figures(counts: pd.DataFrame) -> pd.DataFrame:
    """Shares (0..1), mean and NPS with intervals from summed `tally` columns."""
    csat_low, csat_high = _wilson_bounds(counts["csat_top"], counts["csat_n"], Z_95)
    nps, nps_low, nps_high = _nps_bounds(
        counts["promoters"], counts["detractors"], counts["nps_n"], Z_95
    )
    out = pd.DataFrame(index=counts.index)
    out["csat_pct"] = _ratio(counts["csat_top"], counts["csat_n"])
    out["csat_low"], out["csat_high"] = csat_low, csat_high
    out["mean"] = _ratio(counts["csat_sum"], counts["csat_n"])
    out["nps"], out["nps_low"], out["nps_high"] = nps, nps_low, nps_high
    out["response_rate"] = _ratio(counts["responses"], counts["sent"])
    return out


def csat_percent(frame: pd.DataFrame) -> Proportion:
    """Top-two-box share of answered CSAT questions of finished surveys."""
    counts = tally(frame)
    return proportion(int(counts["csat_top"].sum()), int(counts["csat_n"].sum()))


def mean_score(frame: pd.DataFrame) -> MeanScore:
    """Mean of the answered CSAT values with a 95 % t interval, within the scale."""
    finished = _statuses(frame).isin([FINISHED])
    values = _scores(frame, "csat_score", finished).dropna()
    scale_min = _scale_bound(frame, "csat_scale_min", values.index, lowest=True)
    scale_max = _scale_bound(frame, "csat_scale_max", values.index, lowest=False)
    if values.empty:
        return MeanScore(0, None, None, None, scale_min, scale_max)

    mean = float(values.mean())
    low, high = _mean_bounds(values, mean, scale_min, scale_max)
    return MeanScore(len(values), mean, low, high, scale_min, scale_max)


def net_promoter(frame: pd.DataFrame) -> NetPromoter:
    """NPS of finished surveys with an answered NPS question."""
    sums = tally(frame)[["nps_n", "promoters", "passives", "detractors"]].sum()
    n, promoters, passives, detractors = (int(sums[c]) for c in sums.index)
    if n == 0:
        return NetPromoter(0, 0, 0, 0, None, None, None)

    bounds = _nps_bounds(np.array([promoters]), np.array([detractors]), n, Z_95)
    value, low, high = (float(b[0]) for b in bounds)
    return NetPromoter(n, promoters, passives, detractors, value, low, high)


def survey_funnel(frame: pd.DataFrame) -> Funnel:
    """Survey counts by status, partial responses and errors by reason."""
    status = _statuses(frame)
    count = status.value_counts().to_dict()
    finished = status.isin([FINISHED])
    sent = int(_sent(status).sum())
    partial = int((finished & _flags(_column(frame, "partial"))).sum())
    return Funnel(
        sent=sent,
        finished=int(finished.sum()),
        partial=partial,
        expired=int(count.get("expired", 0)),
        opted_out=int(count.get("optout", 0)),
        in_progress=int(count.get("inprogress", 0)),
        pending=int(count.get("pending", 0)),
        errors=int(count.get("error", 0)),
        errors_by_reason=_errors_by_reason(frame, status),
        response_rate=proportion(int(finished.sum()), sent),
    )


def summarize(frame: pd.DataFrame) -> Summary:
    """The Overview tiles for one set of responses."""
    funnel = survey_funnel(frame)
    return Summary(
        responses=funnel.finished,
        csat=csat_percent(frame),
        mean=mean_score(frame),
        nps=net_promoter(frame),
        response_rate=funnel.response_rate,
    )


def score_distribution(frame: pd.DataFrame, scale: Sequence[int]) -> pd.DataFrame:
    """Answers per CSAT value: `score`, `count`, `share` (0..1).

    Every value of `scale` is listed, a count of 0 included; a value answered
    outside `scale` (another form version) is listed too, so counts add up to n.
    """
    finished = _statuses(frame).isin([FINISHED])
    values = _scores(frame, "csat_score", finished).dropna().astype("int64")
    counts = values.value_counts()
    scores = sorted({int(s) for s in scale} | {int(s) for s in counts.index})
    out = pd.DataFrame({"score": pd.array(scores, dtype="Int64")})
    out["count"] = [int(counts.get(s, 0)) for s in scores]
    out["share"] = _ratio(out["count"], pd.Series(len(values), index=out.index))
    return out


def nps_breakdown(frame: pd.DataFrame) -> pd.DataFrame:
    """Promoters, passives and detractors: `count`, `share` and its interval."""
    nps = net_promoter(frame)
    counts = [nps.promoters, nps.passives, nps.detractors]
    shares = [proportion(c, nps.n) for c in counts]
    return pd.DataFrame(
        {
            "group": ["promoters", "passives", "detractors"],
            "count": pd.array(counts, dtype="int64"),
            "share": [_nan(p.value) for p in shares],
            "share_low": [_nan(p.low) for p in shares],
            "share_high": [_nan(p.high) for p in shares],
        }
    )


def _statuses(frame: pd.DataFrame) -> pd.Series:
    # Analytics casing of surveyStatus is unconfirmed (genesys-api.md, limits).
    return _column(frame, "survey_status").astype("string").str.casefold()


def _sent(status: pd.Series) -> pd.Series:
    return status.notna() & ~status.isin(NOT_SENT)


def _scores(frame: pd.DataFrame, column: str, finished: pd.Series) -> pd.Series:
    values = pd.to_numeric(_column(frame, column)).astype("float64")
    return values.where(finished)


def _flags(values: pd.Series) -> pd.Series:
    return values.astype("boolean").fillna(False).astype(bool)


def _column(frame: pd.DataFrame, column: str) -> pd.Series:
    if column in frame.columns:
        return frame[column]
    if frame.empty:
        return pd.Series(pd.NA, index=frame.index, dtype="object")
    raise InputError(f"the response frame has no {column!r} column")


def _errors_by_reason(frame: pd.DataFrame, status: pd.Series) -> dict[str, int]:
    errors = status.isin(["error"])
    if not errors.any():
        return {}
    reasons = _column(frame, "error_reason")[errors].astype("string")
    reasons = reasons.fillna(NO_REASON).replace("", NO_REASON)
    return {str(k): int(v) for k, v in reasons.value_counts().items()}


def _scale_bound(
    frame: pd.DataFrame, column: str, rows: pd.Index, *, lowest: bool
) -> int | None:
    if column not in frame.columns:
        return None
    values = pd.to_numeric(frame.loc[rows, column]).dropna()
    if values.empty:
        return None
    return int(values.min() if lowest else values.max())


def _mean_bounds(
    values: pd.Series, mean: float, scale_min: int | None, scale_max: int | None
) -> tuple[float | None, float | None]:
    if len(values) < 2:
        return None, None
    half = (
        _t_quantile(len(values) - 1)
        * float(values.std(ddof=1))
        / math.sqrt(len(values))
    )
    low = mean - half if scale_min is None else max(mean - half, scale_min)
    high = mean + half if scale_max is None else min(mean + half, scale_max)
    return float(low), float(high)


def _t_quantile(df: int) -> float:
    """Two-sided 95 % Student t quantile for `df` degrees of freedom."""
    if df <= len(_T_975):
        return _T_975[df - 1]
    z = Z_95
    return (
        z
        + (z**3 + z) / (4 * df)
        + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * df**2)
        + (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / (384 * df**3)
    )


def _wilson_bounds(successes: Any, n: Any, z: float) -> tuple[FloatArray, FloatArray]:
    s = np.asarray(successes, dtype="float64")
    m = np.asarray(n, dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        p = s / m
        spread = z * z / m
        centre = (p + spread / 2) / (1 + spread)
        half = z * np.sqrt(p * (1 - p) / m + spread / (4 * m)) / (1 + spread)
    return np.clip(centre - half, 0.0, 1.0), np.clip(centre + half, 0.0, 1.0)


def _nps_bounds(
    promoters: Any, detractors: Any, n: Any, z: float
) -> tuple[FloatArray, FloatArray, FloatArray]:
    p = np.asarray(promoters, dtype="float64")
    d = np.asarray(detractors, dtype="float64")
    m = np.asarray(n, dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = (p - d) / m
        variance = np.maximum((p + d) / m - mean**2, 0.0)  # population variance
        half = z * 100 * np.sqrt(variance / m)
    value = 100 * mean
    return value, np.clip(value - half, -100, 100), np.clip(value + half, -100, 100)


def _ratio(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    num = numerator.astype("float64")
    den = denominator.astype("float64")
    return (num / den.where(den > 0)).astype("float64")


def _nan(value: float | None) -> float:
    return math.nan if value is None else value
