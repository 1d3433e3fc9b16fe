"""The API's authorization table (tests/authz_api.py) run with every role, and a check that
every operation of /api/ has an expectation there."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver

from authz_api import CASES as API_CASES
from authz_api import PLAN, ROLES, outcome
from authz_common import Case
from kaohe.accounts.models import User
from kaohe.results.services import results_publish, results_unpublish

pytestmark = pytest.mark.django_db


def _api_names() -> set[str]:
    (api,) = [
        entry
        for entry in get_resolver().url_patterns
        if isinstance(entry, URLResolver) and entry.namespace == "api"
    ]
    return {f"api:{pattern.name}" for pattern in api.url_patterns}


def test_every_api_operation_has_expectations() -> None:
    missing = _api_names() - {case.name for case in API_CASES}
    assert not missing, f"API operations without an authorization expectation: {missing}"
    assert {case.name for case in API_CASES} <= _api_names()


@pytest.mark.parametrize(
    "case",
    API_CASES,
    ids=[f"{c.name}{'-published' if c.published else ''}-{c.method}-{c.url}" for c in API_CASES],
)
def test_access(case: Case, accounts: dict[str, User], client_of: Callable[[str], Client]) -> None:
    actual: dict[str, str] = {}
    for role in ROLES:
        if case.published:
            results_publish(plan_code=PLAN, actor="test")
        actual[role] = outcome(case, client_of(role))
        results_unpublish(plan_code=PLAN, actor="test")
        User.objects.filter(pk=accounts["unit_b"].pk).update(is_active=True)
    assert actual == case.expected, case.note
