"""Rounding as people see it (scoring.md §8): half away from zero on the shortest repr."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

import numpy as np

_CENT = Decimal("0.01")
_RATE = Decimal("0.0001")


def _round(x: float, step: Decimal) -> float:
    # repr() gives the shortest decimal that reads back as the same double, so 2.675 (stored
    # as 2.67499999…) rounds the way a person rounding "2.675" by hand would.
    return float(Decimal(repr(float(x))).quantize(step, ROUND_HALF_UP)) + 0.0


def _fast(x: float, scale: float, step: Decimal) -> float:
    # Far from a half (in units of the last decimal), rounding x * scale to the nearest integer
    # decides the same as the decimal rule, and q / scale is the double nearest to the decimal
    # (both are correctly rounded), so only near-halves pay for the Decimal route.
    y = x * scale
    if -1e12 < y < 1e12:
        q = math.floor(y)
        d = y - q
        if abs(d - 0.5) > 1e-6:
            return (q + (d > 0.5)) / scale + 0.0
    return _round(x, step)


def round2(x: float) -> float:
    """A reported figure: 2 decimals, half away from zero, never -0.0.

    >>> round2(2.675), round2(-2.675), round2(-0.001), round2(96.765), round2(-1.004)
    (2.68, -2.68, 0.0, 96.77, -1.0)
    """
    # `_fast(x, 100.0, _CENT)` written out: called for every figure of every result.
    y = x * 100.0
    if -1e12 < y < 1e12:
        q = math.floor(y)
        d = y - q
        if abs(d - 0.5) > 1e-6:
            return (q + (d > 0.5)) / 100.0 + 0.0
    return _round(x, _CENT)


def round4(x: float) -> float:
    """A rate (top_rate, satisfaction_rate, share, full_share, cv): 4 decimals.

    >>> round4(16 / 46), round4(0.00005)
    (0.3478, 0.0001)
    """
    return _fast(x, 10000.0, _RATE)


def round2_opt(x: float | None) -> float | None:
    return None if x is None else round2(x)


def round4_opt(x: float | None) -> float | None:
    return None if x is None else _fast(x, 10000.0, _RATE)


def round2_array(x: np.ndarray) -> np.ndarray:
    """`round2` of every element (NaN stays NaN), the same doubles: the fast path of `_fast`
    repeated with array operations, the near-halves sent through the scalar rule."""
    y = x * 100.0
    with np.errstate(invalid="ignore"):
        q = np.floor(y)
        d = y - q
        fast = (np.abs(y) < 1e12) & (np.abs(d - 0.5) > 1e-6)
    out = (q + (d > 0.5)) / 100.0 + 0.0
    out[np.isnan(x)] = math.nan
    for index in zip(*np.nonzero(~fast & ~np.isnan(x)), strict=True):
        out[index] = round2(float(x[index]))
    return out
