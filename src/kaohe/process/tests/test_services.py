"""Services and selectors of process assessment on the database (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from kaohe.audit.models import AuditRecord
from kaohe.plans.models import PlanAssessee
from kaohe.plans.services import plan_compute
from kaohe.process import selectors, services
from kaohe.process.models import (
    Explanation,
    Milestone,
    ProcessScore,
    ProgressReport,
    Rectification,
    StageReview,
)
from kaohe.process.tests.util import PLAN, World
from kaohe.results.models import AssesseeResult

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def w() -> World:
    return World()


def light_of(w: World, key: tuple[str, str, int], as_of: date) -> str:
    rows = selectors.milestone_rows(w.pp, as_of)
    return next(r.light for r in rows if r.id == w.ms[key].id)


def test_report_progress_changes_the_light(w: World, settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path
    m = w.ms[("K1", "U1", 2)]  # due 2025-06-30
    assert light_of(w, ("K1", "U1", 2), date(2025, 5, 1)) == "green"
    services.progress_report(
        actor=w.unit1, milestone_id=m.id, status="behind", percent=30, note="资金未到位",
        reported_on=date(2025, 4, 20),
        evidence=SimpleUploadedFile("现场.png", PNG, content_type="image/png"),
    )  # fmt: skip
    # Reported behind: yellow from the report's date, green before it (as-of dates).
    assert light_of(w, ("K1", "U1", 2), date(2025, 5, 1)) == "yellow"
    assert light_of(w, ("K1", "U1", 2), date(2025, 4, 19)) == "green"
    report = ProgressReport.objects.get(milestone=m)
    assert report.evidence_name == "现场.png"
    assert (tmp_path / report.evidence_path).read_bytes() == PNG
    services.progress_report(
        actor=w.unit1, milestone_id=m.id, status="done", percent=80,
        reported_on=date(2025, 6, 28),
    )  # fmt: skip
    m.refresh_from_db()
    assert (m.status, m.percent, m.done_on) == ("done", 100, date(2025, 6, 28))
    assert light_of(w, ("K1", "U1", 2), date(2025, 7, 5)) == "green"
    assert light_of(w, ("K1", "U1", 2), date(2025, 6, 27)) == "yellow"  # due soon, then
    assert AuditRecord.objects.filter(action="process_progress_report", plan=PLAN).count() == 2


def test_report_refusals_change_nothing(w: World, settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path
    m = w.ms[("K1", "U1", 1)]
    with pytest.raises(PermissionDenied):
        services.progress_report(actor=w.unit2, milestone_id=m.id, status="behind", percent=1)
    with pytest.raises(ValidationError) as err:
        services.progress_report(actor=w.unit1, milestone_id=m.id, status="late", percent=1)
    assert "status" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        services.progress_report(actor=w.unit1, milestone_id=m.id, status="behind", percent=101)
    assert "percent" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        services.progress_report(
            actor=w.unit1, milestone_id=m.id, status="behind", percent=10,
            evidence=SimpleUploadedFile("x.png", b"not a png at all"),
        )  # fmt: skip
    assert err.value.message_dict["evidence"] == ["佐证材料的内容不是 png 文件"]
    with pytest.raises(ValidationError) as err:
        services.progress_report(
            actor=w.unit1, milestone_id=m.id, status="behind", percent=10,
            reported_on=date(2999, 1, 1),
        )  # fmt: skip
    assert "reported_on" in err.value.message_dict
    assert ProgressReport.objects.count() == 0
    assert list(tmp_path.iterdir()) == []
    m.refresh_from_db()
    assert m.status == "on_schedule"


def test_red_light_subjective_explanation_opens_a_rectification(w: World) -> None:
    m = w.ms[("K2", "U2", 1)]  # due 2025-03-31, not done
    with pytest.raises(ValidationError):  # not red yet on the due date
        services.explanation_file(
            actor=w.unit2, milestone_id=m.id, cause="subjective", text="x", measures="y",
            filed_on=date(2025, 3, 31),
        )  # fmt: skip
    with pytest.raises(ValidationError) as err:
        services.explanation_file(
            actor=w.unit2, milestone_id=m.id, cause="subjective", text="工作不力",
            filed_on=date(2025, 4, 3),
        )  # fmt: skip
    assert err.value.message_dict["measures"] == ["主观原因须提出整改措施"]
    e = services.explanation_file(
        actor=w.unit2, milestone_id=m.id, cause="subjective", text="工作不力",
        measures="增派人手", filed_on=date(2025, 4, 3),
    )  # fmt: skip
    assert e.decision == "rectify"
    assert e.deadline == date(2025, 4, 6)  # the day after the due date + 5 days
    r = Rectification.objects.get(explanation=e)
    assert r.deadline == date(2025, 5, 3)  # 30 days
    # The office cannot exempt a subjective cause.
    with pytest.raises(ValidationError):
        services.explanation_decide(
            actor=w.office, explanation_id=e.id, decision="exempt", note="x",
            decided_on=date(2025, 4, 5),
        )  # fmt: skip
    # Overdue rectification escalates on the office dashboard and on the unit's record.
    dash = selectors.office_dashboard(w.pp, date(2025, 5, 10))
    kinds = [(x.kind, x.row.unit_code, x.days_overdue) for x in dash.escalations]
    assert ("rectification", "U2", 7) in kinds
    unit = selectors.unit_dashboard(w.pp, w.u2.id, date(2025, 5, 10))
    assert [x.kind for x in unit.escalations].count("rectification") == 1
    services.rectification_complete(
        actor=w.unit2, rectification_id=r.id, result="已补齐", done_on=date(2025, 5, 12)
    )
    dash = selectors.office_dashboard(w.pp, date(2025, 5, 13))
    assert not [x for x in dash.escalations if x.kind == "rectification"]


def test_overdue_explanation_escalates(w: World) -> None:
    # Every milestone due 2025-03-31 is red from 04-01; the explanation deadline is 04-06.
    dash = selectors.office_dashboard(w.pp, date(2025, 4, 6))
    assert not [x for x in dash.escalations if x.kind == "explanation"]
    assert dash.counts["red"] == 4 and sum(u.to_explain for u in dash.units) == 4
    dash = selectors.office_dashboard(w.pp, date(2025, 4, 7))
    overdue = [x for x in dash.escalations if x.kind == "explanation"]
    assert len(overdue) == 4 and {x.days_overdue for x in overdue} == {1}
    assert sum(u.overdue_explanations for u in dash.units) == 4


def test_objective_explanation_exempted_changes_the_score(w: World) -> None:
    # 甲镇: K1 (weight 2) m1 on time, m2 not done; K2 (weight 1) m1 and m2 on time.
    for key, day in ((("K1", "U1", 1), date(2025, 3, 30)), (("K2", "U1", 1), date(2025, 3, 1)),
                     (("K2", "U1", 2), date(2025, 6, 1))):  # fmt: skip
        services.progress_report(
            actor=w.unit1, milestone_id=w.ms[key].id, status="done", percent=100, reported_on=day
        )
    t = date(2025, 12, 31)
    # M = 100 × (2×½×1 + 2×½×0 + 1×½×1 + 1×½×1) / (1 + 1 + 0.5 + 0.5) = 100 × 2 / 3 = 66.67
    before = selectors.score_of(w.pp, selectors.assessee_facts(w.pp, t)[("unit", w.u1.id)], t)
    assert before.score == 66.67
    m = w.ms[("K1", "U1", 2)]
    e = services.explanation_file(
        actor=w.unit1, milestone_id=m.id, cause="objective", text="上级政策调整,项目暂停",
        filed_on=date(2025, 7, 2),
    )  # fmt: skip
    assert selectors.office_dashboard(w.pp, date(2025, 7, 3)).pending[0].id == m.id
    services.explanation_decide(
        actor=w.office, explanation_id=e.id, decision="coordinate", note="县里协调",
        decided_on=date(2025, 7, 4),
    )  # fmt: skip
    with pytest.raises(ValidationError):
        services.explanation_decide(
            actor=w.office, explanation_id=e.id, decision="exempt", decided_on=date(2025, 7, 5)
        )  # an exemption needs its reason
    services.explanation_decide(
        actor=w.office, explanation_id=e.id, decision="exempt", note="省级项目取消",
        decided_on=date(2025, 7, 10),
    )  # fmt: skip
    m.refresh_from_db()
    assert m.exempted_on == date(2025, 7, 10)
    assert light_of(w, ("K1", "U1", 2), date(2025, 7, 9)) == "red"
    assert light_of(w, ("K1", "U1", 2), date(2025, 7, 10)) == "exempt"
    # K1's share now has m1 alone (weight 2 × 1/1): M = 100 × (2 + 0.5 + 0.5) / 3 = 100.
    after = selectors.score_of(w.pp, selectors.assessee_facts(w.pp, t)[("unit", w.u1.id)], t)
    assert after.score == 100.0
    with pytest.raises(PermissionDenied):
        services.explanation_decide(actor=w.unit1, explanation_id=e.id, decision="coordinate")
    assert Explanation.objects.get().decided_by == "office-t"


def test_inspections_schedule_and_rights(w: World) -> None:
    with pytest.raises(PermissionDenied):  # K1 is inspected by 县委办, not 政府办
        services.inspection_record(
            actor=w.zfb, target_id=w.targets[("K1", "U1")].id, month=date(2025, 1, 1),
            rating="good", inspected_on=date(2025, 1, 28),
        )  # fmt: skip
    services.inspection_record(
        actor=w.xwb, target_id=w.targets[("K1", "U1")].id, month=date(2025, 1, 15),
        rating="good", inspected_on=date(2025, 1, 28),
    )  # fmt: skip
    again = services.inspection_record(
        actor=w.xwb, target_id=w.targets[("K1", "U1")].id, month=date(2025, 1, 1),
        rating="fair", note="复查", inspected_on=date(2025, 1, 30),
    )  # fmt: skip
    assert again.rating == "fair" and again.month == date(2025, 1, 1)
    with pytest.raises(ValidationError):
        services.inspection_record(
            actor=w.xwb, target_id=w.targets[("K1", "U1")].id, month=date(2025, 3, 1),
            rating="good", inspected_on=date(2025, 2, 20),
        )  # fmt: skip
    slots = selectors.inspection_schedule(w.pp, date(2025, 2, 10), assessor="县委办")
    states = {(s.unit_code, s.month.month): s.state for s in slots}
    assert states == {("U1", 1): "done", ("U2", 1): "missing", ("U1", 2): "due", ("U2", 2): "due"}
    assert selectors.office_dashboard(w.pp, date(2025, 2, 10)).missing_inspections == 3


def test_feed_writes_the_plans_process_values_and_compute_uses_them(w: World) -> None:
    for key in (("K1", "U1", 1), ("K1", "U1", 2), ("K2", "U1", 1), ("K2", "U1", 2)):
        services.progress_report(
            actor=w.unit1, milestone_id=w.ms[key].id, status="done", percent=100,
            reported_on=w.ms[key].due_on,
        )  # fmt: skip
    services.inspection_record(
        actor=w.xwb, target_id=w.targets[("K1", "U2")].id, month=date(2025, 1, 1),
        rating="poor", inspected_on=date(2025, 1, 28),
    )  # fmt: skip
    plan_compute(plan_code=PLAN, actor="test")
    assert AssesseeResult.objects.exists()
    out = services.process_feed(actor=w.office, plan_code=PLAN, as_of=date(2025, 12, 31))
    # 甲镇: every milestone on time, no inspection, no review → P = M = 100.
    # 乙镇: nothing done → M = 0; I = 50 (差) → P = (60×0 + 20×50) / 80 = 12.5
    assert out == {"U1": 100.0, "U2": 12.5}
    assert dict(PlanAssessee.objects.values_list("code", "process")) == out
    assert not AssesseeResult.objects.exists()  # the stale results were dropped
    lines = selectors.process_lines(PLAN, "U2")
    assert lines is not None and lines.score == 12.5
    assert (
        lines.lines[-1]
        == "日常考核得分 P = (60×0 + 20×50) ÷ 80 = 12.5；半年考核无数据，其权重按比例分给其他分项"
    )
    comp = plan_compute(plan_code=PLAN, actor="test")
    assert comp is not None
    sections = {r.code: r for r in AssesseeResult.objects.filter(plan__code=PLAN)}
    # 目标考核 80 × 70/80 (direct) … + 日常考核 20 × P/100: U1 - U2 = 20 × (100 - 12.5)/100
    assert sections["U1"].total - sections["U2"].total == pytest.approx(17.5)
    # A second feed with the same figures changes nothing and keeps the results.
    services.process_feed(actor=w.office, plan_code=PLAN, as_of=date(2025, 12, 31))
    assert AssesseeResult.objects.exists()
    assert ProcessScore.objects.count() == 2
    with pytest.raises(PermissionDenied):
        services.process_feed(actor=w.unit1, plan_code=PLAN, as_of=date(2025, 12, 31))


def test_stage_review_is_frozen_once_and_counts_in_p(w: World) -> None:
    services.progress_report(
        actor=w.unit1, milestone_id=w.ms[("K1", "U1", 1)].id, status="done", percent=100,
        reported_on=date(2025, 3, 1),
    )  # fmt: skip
    reviews = services.stage_review_freeze(actor=w.office, plan_code=PLAN, as_of=date(2025, 6, 30))
    by_unit = {r.unit_id: r for r in reviews}
    # 甲镇 at 06-30: K1 m1 on time (w = 2×½ = 1), K2 m1 missed (w = 1×½ = 0.5);
    # the m2s are due on 06-30, not yet missed → M = 100 × 1 / 1.5 = 66.67
    assert by_unit[w.u1.id].score == 66.67
    assert StageReview.objects.count() == 2
    with pytest.raises(ValidationError):
        services.stage_review_freeze(actor=w.office, plan_code=PLAN, as_of=date(2025, 6, 30))
    # Later events do not change the frozen stage score.
    services.progress_report(
        actor=w.unit1, milestone_id=w.ms[("K2", "U1", 1)].id, status="done", percent=100,
        reported_on=date(2025, 7, 1),
    )  # fmt: skip
    assert StageReview.objects.get(unit=w.u1).score == 66.67
    t = date(2025, 12, 31)
    r = selectors.score_of(w.pp, selectors.assessee_facts(w.pp, t)[("unit", w.u1.id)], t)
    assert r.parts["review"] == 66.67


def test_person_targets_score_for_people(w: World) -> None:
    p = w.person()
    t = services.target_create(
        actor=w.office, task=w.k1, unit=w.u1, person=p, leader="甲镇书记", goal="负责东片"
    )
    assert t.parent_id == w.targets[("K1", "U1")].id
    m = services.milestone_create(
        actor=w.office, target=t, name="东片完工", due_on=date(2025, 5, 31)
    )
    services.progress_report(
        actor=w.unit1, milestone_id=m.id, status="done", percent=100, reported_on=date(2025, 6, 3)
    )
    facts = selectors.assessee_facts(w.pp, date(2025, 12, 31))
    assert selectors.score_of(w.pp, facts[("person", p.id)], date(2025, 12, 31)).score == 60.0
    # The unit's own score does not take its people's milestones.
    assert len(facts[("unit", w.u1.id)].milestones) == 4
    with pytest.raises(ValidationError):
        services.target_create(actor=w.office, task=w.k1, unit=w.u1, person=p, leader="x")


def test_public_board_shows_public_commitments_only(w: World) -> None:
    services.progress_report(
        actor=w.unit1, milestone_id=w.ms[("K1", "U1", 1)].id, status="done", percent=100,
        reported_on=date(2025, 3, 1),
    )  # fmt: skip
    services.progress_report(
        actor=w.unit1, milestone_id=w.ms[("K1", "U1", 2)].id, status="on_schedule", percent=40,
        reported_on=date(2025, 4, 1),
    )  # fmt: skip
    board = selectors.public_board(w.pp, w.u1.id, date(2025, 4, 10))
    assert [b.task_code for b in board] == ["K1"]
    assert board[0].leader == "甲镇书记" and board[0].percent == 70  # (100 + 40) / 2
    assert [u.unit_code for u in selectors.board_units(w.pp)] == ["U1", "U2"]


def test_quarterly_feedback(w: World) -> None:
    fb = selectors.quarterly_feedback(w.pp, w.u2.id, 2025, 2)
    assert fb.as_of == date(2025, 6, 30)
    assert fb.counts["red"] == 2 and fb.counts["yellow"] == 2
    assert [(s.task_code, s.month.month) for s in fb.inspections] == [
        ("K1", 4), ("K1", 5), ("K1", 6), ("K2", 4), ("K2", 5), ("K2", 6)
    ]  # fmt: skip
    # Nothing done: M = 0, no ratings → P = 0, 100 points lost, all in milestones.
    assert fb.score.score == 0.0 and fb.lost == {"milestones": 100.0, "total": 100.0}


def test_setup_validation(w: World) -> None:
    with pytest.raises(ValidationError) as err:
        services.process_plan_setup(actor=w.office, plan_code=PLAN, year=2025, red_colour="red")
    assert "red_colour" in err.value.message_dict
    with pytest.raises(ValidationError):
        services.process_plan_setup(
            actor=w.office, plan_code=PLAN, year=2025, weight_milestones=0,
            weight_inspections=0, weight_review=0,
        )  # fmt: skip
    pp = services.process_plan_setup(
        actor=w.office, plan_code=PLAN, year=2025, green_name="蓝灯", green_colour="#2563eb",
        warning_days=3,
    )  # fmt: skip
    assert selectors.light_styles(pp)["green"].name == "蓝灯"
    w.pp.refresh_from_db()
    assert w.pp.weight_milestones == 60 and w.pp.warning_days == 3
    with pytest.raises(ValidationError):
        services.milestone_create(
            actor=w.office, target=w.targets[("K1", "U1")], name="x", due_on=date(2026, 1, 5)
        )
    with pytest.raises(PermissionDenied):
        services.task_create(
            actor=w.unit1, process_plan=w.pp, code="K9", name="x", lead_body="县委办",
            starts_on=date(2025, 1, 1), ends_on=date(2025, 2, 1),
        )  # fmt: skip


def test_plan_reload_keeps_process_data(w: World) -> None:
    from kaohe.process.tests.util import load_plan

    load_plan()  # the builder and `kaohe load` replace the plan row
    assert Milestone.objects.count() == 8


def test_feed_refuses_a_future_date_and_an_unknown_plan(w: World) -> None:
    with pytest.raises(ValidationError) as err:
        services.process_feed(actor=w.office, plan_code=PLAN, as_of=date(2999, 1, 1))
    assert "as_of" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        services.process_feed(actor=w.office, plan_code="nope", as_of=date(2025, 12, 31))
    assert err.value.message_dict["plan"] == ["考核方案 nope 不存在"]
    assert not ProcessScore.objects.exists()
