"""Reads for the account pages (each one query)."""

from __future__ import annotations

from django.db.models import QuerySet

from kaohe.accounts.models import User
from kaohe.org.models import Unit
from kaohe.plans.models import Indicator


def account_list() -> QuerySet[User]:
    """Every account, active first, with its unit (one query)."""
    return User.objects.select_related("unit").order_by("-is_active", "role", "username")


def assessor_names() -> list[str]:
    """Assessor bodies named on indicators of any stored plan (for suggestions), sorted."""
    return sorted(
        Indicator.objects.exclude(assessor__isnull=True)
        .exclude(assessor="")
        .values_list("assessor", flat=True)
        .distinct()
    )


def unit_choices() -> list[tuple[str, str]]:
    """(code, "code name") of every unit, for binding a unit account."""
    return [(code, f"{code} {name}") for code, name in Unit.objects.values_list("code", "name")]


def account_summary(user: User) -> dict[str, str | bool | None]:
    """What an account is, in plain values: the audit record's detail and the API's answer."""
    return {
        "username": user.username,
        "name": user.name,
        "role": user.role,
        "unit": user.unit.code if user.unit else None,
        "assessor": user.assessor,
        "active": user.is_active,
    }
