"""指标区分度 (scoring.md §6, §8): per category and leaf indicator, on the leaves' own scores."""

from __future__ import annotations

import math
from collections.abc import Sequence

from kaohe.engine.model import Category
from kaohe.engine.results import AssesseeResult, IndicatorStats


def indicator_stats(
    category: str, indicator: str, points: float, scores: Sequence[float], share: float
) -> IndicatorStats:
    """Count, mean, population std, cv (null at mean 0) and share at full points.

    >>> s = indicator_stats("c", "T1", 10, [10.0, 10.0, 8.0, 10.0], 0.75)
    >>> (s.n, s.mean, round(s.std, 4), round(s.cv, 4), s.full_share, s.non_discriminating)
    (4, 9.5, 0.866, 0.0912, 0.75, True)
    """
    n = len(scores)
    if n == 0:
        return IndicatorStats(category, indicator, 0, None, None, None, None, False)
    mean = math.fsum(scores) / n
    std = math.sqrt(math.fsum((x - mean) ** 2 for x in scores) / n)
    cv = std / mean if mean != 0 else None
    full = sum(1 for x in scores if x >= points - 1e-9) / n
    return IndicatorStats(category, indicator, n, mean, std, cv, full, full >= share)


def category_stats(
    category: Category, results: Sequence[AssesseeResult], share: float
) -> list[IndicatorStats]:
    """One line per leaf in declared order: N/A excluded, missing counted as 0."""
    by_leaf: dict[str, list[float]] = {}
    for result in results:
        for section in result.sections:
            for leaf in section.leaves:
                if leaf.status != "exempt":
                    by_leaf.setdefault(leaf.code, []).append(leaf.score or 0.0)
    stats = []
    for section in category.sections:
        for leaf in section.leaves():
            stats.append(
                indicator_stats(
                    category.code, leaf.code, leaf.points, by_leaf.get(leaf.code, []), share
                )
            )
    return stats
