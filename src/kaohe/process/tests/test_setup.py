"""The office's set-up of a plan's process assessment (views_setup.py, services_setup.py,
plan_import.py): settings, tasks, decomposition, milestones through the pages; the import of a
whole task plan (good file, bad files each error located and nothing stored); a person's post
responsibilities and P; 整改销号."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from kaohe.audit.models import AuditRecord
from kaohe.errors import InputError
from kaohe.org.models import Person
from kaohe.process import plan_import, selectors, services, services_setup
from kaohe.process.models import Milestone, ProcessPlan, Rectification, Target, Task
from kaohe.process.tests.util import PLAN
from kaohe.process.tests.views_util import WebWorld

pytestmark = pytest.mark.django_db
BASE = f"/office/process/{PLAN}"


@pytest.fixture
def world(settings: Any, tmp_path: Path) -> WebWorld:
    settings.MEDIA_ROOT = tmp_path
    return WebWorld()


def _snapshot(pp: ProcessPlan) -> tuple[list[Any], ...]:
    return (
        list(Task.objects.filter(process_plan=pp).values_list("code", "name", "weight")),
        list(Target.objects.filter(task__process_plan=pp).values_list("id", "leader", "weight")),
        list(Milestone.objects.filter(target__task__process_plan=pp).values_list("id", "name")),
    )


# ---------------------------------------------------------------------------------------------
# Pages: settings, task, target, milestone


def test_settings_page_saves_lights_and_weights_and_locates_errors(world: WebWorld) -> None:
    office = world.client("office")
    page = office.get(f"{BASE}/setup/")
    assert page.status_code == 200 and "K1" in page.text and 'type="color"' in page.text
    data = {key: getattr(world.pp, key) for key in services.SETTING_FIELDS}
    bad = office.post(f"{BASE}/setup/", {**data, "green_colour": "blue", "credit_late": "1.5"})
    assert bad.status_code == 200
    assert "颜色应写成 #RRGGBB" in bad.text
    world.pp.refresh_from_db()
    assert world.pp.green_colour == "#16a34a"
    ok = office.post(
        f"{BASE}/setup/",
        {**data, "green_name": "蓝灯", "green_colour": "#2563eb", "warning_days": 10},
    )
    assert ok.status_code == 302
    world.pp.refresh_from_db()
    assert (world.pp.green_name, world.pp.green_colour, world.pp.warning_days) == (
        "蓝灯",
        "#2563eb",
        10,
    )
    assert AuditRecord.objects.filter(action="process_setup").count() == 2  # made + changed


def test_settings_page_starts_process_assessment_for_a_plan(world: WebWorld) -> None:
    from kaohe.process.tests.util import load_plan

    load_plan("2025-new")
    office = world.client("office")
    assert office.get("/office/process/2025-new/setup/").status_code == 200
    assert office.get("/office/process/no-such/setup/").status_code == 404
    data = {key: getattr(world.pp, key) for key in services.SETTING_FIELDS}
    assert office.post("/office/process/2025-new/setup/", data).status_code == 302
    assert ProcessPlan.objects.get(plan_code="2025-new").year == 2025


def test_task_target_milestone_pages_create_edit_delete(world: WebWorld) -> None:
    office = world.client("office")
    year = world.pp.year
    r = office.post(
        f"{BASE}/setup/tasks/new/",
        {"code": "K9", "name": "项目建设", "kind": "project", "lead_body": "政府办",
         "public": "on", "weight": "2", "starts_on": f"{year}-01-01",
         "ends_on": f"{year}-12-31"},
    )  # fmt: skip
    task = Task.objects.get(process_plan=world.pp, code="K9")
    assert r.status_code == 302 and task.public and task.weight == 2
    # A duplicate code is said on the code field.
    dup = office.post(
        f"{BASE}/setup/tasks/new/",
        {"code": "K9", "name": "x", "kind": "task", "lead_body": "政府办", "weight": "1",
         "starts_on": f"{year}-01-01", "ends_on": f"{year}-12-31"},
    )  # fmt: skip
    assert "任务代码 K9 已存在" in dup.text
    # Decompose to a unit, then to a person of it.
    r = office.post(
        f"{BASE}/setup/tasks/{task.id}/targets/new/",
        {"unit": world.u1.id, "leader": "王书记", "weight": "1"},
    )
    share = Target.objects.get(task=task, person=None)
    assert r.status_code == 302 and share.unit == world.u1
    person = Person.objects.create(code="P9", name="赵镇长", unit=world.u1)
    no_share = office.post(
        f"{BASE}/setup/tasks/{task.id}/targets/new/",
        {"unit": world.u2.id, "person": "P9", "leader": "赵镇长", "weight": "1"},
    )
    assert "请先把任务 K9 分解到 乙镇" in no_share.text
    r = office.post(
        f"{BASE}/setup/tasks/{task.id}/targets/new/",
        {"unit": world.u1.id, "person": "赵镇长", "leader": "赵镇长", "weight": "1"},
    )
    post = Target.objects.get(task=task, person=person)
    assert r.status_code == 302 and post.parent == share
    # Milestones: one outside the task's period is refused on its date.
    outside = office.post(
        f"{BASE}/setup/targets/{share.id}/milestones/new/",
        {"name": "开工", "due_on": f"{year + 1}-01-05", "weight": "1"},
    )
    assert "节点时限应在任务期限" in outside.text
    office.post(
        f"{BASE}/setup/targets/{share.id}/milestones/new/",
        {"name": "开工", "due_on": f"{year}-06-30", "weight": "1"},
    )
    m = Milestone.objects.get(target=share)
    r = office.post(
        f"{BASE}/setup/milestones/{m.id}/",
        {"name": "全面开工", "due_on": f"{year}-07-31", "weight": "3"},
    )
    m.refresh_from_db()
    assert r.status_code == 302 and (m.name, m.weight) == ("全面开工", 3)
    assert office.get(f"{BASE}/setup/targets/{share.id}/").status_code == 200
    assert "赵镇长" in office.get(f"{BASE}/setup/tasks/{task.id}/").text
    # Editing the task cannot leave a milestone outside its period.
    r = office.post(
        f"{BASE}/setup/tasks/{task.id}/",
        {"name": "项目建设", "kind": "project", "lead_body": "政府办", "weight": "2",
         "starts_on": f"{year}-01-01", "ends_on": f"{year}-05-31"},
    )  # fmt: skip
    assert "全面开工" in r.text and "任务期限之外" in r.text
    # Delete: milestone, then the task (nothing reported yet).
    assert office.post(f"{BASE}/setup/milestones/{m.id}/delete/").status_code == 302
    assert not Milestone.objects.filter(pk=m.id).exists()
    assert office.post(f"{BASE}/setup/tasks/{task.id}/delete/").status_code == 302
    assert not Task.objects.filter(pk=task.id).exists()
    actions = set(AuditRecord.objects.values_list("action", flat=True))
    assert {"process_milestone_update", "process_milestone_delete", "process_task_delete"} <= (
        actions
    )


def test_delete_is_refused_once_the_year_started(world: WebWorld) -> None:
    office = world.client("office")
    m = world.ms[("K1", "U1", 2)]
    services.progress_report(
        actor=world.users["unit1"], milestone_id=m.id, status="on_schedule", percent=30
    )
    before = _snapshot(world.pp)
    for url in (
        f"{BASE}/setup/milestones/{m.id}/delete/",
        f"{BASE}/setup/targets/{m.target_id}/delete/",
        f"{BASE}/setup/tasks/{m.target.task_id}/delete/",
    ):
        r = office.post(url, follow=True)
        assert "1 条进度报告" in r.text and "不能删除" in r.text
    assert _snapshot(world.pp) == before
    with pytest.raises(ValidationError):
        services_setup.task_delete(actor=world.users["office"], task=m.target.task)


def test_only_the_office_sets_up(world: WebWorld) -> None:
    with pytest.raises(Exception, match="考核办"):
        services_setup.task_update(
            actor=world.users["supervisor"], task=world.tasks[0], name="x", lead_body="县委办",
            starts_on=world.today, ends_on=world.today,
        )  # fmt: skip


@pytest.mark.parametrize(
    ("change", "field", "says"),
    [
        ({"name": " "}, "name", "任务名称不能为空"),
        ({"lead_body": ""}, "lead_body", "牵头督查主体"),
        ({"kind": "other"}, "kind", "类型只能是"),
        ({"weight": 0.0}, "weight", "权重必须大于 0"),
        ({"ends_on": date(2000, 1, 1)}, "ends_on", "不能早于开始日期"),
    ],
)
def test_task_fields_checked_alike_on_create_and_update(
    world: WebWorld, change: dict[str, Any], field: str, says: str
) -> None:
    """One check of a task's fields (``services.check_task``) for making and changing it."""
    task = world.tasks[0]
    fields = {
        "name": "新任务", "lead_body": "县委办", "kind": Task.Kind.TASK, "weight": 1.0,
        "starts_on": world.today, "ends_on": world.today,
    } | change  # fmt: skip
    before = _snapshot(world.pp)
    office = world.users["office"]
    for attempt in (
        lambda: services.task_create(actor=office, process_plan=world.pp, code="NEW", **fields),
        lambda: services_setup.task_update(actor=office, task=task, **fields),
    ):
        with pytest.raises(ValidationError) as refused:
            attempt()
        assert field in refused.value.message_dict
        assert says in " ".join(refused.value.message_dict[field])
    assert _snapshot(world.pp) == before


# ---------------------------------------------------------------------------------------------
# Import


def _book(tables: dict[str, list[list[Any]]]) -> bytes:
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for name, rows in tables.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _good(year: int) -> dict[str, list[list[Any]]]:
    return {
        "重点任务": [
            [
                "任务代码",
                "任务名称",
                "类型",
                "牵头督查主体",
                "公开承诺",
                "权重",
                "开始日期",
                "完成时限",
            ],
            ["A1", "人居环境整治", "重点任务", "县委办", "是", 2, f"{year}-01-01", f"{year}-12-31"],
            ["A2", "招商引资", "重点项目", "政府办", "否", 1, f"{year}-01-01", date(year, 12, 31)],
        ],
        "目标分解": [
            ["任务代码", "责任单位", "责任干部", "责任领导", "阶段目标", "权重"],
            ["A1", "U1", "P1", "甲镇长", "", 1],  # before its unit's row: still fine
            ["A1", "U1", "", "甲书记", "12 个村", 1],
            ["A1", "乙镇", "", "乙书记", "", 1],
            ["A2", "U2", "", "乙书记", "", 1],
        ],
        "节点": [
            ["任务代码", "责任单位", "责任干部", "节点名称", "完成时限", "权重"],
            ["A1", "U1", "", "制定方案", f"{year}-03-31", 1],
            ["A1", "U1", "", "完成整治", f"{year}-11-30", 2],
            ["A1", "U1", "P1", "召开推进会", f"{year}-04-30", 1],
            ["A1", "U2", "", "完成整治", f"{year}/11/30", 1],
            ["A2", "U2", "", "签约", f"{year}年6月30日", 1],
        ],
    }


@pytest.fixture
def empty(world: WebWorld) -> WebWorld:
    """The world's plan with its tasks removed (nothing recorded yet), and a person P1."""
    Task.objects.filter(process_plan=world.pp).delete()
    Person.objects.create(code="P1", name="甲镇长", unit=world.u1)
    return world


def test_import_good_workbook_through_the_page(empty: WebWorld) -> None:
    office = empty.client("office")
    data = _book(_good(empty.pp.year))
    r = office.post(
        f"{BASE}/setup/import/", {"files": SimpleUploadedFile("计划.xlsx", data)}, follow=True
    )
    assert "已导入 2 项任务、4 条目标分解、5 个节点" in r.text
    a1 = Task.objects.get(process_plan=empty.pp, code="A1")
    assert a1.public and a1.weight == 2 and a1.kind == "task"
    assert Task.objects.get(process_plan=empty.pp, code="A2").kind == "project"
    post = Target.objects.get(task=a1, person__code="P1")
    assert post.parent == Target.objects.get(task=a1, unit=empty.u1, person=None)
    assert [m.name for m in post.milestones.all()] == ["召开推进会"]
    assert Milestone.objects.get(target__task__code="A2").due_on.month == 6
    assert AuditRecord.objects.filter(action="process_plan_import").count() == 1


def test_import_csv_files(empty: WebWorld) -> None:
    files = []
    for name, rows in _good(empty.pp.year).items():
        text = io.StringIO()
        csv.writer(text).writerows(rows)
        files.append((f"{name}.csv", text.getvalue().encode("gb18030")))
    done = plan_import.plan_import(actor=empty.users["office"], pp=empty.pp, files=files)
    assert (done.tasks, done.targets, done.milestones) == (2, 4, 5)


def test_import_template_reimports(empty: WebWorld) -> None:
    r = empty.client("office").get(f"{BASE}/setup/import/template.xlsx")
    assert r.status_code == 200
    book = load_workbook(io.BytesIO(r.content))
    assert book.sheetnames == ["重点任务", "目标分解", "节点"]
    # The template's example names units XZ01 and P0001: unknown here, each said at its cell.
    with pytest.raises(InputError) as error:
        plan_import.plan_import(
            actor=empty.users["office"], pp=empty.pp, files=[("模板.xlsx", r.content)]
        )
    text = "\n".join(str(p) for p in error.value.problems)
    assert "工作表「目标分解」 第2行 B列「责任单位」: 单位“XZ01”不存在" in text


BAD_CASES = [
    (
        "重点任务", 2, 4, "否否",
        "计划.xlsx 工作表「重点任务」 第2行 E列「公开承诺」: 公开承诺应填“是”或“否”",
    ),
    ("重点任务", 3, 5, "-1", "工作表「重点任务」 第3行 F列「权重」: 权重应为大于 0 的数"),
    ("重点任务", 2, 6, "2025-13-01", "第2行 G列「开始日期」: 日期应写成 YYYY-MM-DD"),
    ("重点任务", 3, 0, "A1", "第3行 A列「任务代码」: 任务代码 A1 与第2行重复"),
    ("重点任务", 2, 3, "", "第2行 D列「牵头督查主体」: 「牵头督查主体」不能为空"),
    ("目标分解", 4, 1, "丙镇", "工作表「目标分解」 第4行 B列「责任单位」: 单位“丙镇”不存在"),
    ("目标分解", 3, 0, "Z9", "第3行 A列「任务代码」: 任务代码 Z9 不在工作表「重点任务」中"),
    ("目标分解", 2, 2, "P404", "第2行 C列「责任干部」: 人员“P404”不存在"),
    ("目标分解", 5, 1, "U1", None),  # A2 to U1 then its milestone row names U2: not decomposed
    ("节点", 2, 4, f"{2099}-01-01", "工作表「节点」 第2行 E列「完成时限」: 节点时限应在任务期限"),
    ("节点", 3, 3, "", "第3行 D列「节点名称」: 「节点名称」不能为空"),
]  # fmt: skip


@pytest.mark.parametrize(("sheet", "row", "col", "value", "expected"), BAD_CASES)
def test_import_bad_cell_is_located_and_nothing_changes(
    empty: WebWorld, sheet: str, row: int, col: int, value: str, expected: str | None
) -> None:
    tables = _good(empty.pp.year)
    tables[sheet][row - 1][col] = value
    if expected is None:
        expected = "工作表「节点」 第6行 B列「责任单位」: 任务 A2 没有分解到乙镇"
    before = _snapshot(empty.pp)
    audits = AuditRecord.objects.count()
    r = empty.client("office").post(
        f"{BASE}/setup/import/", {"files": SimpleUploadedFile("计划.xlsx", _book(tables))}
    )
    assert r.status_code == 200 and "没有导入任何数据" in r.text
    assert expected in r.text
    assert _snapshot(empty.pp) == before and AuditRecord.objects.count() == audits


def test_import_reports_every_problem_and_missing_sheets(empty: WebWorld) -> None:
    office = empty.users["office"]
    tables = _good(empty.pp.year)
    tables["重点任务"][1][5] = "x"
    tables["节点"][1][4] = "soon"
    with pytest.raises(InputError) as error:
        plan_import.plan_import(actor=office, pp=empty.pp, files=[("a.xlsx", _book(tables))])
    assert len(error.value.problems) >= 2
    del tables["节点"]
    with pytest.raises(InputError, match="缺少工作表「节点」"):
        plan_import.plan_import(actor=office, pp=empty.pp, files=[("a.xlsx", _book(tables))])
    tables = _good(empty.pp.year)
    tables["目标分解"][0][3] = "领导"
    with pytest.raises(InputError, match="缺少列「责任领导」"):
        plan_import.plan_import(actor=office, pp=empty.pp, files=[("a.xlsx", _book(tables))])
    with pytest.raises(InputError, match=r"只能导入 \.xlsx 或 \.csv"):
        plan_import.plan_import(actor=office, pp=empty.pp, files=[("a.txt", b"x")])
    with pytest.raises(InputError, match="不是有效的 Excel"):
        plan_import.plan_import(actor=office, pp=empty.pp, files=[("a.xlsx", b"nope")])
    assert not Task.objects.filter(process_plan=empty.pp).exists()


def test_import_replaces_until_the_year_starts(empty: WebWorld) -> None:
    office = empty.users["office"]
    files = [("a.xlsx", _book(_good(empty.pp.year)))]
    plan_import.plan_import(actor=office, pp=empty.pp, files=files)
    again = plan_import.plan_import(actor=office, pp=empty.pp, files=files)
    assert again.replaced == 2 and Task.objects.filter(process_plan=empty.pp).count() == 2
    m = Milestone.objects.filter(target__task__code="A1", target__person=None).first()
    assert m is not None
    services.progress_report(
        actor=empty.users["unit1"], milestone_id=m.id, status="on_schedule", percent=10
    )
    before = _snapshot(empty.pp)
    with pytest.raises(InputError, match="1 条进度报告"):
        plan_import.plan_import(actor=office, pp=empty.pp, files=files)
    assert _snapshot(empty.pp) == before


# ---------------------------------------------------------------------------------------------
# A person's post responsibilities and P; 整改销号


def test_person_page_shows_post_responsibilities_and_p(world: WebWorld) -> None:
    office = world.users["office"]
    person = Person.objects.create(code="P7", name="钱镇长", unit=world.u1)
    post = services.target_create(
        actor=office, task=world.tasks[0], unit=world.u1, person=person, leader="钱镇长"
    )
    past = services.milestone_create(
        actor=office, target=post, name="个人节点", due_on=world.today - timedelta(days=10)
    )
    unit_p = selectors.unit_dashboard(world.pp, world.u1.id, world.today).score.score
    page = world.client("supervisor").get(f"{BASE}/people/P7/")
    assert page.status_code == 200 and "个人节点" in page.text
    assert 'data-light="red"' in page.text
    # Overdue and not done: the person's P is 0 (milestones only).
    facts = selectors.assessee_facts(world.pp, world.today, unit_ids=[], person_ids=[person.id])
    assert selectors.score_of(world.pp, facts[("person", person.id)], world.today).score == 0
    assert "0.00" in page.text
    # The person's milestone does not touch the unit's P.
    assert past.id
    assert selectors.unit_dashboard(world.pp, world.u1.id, world.today).score.score == unit_p
    assert world.client("office").get(f"{BASE}/people/NOPE/").status_code == 404


def test_rectification_confirm_and_reopen(world: WebWorld) -> None:
    red = world.ms[("K1", "U1", 1)]
    services.explanation_file(
        actor=world.users["unit1"], milestone_id=red.id, cause="subjective", text="组织不力",
        measures="加派人手",
    )  # fmt: skip
    r = Rectification.objects.get(milestone=red)
    office = world.client("office")
    url = f"{BASE}/rectifications/{r.id}/"
    early = office.post(url, {"action": "confirm"})
    assert "单位尚未报告整改完成" in early.text
    services.rectification_complete(
        actor=world.users["unit1"], rectification_id=r.id, result="已补齐"
    )
    no_deadline = office.post(url, {"action": "reopen", "note": "没有到位"})
    assert "须给出新的整改期限" in no_deadline.text
    no_note = office.post(
        url, {"action": "reopen", "deadline": f"{world.today + timedelta(days=10):%Y-%m-%d}"}
    )
    assert "退回整改须写明理由" in no_note.text
    back = office.post(
        url,
        {"action": "reopen", "note": "没有到位",
         "deadline": f"{world.today + timedelta(days=10):%Y-%m-%d}"},
    )  # fmt: skip
    assert back.status_code == 302
    r.refresh_from_db()
    assert r.state == "open" and r.done_on is None and r.confirm_note == "没有到位"
    services.rectification_complete(
        actor=world.users["unit1"], rectification_id=r.id, result="确已补齐"
    )
    assert "待考核办销号" in office.get(f"{BASE}/units/U1/").text
    assert world.client("supervisor").post(url, {"action": "confirm"}).status_code == 403
    assert office.post(url, {"action": "confirm", "note": "核实"}).status_code == 302
    r.refresh_from_db()
    assert r.confirmed_on == world.today and r.confirmed_by == "w-office"
    assert "已销号" in office.get(f"{BASE}/units/U1/").text
    assert "已于" in office.post(url, {"action": "confirm"}).text
    with pytest.raises(ValidationError, match=r"已于 .* 销号"):
        services_setup.rectification_confirm(actor=world.users["office"], rectification_id=r.id)
    actions = list(
        AuditRecord.objects.filter(action__startswith="process_rectification_").values_list(
            "action", flat=True
        )
    )
    assert actions.count("process_rectification_reopen") == 1
    assert actions.count("process_rectification_confirm") == 1
