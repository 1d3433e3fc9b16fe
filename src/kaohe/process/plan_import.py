"""Import of a whole task plan (重点任务, 目标分解, 节点) from Excel or CSV (docs/process.md,
"Setting up").

The office sends one .xlsx with three sheets named 重点任务, 目标分解 and 节点, or the same three
tables as CSV files named after them (重点任务.csv …; UTF-8 or GB18030), Chinese headers in the
first row. Every row goes through the same services as the set-up pages (``task_create``,
``target_create``, ``milestone_create``), so the rules are one; a row a service refuses is
reported with its file, sheet, row and column, and **nothing** is stored when any row is wrong
(one transaction, rolled back). Every problem of the file is listed, not just the first.

An import replaces the plan's tasks as long as the year has not started on them (no progress
report, inspection, explanation or frozen review): an office fixes its spreadsheet and imports
it again. Once the year has started, the import is refused and the pages edit what is there.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import PurePath
from typing import Any, Final

from django.core.exceptions import ValidationError
from django.db import transaction

from kaohe.audit.services import audit_record
from kaohe.errors import InputError, Problem
from kaohe.org.models import Unit
from kaohe.process import services
from kaohe.process.models import (
    Explanation,
    Inspection,
    ProcessPlan,
    ProgressReport,
    StageReview,
    Target,
    Task,
)
from kaohe.process.services_setup import person_of
from kaohe.workbook.csvio import decode
from kaohe.workbook.fmt_cells import format_number, parse_number_text

TASKS: Final = "重点任务"
TARGETS: Final = "目标分解"
MILESTONES: Final = "节点"

# Per table: column header -> (key, required). The order is the template's.
COLUMNS: Final[dict[str, dict[str, tuple[str, bool]]]] = {
    TASKS: {
        "任务代码": ("code", True),
        "任务名称": ("name", True),
        "类型": ("kind", False),
        "牵头督查主体": ("lead_body", True),
        "公开承诺": ("public", False),
        "权重": ("weight", False),
        "开始日期": ("starts_on", True),
        "完成时限": ("ends_on", True),
        "任务内容": ("description", False),
    },
    TARGETS: {
        "任务代码": ("task", True),
        "责任单位": ("unit", True),
        "责任干部": ("person", False),
        "责任领导": ("leader", True),
        "阶段目标": ("goal", False),
        "权重": ("weight", False),
    },
    MILESTONES: {
        "任务代码": ("task", True),
        "责任单位": ("unit", True),
        "责任干部": ("person", False),
        "节点名称": ("name", True),
        "完成时限": ("due_on", True),
        "权重": ("weight", False),
    },
}
# A service's field -> the column that holds it, per table (for locating its refusals).
FIELD_COLUMN: Final = {
    TASKS: {"kind": "类型", "weight": "权重", "ends_on": "完成时限", "code": "任务代码",
            "name": "任务名称", "lead_body": "牵头督查主体"},
    TARGETS: {"leader": "责任领导", "weight": "权重", "person": "责任干部", "unit": "责任单位"},
    MILESTONES: {"name": "节点名称", "due_on": "完成时限", "weight": "权重"},
}  # fmt: skip
KINDS: Final = {"重点任务": Task.Kind.TASK, "重点项目": Task.Kind.PROJECT, "": Task.Kind.TASK}
YES: Final = {"是": True, "否": False, "": False, "√": True, "Y": True, "N": False}
MAX_ROWS: Final = 20_000

# Example rows of the downloadable template.
EXAMPLE: Final = {
    TASKS: [
        ["K01", "农村人居环境整治", "重点任务", "县委办", "是", 1, "2025-01-01", "2025-12-31",
         "垃圾分类、污水治理、村容村貌"],
    ],
    TARGETS: [
        ["K01", "XZ01", "", "张书记", "完成 12 个村的整治", 1],
        ["K01", "XZ01", "P0001", "张书记", "牵头推进本镇整治", 1],
    ],
    MILESTONES: [
        ["K01", "XZ01", "", "制定方案", "2025-03-31", 1],
        ["K01", "XZ01", "", "完成整治", "2025-11-30", 2],
        ["K01", "XZ01", "P0001", "召开推进会", "2025-04-30", 1],
    ],
}  # fmt: skip


@dataclass(slots=True)
class Sheet:
    """One table of the file: its header and rows, and how to name a place in it."""

    where: str  # "计划.xlsx 工作表「节点」" or "节点.csv"
    header: list[str]
    rows: list[tuple[int, list[Any]]]  # (1-based line, cells)
    excel: bool

    def place(self, line: int, column: str | None = None) -> str:
        if column is None or column not in self.header:
            return f"{self.where} 第{line}行"
        index = self.header.index(column)
        letter = f"{_letter(index)}列" if self.excel else f"第{index + 1}列"
        return f"{self.where} 第{line}行 {letter}「{column}」"


@dataclass
class Imported:
    tasks: int = 0
    targets: int = 0
    milestones: int = 0
    replaced: int = 0
    problems: list[Problem] = field(default_factory=list)


def _letter(index: int) -> str:
    text = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        text = chr(65 + rest) + text
    return text


# ---------------------------------------------------------------------------------------------
# Reading


def read_tables(files: Sequence[tuple[str, bytes]]) -> dict[str, Sheet]:
    """The three tables from one .xlsx or from CSV files named after them."""
    if not files:
        raise InputError([Problem("（文件）", "请选择任务计划文件")])
    sheets: dict[str, Sheet] = {}
    problems: list[Problem] = []
    for name, data in files:
        suffix = PurePath(name).suffix.lower()
        if suffix == ".xlsx":
            if len(files) > 1:
                problems.append(Problem(name, "Excel 工作簿应单独导入（三张表在同一个工作簿中）"))
                continue
            sheets.update(_read_excel(name, data))
        elif suffix == ".csv":
            table = PurePath(name).stem.strip()
            if table not in COLUMNS:
                problems.append(
                    Problem(name, f"CSV 文件名应为 {TASKS}.csv、{TARGETS}.csv 或 {MILESTONES}.csv")
                )
                continue
            try:
                text = decode(data)
            except UnicodeDecodeError as error:
                problems.append(
                    Problem(name, f"无法读取 CSV 文件（编码不是 UTF-8 或 GB18030）：{error}")
                )
                continue
            sheets[table] = _sheet(name, list(csv.reader(io.StringIO(text))), excel=False)
        else:
            problems.append(Problem(name, "只能导入 .xlsx 或 .csv 文件"))
    if not problems:
        for table in COLUMNS:
            if table not in sheets:
                where = files[0][0] if len(files) == 1 else "（文件）"
                problems.append(Problem(where, f"缺少工作表「{table}」"))
    if problems:
        raise InputError(problems)
    return sheets


def _read_excel(name: str, data: bytes) -> dict[str, Sheet]:
    from python_calamine import CalamineWorkbook

    if not data.startswith(b"PK\x03\x04"):
        raise InputError([Problem(name, "不是有效的 Excel 工作簿（.xlsx）")])
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        out = {}
        for table in COLUMNS:
            if table in book.sheet_names:
                cells = book.get_sheet_by_name(table).to_python(skip_empty_area=False)
                out[table] = _sheet(f"{name} 工作表「{table}」", cells, excel=True)
    except InputError:
        raise
    except Exception as error:  # calamine and the zip layer raise assorted types
        raise InputError([Problem(name, f"无法读取 Excel 工作簿：{error}")]) from error
    return out


def _sheet(where: str, lines: Sequence[Sequence[Any]], *, excel: bool) -> Sheet:
    rows = [(i + 1, list(cells)) for i, cells in enumerate(lines)]
    rows = [(line, cells) for line, cells in rows if not all(_blank(c) for c in cells)]
    if not rows:
        return Sheet(where, [], [], excel)
    _, header = rows[0]
    return Sheet(where, [_text(c) for c in header], rows[1:], excel)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: Any) -> str:
    if _blank(value):
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int | float):
        return format_number(value)
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%d}"
    if isinstance(value, date):
        return f"{value:%Y-%m-%d}"
    return str(value).strip()


# ---------------------------------------------------------------------------------------------
# Checking cells


_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


class _Rows:
    """Reads one sheet's rows into dicts of checked values, collecting located problems."""

    def __init__(self, table: str, sheet: Sheet, problems: list[Problem]) -> None:
        self.table, self.sheet, self.problems = table, sheet, problems

    def add(self, line: int, column: str | None, message: str) -> None:
        self.problems.append(Problem(self.sheet.place(line, column), message))

    def read(self) -> list[tuple[int, dict[str, Any]]]:
        spec = COLUMNS[self.table]
        header = self.sheet.header
        if not header:
            self.add(1, None, f"工作表是空的：第一行应为列名 {'、'.join(spec)}")
            return []
        missing = [name for name, (_, required) in spec.items() if required and name not in header]
        if missing:
            self.add(1, None, f"缺少列「{'」「'.join(missing)}」")
            return []
        for index, name in enumerate(header):
            if name and name not in spec:
                self.problems.append(
                    Problem(
                        f"{self.sheet.where} 第1行 "
                        + (f"{_letter(index)}列" if self.sheet.excel else f"第{index + 1}列"),
                        f"未知的列名「{name}」（可用：{'、'.join(spec)}）",
                    )
                )
        if len(self.sheet.rows) > MAX_ROWS:
            self.add(1, None, f"行数超过 {MAX_ROWS}")
            return []
        out = []
        for line, cells in self.sheet.rows:
            values: dict[str, Any] = {}
            ok = True
            for name, (key, required) in spec.items():
                raw = (
                    cells[header.index(name)]
                    if name in header and header.index(name) < len(cells)
                    else None
                )
                value = self._cell(line, name, key, raw, required)
                ok = ok and value is not _BAD
                values[key] = value
            if ok:
                out.append((line, values))
        return out

    def _cell(self, line: int, column: str, key: str, raw: Any, required: bool) -> Any:
        text = _text(raw)
        if not text:
            if required:
                self.add(line, column, f"「{column}」不能为空")
                return _BAD
            return {"weight": 1.0, "public": False, "kind": Task.Kind.TASK}.get(key, "")
        if key in ("starts_on", "ends_on", "due_on"):
            return self._date(line, column, raw, text)
        if key == "weight":
            number = parse_number_text(text)
            if number is None or isinstance(number, bool) or not number > 0:
                self.add(line, column, f"权重应为大于 0 的数，而不是“{text}”")
                return _BAD
            return float(number)
        if key == "public":
            if text not in YES:
                self.add(line, column, f"公开承诺应填“是”或“否”，而不是“{text}”")
                return _BAD
            return YES[text]
        if key == "kind":
            if text not in KINDS:
                self.add(line, column, f"类型应为“重点任务”或“重点项目”，而不是“{text}”")
                return _BAD
            return KINDS[text]
        return text

    def _date(self, line: int, column: str, raw: Any, text: str) -> Any:
        if isinstance(raw, datetime):
            return raw.date()
        if isinstance(raw, date):
            return raw
        match = _DATE.match(text)
        if match:
            try:
                return date(*(int(g) for g in match.groups()))
            except ValueError:
                pass
        self.add(line, column, f"日期应写成 YYYY-MM-DD，而不是“{text}”")
        return _BAD


_BAD: Final = object()


# ---------------------------------------------------------------------------------------------
# Importing


def started(pp: ProcessPlan) -> list[str]:
    """What the year has recorded in the plan (an import would wipe it): empty if nothing."""
    found = []
    for model, what, key in (
        (ProgressReport, "进度报告", "milestone__target__task__process_plan"),
        (Inspection, "月度督查评价", "target__task__process_plan"),
        (Explanation, "书面说明", "milestone__target__task__process_plan"),
        (StageReview, "半年考核", "process_plan"),
    ):
        n = model.objects.filter(**{key: pp}).count()  # type: ignore[attr-defined]
        if n:
            found.append(f"{n} 条{what}")
    return found


def plan_import(*, actor: Any, pp: ProcessPlan, files: Sequence[tuple[str, bytes]]) -> Imported:
    """Read, check and store a whole task plan, replacing the plan's tasks; all or nothing.
    Raises ``InputError`` with every located problem (nothing stored)."""
    services._require_office(actor)
    sheets = read_tables(files)
    problems: list[Problem] = []
    rows = {table: _Rows(table, sheets[table], problems).read() for table in COLUMNS}
    found = started(pp)
    if found:
        raise InputError(
            [
                Problem(
                    "（方案）",
                    f"本方案已有{'、'.join(found)}，不能整体重新导入；请在页面上修改任务",
                )
            ]
        )
    units = {u.code: u for u in Unit.objects.all()}
    by_name: dict[str, list[Unit]] = {}
    for u in units.values():
        by_name.setdefault(u.name, []).append(u)
    result = Imported()
    try:
        with transaction.atomic():
            result.replaced = Task.objects.filter(process_plan=pp).count()
            Task.objects.filter(process_plan=pp).delete()
            tasks = _tasks(actor, pp, sheets[TASKS], rows[TASKS], problems)
            named = {code for (code,) in _column_texts(sheets[TASKS], "任务代码")}
            targets = _targets(
                actor, sheets[TARGETS], rows[TARGETS], tasks, named, units, by_name, problems
            )
            target_rows = _column_texts(sheets[TARGETS], "任务代码", "责任单位", "责任干部")
            result.milestones = _milestones(
                actor, sheets[MILESTONES], rows[MILESTONES], tasks, named, targets, units,
                by_name, problems, target_rows,
            )  # fmt: skip
            result.tasks, result.targets = len(tasks), len(targets)
            if problems:
                problems.sort(key=_order)
                raise _Rollback
            audit_record(
                actor=actor.username,
                action="process_plan_import",
                plan=pp.plan_code,
                detail={"files": [name for name, _ in files], "tasks": result.tasks,
                        "targets": result.targets, "milestones": result.milestones,
                        "replaced_tasks": result.replaced},
            )  # fmt: skip
    except _Rollback:
        raise InputError(problems) from None
    return result


class _Rollback(Exception):
    pass


def _order(problem: Problem) -> tuple[int, int]:
    """Problems in the file's order: sheet by sheet, row by row."""
    table = next((i for i, t in enumerate(COLUMNS) if f"「{t}」" in problem.where
                  or PurePath(problem.where.split(" ")[0]).stem == t), -1)  # fmt: skip
    line = re.search(r"第(\d+)行", problem.where)
    return (table, int(line.group(1)) if line else 0)


def _column_texts(sheet: Sheet, *columns: str) -> set[tuple[str, ...]]:
    """The raw texts of some columns in every row (valid or not): what the sheet names."""
    found = set()
    for _, cells in sheet.rows:
        found.add(
            tuple(
                _text(cells[sheet.header.index(c)])
                if c in sheet.header and sheet.header.index(c) < len(cells)
                else ""
                for c in columns
            )
        )
    return found


def _service(
    sheet: Sheet, table: str, line: int, problems: list[Problem], call: Any, **kwargs: Any
) -> Any:
    """Run one row's service in a savepoint; its refusals go to the row's columns."""
    try:
        with transaction.atomic():
            return call(**kwargs)
    except ValidationError as error:
        columns = FIELD_COLUMN[table]
        items = error.error_dict.items() if hasattr(error, "error_dict") else [(None, [error])]
        for key, errors in items:
            for item in errors:
                for message in item.messages:
                    problems.append(Problem(sheet.place(line, columns.get(key or "")), message))
        return None


def _unit(
    sheet: Sheet, line: int, text: str, units: dict[str, Unit], by_name: dict[str, list[Unit]],
    problems: list[Problem],
) -> Unit | None:  # fmt: skip
    if text in units:
        return units[text]
    named = by_name.get(text, [])
    if len(named) == 1:
        return named[0]
    problems.append(
        Problem(
            sheet.place(line, "责任单位"),
            f"单位“{text}”不存在" if not named else f"有多个单位名为“{text}”，请填写单位代码",
        )
    )
    return None


def _tasks(
    actor: Any, pp: ProcessPlan, sheet: Sheet, rows: list[tuple[int, dict[str, Any]]],
    problems: list[Problem],
) -> dict[str, Task]:  # fmt: skip
    tasks: dict[str, Task] = {}
    first: dict[str, int] = {}
    for line, v in rows:
        if v["code"] in first:
            problems.append(
                Problem(
                    sheet.place(line, "任务代码"),
                    f"任务代码 {v['code']} 与第{first[v['code']]}行重复",
                )
            )
            continue
        first[v["code"]] = line
        task = _service(
            sheet, TASKS, line, problems, services.task_create, actor=actor, process_plan=pp, **v
        )
        if task is not None:
            tasks[task.code] = task
    return tasks


def _targets(
    actor: Any, sheet: Sheet, rows: list[tuple[int, dict[str, Any]]], tasks: dict[str, Task],
    named: set[str], units: dict[str, Unit], by_name: dict[str, list[Unit]],
    problems: list[Problem],
) -> dict[tuple[str, int, int | None], Target]:  # fmt: skip
    out: dict[tuple[str, int, int | None], Target] = {}
    # Units' shares first, so a person's row may come before its unit's in the sheet.
    for line, v in sorted(rows, key=lambda row: (bool(row[1]["person"]), row[0])):
        task = tasks.get(v["task"])
        if task is None:
            if v["task"] not in named:  # else the task's own row says what is wrong
                problems.append(_no_task(sheet, line, v["task"]))
            continue
        unit = _unit(sheet, line, v["unit"], units, by_name, problems)
        person = None
        if v["person"]:
            person = person_of(v["person"])
            if person is None:
                problems.append(
                    Problem(
                        sheet.place(line, "责任干部"),
                        f"人员“{v['person']}”不存在或重名，请填写人员代码",
                    )
                )
                continue
        if unit is None:
            continue
        target = _service(
            sheet, TARGETS, line, problems, services.target_create, actor=actor, task=task,
            unit=unit, person=person, leader=v["leader"], goal=v["goal"], weight=v["weight"],
        )  # fmt: skip
        if target is not None:
            out[(task.code, unit.id, person.id if person else None)] = target
    return out


def _no_task(sheet: Sheet, line: int, code: str) -> Problem:
    return Problem(sheet.place(line, "任务代码"), f"任务代码 {code} 不在工作表「{TASKS}」中")


def _milestones(
    actor: Any, sheet: Sheet, rows: list[tuple[int, dict[str, Any]]], tasks: dict[str, Task],
    named: set[str], targets: dict[tuple[str, int, int | None], Target],
    units: dict[str, Unit], by_name: dict[str, list[Unit]], problems: list[Problem],
    target_rows: set[tuple[str, ...]],
) -> int:  # fmt: skip
    count = 0
    for line, v in rows:
        task = tasks.get(v["task"])
        if task is None:
            if v["task"] not in named:
                problems.append(_no_task(sheet, line, v["task"]))
            continue
        unit = _unit(sheet, line, v["unit"], units, by_name, problems)
        if unit is None:
            continue
        person = person_of(v["person"]) if v["person"] else None
        if v["person"] and person is None:
            problems.append(
                Problem(
                    sheet.place(line, "责任干部"),
                    f"人员“{v['person']}”不存在或重名，请填写人员代码",
                )
            )
            continue
        target = targets.get((task.code, unit.id, person.id if person else None))
        if target is None and (v["task"], v["unit"], v["person"]) in target_rows:
            continue  # the target's own row says what is wrong with it
        if target is None:
            who = f"{unit.name} {person.name}" if person else unit.name
            problems.append(
                Problem(
                    sheet.place(line, "责任单位"),
                    f"任务 {task.code} 没有分解到{who}（见工作表「{TARGETS}」）",
                )
            )
            continue
        made = _service(
            sheet, MILESTONES, line, problems, services.milestone_create, actor=actor,
            target=target, name=v["name"], due_on=v["due_on"], weight=v["weight"],
        )  # fmt: skip
        count += made is not None
    return count


# ---------------------------------------------------------------------------------------------
# The template


def template_xlsx() -> bytes:
    """The downloadable template: the three sheets with their headers and example rows."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for table, columns in COLUMNS.items():
        sheet = book.create_sheet(table)
        sheet.append(list(columns))
        for cell in sheet[1]:
            required = COLUMNS[table][str(cell.value)][1]
            cell.font = Font(bold=True, color="B91C1C" if required else "000000")
        for row in EXAMPLE[table]:
            sheet.append(row)
        for letter in "ABCDEFGHI"[: len(columns)]:
            sheet.column_dimensions[letter].width = 16
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
