"""The six indicator methods (scoring.md §2): a leaf's value → its score in points.

This is the scalar statement of each method, doctested. The engine scores with the
vectorised `kaohe.engine.leaves`; `tests/test_methods_oracle.py` holds every leaf score it
gives equal to `leaf_score` here, and its ranks to `competition_ranks`.

Each function takes the indicator's points and parameters and one value; the builder has
already checked the parameters and the value's type (scoring.md §8), so these stay plain
arithmetic in double precision with no rounding.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from kaohe.engine.model import Indicator


def clamp(x: float, low: float, high: float) -> float:
    return low if x < low else high if x > high else x


def ratio(
    points: float, v: float, *, target: float, cap: float = 1.0, lower: bool = False
) -> float:
    """完成率计分: ``p * clamp(v / target, 0, cap)``; lower is better: ``target / v``.

    >>> ratio(20, 95, target=100)          # 20 * 0.95
    19.0
    >>> ratio(8, 115, target=100, cap=1.2)  # 8 * 1.15
    9.2
    >>> ratio(4, 4.36, target=5, lower=True, cap=1.1)  # 4 * min(5 / 4.36, 1.1) = 4 * 1.1
    4.4
    >>> ratio(4, 0, target=5, lower=True, cap=1.1)     # v <= 0 with lower: p * cap
    4.4
    """
    if lower:
        if v <= 0:
            return points * cap
        return points * clamp(target / v, 0.0, cap)
    return points * clamp(v / target, 0.0, cap)


def tiered(
    points: float,
    v: float,
    *,
    tiers: Sequence[tuple[float, float]],
    target: float | None = None,
    floor: float | None = None,
) -> float:
    """分档计分: the first tier whose threshold ``r`` reaches gives ``p * fraction``.

    >>> tiers = [(1.0, 1.0), (0.9, 0.8), (0.8, 0.6)]
    >>> tiered(20, 95, tiers=tiers, target=100)   # r = 0.95 → tier 0.9 → 20 * 0.8
    16.0
    >>> tiered(20, 50, tiers=tiers, target=100)   # no tier: floor 0
    0.0
    >>> tiered(12, 50, tiers=[(95, 1.0), (90, 0.9)], floor=0.2)  # no target: r = v; 12 * 0.2
    2.4000000000000004
    """
    r = v / target if target is not None else v
    for threshold, fraction in tiers:
        if r >= threshold:
            return points * fraction
    return points * (floor if floor is not None else 0.0)


def grade(points: float, label: str, *, grades: Mapping[str, float]) -> float:
    """定性评价: ``p * grades[label]``.

    >>> grade(10, "B", grades={"A": 1.0, "B": 0.85})
    8.5
    """
    return points * grades[label]


def direct(points: float, v: float) -> float:
    """直接赋分: the value itself (the builder rejects values outside ``[0, p]``).

    >>> direct(5, 4.5)
    4.5
    """
    return float(v)


def deduct(points: float, v: float, *, per: float) -> float:
    """扣分制: ``max(0, p - per * v)``.

    >>> deduct(24, 2, per=2), deduct(5, 30, per=0.25)   # 24 - 4; 5 - 7.5 → 0
    (20.0, 0.0)
    """
    return max(0.0, float(points - per * v))


def rank_score(points: float, k: int, n: int, *, floor: float = 0.6) -> float:
    """排名赋分: ``p * (1 - (1 - floor) * (k - 1) / (n - 1))``; ``n = 1`` gives ``p``.

    >>> rank_score(5, 1, 23), rank_score(5, 23, 23), rank_score(6, 2, 3, floor=0.7)
    (5.0, 3.0, 5.1)
    >>> rank_score(5, 1, 1)
    5.0
    """
    if n <= 1:
        return float(points)
    return points * (1.0 - (1.0 - floor) * (k - 1) / (n - 1))


def competition_ranks(values: Mapping[str, float], *, lower: bool = False) -> dict[str, int]:
    """Competition ranks (1, 2, 2, 4) of raw values, best first; ties need equal values.

    >>> competition_ranks({"a": 9, "b": 7, "c": 7, "d": 3})
    {'a': 1, 'b': 2, 'c': 2, 'd': 4}
    >>> competition_ranks({"a": 9, "b": 7, "c": 7, "d": 3}, lower=True)
    {'d': 1, 'b': 2, 'c': 2, 'a': 4}
    """
    ordered = sorted(values.items(), key=lambda kv: kv[1] if lower else -kv[1])
    ranks: dict[str, int] = {}
    previous: float | None = None
    current = 0
    for position, (code, value) in enumerate(ordered, start=1):
        if previous is None or value != previous:
            current = position
            previous = value
        ranks[code] = current
    return ranks


def leaf_score(
    indicator: Indicator, value: float | str, rank: tuple[int, int] | None = None
) -> float:
    """Score of one leaf for a present (not missing, not N/A) value.

    ``rank`` is ``(k, n)`` for the `rank` method, computed over the category beforehand.

    >>> leaf_score(Indicator("T1", "农业", 20, "ratio", target=100), 95.0)
    19.0
    >>> leaf_score(Indicator("R", "排名", 5, "rank"), 12.0, (2, 3))
    4.0
    """
    p = indicator.points
    method = indicator.method
    if method == "grade":
        return grade(p, str(value), grades=indicator.grades)
    v = float(value)
    if method == "ratio":
        assert indicator.target is not None
        return ratio(
            p, v, target=indicator.target, cap=indicator.cap, lower=indicator.direction == "lower"
        )
    if method == "tiered":
        return tiered(p, v, tiers=indicator.tiers, target=indicator.target, floor=indicator.floor)
    if method == "direct":
        return direct(p, v)
    if method == "deduct":
        return deduct(p, v, per=indicator.per)
    if method == "rank":
        assert rank is not None
        k, n = rank
        return rank_score(p, k, n, floor=indicator.floor if indicator.floor is not None else 0.6)
    raise ValueError(f"unknown method {method!r}")
