"""Authorization expectations of the plan builder's URLs (kaohe.plans.urls, 方案设计, issue 3
item 3), in the format of ``CASES`` in tests/test_authorization.py, which collects this table.

Only 考核办 may open the plan builder; every other account gets 403 and anonymous visitors the
log-in page. The plan is the factory plan ``2025-auth`` (node ``0.0.1`` is T2, a parent
indicator). The POSTs leave the plan valid: the points posted are the stored ones, and a
move is refused to everyone but the office before it changes anything.
"""

from __future__ import annotations

from authz_common import DENIED, GO, LOGIN, OK, PLAN, ROLES, Case

BASE = f"/office/plans/{PLAN}"


def office(outcome: str = OK) -> dict[str, str]:
    """``outcome`` for 考核办; 403 for the other accounts; the log-in page for anonymous."""
    return {role: DENIED for role in ROLES} | {"anonymous": LOGIN, "office": outcome}


CASES: tuple[Case, ...] = (
    Case("plans:list", "/office/plans/", office()),
    Case("plans:create", "/office/plans/new/", office()),
    Case("plans:copy", "/office/plans/copy/", office()),
    Case("plans:editor", f"{BASE}/", office()),
    Case(
        "plans:editor",
        "/office/plans/no-such-plan/",
        office("404"),
        note="an unknown plan: 404 for the office, refused as usual for everyone else",
    ),
    Case(
        "plans:points",
        f"{BASE}/points/",
        office(GO),
        method="post",
        data={"pts-0.0.0": "20"},
        note="saving unchanged points: the office is sent back to the editor",
    ),
    Case(
        "plans:compute",
        f"{BASE}/compute/",
        office(GO),
        method="post",
        note="the office scores the plan and is sent to its ranking",
    ),
    Case("plans:settings", f"{BASE}/settings/", office()),
    Case("plans:members", f"{BASE}/members/", office()),
    Case("plans:vetoes", f"{BASE}/vetoes/", office()),
    Case("plans:node_add", f"{BASE}/nodes/add/?parent=0.0", office()),
    Case("plans:node_edit", f"{BASE}/nodes/0.0.1/", office()),
    Case("plans:node_delete", f"{BASE}/nodes/0.0.1/delete/", office()),
    Case(
        "plans:node_move",
        f"{BASE}/nodes/0.0.1/move/",
        office(GO),
        method="post",
        data={"direction": "up"},
    ),
    Case("plans:grades", f"{BASE}/categories/0/grades/", office()),
    Case("plans:assessors", f"{BASE}/categories/0/assessors/", office()),
)
