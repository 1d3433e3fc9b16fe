"""第三方评估: an outside agency's scores imported as ballots (docs/evaluation-kinds.md).

The agency sends one table, one row per (rater group, assessee): columns ``group``,
``assessee``, ``score`` and optionally ``respondents`` (样本量), with English or Chinese
headers, as CSV (UTF-8 or GB18030) or Excel (.xlsx; the sheet 第三方评估, else the first).
Each row becomes one ballot of its group (``Ballot.channel = survey``) holding one score
mark, so scoring.md §4's group mean over a group's rows is the agency's score for the
assessee, and the group's weight, trimming and minimum apply as for any other group.

The evaluation must have the ``score`` form (the 第三方评估 preset), not be 评选最差 and not be
open. Importing is all-or-nothing: every problem is reported with its file, sheet, row and
column, and nothing changes. A new import replaces the evaluation's earlier survey ballots
(other channels are kept); the evaluation is then closed (a draft or a counted one too: its
counted results no longer hold), ready to be counted. ``respondents`` is checked (a whole
number ≥ 1) and kept in the audit record of the import, which the page shows; it does not
weight the mean.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any, Final

from django.db import transaction

from kaohe.audit.models import AuditRecord
from kaohe.audit.services import audit_record
from kaohe.errors import InputError, Problem
from kaohe.evaluation.ballot_form import scope
from kaohe.evaluation.models import Ballot, Evaluation, RaterGroup, random_id
from kaohe.plans.models import PlanAssessee
from kaohe.workbook.csvio import decode
from kaohe.workbook.fmt_cells import format_number, parse_number_text

ACTION: Final = "survey_import"
SHEET: Final = "第三方评估"
MAX_ROWS: Final = 100_000
SERIAL_PREFIX: Final = "survey-"
# Header aliases (lower-cased, spaces removed) -> column.
HEADERS: Final = {
    "group": "group",
    "测评主体": "group",
    "测评主体代码": "group",
    "主体代码": "group",
    "主体": "group",
    "assessee": "assessee",
    "考核对象": "assessee",
    "考核对象代码": "assessee",
    "对象代码": "assessee",
    "score": "score",
    "得分": "score",
    "评估得分": "score",
    "分数": "score",
    "respondents": "respondents",
    "样本量": "respondents",
    "样本数": "respondents",
    "调查人数": "respondents",
}
REQUIRED: Final = ("group", "assessee", "score")
COLUMN_NAMES: Final = {
    "group": "测评主体",
    "assessee": "考核对象",
    "score": "得分",
    "respondents": "样本量",
}
_FULL_WIDTH = re.compile(r"[\uff01-\uff5e\u3000]")


@dataclass(frozen=True, slots=True)
class SurveyRow:
    """One checked row: where it was, the group, the assessee and the score as stored."""

    line: int
    group_id: int
    group: str
    assessee: str
    score: str
    respondents: int | None


@dataclass(frozen=True, slots=True)
class SurveyImported:
    """What an import wrote: rows per group, survey ballots replaced, respondents total."""

    rows: int
    replaced: int
    groups: dict[str, int] = field(default_factory=dict)
    respondents: int | None = None


def full_width_message(what: str) -> str:
    return f"{what}含全角字符，请改用半角数字和字母（如 ８５ 应写作 85）"


# ---------------------------------------------------------------------------------------------
# Reading the file


@dataclass(slots=True)
class _Table:
    """The file's cells: a header row and data rows, with how to name a place in it."""

    where: str  # "调查.xlsx 工作表「第三方评估」" or "调查.csv"
    header: list[str]
    rows: list[tuple[int, list[Any]]]  # (1-based line, cells)
    excel: bool

    def place(self, line: int, column: int | None = None) -> str:
        if column is None:
            return f"{self.where} 第{line}行"
        name = self.header[column] if column < len(self.header) else ""
        letter = f"{_letter(column)}列" if self.excel else f"第{column + 1}列"
        return f"{self.where} 第{line}行 {letter}「{name}」"


def _letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA (Excel column letters)."""
    text = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        text = chr(65 + rest) + text
    return text


def _read(name: str, data: bytes) -> _Table:
    suffix = PurePath(name).suffix.lower()
    if suffix == ".csv":
        try:
            text = decode(data)
        except UnicodeDecodeError as error:
            raise InputError(
                [Problem(name, f"无法读取 CSV 文件（编码不是 UTF-8 或 GB18030）：{error}")]
            ) from error
        lines = list(csv.reader(io.StringIO(text)))
        return _table(name, lines, excel=False)
    if suffix == ".xlsx":
        return _read_excel(name, data)
    raise InputError([Problem(name, "只能导入 .xlsx 或 .csv 文件")])


def _read_excel(name: str, data: bytes) -> _Table:
    from python_calamine import CalamineWorkbook

    if not data.startswith(b"PK\x03\x04"):
        raise InputError([Problem(name, "不是有效的 Excel 工作簿（.xlsx）")])
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = list(book.sheet_names)
        sheet = SHEET if SHEET in names else names[0]
        cells = book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    except Exception as error:  # calamine and the zip layer raise assorted types
        raise InputError([Problem(name, f"无法读取 Excel 工作簿：{error}")]) from error
    return _table(f"{name} 工作表「{sheet}」", cells, excel=True)


def _table(where: str, lines: Sequence[Sequence[Any]], *, excel: bool) -> _Table:
    rows = [(i + 1, list(cells)) for i, cells in enumerate(lines)]
    rows = [(line, cells) for line, cells in rows if not all(_blank(c) for c in cells)]
    if not rows:
        raise InputError([Problem(where, "文件是空的：第一行应为列名 group,assessee,score")])
    _, header = rows[0]
    return _Table(where, [_cell_text(c) for c in header], rows[1:], excel)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _cell_text(value: Any) -> str:
    if _blank(value):
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        return format_number(value)
    return str(value).strip()


# ---------------------------------------------------------------------------------------------
# Checking


def refusal(evaluation: Evaluation) -> str | None:
    """Why this evaluation cannot take a survey import (None: it can)."""
    if evaluation.kind == Evaluation.Kind.WORST:
        return f"测评“{evaluation.name}”是评选最差，不能导入第三方评估得分"
    if evaluation.form != Evaluation.Form.SCORE:
        form = evaluation.get_form_display()
        return f"第三方评估得分只能导入“打分”形式的测评；测评“{evaluation.name}”是“{form}”形式"
    if evaluation.status == Evaluation.Status.OPEN:
        return f"测评“{evaluation.name}”正在进行，结束测评后再导入第三方评估得分"
    return None


class _Checker:
    def __init__(self, evaluation: Evaluation, table: _Table) -> None:
        self.evaluation = evaluation
        self.table = table
        self.problems: list[Problem] = []
        groups = list(RaterGroup.objects.filter(evaluation=evaluation).order_by("order"))
        self.groups = {g.code: g for g in groups}
        self.group_names = _unique_names((g.name, g.code) for g in groups)
        self.scopes: dict[int, tuple[set[str], dict[str, str | None]]] = {}
        self.names = dict(
            PlanAssessee.objects.filter(plan_id=evaluation.plan_id).values_list("code", "name")
        )
        self.maximum = float(evaluation.max)

    def add(self, where: str, message: str) -> None:
        self.problems.append(Problem(where, message))

    def columns(self) -> dict[str, int]:
        found: dict[str, int] = {}
        for index, text in enumerate(self.table.header):
            key = HEADERS.get(re.sub(r"\s+", "", text).lower())
            if key is None:
                if text:
                    self.add(
                        f"{self.table.where} 第1行 {self._col(index)}",
                        f"不认识的列名“{text}”；应为 group（测评主体）、assessee（考核对象）、"
                        "score（得分），可加 respondents（样本量）",
                    )
                continue
            if key in found:
                self.add(
                    f"{self.table.where} 第1行 {self._col(index)}",
                    f"列“{COLUMN_NAMES[key]}”重复（{self._col(found[key])}已有）",
                )
                continue
            found[key] = index
        for key in REQUIRED:
            if key not in found:
                self.add(f"{self.table.where} 第1行", f"缺少“{COLUMN_NAMES[key]}”列（{key}）")
        return found

    def _col(self, index: int) -> str:
        return f"{_letter(index)}列" if self.table.excel else f"第{index + 1}列"

    def _scope(self, group: RaterGroup) -> tuple[set[str], dict[str, str | None]]:
        if group.pk not in self.scopes:
            group.evaluation = self.evaluation  # scope() reads it; no extra query
            codes = scope(group)
            by_name = _unique_names((self.names.get(code, ""), code) for code in codes)
            self.scopes[group.pk] = (set(codes), by_name)
        return self.scopes[group.pk]

    def rows(self) -> list[SurveyRow]:
        columns = self.columns()
        if self.problems:
            return []
        if not self.table.rows:
            self.add(self.table.where, "文件中没有数据行")
            return []
        if len(self.table.rows) > MAX_ROWS:
            self.add(
                self.table.where, f"数据行过多（{len(self.table.rows)}），一次最多 {MAX_ROWS} 行"
            )
            return []
        checked: list[SurveyRow] = []
        seen: dict[tuple[str, str], int] = {}
        for line, cells in self.table.rows:
            row = self._row(line, cells, columns)
            if row is None:
                continue
            key = (row.group, row.assessee)
            if key in seen:
                self.add(
                    self.table.place(line, columns["assessee"]),
                    f"测评主体 {row.group} 对考核对象 {row.assessee} 的得分重复"
                    f"（第{seen[key]}行已有）；每个主体对每个考核对象只填一行",
                )
                continue
            seen[key] = line
            checked.append(row)
        return checked

    def _value(self, cells: list[Any], columns: dict[str, int], key: str) -> Any:
        index = columns.get(key)
        if index is None or index >= len(cells):
            return None
        value = cells[index]
        return None if _blank(value) else value

    def _row(self, line: int, cells: list[Any], columns: dict[str, int]) -> SurveyRow | None:
        before = len(self.problems)
        group = self._group(line, self._value(cells, columns, "group"), columns["group"])
        assessee = None
        if group is not None:
            raw = self._value(cells, columns, "assessee")
            assessee = self._assessee(line, raw, columns["assessee"], group)
        score = self._score(line, self._value(cells, columns, "score"), columns["score"])
        respondents = None
        if "respondents" in columns:
            raw = self._value(cells, columns, "respondents")
            respondents = self._respondents(line, raw, columns["respondents"])
        if len(self.problems) > before or group is None or assessee is None or score is None:
            return None
        return SurveyRow(line, group.pk, group.code, assessee, score, respondents)

    def _group(self, line: int, raw: Any, column: int) -> RaterGroup | None:
        where = self.table.place(line, column)
        if raw is None:
            self.add(where, "缺少测评主体")
            return None
        text = _cell_text(raw)
        if text in self.groups:
            return self.groups[text]
        code = self.group_names.get(text)
        if code is not None:
            return self.groups[code]
        known = "、".join(f"{g.code}（{g.name}）" for g in self.groups.values())
        ambiguous = text in self.group_names
        reason = "名称重复，请填代码" if ambiguous else f"本测评的测评主体为：{known}"
        self.add(where, f"测评主体“{text}”不属于测评 {self.evaluation.code}；{reason}")
        return None

    def _assessee(self, line: int, raw: Any, column: int, group: RaterGroup) -> str | None:
        where = self.table.place(line, column)
        if raw is None:
            self.add(where, "缺少考核对象")
            return None
        text = _cell_text(raw)
        codes, by_name = self._scope(group)
        if text in codes:
            return text
        code = by_name.get(text)
        if code is not None:
            return code
        if text in by_name:
            self.add(where, f"考核对象名称“{text}”有重名，请填考核对象代码")
        elif text in self.names:
            self.add(where, f"考核对象 {text} 不在测评主体 {group.code} 的测评范围内")
        else:
            self.add(where, f"考核对象“{text}”不是本方案的考核对象")
        return None

    def _score(self, line: int, raw: Any, column: int) -> str | None:
        where = self.table.place(line, column)
        top = format_number(self.maximum)
        if raw is None:
            self.add(where, "缺少得分")
            return None
        if isinstance(raw, bool):
            self.add(where, f"得分应为 0–{top} 的数值，实为 {raw}")
            return None
        if isinstance(raw, int | float):
            number: float | None = float(raw) if math.isfinite(raw) else None
        else:
            text = str(raw).strip()
            if _FULL_WIDTH.search(text):
                self.add(where, full_width_message(f"得分“{text}”"))
                return None
            parsed = parse_number_text(text)
            number = None if parsed is None else float(parsed)
        if number is None:
            self.add(where, f"得分应为 0–{top} 的数值，实为“{_cell_text(raw)}”")
            return None
        if not 0 <= number <= self.maximum:
            self.add(where, f"得分应在 0–{top} 之间，实为 {format_number(number)}")
            return None
        return format_number(number)

    def _respondents(self, line: int, raw: Any, column: int) -> int | None:
        if raw is None:
            return None
        where = self.table.place(line, column)
        text = _cell_text(raw)
        if isinstance(raw, str) and _FULL_WIDTH.search(text):
            self.add(where, full_width_message(f"样本量“{text}”"))
            return None
        number = parse_number_text(text) if not isinstance(raw, bool) else None
        if number is None or number != int(number) or number < 1:
            self.add(where, f"样本量应为不小于 1 的整数，实为“{text}”")
            return None
        return int(number)


def _unique_names(pairs: Any) -> dict[str, str | None]:
    """name → code, None where two share the name (then only the code is accepted)."""
    names: dict[str, str | None] = {}
    for name, code in pairs:
        if name:
            names[name] = None if name in names and names[name] != code else code
    return names


def survey_check(*, evaluation: Evaluation, name: str, data: bytes) -> list[SurveyRow]:
    """The file's rows, checked against the evaluation; ``InputError`` with every problem."""
    why = refusal(evaluation)
    if why is not None:
        raise InputError([Problem(name, why)])
    checker = _Checker(evaluation, _read(name, data))
    rows = checker.rows()
    if checker.problems:
        raise InputError(checker.problems)
    return rows


# ---------------------------------------------------------------------------------------------
# Writing


@transaction.atomic
def survey_import(
    *, evaluation: Evaluation, name: str, data: bytes, actor: str | None = None
) -> SurveyImported:
    """Replace the evaluation's survey ballots with the file's rows (all or nothing)."""
    evaluation = Evaluation.objects.select_for_update().select_related("plan").get(pk=evaluation.pk)
    rows = survey_check(evaluation=evaluation, name=name, data=data)
    earlier = list(
        Ballot.objects.filter(evaluation=evaluation, channel=Ballot.Channel.SURVEY).values_list(
            "id", flat=True
        )
    )
    if earlier:
        Ballot.objects.filter(id__in=earlier)._raw_delete(Ballot.objects.db)
    serials = [f"{SERIAL_PREFIX}{row.line:06d}" for row in rows]
    taken = set(
        Ballot.objects.filter(evaluation=evaluation, serial__in=serials).values_list(
            "serial", flat=True
        )
    )
    if taken:
        raise InputError(
            [
                Problem(name, f"票号 {serial} 已被其他测评票使用，无法导入")
                for serial in sorted(taken)
            ]
        )
    ballots = [
        Ballot(
            id=random_id(),
            evaluation=evaluation,
            group_id=row.group_id,
            serial=serial,
            channel=Ballot.Channel.SURVEY,
            assessees=[row.assessee],
            options=[row.score],
        )
        for row, serial in zip(rows, serials, strict=True)
    ]
    Ballot.objects.bulk_create(ballots)
    if evaluation.status != Evaluation.Status.CLOSED:
        evaluation.status = Evaluation.Status.CLOSED
        evaluation.save(update_fields=["status"])
    groups: dict[str, int] = {}
    for row in rows:
        groups[row.group] = groups.get(row.group, 0) + 1
    given = [row.respondents for row in rows if row.respondents is not None]
    result = SurveyImported(
        rows=len(rows),
        replaced=len(earlier),
        groups=groups,
        respondents=sum(given) if given else None,
    )
    audit_record(
        actor=actor,
        action=ACTION,
        plan=evaluation.plan.code,
        detail={
            "evaluation": evaluation.code,
            "file": PurePath(name).name,
            "rows": result.rows,
            "replaced": result.replaced,
            "groups": groups,
            "respondents": result.respondents,
        },
    )
    return result


def last_import(evaluation: Evaluation) -> dict[str, Any] | None:
    """The latest survey import of this evaluation (from the audit log), for the page.

    The audit detail is JSON text, so the evaluation is matched in Python over the plan's
    survey imports, newest first (a handful per plan).
    """
    records = AuditRecord.objects.filter(action=ACTION, plan=evaluation.plan.code).order_by(
        "-at", "-id"
    )
    for record in records.iterator():
        if record.detail.get("evaluation") == evaluation.code:
            return {"at": record.at, "actor": record.actor, **record.detail}
    return None


def survey_counts(evaluation: Evaluation) -> dict[str, int]:
    """Survey ballots stored per group code (what the office sees: counts, never scores)."""
    codes = dict(RaterGroup.objects.filter(evaluation=evaluation).values_list("id", "code"))
    counts: dict[str, int] = {}
    for group_id in Ballot.objects.filter(
        evaluation=evaluation, channel=Ballot.Channel.SURVEY
    ).values_list("group_id", flat=True):
        code = codes.get(group_id, "")
        counts[code] = counts.get(code, 0) + 1
    return counts
