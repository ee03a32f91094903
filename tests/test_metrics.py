"""Metrics against values worked out by hand (docs/metrics.md, worked example)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import pandas as pd
import pytest

from csat.errors import InputError
from csat.metrics import (
    FORMULAS,
    csat_percent,
    mean_score,
    net_promoter,
    nps_breakdown,
    proportion,
    score_distribution,
    summarize,
    survey_funnel,
    wilson_interval,
)

# The worked example of metrics.md: ten finished surveys on a 1-5 question.
EXAMPLE_CSAT = [5, 5, 4, 4, 4, 3, 2, 1, None, 5]
EXAMPLE_NPS = [10, 9, 9, 8, 7, 6, 3, 0, 10, None]


def responses(
    csat: Sequence[int | None],
    nps: Sequence[int | None] | None = None,
    *,
    status: list[str] | None = None,
    scale: tuple[int, int] = (1, 5),
    **columns: list[Any],
) -> pd.DataFrame:
    """A response frame; csat_top2 marks the two highest values of `scale`."""
    count = len(csat)
    low, high = scale
    return pd.DataFrame(
        {
            "survey_id": [f"s{i}" for i in range(count)],
            "survey_status": status or ["Finished"] * count,
            "csat_score": pd.array(list(csat), dtype="Int64"),
            "nps_score": pd.array(list(nps or [None] * count), dtype="Int64"),
            "csat_top2": pd.array(
                [None if c is None else c >= high - 1 for c in csat], dtype="boolean"
            ),
            "csat_scale_min": [low] * count,
            "csat_scale_max": [high] * count,
            "partial": [False] * count,
            "error_reason": [None] * count,
            **columns,
        }
    )


@pytest.fixture
def example() -> pd.DataFrame:
    return responses(EXAMPLE_CSAT, EXAMPLE_NPS)


def test_csat_percent_of_worked_example_is_6_of_9(example: pd.DataFrame) -> None:
    csat = csat_percent(example)

    assert (csat.successes, csat.n) == (6, 9)
    assert csat.value == pytest.approx(0.667, abs=5e-4)
    assert (csat.low, csat.high) == pytest.approx((0.354, 0.879), abs=5e-4)


def test_mean_of_worked_example_is_33_over_9(example: pd.DataFrame) -> None:
    mean = mean_score(example)

    # Squared deviations from 11/3 sum to 16, so s^2 = 16 / 8 = 2; t(8) = 2.306.
    half = 2.306 * math.sqrt(2 / 9)
    assert (mean.n, mean.scale_min, mean.scale_max) == (9, 1, 5)
    assert mean.value == pytest.approx(33 / 9)
    assert (mean.low, mean.high) == pytest.approx((33 / 9 - half, 33 / 9 + half))


def test_net_promoter_of_worked_example_is_11_1(example: pd.DataFrame) -> None:
    nps = net_promoter(example)

    # Per-response +1/0/-1: mean 1/9, mean of squares 7/9, variance 62/81.
    half = 1.96 * 100 * math.sqrt(62 / 81 / 9)
    assert (nps.n, nps.promoters, nps.passives, nps.detractors) == (9, 4, 2, 3)
    assert nps.value == pytest.approx(11.1, abs=0.05)
    assert (nps.low, nps.high) == pytest.approx((100 / 9 - half, 100 / 9 + half))


@pytest.mark.parametrize(
    ("successes", "n", "expected"),
    [
        pytest.param(6, 9, (0.3542, 0.8794), id="worked-example"),
        pytest.param(90, 100, (0.8256, 0.9448), id="90-of-100"),
        pytest.param(3, 3, (0.4385, 1.0), id="all-of-3"),
        pytest.param(0, 10, (0.0, 0.2775), id="none-of-10"),
    ],
)
def test_wilson_interval_matches_hand_values(
    successes: int, n: int, expected: tuple[float, float]
) -> None:
    assert wilson_interval(successes, n) == pytest.approx(expected, abs=1e-4)


@pytest.mark.parametrize(("successes", "n"), [(0, 0), (5, 4), (-1, 3)])
def test_wilson_interval_refuses_impossible_counts(successes: int, n: int) -> None:
    with pytest.raises(InputError):
        wilson_interval(successes, n)


def test_zero_n_gives_no_figures_not_zero() -> None:
    unanswered = responses([None, None], [None, None], status=["Finished", "Sent"])

    summary = summarize(unanswered)

    assert summary.csat == proportion(0, 0)
    assert summary.csat.value is None and summary.csat.low is None
    assert (summary.mean.n, summary.mean.value, summary.mean.low) == (0, None, None)
    assert (summary.nps.n, summary.nps.value, summary.nps.high) == (0, None, None)
    assert summary.response_rate.value == 0.5


def test_empty_frame_without_columns_gives_empty_summary() -> None:
    summary = summarize(pd.DataFrame())

    assert summary.responses == 0
    assert summary.csat.value is None and summary.response_rate.value is None


def test_missing_column_in_non_empty_frame_is_an_input_error() -> None:
    with pytest.raises(InputError, match="csat_top2"):
        csat_percent(responses([5]).drop(columns="csat_top2"))


def test_scores_of_unfinished_surveys_are_ignored() -> None:
    frame = responses([5, 1, 1], [10, 0, 0], status=["Finished", "InProgress", "Sent"])

    assert (csat_percent(frame).successes, csat_percent(frame).n) == (1, 1)
    assert mean_score(frame).value == 5
    assert net_promoter(frame).value == 100


def test_status_is_compared_case_insensitively() -> None:
    frame = responses([5, 2, 4], status=["FINISHED", "finished", "Finished"])

    assert (csat_percent(frame).successes, csat_percent(frame).n) == (2, 3)


def test_partial_finished_survey_counts_for_what_it_answered() -> None:
    frame = responses([4, None], [None, 9], partial=[True, True])

    assert csat_percent(frame).n == 1
    assert net_promoter(frame).n == 1
    assert survey_funnel(frame).partial == 2


def test_missing_score_does_not_lower_the_mean() -> None:
    frame = responses([5, None, 3])

    assert mean_score(frame).value == 4


def test_single_answer_has_a_mean_without_interval() -> None:
    mean = mean_score(responses([4]))

    assert (mean.n, mean.value, mean.low, mean.high) == (1, 4, None, None)


def test_mean_interval_past_30_answers_uses_t_of_40() -> None:
    frame = responses([4] * 20 + [5] * 21)

    # mean 185/41; s^2 = (20*(4-m)^2 + 21*(5-m)^2) / 40; t(40) = 2.021 (tables).
    m = 185 / 41
    s = math.sqrt((20 * (4 - m) ** 2 + 21 * (5 - m) ** 2) / 40)
    half = 2.021 * s / math.sqrt(41)
    mean = mean_score(frame)
    assert (mean.low, mean.high) == pytest.approx((m - half, m + half), abs=2e-4)


def test_mean_interval_stays_inside_the_scale() -> None:
    mean = mean_score(responses([1, 5]))

    assert (mean.low, mean.high) == (1, 5)


def test_nps_interval_stays_between_minus_and_plus_100() -> None:
    nps = net_promoter(responses([None, None], [10, 8]))

    # 50 +- 1.96 * 100 * sqrt(0.25 / 2) = 50 +- 69.3, cut at 100.
    assert nps.value == 50
    assert nps.low == pytest.approx(50 - 69.30, abs=0.01)
    assert nps.high == 100


def test_funnel_counts_each_status_and_errors_by_reason() -> None:
    status = ["Finished"] * 3 + ["Sent"] * 2 + ["InProgress", "Pending"]
    status += ["Expired"] * 2 + ["OptOut", "Error", "Error", "Error"]
    reasons = [None] * 10 + ["NoEmail", "NoEmail", None]
    partial = [True] + [False] * 12
    frame = responses([None] * 13, status=status, error_reason=reasons, partial=partial)

    funnel = survey_funnel(frame)

    # sent = 3 finished + 2 sent + 1 in progress + 2 expired + 1 opted out = 9
    assert (funnel.sent, funnel.finished, funnel.partial) == (9, 3, 1)
    assert (funnel.expired, funnel.opted_out, funnel.in_progress) == (2, 1, 1)
    assert (funnel.pending, funnel.errors) == (1, 3)
    assert funnel.errors_by_reason == {"NoEmail": 2, "unspecified": 1}
    assert (funnel.response_rate.successes, funnel.response_rate.n) == (3, 9)


def test_summary_of_worked_example(example: pd.DataFrame) -> None:
    summary = summarize(example)

    assert summary.responses == 10
    assert (summary.csat.successes, summary.csat.n) == (6, 9)
    assert summary.nps.value == pytest.approx(100 / 9)
    assert (summary.response_rate.successes, summary.response_rate.n) == (10, 10)


def test_distribution_lists_every_scale_value(example: pd.DataFrame) -> None:
    table = score_distribution(example, range(1, 8))

    assert table["score"].tolist() == [1, 2, 3, 4, 5, 6, 7]
    assert table["count"].tolist() == [1, 1, 1, 3, 3, 0, 0]
    assert table["share"].tolist() == pytest.approx([1 / 9] * 3 + [3 / 9] * 2 + [0, 0])


def test_distribution_on_zero_based_scale_keeps_values_outside_it() -> None:
    frame = responses([0, 0, 2, 5], scale=(0, 4))

    table = score_distribution(frame, [0, 1, 2, 3, 4])

    assert table["score"].tolist() == [0, 1, 2, 3, 4, 5]
    assert table["count"].tolist() == [2, 0, 1, 0, 0, 1]


def test_distribution_without_answers_has_no_shares() -> None:
    table = score_distribution(responses([None]), [1, 2, 3])

    assert table["count"].tolist() == [0, 0, 0]
    assert table["share"].isna().all()


def test_nps_breakdown_of_worked_example(example: pd.DataFrame) -> None:
    table = nps_breakdown(example).set_index("group")

    assert table["count"].to_dict() == {"promoters": 4, "passives": 2, "detractors": 3}
    assert table["share"].tolist() == pytest.approx([4 / 9, 2 / 9, 3 / 9])
    assert table.loc["promoters", "share_low"] == pytest.approx(0.1888, abs=1e-4)


def test_formulas_cover_every_figure() -> None:
    keys = {"csat", "mean", "nps", "response_rate", "interval", "ranking"}

    assert set(FORMULAS) == keys
    assert all(f.name and f.text for f in FORMULAS.values())
