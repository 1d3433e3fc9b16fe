"""Account services: the role binding is kept consistent, passwords are checked and hashed
with argon2, every change is audited, and the demo accounts can be created twice."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from kaohe.accounts.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, demo_accounts_create
from kaohe.accounts.models import Role, User
from kaohe.accounts.services import (
    account_activate,
    account_create,
    account_deactivate,
    account_password_set,
    account_update,
)
from kaohe.audit.models import AuditRecord
from kaohe.org.models import Unit

pytestmark = pytest.mark.django_db
PASSWORD = "qingshan-2025-kh"


@pytest.fixture
def unit() -> Unit:
    return Unit.objects.create(code="XZ01", name="城关镇")


def test_create_a_unit_account_hashes_with_argon2_and_audits(unit: Unit) -> None:
    user = account_create(
        username="xz01", password=PASSWORD, role=Role.UNIT, unit_code="XZ01", name="城关镇",
        actor="admin",
    )  # fmt: skip
    assert user.unit == unit and user.assessor is None and not user.is_staff
    assert user.password.startswith("argon2$") and user.check_password(PASSWORD)
    record = AuditRecord.objects.get(action="account_create")
    assert record.actor == "admin" and record.detail["unit"] == "XZ01"
    assert PASSWORD not in str(record.detail)


@pytest.mark.parametrize(
    ("binding", "field"),
    [
        ({"role": Role.UNIT}, "unit"),
        ({"role": Role.UNIT, "unit_code": "NONE"}, "unit"),
        ({"role": Role.ASSESSOR}, "assessor"),
        ({"role": Role.ASSESSOR, "assessor": "  "}, "assessor"),
        ({"role": Role.OFFICE, "unit_code": "XZ01"}, "unit"),
        ({"role": Role.SUPERVISOR, "assessor": "县委办"}, "assessor"),
        ({"role": "root"}, "role"),
    ],
)
def test_binding_must_match_the_role(unit: Unit, binding: dict[str, str], field: str) -> None:
    with pytest.raises(ValidationError) as raised:
        account_create(username="x", password=PASSWORD, actor="admin", **binding)
    assert field in raised.value.error_dict
    assert not User.objects.exists() and not AuditRecord.objects.exists()


def test_weak_password_and_taken_username_are_refused() -> None:
    with pytest.raises(ValidationError) as raised:
        account_create(username="office", password="123", role=Role.OFFICE, actor="admin")
    assert "password" in raised.value.error_dict
    account_create(username="office", password=PASSWORD, role=Role.OFFICE, actor="admin")
    with pytest.raises(ValidationError) as raised:
        account_create(username="office", password=PASSWORD, role=Role.OFFICE, actor="admin")
    assert "username" in raised.value.error_dict


def test_update_rebinds_and_staff_follows_the_role(unit: Unit) -> None:
    account_create(username="a", password=PASSWORD, role=Role.OFFICE, actor="admin")
    assert User.objects.get(username="a").is_staff
    user = account_update(username="a", role=Role.ASSESSOR, assessor="县委办", actor="admin")
    assert user.assessor == "县委办" and user.unit is None and not user.is_staff
    record = AuditRecord.objects.get(action="account_update")
    assert record.detail["before"]["role"] == "office"
    assert record.detail["after"]["assessor"] == "县委办"


def test_deactivate_reactivate_and_reset_password() -> None:
    account_create(username="a", password=PASSWORD, role=Role.SUPERVISOR, actor="admin")
    assert not account_deactivate(username="a", actor="admin").is_active
    assert account_activate(username="a", actor="admin").is_active
    account_password_set(username="a", password="another-pass-2025", actor="admin")
    assert User.objects.get(username="a").check_password("another-pass-2025")
    with pytest.raises(ValidationError):
        account_deactivate(username="admin", actor="admin")  # not oneself
    actions = set(AuditRecord.objects.values_list("action", flat=True))
    assert {"account_deactivate", "account_activate", "account_password_set"} <= actions


def test_demo_accounts_twice() -> None:
    Unit.objects.bulk_create(
        [Unit(code="XZ01", name="城关镇"), Unit(code="DQ01", name="县委组织部")]
    )
    demo_accounts_create()
    User.objects.filter(username="office").update(is_active=True)
    account_update(username="xz01", role=Role.SUPERVISOR, actor="test")
    demo_accounts_create()  # resets bindings and passwords
    assert User.objects.count() == len(DEMO_ACCOUNTS)
    assert {u.role for u in User.objects.all()} == set(Role.values)
    xz01 = User.objects.get(username="xz01")
    assert xz01.role == Role.UNIT and xz01.unit.code == "XZ01"
    assert xz01.check_password(DEMO_PASSWORD)


def test_createsuperuser_gets_the_admin_role_not_a_bypass_of_the_rules() -> None:
    """A superuser passes every Django permission check; kaohe has none (found in review), so
    `manage.py createsuperuser` gives a 系统管理员 whose admin is limited by the role."""
    from django.test import Client

    root = User.objects.create_superuser("root", "root@example.org", "a-long-pass-phrase-2025")
    root.refresh_from_db()
    assert (root.role, root.is_staff, root.is_superuser) == (Role.ADMIN, True, False)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(root)
    assert client.get("/admin/accounts/user/").status_code == 200
    assert client.get("/admin/results/assesseeresult/").status_code == 403
