"""Comparison of results JSON with the golden files (numbers 0.01, rates 0.0002, rest exact)."""

from __future__ import annotations

from typing import Any

RATE_KEYS = frozenset({"top_rate", "satisfaction_rate", "share", "full_share", "cv"})


def differences(expected: Any, actual: Any, path: str = "", key: str = "") -> list[str]:
    """Every difference as `path: expected … got …` (empty list: equal within tolerance)."""
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [f"{path}: expected a mapping, got {actual!r}"]
        if list(expected) != list(actual):
            return [f"{path}: keys {list(expected)} != {list(actual)}"]
        out: list[str] = []
        for k in expected:
            out += differences(expected[k], actual[k], f"{path}.{k}", k)
        return out
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(expected) != len(actual):
            return [f"{path}: expected {expected!r}, got {actual!r}"]
        out = []
        for i, (e, a) in enumerate(zip(expected, actual, strict=True)):
            out += differences(e, a, f"{path}[{i}]", key)
        return out
    number = (int, float)
    if isinstance(expected, number) and not isinstance(expected, bool):
        if not isinstance(actual, number) or isinstance(actual, bool):
            return [f"{path}: expected {expected!r}, got {actual!r}"]
        tolerance = 0.0002 if key in RATE_KEYS else 0.01
        if abs(expected - actual) > tolerance + 1e-12:
            return [f"{path}: expected {expected!r}, got {actual!r}"]
        return []
    if expected != actual:
        return [f"{path}: expected {expected!r}, got {actual!r}"]
    return []
