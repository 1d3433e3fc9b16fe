"""The office's pages (/office/process/): the dashboard at an as-of date, the escalations, the
decision on an objective explanation (and what it does to P), the inspection grid, the
half-year review, the feed of P into the plan and its lines on the explanation page."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from kaohe.audit.models import AuditRecord
from kaohe.plans.models import PlanAssessee
from kaohe.plans.services import plan_compute
from kaohe.process import services
from kaohe.process.models import Explanation, Inspection, Milestone, ProcessScore, StageReview
from kaohe.process.tests.util import PLAN
from kaohe.process.tests.views_util import WebWorld

pytestmark = pytest.mark.django_db
BASE = f"/office/process/{PLAN}"


@pytest.fixture
def world(settings: Any, tmp_path: Path) -> WebWorld:
    settings.MEDIA_ROOT = tmp_path
    return WebWorld()


def _score(html: str, unit_code: str) -> str:
    """The P shown in the dashboard's row of a unit."""
    row = html[html.index(f'data-unit="{unit_code}"') :]
    return re.search(r"data-score>([^<]*)<", row).group(1)  # type: ignore[union-attr]


def _counts(html: str) -> dict[str, str]:
    return dict(re.findall(r'data-count="(\w+)">(\d+)<', html))


def _objective_case(world: WebWorld) -> Explanation:
    """甲镇 did K1's first milestone on time; K2's is overdue and explained as objective."""
    unit = world.users["unit1"]
    k1 = world.ms[("K1", "U1", 1)]
    services.progress_report(
        actor=unit, milestone_id=k1.id, status="done", percent=100,
        reported_on=k1.due_on - timedelta(days=1),
    )  # fmt: skip
    return services.explanation_file(
        actor=unit, milestone_id=world.ms[("K2", "U1", 1)].id, cause="objective",
        text="上级资金未到位",
    )  # fmt: skip


def test_dashboard_shows_lights_escalations_and_the_months_inspections(world: WebWorld) -> None:
    html = world.client("office").get(f"{BASE}/").content.decode()
    # Two tasks × two towns × (red, yellow, green).
    assert _counts(html) == {"green": "4", "yellow": "4", "red": "4", "exempt": "0"}
    # 30 days overdue and unexplained (5 days allowed): escalated, for both towns.
    escalations = html[
        html.index('id="escalations"') : html.index("</table>", html.index('id="escalations"'))
    ]
    assert escalations.count("逾期未提交书面说明") == 4
    assert "甲镇" in escalations and "乙镇" in escalations
    # This month's inspections: 县委办 leads K1 (two towns), 政府办 K2.
    month = html[html.index('id="month-inspections"') :]
    assert re.search(r"县委办</a></td><td class=\"num\">0</td><td class=\"num\">2</td>", month)
    assert _score(html, "U1") == "0.00"


def test_dashboard_at_an_earlier_date(world: WebWorld) -> None:
    on = world.today - timedelta(days=31)  # the day before the first milestones were due
    html = world.client("office").get(f"{BASE}/?on={on:%Y-%m-%d}").content.decode()
    assert _counts(html) == {"green": "8", "yellow": "4", "red": "0", "exempt": "0"}
    assert "没有逾期未说明或逾期未整改的事项" in html
    bad = world.client("office").get(f"{BASE}/?on=yesterday").content.decode()
    assert "查看日期“yesterday”不是有效日期" in bad


def test_exempting_an_objective_case_changes_p_as_documented(world: WebWorld) -> None:
    explanation = _objective_case(world)
    office = world.client("office")
    # Each target's three milestones weigh 1/3. Assessable today: K1's first (on time, credit
    # 1) and K2's first (overdue, credit 0): M = 100 × (1/3 × 1 + 1/3 × 0) ÷ (1/3 + 1/3) = 50;
    # no inspection and no review yet, so P = M = 50.
    assert _score(office.get(f"{BASE}/").content.decode(), "U1") == "50.00"
    dashboard = office.get(f"{BASE}/").content.decode()
    assert f"/explanations/{explanation.id}/" in dashboard and "上级资金未到位" in dashboard
    url = f"{BASE}/explanations/{explanation.id}/"
    # U7: the decision page shows what 免责 does to P, and that a fed P waits for a new feed.
    office.post(f"{BASE}/feed/", {"as_of": f"{world.today:%Y-%m-%d}"})
    page = office.get(url).content.decode()
    assert "免责后为 <b data-after>100.00</b>" in page
    assert "考核方案中已写入的 P 为 50.00" in page and "免责后不会自动改变" in page
    refused = office.post(url, {"decision": "exempt", "note": ""})
    assert refused.status_code == 200 and "errorlist" in refused.content.decode()
    response = office.post(url, {"decision": "exempt", "note": "上级资金延期下达"})
    assert response.status_code == 302 and response["Location"] == f"{BASE}/units/U1/"
    milestone = Milestone.objects.get(pk=explanation.milestone_id)
    assert milestone.exempted_on == world.today
    # Exempted, K2's first milestone is left out: only K1's first is assessable, on time:
    # M = 100 × (1/3 × 1) ÷ (1/3) = 100, so P = 100.
    html = office.get(f"{BASE}/").content.decode()
    assert _score(html, "U1") == "100.00" and _counts(html)["exempt"] == "1"
    unit_page = office.get(f"{BASE}/units/U1/").content.decode()
    assert "免责：客观原因免责：上级资金延期下达" in unit_page


def test_coordinating_keeps_the_milestone_in_the_score(world: WebWorld) -> None:
    explanation = _objective_case(world)
    office = world.client("office")
    office.post(
        f"{BASE}/explanations/{explanation.id}/", {"decision": "coordinate", "note": "县里协调资金"}
    )
    explanation.refresh_from_db()
    assert explanation.decision == "coordinate"
    assert _score(office.get(f"{BASE}/").content.decode(), "U1") == "50.00"


def test_a_subjective_case_is_not_for_the_office_to_exempt(world: WebWorld) -> None:
    past = world.ms[("K1", "U1", 1)]
    explanation = services.explanation_file(
        actor=world.users["unit1"], milestone_id=past.id, cause="subjective", text="组织不力",
        measures="加派人手",
    )  # fmt: skip
    office = world.client("office")
    url = f"{BASE}/explanations/{explanation.id}/"
    assert "提交处理意见" not in office.get(url).content.decode()
    response = office.post(url, {"decision": "exempt", "note": "试图免责"})
    assert "主观原因由单位限期整改,不能免责或协调" in response.content.decode()
    past.refresh_from_db()
    assert past.exempted_on is None


def test_the_office_exempts_a_milestone_directly_with_a_reason(world: WebWorld) -> None:
    """免责 without an explanation (e.g. the county cancelled the project): the reason is
    required, the action audited, and P changes as docs/process.md says."""
    explanation = _objective_case(world)  # K1's first on time; K2's first overdue, objective
    office = world.client("office")
    target = world.ms[("K2", "U1", 1)]
    on_time = world.ms[("K1", "U1", 1)]
    record = office.get(f"{BASE}/units/U1/").content.decode()
    # The action is offered for what may be exempted, not for a milestone done on time; it is
    # a button naming the action (U6), not a word that reads like a state.
    assert f'data-exempt="{target.id}"' in record and f'data-exempt="{on_time.id}"' not in record
    assert "办理免责…</a>" in record
    url = f"{BASE}/milestones/{target.id}/exempt/"
    page = office.get(url).content.decode()
    assert "考核办直接免责" in page and f'value="{world.today:%Y-%m-%d}"' in page
    # U7: the consequence on P is shown before acting (K2's first missed: P 50 → 100).
    assert "现为 <b>50.00</b>，免责后为 <b data-after>100.00</b>" in page
    assert "方案中已写入的 P" not in page  # nothing fed yet
    audits = AuditRecord.objects.filter(action="process_milestone_exempt")
    # No reason: refused on its field, nothing changes.
    refused = office.post(url, {"reason": "  ", "exempted_on": f"{world.today:%Y-%m-%d}"})
    assert refused.status_code == 200 and "errorlist" in refused.content.decode()
    target.refresh_from_db()
    assert target.exempted_on is None and not audits.exists()
    # With a reason: exempted from today, audited, and P = 100 × (1/3 × 1) ÷ (1/3) = 100
    # (K2's first milestone left out), as in the decision on an explanation.
    response = office.post(
        url, {"reason": "县政府调整计划，项目取消", "exempted_on": f"{world.today:%Y-%m-%d}"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"{BASE}/units/U1/?on={world.today:%Y-%m-%d}"
    target.refresh_from_db()
    assert (target.exempted_on, target.exempt_reason) == (world.today, "县政府调整计划，项目取消")
    (audit,) = audits
    assert audit.actor == "w-office" and audit.detail["reason"] == "县政府调整计划，项目取消"
    assert _score(office.get(f"{BASE}/").content.decode(), "U1") == "100.00"
    # B7/U6: the record says what the light means, and offers no more exemption.
    record = office.get(f"{BASE}/units/U1/").content.decode()
    assert "免责（免责）" not in record and "免责（不计入得分）" in record
    assert f'data-exempt="{target.id}"' not in record
    # Its objective explanation, still pending, is decided with it: nothing left pending.
    explanation.refresh_from_db()
    assert (explanation.decision, explanation.decision_note) == (
        "exempt",
        "县政府调整计划，项目取消",
    )
    assert (
        '待决定的客观原因说明 <span class="muted">（0）' in office.get(f"{BASE}/").content.decode()
    )
    # Once exempted (or done on time) there is nothing more to exempt.
    again = office.post(url, {"reason": "再次", "exempted_on": f"{world.today:%Y-%m-%d}"})
    assert "该节点已免责" in again.content.decode()
    done = office.post(
        f"{BASE}/milestones/{on_time.id}/exempt/",
        {"reason": "试图免责", "exempted_on": f"{world.today:%Y-%m-%d}"},
    )
    assert "该节点已按时完成，无需免责" in done.content.decode()
    assert audits.count() == 1


def test_only_the_office_exempts(world: WebWorld) -> None:
    target = world.ms[("K2", "U1", 1)]
    url = f"{BASE}/milestones/{target.id}/exempt/"
    data = {"reason": "x", "exempted_on": f"{world.today:%Y-%m-%d}"}
    for role in ("supervisor", "xwb", "unit1"):
        assert world.client(role).post(url, data).status_code == 403, role
    assert world.client("office").get(f"{BASE}/milestones/999999/exempt/").status_code == 404
    target.refresh_from_db()
    assert target.exempted_on is None


def test_the_supervisor_reads_the_explanation_without_a_form(world: WebWorld) -> None:
    explanation = _objective_case(world)
    html = world.client("supervisor").get(f"{BASE}/explanations/{explanation.id}/").content
    assert "上级资金未到位" in html.decode() and "提交处理意见" not in html.decode()


def test_inspection_grid_of_the_lead_body(world: WebWorld) -> None:
    client = world.client("xwb")
    html = client.get(f"{BASE}/inspections/").content.decode()
    k1 = [world.targets[("K1", code)].id for code in ("U1", "U2")]
    k2 = world.targets[("K2", "U1")].id
    assert all(f'name="r:{t}"' in html for t in k1) and f'name="r:{k2}"' not in html
    month = f"{world.today:%Y-%m}"
    response = client.post(
        f"{BASE}/inspections/",
        {"month": month, f"r:{k1[0]}": "good", f"n:{k1[0]}": "推进有力", f"r:{k1[1]}": "fair"},
    )
    assert response.status_code == 302
    assert dict(Inspection.objects.values_list("target_id", "rating")) == {
        k1[0]: "good",
        k1[1]: "fair",
    }
    assert Inspection.objects.get(target_id=k1[0]).note == "推进有力"
    again = client.post(
        f"{BASE}/inspections/",
        {"month": month, f"r:{k1[0]}": "good", f"n:{k1[0]}": "推进有力", f"r:{k1[1]}": "fair"},
        follow=True,
    )
    assert "没有改动。" in again.content.decode()


def test_inspection_grid_saves_every_row_or_none(world: WebWorld) -> None:
    client = world.client("xwb")
    k1 = [world.targets[("K1", code)].id for code in ("U1", "U2")]
    response = client.post(
        f"{BASE}/inspections/",
        {"month": f"{world.today:%Y-%m}", f"r:{k1[0]}": "good", f"n:{k1[1]}": "只写了意见"},
    )
    html = response.content.decode()
    assert response.status_code == 200 and "本次没有保存任何评价" in html
    assert "请先选择督查评价" in html and not Inspection.objects.exists()


def test_the_office_rates_any_body_and_filters_by_body(world: WebWorld) -> None:
    client = world.client("office")
    html = client.get(f"{BASE}/inspections/?body=政府办").content.decode()
    assert f'name="r:{world.targets[("K2", "U1")].id}"' in html
    assert f'name="r:{world.targets[("K1", "U1")].id}"' not in html
    bad = client.get(f"{BASE}/inspections/?month=13/2025").content.decode()
    assert "督查月份“13/2025”无效" in bad


def test_the_supervisor_sees_the_grid_read_only(world: WebWorld) -> None:
    html = world.client("supervisor").get(f"{BASE}/inspections/").content.decode()
    assert "disabled" in html and "保存本月督查评价" not in html


def test_half_year_review_is_frozen_once(world: WebWorld) -> None:
    office = world.client("office")
    on = f"{world.today:%Y-%m-%d}"
    assert office.post(f"{BASE}/review/", {"as_of": on}).status_code == 302
    assert StageReview.objects.filter(stage="H1").count() == 2
    html = office.get(f"{BASE}/review/").content.decode()
    assert "上半年" in html and "冻结上半年考核</button>" not in html
    again = office.post(f"{BASE}/review/", {"as_of": on}).content.decode()
    assert "上半年考核已冻结,不能重新计算" in again
    assert StageReview.objects.filter(stage="H1").count() == 2


def test_feed_writes_p_into_the_plan_and_the_explanation_shows_its_lines(
    world: WebWorld,
) -> None:
    _objective_case(world)
    office = world.client("office")
    response = office.post(f"{BASE}/feed/", {"as_of": f"{world.today:%Y-%m-%d}"})
    assert response.status_code == 302
    assert PlanAssessee.objects.get(plan__code=PLAN, code="U1").process == 50.0
    assert ProcessScore.objects.get(plan_code=PLAN, assessee="U1").score == 50.0
    plan_compute(plan_code=PLAN)
    html = office.get(f"/plans/{PLAN}/assessees/U1/").content.decode()
    assert "日常考核得分 P 来自过程考核" in html and 'id="process-lines"' in html
    assert "日常考核得分 P = 50，折算 50 × 20 ÷ 100 = 10" in html


def test_feedback_of_a_unit_for_the_office(world: WebWorld) -> None:
    office = world.client("office")
    html = office.get(f"{BASE}/feedback/U2/").content.decode()
    assert "乙镇" in html and "下载 PDF" in html
    pdf = office.get(f"{BASE}/feedback/U2/pdf/")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    assert office.get(f"{BASE}/feedback/NOPE/").status_code == 404


def test_feeding_a_computed_and_published_plan_asks_first_and_offers_to_recompute(
    world: WebWorld,
) -> None:
    """B1: the feed drops computed (and published) results only after the office has been
    told so and confirmed; the dashboard then offers 重新计算 (plans:compute)."""
    from kaohe.results.models import Computation, Publication
    from kaohe.results.services import results_publish

    _objective_case(world)
    plan_compute(plan_code=PLAN)
    results_publish(plan_code=PLAN, actor="w-office")
    office = world.client("office")
    day = f"{world.today:%Y-%m-%d}"
    asked = office.post(f"{BASE}/feed/", {"as_of": day})
    html = asked.content.decode()
    assert asked.status_code == 200 and 'id="feed-consequence"' in html
    assert "将被删除" in html and "公布也将撤回" in html and "确认写入并撤回公布" in html
    # Nothing happened yet.
    assert Publication.objects.filter(computation__plan__code=PLAN).exists()
    assert PlanAssessee.objects.get(plan__code=PLAN, code="U1").process is None
    done = office.post(f"{BASE}/feed/", {"as_of": day, "confirm": "1"}, follow=True)
    html = done.content.decode()
    assert PlanAssessee.objects.get(plan__code=PLAN, code="U1").process == 50.0
    assert not Computation.objects.filter(plan__code=PLAN).exists()
    assert "公布已撤回" in html and 'id="recompute"' in html
    assert f'action="/office/plans/{PLAN}/compute/"' in html
    # Feeding the same P again changes nothing, so it needs no confirmation.
    plan_compute(plan_code=PLAN)
    again = office.post(f"{BASE}/feed/", {"as_of": day})
    assert again.status_code == 302 and Computation.objects.filter(plan__code=PLAN).exists()


def test_dashboard_names_the_plan_and_its_tasks_groups_and_sorts_units(world: WebWorld) -> None:
    """U5: the plan's name, a legend of the task codes, units under their category, ordered
    by P or by red lights on request; the to-do table lists only units with something to do."""
    _objective_case(world)  # 甲镇: K1's first on time (P 50); 乙镇: two red (P 0)
    office = world.client("office")
    html = office.get(f"{BASE}/").content.decode()
    assert "2025年度乡镇考核" in html and "<b>K1</b> 重点任务1（县委办牵头）" in html
    assert '<tr class="group"><th colspan="5" scope="colgroup">乡镇</th></tr>' in html
    order = lambda html: re.findall(r'<tr data-unit="(\w+)">', html)  # noqa: E731
    assert order(html) == ["U1", "U2"]
    assert order(office.get(f"{BASE}/?sort=p").content.decode()) == ["U2", "U1"]
    assert order(office.get(f"{BASE}/?sort=red").content.decode()) == ["U2", "U1"]
    assert order(office.get(f"{BASE}/?sort=nonsense").content.decode()) == ["U1", "U2"]


def test_who_froze_the_review_is_said_in_words(world: WebWorld) -> None:
    """U8: an action from the command line reads 系统, not "cli:root"."""
    services.stage_review_freeze(actor=world.users["office"], plan_code=PLAN, as_of=world.today)
    StageReview.objects.update(frozen_by="cli:root")
    html = world.client("office").get(f"{BASE}/review/").content.decode()
    assert "由 系统 冻结" in html and "cli:root" not in html


def test_no_page_shows_a_docs_path(world: WebWorld) -> None:
    """B6: users read the rule of P on the page (with the plan's weights), never a docs/ path."""
    office = world.client("office")
    for url in (f"{BASE}/", f"{BASE}/feedback/U1/"):
        html = office.get(url).content.decode()
        assert "docs/" not in html, url
        assert "节点完成（60%）" in html or "节点完成 60%" in html, url
