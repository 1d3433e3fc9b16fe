"""Pure pieces of the voting benchmark (no locust import, so they can be tested alone):
the ballot a simulated voter fills in, and the figures of a phase from its request samples.
"""

from __future__ import annotations

import math
import random
from typing import Any

Sample = tuple[str, float, float, bool, str]  # name, start (epoch s), ms, ok, error


def marks_for(form: dict[str, Any], rng: random.Random) -> dict[str, str]:
    """A valid ballot of the bench's form: every assessee in scope gets an option, the top
    option at most `top_limit` times (a careful voter), so no ballot is void."""
    options: list[str] = form["options"]
    weights = [4, 3, 2, 1][: len(options)] + [1] * max(0, len(options) - 4)
    marks: dict[str, str] = {}
    tops = 0
    for code in form["assessees"]:
        option = rng.choices(options, weights=weights)[0]
        if option == form["top"]:
            tops += 1
            if tops > form["top_limit"]:
                option = options[1]
        marks[code] = option
    return marks


def _percentile(sorted_ms: list[float], share: float) -> float | None:
    """Nearest-rank percentile (the smallest value with at least `share` of samples ≤ it)."""
    if not sorted_ms:
        return None
    rank = max(1, math.ceil(round(share * len(sorted_ms), 9)))
    return sorted_ms[min(len(sorted_ms), rank) - 1]


def summarise(samples: list[Sample]) -> dict[str, Any]:
    """Per request name and for all: count, errors, throughput, p50/p95/p99/max (ms)."""

    def figures(rows: list[Sample]) -> dict[str, Any]:
        if not rows:
            return {"requests": 0, "errors": 0, "seconds": 0.0, "per_second": None}
        times = sorted(r[2] for r in rows)
        first = min(r[1] for r in rows)
        last = max(r[1] + r[2] / 1000 for r in rows)
        seconds = max(last - first, 1e-9)
        errors: dict[str, int] = {}
        for row in rows:
            if not row[3]:
                errors[row[4]] = errors.get(row[4], 0) + 1
        return {
            "requests": len(rows),
            "errors": sum(errors.values()),
            "error_kinds": dict(sorted(errors.items(), key=lambda kv: -kv[1])[:5]),
            "seconds": seconds,
            "per_second": len(rows) / seconds,
            "p50_ms": _percentile(times, 0.50),
            "p95_ms": _percentile(times, 0.95),
            "p99_ms": _percentile(times, 0.99),
            "max_ms": times[-1],
        }

    names = sorted({s[0] for s in samples})
    return {
        "all": figures(samples),
        "by_name": {name: figures([s for s in samples if s[0] == name]) for name in names},
    }
