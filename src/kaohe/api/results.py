"""Results: ranking per category, one assessee's explanation, indicator diagnostics and the
worst-vote lists. The public reads a ranking once it is published (``can_view_results``)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from kaohe.accounts.policy import (
    can_read_all,
    can_view_explanation,
    can_view_results,
    explainable_codes,
    require,
)
from kaohe.api import selectors
from kaohe.api.auth import signed_in
from kaohe.api.errors import OBJECT, PUBLIC_OBJECT, responses
from kaohe.api.schemas import Diagnostic, Explanation, Ranking, WorstList
from kaohe.plans import selectors as plan_selectors
from kaohe.results.breakdowns import mask_explanation_data, mask_worst_entries

router = Router(tags=["results"])


@router.get(
    "/plans/{plan_code}/ranking", response=responses({200: Ranking}, PUBLIC_OBJECT), auth=None
)
def ranking(request: HttpRequest, plan_code: str) -> dict[str, Any]:
    """Per category: the assessees by rank with section scores, total, grade and flags, the
    grade counts and the non-discriminating indicators (empty before computation)."""
    require(can_view_results(request.user, plan_code))
    return selectors.ranking(plan_code, explainable_codes(request.user, plan_code))


@router.get(
    "/plans/{plan_code}/assessees/{assessee_code}",
    response=responses({200: Explanation}, PUBLIC_OBJECT),
    auth=None,
)
def explanation(request: HttpRequest, plan_code: str, assessee_code: str) -> dict[str, Any]:
    """One assessee's result and its line-by-line explanation (计分说明):
    ``can_view_explanation`` (考核办, 监督, and the unit itself once published)."""
    require(can_view_explanation(request.user, plan_code, assessee_code))
    # No breakdown of fewer than 5 ballots, as on the page (kaohe.results.breakdowns).
    data = mask_explanation_data(plan_selectors.assessee_explanation(plan_code, assessee_code))
    return {
        "plan": data["plan"]["code"],
        "category": data["category"],
        "result": data["result"],
        "explanation": data["explanation"],
    }


@router.get(
    "/plans/{plan_code}/indicators",
    response=responses({200: list[Diagnostic]}, PUBLIC_OBJECT),
    auth=None,
)
def diagnostics(request: HttpRequest, plan_code: str) -> list[dict[str, Any]]:
    """指标区分度 of every indicator per category; part of the published results."""
    require(can_view_results(request.user, plan_code))
    return selectors.diagnostics(plan_code)


@router.get(
    "/plans/{plan_code}/worst", response=responses({200: list[WorstList]}, OBJECT), auth=signed_in
)
def worst(request: HttpRequest, plan_code: str) -> list[dict[str, Any]]:
    """评选最差: who was named and by how many votes. Vote counts are shown beyond the office
    only in an assessee's own explanation, so these lists are 考核办's and 监督's. Of a vote
    with fewer than 5 ballots, ``votes`` and ``share`` are null and ``hidden`` true."""
    require(can_read_all(request.user))
    return [
        {**row, "entries": mask_worst_entries(row["entries"])}
        for row in selectors.worst_lists(plan_code)
    ]
