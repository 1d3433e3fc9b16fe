"""tests/authz_plans.py walked with every role, as tests/test_authorization.py will once it
imports that table; and every plans URL pattern has an entry there."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from types import ModuleType

import pytest
from django.test import Client
from django.urls import get_resolver

from kaohe.accounts.models import Role, User
from kaohe.org.models import Unit
from kaohe.plans.services import plan_load

pytestmark = pytest.mark.django_db

TESTS = Path(__file__).resolve().parents[4] / "tests"


def _module(name: str) -> ModuleType:
    if str(TESTS) not in sys.path:
        sys.path.insert(0, str(TESTS))  # authz_plans and factories live beside the site tests
    return importlib.import_module(name)


AUTHZ = _module("authz_plans")


def test_every_plans_url_pattern_has_expectations() -> None:
    (plans,) = [r for r in get_resolver().url_patterns if getattr(r, "namespace", "") == "plans"]
    names = {f"plans:{p.name}" for p in plans.url_patterns}
    assert names == {case.name for case in AUTHZ.CASES}
    assert all(hasattr(p.callback, "kaohe_rule") for p in plans.url_patterns)


@pytest.fixture
def accounts() -> dict[str, User]:
    factories = _module("factories")
    plan_load(document=factories.make_document(4, code=AUTHZ.PLAN))
    unit = Unit.objects.get(code="U0000")
    rows = {
        "admin": User(username="admin", role=Role.ADMIN),
        "office": User(username="office", role=Role.OFFICE),
        "assessor": User(username="xwb", role=Role.ASSESSOR, assessor="县委办"),
        "unit": User(username="unit_a", role=Role.UNIT, unit=unit),
        "supervisor": User(username="renda", role=Role.SUPERVISOR),
    }
    for user in rows.values():
        user.set_unusable_password()
        user.save()
    return rows


def _outcome(status: int, location: str) -> str:
    if status in (301, 302):
        return AUTHZ.LOGIN if location.startswith("/accounts/login/") else AUTHZ.GO
    return str(status)


@pytest.mark.parametrize("case", AUTHZ.CASES, ids=[f"{c.name}-{c.url}" for c in AUTHZ.CASES])
def test_access(case: object, accounts: dict[str, User]) -> None:
    actual = {}
    for role in AUTHZ.ROLES:
        client = Client(HTTP_HOST="127.0.0.1")
        if role != "anonymous":
            client.force_login(accounts[role])
        send = client.post if case.method == "post" else client.get  # type: ignore[attr-defined]
        response = send(case.url, case.data)  # type: ignore[attr-defined]
        actual[role] = _outcome(response.status_code, response.get("Location", ""))
    assert actual == case.expected  # type: ignore[attr-defined]
