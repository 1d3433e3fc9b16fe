"""Authorization expectations of the office's evaluation pages (/office/evaluations/, issue 4),
collected by tests/test_authorization.py.

The factory plan ``2025-auth`` has the evaluations ``mz`` (民主测评, groups ``leaders`` and
``staff``) and ``zc`` (评选最差), both closed (their ballots came with the document). 考核办
runs evaluations; 监督 reads the same pages; nobody else sees them. The POSTs are refused by
the evaluation's state (a closed evaluation cannot be set up, opened, issued or closed: the
office gets a redirect with the message) or by their input, so they change nothing — except
counting, which computes the plan (allowed: the evaluations are closed).
"""

from __future__ import annotations

from authz_common import DENIED, GO, LOGIN, PLAN, Case, expect, only

BASE = f"/office/evaluations/{PLAN}"
READERS = only("office", "supervisor")
OFFICE_GO = {**only("office"), "office": GO}


def _unknown(office: str, supervisor: str) -> dict[str, str]:
    return expect(
        anonymous=LOGIN,
        admin=DENIED,
        office=office,
        assessor=DENIED,
        unit=DENIED,
        supervisor=supervisor,
    )


CASES: tuple[Case, ...] = (
    Case("evaluation_office:plans", "/office/evaluations/", READERS),
    Case("evaluation_office:list", f"{BASE}/", READERS),
    Case(
        "evaluation_office:list",
        "/office/evaluations/no-such-plan/",
        _unknown("404", "404"),
        note="an unknown plan is a 404 only for those who could see it",
    ),
    Case(
        "evaluation_office:create",
        f"{BASE}/new/",
        {**only("office"), "office": "422"},
        method="post",
        data={"preset": "grade", "code": ""},
        note="creating needs a code: refused with the problem, nothing created",
    ),
    Case("evaluation_office:detail", f"{BASE}/mz/", READERS),
    Case(
        "evaluation_office:detail",
        f"{BASE}/nope/",
        _unknown("404", "404"),
        note="an unknown evaluation",
    ),
    Case(
        "evaluation_office:turnout",
        f"{BASE}/mz/turnout/",
        {**READERS, "office": "204", "supervisor": "204"},
        note="a closed evaluation has no turnout partial: htmx is sent to the whole page",
    ),
    Case(
        "evaluation_office:results",
        f"{BASE}/mz/results/",
        READERS,
        note="测评结果统计表 (before counting the page says there are no results yet)",
    ),
    Case("evaluation_office:setup", f"{BASE}/mz/setup/", only("office")),
    Case(
        "evaluation_office:setup",
        f"{BASE}/mz/setup/",
        OFFICE_GO,
        method="post",
        data={"name": "改名"},
        note="a closed evaluation's setup cannot change: back to its page with the message",
    ),
    Case("evaluation_office:groups", f"{BASE}/mz/groups/", only("office")),
    Case(
        "evaluation_office:groups",
        f"{BASE}/mz/groups/",
        OFFICE_GO,
        method="post",
        data={"rows": "1", "1-code": "x", "1-name": "X"},
    ),
    Case("evaluation_office:scope", f"{BASE}/mz/groups/leaders/scope/", only("office")),
    Case(
        "evaluation_office:scope",
        f"{BASE}/mz/groups/nope/scope/",
        {**only("office"), "office": "404"},
        note="an unknown group",
    ),
    Case(
        "evaluation_office:scope",
        f"{BASE}/mz/groups/leaders/scope/",
        OFFICE_GO,
        method="post",
        data={"mode": "default"},
    ),
    Case("evaluation_office:open", f"{BASE}/mz/open/", OFFICE_GO, method="post"),
    Case(
        "evaluation_office:issue",
        f"{BASE}/mz/codes/",
        OFFICE_GO,
        method="post",
        data={"group": "leaders", "count": "3"},
        note="issuing codes for a closed evaluation: refused",
    ),
    Case(
        "evaluation_office:reprint",
        f"{BASE}/mz/reprint/",
        OFFICE_GO,
        method="post",
        data={"group": "leaders", "number": "1"},
    ),
    Case("evaluation_office:close", f"{BASE}/mz/close/", OFFICE_GO, method="post"),
    Case(
        "evaluation_office:count",
        f"{BASE}/mz/count/",
        OFFICE_GO,
        method="post",
        note="counting computes the plan: 考核办 only",
    ),
)
