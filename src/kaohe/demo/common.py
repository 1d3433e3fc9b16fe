"""Small helpers shared by the three plans of the demo county."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from typing import Any

Raw = dict[str, Any]
# Draws an indicator value for an assessee of quality q (0..1).
ValueRule = Callable[[random.Random, float], object]

GRADES_ABCD = {"A": 1.0, "B": 0.85, "C": 0.7, "D": 0.5}
GRADES_HAO = {"好": 1.0, "较好": 0.85, "一般": 0.7, "差": 0.5}


def clamp(x: float, lo: float, hi: float) -> float:
    return min(hi, max(lo, x))


def leaves(indicators: list[Raw]) -> Iterator[Raw]:
    for indicator in indicators:
        if "indicators" in indicator:
            yield from leaves(indicator["indicators"])
        else:
            yield indicator


def completion(mean_at_zero: float, gain: float, sd: float) -> ValueRule:
    """A completion rate in % (完成率): most units finish a little short of 100."""

    def rule(rng: random.Random, q: float) -> object:
        return round(clamp(mean_at_zero + gain * q + rng.gauss(0, sd), 40.0, 130.0), 1)

    return rule


def amount(low: float, high: float, sd: float, digits: int = 0) -> ValueRule:
    """A quantity that grows with quality (招商到位资金, 争取上级资金 …), for rank/tiered."""

    def rule(rng: random.Random, q: float) -> object:
        value = max(0.0, low + (high - low) * q + rng.gauss(0, sd))
        return round(value, digits) if digits else round(value)

    return rule


def label(labels: tuple[str, ...], sd: float = 0.15) -> ValueRule:
    """A qualitative label (定性评价), best first; about a quarter get the best."""

    def rule(rng: random.Random, q: float) -> object:
        x = q + rng.gauss(0, sd)
        cuts = (0.8, 0.58, 0.38)
        for cut, name in zip(cuts, labels, strict=False):
            if x >= cut:
                return name
        return labels[-1]

    return rule


def count(worst_mean: float, sd: float = 0.9) -> ValueRule:
    """A count of failings for `deduct` (督办超期、投诉、通报次数): well-run units have none."""

    def rule(rng: random.Random, q: float) -> object:
        return max(0, round(rng.gauss(worst_mean * (1.0 - q) - 0.1, sd)))

    return rule


def points_given(points: float) -> ValueRule:
    """Points awarded directly by the assessor (直接赋分), in half points."""

    def rule(rng: random.Random, q: float) -> object:
        share = clamp(0.66 + 0.3 * q + rng.gauss(0, 0.07), 0.4, 1.0)
        return round(points * share * 2) / 2

    return rule


def lower_is_better(target: float) -> ValueRule:
    """A rate where lower is better (纠错率、办理时长), around the target."""

    def rule(rng: random.Random, q: float) -> object:
        return round(max(0.0, target * (0.75 + 0.9 * (1.0 - q) + rng.gauss(0, 0.18))), 2)

    return rule


def full_marks(points: float) -> ValueRule:
    """Everyone gets full points: the indicator the speech in seed 001 wants cancelled."""

    def rule(rng: random.Random, q: float) -> object:
        return points

    return rule


def process_score(rng: random.Random, q: float) -> float:
    """日常考核 (月度督查、季度反馈、半年考核, seed 000) as a 0–100 score."""
    return round(clamp(72 + 26 * q + rng.gauss(0, 3), 55.0, 100.0), 1)
