"""Random draws the generator needs: weighted choices, counts and durations."""

from __future__ import annotations

import bisect
import itertools
import math
import random
from collections.abc import Sequence
from typing import Generic, TypeVar

T = TypeVar("T")


class Weighted(Generic[T]):
    """A weighted choice with its cumulative weights computed once.

    Draws exactly what `random.choices(values, weights)[0]` draws from the same
    generator state, at a fraction of the cost on the hot path."""

    def __init__(self, values: Sequence[T], weights: Sequence[float]) -> None:
        self._values = tuple(values)
        self._cumulative = tuple(itertools.accumulate(weights))
        self._total = self._cumulative[-1]

    @classmethod
    def of(cls, pairs: Sequence[tuple[T, float]]) -> Weighted[T]:
        return cls([v for v, _ in pairs], [w for _, w in pairs])

    def pick(self, rng: random.Random) -> T:
        point = rng.random() * self._total
        index = bisect.bisect(self._cumulative, point, 0, len(self._cumulative) - 1)
        return self._values[index]


def poisson(rng: random.Random, mean: float) -> int:
    """A Poisson draw; normal approximation for large means."""
    if mean > 40:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def lognormal_ms(rng: random.Random, median_ms: float, sigma: float) -> int:
    """A duration with the given median and log-spread."""
    return int(median_ms * math.exp(rng.gauss(0.0, sigma)))
