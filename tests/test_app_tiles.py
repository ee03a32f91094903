"""Overview tiles: formatting and when a change is called out, worked by hand."""

from __future__ import annotations

from csat.metrics import MeanScore, NetPromoter, Proportion, Summary
from dashboard.tiles import build_tiles


def summary(
    csat: tuple[int, int, float, float],
    mean: tuple[int, float, float, float],
    nps: tuple[int, int, int, int, float, float, float],
    rate: tuple[int, int, float, float],
    responses: int,
) -> Summary:
    top, n, low, high = csat
    return Summary(
        responses=responses,
        csat=Proportion(top, n, top / n, low, high),
        mean=MeanScore(mean[0], mean[1], mean[2], mean[3], 1, 5),
        nps=NetPromoter(*nps),
        response_rate=Proportion(rate[0], rate[1], rate[0] / rate[1], rate[2], rate[3]),
    )


# The worked example of docs/metrics.md: 6 of 9 top-two-box, mean 33 / 9,
# NPS 100 x (4 - 3) / 9; intervals chosen by hand.
EXAMPLE = summary(
    (6, 9, 0.35, 0.88),
    (9, 33 / 9, 2.6, 4.7),
    (9, 4, 2, 3, 100 / 9, -40.0, 60.0),
    (10, 25, 0.23, 0.59),
    responses=10,
)
MUCH_BETTER = summary(
    (95, 100, 0.89, 0.98),
    (100, 4.8, 4.7, 4.9),
    (100, 90, 10, 0, 90.0, 84.0, 96.0),
    (90, 100, 0.83, 0.94),
    responses=100,
)


def test_tiles_show_the_figures_as_the_metric_definitions_read() -> None:
    tiles = build_tiles(EXAMPLE, None)

    assert [t.label for t in tiles] == [
        "Responses",
        "CSAT %",
        "Mean score",
        "NPS",
        "Response rate",
    ]
    assert [t.value for t in tiles] == ["10", "66.7 %", "3.67 / 5", "11.1", "40.0 %"]
    assert all(t.delta is None and not t.called_out for t in tiles)
    assert tiles[1].detail == "n = 9 · 95 % interval 35.0 % to 88.0 %"
    assert tiles[4].detail.startswith("10 of 25 sent")


def test_evaluation_tiles_count_evaluations_not_surveys() -> None:
    tiles = build_tiles(EXAMPLE, None, "evaluation")

    assert [t.value for t in tiles] == ["10", "66.7 %", "3.67 / 5", "11.1", "40.0 %"]
    assert tiles[0].detail == "finished evaluations"
    assert "survey" not in tiles[0].formula.text.casefold()
    assert tiles[4].detail.startswith("10 of 25 started")


def test_changes_are_called_out_only_when_intervals_do_not_overlap() -> None:
    tiles = build_tiles(MUCH_BETTER, EXAMPLE)

    assert [t.delta for t in tiles] == [
        "+90",
        "+28.3 pts",
        "+1.13",
        "+78.9",
        "+50.0 pts",
    ]
    # Responses have no interval; CSAT 89-98 vs 35-88, mean 4.7-4.9 vs 2.6-4.7
    # (touching: overlap), NPS 84-96 vs -40-60, rate 83-94 vs 23-59.
    assert [t.called_out for t in tiles] == [False, True, False, True, True]
    assert [t.judged for t in tiles] == [False, True, True, True, True]


def test_overlapping_intervals_are_not_called_out() -> None:
    tiles = build_tiles(EXAMPLE, EXAMPLE)

    assert [t.delta for t in tiles] == ["+0", "+0.0 pts", "+0.00", "+0.0", "+0.0 pts"]
    assert not any(t.called_out for t in tiles)


def test_no_answers_show_a_dash_not_zero() -> None:
    empty = Summary(
        responses=0,
        csat=Proportion(0, 0, None, None, None),
        mean=MeanScore(0, None, None, None, None, None),
        nps=NetPromoter(0, 0, 0, 0, None, None, None),
        response_rate=Proportion(0, 0, None, None, None),
    )

    tiles = build_tiles(empty, EXAMPLE)

    assert [t.value for t in tiles] == ["0", "\u2013", "\u2013", "\u2013", "\u2013"]
    assert tiles[1].delta is None
    assert tiles[1].detail == "n = 0 · no interval"
