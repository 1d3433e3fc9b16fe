"""Reads of data entry: 我的指标, the grid of one indicator, the events of a plan.

Each page runs a fixed number of queries whatever the number of assessees or values (pinned
in kaohe/entry/tests/test_queries.py). Who sees what is ``kaohe.accounts.policy``'s; the few
plan-wide checks the policy has no named permission for are composed here from its
functions (``role_of``, ``can_read_all``, ``can_enter_events``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from kaohe.accounts.models import Role
from kaohe.accounts.policy import can_enter_events, can_read_all, role_of
from kaohe.engine.model import NA
from kaohe.entry.models import EventRecord, ValueStamp
from kaohe.plans.models import Event, Indicator, Plan, PlanAssessee, Value, VetoItem
from kaohe.results.formulas import EFFECT_NAMES, EVENT_NAMES, METHOD_NAMES
from kaohe.web.selectors import completeness
from kaohe.workbook.build_common import number_text

NA_TEXT = "N/A"  # how a document writes 不涉及 (kaohe export writes the same)

# ---------------------------------------------------------------------------------------------
# Plan-wide checks the policy has no named permission for


def can_enter_plan(user: Any, plan_code: str) -> bool:
    """Enter anything in this plan: 考核办, or an assessor body with an indicator in it."""
    role = role_of(user)
    if role == Role.OFFICE:
        return True
    return (
        role == Role.ASSESSOR
        and Indicator.objects.filter(plan__code=plan_code, assessor=user.assessor).exists()
    )


def can_open_plan_entry(user: Any, plan_code: str) -> bool:
    """See a plan's entry pages (its events): whoever may enter in it, and 监督."""
    return can_read_all(user) or can_enter_plan(user, plan_code)


def can_delete_event(user: Any, plan_code: str, event_id: int) -> bool:
    """考核办: any event; an assessor body: an event it recorded, on an assessee it may still
    record events for."""
    role = role_of(user)
    if role == Role.OFFICE:
        return True
    if role != Role.ASSESSOR:
        return False
    event = Event.objects.filter(plan__code=plan_code, id=event_id).values("assessee").first()
    recorded = EventRecord.objects.filter(event_id=event_id, assessor=user.assessor).exists()
    return event is not None and recorded and can_enter_events(user, plan_code, event["assessee"])


def can_view_evidence(user: Any, plan_code: str, event_id: int) -> bool:
    """考核办 and 监督: every evidence file; an assessor body: the ones it uploaded."""
    if can_read_all(user):
        return True
    return role_of(user) == Role.ASSESSOR and (
        EventRecord.objects.filter(
            plan__code=plan_code, event_id=event_id, assessor=user.assessor
        ).exists()
    )


# ---------------------------------------------------------------------------------------------
# 我的指标


def my_indicators(user: Any) -> list[dict[str, Any]]:
    """The plans with the leaf indicators ``user`` enters (考核办, 监督: all of them), each
    with its completeness: values entered / expected (assessees of the categories).

    ``[{"code", "name", "year", "entered", "expected", "share", "indicators": [{"indicator",
    "name", "assessor", "entered", "expected", "share"}]}]``. Four queries.
    """
    role = role_of(user)
    plans = Plan.objects.order_by("-year", "code")
    assessor: str | None = None
    if role == Role.ASSESSOR:
        assessor = user.assessor
        plans = plans.filter(id__in=Indicator.objects.filter(assessor=assessor).values("plan_id"))
    rows = list(plans.values("id", "code", "name", "year"))
    filled = completeness([row["id"] for row in rows], assessor=assessor, by_indicator=True)
    result = []
    for plan in rows:
        # One line per indicator code: a code assigned to several bodies (one per category)
        # is still one grid.
        merged: dict[str, dict[str, Any]] = {}
        for line in filled[plan["id"]]:
            item = merged.setdefault(
                line["indicator"],
                {
                    "indicator": line["indicator"],
                    "name": line["name"],
                    "assessors": [],
                    "entered": 0,
                    "expected": 0,
                },
            )
            if line["assessor"] not in item["assessors"]:
                item["assessors"].append(line["assessor"])
            item["entered"] += line["entered"]
            item["expected"] += line["expected"]
        indicators = list(merged.values())
        for item in indicators:
            item["share"] = _share(item["entered"], item["expected"])
        entered = sum(item["entered"] for item in indicators)
        expected = sum(item["expected"] for item in indicators)
        result.append(
            {
                **plan,
                "indicators": indicators,
                "entered": entered,
                "expected": expected,
                "share": _share(entered, expected),
            }
        )
    return result


def _share(entered: int, expected: int) -> float:
    return entered / expected if expected else 1.0


# ---------------------------------------------------------------------------------------------
# The grid of one indicator


def grid(
    plan_code: str,
    indicator: str,
    user: Any,
    *,
    entered: Mapping[str, str] | None = None,
    problems: Mapping[str, Sequence[str]] | None = None,
) -> dict[str, Any] | None:
    """One row per assessee of the indicator's categories (an assessor body: the categories
    where the indicator is its own), with the stored value as text, who entered it, and —
    after a refused save — the text that was typed and its problems. Five queries.

    None when the plan has no such leaf in the user's reach. Raises ``Plan.DoesNotExist``.
    """
    plan = Plan.objects.get(code=plan_code)
    leaves = Indicator.objects.filter(
        plan=plan, code=indicator, method__isnull=False
    ).select_related("section__category")
    if role_of(user) == Role.ASSESSOR:
        leaves = leaves.filter(assessor=user.assessor)
    by_category = {
        row.section.category_id: row for row in leaves.order_by("section__category__order")
    }
    if not by_category:
        return None
    stored = {
        row.assessee: row
        for row in Value.objects.filter(plan=plan, indicator=indicator).only(
            "assessee", "kind", "number", "text"
        )
    }
    stamps = {
        row.assessee: row
        for row in ValueStamp.objects.filter(plan=plan, indicator=indicator).only(
            "assessee", "actor", "assessor", "updated_at"
        )
    }
    entered = entered or {}
    problems = problems or {}
    rows = []
    for assessee in (
        PlanAssessee.objects.filter(plan=plan, category_id__in=list(by_category))
        .order_by("category__order", "order")
        .only("code", "name", "category_id")
    ):
        leaf = by_category[assessee.category_id]
        value = stored.get(assessee.code)
        rows.append(
            {
                "code": assessee.code,
                "name": assessee.name,
                "category": leaf.section.category.name,
                "leaf": leaf.id,
                "text": entered.get(assessee.code, value_text(value)),
                "stored": value_text(value),
                "stamp": stamps.get(assessee.code),
                "problems": list(problems.get(assessee.code, ())),
            }
        )
    leaves_info = [
        {
            "id": row.id,
            "category": row.section.category.name,
            "method": row.method,
            "method_name": METHOD_NAMES.get(row.method or "", row.method),
            "points": number_text(row.points),
            "assessor": row.assessor,
            "grades": list(row.grades or {}),
        }
        for row in by_category.values()
    ]
    first = next(iter(by_category.values()))
    return {
        "plan": {"code": plan.code, "name": plan.name, "year": plan.year},
        "indicator": {"code": indicator, "name": first.name},
        "leaves": leaves_info,
        "grade": any(row.method == "grade" for row in by_category.values()),
        "rows": rows,
        "entered": sum(1 for row in rows if row["stored"] != ""),
        "expected": len(rows),
        "invalid": [row for row in rows if row["problems"]],
    }


def value_text(value: Value | None) -> str:
    """A stored value as the document writes it: 85.5, a grade label, N/A; '' if missing."""
    if value is None:
        return ""
    if value.kind == Value.Kind.NA:
        return NA_TEXT
    if value.kind == Value.Kind.TEXT:
        return value.text or ""
    return number_text(value.number) if value.number is not None else ""


# ---------------------------------------------------------------------------------------------
# Events


def events_page(plan_code: str, user: Any) -> dict[str, Any]:
    """The plan's events (an assessor body: those it recorded) with who recorded them and
    their evidence, the plan's vetoes, and the assessees the user may record events for.
    Five queries (an assessor body: six). Raises ``Plan.DoesNotExist``."""
    plan = Plan.objects.get(code=plan_code)
    assessees = list(
        PlanAssessee.objects.filter(plan=plan)
        .order_by("category__order", "order")
        .values("code", "name", "category_id")
    )
    names = {row["code"]: row["name"] for row in assessees}
    role = role_of(user)
    records = EventRecord.objects.filter(plan=plan)
    if role == Role.ASSESSOR:
        records = records.filter(assessor=user.assessor)
        categories = set(
            Indicator.objects.filter(plan=plan, assessor=user.assessor).values_list(
                "section__category_id", flat=True
            )
        )
        choices = [row for row in assessees if row["category_id"] in categories]
    else:
        choices = assessees if role == Role.OFFICE else []
    by_event = {record.event_id: record for record in records}
    events = Event.objects.filter(plan=plan).order_by("order")
    if role == Role.ASSESSOR:
        events = events.filter(id__in=records.values("event_id"))
    rows = [
        {
            "id": event.id,
            "assessee": event.assessee,
            "assessee_name": names.get(event.assessee, ""),
            "type": event.type,
            "type_name": EVENT_NAMES.get(event.type, event.type),
            "points": number_text(event.points) if event.type in ("bonus", "deduction") else "",
            "item": event.item or "",
            "effect": EFFECT_NAMES.get(event.effect or "", ""),
            "reason": event.reason,
            "record": by_event.get(event.id),
        }
        for event in events
    ]
    return {
        "plan": {"code": plan.code, "name": plan.name, "year": plan.year},
        "events": rows,
        "vetoes": list(
            VetoItem.objects.filter(plan=plan).order_by("order").values_list("item", "effect")
        ),
        "assessees": [(row["code"], row["name"]) for row in choices],
    }


def evidence_record(plan_code: str, event_id: int) -> EventRecord | None:
    """The evidence record of one event of the plan, if it has a file."""
    return (
        EventRecord.objects.filter(plan__code=plan_code, event_id=event_id)
        .exclude(evidence_path="")
        .first()
    )


def stored_values(plan_code: str, indicator: str) -> dict[str, Any]:
    """assessee → the stored value of one indicator, as the engine reads it (for tests and
    the API): a float, a label or ``NA``."""
    values: dict[str, Any] = {}
    for assessee, kind, number, text in Value.objects.filter(
        plan__code=plan_code, indicator=indicator
    ).values_list("assessee", "kind", "number", "text"):
        values[assessee] = NA if kind == Value.Kind.NA else text if kind == "text" else number
    return values
