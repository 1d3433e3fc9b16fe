"""Rounding as people see it (scoring.md §8): half away from zero on the shortest repr."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

_CENT = Decimal("0.01")
_RATE = Decimal("0.0001")


def _round(x: float, step: Decimal) -> float:
    # repr() gives the shortest decimal that reads back as the same double, so 2.675 (stored
    # as 2.67499999…) rounds the way a person rounding "2.675" by hand would.
    return float(Decimal(repr(float(x))).quantize(step, ROUND_HALF_UP)) + 0.0


def round2(x: float) -> float:
    """A reported figure: 2 decimals, half away from zero, never -0.0.

    >>> round2(2.675), round2(-2.675), round2(-0.001), round2(96.765)
    (2.68, -2.68, 0.0, 96.77)
    """
    return _round(x, _CENT)


def round4(x: float) -> float:
    """A rate (top_rate, satisfaction_rate, share, full_share, cv): 4 decimals.

    >>> round4(16 / 46), round4(0.00005)
    (0.3478, 0.0001)
    """
    return _round(x, _RATE)


def round2_opt(x: float | None) -> float | None:
    return None if x is None else round2(x)


def round4_opt(x: float | None) -> float | None:
    return None if x is None else round4(x)
