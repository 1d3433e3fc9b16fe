"""Writes for accounts: create, change, deactivate, reactivate, set a password.

Keyword-only, atomic, audited (``kaohe.audit.services.audit_record``). Who may call them is
the views' business (``policy.can_manage_accounts``); the services keep an account's binding
consistent (a unit account has a unit, an assessor account its assessor body, nothing else has
either) and raise ``django.core.exceptions.ValidationError`` with per-field Chinese messages,
which the forms show next to the fields.
"""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from kaohe.accounts.models import Role, User
from kaohe.accounts.selectors import account_summary
from kaohe.audit.services import audit_record
from kaohe.org.models import Unit


@transaction.atomic
def account_create(
    *,
    username: str,
    password: str,
    role: str,
    name: str = "",
    unit_code: str | None = None,
    assessor: str | None = None,
    actor: str | None,
) -> User:
    """Create an active account bound to ``role`` (and its unit or assessor body)."""
    username = username.strip()
    if not username:
        raise ValidationError({"username": "请填写用户名"})
    if User.objects.filter(username=username).exists():
        raise ValidationError({"username": f"用户名 {username} 已被使用"})
    user = User(username=username, name=name.strip())
    _bind(user, role=role, unit_code=unit_code, assessor=assessor)
    _password_check(password, user)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    audit_record(actor=actor, action="account_create", detail=account_summary(user))
    return user


@transaction.atomic
def account_update(
    *,
    username: str,
    role: str,
    name: str = "",
    unit_code: str | None = None,
    assessor: str | None = None,
    actor: str | None,
) -> User:
    """Change an account's name and role binding. Raises ``User.DoesNotExist``."""
    user = User.objects.select_for_update().get(username=username)
    before = account_summary(user)
    user.name = name.strip()
    _bind(user, role=role, unit_code=unit_code, assessor=assessor)
    user.full_clean(exclude=["password"])
    user.save()
    audit_record(
        actor=actor,
        action="account_update",
        detail={"before": before, "after": account_summary(user)},
    )
    return user


@transaction.atomic
def account_deactivate(*, username: str, actor: str | None) -> User:
    """Stop an account from logging in (kept for the audit trail, never deleted).

    An admin cannot deactivate their own account, so the last admin cannot lock everyone out
    by mistake. Raises ``User.DoesNotExist``.
    """
    if actor == username:
        raise ValidationError("不能停用自己的账号")
    user = User.objects.select_for_update().get(username=username)
    if user.is_active:
        user.is_active = False
        user.save(update_fields=["is_active", "is_staff"])
        audit_record(actor=actor, action="account_deactivate", detail={"username": username})
    return user


@transaction.atomic
def account_activate(*, username: str, actor: str | None) -> User:
    """Let a deactivated account log in again. Raises ``User.DoesNotExist``."""
    user = User.objects.select_for_update().get(username=username)
    if not user.is_active:
        user.is_active = True
        user.save(update_fields=["is_active", "is_staff"])
        audit_record(actor=actor, action="account_activate", detail={"username": username})
    return user


@transaction.atomic
def account_password_set(*, username: str, password: str, actor: str | None) -> User:
    """Set a new password (an admin's reset, or the user's own change).

    The password itself never reaches the audit trail. Raises ``User.DoesNotExist``.
    """
    user = User.objects.select_for_update().get(username=username)
    _password_check(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(actor=actor, action="account_password_set", detail={"username": username})
    return user


def _bind(user: User, *, role: str, unit_code: str | None, assessor: str | None) -> None:
    if role not in Role.values:
        raise ValidationError({"role": "请选择角色"})
    unit_code = (unit_code or "").strip() or None
    assessor = (assessor or "").strip() or None
    user.role = role
    user.unit = None
    user.assessor = None
    if role == Role.UNIT:
        if unit_code is None:
            raise ValidationError({"unit": "被考核单位账号必须绑定所属单位"})
        unit = Unit.objects.filter(code=unit_code).first()
        if unit is None:
            raise ValidationError({"unit": f"没有代码为 {unit_code} 的单位"})
        user.unit = unit
    elif unit_code is not None:
        raise ValidationError({"unit": "只有被考核单位账号绑定所属单位"})
    if role == Role.ASSESSOR:
        if assessor is None:
            raise ValidationError({"assessor": "考核主体账号必须填写考核主体（如 县委办）"})
        user.assessor = assessor
    elif assessor is not None:
        raise ValidationError({"assessor": "只有考核主体账号填写考核主体"})


def _password_check(password: str, user: User) -> None:
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from None
