"""The unit's pages (/progress/): its milestones with their lights, a progress report in a
few taps (with a photo), the written explanation of a red light, the rectification and the
quarterly feedback (page and PDF). Dates are around today (views_util.WebWorld): each target
has one milestone 30 days overdue (red), one due in 3 days (yellow), one in 60 (green)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pypdfium2
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kaohe.process.models import Explanation, Milestone, ProgressReport, Rectification
from kaohe.process.tests.util import PLAN
from kaohe.process.tests.views_util import WebWorld

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


@pytest.fixture
def world(settings: Any, tmp_path: Path) -> WebWorld:
    settings.MEDIA_ROOT = tmp_path
    return WebWorld()


def _lights(html: str) -> dict[str, str]:
    """The count of each light shown above the unit's milestones."""
    return dict(re.findall(r'data-count="(\w+)">(\d+)<', html))


def test_home_goes_straight_to_the_units_only_plan(world: WebWorld) -> None:
    response = world.client("unit1").get("/progress/")
    assert response.status_code == 302 and response["Location"] == f"/progress/{PLAN}/"


def test_plan_page_lists_the_units_own_milestones_with_their_lights(world: WebWorld) -> None:
    html = world.client("unit1").get(f"/progress/{PLAN}/").content.decode()
    # Two tasks × (one overdue, one due in 3 days, one in 60 days).
    assert _lights(html) == {"green": "2", "yellow": "2", "red": "2"}
    own = world.ms[("K1", "U1", 1)].id
    other = world.ms[("K1", "U2", 1)].id
    assert f'data-milestone="{own}"' in html and f'data-milestone="{other}"' not in html
    # Red and not explained: the unit is told to explain, with the deadline.
    assert "须在期限内提交书面说明" in html and "已逾期，已报考核办" in html


def test_a_report_in_a_few_taps_changes_the_milestone(world: WebWorld) -> None:
    client = world.client("unit1")
    soon = world.ms[("K1", "U1", 2)]
    page = client.get(f"/progress/{PLAN}/milestones/{soon.id}/").content.decode()
    # What kaohe knows is shown, not asked: the task, the leader, the due date.
    assert "重点任务1" in page and "甲镇书记" in page and f"{soon.due_on:%Y-%m-%d}" in page
    response = client.post(
        f"/progress/{PLAN}/milestones/{soon.id}/",
        {"status": "on_schedule", "percent": "55", "note": "已完成七成清运"},
    )
    assert response.status_code == 302 and response["Location"] == f"/progress/{PLAN}/"
    soon.refresh_from_db()
    assert (soon.status, soon.percent, soon.done_on) == ("on_schedule", 55, None)
    report = ProgressReport.objects.get(milestone=soon)
    assert (report.note, report.actor) == ("已完成七成清运", "w-u1")
    assert report.reported_on == world.today
    html = client.get(f"/progress/{PLAN}/").content.decode()
    assert "已报告“K1节点2”：正常推进，55%。" in html


def test_done_late_turns_the_red_light_yellow(world: WebWorld) -> None:
    client = world.client("unit1")
    past = world.ms[("K1", "U1", 1)]
    # 已完成 means 100 % whatever the slider says.
    client.post(f"/progress/{PLAN}/milestones/{past.id}/", {"status": "done", "percent": "20"})
    past.refresh_from_db()
    assert (past.done_on, past.percent) == (world.today, 100)
    html = client.get(f"/progress/{PLAN}/").content.decode()
    assert _lights(html) == {"green": "2", "yellow": "3", "red": "1"}
    page = client.get(f"/progress/{PLAN}/milestones/{past.id}/").content.decode()
    assert "逾期完成" in page and "报告进度</button>" not in page  # done: no more reports


def test_behind_schedule_turns_a_far_milestone_yellow(world: WebWorld) -> None:
    client = world.client("unit1")
    later = world.ms[("K2", "U1", 3)]
    client.post(f"/progress/{PLAN}/milestones/{later.id}/", {"status": "behind", "percent": "5"})
    html = client.get(f"/progress/{PLAN}/milestones/{later.id}/").content.decode()
    assert 'data-light="yellow"' in html and "进度滞后" in html


def test_evidence_photo_is_stored_and_served_to_the_unit_and_the_office(
    world: WebWorld, tmp_path: Path
) -> None:
    client = world.client("unit1")
    soon = world.ms[("K1", "U1", 2)]
    photo = SimpleUploadedFile("现场.png", PNG, content_type="image/png")
    client.post(
        f"/progress/{PLAN}/milestones/{soon.id}/",
        {"status": "on_schedule", "percent": "40", "evidence": photo},
    )
    report = ProgressReport.objects.get(milestone=soon)
    assert report.evidence_name == "现场.png" and (tmp_path / report.evidence_path).is_file()
    url = f"/progress/{PLAN}/reports/{report.id}/evidence/"
    page = client.get(f"/progress/{PLAN}/milestones/{soon.id}/").content.decode()
    assert url in page
    for role in ("unit1", "office", "supervisor"):
        response = world.client(role).get(url)
        assert response.status_code == 200 and b"".join(response.streaming_content) == PNG
    assert world.client("unit2").get(url).status_code == 403


def test_a_bad_evidence_file_is_refused_and_nothing_is_saved(
    world: WebWorld, tmp_path: Path
) -> None:
    client = world.client("unit1")
    soon = world.ms[("K1", "U1", 2)]
    fake = SimpleUploadedFile("photo.png", b"not a picture at all", content_type="image/png")
    response = client.post(
        f"/progress/{PLAN}/milestones/{soon.id}/",
        {"status": "on_schedule", "percent": "40", "evidence": fake},
    )
    assert response.status_code == 200
    assert "佐证材料的内容不是 png 文件" in response.content.decode()
    assert not ProgressReport.objects.filter(milestone=soon).exists()
    assert not list(tmp_path.rglob("*.png"))


def test_an_unknown_status_is_refused_on_its_field(world: WebWorld) -> None:
    soon = world.ms[("K1", "U1", 2)]
    response = world.client("unit1").post(
        f"/progress/{PLAN}/milestones/{soon.id}/", {"status": "finished", "percent": "140"}
    )
    html = response.content.decode()
    assert response.status_code == 200 and "errorlist" in html
    assert not ProgressReport.objects.filter(milestone=soon).exists()


def test_objective_explanation_waits_for_the_office(world: WebWorld) -> None:
    client = world.client("unit1")
    past = world.ms[("K2", "U1", 1)]
    url = f"/progress/{PLAN}/milestones/{past.id}/explain/"
    assert "提交书面说明</button>" in client.get(url).content.decode()
    response = client.post(url, {"cause": "objective", "text": "上级资金未到位"})
    assert response.status_code == 302
    explanation = Explanation.objects.get(milestone=past)
    assert (explanation.cause, explanation.decision, explanation.filed_by) == (
        "objective",
        "pending",
        "w-u1",
    )
    html = client.get(f"/progress/{PLAN}/").content.decode()
    assert "已说明（客观原因，待处理）" in html


def test_subjective_explanation_needs_measures_then_opens_a_rectification(
    world: WebWorld,
) -> None:
    client = world.client("unit1")
    past = world.ms[("K1", "U1", 1)]
    url = f"/progress/{PLAN}/milestones/{past.id}/explain/"
    refused = client.post(url, {"cause": "subjective", "text": "组织不力"})
    assert "主观原因须填写整改措施" in refused.content.decode()
    assert not Explanation.objects.exists()
    client.post(url, {"cause": "subjective", "text": "组织不力", "measures": "两周内补齐"})
    rectification = Rectification.objects.get(milestone=past)
    assert rectification.state == "open"
    html = client.get(f"/progress/{PLAN}/").content.decode()
    assert "限期整改" in html and f"{rectification.deadline:%Y-%m-%d}" in html
    # The unit reports it done.
    rect_url = f"/progress/{PLAN}/rectifications/{rectification.id}/"
    assert client.post(rect_url, {"result": ""}).status_code == 200  # the result is required
    response = client.post(rect_url, {"result": "已补齐并验收"})
    assert response.status_code == 302
    rectification.refresh_from_db()
    assert (rectification.state, rectification.done_on) == ("done", world.today)


def test_no_explanation_for_a_milestone_that_is_not_red(world: WebWorld) -> None:
    client = world.client("unit1")
    soon = world.ms[("K1", "U1", 2)]
    url = f"/progress/{PLAN}/milestones/{soon.id}/explain/"
    assert "无需书面说明" in client.get(url).content.decode()
    response = client.post(url, {"cause": "objective", "text": "提前说明"})
    assert "只有亮红灯(逾期未完成)的节点需要书面说明" in response.content.decode()
    assert not Explanation.objects.exists()


def test_quarterly_feedback_page_and_pdf(world: WebWorld) -> None:
    client = world.client("unit1")
    html = client.get(f"/progress/{PLAN}/feedback/").content.decode()
    assert "过程考核反馈" in html and "甲镇" in html and "累计失分" in html
    # Nothing done and two milestones overdue: P = 0, all 100 points lost so far; the plan's
    # process section is worth 20 points, so 20 of them.
    assert "<b>100</b> / 100" in html and "20 分中 20 分" in html
    # U10: a milestone without any report says so, not "正常推进 0%".
    assert "data-unreported" in html and "正常推进 0%" not in html
    response = client.get(f"/progress/{PLAN}/feedback/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = pypdfium2.PdfDocument(response.content)
    text = "".join(page.get_textpage().get_text_range() for page in pdf)
    assert "过程考核反馈" in text and "甲镇" in text and "K1节点1" in text


def test_a_quarter_that_is_not_one_is_said_and_the_running_one_shown(world: WebWorld) -> None:
    html = world.client("unit1").get(f"/progress/{PLAN}/feedback/?q=2025-7").content.decode()
    assert "季度“2025-7”无效" in html


def test_exempted_milestone_takes_no_more_reports(world: WebWorld) -> None:
    past = world.ms[("K2", "U1", 1)]
    Milestone.objects.filter(pk=past.pk).update(exempted_on=world.today, exempt_reason="取消")
    page = world.client("unit1").get(f"/progress/{PLAN}/milestones/{past.id}/").content.decode()
    assert "该节点已免责" in page and "报告进度</button>" not in page
