"""Fixtures of the API tests: the authorization fixture of tests/test_authorization.py (plan
``2025-auth`` from ``make_document(4)`` and one account per role), and clients logged in.

The shared document factory and the API's authorization table live in the repository's
cross-app tests folder (tests/factories.py, tests/authz_api.py); it is put on the path here
so these tests also run on their own (``pytest src/kaohe/api``).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from django.test import Client

TESTS = Path(__file__).resolve().parents[4] / "tests"
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))

from authz_api import OTHER, OWN, PLAN  # noqa: E402
from factories import make_document  # noqa: E402
from kaohe.accounts.models import Role, User  # noqa: E402
from kaohe.org.models import Unit  # noqa: E402
from kaohe.plans.services import plan_compute, plan_load  # noqa: E402


@pytest.fixture
def accounts(db: None) -> dict[str, User]:
    plan_load(document=make_document(4, code=PLAN))
    plan_compute(plan_code=PLAN)
    units = {unit.code: unit for unit in Unit.objects.filter(code__in=[OWN, OTHER])}
    rows = {
        "admin": User(username="admin", role=Role.ADMIN),
        "office": User(username="office", role=Role.OFFICE),
        "assessor": User(username="xwb", role=Role.ASSESSOR, assessor="县委办"),
        "unit": User(username="unit_a", role=Role.UNIT, unit=units[OWN]),
        "unit_b": User(username="unit_b", role=Role.UNIT, unit=units[OTHER]),
        "supervisor": User(username="renda", role=Role.SUPERVISOR),
    }
    for user in rows.values():
        user.set_unusable_password()
        user.save()
    return rows


@pytest.fixture
def client_of(accounts: dict[str, User]):  # type: ignore[no-untyped-def]
    """``client_of("office")``: a test client logged in with that role (or anonymous)."""

    def make(role: str) -> Client:
        client = Client(HTTP_HOST="127.0.0.1")
        if role != "anonymous":
            client.force_login(accounts[role])
        return client

    return make
