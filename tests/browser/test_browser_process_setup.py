"""The office sets up a plan's process assessment in the browser (docs/process-pages.md,
"Setting up"): changes the lights' names and colours, adds a task, decomposes it to a unit
and to a person with a milestone, imports a task plan whose errors are listed by sheet, row
and column (nothing stored), opens the person's record with the person's P, and closes (销号)
a rectification the unit reported done."""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from openpyxl import Workbook
from playwright.sync_api import expect

from browser.browsing import PASSWORD, WAIT_MS, login, shot
from kaohe.org.models import Person
from kaohe.process import services
from kaohe.process.models import Milestone, Rectification, Target, Task
from kaohe.process.tests.util import PLAN
from kaohe.process.tests.views_util import WebWorld

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser
BASE = f"/office/process/{PLAN}"


@pytest.fixture
def world(settings: Any, tmp_path: Path) -> WebWorld:
    settings.MEDIA_ROOT = tmp_path
    world = WebWorld(tasks=2)
    for user in world.users.values():
        user.set_password(PASSWORD)
        user.save()
    Person.objects.create(code="P1", name="甲镇长", unit=world.u1)
    return world


def _bad_book(year: int) -> bytes:
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    rows = {
        "重点任务": [
            ["任务代码", "任务名称", "牵头督查主体", "公开承诺", "权重", "开始日期", "完成时限"],
            ["B1", "招商引资", "政府办", "也许", 1, f"{year}-01-01", f"{year}-12-31"],
        ],
        "目标分解": [["任务代码", "责任单位", "责任领导"], ["K1", "丙镇", "丙书记"]],
        "节点": [["任务代码", "责任单位", "节点名称", "完成时限"], ["B1", "U1", "签约", "年底"]],
    }
    for name, table in rows.items():
        sheet = book.create_sheet(name)
        for row in table:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_office_sets_up_imports_and_closes_a_rectification(
    world: WebWorld, page: Page, tmp_path: Path
) -> None:
    year = world.pp.year
    login(page, "w-office")

    # Settings: the green slot becomes a blue 蓝灯 (红黄蓝).
    page.goto(f"{BASE}/setup/")
    expect(page.locator("[data-tasks]")).to_contain_text("K1", timeout=WAIT_MS)
    page.locator("#id_green_name").fill("蓝灯")
    page.locator("#id_green_colour").evaluate("(e) => { e.value = '#2563eb'; }")
    page.get_by_role("button", name="保存设置").click()
    expect(page.locator("body")).to_contain_text("过程考核设置已保存", timeout=WAIT_MS)
    world.pp.refresh_from_db()
    assert (world.pp.green_name, world.pp.green_colour) == ("蓝灯", "#2563eb")
    shot(page, "process-setup-plan")

    # A task, decomposed to 甲镇 and to its head 甲镇长, with a milestone.
    page.get_by_role("link", name="添加重点任务").click()
    page.locator("#id_code").fill("K9")
    page.locator("#id_name").fill("为民办实事")
    page.locator("#id_lead_body").fill("县委办")
    page.locator("#id_public").check()
    page.get_by_role("button", name="保存").click()
    expect(page.locator("h1")).to_contain_text("K9 为民办实事", timeout=WAIT_MS)
    page.get_by_role("link", name="分解到单位或个人").click()
    page.locator("#id_unit").select_option(label="U1 甲镇")
    page.locator("#id_leader").fill("甲书记")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("h1")).to_contain_text("单位承担", timeout=WAIT_MS)
    page.locator("[data-milestone-add] #id_name").fill("完成 10 件实事")
    page.locator("[data-milestone-add] #id_due_on").fill(f"{year + 1}-02-01")
    page.get_by_role("button", name="添加节点").click()
    expect(page.locator(".has-error")).to_contain_text("节点时限应在任务期限", timeout=WAIT_MS)
    shot(page, "process-setup-milestone-error")
    page.locator("#id_due_on").fill(f"{year}-11-30")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("[data-milestones]")).to_contain_text("完成 10 件实事", timeout=WAIT_MS)
    page.get_by_role("link", name="落实到个人").click()
    page.locator("#id_person").fill("甲镇长")
    page.locator("#id_leader").fill("甲镇长")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("h1")).to_contain_text("岗位责任", timeout=WAIT_MS)
    page.locator("[data-milestone-add] #id_name").fill("召开推进会")
    page.locator("[data-milestone-add] #id_due_on").fill(f"{year}-06-30")
    page.get_by_role("button", name="添加节点").click()
    expect(page.locator("[data-milestones]")).to_contain_text("召开推进会", timeout=WAIT_MS)
    post = Target.objects.get(task__code="K9", person__code="P1")
    assert post.parent is not None and post.milestones.count() == 1
    page.goto(f"{BASE}/setup/tasks/{post.task_id}/")
    shot(page, "process-setup-task")

    # The person's record: post responsibilities with lights and the person's P.
    page.goto(f"{BASE}/people/P1/")
    expect(page.locator("[data-person-milestones]")).to_contain_text("召开推进会")
    expect(page.locator("[data-person-score]")).to_contain_text("个人日常考核得分 P")
    shot(page, "process-setup-person")

    # An import with errors: every one located, nothing stored.
    tasks = Task.objects.count()
    bad = tmp_path / "计划.xlsx"
    bad.write_bytes(_bad_book(year))
    page.goto(f"{BASE}/setup/import/")
    page.locator("#id_files").set_input_files(str(bad))
    page.get_by_role("button", name="上传并导入").click()
    problems = page.locator("[data-problems]")
    expect(problems).to_contain_text("工作表「重点任务」 第2行 D列「公开承诺」", timeout=WAIT_MS)
    expect(problems).to_contain_text("工作表「目标分解」 第2行 A列「任务代码」: 任务代码 K1 不在")
    # B1's own row says what is wrong with it: its milestone row adds only its own date error.
    expect(problems.locator("li")).to_have_count(3)
    expect(problems).to_contain_text("工作表「节点」 第2行 D列「完成时限」")
    assert Task.objects.count() == tasks
    shot(page, "process-setup-import-errors")

    # 整改销号: the unit explained a red light (主观) and reported the rectification done.
    red = world.ms[("K1", "U1", 1)]
    services.explanation_file(
        actor=world.users["unit1"], milestone_id=red.id, cause="subjective", text="组织不力",
        measures="加派人手",
    )  # fmt: skip
    r = Rectification.objects.get(milestone=red)
    services.rectification_complete(
        actor=world.users["unit1"], rectification_id=r.id, result="已补齐"
    )
    page.goto(f"{BASE}/units/U1/")
    expect(page.locator(f"#milestone-{red.id}")).to_contain_text("待考核办销号")
    page.locator(f"#milestone-{red.id}").get_by_role("link", name="销号/退回").click()
    page.get_by_label("确认整改到位，销号").check()
    shot(page, "process-setup-rectification")
    page.get_by_role("button", name="确定").click()
    expect(page.locator(f"#milestone-{red.id}")).to_contain_text("已销号", timeout=WAIT_MS)
    r.refresh_from_db()
    assert r.confirmed_by == "w-office"
    assert Milestone.objects.filter(target=post).count() == 1
