"""Reads for the ranking and explanation pages: a constant number of queries per page.

The stored results come from ``kaohe.plans.selectors`` (the contract dicts the engine wrote);
what the pages add is the plan's own labels: section names and points, grade order, indicator
names and method parameters, evaluation and group names. Each is one query for the whole plan
or category, never one per assessee.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from kaohe.evaluation.models import Evaluation
from kaohe.plans import selectors as plan_selectors
from kaohe.plans.models import Grade, Indicator, Plan, Section
from kaohe.results import breakdowns, charts, kinds
from kaohe.results.formulas import (
    EFFECT_NAMES,
    EVENT_NAMES,
    METHOD_NAMES,
    event_reason_text,
    flag_label,
    grade_reason_text,
    leaf_formula,
    section_formula,
    total_formula,
    value_text,
)
from kaohe.results.models import AssesseeResult, IndicatorDiagnostic, Publication

PARAMS = ("target", "cap", "direction", "tiers", "floor", "grades", "per")


def ranking_page(plan_code: str, *, with_kinds: bool = True) -> dict[str, Any]:
    """Ranking per category with section columns, grade counts and every leaf indicator's
    diagnostics (non-discriminating first), plus the plan-level share of those, and (unless
    ``with_kinds`` is false: the API's ranking has its own worst list) the summaries of the
    worst, integrity and probation evaluations."""
    data = plan_selectors.ranking(plan_code)
    sections: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in (
        Section.objects.filter(plan__code=plan_code)
        .order_by("category__order", "order")
        .values("category__code", "code", "name", "points")
    ):
        sections[row["category__code"]].append(row)
    grades: dict[str, list[str]] = defaultdict(list)
    for category, name in (
        Grade.objects.filter(plan__code=plan_code)
        .order_by("category__order", "order")
        .values_list("category__code", "name")
    ):
        grades[category].append(name)
    names = dict(Indicator.objects.filter(plan__code=plan_code).values_list("code", "name"))
    diagnostics, summary = _diagnostics(plan_code, names)
    for category in data["categories"]:
        code = category["code"]
        category["sections"] = sections[code]
        category["grades"] = grades[code]
        counts = {name: 0 for name in grades[code]}
        for result in category["assessees"]:
            counts[result["grade"]] = counts.get(result["grade"], 0) + 1
            result["grade_index"] = _grade_index(grades[code], result["grade"])
            result["section_list"] = [result["sections"].get(s["code"]) for s in sections[code]]
            result["flag_labels"] = [flag_label(flag) for flag in result["flags"]]
        category["grade_counts"] = list(counts.items())
        category["diagnostics"] = diagnostics[code]
        category["diagnostics_summary"] = _share(diagnostics[code])
        category["flagged"] = [row for row in diagnostics[code] if row["non_discriminating"]]
    data["diagnostics_summary"] = summary
    if with_kinds:  # worst/integrity/probation, small votes masked
        data["kinds"] = breakdowns.mask_kinds(kinds.kind_summaries(plan_code, data["categories"]))
    return data


def _diagnostics(
    plan_code: str, names: dict[str, str]
) -> tuple[dict[str, list[dict[str, Any]]], dict[str, Any]]:
    """指标区分度 of every leaf indicator per category (scoring.md §6), one query.

    Each category's rows put the non-discriminating indicators first (the ones to cancel or
    adjust), then the rest, each group in the plan's order. The summary is the plan-level
    share of non-discriminating indicators and the threshold that flagged them.
    """
    rows = (
        IndicatorDiagnostic.objects.filter(plan__code=plan_code)
        .order_by("order")
        .values_list("category", "non_discriminating", "data", "plan__non_discriminating_share")
    )
    diagnostics: dict[str, list[dict[str, Any]]] = defaultdict(list)
    threshold: float | None = None
    for category, flagged, stats, plan_threshold in rows:
        threshold = plan_threshold
        diagnostics[category].append(
            {
                **stats,
                "name": names.get(stats["indicator"], ""),
                "non_discriminating": bool(flagged),
                "full_percent": _percent(stats.get("full_share")),
            }
        )
    for category_rows in diagnostics.values():
        # sort is stable: the plan's order is kept inside each group.
        category_rows.sort(key=lambda row: not row["non_discriminating"])
    every = [row for category_rows in diagnostics.values() for row in category_rows]
    summary = {**_share(every), "threshold": threshold, "threshold_percent": _percent(threshold)}
    return diagnostics, summary


def _share(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """How many indicators, how many non-discriminating, and their share (None if none)."""
    flagged = sum(1 for row in rows if row["non_discriminating"])
    share = flagged / len(rows) if rows else None
    return {
        "indicators": len(rows),
        "non_discriminating": flagged,
        "share": share,
        "percent": _percent(share),
    }


def _percent(share: float | None) -> float | None:
    """A share as a percentage for display (the template rounds it)."""
    return None if share is None else share * 100


def explanation_page(plan_code: str, code: str) -> dict[str, Any]:
    """One assessee's total explained line by line, with the plan's labels and formulas."""
    # Breakdowns of fewer than 5 ballots are masked before anything reads them (charts too).
    data = breakdowns.mask_explanation_data(plan_selectors.assessee_explanation(plan_code, code))
    explanation = data["explanation"]
    category = data["category"]["code"]
    indicators = {
        row["code"]: row
        for row in Indicator.objects.filter(
            plan__code=plan_code, section__category__code=category
        ).values("code", "name", "parent__code", *PARAMS)
    }
    evaluations = {
        row.code: row
        for row in Evaluation.objects.filter(plan__code=plan_code).prefetch_related("groups")
    }
    grade_rows = list(
        Grade.objects.filter(plan__code=plan_code, category__code=category)
        .order_by("order")
        .values_list("name", "plan__computation__computed_at")
    )
    grades = [name for name, _ in grade_rows]
    # The computation time (the charts' cache key) rides on this query: a join, no extra query.
    computed_at = grade_rows[0][1] if grade_rows else None
    for section in explanation["sections"]:
        evaluation_code = section.get("evaluation")
        if evaluation_code and evaluation_code in explanation["evaluations"]:
            section["e"] = explanation["evaluations"][evaluation_code]["score"]
            section["evaluation_name"] = getattr(evaluations.get(evaluation_code), "name", "")
        section["formula"] = section_formula(section)
        for line in section.get("indicators", []):
            params = indicators.get(line["indicator"], {})
            parent = params.get("parent__code")
            line["parent_name"] = indicators[parent]["name"] if parent in indicators else ""
            line["method_name"] = METHOD_NAMES.get(line["method"], line["method"])
            line["formula"] = leaf_formula(line, params)
            line["value_text"] = value_text(line["value"])
    for event in explanation["events"]:
        event["type_name"] = EVENT_NAMES.get(event["type"], event["type"])
        event["effect_name"] = EFFECT_NAMES.get(event.get("effect") or "", "")
        event["reason_text"] = event_reason_text(event.get("reason") or "")
    for evaluation_code, evaluation in explanation["evaluations"].items():
        stored = evaluations.get(evaluation_code)
        evaluation["name"] = stored.name if stored else evaluation_code
        evaluation["options"] = list((stored.options if stored else {}) or {})
    explanation["total_formula"] = total_formula(explanation)
    explanation["grade_reason_text"] = grade_reason_text(explanation.get("grade_reason") or "")
    explanation["flag_labels"] = [flag_label(flag) for flag in explanation["flags"]]
    explanation["grade_index"] = _grade_index(grades, explanation["grade"])
    data["grades"] = grades
    charts.explanation_charts(
        data,
        computed_at=computed_at,
        category_dimensions=lambda: [
            explained["evaluations"]
            for explained in AssesseeResult.objects.filter(
                plan__code=plan_code, category=category
            ).values_list("explanation", flat=True)
        ],
    )
    return data


def _grade_index(grades: list[str], grade: str) -> int:
    """Position of a grade for styling: 0 best; the last grade is always 3 (red)."""
    if grade not in grades:
        return 3
    index = grades.index(grade)
    return 3 if index == len(grades) - 1 else min(index, 2)


# ---------------------------------------------------------------------------------------------
# Publication (公布): what may be shown beyond the office (kaohe.accounts.policy).


def plan_is_published(plan_code: str) -> bool:
    """True when the plan's current results are published (one query; False if unknown)."""
    return Publication.objects.filter(computation__plan__code=plan_code).exists()


def publication_of(plan_code: str) -> Publication | None:
    """The plan's publication record, if its current results are published (one query)."""
    return Publication.objects.filter(computation__plan__code=plan_code).first()


def plan_list_with_status(*, published_only: bool) -> list[dict[str, Any]]:
    """Plans newest first, each a ``plan_status_row`` (one query).

    ``published_only`` keeps the plans whose current results are published: the list the
    public, units, assessors and the admin see.
    """
    plans = Plan.objects.select_related("computation", "computation__publication").order_by(
        "-year", "code"
    )
    if published_only:
        plans = plans.filter(computation__publication__isnull=False)
    return [plan_status_row(plan) for plan in plans]


def plan_status_row(plan: Plan) -> dict[str, Any]:
    """id, code, name, year, assessees, organization, computed_at, published_at of a plan
    fetched with ``select_related("computation", "computation__publication")``."""
    computation = getattr(plan, "computation", None)
    publication = getattr(computation, "publication", None) if computation else None
    return {
        "id": plan.id,
        "code": plan.code,
        "name": plan.name,
        "year": plan.year,
        "assessees": plan.assessees,
        "organization": plan.organization_name,
        "computed_at": computation.computed_at if computation else None,
        "published_at": publication.published_at if publication else None,
    }
