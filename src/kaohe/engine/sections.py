"""Section scores (scoring.md §1–§2, §8): leaves with exempt rescaling, process, evaluations."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from kaohe.engine.methods import competition_ranks, leaf_score
from kaohe.engine.model import NA, Category, Indicator, Section, Value
from kaohe.engine.results import EvaluationResult, LeafResult, SectionResult

Ranks = Mapping[str, Mapping[str, tuple[int, int]]]  # leaf code -> assessee -> (k, n)


def category_ranks(
    category: Category, assessees: Sequence[str], values: Mapping[tuple[str, str], Value]
) -> dict[str, dict[str, tuple[int, int]]]:
    """(k, n) of every assessee with a numeric value, for each `rank` leaf of the category.

    >>> from kaohe.engine.model import Grade
    >>> leaf = Indicator("R", "排名", 5, "rank")
    >>> cat = Category("c", "c", (Section("s", "s", 5, indicators=(leaf,)),), (Grade("x"),))
    >>> category_ranks(cat, ["a", "b", "c"], {("a", "R"): 3.0, ("b", "R"): 9.0, ("c", "R"): NA})
    {'R': {'b': (1, 2), 'a': (2, 2)}}
    """
    ranks: dict[str, dict[str, tuple[int, int]]] = {}
    for section in category.sections:
        for leaf in section.leaves():
            if leaf.method != "rank":
                continue
            numeric: dict[str, float] = {}
            for code in assessees:
                value = values.get((code, leaf.code))
                if value is not None and value is not NA and not isinstance(value, str):
                    numeric[code] = float(value)
            k = competition_ranks(numeric, lower=leaf.direction == "lower")
            n = len(numeric)
            ranks[leaf.code] = {code: (rank, n) for code, rank in k.items()}
    return ranks


def _leaf(
    leaf: Indicator, code: str, values: Mapping[tuple[str, str], Value], ranks: Ranks
) -> LeafResult:
    value = values.get((code, leaf.code))
    method = leaf.method or ""
    if value is None:
        return LeafResult(leaf.code, leaf.name, method, leaf.points, None, "missing", 0.0)
    if value is NA:
        return LeafResult(leaf.code, leaf.name, method, leaf.points, "N/A", "exempt", None)
    rank = ranks.get(leaf.code, {}).get(code) if method == "rank" else None
    if method == "rank" and rank is None:
        # A non-numeric value cannot be ranked; the builder rejects it, so this is defensive.
        return LeafResult(leaf.code, leaf.name, method, leaf.points, value, "missing", 0.0)
    score = leaf_score(leaf, value, rank)  # type: ignore[arg-type]
    return LeafResult(leaf.code, leaf.name, method, leaf.points, value, "scored", score, rank)


def indicator_section(
    section: Section,
    code: str,
    values: Mapping[tuple[str, str], Value],
    ranks: Ranks,
    flags: set[str],
) -> SectionResult:
    """Sum of leaf scores; with any leaf exempt, rescaled over the leaves that apply.

    >>> from kaohe.engine.model import NA
    >>> a = Indicator("A", "a", 10, "direct")
    >>> b = Indicator("B", "b", 30, "direct")
    >>> s = Section("s", "s", 40, indicators=(a, b))
    >>> flags = set()
    >>> indicator_section(s, "x", {("x", "A"): 8.0, ("x", "B"): NA}, {}, flags).score  # 8*40/10
    32.0
    >>> sorted(flags)
    ['exempt:B']
    """
    leaves = [_leaf(leaf, code, values, ranks) for leaf in section.leaves()]
    for leaf in leaves:
        if leaf.status != "scored":
            flags.add(f"{leaf.status}:{leaf.code}")
    applied = [leaf for leaf in leaves if leaf.status != "exempt"]
    if len(applied) == len(leaves):
        return SectionResult(
            section.code, section.name, section.points, "indicators",
            math.fsum(leaf.score or 0.0 for leaf in leaves), tuple(leaves),
        )  # fmt: skip
    applied_points = math.fsum(leaf.points for leaf in applied)
    if not applied or applied_points <= 0:
        score = float(section.points)  # every indicator exempt: full points (scoring.md §2)
    else:
        score = math.fsum(leaf.score or 0.0 for leaf in applied) * section.points / applied_points
    return SectionResult(
        section.code, section.name, section.points, "indicators", score, tuple(leaves),
        rescaled=True, applied_points=applied_points,
    )  # fmt: skip


def process_section(
    section: Section, code: str, process: Mapping[str, float], flags: set[str]
) -> SectionResult:
    """日常考核: ``P * points / 100``; missing P scores 0 with ``missing:SECTION``.

    >>> process_section(Section("p", "日常", 20, "process"), "x", {"x": 92.5}, set()).score
    18.5
    """
    p = process.get(code)
    if p is None:
        flags.add(f"missing:{section.code}")
        score = 0.0
    else:
        score = p * section.points / 100.0
    return SectionResult(section.code, section.name, section.points, "process", score, process=p)


def evaluation_section(section: Section, evaluation: EvaluationResult | None) -> SectionResult:
    """民主评价: ``E * points / 100`` (E = 0 when there is no ballot at all)."""
    e = evaluation.score if evaluation is not None else 0.0
    return SectionResult(
        section.code, section.name, section.points, "evaluation", e * section.points / 100.0,
        evaluation=section.evaluation,
    )  # fmt: skip
