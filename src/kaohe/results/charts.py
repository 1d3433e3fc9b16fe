"""Charts of the result pages, built from what the selectors already read and cached.

matplotlib needs 100+ ms per chart, the pages must answer in well under 300 ms: each page's
charts are built once per computation and kept in Django's cache under the plan code and the
computation time, so a new computation (a new ``computed_at``) is a new key and a warm page
adds no query and no drawing. The SVG strings are trusted markup made here from numbers and
the plan's own names (matplotlib draws the text as outlines and escapes the ``<title>``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any, TypeVar

from django.core.cache import cache
from django.utils.safestring import mark_safe

from kaohe.charts import grade_distribution_svg, radar_svg, ranking_bars_svg, section_bars_svg
from kaohe.results.breakdowns import small

# Part of every key: bump it when a chart's drawing changes, so old pictures are not served.
CHARTS_VERSION = "2"  # 2: no radar (nor category mean) from fewer than 5 ballots
# A computation's charts never change; the timeout only frees memory of plans nobody opens.
TIMEOUT_S = 7 * 24 * 3600

T = TypeVar("T")


def cache_key(plan_code: str, computed_at: datetime, *parts: str) -> str:
    """A cache key safe for any backend (plan codes may hold any character).

    >>> from datetime import datetime, timezone
    >>> when = datetime(2025, 1, 2, 3, 4, 5, 6, tzinfo=timezone.utc)
    >>> cache_key("2025 年度", when, "ranking") == cache_key("2025 年度", when, "ranking")
    True
    >>> cache_key("p", when, "ranking") != cache_key("p", when.replace(microsecond=7), "ranking")
    True
    """
    raw = "\x1f".join((CHARTS_VERSION, plan_code, computed_at.isoformat(), *parts))
    return "kaohe:charts:" + hashlib.sha256(raw.encode()).hexdigest()


def cached(key: str, build: Callable[[], T]) -> T:
    """``build()`` once per key (a race builds twice and stores the same bytes)."""
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, TIMEOUT_S)
    return value


def ranking_charts(data: dict[str, Any]) -> None:
    """Add ``charts.distribution`` to the ranking page data and ``chart`` to each category.

    ``data`` is ``ranking_page``'s dict (categories with ``grade_counts`` and their assessees
    in rank order). No computation yet: no charts.
    """
    computed_at = data.get("computed_at")
    if computed_at is None:
        data["charts"] = {}
        return
    key = cache_key(data["plan"]["code"], computed_at, "ranking")
    svgs: dict[str, Any] = cached(key, lambda: _ranking_svgs(data["categories"]))
    data["charts"] = {"distribution": mark_safe(svgs["distribution"])}
    for category in data["categories"]:
        svg = svgs["categories"].get(category["code"])
        category["chart"] = mark_safe(svg) if svg else None


def _ranking_svgs(categories: list[dict[str, Any]]) -> dict[str, Any]:
    with_results = [c for c in categories if c["assessees"]]
    return {
        "distribution": grade_distribution_svg(
            categories=[(c["name"], list(c["grade_counts"])) for c in with_results]
        ),
        "categories": {
            c["code"]: ranking_bars_svg(
                title=f"{c['name']} 总分排名",
                rows=[(a["name"], a["total"], a["grade"]) for a in c["assessees"]],
                grades=_grades_with(c["grades"], (a["grade"] for a in c["assessees"])),
            )
            for c in with_results
        },
    }


def _grades_with(grades: list[str], used: Iterable[str]) -> list[str]:
    """The category's grades, plus (last) any grade a stored result names that the plan no
    longer lists, so an edited plan never breaks the page of an older computation."""
    extra = [g for g in dict.fromkeys(used) if g not in grades]
    return [*grades, *extra]


def explanation_charts(
    data: dict[str, Any],
    *,
    computed_at: datetime | None,
    category_dimensions: Callable[[], list[dict[str, Any]]],
) -> None:
    """Add ``charts`` (``sections`` and ``radars``) to the explanation page data.

    ``category_dimensions()`` returns the stored explanations' ``evaluations`` of every
    assessee of the category; it is called (one query) only when the category's mean per
    dimension is not cached yet. Without ``computed_at`` nothing is cached.
    """
    explanation = data["explanation"]
    plan_code = data["plan"]["code"]
    code = data["result"]["code"]
    dimension_evaluations = [
        (evaluation_code, evaluation)
        for evaluation_code, evaluation in explanation["evaluations"].items()
        if evaluation.get("dimensions")
    ]

    def build() -> dict[str, Any]:
        means: dict[str, dict[str, float]] = {}
        if dimension_evaluations:
            means = _maybe_cached(
                plan_code,
                computed_at,
                ("dimension-means", data["category"]["code"]),
                lambda: category_means(category_dimensions()),
            )
        return {
            "sections": section_bars_svg(
                sections=[(s["name"], s["score"], s["points"]) for s in explanation["sections"]]
            ),
            "radars": [
                {
                    "evaluation": evaluation_code,
                    "svg": radar_svg(
                        title=f"{data['result']['name']} {evaluation.get('name', evaluation_code)}",
                        dimensions=list(evaluation["dimensions"].items()),
                        reference=_reference(means.get(evaluation_code), evaluation["dimensions"]),
                    ),
                }
                for evaluation_code, evaluation in dimension_evaluations
            ],
        }

    charts = _maybe_cached(plan_code, computed_at, ("explanation", code), build)
    data["charts"] = {
        "sections": mark_safe(charts["sections"]),
        "radars": [
            {"evaluation": r["evaluation"], "svg": mark_safe(r["svg"])} for r in charts["radars"]
        ],
    }


def _maybe_cached(
    plan_code: str, computed_at: datetime | None, parts: tuple[str, ...], build: Callable[[], T]
) -> T:
    if computed_at is None:
        return build()
    return cached(cache_key(plan_code, computed_at, *parts), build)


def _reference(
    means: dict[str, float] | None, dimensions: dict[str, float | None]
) -> list[tuple[str, float]] | None:
    if not means or any(means.get(d) is None for d in dimensions):
        return None
    return [(d, means[d]) for d in dimensions]


def category_means(evaluations: Iterable[dict[str, Any]]) -> dict[str, dict[str, float]]:
    """Per dimensions-form evaluation, the category's mean per dimension: the plain mean of
    the assessees' own means (each assessee counts once, whatever its number of marks);
    assessees without valid marks are left out, and so are those with fewer than 5, whose
    means are never shown (``kaohe.results.breakdowns``): a category mean including them
    would give them away by difference.

    >>> category_means([
    ...     {"e": {"valid": 9, "dimensions": {"德": 90.0, "能": 80.0}}},
    ...     {"e": {"valid": 5, "dimensions": {"德": 70.0, "能": 85.0}}, "g": {"score": 1.0}},
    ...     {"e": {"valid": 0, "dimensions": {"德": None, "能": None}}},
    ...     {"e": {"valid": 3, "dimensions": {"德": 10.0, "能": 10.0}}},
    ... ])
    {'e': {'德': 80.0, '能': 82.5}}
    """
    sums: dict[str, dict[str, list[float]]] = {}
    for by_code in evaluations:
        for evaluation_code, evaluation in by_code.items():
            if small(int(evaluation.get("valid") or 0)):
                continue
            for dimension, value in (evaluation.get("dimensions") or {}).items():
                if value is not None:
                    sums.setdefault(evaluation_code, {}).setdefault(dimension, []).append(value)
    return {
        code: {d: sum(values) / len(values) for d, values in dims.items()}
        for code, dims in sums.items()
    }
