"""Ranks and grades within a category (scoring.md §3.7, §5), on rounded figures."""

from __future__ import annotations

import math
from collections.abc import Sequence
from itertools import groupby

import numpy as np

from kaohe.engine.model import Category, Grade
from kaohe.engine.results import AssesseeResult
from kaohe.engine.rounding import round2_array


def capacities(grades: Sequence[Grade], n: int) -> list[int]:
    """Cumulative capacity ``C_g = floor(n * sum(quotas 1..g) / 100 + 1e-9)``; no quota: n.

    >>> from kaohe.engine.model import Grade
    >>> capacities([Grade("优秀", 20), Grade("良好", 40), Grade("一般"), Grade("较差")], 23)
    [4, 13, 23, 23]
    """
    result = []
    cumulative = 0.0
    for grade in grades:
        if grade.quota is None:
            result.append(n)
            continue
        cumulative += grade.quota
        result.append(min(n, math.floor(n * cumulative / 100 + 1e-9)))
    return result


def assign_ranks(results: Sequence[AssesseeResult]) -> None:
    """Competition rank (1, 2, 2, 4) by rounded total, descending; rank_of = category size.

    >>> from types import SimpleNamespace as R
    >>> rs = [R(rounded_total=t, rank=0, rank_of=0) for t in (90.0, 85.5, 85.5, 70.0)]
    >>> assign_ranks(rs); [r.rank for r in rs]
    [1, 2, 2, 4]
    """
    ordered = sorted(results, key=lambda r: -r.rounded_total)
    previous: float | None = None
    current = 0
    for position, result in enumerate(ordered, start=1):
        if result.rounded_total != previous:
            current = position
            previous = result.rounded_total
        result.rank = current
        result.rank_of = len(results)


def _effects(result: AssesseeResult) -> set[str]:
    return {veto.effect for veto in result.vetoes}


def assign_grades(category: Category, results: Sequence[AssesseeResult]) -> None:
    """Grades under cumulative capacities, vetoes, min_score, ties at a boundary, downgrades.

    Sets `grade_before_downgrade`, `grade`, `grade_reason` and the `tie_at_boundary` flag.
    """
    grades = category.grades
    last = len(grades) - 1
    n = len(results)
    cap = capacities(grades, n)
    held = [0] * len(grades)  # assessees at h or better, for h < last
    tiebreak = (
        category.tiebreak
        if category.tiebreak is not None
        else tuple(section.code for section in category.sections)
    )

    # Each result's rounded total and veto effects once (a rounding and a set each time
    # otherwise, several times per result at province scale); neither changes in here.
    totals = {id(result): result.rounded_total for result in results}
    effects = {id(result): _effects(result) for result in results}

    candidates = []
    for result in results:
        if "lowest" in effects[id(result)]:
            items = "、".join(v.item for v in result.vetoes if v.effect == "lowest")
            result.grade_before_downgrade = grades[last].name
            result.grade_reason = f"一票否决（{items}）：定为最后一个等次，不占名额"
        else:
            candidates.append(result)
    # Each key once (the rounded total, then each tie-break section's rounded score, all
    # negated): the sort and the grouping share them. The section scores are rounded as
    # one array (`round2_array` gives `round2` of each).
    section_scores = [result.section_scores() for result in candidates]
    matrix = np.array(
        [[scores[code] for code in tiebreak] for scores in section_scores], dtype=np.float64
    ).reshape(len(candidates), len(tiebreak))
    keys = {
        id(result): (-totals[id(result)], *row)
        for result, row in zip(candidates, (-round2_array(matrix)).tolist(), strict=True)
    }
    candidates.sort(key=lambda r: (keys[id(r)], r.code))
    closed: set[int] = set()  # grades left vacant after a tie at their boundary

    for _, tied in groupby(candidates, key=lambda r: keys[id(r)]):
        members = list(tied)
        remaining = list(members)
        notes: list[str] = []
        for g, grade in enumerate(grades):
            if not remaining:
                break
            if g == last:
                for result in remaining:
                    result.grade_before_downgrade = grade.name
                remaining = []
                break
            eligible = [
                r
                for r in remaining
                if not (g == 0 and "no_top" in effects[id(r)])
                and (grade.min_score is None or totals[id(r)] >= grade.min_score)
            ]
            if not eligible:
                continue
            if g in closed:
                notes.append(f"{grade.name}：因前序并列留空")
                continue
            places = min(cap[h] - held[h] for h in range(g, last))
            if places >= len(eligible):
                for result in eligible:
                    result.grade_before_downgrade = grade.name
                for h in range(g, last):
                    held[h] += len(eligible)
                taken = {id(r) for r in eligible}
                remaining = [r for r in remaining if id(r) not in taken]
            elif places > 0:
                # 名额可以空缺，不得突破: the tied group is not split; g stays vacant after it.
                for result in eligible:
                    result.flags.add("tie_at_boundary")
                closed.add(g)
                notes.append(f"{grade.name}：并列{len(eligible)}人超出剩余名额{places}个")
            else:
                notes.append(f"{grade.name}：名额已满")
        for result in members:
            reasons = [
                *notes,
                f"按总分{totals[id(result)]}排序定为{result.grade_before_downgrade}",
            ]
            result.grade_reason = "；".join(reasons)

    index_of: dict[str, int] = {}
    for i, grade in enumerate(grades):
        index_of.setdefault(grade.name, i)  # the first grade of that name
    for result in results:
        effect = effects[id(result)]
        if "no_top" in effect and "lowest" not in effect:
            items = "、".join(v.item for v in result.vetoes if v.effect == "no_top")
            result.grade_reason = (
                f"一票否决（{items}）：不得评为{grades[0].name}；" + result.grade_reason
            )
        index = index_of[result.grade_before_downgrade]
        final = min(last, index + result.downgrades)
        result.grade = grades[final].name
        if result.downgrades:
            result.grade_reason = (
                result.grade_reason + "；" if result.grade_reason else ""
            ) + f"降档{result.downgrades}次：{result.grade_before_downgrade} → {result.grade}"
