"""Accounts (账号管理) over the API: 系统管理员 only (``can_manage_accounts``). Writes go
through kaohe.accounts.services, whose per-field problems answer 422."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from kaohe.accounts import selectors as account_selectors
from kaohe.accounts import services as account_services
from kaohe.accounts.policy import can_manage_accounts, require
from kaohe.api.auth import actor, signed_in
from kaohe.api.errors import OBJECT, SIGNED_IN, WRITE, responses
from kaohe.api.schemas import AccountIn, AccountOut

router = Router(tags=["accounts"], auth=signed_in)


@router.get("/accounts", response=responses({200: list[AccountOut]}, SIGNED_IN))
def account_list(request: HttpRequest) -> list[dict[str, Any]]:
    """Every account, active first (one query)."""
    require(can_manage_accounts(request.user))
    return [account_selectors.account_summary(user) for user in account_selectors.account_list()]


@router.post("/accounts", response=responses({201: AccountOut}, WRITE))
def account_create(request: HttpRequest, body: AccountIn) -> Status[Any]:
    """Create an active account bound to its role (a unit account: its unit's code; an
    assessor account: its assessor body's name)."""
    require(can_manage_accounts(request.user))
    user = account_services.account_create(
        username=body.username,
        password=body.password,
        role=body.role,
        name=body.name,
        unit_code=body.unit,
        assessor=body.assessor,
        actor=actor(request),
    )
    return Status(201, account_selectors.account_summary(user))


@router.post(
    "/accounts/{username}/deactivate", response=responses({200: AccountOut}, (*OBJECT, 422))
)
def account_deactivate(request: HttpRequest, username: str) -> dict[str, Any]:
    """停用 an account (never deleted; not one's own: 422)."""
    require(can_manage_accounts(request.user))
    user = account_services.account_deactivate(username=username, actor=actor(request))
    return account_selectors.account_summary(user)


@router.post("/accounts/{username}/activate", response=responses({200: AccountOut}, OBJECT))
def account_activate(request: HttpRequest, username: str) -> dict[str, Any]:
    """Let a deactivated account log in again."""
    require(can_manage_accounts(request.user))
    return account_selectors.account_summary(
        account_services.account_activate(username=username, actor=actor(request))
    )
