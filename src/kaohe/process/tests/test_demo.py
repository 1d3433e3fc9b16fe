"""The demo county's year of process assessment: stored, its half-year review frozen and P fed
into 2025-units, where it equals the document's ``data.process`` (docs/process.md)."""

from __future__ import annotations

from datetime import date

import pytest

from kaohe.demo import demo_documents
from kaohe.demo.process import demo_process_load
from kaohe.plans.models import PlanAssessee
from kaohe.plans.services import plan_compute, plan_load
from kaohe.process import selectors
from kaohe.process.models import (
    Explanation,
    ProcessPlan,
    Rectification,
    StageReview,
    Target,
)
from kaohe.results.models import AssesseeResult
from kaohe.workbook.build import build_document

pytestmark = pytest.mark.django_db


def test_demo_year_feeds_the_documents_process_values() -> None:
    raw = demo_documents()[0]
    expected = raw["data"]["process"]
    raw["data"]["ballot_marks"] = raw["data"]["ballot_marks"].head(0)  # ballots are not needed
    plan_load(document=build_document(raw), actor="test")
    plan_compute(plan_code="2025-units", actor="test")
    stats = demo_process_load(plan_code="2025-units", actor="test")
    assert stats["fed"] == expected  # the stored year gives the document's P exactly
    assert dict(PlanAssessee.objects.filter(plan__code="2025-units").values_list(
        "code", "process")) == expected  # fmt: skip
    assert AssesseeResult.objects.filter(plan__code="2025-units").exists()  # nothing stale
    # A realistic year: red lights, explanations of both causes, rectifications, exemptions.
    assert stats["red"] > 10 and stats["late"] > 20 and stats["exempted"] > 0
    assert Explanation.objects.filter(cause="objective").exists()
    assert Rectification.objects.filter(state="open").exists()
    assert StageReview.objects.filter(stage="H1", unit__isnull=False).count() == len(expected)
    # The township heads' post responsibilities have milestones, and so a P of their own
    # (frozen at H1 too); they did not change the units' P above.
    heads = Target.objects.filter(person__isnull=False)
    assert heads.exists() and all(t.milestones.exists() for t in heads)
    people = {t.person_id for t in heads}
    assert StageReview.objects.filter(stage="H1", person_id__in=people).count() == len(people)
    facts = selectors.assessee_facts(
        ProcessPlan.objects.get(plan_code="2025-units"), date(2025, 12, 31), unit_ids=[],
        person_ids=sorted(people),
    )  # fmt: skip
    assert all(f.milestones for f in facts.values()) and len(facts) == len(people)
    pp = ProcessPlan.objects.get(plan_code="2025-units")
    dash = selectors.office_dashboard(pp, date(2025, 12, 31))
    assert dash.counts["red"] == stats["red"]
    assert {e.kind for e in dash.escalations} == {"explanation", "rectification"}
    assert 0 < dash.missing_inspections < 100  # about 3 % of 213 × 11 past months
    board = selectors.board_units(pp)
    # 10 townships carry three public commitments; 9 政务 departments and 6 windows one (K07).
    assert len(board) == 25
    assert sum(u.commitments for u in board) == 10 * 3 + 9 + 6
    xz01 = next(u for u in board if u.unit_code == "XZ01")
    rows = selectors.public_board(pp, xz01.unit_id, date(2025, 9, 1))
    assert {r.task_code for r in rows} == {"K01", "K02", "K07"}
    assert all(r.people for r in rows)  # the township head answers in person
    lines = selectors.process_lines("2025-units", "XZ01")
    assert lines is not None and lines.lines[-1].startswith("日常考核得分 P = (60×")
