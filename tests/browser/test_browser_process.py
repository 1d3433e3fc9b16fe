"""Process assessment in the browser (issue 5's acceptance): a unit reports progress on a
phone-size screen; the office sees the light change; a red-lit unit files a written
explanation; the office exempts that objective case and the score changes as documented
(docs/process.md): each target's three milestones weigh 1/3; done late counts 0.6, overdue
and not done 0, an exempted milestone is left out and the rest rescaled.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from playwright.sync_api import expect

from browser.browsing import PASSWORD, WAIT_MS, login, shot
from kaohe.process.models import Explanation, Milestone, ProgressReport
from kaohe.process.tests.util import PLAN
from kaohe.process.tests.views_util import WebWorld

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(new_page: Callable[..., Page]) -> Callable[[], Page]:
    """Pages on a phone-size touch screen (the unit's staff report from the field)."""
    return functools.partial(new_page, viewport=PHONE, is_mobile=True, has_touch=True)


@pytest.fixture
def world(settings: Any, tmp_path: Path) -> WebWorld:
    settings.MEDIA_ROOT = tmp_path
    world = WebWorld(tasks=2)
    for user in world.users.values():
        user.set_password(PASSWORD)
        user.save()
    return world


def _p(page: Page) -> str:
    return page.locator("#score [data-score]").inner_text().strip()


def test_report_light_explanation_exemption_and_score(
    world: WebWorld, phone: Callable[[], Page], new_page: Callable[..., Page]
) -> None:
    first = world.ms[("K1", "U1", 1)]  # 30 days overdue
    objective = world.ms[("K2", "U1", 1)]  # 30 days overdue too

    # The office looks at 甲镇 first: K1's first milestone is red, and P is 0 (two overdue).
    office = new_page()
    login(office, "w-office")
    office.goto(f"/office/process/{PLAN}/units/U1/")
    row = office.locator(f"#milestone-{first.id}")
    expect(row).to_have_attribute("data-light", "red")
    assert _p(office) == "0.00"

    # 甲镇's staff report from a phone: the list, one tap on the milestone, 已完成, a photo.
    unit = phone()
    login(unit, "w-u1")
    unit.get_by_role("navigation").get_by_role("link", name="进度填报").click()
    expect(unit.locator("main h1")).to_contain_text("进度填报", timeout=WAIT_MS)
    expect(unit.locator('[data-count="red"]')).to_have_text("2")
    shot(unit, "process-unit-phone")
    unit.locator(f'a[data-milestone="{first.id}"]').tap()
    expect(unit.locator("main h1")).to_contain_text("K1节点1", timeout=WAIT_MS)
    unit.wait_for_load_state()  # the form's script is deferred: tap once it has run
    unit.locator("label", has_text="已完成").tap()
    expect(unit.locator("input[name=status][value=done]")).to_be_checked()
    expect(unit.locator("output[data-percent]")).to_have_text("100%")  # the slider follows
    unit.locator("textarea[name=note]").fill("清运全部完成，已验收")
    unit.locator("input[name=evidence]").set_input_files(
        files=[{"name": "现场.png", "mimeType": "image/png", "buffer": PNG}]
    )
    shot(unit, "process-unit-report")
    unit.get_by_role("button", name="报告进度").tap()
    expect(unit.locator(".messages")).to_contain_text("已完成，100%", timeout=WAIT_MS)
    expect(unit.locator('[data-count="red"]')).to_have_text("1")
    report = ProgressReport.objects.get(milestone=first)
    assert (report.status, report.percent, report.evidence_name) == ("done", 100, "现场.png")

    # The office sees the light change: done, but late — yellow; P = 100 × (1/3 × 0.6 +
    # 1/3 × 0) ÷ (1/3 + 1/3) = 30.
    office.reload()
    expect(row).to_have_attribute("data-light", "yellow", timeout=WAIT_MS)
    expect(row).to_contain_text("逾期完成")
    assert _p(office) == "30.00"

    # The other red light: the unit files a written explanation, an objective cause.
    unit.goto(f"/progress/{PLAN}/milestones/{objective.id}/")
    unit.get_by_role("link", name="提交书面说明").tap()
    unit.locator("label", has_text="客观原因").tap()
    unit.locator("textarea[name=text]").fill("上级专项资金未下达，无法开工")
    shot(unit, "process-unit-explanation")
    unit.get_by_role("button", name="提交书面说明").tap()
    expect(unit.locator(".messages")).to_contain_text("已提交", timeout=WAIT_MS)
    expect(unit.locator("[data-decision]")).to_have_text("待处理")
    explanation = Explanation.objects.get(milestone=objective)

    # The office finds it on the dashboard and exempts it.
    office.goto(f"/office/process/{PLAN}/")
    pending = office.locator("#pending tbody tr", has_text="K2节点1")
    expect(pending).to_contain_text("上级专项资金未下达")
    shot(office, "process-office-dashboard")
    pending.get_by_role("link", name="决定").click()
    expect(office).to_have_url(re.compile(f"/explanations/{explanation.id}/$"), timeout=WAIT_MS)
    office.locator("label", has_text="免责").click()
    office.locator("textarea[name=note]").fill("上级资金延期下达，属客观原因")
    office.get_by_role("button", name="提交处理意见").click()
    expect(office.locator(".messages")).to_contain_text("已免责", timeout=WAIT_MS)
    expect(office.locator(f"#milestone-{objective.id}")).to_have_attribute("data-light", "exempt")
    # Exempted, K2's first milestone is left out: P = 100 × (1/3 × 0.6) ÷ (1/3) = 60.
    assert _p(office) == "60.00"
    shot(office, "process-office-unit")
    assert Milestone.objects.get(pk=objective.pk).exempted_on == world.today

    # The unit sees the decision on its phone.
    unit.goto(f"/progress/{PLAN}/milestones/{objective.id}/")
    expect(unit.locator("[data-decision]")).to_have_text("免责")

    # The office may also exempt a milestone directly (a cancelled project), with a reason:
    # K2's second milestone is not due yet, so it was not assessed and P stays 60.
    cancelled = world.ms[("K2", "U1", 2)]
    office.goto(f"/office/process/{PLAN}/units/U1/")
    office.locator(f'a[data-exempt="{cancelled.id}"]').click()
    expect(office.locator("main h1")).to_contain_text("免责", timeout=WAIT_MS)
    office.get_by_role("button", name="确认免责").click()  # no reason: refused
    expect(office.locator("form[data-exempt]")).to_be_visible()
    office.locator("textarea[name=reason]").fill("县政府调整计划，项目取消")
    shot(office, "process-office-exempt")
    office.get_by_role("button", name="确认免责").click()
    expect(office.locator(".messages")).to_contain_text("已免责", timeout=WAIT_MS)
    expect(office.locator(f"#milestone-{cancelled.id}")).to_have_attribute("data-light", "exempt")
    assert _p(office) == "60.00"
    assert Milestone.objects.get(pk=cancelled.pk).exempt_reason == "县政府调整计划，项目取消"

    # The unit's quarterly feedback fits the phone's width (the wide tables scroll inside
    # the page; the facts stack), and the board's dates stay on one line.
    unit.goto(f"/progress/{PLAN}/feedback/")
    expect(unit.locator("main h1")).to_contain_text("过程考核反馈", timeout=WAIT_MS)
    width = unit.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], width
    shot(unit, "process-unit-feedback")
    unit.goto("/board/U1/")
    due = unit.locator("td.date").first
    expect(due).to_be_visible(timeout=WAIT_MS)
    # One line box for the date's text, not "2025-" and "03-31" on two.
    lines = due.evaluate(
        "el => { const r = document.createRange(); r.selectNodeContents(el);"
        " return new Set([...r.getClientRects()].map(b => Math.round(b.top))).size; }"
    )
    assert lines == 1, lines
    shot(unit, "process-board-phone")
