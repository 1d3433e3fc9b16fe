"""The API's authorization expectations, for the walk of tests/test_authorization.py: every
operation of /api/ with every role and anonymous (docs/roles.md, docs/api.md).

``CASES`` of ``authz_common.Case``, collected by tests/test_authorization.py, with two
differences an API needs: ``data`` is a JSON body and ``method`` may be put/patch/delete
(send them with ``outcome`` below), and outcomes are plain status codes — a refused anonymous
caller gets 401 (not a redirect to the log-in page), a refused account 403; a write that
passed the policy and was then refused by the builder answers its 422.

The fixture is the one of tests/test_authorization.py: plan ``2025-auth`` from
``make_document(4)``; the unit account is bound to ``U0000``, ``unit_b`` to ``U0001``;
the assessor account is 县委办, which assesses T2.2 in both categories.
"""

from __future__ import annotations

import json

from django.http import HttpResponse
from django.test import Client

from authz_common import DENIED, OK, OTHER, OWN, PLAN, ROLES, Case, everyone

CREATED, NO_CONTENT = "201", "204"
UNAUTHENTICATED, MISSING, INVALID = "401", "404", "422"


def only(*roles: str, ok: str = OK) -> dict[str, str]:
    """``ok`` for ``roles``; 403 for the other accounts; 401 for anonymous (an API answers,
    it does not redirect to the log-in page)."""
    return {role: ok if role in roles else DENIED for role in ROLES} | {
        "anonymous": UNAUTHENTICATED
    }


def unknown_plan() -> dict[str, str]:
    """An unknown plan: 404 only for those who could see it if it existed (考核办, 监督)."""
    return only("office", "supervisor", ok=MISSING)


NEW_PLAN = {
    "code": "2026-new",
    "name": "2026年度新方案",
    "year": 2026,
    "organization_name": "示例县",
    "category_code": "township",
    "category_name": "乡镇",
}
BONUS = {"assessee": OWN, "type": "bonus", "points": 1, "reason": "获市级表彰"}

CASES: tuple[Case, ...] = (
    Case("api:openapi-json", "/api/openapi.json", everyone(OK)),
    Case("api:api-root", "/api/", everyone(MISSING), note="django-ninja's empty root"),
    Case("api:plan_list", "/api/plans", everyone(OK)),
    Case(
        "api:plan_detail",
        f"/api/plans/{PLAN}",
        only("office", "supervisor", "assessor", "unit"),
        note="before publication: its units and its assessor bodies see the plan, not the admin",
    ),
    Case("api:plan_detail", f"/api/plans/{PLAN}", everyone(OK), published=True),
    Case("api:plan_detail", "/api/plans/no-such-plan", unknown_plan()),
    Case("api:compute", f"/api/plans/{PLAN}/compute", only("office"), method="post"),
    Case("api:publish", f"/api/plans/{PLAN}/publication", only("office"), method="post"),
    Case(
        "api:unpublish",
        f"/api/plans/{PLAN}/publication",
        only("office"),
        method="delete",
        published=True,
    ),
    Case("api:plan_create", "/api/plans", only("office", ok=CREATED), "post", NEW_PLAN),
    Case(
        "api:plan_copy",
        f"/api/plans/{PLAN}/copy",
        only("office", ok=CREATED),
        "post",
        {"code": "2026-auth", "name": "测试方案2026", "year": 2026},
    ),
    Case(
        "api:node_add",
        f"/api/plans/{PLAN}/nodes",
        only("office", ok=CREATED),
        "post",
        {
            "parent": "0.0",
            "fields": {"code": "T9", "name": "新指标", "points": 0, "method": "direct"},
        },
        note="an indicator of 0 points: the section's points still add up",
    ),
    Case(
        "api:node_update",
        f"/api/plans/{PLAN}/nodes/0.0.0",
        only("office"),
        "patch",
        {"fields": {"name": "农业发展（改）"}},
    ),
    Case(
        "api:node_delete",
        f"/api/plans/{PLAN}/nodes/0.0.3",
        only("office", ok=INVALID),
        "delete",
        note="the office may; the builder refuses (the section's points no longer add up)",
    ),
    Case(
        "api:node_move",
        f"/api/plans/{PLAN}/nodes/0.0.0/move",
        only("office"),
        "post",
        {"offset": 1},
    ),
    Case(
        "api:points",
        f"/api/plans/{PLAN}/points",
        only("office"),
        "put",
        {"points": {"0.0.0": 20}},
    ),
    Case("api:ranking", f"/api/plans/{PLAN}/ranking", only("office", "supervisor")),
    Case("api:ranking", f"/api/plans/{PLAN}/ranking", everyone(OK), published=True),
    Case("api:ranking", "/api/plans/no-such-plan/ranking", unknown_plan()),
    Case("api:explanation", f"/api/plans/{PLAN}/assessees/{OWN}", only("office", "supervisor")),
    Case(
        "api:explanation",
        f"/api/plans/{PLAN}/assessees/{OWN}",
        only("office", "supervisor", "unit"),
        published=True,
        note="its own explanation after publication",
    ),
    Case(
        "api:explanation",
        f"/api/plans/{PLAN}/assessees/{OTHER}",
        only("office", "supervisor"),
        published=True,
        note="another unit's explanation, even published",
    ),
    Case("api:diagnostics", f"/api/plans/{PLAN}/indicators", only("office", "supervisor")),
    Case("api:diagnostics", f"/api/plans/{PLAN}/indicators", everyone(OK), published=True),
    Case(
        "api:worst",
        f"/api/plans/{PLAN}/worst",
        only("office", "supervisor"),
        published=True,
        note="vote counts: never public",
    ),
    Case(
        "api:values",
        f"/api/plans/{PLAN}/indicators/T2.2/values",
        only("office", "supervisor", "assessor"),
    ),
    Case(
        "api:values",
        f"/api/plans/{PLAN}/indicators/T1/values",
        only("office", "supervisor"),
        note="an indicator of no assessor body's: not 县委办's",
    ),
    Case(
        "api:values_save",
        f"/api/plans/{PLAN}/indicators/T2.2/values",
        only("office", "assessor"),
        "put",
        {"values": {OWN: "B"}},
    ),
    Case(
        "api:values_save",
        f"/api/plans/{PLAN}/indicators/T2.2/values",
        only("office", "assessor", ok=INVALID),
        "put",
        {"values": {OWN: "Z"}},
        note="a label the indicator does not have: 422, nothing saved",
    ),
    Case(
        "api:values_save",
        f"/api/plans/{PLAN}/indicators/T1/values",
        only("office"),
        "put",
        {"values": {OWN: "88"}},
    ),
    Case("api:events", f"/api/plans/{PLAN}/events", only("office", "supervisor", "assessor")),
    Case(
        "api:event_add",
        f"/api/plans/{PLAN}/events",
        only("office", "assessor", ok=CREATED),
        "post",
        BONUS,
    ),
    Case(
        "api:event_delete",
        f"/api/plans/{PLAN}/events/999999",
        {**only("office", ok=MISSING)},
        "delete",
        note="an unknown event: 404 for the office; an assessor may delete only its own",
    ),
    Case("api:dashboard_office", "/api/dashboard/office", only("office", "supervisor")),
    Case("api:dashboard_assessor", "/api/dashboard/assessor", only("assessor")),
    Case("api:dashboard_unit", "/api/dashboard/unit", only("unit")),
    Case("api:account_list", "/api/accounts", only("admin")),
    Case(
        "api:account_create",
        "/api/accounts",
        only("admin", ok=CREATED),
        "post",
        {"username": "u2", "password": "Qingshan-2025-kh", "role": "unit", "unit": "U0002"},
    ),
    Case(
        "api:account_deactivate",
        "/api/accounts/unit_b/deactivate",
        only("admin"),
        method="post",
    ),
    Case("api:account_activate", "/api/accounts/unit_b/activate", only("admin"), "post"),
    # The ballot API is public by design (no log-in: the 测评码 is the voter's only key), so
    # every role gets the same answer. A malformed code is refused before any look-up (and is
    # not a guess the throttle counts); an unknown receipt is a 404.
    Case("api:vote_form", "/api/vote/form", everyone(INVALID), "post", {"code": "0OIL"}),
    Case(
        "api:vote_cast",
        "/api/vote/ballots",
        everyone(INVALID),
        "post",
        {"code": "0OIL", "marks": [{"assessee": OWN, "value": "优秀"}]},
    ),
    Case(
        "api:vote_receipt",
        "/api/vote/receipts",
        everyone(MISSING),
        "post",
        {"receipt": "AAAA-AAAA-AAAA"},
    ),
)


def outcome(case: Case, client: Client) -> str:
    """The status code of an ``api:`` case: ``data`` sent as a JSON body with any method but
    GET (the test client skips the CSRF check, as for the pages; kaohe/api/tests checks it)."""
    response: HttpResponse
    if case.method == "get":
        response = client.get(case.url)
    else:
        send = getattr(client, case.method)
        response = send(case.url, data=json.dumps(case.data), content_type="application/json")
    return str(response.status_code)
