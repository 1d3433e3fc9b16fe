"""方案设计 over the API: create or copy a plan, add, change, delete and move nodes of its
tree, set points. Every change goes through ``kaohe.plans.builder`` (the builder validates
the whole document; a refused change writes nothing and answers 422 with every problem;
an edit while an evaluation of the plan is live answers 409, ``refuse_live_evaluations``).

Nodes are named by reference, as on the builder pages: ``"0"`` the first category,
``"0.1"`` its second section, ``"0.1.2"`` that section's third indicator, and so on.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from kaohe.accounts.policy import can_edit_plans, require
from kaohe.api import selectors
from kaohe.api.auth import actor, signed_in
from kaohe.api.errors import OBJECT, WRITE, responses
from kaohe.api.schemas import (
    NodeAddIn,
    NodeDeleted,
    NodeFieldsIn,
    NodeMoveIn,
    NodeOut,
    PlanCopyIn,
    PlanStatus,
    PointsIn,
)
from kaohe.errors import InputError, Problem
from kaohe.plans import builder

router = Router(tags=["plan builder"])

# An edit of a stored plan: also 409 while an evaluation of the plan is live (EvaluationOpen).
EDIT = (*WRITE, 409)

# The keys a node's own form edits (its children are edited as nodes of their own).
NODE_KEYS = {
    "category": {"code", "name", "full_score", "tiebreak"},
    "section": {"code", "name", "points", "source", "evaluation"},
    "indicator": {
        "code", "name", "points", "assessor", *builder.METHOD_KEYS,
    },
}  # fmt: skip


@router.post(
    "/plans/{plan_code}/copy", response=responses({201: PlanStatus}, WRITE), auth=signed_in
)
def plan_copy(request: HttpRequest, plan_code: str, body: PlanCopyIn) -> Status[Any]:
    """复制上一年度: the plan's organisation, structure and evaluations, without data."""
    require(can_edit_plans(request.user))
    plan = builder.plan_copy(source_code=plan_code, **body.dict(), actor=actor(request))
    return Status(201, selectors.plan_status(plan.code))


@router.post("/plans/{plan_code}/nodes", response=responses({201: NodeOut}, EDIT), auth=signed_in)
def node_add(request: HttpRequest, plan_code: str, body: NodeAddIn) -> Status[Any]:
    """Append a category (parent ""), a section (parent a category) or an indicator."""
    require(can_edit_plans(request.user))
    parent = builder.parse_ref(body.parent)
    kind = builder.node_kind((*parent, 0))
    _check_keys(kind, body.fields)
    ref = _change(
        request,
        plan_code,
        lambda raw: builder.add_node(raw, parent, body.fields),
        action=f"{kind}_add",
        node=body.parent,
        missing="parent",
    )
    return Status(201, {"ref": builder.ref_text(ref)})


@router.patch(
    "/plans/{plan_code}/nodes/{ref}", response=responses({200: NodeOut}, EDIT), auth=signed_in
)
def node_update(
    request: HttpRequest, plan_code: str, ref: str, body: NodeFieldsIn
) -> dict[str, str]:
    """Change a node's fields (``null`` removes one); a renamed code is renamed in the data
    that names it."""
    require(can_edit_plans(request.user))
    node = _node_ref(ref)
    kind = builder.node_kind(node)
    _check_keys(kind, body.fields)
    _change(
        request,
        plan_code,
        lambda raw: builder.update_node(raw, node, body.fields),
        action=f"{kind}_edit",
        node=ref,
    )
    return {"ref": ref}


@router.delete(
    "/plans/{plan_code}/nodes/{ref}",
    response=responses({200: NodeDeleted}, (*OBJECT, 409, 422)),
    auth=signed_in,
)
def node_delete(request: HttpRequest, plan_code: str, ref: str) -> dict[str, int]:
    """Delete a node with its subtree and the values entered for its indicators."""
    require(can_edit_plans(request.user))
    node = _node_ref(ref)
    removed = _change(
        request,
        plan_code,
        lambda raw: builder.delete_node(raw, node),
        action=f"{builder.node_kind(node)}_delete",
        node=ref,
    )
    return {"values_removed": removed}


@router.post(
    "/plans/{plan_code}/nodes/{ref}/move",
    response=responses({200: NodeOut}, EDIT),
    auth=signed_in,
)
def node_move(request: HttpRequest, plan_code: str, ref: str, body: NodeMoveIn) -> dict[str, str]:
    """Move a node one place up (-1) or down (+1) among its siblings."""
    require(can_edit_plans(request.user))
    node = _node_ref(ref)
    moved = _change(
        request,
        plan_code,
        lambda raw: builder.move_node(raw, node, body.offset),
        action="move",
        node=ref,
    )
    return {"ref": builder.ref_text(moved)}


@router.put(
    "/plans/{plan_code}/points", response=responses({200: PlanStatus}, EDIT), auth=signed_in
)
def points(request: HttpRequest, plan_code: str, body: PointsIn) -> dict[str, Any]:
    """Set many nodes' points at once (they must add up: the builder checks)."""
    require(can_edit_plans(request.user))
    refs: dict[builder.Ref, Any] = {}
    problems = []
    for text, value in body.points.items():
        try:
            refs[_node_ref(text)] = value
        except builder.NodeNotFound:
            problems.append(Problem(f"points.{text}", f"没有节点 {text}"))
    if problems:
        raise InputError(problems)
    _change(
        request,
        plan_code,
        lambda raw: builder.set_points(raw, refs),
        action="points",
        node="",
        missing="points",
    )
    return selectors.plan_status(plan_code)


def _node_ref(text: str) -> builder.Ref:
    ref = builder.parse_ref(text)
    if not ref:
        raise builder.NodeNotFound(text)  # "" is the plan itself, not a node
    return ref


def _check_keys(kind: str, fields: dict[str, Any]) -> None:
    unknown = sorted(set(fields) - NODE_KEYS[kind])
    if unknown:
        allowed = "、".join(sorted(NODE_KEYS[kind]))
        raise InputError(
            [
                Problem(f"fields.{key}", f"不能在这里修改 {key}（可修改：{allowed}）")
                for key in unknown
            ]
        )


def _change(
    request: HttpRequest,
    plan_code: str,
    change: Any,
    *,
    action: str,
    node: str,
    missing: str | None = None,
) -> Any:
    """``builder.plan_change``; a node named in the body (``missing``) that does not exist is
    a problem of the request (422), one named in the path a 404."""
    try:
        return builder.plan_change(
            plan_code=plan_code,
            change=change,
            actor=actor(request),
            action=action,
            detail={"node": node, "via": "api"},
        )
    except builder.NodeNotFound as error:
        if missing is None:
            raise
        raise InputError([Problem(missing, f"没有节点 {error}")]) from None
