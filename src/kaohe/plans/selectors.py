"""Reads for plans: the stored document, the stored results, and what the pages show.

Every selector runs a constant number of SQL queries whatever the number of assessees, values
or marks (tests pin the counts): rows are fetched per table filtered by ``plan_id`` and put
together in Python.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from kaohe.engine.model import (
    NA,
    Assessee,
    Category,
    Document,
    Evaluation,
    Event,
    Grade,
    Group,
    Indicator,
    Organization,
    Person,
    Plan,
    Section,
    Unit,
    Value,
    VetoItem,
    empty_marks,
)
from kaohe.evaluation import models as evaluation_models
from kaohe.evaluation.marks import load_marks
from kaohe.plans import models
from kaohe.plans.bulk import read_frame
from kaohe.results.models import (
    AssesseeResult,
    CategoryResult,
    Computation,
    IndicatorDiagnostic,
    WorstResult,
)

# ---------------------------------------------------------------------------------------------
# The stored document


def plan_document(plan_code: str, *, marks: bool = True) -> Document:
    """Rebuild the ``Document`` stored by ``plan_load`` (raises ``Plan.DoesNotExist``).

    ``marks=False`` leaves the ballot marks out (an empty frame): for pages that show or check
    the plan's structure, where reading millions of marks would be all the cost.
    """
    plan = models.Plan.objects.get(code=plan_code)
    evaluations, evaluation_codes, group_codes = _evaluations(plan)
    assessees = list(
        models.PlanAssessee.objects.filter(plan=plan)
        .select_related("category")
        .order_by("order")
        .only("code", "name", "unit_code", "position", "scale", "process", "category__code")
    )
    return Document(
        organization=_organization(plan),
        plan=_plan(plan),
        assessees=tuple(
            Assessee(
                code=row.code,
                name=row.name,
                category=row.category.code,
                unit=row.unit_code,
                position=row.position,
            )
            for row in assessees
        ),
        evaluations=evaluations,
        values=_values(plan),
        scale={row.code: row.scale for row in assessees if row.scale is not None},
        process={row.code: row.process for row in assessees if row.process is not None},
        events=tuple(
            Event(
                assessee=row.assessee,
                type=row.type,  # type: ignore[arg-type]
                points=row.points,
                item=row.item,
                effect=row.effect,  # type: ignore[arg-type]
                reason=row.reason,
            )
            for row in models.Event.objects.filter(plan=plan).order_by("order")
        ),
        marks=(
            load_marks(evaluations=evaluation_codes, groups=group_codes) if marks else empty_marks()
        ),
    )


def _organization(plan: models.Plan) -> Organization:
    units: list[Unit] = []
    people: list[Person] = []
    for row in models.PlanMember.objects.filter(plan=plan).order_by("order"):
        if row.unit_id is not None:
            units.append(
                Unit(code=row.code, name=row.name, category=row.category, parent=row.parent)
            )
        else:
            people.append(
                Person(
                    code=row.code,
                    name=row.name,
                    unit=row.parent,
                    position=row.position,
                    category=row.category,
                    role=row.role,
                )
            )
    return Organization(name=plan.organization_name, units=tuple(units), people=tuple(people))


def indicator_data(row: models.Indicator, children: tuple[Indicator, ...] = ()) -> Indicator:
    """The engine's indicator for a stored row (its children already converted)."""
    return Indicator(
        code=row.code,
        name=row.name,
        points=row.points,
        method=row.method,  # type: ignore[arg-type]
        children=children,
        target=row.target,
        cap=row.cap,
        direction=row.direction,  # type: ignore[arg-type]
        tiers=tuple((tier[0], tier[1]) for tier in row.tiers),
        floor=row.floor,
        grades=row.grades,
        per=row.per,
        assessor=row.assessor,
    )


def _plan(plan: models.Plan) -> Plan:
    sections_by_category: dict[int, list[models.Section]] = defaultdict(list)
    for section in models.Section.objects.filter(plan=plan).order_by("category_id", "order"):
        sections_by_category[section.category_id].append(section)
    grades_by_category: dict[int, list[Grade]] = defaultdict(list)
    for grade in models.Grade.objects.filter(plan=plan).order_by("category_id", "order"):
        grades_by_category[grade.category_id].append(
            Grade(name=grade.name, quota=grade.quota, min_score=grade.min_score)
        )
    children: dict[tuple[int, int | None], list[models.Indicator]] = defaultdict(list)
    for indicator in models.Indicator.objects.filter(plan=plan).order_by("order"):
        children[(indicator.section_id, indicator.parent_id)].append(indicator)

    def build(row: models.Indicator) -> Indicator:
        return indicator_data(
            row, children=tuple(build(child) for child in children[(row.section_id, row.id)])
        )

    categories = tuple(
        Category(
            code=category.code,
            name=category.name,
            sections=tuple(
                Section(
                    code=section.code,
                    name=section.name,
                    points=section.points,
                    source=section.source,  # type: ignore[arg-type]
                    indicators=tuple(build(row) for row in children[(section.id, None)]),
                    evaluation=section.evaluation,
                )
                for section in sections_by_category[category.id]
            ),
            grades=tuple(grades_by_category[category.id]),
            full_score=category.full_score,
            tiebreak=tuple(category.tiebreak) if category.tiebreak is not None else None,
        )
        for category in models.Category.objects.filter(plan=plan).order_by("order")
    )
    return Plan(
        code=plan.code,
        name=plan.name,
        year=plan.year,
        categories=categories,
        assessees=plan.assessees,  # type: ignore[arg-type]
        bonus_cap=plan.bonus_cap,
        non_discriminating_share=plan.non_discriminating_share,
        vetoes=tuple(
            VetoItem(item=row.item, effect=row.effect)  # type: ignore[arg-type]
            for row in models.VetoItem.objects.filter(plan=plan).order_by("order")
        ),
    )


def _values(plan: models.Plan) -> dict[tuple[str, str], Value]:
    rows = read_frame(
        models.Value,
        ["assessee", "indicator", "kind", "number", "text"],
        where=("plan", [plan.id]),
        order_by="order",
    )
    values: dict[tuple[str, str], Value] = {}
    na, text = models.Value.Kind.NA.value, models.Value.Kind.TEXT.value
    for assessee, indicator, kind, number, label in zip(
        *(rows.get_column(name).to_list() for name in rows.columns), strict=True
    ):
        if kind == na:
            values[(assessee, indicator)] = NA
        elif kind == text:
            values[(assessee, indicator)] = label
        else:
            values[(assessee, indicator)] = number
    return values


def evaluation_data(
    row: evaluation_models.Evaluation, groups: list[evaluation_models.RaterGroup]
) -> Evaluation:
    """A stored evaluation and its rater groups (in order) as the engine reads them."""
    return Evaluation(
        code=row.code,
        name=row.name,
        groups=tuple(
            Group(
                code=group.code,
                name=group.name,
                weight=group.weight,
                trim=group.trim,
                min_ballots=group.min_ballots,
            )
            for group in groups
        ),
        kind=row.kind,  # type: ignore[arg-type]
        form=row.form,  # type: ignore[arg-type]
        options=row.options,
        satisfied=tuple(row.satisfied),
        dimensions=row.dimensions,
        max=row.max,
        max_top_share=row.max_top_share,
        max_picks=row.max_picks,
        threshold=row.threshold,
        veto=(
            VetoItem(item=row.veto_item, effect=row.veto_effect)  # type: ignore[arg-type]
            if row.veto_item is not None or row.veto_effect is not None
            else None
        ),
        handling_below=row.handling_below,
        handling_below_text=row.handling_below_text,
        pass_share=row.pass_share,
    )


def _evaluations(
    plan: models.Plan,
) -> tuple[tuple[Evaluation, ...], dict[int, str], dict[int, str]]:
    rows = list(evaluation_models.Evaluation.objects.filter(plan=plan).order_by("order"))
    groups_by_evaluation: dict[int, list[evaluation_models.RaterGroup]] = defaultdict(list)
    for group in evaluation_models.RaterGroup.objects.filter(evaluation__plan=plan).order_by(
        "evaluation_id", "order"
    ):
        groups_by_evaluation[group.evaluation_id].append(group)
    evaluations = tuple(evaluation_data(row, groups_by_evaluation[row.id]) for row in rows)
    evaluation_codes = {row.id: row.code for row in rows}
    group_codes = {
        group.id: group.code for groups in groups_by_evaluation.values() for group in groups
    }
    return evaluations, evaluation_codes, group_codes


# ---------------------------------------------------------------------------------------------
# Stored results


def plan_results_dict(plan_code: str) -> dict[str, Any] | None:
    """The stored results, equal to the engine's ``Results.to_dict()`` (same keys, same order).

    None when the plan has not been computed; raises ``Plan.DoesNotExist`` for an unknown plan.
    """
    plan = models.Plan.objects.get(code=plan_code)
    computation = Computation.objects.filter(plan=plan).first()
    if computation is None:
        return None
    layout: dict[str, Any] = computation.layout
    worst: dict[str, list[dict[str, Any]]] = {code: [] for code in layout.get("worst", [])}
    for row in WorstResult.objects.filter(plan=plan).order_by("order"):
        worst.setdefault(row.evaluation, []).append(row.data)
    parts: dict[str, Any] = {
        "plan": plan.code,
        "categories": {
            row.code: row.data for row in CategoryResult.objects.filter(plan=plan).order_by("order")
        },
        "assessees": list(
            AssesseeResult.objects.filter(plan=plan)
            .order_by("order")
            .values_list("data", flat=True)
        ),
        "indicators": list(
            IndicatorDiagnostic.objects.filter(plan=plan)
            .order_by("order")
            .values_list("data", flat=True)
        ),
        "worst": worst,
    }
    extra: dict[str, Any] = layout.get("extra", {})
    return {key: extra[key] if key in extra else parts[key] for key in layout["keys"]}


def plan_list() -> list[dict[str, Any]]:
    """Every stored plan, newest year first, with when it was last computed (one query)."""
    return [
        {
            **_plan_summary(plan),
            "computed_at": getattr(getattr(plan, "computation", None), "computed_at", None),
        }
        for plan in models.Plan.objects.select_related("computation").order_by("-year", "code")
    ]


def ranking(plan_code: str) -> dict[str, Any]:
    """The ranking page: the plan and, per category in declared order, its assessees' results.

    ``{"plan": {code, name, year, assessees, organization}, "computed_at": datetime | None,
    "categories": [{"code", "name", "n", "non_discriminating": [...], "assessees": [result
    dicts as in the results JSON, by rank then code]}]}``. Four queries.
    Raises ``Plan.DoesNotExist``.
    """
    plan = models.Plan.objects.select_related("computation").get(code=plan_code)
    computation: Computation | None = getattr(plan, "computation", None)
    names = dict(
        models.Category.objects.filter(plan=plan).order_by("order").values_list("code", "name")
    )
    categories: dict[str, dict[str, Any]] = {
        code: {"code": code, "name": name, "n": 0, "non_discriminating": [], "assessees": []}
        for code, name in names.items()
    }
    if computation is not None:
        for data in (
            AssesseeResult.objects.filter(plan=plan)
            .order_by("order")
            .values_list("data", flat=True)
        ):
            category = categories[data["category"]]
            category["assessees"].append(data)
        for category in categories.values():
            category["n"] = len(category["assessees"])
        diagnostics = IndicatorDiagnostic.objects.filter(plan=plan, non_discriminating=True)
        for code, indicator in diagnostics.order_by("order").values_list("category", "indicator"):
            categories[code]["non_discriminating"].append(indicator)
    return {
        "plan": _plan_summary(plan),
        "computed_at": computation.computed_at if computation is not None else None,
        "categories": list(categories.values()),
    }


def assessee_explanation(plan_code: str, code: str) -> dict[str, Any]:
    """One assessee's result and its line-by-line explanation (``AssesseeResult.explain()``).

    ``{"plan": {...}, "category": {"code", "name"}, "result": {...}, "explanation": {...}}``.
    Two queries. Raises ``AssesseeResult.DoesNotExist`` when the plan, the assessee or the
    computation is missing.
    """
    row = (
        AssesseeResult.objects.filter(plan__code=plan_code, code=code).select_related("plan").get()
    )
    category_name = (
        models.Category.objects.filter(plan_id=row.plan_id, code=row.category)
        .values_list("name", flat=True)
        .first()
    )
    return {
        "plan": _plan_summary(row.plan),
        "category": {"code": row.category, "name": category_name or row.category},
        "result": row.data,
        "explanation": row.explanation,
    }


def _plan_summary(plan: models.Plan) -> dict[str, Any]:
    return {
        "code": plan.code,
        "name": plan.name,
        "year": plan.year,
        "assessees": plan.assessees,
        "organization": plan.organization_name,
    }
