"""Every URL of the site, with every role and anonymous: allowed or refused as docs/roles.md
says (issue 3). The expectation table is written by hand, apart from kaohe.accounts.policy,
so a wrong rule in the policy fails here.

A URL pattern without an entry in ``CASES`` fails ``test_every_url_pattern_has_expectations``:
a new view cannot be forgotten. Django admin URLs are covered as a group (``ADMIN_CASES``):
only 系统管理员 and 考核办 get in, each to its own apps.

Outcomes: ``OK`` 200; ``GO`` a redirect that is not to a log-in page (the action was done);
``LOGIN`` a redirect to the log-in page (anonymous refused); ``DENIED`` 403;
``ADMIN_LOGIN`` the Django admin's own refusal (a redirect to its log-in page).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from authz_common import (
    ADMIN_LOGIN,
    DENIED,
    GO,
    LOGIN,
    OK,
    OTHER,
    OWN,
    PLAN,
    ROLES,
    Case,
    everyone,
    expect,
    only,
    signed_in,
)
from factories import make_document
from kaohe.accounts.models import Role, User
from kaohe.org.models import Unit
from kaohe.plans.services import plan_compute, plan_load
from kaohe.results.services import results_publish

pytestmark = pytest.mark.django_db


CORE_CASES: tuple[Case, ...] = (
    Case("web:home", "/", everyone(OK)),
    Case("results:plan_list", "/plans/", everyone(OK)),
    Case(
        "results:ranking",
        f"/plans/{PLAN}/",
        only("office", "supervisor"),
        note="before publication: the office and the supervisor only",
    ),
    Case("results:ranking", f"/plans/{PLAN}/", everyone(OK), published=True),
    Case(
        "results:ranking",
        "/plans/no-such-plan/",
        expect(
            anonymous=LOGIN,
            admin=DENIED,
            office="404",
            assessor=DENIED,
            unit=DENIED,
            supervisor="404",
        ),
        note="an unknown plan is a 404 only for those who could see it if it existed",
    ),
    Case(
        "results:explanation",
        f"/plans/{PLAN}/assessees/{OWN}/",
        only("office", "supervisor"),
        note="the unit's own explanation before publication: refused",
    ),
    Case(
        "results:explanation",
        f"/plans/{PLAN}/assessees/{OWN}/",
        only("office", "supervisor", "unit"),
        published=True,
        note="its own explanation after publication: allowed",
    ),
    Case(
        "results:explanation",
        f"/plans/{PLAN}/assessees/{OTHER}/",
        only("office", "supervisor"),
        published=True,
        note="another unit's explanation, even published: refused",
    ),
    Case(
        "results:publish",
        f"/plans/{PLAN}/publish/",
        {**only("office"), "office": GO},
        method="post",
        data={"publish": "1"},
    ),
    Case(
        "results:publish",
        f"/plans/{PLAN}/publish/",
        {**only("office"), "office": GO},
        method="post",
        data={"publish": "0"},
        published=True,
    ),
    Case("accounts:login", "/accounts/login/", {**everyone(GO), "anonymous": OK}),
    Case("accounts:logout", "/accounts/logout/", everyone(GO), method="post"),
    Case("accounts:password_change", "/accounts/password/", signed_in(OK)),
    Case("accounts:account_list", "/accounts/manage/", only("admin")),
    Case("accounts:account_create", "/accounts/manage/create/", only("admin")),
    Case("accounts:account_edit", "/accounts/manage/users/unit_b/", only("admin")),
    Case("accounts:account_password", "/accounts/manage/users/unit_b/password/", only("admin")),
    Case(
        "accounts:account_active",
        "/accounts/manage/users/unit_b/active/",
        {**only("admin"), "admin": GO},
        method="post",
        data={"active": "0"},
    ),
    Case(
        "set_language",
        "/i18n/setlang/",
        everyone(GO),
        method="post",
        data={"language": "en", "next": "/"},
    ),
)


# How a table sends its requests when it is not as pages are sent (the API's JSON bodies and
# PUT/PATCH/DELETE): a table module may define ``outcome(case, client) -> str``.
Send = Callable[[Case, Client], str]
_SENDERS: dict[int, Send] = {}


def _app_tables() -> tuple[Case, ...]:
    """``CASES`` of every ``tests/authz_<app>.py`` (each app's own URLs), in file-name order."""
    cases: list[Case] = []
    for path in sorted(Path(__file__).parent.glob("authz_*.py")):
        if path.stem == "authz_common":
            continue
        module = importlib.import_module(path.stem)
        cases.extend(module.CASES)
        sender = getattr(module, "outcome", None)
        if sender is not None:
            _SENDERS.update((id(case), sender) for case in module.CASES)
    return tuple(cases)


CASES: tuple[Case, ...] = CORE_CASES + _app_tables()

# The Django admin, as a group: its own door (staff = admin and office roles), then the apps
# each role's permissions open (kaohe.accounts.policy.ADMIN_PERMISSIONS).
ADMIN_DOOR = {**everyone(ADMIN_LOGIN), "admin": OK, "office": OK}
NOT_OFFICE = ADMIN_DOOR | {"office": DENIED}  # accounts and log-in throttling: the admin's
NOT_ADMIN = ADMIN_DOOR | {"admin": DENIED}  # the county's data: the office's
ADMIN_CASES: tuple[Case, ...] = (
    Case("admin:index", "/admin/", ADMIN_DOOR),
    Case("admin:accounts_user_changelist", "/admin/accounts/user/", NOT_OFFICE),
    Case("admin:axes_accessattempt_changelist", "/admin/axes/accessattempt/", NOT_OFFICE),
    Case("admin:org_unit_changelist", "/admin/org/unit/", NOT_ADMIN),
    Case("admin:plans_plan_changelist", "/admin/plans/plan/", NOT_ADMIN),
    Case("admin:results_assesseeresult_changelist", "/admin/results/assesseeresult/", NOT_ADMIN),
)

ADMIN_PREFIX = "admin/"  # every pattern under it is the Django admin's, covered as a group

# Views that are not kaohe's own and so carry no policy rule (their cases above still apply).
FOREIGN_VIEWS = {"set_language"}
# django-ninja's operations cannot carry @allow: each calls ``require(can_…)`` inside, and
# every one of them still needs its rows in tests/authz_api.py (the first test above).
API_PREFIX = "api/"


def _patterns(
    resolvers: list[URLPattern | URLResolver], namespace: str = "", prefix: str = ""
) -> Iterator[tuple[str, str, Callable[..., HttpResponse]]]:
    """(qualified name, route, view) of every URL pattern, walking included URLconfs."""
    for entry in resolvers:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _patterns(entry.url_patterns, inner, prefix + str(entry.pattern))
        else:
            name = (
                f"{namespace}{entry.name}" if entry.name else f"(unnamed) {prefix}{entry.pattern}"
            )
            yield name, prefix + str(entry.pattern), entry.callback


def test_every_url_pattern_has_expectations() -> None:
    covered = {case.name for case in CASES}
    missing = [
        f"{name}  ({route})"
        for name, route, _ in _patterns(get_resolver().url_patterns)
        if not route.startswith(ADMIN_PREFIX) and name not in covered
    ]
    assert not missing, "URL patterns without an authorization expectation:\n" + "\n".join(missing)
    assert {case.name for case in ADMIN_CASES} <= {
        name for name, _, _ in _patterns(get_resolver().url_patterns)
    }


def test_every_view_declares_its_rule_through_the_policy() -> None:
    undeclared = [
        name
        for name, route, view in _patterns(get_resolver().url_patterns)
        if not route.startswith((ADMIN_PREFIX, API_PREFIX))
        and name not in FOREIGN_VIEWS
        and not hasattr(view, "kaohe_rule")
    ]
    assert not undeclared, f"views without @kaohe.accounts.policy.allow: {undeclared}"


@pytest.fixture
def accounts() -> dict[str, User]:
    plan_load(document=make_document(4, code=PLAN))
    plan_compute(plan_code=PLAN)
    units = {unit.code: unit for unit in Unit.objects.filter(code__in=[OWN, OTHER])}
    rows = {
        "admin": User(username="admin", role=Role.ADMIN),
        "office": User(username="office", role=Role.OFFICE),
        # 县委办 assesses T2.2 in the factory plan.
        "assessor": User(username="xwb", role=Role.ASSESSOR, assessor="县委办"),
        "unit": User(username="unit_a", role=Role.UNIT, unit=units[OWN]),
        "unit_b": User(username="unit_b", role=Role.UNIT, unit=units[OTHER]),
        "supervisor": User(username="renda", role=Role.SUPERVISOR),
    }
    for user in rows.values():
        user.set_unusable_password()  # force_login below: no password hashing, fast
        user.save()
    return rows


def _outcome(response: HttpResponse) -> str:
    if response.status_code in (301, 302):
        location = response["Location"]
        if location.startswith("/admin/login/"):
            return ADMIN_LOGIN
        return LOGIN if location.startswith("/accounts/login/") else GO
    return str(response.status_code)


def _request(case: Case, role: str, accounts: dict[str, User]) -> str:
    client = Client(HTTP_HOST="127.0.0.1")
    if role != "anonymous":
        client.force_login(accounts[role])
    sender = _SENDERS.get(id(case))
    if sender is not None:
        return sender(case, client)
    if case.method == "post":
        return _outcome(client.post(case.url, case.data))
    return _outcome(client.get(case.url))


@pytest.mark.parametrize(
    "case",
    CASES + ADMIN_CASES,
    ids=[
        f"{c.name}{'-published' if c.published else ''}-{c.method}-{c.url}"
        for c in CASES + ADMIN_CASES
    ],
)
def test_access(case: Case, accounts: dict[str, User]) -> None:
    actual: dict[str, str] = {}
    for role in ROLES:
        # Each role sees the same state: a POST by one role must not change the next one's.
        if case.published:
            results_publish(plan_code=PLAN, actor="test")
        actual[role] = _request(case, role, accounts)
        _restore(case, accounts)
    assert actual == case.expected, case.note


def _restore(case: Case, accounts: dict[str, User]) -> None:
    from kaohe.results.services import results_unpublish

    results_unpublish(plan_code=PLAN, actor="test")
    unit_b = accounts["unit_b"]
    User.objects.filter(pk=unit_b.pk).update(is_active=True)
