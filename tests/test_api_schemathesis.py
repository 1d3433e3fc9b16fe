"""schemathesis against /api/openapi.json, logged in as 考核办 on the demo county: no server
error, no status code the operation does not declare, every answer as its schema says
(issue 3 acceptance).

Each operation gets generated requests (bounded: ``EXAMPLES`` each) sent to the Django WSGI
application in-process, with the office's session cookie and a CSRF token. Generated path
values rarely name an existing object, so each request is sent a second time with the path
anchored on the demo county's units plan (a real plan, assessee, indicator, node), which
exercises the answers built from real data too.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.middleware.csrf import CSRF_ALLOWED_CHARS
from django.test import Client
from django.utils.crypto import get_random_string
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from kaohe.accounts.models import Role, User
from kaohe.demo import demo_documents
from kaohe.plans.services import plan_compute, plan_load
from kaohe.workbook.build import build_document

pytestmark = pytest.mark.django_db

EXAMPLES = 12
DEMO_PLAN = "2025-units"
# Real values for the path parameters, taken from the demo units plan.
ANCHORS = {
    "plan_code": DEMO_PLAN,
    "assessee_code": "XZ01",
    "indicator_code": "T3",
    "ref": "0.0.0",
    "username": "office",
}
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]


# Loading the schema sends one request to the application (no database involved).
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", WSGIHandler())


@pytest.fixture
def office_session(db: None) -> Iterator[dict[str, Any]]:
    """The demo units plan, computed; an office account logged in; the cookies and the CSRF
    header its requests carry."""
    plan_load(document=build_document(demo_documents()[0]))
    plan_compute(plan_code=DEMO_PLAN)
    office = User(username="office", role=Role.OFFICE)
    office.set_unusable_password()
    office.save()
    client = Client()
    client.force_login(office)
    token = get_random_string(32, CSRF_ALLOWED_CHARS)
    # Requests reach Django's WSGI handler directly, which closes the database connection
    # at the end of each request; the test's transaction must survive them (as the test
    # client does it).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield {
            "cookies": {"sessionid": client.cookies["sessionid"].value, "csrftoken": token},
            "headers": {"X-CSRFToken": token},
        }
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api(case: Any, office_session: dict[str, Any]) -> None:
    case.call_and_validate(
        headers=office_session["headers"], cookies=office_session["cookies"], checks=CHECKS
    )
    if case.path_parameters:
        for name in case.path_parameters:
            if name in ANCHORS:
                case.path_parameters[name] = ANCHORS[name]
        case.call_and_validate(
            headers=office_session["headers"], cookies=office_session["cookies"], checks=CHECKS
        )
