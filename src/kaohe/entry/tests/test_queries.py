"""The entry pages run the same number of queries for a small plan (5 assessees) and for
the demo county's units plan (about 60): pinned here."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kaohe.accounts.models import Role, User
from kaohe.demo import demo_documents
from kaohe.entry.tests.conftest import PLAN
from kaohe.plans.models import Indicator, Plan, PlanAssessee
from kaohe.plans.services import plan_load
from kaohe.workbook.build import build_document

pytestmark = pytest.mark.django_db

SESSION = 2  # the session and the account
# Per page, after the session: the selector's queries (kaohe/entry/selectors.py), plus for an
# assessor body the policy's check of the URL's object (one query) and, on the grid, whether
# it may also save (one more); its events page also reads the categories it assesses.
PAGES = {
    "office": {"indicators": 4, "grid": 5, "events": 5},
    "assessor": {"indicators": 4, "grid": 5 + 2, "events": 6 + 1},
    "supervisor": {"indicators": 4, "grid": 5, "events": 5},
}


def _count(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


@pytest.fixture
def demo() -> str:
    document = build_document(demo_documents()[0])
    plan_load(document=document)
    return document.plan.code


def _urls(plan_code: str, indicator: str) -> dict[str, str]:
    return {
        "indicators": "/entry/",
        "grid": f"/entry/{plan_code}/indicators/{indicator}/",
        "events": f"/entry/{plan_code}/events/",
    }


@pytest.mark.parametrize("role", ["office", "assessor", "supervisor"])
def test_entry_pages_run_a_fixed_number_of_queries(
    plan: Plan, demo: str, login: Any, role: str
) -> None:
    large = Indicator.objects.filter(plan__code=demo, assessor="县委办", method__isnull=False)
    indicator = large.values_list("code", flat=True).first()
    assert indicator is not None
    assert PlanAssessee.objects.filter(plan__code=demo).count() > 50
    account = User(username=role, role=Role(role))
    if role == "assessor":
        account.assessor = "县委办"
    account.set_unusable_password()
    account.save()
    client = login(account)
    small, big = _urls(PLAN, "T1"), _urls(demo, indicator)
    for page, expected in PAGES[role].items():
        assert _count(client, small[page]) == SESSION + expected, page
        assert _count(client, big[page]) == SESSION + expected, page
