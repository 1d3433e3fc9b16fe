"""The named permissions for what has no page yet (data entry, events, plans, ballots): the
rules later views and API operations will call. Pages are covered by tests/test_authorization."""

from __future__ import annotations

import pytest

from kaohe.accounts import policy
from kaohe.accounts.models import Role, User
from kaohe.org.models import Unit
from kaohe.plans.services import plan_compute, plan_load
from kaohe.results.services import results_publish
from kaohe.workbook.read import read_document
from kaohe.workbook.tests.examples import EXAMPLES_DIR

pytestmark = pytest.mark.django_db
EXAMPLE = EXAMPLES_DIR / "example-1001.yaml"


@pytest.fixture
def plan() -> str:
    document = read_document([EXAMPLE])
    plan_load(document=document)
    plan_compute(plan_code=document.plan.code)
    return document.plan.code


def _user(role: str, **binding: object) -> User:
    return User(username=role, role=role, **binding)


def _assessed_unit(plan: str) -> Unit:
    from kaohe.plans.models import PlanAssessee

    return PlanAssessee.objects.filter(plan__code=plan, unit__isnull=False).first().unit  # type: ignore[union-attr]


def test_data_entry_only_for_the_indicators_assigned_to_the_body(plan: str) -> None:
    from kaohe.plans.models import Indicator

    # The example names no assessor body: assign one leaf of the first category to 县委办.
    leaves = Indicator.objects.filter(plan__code=plan, method__isnull=False).order_by("id")
    assigned = leaves.select_related("section__category").first()
    assert assigned is not None
    Indicator.objects.filter(pk=assigned.pk).update(assessor="县委办")
    assigned.assessor = "县委办"
    other = leaves.exclude(pk=assigned.pk).first()
    assert other is not None
    body = _user(Role.ASSESSOR, assessor=assigned.assessor)
    stranger = _user(Role.ASSESSOR, assessor="纪委")
    assert policy.can_enter_values(body, plan, assigned.code)
    assert not policy.can_enter_values(body, plan, other.code)
    assert not policy.can_enter_values(stranger, plan, assigned.code)
    assert policy.can_enter_values(_user(Role.OFFICE), plan, assigned.code)
    for role in (Role.SUPERVISOR, Role.ADMIN):
        assert not policy.can_enter_values(_user(role), plan, assigned.code)
    assert not policy.can_enter_values(
        _user(Role.UNIT, unit=_assessed_unit(plan)), plan, assigned.code
    )
    assert policy.can_view_entries(_user(Role.SUPERVISOR), plan, assigned.code)
    assert not policy.can_view_entries(stranger, plan, assigned.code)
    # Events: for the assessees of a category in which the body assesses an indicator.
    from kaohe.plans.models import PlanAssessee

    in_category = PlanAssessee.objects.filter(
        plan__code=plan, category=assigned.section.category
    ).first()
    outside = (
        PlanAssessee.objects.filter(plan__code=plan)
        .exclude(category=assigned.section.category)
        .first()
    )
    assert policy.can_enter_events(body, plan, in_category.code)  # type: ignore[union-attr]
    assert not policy.can_enter_events(stranger, plan, in_category.code)  # type: ignore[union-attr]
    assert outside is not None  # example 1001 has two categories
    assert not policy.can_enter_events(body, plan, outside.code)


def test_who_sees_a_plan_ballots_and_comments(plan: str) -> None:
    unit = _user(Role.UNIT, unit=_assessed_unit(plan))
    stranger_unit = _user(Role.UNIT, unit=Unit.objects.create(code="ZZ99", name="外县单位"))
    assert policy.can_view_plan(unit, plan)
    assert not policy.can_view_plan(stranger_unit, plan)
    assert not policy.can_view_plan(None, plan)
    results_publish(plan_code=plan, actor="test")
    assert policy.can_view_plan(None, plan) and policy.can_view_plan(stranger_unit, plan)
    for role in Role.values:
        expected = role in (Role.OFFICE, Role.SUPERVISOR)
        assert policy.can_view_ballots(_user(role), plan) is expected
        assert policy.can_comment(_user(role)) is expected
    assert not policy.can_view_ballots(None, plan)


def test_an_inactive_account_is_anonymous() -> None:
    office = _user(Role.OFFICE)
    office.is_active = False
    assert policy.role_of(office) == policy.ANONYMOUS
    assert not policy.can_read_all(office)


def test_allow_refuses_unknown_roles() -> None:
    with pytest.raises(ValueError, match="unknown roles"):
        policy.allow("root")


def test_django_admin_permissions_follow_the_role() -> None:
    office = _user(Role.OFFICE)
    office.save()
    admin = _user(Role.ADMIN)
    admin.save()
    assert office.is_staff and admin.is_staff
    assert office.has_perm("org.change_unit") and office.has_perm("plans.view_plan")
    assert not office.has_perm("plans.change_plan") and not office.has_perm("accounts.view_user")
    assert admin.has_perm("accounts.view_user") and not admin.has_perm("org.view_unit")
    supervisor = _user(Role.SUPERVISOR)
    supervisor.save()
    assert not supervisor.is_staff and not supervisor.has_module_perms("org")
