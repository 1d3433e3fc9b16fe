"""The dashboards and the board run a fixed number of queries whatever the number of tasks."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kaohe.process import selectors, services
from kaohe.process.tests.util import World

pytestmark = pytest.mark.django_db

AS_OF = date(2025, 7, 15)


def _queries(call: Callable[[], Any]) -> int:
    with CaptureQueriesContext(connection) as ctx:
        call()
    return len(ctx.captured_queries)


def _grow(w: World, start: int, n: int) -> None:
    """Add ``n`` more public tasks for both towns, with milestones, reports, inspections,
    explanations and rectifications, so that every branch of the selectors has rows."""
    for k in range(start, start + n):
        task = services.task_create(
            actor=w.office, process_plan=w.pp, code=f"X{k}", name=f"项目{k}", lead_body="县委办",
            starts_on=date(2025, 1, 1), ends_on=date(2025, 12, 31), public=True,
        )  # fmt: skip
        for unit, account in ((w.u1, w.unit1), (w.u2, w.unit2)):
            t = services.target_create(actor=w.office, task=task, unit=unit, leader="书记")
            m1 = services.milestone_create(
                actor=w.office, target=t, name="一", due_on=date(2025, 4, 30)
            )
            services.milestone_create(actor=w.office, target=t, name="二", due_on=date(2025, 9, 30))
            services.progress_report(
                actor=account, milestone_id=m1.id, status="behind", percent=20,
                reported_on=date(2025, 4, 1),
            )  # fmt: skip
            services.explanation_file(
                actor=account, milestone_id=m1.id, cause="subjective", text="慢",
                measures="加快", filed_on=date(2025, 5, 2),
            )  # fmt: skip
            services.inspection_record(
                actor=w.xwb, target_id=t.id, month=date(2025, 2, 1), rating="fair",
                inspected_on=date(2025, 2, 25),
            )  # fmt: skip


def _counts(w: World) -> dict[str, int]:
    return {
        "office": _queries(lambda: selectors.office_dashboard(w.pp, AS_OF)),
        "unit": _queries(lambda: selectors.unit_dashboard(w.pp, w.u1.id, AS_OF)),
        "schedule": _queries(lambda: selectors.inspection_schedule(w.pp, AS_OF, assessor="县委办")),
        "feedback": _queries(lambda: selectors.quarterly_feedback(w.pp, w.u1.id, 2025, 2)),
        "board": _queries(lambda: selectors.public_board(w.pp, w.u1.id, AS_OF)),
        "board_units": _queries(lambda: selectors.board_units(w.pp)),
    }


PINNED = {"office": 4, "unit": 5, "schedule": 2, "feedback": 8, "board": 4, "board_units": 1}


def test_query_counts_do_not_grow_with_tasks() -> None:
    w = World()
    _grow(w, 0, 1)
    small = _counts(w)
    _grow(w, 1, 6)
    large = _counts(w)
    assert small == large == PINNED
    # The large plan really has more rows to show.
    assert len(selectors.public_board(w.pp, w.u1.id, AS_OF)) == 8
    # 8 unexplained red milestones of K1/K2 (due 03-31 and 06-30, deadlines passed) and 14
    # rectifications opened on 05-02 and due 06-01.
    kinds = [e.kind for e in selectors.office_dashboard(w.pp, AS_OF).escalations]
    assert (kinds.count("explanation"), kinds.count("rectification")) == (8, 14)
