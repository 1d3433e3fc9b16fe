"""Data entry (数据录入) over the API: one indicator's values, and events (加分/扣分/一票否决/
降档). Writes go through kaohe.entry.services, whose rows are checked by the builder's own
rules; a refused save answers 422 with one problem per row (``where`` = the assessee code)
and saves nothing."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from kaohe.accounts.policy import can_enter_events, can_enter_values, can_view_entries, require
from kaohe.api.auth import signed_in
from kaohe.api.errors import OBJECT, WRITE, responses
from kaohe.api.schemas import EventIn, EventOut, ValueGrid, ValuesIn, ValuesSaved
from kaohe.entry import selectors as entry_selectors
from kaohe.entry import services as entry_services
from kaohe.plans.models import Indicator

router = Router(tags=["data entry"], auth=signed_in)


@router.get(
    "/plans/{plan_code}/indicators/{indicator_code}/values",
    response=responses({200: ValueGrid}, OBJECT),
)
def values(request: HttpRequest, plan_code: str, indicator_code: str) -> dict[str, Any]:
    """The values of one leaf indicator, one row per assessee in the caller's reach."""
    require(can_view_entries(request.user, plan_code, indicator_code))
    grid = entry_selectors.grid(plan_code, indicator_code, request.user)
    if grid is None:
        raise Indicator.DoesNotExist(indicator_code)
    return {
        "plan": plan_code,
        "indicator": indicator_code,
        "name": grid["indicator"]["name"],
        "grades": sorted({label for leaf in grid["leaves"] for label in leaf["grades"]}),
        "entered": grid["entered"],
        "expected": grid["expected"],
        "rows": [
            {
                "assessee": row["code"],
                "name": row["name"],
                "category": row["category"],
                "value": row["stored"],
                "entered_by": row["stamp"].actor if row["stamp"] else None,
                "entered_at": row["stamp"].updated_at if row["stamp"] else None,
            }
            for row in grid["rows"]
        ],
    }


@router.put(
    "/plans/{plan_code}/indicators/{indicator_code}/values",
    response=responses({200: ValuesSaved}, WRITE),
)
def values_save(
    request: HttpRequest, plan_code: str, indicator_code: str, body: ValuesIn
) -> dict[str, int]:
    """Save values of one indicator: all rows or none. A change makes the plan's results
    stale (they are removed until the office computes again)."""
    require(can_enter_values(request.user, plan_code, indicator_code))
    rows = {code: None if value is None else str(value) for code, value in body.values.items()}
    saved = entry_services.values_save(
        plan_code=plan_code, indicator=indicator_code, rows=rows, actor=request.user
    )
    return {"written": saved.written, "cleared": saved.cleared}


@router.get("/plans/{plan_code}/events", response=responses({200: list[EventOut]}, OBJECT))
def events(request: HttpRequest, plan_code: str) -> list[dict[str, Any]]:
    """The plan's events (an assessor body: those it recorded)."""
    require(entry_selectors.can_open_plan_entry(request.user, plan_code))
    page = entry_selectors.events_page(plan_code, request.user)
    return [_event(row) for row in page["events"]]


@router.post("/plans/{plan_code}/events", response=responses({201: EventOut}, WRITE))
def event_add(request: HttpRequest, plan_code: str, body: EventIn) -> Status[Any]:
    """Record an event for one assessee (checked by the builder's event rules; a reason is
    required). Evidence files are attached on the events page, not through the API."""
    require(can_enter_events(request.user, plan_code, body.assessee))
    event = entry_services.event_add(
        plan_code=plan_code,
        assessee=body.assessee,
        type=body.type,
        points=body.points,
        item=body.item,
        reason=body.reason,
        evidence=None,
        actor=request.user,
    )
    page = entry_selectors.events_page(plan_code, request.user)
    (row,) = [row for row in page["events"] if row["id"] == event.id]
    return Status(201, _event(row))


@router.delete(
    "/plans/{plan_code}/events/{event_id}", response=responses({204: None}, (*OBJECT, 422))
)
def event_delete(request: HttpRequest, plan_code: str, event_id: int) -> Status[Any]:
    """Delete one event (考核办: any; an assessor body: one it recorded)."""
    require(entry_selectors.can_delete_event(request.user, plan_code, event_id))
    entry_services.event_delete(plan_code=plan_code, event_id=event_id, actor=request.user)
    return Status(204, None)


def _event(row: dict[str, Any]) -> dict[str, Any]:
    record = row["record"]
    return {
        **{key: row[key] for key in ("id", "assessee", "assessee_name", "type", "points")},
        **{key: str(row[key]) for key in ("item", "effect", "reason")},
        "entered_by": record.actor if record else None,
        "entered_at": record.created_at if record else None,
        "evidence": (record.evidence_name or None) if record else None,
    }
