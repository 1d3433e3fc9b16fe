"""指标区分度 (scoring.md §6, §8): per category and leaf indicator, on the leaves' own scores."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from kaohe.engine.leaves import EXEMPT, LeafBlock
from kaohe.engine.model import Category
from kaohe.engine.results import IndicatorStats


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


def category_stats(category: Category, block: LeafBlock, share: float) -> list[IndicatorStats]:
    """One line per leaf in declared order: N/A excluded, missing counted as 0.

    Vectorised over the category's leaf block; the sums are `math.fsum` of the same doubles
    `indicator_stats` sums, so the figures are identical.
    """
    stats = []
    for j, leaf in enumerate(block.leaves):
        scores = block.scores[block.status[:, j] != EXEMPT, j]
        n = len(scores)
        if n == 0:
            stats.append(IndicatorStats(category.code, leaf.code, 0, None, None, None, None, False))
            continue
        mean = math.fsum(scores.tolist()) / n
        std = math.sqrt(math.fsum(((scores - mean) ** 2).tolist()) / n)
        cv = std / mean if mean != 0 else None
        full = int(np.count_nonzero(scores >= leaf.points - 1e-9)) / n
        stats.append(
            IndicatorStats(category.code, leaf.code, n, mean, std, cv, full, full >= share)
        )
    return stats
