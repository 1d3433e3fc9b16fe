"""Ranks and grades within a category (scoring.md §3.7, §5), on rounded figures."""

from __future__ import annotations

import math
from collections.abc import Sequence
from itertools import groupby

from kaohe.engine.model import Category, Grade
from kaohe.engine.results import AssesseeResult
from kaohe.engine.rounding import round2


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

    def key(result: AssesseeResult) -> tuple[float, ...]:
        scores = result.section_scores()
        return (-result.rounded_total, *(-round2(scores[code]) for code in tiebreak))

    candidates = []
    for result in results:
        if "lowest" in _effects(result):
            items = "、".join(v.item for v in result.vetoes if v.effect == "lowest")
            result.grade_before_downgrade = grades[last].name
            result.grade_reason = f"一票否决（{items}）：定为最后一个等次，不占名额"
        else:
            candidates.append(result)
    # Each key once (a rounding per tie-break section): the sort and the grouping share them.
    keys = {id(result): key(result) for result in candidates}
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
                if not (g == 0 and "no_top" in _effects(r))
                and (grade.min_score is None or r.rounded_total >= grade.min_score)
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
                f"按总分{result.rounded_total}排序定为{result.grade_before_downgrade}",
            ]
            result.grade_reason = "；".join(reasons)

    for result in results:
        if "no_top" in _effects(result) and "lowest" not in _effects(result):
            items = "、".join(v.item for v in result.vetoes if v.effect == "no_top")
            result.grade_reason = (
                f"一票否决（{items}）：不得评为{grades[0].name}；" + result.grade_reason
            )
        index = next(i for i, g in enumerate(grades) if g.name == result.grade_before_downgrade)
        final = min(last, index + result.downgrades)
        result.grade = grades[final].name
        if result.downgrades:
            result.grade_reason = (
                result.grade_reason + "；" if result.grade_reason else ""
            ) + f"降档{result.downgrades}次：{result.grade_before_downgrade} → {result.grade}"
