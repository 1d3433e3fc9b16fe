"""Reads for the dashboards (工作台). Each runs a fixed number of queries, whatever the number
of plans, assessees, indicators or values (pinned in kaohe/web/tests/test_dashboards.py).

Completeness (数据完整度) of an assessor body in a plan: the share of expected values entered,
where expected = Σ over the leaf indicators it is assigned × the assessees of their category.
A value counts when it is stored for an assessee of the indicator's category (不涉及 counts:
it is an answer). Indicators without an assessor body are counted under ``None``
(shown as 未指定).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Subquery
from django.db.models.functions import Coalesce

from kaohe.evaluation.models import Evaluation, RaterGroup
from kaohe.plans.models import Grade, Indicator, PlanAssessee, Section, Value
from kaohe.results.formulas import METHOD_NAMES
from kaohe.results.models import AssesseeResult, Publication
from kaohe.results.selectors import plan_list_with_status, plan_status_row


def completeness(
    plan_ids: list[int], *, assessor: str | None = None, by_indicator: bool = False
) -> dict[int, list[dict[str, Any]]]:
    """Per plan id: one row per assessor body (or per indicator with ``by_indicator``), each
    ``{"assessor", "indicator"?, "expected", "entered", "share"}`` (3 queries).

    ``assessor`` restricts to one assessor body's indicators.
    """
    leaves = Indicator.objects.filter(plan_id__in=plan_ids, method__isnull=False)
    if assessor is not None:
        leaves = leaves.filter(assessor=assessor)
    sizes = {
        (row["plan_id"], row["category_id"]): row["n"]
        for row in PlanAssessee.objects.filter(plan_id__in=plan_ids)
        .values("plan_id", "category_id")
        .annotate(n=Count("id"))
        .order_by()
    }
    key_fields = ("assessor", "code") if by_indicator else ("assessor",)
    expected: dict[tuple[Any, ...], int] = defaultdict(int)
    names: dict[tuple[Any, ...], str] = {}
    order: list[tuple[Any, ...]] = []
    # Tree order: children take their parent's place among its siblings (两级 below a section).
    tree = leaves.annotate(top=Coalesce("parent__order", "order")).order_by(
        "plan_id",
        "section__category__order",
        "section__order",
        "top",
        F("parent_id").asc(nulls_first=True),
        "order",
    )
    for row in tree.values("plan_id", "section__category_id", "assessor", "code", "name"):
        key = (row["plan_id"], *(row[field] for field in key_fields))
        if key not in expected:
            order.append(key)
        expected[key] += sizes.get((row["plan_id"], row["section__category_id"]), 0)
        names[key] = row["name"]
    entered = _entered(plan_ids, assessor=assessor, by_indicator=by_indicator)
    result: dict[int, list[dict[str, Any]]] = {plan_id: [] for plan_id in plan_ids}
    for key in order:
        plan_id, body = key[0], key[1]
        row = {
            "assessor": body,
            "expected": expected[key],
            "entered": entered.get(key, 0),
            "share": entered.get(key, 0) / expected[key] if expected[key] else 1.0,
        }
        if by_indicator:
            row["indicator"] = key[2]
            row["name"] = names[key]
        result[plan_id].append(row)
    if not by_indicator:
        for rows in result.values():
            # Named bodies first, by name; the unassigned indicators last.
            rows.sort(key=lambda r: (r["assessor"] is None, r["assessor"] or ""))
    return result


def _entered(
    plan_ids: list[int], *, assessor: str | None, by_indicator: bool
) -> dict[tuple[Any, ...], int]:
    """Entered values per (plan, assessor[, indicator]), counted in the database (1 query)."""
    category = PlanAssessee.objects.filter(
        plan_id=OuterRef("plan_id"), code=OuterRef("assessee")
    ).values("category_id")[:1]
    indicator = Indicator.objects.filter(
        plan_id=OuterRef("plan_id"),
        code=OuterRef("indicator"),
        section__category_id=OuterRef("assessee_category"),
        method__isnull=False,
    )
    values = (
        Value.objects.filter(plan_id__in=plan_ids)
        .annotate(assessee_category=Subquery(category))
        .annotate(leaf=Exists(indicator), body=Subquery(indicator.values("assessor")[:1]))
        .filter(leaf=True)
    )
    if assessor is not None:
        values = values.filter(body=assessor)
    fields = ("plan_id", "body", "indicator") if by_indicator else ("plan_id", "body")
    return {
        tuple(row[field] for field in fields): row["n"]
        for row in values.values(*fields).annotate(n=Count("id")).order_by()
    }


def grade_distribution(plan_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """Per plan id, per category in declared order: ``{"code", "name", "n", "grades":
    [(grade, count), …]}`` with grades best first (2 queries; empty before computation)."""
    categories: dict[tuple[int, str], dict[str, Any]] = {}
    result: dict[int, list[dict[str, Any]]] = {plan_id: [] for plan_id in plan_ids}
    for row in (
        Grade.objects.filter(plan_id__in=plan_ids)
        .order_by("plan_id", "category__order", "order")
        .values("plan_id", "category__code", "category__name", "name")
    ):
        key = (row["plan_id"], row["category__code"])
        if key not in categories:
            categories[key] = {
                "code": row["category__code"],
                "name": row["category__name"],
                "n": 0,
                "counts": {},
            }
            result[row["plan_id"]].append(categories[key])
        categories[key]["counts"][row["name"]] = 0
    for row in (
        AssesseeResult.objects.filter(plan_id__in=plan_ids)
        .values("plan_id", "category", "grade")
        .annotate(n=Count("id"))
        .order_by()
    ):
        category = categories.get((row["plan_id"], row["category"]))
        if category is not None:
            category["counts"][row["grade"]] = category["counts"].get(row["grade"], 0) + row["n"]
            category["n"] += row["n"]
    for rows in result.values():
        for category in rows:
            category["grades"] = list(category.pop("counts").items())
    return result


def office_dashboard() -> dict[str, Any]:
    """Every plan with its status, completeness per assessor body and grades (6 queries)."""
    plans = plan_list_with_status(published_only=False)
    ids = [plan["id"] for plan in plans]
    filled = completeness(ids)
    grades = grade_distribution(ids)
    for plan in plans:
        plan["completeness"] = filled[plan["id"]]
        plan["categories"] = grades[plan["id"]]
    return {"plans": plans}


def assessor_dashboard(assessor: str) -> dict[str, Any]:
    """The plans where ``assessor`` scores indicators, with its indicators' completeness
    (4 queries)."""
    mine = _plans_of_assessor(assessor)
    plans = [plan for plan in plan_list_with_status(published_only=False) if plan["id"] in mine]
    filled = completeness([plan["id"] for plan in plans], assessor=assessor, by_indicator=True)
    for plan in plans:
        rows = filled[plan["id"]]
        plan["indicators"] = rows
        expected = sum(row["expected"] for row in rows)
        entered = sum(row["entered"] for row in rows)
        plan["expected"], plan["entered"] = expected, entered
        plan["share"] = entered / expected if expected else 1.0
    return {"plans": plans}


def _plans_of_assessor(assessor: str) -> set[int]:
    return set(
        Indicator.objects.filter(assessor=assessor).values_list("plan_id", flat=True).distinct()
    )


def unit_dashboard(unit_id: int) -> dict[str, Any]:
    """A unit's plans (where it is an assessee), its targets (the indicators of its category)
    its published results and its evaluations open now (5 queries)."""
    memberships = list(
        PlanAssessee.objects.filter(unit_id=unit_id)
        .select_related("plan", "category", "plan__computation", "plan__computation__publication")
        .order_by("-plan__year", "plan__code")
    )
    category_ids = [member.category_id for member in memberships]
    sections: dict[int, list[dict[str, Any]]] = defaultdict(list)
    section_rows = {
        row["id"]: {**row, "indicators": []}
        for row in Section.objects.filter(category_id__in=category_ids)
        .order_by("order")
        .values("id", "category_id", "code", "name", "points", "source")
    }
    for row in section_rows.values():
        sections[row["category_id"]].append(row)
    _attach_indicators(section_rows, category_ids)
    published = {
        (row.plan_id, row.code): row
        for row in AssesseeResult.objects.filter(
            Exists(
                PlanAssessee.objects.filter(
                    plan_id=OuterRef("plan_id"), code=OuterRef("code"), unit_id=unit_id
                )
            ),
            Exists(Publication.objects.filter(computation__plan_id=OuterRef("plan_id"))),
        ).only("plan_id", "code", "rank", "total", "grade", "category")
    }
    running = _open_evaluations([member.plan_id for member in memberships])
    plans = []
    for member in memberships:
        plan = plan_status_row(member.plan)
        plan["assessee"] = member.code
        # 测评进行中: the name and the day it opened, no figure (docs/voting-office.md).
        plan["evaluations_open"] = [
            {"name": name, "opened_at": opened}
            for name, opened, rated in running.get(member.plan_id, [])
            if member.code in rated
        ]
        plan["category"] = {"code": member.category.code, "name": member.category.name}
        plan["sections"] = sections[member.category_id]
        plan["result"] = published.get((member.plan_id, member.code))
        plans.append(plan)
    return {"plans": plans}


def _open_evaluations(plan_ids: list[int]) -> dict[int, list[tuple[str, Any, set[str]]]]:
    """Per plan, its open evaluations: (name, opened_at, the assessee codes its groups rate;
    frozen into the groups when it opened). 1 query."""
    running: dict[int, dict[int, tuple[str, Any, set[str]]]] = defaultdict(dict)
    for group in (
        RaterGroup.objects.filter(
            evaluation__plan_id__in=plan_ids, evaluation__status=Evaluation.Status.OPEN
        )
        .select_related("evaluation")
        .order_by("evaluation__order")
    ):
        evaluation = group.evaluation
        entry = running[evaluation.plan_id].setdefault(
            evaluation.pk, (evaluation.name, evaluation.opened_at, set())
        )
        entry[2].update(group.assessees or [])
    return {plan: list(entries.values()) for plan, entries in running.items()}


def _attach_indicators(sections: dict[int, dict[str, Any]], category_ids: list[int]) -> None:
    """Each section's indicator tree, depth first, with a ``depth`` for indenting (1 query)."""
    rows = list(
        Indicator.objects.filter(section__category_id__in=category_ids)
        .order_by("order")
        .values("id", "parent_id", "section_id", "code", "name", "points", "method", "target",
                "assessor")
    )  # fmt: skip
    children: dict[int | None, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        children[row["parent_id"]].append(row)

    def walk(row: dict[str, Any], depth: int) -> None:
        row["depth"] = depth
        row["method_name"] = METHOD_NAMES.get(row["method"] or "", row["method"] or "")
        sections[row["section_id"]]["indicators"].append(row)
        for child in children[row["id"]]:
            walk(child, depth + 1)

    for row in children[None]:
        walk(row, 0)


def public_dashboard() -> dict[str, Any]:
    """Plans whose results are published (1 query)."""
    return {"plans": plan_list_with_status(published_only=True)}
