"""Authorization expectations of the paper-ballot pages (/paper/, issue 4 item 6), in the
format of ``CASES`` in tests/test_authorization.py, which collects this table.

Clerks are office accounts: only 考核办 enters, compares, commits or imports paper ballots;
监督 does not see typed ballots one by one. The factory plan ``2025-auth`` has no batch, so the
batch URLs name a missing one: 404 for the office, 403 for everyone else (the role is refused
before the object is looked up). The POSTs change nothing.
"""

from __future__ import annotations

from authz_common import GO, OK, PLAN, Case, only

MISSING = 999_999  # no batch or entry has this id
OFFICE_404 = {**only("office"), "office": "404"}

CASES: tuple[Case, ...] = (
    Case("evaluation_paper:home", "/paper/", only("office")),
    Case(
        "evaluation_paper:batch_new",
        "/paper/batches/new/",
        {**only("office"), "office": GO},
        method="post",
        data={"group": ""},
        note="no group chosen: back to the list with a message, nothing created",
    ),
    Case("evaluation_paper:batch", f"/paper/batches/{MISSING}/", OFFICE_404),
    Case(
        "evaluation_paper:batch",
        f"/paper/batches/{MISSING}/",
        OFFICE_404,
        method="post",
        data={"serial": "1"},
    ),
    Case(
        "evaluation_paper:entry_delete",
        f"/paper/batches/{MISSING}/entries/{MISSING}/delete/",
        OFFICE_404,
        method="post",
    ),
    Case("evaluation_paper:compare", f"/paper/batches/{MISSING}/compare/", OFFICE_404),
    Case("evaluation_paper:commit", f"/paper/batches/{MISSING}/commit/", OFFICE_404, method="post"),
    Case(
        "evaluation_paper:batch_delete",
        f"/paper/batches/{MISSING}/delete/",
        OFFICE_404,
        method="post",
    ),
    Case("evaluation_paper:upload", f"/paper/{PLAN}/mz/import/", {**only("office"), "office": OK}),
    Case(
        "evaluation_paper:upload",
        f"/paper/{PLAN}/mz/import/",
        only("office"),
        method="post",
        data={},
        note="no file: the form says so, nothing imported",
    ),
    Case("evaluation_paper:upload", f"/paper/{PLAN}/nope/import/", OFFICE_404),
)
