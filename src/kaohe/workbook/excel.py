"""The Excel workbook: read one into the raw document (python-calamine), write a raw
document as one (openpyxl, in the template's format). The sheets are in `fmt_sheets`.

Reading checks only what the raw document cannot express (unknown sheets and headers,
rows that refer to a category, section, parent indicator or evaluation that no row defines,
malformed compound cells); everything else is the builder's, located back to the cell.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import polars as pl
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from python_calamine import CalamineWorkbook

from kaohe.engine.model import MARK_COLUMNS
from kaohe.errors import Problem
from kaohe.workbook import fmt_sheets as s
from kaohe.workbook.csvio import append_marks, ballot_rows
from kaohe.workbook.fmt_cells import (
    CellFormatError,
    code_text,
    excel_scalar,
    format_list,
    format_pairs,
    format_scalar,
    format_tiers,
    is_blank,
    number_or_text,
    parse_list,
    parse_pairs,
    parse_tiers,
)
from kaohe.workbook.fmt_locate import Origins, RowOrigin
from kaohe.workbook.fmt_sheets import (
    BALLOTS,
    PLAN_SHEETS,
    README_SHEET,
    SHEETS,
    SHEETS_BY_NAME,
    Column,
    SheetSpec,
)

Record = tuple[int, dict[str, Any]]  # (row number, raw key -> value)
EXCEL_MAX_ROWS = 1_048_576


# --- reading -----------------------------------------------------------------------------


def read_xlsx(path: Path, doc: dict[str, Any], origins: Origins, problems: list[Problem]) -> None:
    """Merge one workbook into `doc`; problems the raw shape cannot carry go to `problems`."""
    name = str(path)
    try:
        book = CalamineWorkbook.from_path(str(path))
        sheet_names = list(book.sheet_names)
    except Exception as error:  # calamine and the zip layer raise assorted types
        problems.append(Problem(name, f"不是有效的 Excel 工作簿（.xlsx）：{error}"))
        return
    reader = _SheetReader(name, problems)
    tables: dict[str, list[Record]] = {}
    marks: pl.DataFrame | None = None
    for sheet_name in sheet_names:
        if sheet_name.strip() == README_SHEET:
            continue
        spec = SHEETS_BY_NAME.get(sheet_name.strip())
        if spec is None:
            expected = "、".join(sheet.name for sheet in SHEETS)
            problems.append(
                Problem(
                    f"{name} 工作表「{sheet_name}」", f"未知工作表，应为：{expected}（或 说明）"
                )
            )
            continue
        try:
            rows = book.get_sheet_by_name(sheet_name).to_python(skip_empty_area=False)
        except Exception as error:
            problems.append(Problem(f"{name} 工作表「{sheet_name}」", f"无法读取：{error}"))
            continue
        if spec is BALLOTS:
            marks = reader.marks(rows, origins)
        else:
            records = reader.records(spec, rows)
            if records is not None:
                tables[spec.name] = records
    _Assembler(name, doc, origins, problems, tables).run()
    if marks is not None and marks.height:
        append_marks(doc.setdefault("data", {}), marks)


class _SheetReader:
    def __init__(self, file: str, problems: list[Problem]) -> None:
        self.file = file
        self.problems = problems

    def where(self, sheet: str, line: int, header: str | None = None) -> str:
        return RowOrigin(self.file, sheet, line).describe(header)

    def header(self, spec: SheetSpec, rows: Sequence[Sequence[Any]]) -> dict[int, Column] | None:
        """Column index -> column, or None if the header row is wrong (reported)."""
        by_header = {c.header: c for c in spec.columns} | {c.key: c for c in spec.columns}
        found: dict[int, Column] = {}
        ok = True
        for index, cell in enumerate(rows[0] if rows else ()):
            text = code_text(excel_scalar(cell))
            if is_blank(text):
                continue
            column = by_header.get(str(text))
            if column is None:
                expected = "、".join(c.header for c in spec.columns)
                self.problems.append(
                    Problem(
                        self.where(spec.name, 1, str(text)), f"未知列「{text}」，应为：{expected}"
                    )
                )
                ok = False
            elif column in found.values():
                self.problems.append(Problem(self.where(spec.name, 1, str(text)), "列重复"))
                ok = False
            else:
                found[index] = column
        for column in spec.columns:
            if column.required and column not in found.values() and len(rows) > 1:
                self.problems.append(
                    Problem(self.where(spec.name, 1), f"缺少列「{column.header}」")
                )
                ok = False
        return found if ok else None

    def records(self, spec: SheetSpec, rows: Sequence[Sequence[Any]]) -> list[Record] | None:
        columns = self.header(spec, rows)
        if columns is None:
            return None
        records: list[Record] = []
        for number, row in enumerate(rows[1:], start=2):
            if all(is_blank(cell) for cell in row):
                continue
            values: dict[str, Any] = {}
            for index, column in columns.items():
                cell = row[index] if index < len(row) else ""
                if is_blank(cell):
                    if column.kind == "value":
                        values[column.key] = None  # a blank value is a missing value
                    continue
                try:
                    values[column.key] = convert(column, cell)
                except CellFormatError as error:
                    self.problems.append(
                        Problem(self.where(spec.name, number, column.header), str(error))
                    )
            records.append((number, values))
        return records

    def marks(self, rows: Sequence[Sequence[Any]], origins: Origins) -> pl.DataFrame | None:
        """The 测评票 sheet as a marks frame (one list comprehension per column)."""
        columns = self.header(BALLOTS, rows)
        if columns is None:
            return None
        data = list(rows[1:])
        # Trailing blank rows are dropped; inner blank rows stay (they are void-free no-ops
        # for nobody), so row numbers remain a plain offset.
        while data and all(is_blank(cell) for cell in data[-1]):
            data.pop()
        index_of = {column.key: index for index, column in columns.items()}
        series = []
        for key in MARK_COLUMNS:
            index = index_of.get(key)
            cells = (
                [mark_cell(row[index]) if index < len(row) else None for row in data]
                if index is not None
                else [None] * len(data)
            )
            series.append(pl.Series(key, cells, dtype=pl.Utf8))
        frame = pl.DataFrame(series)
        start = origins.add_marks(len(data), self.file, BALLOTS.name, 2, BALLOTS.headers)
        keep = ~pl.all_horizontal(pl.col(key).is_null() for key in MARK_COLUMNS)
        return frame.with_columns(
            pl.int_range(start, start + len(data), dtype=pl.Int64).alias("_row")
        ).filter(keep)


def mark_cell(value: Any) -> str | None:
    value = excel_scalar(value)
    if is_blank(value):
        return None
    return format_scalar(value) if not isinstance(value, str) else value


def convert(column: Column, cell: Any) -> Any:
    """One non-blank cell as the raw value of its column."""
    value = excel_scalar(cell)
    kind = column.kind
    if kind in ("code", "text"):
        return code_text(value)
    if kind in ("number", "value"):
        return number_or_text(value) if isinstance(value, str) else value
    if kind == "enum":
        text = code_text(value)
        reverse = {label: code for code, label in column.labels.items()}
        return reverse.get(text, text) if isinstance(text, str) else text
    if not isinstance(value, str):
        # A lone number in a list/mapping cell: pass it on for the builder to reject.
        return [value] if kind == "list" else value
    if kind == "pairs":
        return parse_pairs(value)
    if kind == "list":
        return parse_list(value)
    if kind == "tiers":
        return parse_tiers(value)
    return mark_cell(value)


class _Assembler:
    """Builds the raw document's tree from the sheets' records and registers each origin."""

    def __init__(
        self,
        file: str,
        doc: dict[str, Any],
        origins: Origins,
        problems: list[Problem],
        tables: Mapping[str, list[Record]],
    ) -> None:
        self.file = file
        self.doc = doc
        self.origins = origins
        self.problems = problems
        self.tables = tables

    def origin(self, spec: SheetSpec, line: int | None, value_key: str | None = None) -> RowOrigin:
        value_column = spec.headers.get(value_key) if value_key else None
        return RowOrigin(self.file, spec.name, line, spec.headers, value_column)

    def problem(self, spec: SheetSpec, line: int, key: str, message: str) -> None:
        where = self.origin(spec, line).describe(spec.headers[key])
        self.problems.append(Problem(where, message))

    def run(self) -> None:
        if any(self.tables.get(sheet) for sheet in PLAN_SHEETS):
            self.plan()
        self.evaluations()
        self.organization()
        self.data()

    # plan ---------------------------------------------------------------------------------

    def plan(self) -> None:
        if self.origins.plan_file is not None:
            self.problems.append(
                Problem(
                    self.file,
                    f"方案已在 {self.origins.plan_file} 中定义；一份文档只能有一个方案",
                )
            )
            return
        self.origins.plan_file = self.file
        plan: dict[str, Any] = {}
        self.doc["plan"] = plan
        rows = self.tables.get(s.PLAN.name, [])
        self.origins.add_row(("plan",), self.origin(s.PLAN, rows[0][0] if rows else None))
        for line, _values in rows[1:]:
            self.problem(s.PLAN, line, "code", "「方案」工作表只能有一行")
        if rows:
            line, values = rows[0]
            values = dict(values)
            org_name = values.pop("org_name", None)
            plan.update(values)
            if org_name is not None:
                organization = self.doc.setdefault("organization", {})
                organization.setdefault("name", org_name)
                self.origins.add_row(
                    ("organization",),
                    RowOrigin(self.file, s.PLAN.name, line, {"name": s.PLAN.headers["org_name"]}),
                )
        plan["vetoes"] = self.items(s.VETOES, ("plan", "vetoes"))
        categories = self.items(s.CATEGORIES, ("plan", "categories"))
        plan["categories"] = categories
        by_code = self.first_by_code(categories)
        self.sections(by_code)
        self.indicators(by_code)
        for line, values in self.tables.get(s.GRADES.name, []):
            values = dict(values)
            index = self.find(
                by_code, values.pop("category", None), s.GRADES, line, "category", "类别"
            )
            if index is None:
                continue
            grades = categories[index].setdefault("grades", [])
            path = ("plan", "categories", index, "grades", len(grades))
            self.origins.add_row(path, self.origin(s.GRADES, line))
            grades.append(values)

    def items(self, spec: SheetSpec, prefix: tuple[str | int, ...]) -> list[dict[str, Any]]:
        self.origins.add_row(prefix, self.origin(spec, None))
        items: list[dict[str, Any]] = []
        for line, values in self.tables.get(spec.name, []):
            self.origins.add_row((*prefix, len(items)), self.origin(spec, line))
            items.append(dict(values))
        return items

    @staticmethod
    def first_by_code(items: Iterable[Mapping[str, Any]]) -> dict[Any, int]:
        by_code: dict[Any, int] = {}
        for index, item in enumerate(items):
            by_code.setdefault(item.get("code"), index)
        return by_code

    def find(
        self,
        by_code: Mapping[Any, int],
        code: Any,
        spec: SheetSpec,
        line: int,
        key: str,
        target: str,
    ) -> int | None:
        if code is None:
            self.problem(spec, line, key, f"缺少{target}代码")
            return None
        if code not in by_code:
            self.problem(spec, line, key, f"{target}「{code}」未在「{target}」工作表中定义")
            return None
        return by_code[code]

    def sections(self, by_code: Mapping[Any, int]) -> None:
        categories = self.doc["plan"]["categories"]
        for index, category in enumerate(categories):
            category["sections"] = []
            category["grades"] = []
            self.origins.add_row(
                ("plan", "categories", index, "sections"), self.origin(s.SECTIONS, None)
            )
            self.origins.add_row(
                ("plan", "categories", index, "grades"), self.origin(s.GRADES, None)
            )
        for line, values in self.tables.get(s.SECTIONS.name, []):
            section = dict(values)
            index = self.find(
                by_code, section.pop("category", None), s.SECTIONS, line, "category", "类别"
            )
            if index is None:
                continue
            source = section.pop("source", None)
            if source == "indicators" or (source is None and "evaluation" not in section):
                section["indicators"] = []
            elif source != "evaluation":
                section["source"] = source
            sections = categories[index]["sections"]
            path = ("plan", "categories", index, "sections", len(sections))
            self.origins.add_row(path, self.origin(s.SECTIONS, line))
            self.origins.add_row((*path, "indicators"), self.origin(s.INDICATORS, None))
            sections.append(section)

    def indicators(self, by_code: Mapping[Any, int]) -> None:
        categories = self.doc["plan"]["categories"]
        lines: dict[int, int] = {}  # id(node) -> row number
        # (category index, section index) -> (code -> node, rows in order with parent codes)
        trees: dict[tuple[int, int], list[tuple[dict[str, Any], Any, int]]] = {}
        for line, values in self.tables.get(s.INDICATORS.name, []):
            node = dict(values)
            index = self.find(
                by_code, node.pop("category", None), s.INDICATORS, line, "category", "类别"
            )
            if index is None:
                continue
            sections = categories[index]["sections"]
            section_code = node.pop("section", None)
            position = self.find(
                self.first_by_code(sections),
                section_code,
                s.INDICATORS,
                line,
                "section",
                "一级指标",
            )
            if position is None:
                continue
            if "indicators" not in sections[position]:
                self.problem(
                    s.INDICATORS,
                    line,
                    "section",
                    f"一级指标「{section_code}」的来源不是指标，不能设指标",
                )
                continue
            lines[id(node)] = line
            trees.setdefault((index, position), []).append((node, node.pop("parent", None), line))
        for (index, position), rows in trees.items():
            roots = categories[index]["sections"][position]["indicators"]
            self.attach(rows, roots)
            base = ("plan", "categories", index, "sections", position, "indicators")
            self.register(roots, base, lines)

    def attach(
        self, rows: list[tuple[dict[str, Any], Any, int]], roots: list[dict[str, Any]]
    ) -> None:
        by_code: dict[Any, dict[str, Any]] = {}
        for node, _parent, _line in rows:
            by_code.setdefault(node.get("code"), node)
        parent_of: dict[int, dict[str, Any]] = {}
        for node, parent, line in rows:
            if parent is None:
                roots.append(node)
            elif parent not in by_code or by_code[parent] is node:
                self.problem(
                    s.INDICATORS, line, "parent", f"上级指标「{parent}」未在同一一级指标下定义"
                )
            else:
                parent_of[id(node)] = by_code[parent]
                by_code[parent].setdefault("indicators", []).append(node)
        for node, parent, line in rows:
            seen = {id(node)}
            current = parent_of.get(id(node))
            while current is not None:
                if id(current) in seen:
                    self.problem(s.INDICATORS, line, "parent", f"上级指标「{parent}」形成循环")
                    break
                seen.add(id(current))
                current = parent_of.get(id(current))

    def register(
        self, nodes: list[dict[str, Any]], prefix: tuple[str | int, ...], lines: Mapping[int, int]
    ) -> None:
        for position, node in enumerate(nodes):
            path = (*prefix, position)
            self.origins.add_row(path, self.origin(s.INDICATORS, lines.get(id(node))))
            children = node.get("indicators")
            if children:
                self.register(children, (*path, "indicators"), lines)

    # evaluations, organization, data -------------------------------------------------------

    def evaluations(self) -> None:
        rows = self.tables.get(s.EVALUATIONS.name, [])
        if not rows and not self.tables.get(s.GROUPS.name):
            return
        evaluations: list[dict[str, Any]] = self.doc.setdefault("evaluations", [])
        first_new = len(evaluations)
        self.origins.add_row(("evaluations",), self.origin(s.EVALUATIONS, None))
        for line, values in rows:
            evaluation = dict(values)
            item = evaluation.pop("veto_item", None)
            effect = evaluation.pop("veto_effect", None)
            if item is not None and effect is not None:
                evaluation["veto"] = {"item": item, "effect": effect}
            elif item is not None or effect is not None:
                evaluation["veto"] = item if item is not None else effect
            evaluation["groups"] = []
            path = ("evaluations", len(evaluations))
            columns = dict(s.EVALUATIONS.headers)
            columns["veto"] = columns["veto_item"] if item is not None else columns["veto_effect"]
            self.origins.add_row(path, RowOrigin(self.file, s.EVALUATIONS.name, line, columns))
            self.origins.add_row((*path, "groups"), self.origin(s.GROUPS, None))
            evaluations.append(evaluation)
        by_code = {
            e.get("code"): first_new + i
            for i, e in reversed(list(enumerate(evaluations[first_new:])))
        }
        for line, values in self.tables.get(s.GROUPS.name, []):
            group = dict(values)
            index = self.find(
                by_code, group.pop("evaluation", None), s.GROUPS, line, "evaluation", "测评"
            )
            if index is None:
                continue
            groups = evaluations[index]["groups"]
            self.origins.add_row(
                ("evaluations", index, "groups", len(groups)), self.origin(s.GROUPS, line)
            )
            groups.append(group)

    def organization(self) -> None:
        for spec, key in ((s.UNITS, "units"), (s.PEOPLE, "people")):
            rows = self.tables.get(spec.name, [])
            if not rows:
                continue
            items = self.doc.setdefault("organization", {}).setdefault(key, [])
            self.origins.add_row(("organization", key), self.origin(spec, None))
            for line, values in rows:
                self.origins.add_row(("organization", key, len(items)), self.origin(spec, line))
                items.append(dict(values))

    def data(self) -> None:
        for spec, key in ((s.SCALE, "scale"), (s.PROCESS, "process")):
            rows = self.tables.get(spec.name, [])
            if not rows:
                continue
            mapping = self.doc.setdefault("data", {}).setdefault(key, {})
            self.origins.add_row(("data", key), self.origin(spec, None))
            for line, values in rows:
                code = values.get("assessee")
                if code is None:
                    self.problem(spec, line, "assessee", "缺少考核对象代码")
                elif code in mapping:
                    self.problem(spec, line, "assessee", f"考核对象「{code}」重复")
                else:
                    mapping[code] = values.get(key)
                    self.origins.add_row(("data", key, code), self.origin(spec, line, key))
        for spec, key in ((s.VALUES, "values"), (s.EVENTS, "events")):
            rows = self.tables.get(spec.name, [])
            if not rows:
                continue
            items = self.doc.setdefault("data", {}).setdefault(key, [])
            self.origins.add_row(("data", key), self.origin(spec, None))
            for line, values in rows:
                value_key = "value" if key == "values" else None
                self.origins.add_row(("data", key, len(items)), self.origin(spec, line, value_key))
                items.append(dict(values))


# --- writing -----------------------------------------------------------------------------

_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def new_workbook(readme: Sequence[Sequence[str]] = ()) -> tuple[Workbook, dict[str, Worksheet]]:
    """A workbook with every sheet, Chinese headers, explanations and data validation."""
    book = Workbook()
    first = book.active
    assert first is not None
    if readme:
        first.title = README_SHEET
        for row in readme:
            first.append(list(row))
        first.column_dimensions["A"].width = 16
        first.column_dimensions["B"].width = 100
    else:
        book.remove(first)
    sheets: dict[str, Worksheet] = {}
    for spec in SHEETS:
        sheet = book.create_sheet(spec.name)
        _prepare(sheet, spec)
        sheets[spec.name] = sheet
    return book, sheets


def _prepare(sheet: Worksheet, spec: SheetSpec) -> None:
    sheet.freeze_panes = "A2"
    for index, column in enumerate(spec.columns, start=1):
        cell = sheet.cell(row=1, column=index, value=column.header)
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(horizontal="center")
        note = f"{column.header}（{column.key}）：{column.note}"
        if column.required:
            note += "。必填"
        cell.comment = Comment(note, "kaohe", width=260, height=110)
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(10, min(40, len(column.header) * 3 + 4))
        validation = _validation(column)
        if validation is not None:
            sheet.add_data_validation(validation)
            validation.add(f"{letter}2:{letter}{EXCEL_MAX_ROWS}")


def _validation(column: Column) -> DataValidation | None:
    if column.kind == "enum":
        labels = ",".join(column.labels.values())
        return DataValidation(
            type="list",
            formula1=f'"{labels}"',
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=column.header,
            error=f"请从下拉列表中选择：{labels}",
        )
    bounds = column.range
    if bounds is None:
        return None
    kind = "whole" if bounds.whole else "decimal"
    if bounds.low is not None and bounds.high is not None:
        operator, first, second = "between", bounds.low, bounds.high
        text = f"{format_scalar(bounds.low)} 到 {format_scalar(bounds.high)} 之间的数"
    elif bounds.low is not None:
        operator, first, second = "greaterThanOrEqual", bounds.low, None
        text = f"不小于 {format_scalar(bounds.low)} 的数"
    else:
        assert bounds.high is not None
        operator, first, second = "lessThanOrEqual", bounds.high, None
        text = f"不大于 {format_scalar(bounds.high)} 的数"
    return DataValidation(
        type=kind,
        operator=operator,
        formula1=format_scalar(first),
        formula2=None if second is None else format_scalar(second),
        allow_blank=True,
        showErrorMessage=True,
        errorTitle=column.header,
        error=f"{column.header}应为{'整数' if bounds.whole else ''}{text}",
    )


def cell_value(column: Column, value: Any) -> Any:
    """A raw value as what goes in the cell (labels for enums, compound text)."""
    if value is None:
        return None
    kind = column.kind
    if kind == "enum":
        return column.labels.get(value, value) if isinstance(value, str) else value
    if kind == "pairs" and isinstance(value, Mapping):
        return format_pairs(value)
    if kind == "list" and isinstance(value, list | tuple):
        return format_list(value)
    if kind == "tiers" and isinstance(value, list | tuple):
        return format_tiers(value)
    if isinstance(value, Mapping | list | tuple):
        return str(value)
    return value


def write_rows(sheet: Worksheet, spec: SheetSpec, rows: Iterable[Mapping[str, Any]]) -> None:
    for row in rows:
        values = [cell_value(column, row.get(column.key)) for column in spec.columns]
        sheet.append(values)
        for index, value in enumerate(values, start=1):
            # openpyxl would store "=..." as a formula; a label is never one.
            if isinstance(value, str) and value.startswith("="):
                sheet.cell(row=sheet.max_row, column=index).data_type = "s"


def write_raw_workbook(
    raw: Mapping[str, Any], path: str | Path, readme: Sequence[Sequence[str]] = ()
) -> None:
    """Write a raw document (YAML shape, marks as YAML ballots and/or a ballot_marks frame)."""
    book, sheets = new_workbook(readme)
    for spec_name, rows in sheet_rows(raw).items():
        write_rows(sheets[spec_name], SHEETS_BY_NAME[spec_name], rows)
    marks = list(_mark_rows(raw))
    if len(marks) >= EXCEL_MAX_ROWS:
        raise ValueError(f"测评票有 {len(marks)} 行，超过 Excel 的行数上限，请改用 ballots.csv")
    ballots = sheets[BALLOTS.name]
    for mark in marks:
        ballots.append(list(mark))
        option = mark[-1]
        if isinstance(option, str) and option.startswith("="):
            ballots.cell(row=ballots.max_row, column=len(mark)).data_type = "s"
    book.save(str(path))


def _mark_rows(raw: Mapping[str, Any]) -> Iterator[tuple[Any, ...]]:
    data = raw.get("data") or {}
    yield from ballot_rows(data.get("ballots") or [])
    frame = data.get("ballot_marks")
    if frame is not None:
        yield from frame.select(MARK_COLUMNS).iter_rows()


def sheet_rows(raw: Mapping[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The rows of every sheet but 测评票, as raw key -> value."""
    organization = raw.get("organization") or {}
    plan = raw.get("plan") or {}
    data = raw.get("data") or {}
    tables: dict[str, list[dict[str, Any]]] = {spec.name: [] for spec in SHEETS}
    if plan or organization.get("name") is not None:
        head = {key: plan.get(key) for key in s.PLAN.headers if key != "org_name"}
        tables[s.PLAN.name].append({"org_name": organization.get("name"), **head})
    tables[s.VETOES.name] = [dict(v) for v in plan.get("vetoes") or []]
    for category in plan.get("categories") or []:
        tables[s.CATEGORIES.name].append(dict(category))
        for section in category.get("sections") or []:
            row = {"category": category.get("code"), **section}
            if "indicators" in section:
                row["source"] = "indicators"
            elif "evaluation" in section and "source" not in section:
                row["source"] = "evaluation"
            tables[s.SECTIONS.name].append(row)
            tables[s.INDICATORS.name].extend(
                _indicator_rows(
                    category.get("code"), section.get("code"), None, section.get("indicators") or []
                )
            )
        for grade in category.get("grades") or []:
            tables[s.GRADES.name].append({"category": category.get("code"), **grade})
    for evaluation in raw.get("evaluations") or []:
        row = dict(evaluation)
        veto = row.pop("veto", None)
        if isinstance(veto, Mapping):
            row["veto_item"], row["veto_effect"] = veto.get("item"), veto.get("effect")
        elif veto in s.EFFECTS:
            row["veto_effect"] = veto
        elif veto is not None:
            row["veto_item"] = veto
        tables[s.EVALUATIONS.name].append(row)
        for group in evaluation.get("groups") or []:
            tables[s.GROUPS.name].append({"evaluation": evaluation.get("code"), **group})
    tables[s.UNITS.name] = [dict(u) for u in organization.get("units") or []]
    tables[s.PEOPLE.name] = [dict(p) for p in organization.get("people") or []]
    for spec, key in ((s.SCALE, "scale"), (s.PROCESS, "process")):
        tables[spec.name] = [{"assessee": k, key: v} for k, v in (data.get(key) or {}).items()]
    tables[s.VALUES.name] = [dict(v) for v in data.get("values") or []]
    tables[s.EVENTS.name] = [dict(e) for e in data.get("events") or []]
    del tables[BALLOTS.name]
    return tables


def _indicator_rows(
    category: Any, section: Any, parent: Any, nodes: Iterable[Mapping[str, Any]]
) -> Iterator[dict[str, Any]]:
    for node in nodes:
        row = {key: value for key, value in node.items() if key != "indicators"}
        yield {"category": category, "section": section, "parent": parent, **row}
        yield from _indicator_rows(
            category, section, node.get("code"), node.get("indicators") or []
        )
