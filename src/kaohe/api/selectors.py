"""Reads the API needs beyond the pages' selectors, each a fixed number of queries whatever
the number of assessees or indicators (pinned in tests/test_queries.py).

The plan's structure is read from its rows (not through ``plan_document``, which also loads
every ballot mark); results come from ``kaohe.results.selectors`` and the stored tables.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Count

from kaohe.plans.models import Category, Grade, Indicator, Plan, PlanAssessee, Section, VetoItem
from kaohe.results import selectors as result_selectors
from kaohe.results.models import IndicatorDiagnostic, WorstResult


def plan_status(plan_code: str) -> dict[str, Any]:
    """``plan_status_row`` of one plan (one query). Raises ``Plan.DoesNotExist``."""
    plan = Plan.objects.select_related("computation", "computation__publication").get(
        code=plan_code
    )
    return result_selectors.plan_status_row(plan)


def plan_detail(plan_code: str) -> dict[str, Any]:
    """The plan with its categories, sections, indicator trees, grades and vetoes (seven
    queries). Raises ``Plan.DoesNotExist``."""
    detail = plan_status(plan_code)
    plan_id = detail["id"]
    plan = Plan.objects.only("bonus_cap", "non_discriminating_share").get(id=plan_id)
    sizes = dict(
        PlanAssessee.objects.filter(plan_id=plan_id)
        .values("category_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("category_id", "n")
    )
    children: dict[tuple[int, int | None], list[Indicator]] = defaultdict(list)
    for row in Indicator.objects.filter(plan_id=plan_id).order_by("order"):
        children[(row.section_id, row.parent_id)].append(row)

    def tree(row: Indicator) -> dict[str, Any]:
        return {
            "code": row.code,
            "name": row.name,
            "points": row.points,
            "method": row.method,
            "target": row.target,
            "cap": row.cap,
            "direction": row.direction,
            "tiers": [list(tier) for tier in row.tiers],
            "floor": row.floor,
            "grades": dict(row.grades),
            "per": row.per,
            "assessor": row.assessor,
            "children": [tree(child) for child in children[(row.section_id, row.id)]],
        }

    sections: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for section in Section.objects.filter(plan_id=plan_id).order_by("order"):
        sections[section.category_id].append(
            {
                "code": section.code,
                "name": section.name,
                "points": section.points,
                "source": section.source,
                "evaluation": section.evaluation,
                "indicators": [tree(row) for row in children[(section.id, None)]],
            }
        )
    grades: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for grade in Grade.objects.filter(plan_id=plan_id).order_by("order"):
        grades[grade.category_id].append(
            {"name": grade.name, "quota": grade.quota, "min_score": grade.min_score}
        )
    detail.update(
        bonus_cap=plan.bonus_cap,
        non_discriminating_share=plan.non_discriminating_share,
        vetoes=list(
            VetoItem.objects.filter(plan_id=plan_id).order_by("order").values("item", "effect")
        ),
        categories=[
            {
                "code": category.code,
                "name": category.name,
                "full_score": category.full_score,
                "tiebreak": category.tiebreak,
                "assessees": sizes.get(category.id, 0),
                "sections": sections[category.id],
                "grades": grades[category.id],
            }
            for category in Category.objects.filter(plan_id=plan_id).order_by("order")
        ],
    )
    return detail


def ranking(plan_code: str, explainable: frozenset[str] | None) -> dict[str, Any]:
    """The ranking per category as the ranking page reads it, each row marked with whether
    the caller may open its explanation (``explainable``: None means every one).

    Raises ``Plan.DoesNotExist``."""
    page = result_selectors.ranking_page(plan_code, with_kinds=False)
    categories = []
    for category in page["categories"]:
        categories.append(
            {
                "code": category["code"],
                "name": category["name"],
                "n": category["n"],
                "sections": category["sections"],
                "grades": category["grades"],
                "grade_counts": [
                    {"grade": grade, "count": count} for grade, count in category["grade_counts"]
                ],
                "non_discriminating": category["non_discriminating"],
                "assessees": [
                    {
                        **row,
                        "explainable": explainable is None or row["code"] in explainable,
                    }
                    for row in category["assessees"]
                ],
            }
        )
    return {"plan": plan_status(plan_code), "categories": categories}


def diagnostics(plan_code: str) -> list[dict[str, Any]]:
    """指标区分度 of every indicator per category, in results order, with the indicator's
    name (three queries; empty before computation). Raises ``Plan.DoesNotExist``."""
    plan_id = Plan.objects.values_list("id", flat=True).get(code=plan_code)
    names = dict(Indicator.objects.filter(plan_id=plan_id).values_list("code", "name"))
    return [
        {**data, "name": names.get(data["indicator"], "")}
        for data in IndicatorDiagnostic.objects.filter(plan_id=plan_id)
        .order_by("order")
        .values_list("data", flat=True)
    ]


def worst_lists(plan_code: str) -> list[dict[str, Any]]:
    """Per worst-vote evaluation (评选最差), the assessees named, in results order, with
    their names (three queries; empty before computation). Raises ``Plan.DoesNotExist``."""
    plan_id = Plan.objects.values_list("id", flat=True).get(code=plan_code)
    names = dict(PlanAssessee.objects.filter(plan_id=plan_id).values_list("code", "name"))
    lists: dict[str, list[dict[str, Any]]] = {}
    for evaluation, data in (
        WorstResult.objects.filter(plan_id=plan_id)
        .order_by("order")
        .values_list("evaluation", "data")
    ):
        lists.setdefault(evaluation, []).append({**data, "name": names.get(data["assessee"], "")})
    return [{"evaluation": code, "entries": entries} for code, entries in lists.items()]
