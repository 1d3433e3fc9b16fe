"""Dashboards (工作台) as data: the office's (plans, completeness per assessor body, grade
distribution), an assessor body's (its indicators' completeness) and a unit's (its plans and,
once published, its own result). Each is a fixed number of queries (kaohe.web.selectors)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from kaohe.accounts.models import Role
from kaohe.accounts.policy import can_read_all, require, role_of
from kaohe.api.auth import signed_in
from kaohe.api.errors import SIGNED_IN, responses
from kaohe.api.schemas import AssessorPlan, OfficePlan, UnitPlan
from kaohe.web import selectors as web_selectors

router = Router(tags=["dashboards"], auth=signed_in)


@router.get("/dashboard/office", response=responses({200: list[OfficePlan]}, SIGNED_IN))
def dashboard_office(request: HttpRequest) -> list[dict[str, Any]]:
    """Every plan with its status, data completeness per assessor body and grade counts per
    category: 考核办 and 监督 (``can_read_all``)."""
    require(can_read_all(request.user))
    plans = web_selectors.office_dashboard()["plans"]
    for plan in plans:
        plan["grade_distribution"] = [
            {
                "code": category["code"],
                "name": category["name"],
                "n": category["n"],
                "grades": [{"grade": grade, "count": count} for grade, count in category["grades"]],
            }
            for category in plan.pop("categories")
        ]
    return plans


@router.get("/dashboard/assessor", response=responses({200: list[AssessorPlan]}, SIGNED_IN))
def dashboard_assessor(request: HttpRequest) -> list[dict[str, Any]]:
    """The plans where the caller's assessor body scores indicators, with their
    completeness: assessor accounts only."""
    require(role_of(request.user) == Role.ASSESSOR)
    return web_selectors.assessor_dashboard(request.user.assessor)["plans"]  # type: ignore[union-attr]


@router.get("/dashboard/unit", response=responses({200: list[UnitPlan]}, SIGNED_IN))
def dashboard_unit(request: HttpRequest) -> list[dict[str, Any]]:
    """The plans the caller's unit is assessed in and its own result once published: unit
    accounts only."""
    require(role_of(request.user) == Role.UNIT)
    plans = web_selectors.unit_dashboard(request.user.unit_id)["plans"]  # type: ignore[union-attr]
    for plan in plans:
        result = plan["result"]
        plan["result"] = (
            {"rank": result.rank, "total": result.total, "grade": result.grade} if result else None
        )
    return plans
