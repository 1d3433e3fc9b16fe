"""The vocabulary of the authorization tables: outcomes, roles and ``Case``.

``tests/test_authorization.py`` holds the core table and collects ``CASES`` from every
``tests/authz_<app>.py`` module, so each app keeps the expectations for its own URLs next to
nothing else, and a URL pattern that no table mentions still fails the suite.
"""

from __future__ import annotations

from dataclasses import dataclass, field

OK, GO, LOGIN, DENIED, ADMIN_LOGIN = "200", "redirect", "login", "403", "admin-login"
ROLES = ("anonymous", "admin", "office", "assessor", "unit", "supervisor")
PLAN = "2025-auth"
OWN, OTHER = "U0000", "U0001"  # the unit account's own unit, and another assessed unit


def expect(
    *, anonymous: str, admin: str, office: str, assessor: str, unit: str, supervisor: str
) -> dict[str, str]:
    return {
        "anonymous": anonymous,
        "admin": admin,
        "office": office,
        "assessor": assessor,
        "unit": unit,
        "supervisor": supervisor,
    }


def everyone(outcome: str) -> dict[str, str]:
    return dict.fromkeys(ROLES, outcome)


def signed_in(outcome: str) -> dict[str, str]:
    return {**everyone(outcome), "anonymous": LOGIN}


def only(*roles: str) -> dict[str, str]:
    """OK for ``roles``; 403 for the other accounts; the log-in page for anonymous."""
    return {role: OK if role in roles else DENIED for role in ROLES} | {"anonymous": LOGIN}


@dataclass(frozen=True)
class Case:
    name: str  # the URL pattern's name, namespace included
    url: str
    expected: dict[str, str]
    method: str = "get"
    data: dict[str, str] = field(default_factory=dict)
    published: bool = False  # publish the plan's results before the requests
    note: str = ""
