"""Plans: the list with each plan's status, a new plan (through the plan builder), one
plan's structure, computing and publishing.

Entry points only: check the policy, call a selector or a service, return.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from kaohe.accounts.policy import (
    can_edit_plans,
    can_publish_results,
    can_read_all,
    can_view_plan,
    require,
)
from kaohe.api import selectors
from kaohe.api.auth import actor, signed_in
from kaohe.api.errors import OBJECT, PUBLIC, PUBLIC_OBJECT, WRITE, responses
from kaohe.api.schemas import ComputationOut, PlanCreateIn, PlanDetail, PlanStatus, PublicationOut
from kaohe.plans import builder
from kaohe.plans.services import plan_compute
from kaohe.results import selectors as result_selectors
from kaohe.results import services as result_services

router = Router(tags=["plans"])


@router.get("/plans", response=responses({200: list[PlanStatus]}, PUBLIC), auth=None)
def plan_list(request: HttpRequest) -> list[dict[str, Any]]:
    """Plans, newest first: all of them for 考核办 and 监督, the published ones for the rest."""
    return result_selectors.plan_list_with_status(published_only=not can_read_all(request.user))


@router.post("/plans", response=responses({201: PlanStatus}, WRITE), auth=signed_in)
def plan_create(request: HttpRequest, body: PlanCreateIn) -> Status[Any]:
    """A new plan over the county's registered units (or people): one category, one
    indicator, three grades; edit it from there."""
    require(can_edit_plans(request.user))
    plan = builder.plan_create(**body.dict(), actor=actor(request))
    return Status(201, selectors.plan_status(plan.code))


@router.get("/plans/{plan_code}", response=responses({200: PlanDetail}, PUBLIC_OBJECT), auth=None)
def plan_detail(request: HttpRequest, plan_code: str) -> dict[str, Any]:
    """A plan's categories, sections, indicator trees (methods and parameters), grades and
    vetoes; no figures (``can_view_plan``)."""
    require(can_view_plan(request.user, plan_code))
    return selectors.plan_detail(plan_code)


@router.post(
    "/plans/{plan_code}/compute",
    response=responses({200: ComputationOut}, (*OBJECT, 409)),
    auth=signed_in,
)
def compute(request: HttpRequest, plan_code: str) -> dict[str, Any]:
    """Score the stored plan and replace its results (this withdraws a publication)."""
    require(can_edit_plans(request.user))
    computation = plan_compute(plan_code=plan_code, actor=actor(request))
    return {
        "plan": plan_code,
        "computed_at": computation.computed_at,
        "engine_version": computation.engine_version,
    }


@router.post(
    "/plans/{plan_code}/publication",
    response=responses({200: PublicationOut}, (*OBJECT, 409)),
    auth=signed_in,
)
def publish(request: HttpRequest, plan_code: str) -> dict[str, Any]:
    """公布 the plan's current results (409 when it has none)."""
    require(can_publish_results(request.user))
    publication = result_services.results_publish(plan_code=plan_code, actor=actor(request))
    return {
        "plan": plan_code,
        "published": True,
        "published_at": publication.published_at,
        "published_by": publication.published_by,
    }


@router.delete(
    "/plans/{plan_code}/publication",
    response=responses({200: PublicationOut}, OBJECT),
    auth=signed_in,
)
def unpublish(request: HttpRequest, plan_code: str) -> dict[str, Any]:
    """Withdraw the publication of the plan's results (nothing to do if not published)."""
    require(can_publish_results(request.user))
    result_services.results_unpublish(plan_code=plan_code, actor=actor(request))
    return {"plan": plan_code, "published": False, "published_at": None, "published_by": ""}
