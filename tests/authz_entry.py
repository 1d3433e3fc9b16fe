"""Authorization expectations of the data-entry pages (kaohe.entry, issue 3 item 4), in the
format of ``CASES`` in tests/test_authorization.py, which collects this table.

The factory plan ``2025-auth`` gives 县委办 (the assessor account) the indicator T2.2 in both
categories; T1 has no assessor body. The POSTs change nothing (the value posted is the one
stored; the event posted lacks its reason), so every role sees the same state.
"""

from __future__ import annotations

from authz_common import DENIED, GO, LOGIN, PLAN, Case, expect, only

MISSING = 999_999  # no event has this id

CASES: tuple[Case, ...] = (
    Case("entry:indicators", "/entry/", only("office", "assessor", "supervisor")),
    Case(
        "entry:grid",
        f"/entry/{PLAN}/indicators/T2.2/",
        only("office", "assessor", "supervisor"),
        note="its own indicator: the assessor body enters it, 监督 reads it",
    ),
    Case(
        "entry:grid",
        f"/entry/{PLAN}/indicators/T1/",
        only("office", "supervisor"),
        note="an indicator that is not the assessor body's: refused",
    ),
    Case(
        "entry:grid",
        f"/entry/{PLAN}/indicators/T2.2/",
        {**only("office", "assessor"), "office": GO, "assessor": GO},
        method="post",
        data={"v:U0000": "A"},
        note="saving: 考核办 and its own assessor body; 监督 writes nothing",
    ),
    Case(
        "entry:grid",
        f"/entry/{PLAN}/indicators/T1/",
        {**only("office"), "office": GO},
        method="post",
        data={"v:U0000": "70"},
        note="saving another body's indicator: refused",
    ),
    Case(
        "entry:grid",
        "/entry/no-such-plan/indicators/T1/",
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
    Case("entry:upload", f"/entry/{PLAN}/upload/", only("office", "assessor")),
    Case("entry:events", f"/entry/{PLAN}/events/", only("office", "assessor", "supervisor")),
    Case(
        "entry:events",
        f"/entry/{PLAN}/events/",
        only("office", "assessor"),
        method="post",
        data={"assessee": "U0000", "type": "downgrade", "reason": ""},
        note="recording an event (refused for want of a reason: nothing changes)",
    ),
    Case(
        "entry:events",
        "/entry/no-such-plan/events/",
        expect(
            anonymous=LOGIN,
            admin=DENIED,
            office="404",
            assessor=DENIED,
            unit=DENIED,
            supervisor="404",
        ),
    ),
    Case(
        "entry:event_delete",
        f"/entry/{PLAN}/events/{MISSING}/delete/",
        {**only("office"), "office": "404"},
        method="post",
        note="an assessor body deletes only what it recorded; 考核办 anything",
    ),
    Case(
        "entry:evidence",
        f"/entry/{PLAN}/events/{MISSING}/evidence/",
        {**only("office", "supervisor"), "office": "404", "supervisor": "404"},
        note="an assessor body downloads only the evidence it uploaded",
    ),
)
