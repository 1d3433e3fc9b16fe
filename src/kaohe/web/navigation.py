"""The site's navigation per role. An item is shown to the roles of the policy rule of the
page it leads to, so the menu never offers a page that would refuse the user."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kaohe.accounts.models import Role
from kaohe.accounts.policy import ANONYMOUS, EVERYONE


@dataclass(frozen=True, slots=True)
class NavItem:
    label: str | Promise
    url_name: str
    roles: frozenset[str]


NAVIGATION: tuple[NavItem, ...] = (
    # The home page is a dashboard for the roles that have one, the published plans otherwise.
    NavItem(_("首页"), "web:home", frozenset({ANONYMOUS, Role.ADMIN})),
    NavItem(_("工作台"), "web:home", EVERYONE - {ANONYMOUS, Role.ADMIN}),
    NavItem(_("方案设计"), "plans:list", frozenset({Role.OFFICE})),
    NavItem(
        _("数据录入"), "entry:indicators", frozenset({Role.OFFICE, Role.ASSESSOR, Role.SUPERVISOR})
    ),
    NavItem(_("民主测评"), "evaluation_office:plans", frozenset({Role.OFFICE, Role.SUPERVISOR})),
    # Clerks entering paper ballots are 考核办 accounts (docs/paper-ballots.md).
    NavItem(_("纸质票录入"), "evaluation_paper:home", frozenset({Role.OFFICE})),
    # 过程考核 (kaohe.process): the office's lights and the assessor bodies' inspections, the
    # unit's progress reports, and the public progress board (进度公示栏).
    NavItem(
        _("过程考核"),
        "process_office:index",
        frozenset({Role.OFFICE, Role.ASSESSOR, Role.SUPERVISOR}),
    ),
    NavItem(_("进度填报"), "process_unit:home", frozenset({Role.UNIT})),
    NavItem(_("考核结果"), "results:plan_list", EVERYONE),
    NavItem(_("进度公示"), "process_public:index", EVERYONE),
    NavItem(_("账号管理"), "accounts:account_list", frozenset({Role.ADMIN})),
    NavItem(_("系统配置"), "admin:index", frozenset({Role.ADMIN, Role.OFFICE})),
)


def navigation(role: str, path: str) -> list[dict[str, object]]:
    """The items ``role`` may open, each with its URL and whether ``path`` is within it."""
    items: list[dict[str, object]] = []
    for item in NAVIGATION:
        if role not in item.roles:
            continue
        url = reverse(item.url_name)
        active = path == url if url == "/" else path.startswith(url)
        items.append({"label": item.label, "url": url, "active": active})
    return items
