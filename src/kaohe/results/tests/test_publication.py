"""公布: publishing and withdrawing results, what it opens, and that recomputing withdraws it."""

from __future__ import annotations

import pytest
from django.test import Client

from kaohe.accounts.models import Role, User
from kaohe.audit.models import AuditRecord
from kaohe.org.models import Unit
from kaohe.plans.models import Plan
from kaohe.plans.services import plan_compute, plan_load
from kaohe.results.selectors import plan_is_published, publication_of
from kaohe.results.services import NotComputedError, results_publish, results_unpublish
from kaohe.workbook.read import read_document
from kaohe.workbook.tests.examples import EXAMPLES_DIR

pytestmark = pytest.mark.django_db
EXAMPLE = EXAMPLES_DIR / "example-1003.yaml"
PLAN = "2023-annual"  # units XZ01 樟村坪镇, XZ02 凤凰乡 …


@pytest.fixture
def plan() -> str:
    plan_load(document=read_document([EXAMPLE]))
    plan_compute(plan_code=PLAN)
    return PLAN


def _client(username: str, role: str, **binding: object) -> Client:
    user = User(username=username, role=role, **binding)
    user.set_unusable_password()
    user.save()
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    return client


def test_publish_and_unpublish_are_audited_and_idempotent(plan: str) -> None:
    assert not plan_is_published(plan)
    first = results_publish(plan_code=plan, actor="office")
    again = results_publish(plan_code=plan, actor="office")
    assert again.pk == first.pk and publication_of(plan) == first
    assert plan_is_published(plan)
    assert results_unpublish(plan_code=plan, actor="office") is True
    assert results_unpublish(plan_code=plan, actor="office") is False
    assert not plan_is_published(plan)
    actions = list(AuditRecord.objects.filter(plan=plan).values_list("action", flat=True))
    assert actions.count("results_publish") == 1 and actions.count("results_unpublish") == 1


def test_cannot_publish_what_is_not_computed_or_unknown() -> None:
    plan_load(document=read_document([EXAMPLE]))
    with pytest.raises(NotComputedError):
        results_publish(plan_code=PLAN, actor="office")
    with pytest.raises(Plan.DoesNotExist):
        results_publish(plan_code="none", actor="office")


def test_recomputing_withdraws_the_publication(plan: str) -> None:
    results_publish(plan_code=plan, actor="office")
    plan_compute(plan_code=plan)
    assert not plan_is_published(plan)


def test_office_publishes_from_the_ranking_page(plan: str) -> None:
    office = _client("office", Role.OFFICE)
    html = office.get(f"/plans/{plan}/").content.decode()
    assert "未公布" in html and "公布结果" in html
    response = office.post(f"/plans/{plan}/publish/", {"publish": "1"})
    assert response.status_code == 302 and plan_is_published(plan)
    html = office.get(f"/plans/{plan}/").content.decode()
    assert "已公布" in html and "撤回公布" in html and "已公布考核结果" in html
    office.post(f"/plans/{plan}/publish/", {"publish": "0"})
    assert not plan_is_published(plan)


def test_a_unit_sees_only_its_own_explanation_link_after_publication(plan: str) -> None:
    unit = _client("unit_a", Role.UNIT, unit=Unit.objects.get(code="XZ01"))
    assert unit.get(f"/plans/{plan}/").status_code == 403
    results_publish(plan_code=plan, actor="office")
    html = unit.get(f"/plans/{plan}/").content.decode()
    assert f"/plans/{plan}/assessees/XZ01/" in html
    assert f"/plans/{plan}/assessees/XZ02/" not in html
    assert "凤凰乡" in html  # the published ranking itself is visible
    assert "公布结果" not in html.replace("已公布", "")  # no publish button for a unit


def test_public_plan_list_shows_published_plans_only(plan: str) -> None:
    public = Client(HTTP_HOST="127.0.0.1")
    assert plan.encode() not in public.get("/plans/").content
    results_publish(plan_code=plan, actor="office")
    assert plan.encode() in public.get("/plans/").content
    assert public.get(f"/plans/{plan}/assessees/XZ01/").status_code == 302  # log in first
