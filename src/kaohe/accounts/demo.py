"""Demo accounts for the demo county 青山县 (``kaohe demo``): one per role, one password.

The password is printed by ``kaohe demo`` and written in docs/roles.md: these accounts exist
only to try the demo and must never be created on a real county's database.
"""

from __future__ import annotations

from dataclasses import dataclass

from kaohe.accounts.models import Role, User
from kaohe.accounts.services import account_create, account_password_set, account_update

DEMO_PASSWORD = "kaohe-demo-2025"
ACTOR = "demo"


@dataclass(frozen=True, slots=True)
class DemoAccount:
    username: str
    name: str
    role: str
    unit_code: str | None = None
    assessor: str | None = None


DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("admin", "系统管理员", Role.ADMIN),
    DemoAccount("office", "县委考核办", Role.OFFICE),
    DemoAccount("xwb", "县委办公室", Role.ASSESSOR, assessor="县委办"),
    DemoAccount("zfb", "县政府办公室", Role.ASSESSOR, assessor="政府办"),
    DemoAccount("xz01", "城关镇", Role.UNIT, unit_code="XZ01"),
    DemoAccount("dq01", "县委组织部", Role.UNIT, unit_code="DQ01"),
    DemoAccount("renda", "县人大常委会", Role.SUPERVISOR),
)


def demo_accounts_create() -> list[DemoAccount]:
    """Create (or reset to their demo state) the demo accounts; the units must exist.

    Idempotent: running ``kaohe demo`` again rebinds each account and resets its password.
    """
    for account in DEMO_ACCOUNTS:
        binding = {
            "role": account.role,
            "name": account.name,
            "unit_code": account.unit_code,
            "assessor": account.assessor,
        }
        if User.objects.filter(username=account.username).exists():
            account_update(username=account.username, actor=ACTOR, **binding)
            account_password_set(username=account.username, password=DEMO_PASSWORD, actor=ACTOR)
        else:
            account_create(
                username=account.username, password=DEMO_PASSWORD, actor=ACTOR, **binding
            )
    return list(DEMO_ACCOUNTS)
