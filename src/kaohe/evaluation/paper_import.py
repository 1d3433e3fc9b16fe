"""Import paper ballots typed elsewhere: a CSV or Excel file of marks for one evaluation
(docs/paper-ballots.md).

The format is the long one of workbook.md: one row per mark, ``group,ballot,assessee,option``
(an ``evaluation`` column may be there; it must then name this evaluation), or the Excel sheet
测评票 with its Chinese headers (测评代码, 测评主体代码, 票号, 考核对象代码, 选项). The option
is a label, a number, or ``德=优秀;能=称职;…``; a 评选最差 ballot has one row per pick and an
empty option; a ballot that marks nobody is one row with an empty 考核对象代码.

Rows are checked against the group's ballot (``ballot_form``) as the keyboard entry does:
refusals (an unknown group or assessee, a duplicate, a malformed or full-width number, a serial
already used) are errors, each located by file, sheet, row and column, and the whole file is
refused; what the voter wrote that §4 makes void (too many 优秀, an unknown label, a score out
of range, a dimension left out) is imported and counted void. All or nothing, in one
transaction, as ``Ballot(channel=paper)`` rows with their marks.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction

from kaohe.audit.services import audit_record
from kaohe.errors import InputError, Problem
from kaohe.evaluation import ballot_form, paper
from kaohe.evaluation.ballot_form import BallotForm, Row
from kaohe.evaluation.models import Evaluation, RaterGroup
from kaohe.workbook.csvio import decode
from kaohe.workbook.fmt_cells import code_text, excel_scalar, format_scalar, is_blank
from kaohe.workbook.fmt_locate import RowOrigin
from kaohe.workbook.fmt_sheets import BALLOTS

COLUMNS = ("evaluation", "group", "ballot", "assessee", "option")
REQUIRED = ("group", "ballot", "assessee")
HEADERS: Mapping[str, str] = {column.key: column.header for column in BALLOTS.columns}
_BY_HEADER: Mapping[str, str] = {column.header: column.key for column in BALLOTS.columns} | {
    key: key for key in COLUMNS
}
_ITEM = re.compile("[;；]")
_PAIR = re.compile("[=＝]")
MAX_PROBLEMS = 200  # a wrong file gets this many messages, and the count of the rest


@dataclass(frozen=True, slots=True)
class Imported:
    ballots: int
    marks: int
    void: int  # as in ``paper.Committed``: void or with a void mark, blank ones apart
    blank: int


@dataclass(slots=True)
class _Line:
    """One row of the file: where it is and its cells (text, or None when blank)."""

    origin: RowOrigin
    cells: dict[str, str | None]

    def where(self, column: str | None = None) -> str:
        """The row, and the column by the header the file gives it (or its Chinese name)."""
        if column is None:
            return self.origin.describe(None)
        return self.origin.describe(self.origin.columns.get(column, HEADERS[column]))


@dataclass(slots=True)
class _Ballot:
    group: RaterGroup
    lines: list[_Line] = field(default_factory=list)


def import_ballots(
    *, evaluation_id: int, path: Path, actor: paper.Clerk, name: str | None = None
) -> Imported:
    """Import every ballot of the file into the evaluation, or none (``InputError`` listing
    every problem found). ``name`` is the file name shown in messages (default: the path's)."""
    shown = name or path.name
    problems: list[Problem] = []
    lines = list(_read(path, shown, problems))
    if problems:
        raise InputError(problems)
    if not lines:
        raise InputError([Problem(shown, "文件中没有测评票")])
    with transaction.atomic():
        evaluation = paper.locked_evaluation(evaluation_id)
        groups = {g.code: g for g in RaterGroup.objects.filter(evaluation=evaluation)}
        ballots = _ballots(evaluation, groups, lines, problems)
        forms = {code: ballot_form.group_form(group) for code, group in groups.items()}
        checked: dict[str, list[tuple[str, tuple[Row, ...]]]] = {}
        void = blank = 0
        for serial, ballot in ballots.items():
            result = _check(forms[ballot.group.code], ballot, problems)
            if result is None:
                continue
            rows, is_void, is_blank = result
            void += is_void
            blank += is_blank
            checked.setdefault(ballot.group.code, []).append((serial, rows))
        taken = paper.serials_taken(evaluation.pk, list(ballots), batch_id=None)
        for serial in sorted(taken, key=list(ballots).index):
            line = ballots[serial].lines[0]
            problems.append(
                Problem(line.where("ballot"), f"票号 {serial} 在本测评中已录入或已入库")
            )
        if problems:
            raise InputError(_capped(problems))
        marks = sum(
            paper.ballots_write(evaluation=evaluation, group=groups[code], ballots=items)
            for code, items in checked.items()
        )
        from kaohe.entry.services import results_mark_stale

        results_mark_stale(plan=evaluation.plan)
        audit_record(
            actor=actor.username,
            action="paper_import",
            plan=evaluation.plan.code,
            detail={"evaluation": evaluation.code, "file": shown, "ballots": len(ballots)},
        )
    return Imported(len(ballots), marks, void, blank)


def _capped(problems: list[Problem]) -> list[Problem]:
    if len(problems) <= MAX_PROBLEMS:
        return problems
    rest = len(problems) - MAX_PROBLEMS
    return [*problems[:MAX_PROBLEMS], Problem("……", f"另有 {rest} 处错误未列出")]


# ---------------------------------------------------------------------------------------------
# Reading


def _read(path: Path, name: str, problems: list[Problem]) -> Iterator[_Line]:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        yield from _read_csv(path, name, problems)
    elif suffix == ".xlsx":
        yield from _read_xlsx(path, name, problems)
    else:
        problems.append(Problem(name, "只能导入 .csv 或 .xlsx 文件"))


def _header(header: list[Any], origin: RowOrigin, problems: list[Problem]) -> dict[int, str] | None:
    """Column index → column key; None (reported) when the header is not the ballots'."""
    found: dict[int, str] = {}
    ok = True
    for index, cell in enumerate(header):
        text = code_text(excel_scalar(cell))
        if is_blank(text):
            continue
        key = _BY_HEADER.get(str(text))
        if key is None:
            expected = "、".join(HEADERS[k] for k in COLUMNS)
            problems.append(
                Problem(origin.describe(str(text)), f"未知列「{text}」，应为：{expected}")
            )
            ok = False
        elif key in found.values():
            problems.append(Problem(origin.describe(str(text)), "列重复"))
            ok = False
        else:
            found[index] = key
    for key in REQUIRED:
        if key not in found.values():
            problems.append(Problem(origin.describe(None), f"缺少列「{HEADERS[key]}」（{key}）"))
            ok = False
    return found if ok else None


def _lines(
    rows: list[list[Any]], name: str, sheet: str | None, problems: list[Problem]
) -> Iterator[_Line]:
    if not rows:
        return
    columns = _header(rows[0], RowOrigin(name, sheet, 1), problems)
    if columns is None:
        return
    headers = {key: str(code_text(excel_scalar(rows[0][index]))) for index, key in columns.items()}
    for number, row in enumerate(rows[1:], start=2):
        if all(is_blank(excel_scalar(cell)) for cell in row):
            continue
        cells: dict[str, str | None] = dict.fromkeys(COLUMNS)
        for index, key in columns.items():
            value = excel_scalar(row[index]) if index < len(row) else None
            if not is_blank(value):
                cells[key] = format_scalar(value).strip()
        yield _Line(RowOrigin(name, sheet, number, headers), cells)


def _read_csv(path: Path, name: str, problems: list[Problem]) -> Iterator[_Line]:
    try:
        text = decode(path.read_bytes())
    except (OSError, UnicodeDecodeError) as error:
        problems.append(Problem(name, f"无法读取 CSV 文件：{error}"))
        return
    rows = [list(row) for row in csv.reader(io.StringIO(text))]
    yield from _lines(rows, name, None, problems)


def _read_xlsx(path: Path, name: str, problems: list[Problem]) -> Iterator[_Line]:
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
        sheets = {sheet.strip(): sheet for sheet in book.sheet_names}
    except Exception as error:  # calamine and the zip layer raise assorted types
        problems.append(Problem(name, f"不是有效的 Excel 工作簿（.xlsx）：{error}"))
        return
    if BALLOTS.name not in sheets:
        problems.append(Problem(name, f"没有「{BALLOTS.name}」工作表"))
        return
    try:
        rows = book.get_sheet_by_name(sheets[BALLOTS.name]).to_python(skip_empty_area=False)
    except Exception as error:
        problems.append(Problem(f"{name} 工作表「{BALLOTS.name}」", f"无法读取：{error}"))
        return
    yield from _lines([list(row) for row in rows], name, BALLOTS.name, problems)


# ---------------------------------------------------------------------------------------------
# Checking


def _ballots(
    evaluation: Evaluation,
    groups: Mapping[str, RaterGroup],
    lines: list[_Line],
    problems: list[Problem],
) -> dict[str, _Ballot]:
    """The file's rows gathered into ballots by serial (in order of first appearance)."""
    ballots: dict[str, _Ballot] = {}
    for line in lines:
        cells = line.cells
        named = cells["evaluation"]
        if named is not None and named != evaluation.code:
            problems.append(
                Problem(
                    line.where("evaluation"),
                    f"测评代码应为 {evaluation.code}（本次导入的测评），不是「{named}」",
                )
            )
            continue
        code = cells["group"]
        if code is None:
            problems.append(Problem(line.where("group"), "缺少测评主体代码"))
            continue
        group = groups.get(code)
        if group is None:
            known = "、".join(groups)
            problems.append(
                Problem(line.where("group"), f"测评主体「{code}」不在本测评中（应为：{known}）")
            )
            continue
        try:
            serial = paper.normalise_serial(cells["ballot"] or "")
        except ValueError as error:
            problems.append(Problem(line.where("ballot"), str(error)))
            continue
        ballot = ballots.setdefault(serial, _Ballot(group))
        if ballot.group.pk != group.pk:
            problems.append(
                Problem(
                    line.where("group"),
                    f"票号 {serial} 在 {ballot.lines[0].where()} 属于测评主体"
                    f"「{ballot.group.code}」，同一张票不能属于两个测评主体",
                )
            )
            continue
        ballot.lines.append(line)
    return ballots


def _value(form: BallotForm, line: _Line, problems: list[Problem]) -> Any:
    """One row's mark as ``check_ballot`` takes it; None after a problem (reported)."""
    option = line.cells["option"]
    if form.is_worst:
        if option is not None:
            problems.append(Problem(line.where("option"), "评选最差每选一人一行，选项应留空"))
            return None
        return True
    if option is None:
        problems.append(Problem(line.where("option"), "缺少选项"))
        return None
    if form.form != "dimensions":
        return option
    ratings: dict[str, str] = {}
    for item in (part.strip() for part in _ITEM.split(option)):
        if not item:
            continue
        pieces = _PAIR.split(item, maxsplit=1)
        if len(pieces) != 2 or not pieces[0].strip():
            problems.append(
                Problem(line.where("option"), f"「{item}」应为 维度=选项，如 德=优秀;能=称职")
            )
            return None
        dimension, label = pieces[0].strip(), pieces[1].strip()
        if dimension in ratings:
            problems.append(Problem(line.where("option"), f"维度「{dimension}」重复"))
            return None
        ratings[dimension] = label
    return ratings


def _check(
    form: BallotForm, ballot: _Ballot, problems: list[Problem]
) -> tuple[tuple[Row, ...], bool, bool] | None:
    """The rows to store for one ballot, whether it is void and whether blank; None after a
    problem (reported)."""
    before = len(problems)
    marks: dict[str, Any] = {}
    blank: list[_Line] = []
    for line in ballot.lines:
        code = line.cells["assessee"]
        if code is None:
            blank.append(line)
            if line.cells["option"] is not None:
                problems.append(Problem(line.where("assessee"), "有选项但缺少考核对象代码"))
            continue
        if code in marks:
            problems.append(Problem(line.where("assessee"), f"考核对象 {code} 在本票中重复"))
            continue
        value = _value(form, line, problems)
        if value is None:
            continue
        errors = ballot_form.check_ballot(form, {code: value}).errors
        if errors:
            column = "assessee" if code not in form.names() else "option"
            problems.extend(Problem(line.where(column), message) for message in errors)
            continue
        marks[code] = value
    if blank and len(ballot.lines) > 1:
        problems.append(
            Problem(
                blank[0].where("assessee"), "考核对象代码为空的行只用于空白票（整张票仅此一行）"
            )
        )
    if len(problems) > before:
        return None
    result = ballot_form.check_ballot(form, marks)
    if result.errors:
        problems.extend(Problem(ballot.lines[0].where(), message) for message in result.errors)
        return None
    void = result.void is not None and not result.blank
    return result.marks or ((None, None),), void, result.blank
