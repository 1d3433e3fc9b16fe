"""Documents back to their input formats, and results out as JSON, CSV and Excel.

`document_to_raw` inverts the builder: building its output again gives a document that
scores identically (only what the builder can default is left out). `results_json` is the
one way results are printed (workbook.md "Results JSON").
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import orjson
import polars as pl
import yaml

from kaohe.engine.model import (
    MARK_COLUMNS,
    NA,
    Category,
    Document,
    Evaluation,
    Indicator,
    Organization,
    Plan,
    Section,
)
from kaohe.workbook.fmt_cells import CellFormatError, parse_number_text, parse_pairs

# openpyxl (0.3 s to import) is loaded only by the functions that write workbooks: printing
# results as JSON or CSV, the path of every `kaohe score`, does without it.
if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

MarksAs = Literal["auto", "ballots", "frame"]
# Beyond this many marks a YAML ballot list is neither readable nor fast; keep the frame.
_YAML_MARKS_LIMIT = 200_000


def _num(value: float) -> int | float:
    """Integral floats as ints, so exported YAML and sheets read as people write."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


# --- document -> raw ---------------------------------------------------------------------


def document_to_raw(document: Document, *, marks: MarksAs = "auto") -> dict[str, Any]:
    """The YAML shape of a document. Marks become YAML ``ballots`` (``marks="ballots"``),
    stay a ``ballot_marks`` frame (``"frame"``), or (``"auto"``) ballots unless there are too
    many or a ballot marks someone twice, which only the long format can say."""
    data: dict[str, Any] = {
        "scale": {code: _num(v) for code, v in document.scale.items()},
        "process": {code: _num(v) for code, v in document.process.items()},
        "values": [
            {"assessee": a, "indicator": i, "value": _value(v)}
            for (a, i), v in document.values.items()
        ],
        "events": [_event(e) for e in document.events],
    }
    frame = document.marks.select(MARK_COLUMNS)
    if marks == "auto":
        marks = (
            "ballots"
            if frame.height <= _YAML_MARKS_LIMIT and _yaml_safe(document, frame)
            else "frame"
        )
    if marks == "ballots":
        data["ballots"] = marks_to_ballots(document, frame)
    else:
        data["ballot_marks"] = frame.with_columns(
            pl.int_range(0, frame.height, dtype=pl.Int64).alias("_row")
        )
    return {
        "version": 1,
        "organization": _organization(document.organization),
        "plan": _plan(document.plan),
        "evaluations": [_evaluation(e) for e in document.evaluations],
        "data": data,
    }


def _value(value: Any) -> Any:
    if value is NA:
        return "N/A"
    return _num(value) if isinstance(value, float) else value


def _event(event: Any) -> dict[str, Any]:
    row: dict[str, Any] = {"assessee": event.assessee, "type": event.type}
    if event.type in ("bonus", "deduction"):
        row["points"] = _num(event.points)
    if event.type == "veto":
        row["item"] = event.item
        if event.effect is not None:
            row["effect"] = event.effect
    if event.reason:
        row["reason"] = event.reason
    return row


def _organization(organization: Organization) -> dict[str, Any]:
    def compact(row: dict[str, Any]) -> dict[str, Any]:
        return {key: value for key, value in row.items() if value is not None}

    return {
        "name": organization.name,
        "units": [
            compact({"code": u.code, "name": u.name, "category": u.category, "parent": u.parent})
            for u in organization.units
        ],
        "people": [
            compact(
                {
                    "code": p.code,
                    "name": p.name,
                    "unit": p.unit,
                    "position": p.position,
                    "category": p.category,
                    "role": p.role,
                }
            )
            for p in organization.people
        ],
    }


def _plan(plan: Plan) -> dict[str, Any]:
    raw: dict[str, Any] = {
        "code": plan.code,
        "name": plan.name,
        "year": plan.year,
        "assessees": plan.assessees,
    }
    if plan.bonus_cap is not None:
        raw["bonus_cap"] = _num(plan.bonus_cap)
    raw["non_discriminating_share"] = _num(plan.non_discriminating_share)
    raw["vetoes"] = [{"item": v.item, "effect": v.effect} for v in plan.vetoes]
    raw["categories"] = [_category(c) for c in plan.categories]
    return raw


def _category(category: Category) -> dict[str, Any]:
    raw: dict[str, Any] = {
        "code": category.code,
        "name": category.name,
        "full_score": _num(category.full_score),
    }
    if category.tiebreak is not None:
        raw["tiebreak"] = list(category.tiebreak)
    raw["sections"] = [_section(s) for s in category.sections]
    grades = []
    for grade in category.grades:
        row: dict[str, Any] = {"name": grade.name}
        if grade.quota is not None:
            row["quota"] = _num(grade.quota)
        if grade.min_score is not None:
            row["min_score"] = _num(grade.min_score)
        grades.append(row)
    raw["grades"] = grades
    return raw


def _section(section: Section) -> dict[str, Any]:
    raw: dict[str, Any] = {
        "code": section.code,
        "name": section.name,
        "points": _num(section.points),
    }
    if section.source == "process":
        raw["source"] = "process"
    elif section.source == "evaluation":
        raw["evaluation"] = section.evaluation
    else:
        raw["indicators"] = [_indicator(i) for i in section.indicators]
    return raw


def _indicator(indicator: Indicator) -> dict[str, Any]:
    raw: dict[str, Any] = {
        "code": indicator.code,
        "name": indicator.name,
        "points": _num(indicator.points),
    }
    if indicator.children:
        raw["indicators"] = [_indicator(child) for child in indicator.children]
    else:
        method = indicator.method
        raw["method"] = method
        if method in ("ratio", "tiered") and indicator.target is not None:
            raw["target"] = _num(indicator.target)
        if method == "ratio" and indicator.cap != 1.0:
            raw["cap"] = _num(indicator.cap)
        if method in ("ratio", "rank") and indicator.direction != "higher":
            raw["direction"] = indicator.direction
        if method == "tiered":
            raw["tiers"] = [[_num(t), _num(f)] for t, f in indicator.tiers]
        if method in ("tiered", "rank") and indicator.floor is not None:
            raw["floor"] = _num(indicator.floor)
        if method == "grade":
            raw["grades"] = {label: _num(f) for label, f in indicator.grades.items()}
        if method == "deduct":
            raw["per"] = _num(indicator.per)
    if indicator.assessor is not None:
        raw["assessor"] = indicator.assessor
    return raw


def _evaluation(evaluation: Evaluation) -> dict[str, Any]:
    raw: dict[str, Any] = {
        "code": evaluation.code,
        "name": evaluation.name,
        "kind": evaluation.kind,
    }
    if evaluation.kind == "worst":
        if evaluation.max_picks is not None:
            raw["max_picks"] = evaluation.max_picks
        if evaluation.threshold:
            raw["threshold"] = _num(evaluation.threshold)
        if evaluation.veto is not None:
            raw["veto"] = {"item": evaluation.veto.item, "effect": evaluation.veto.effect}
    else:
        raw["form"] = evaluation.form
        if evaluation.options:
            raw["options"] = {label: _num(v) for label, v in evaluation.options.items()}
        if evaluation.satisfied:
            raw["satisfied"] = list(evaluation.satisfied)
        if evaluation.dimensions:
            raw["dimensions"] = {d: _num(w) for d, w in evaluation.dimensions.items()}
        if evaluation.max != 100.0:
            raw["max"] = _num(evaluation.max)
        if evaluation.max_top_share is not None:
            raw["max_top_share"] = _num(evaluation.max_top_share)
        if evaluation.kind == "integrity":
            # The flag prints the threshold as written, so keep the writing (60, 62.5, 60.0).
            written = parse_number_text(evaluation.handling_below_text)
            raw["handling_below"] = (
                written if written is not None else _num(evaluation.handling_below)
            )
        if evaluation.kind == "probation" and evaluation.pass_share is not None:
            raw["pass_share"] = _num(evaluation.pass_share)
    raw["groups"] = [
        {
            "code": g.code,
            "name": g.name,
            "weight": _num(g.weight),
            **({"trim": g.trim} if g.trim else {}),
            **({"min_ballots": g.min_ballots} if g.min_ballots != 1 else {}),
        }
        for g in evaluation.groups
    ]
    return raw


def _yaml_safe(document: Document, frame: pl.DataFrame) -> bool:
    """True when YAML ballots can say everything the frame says: no assessee twice on a
    graded ballot (a YAML ``marks`` mapping has one entry per assessee) and no assessee-less
    row except an empty worst ballot."""
    worst = [e.code for e in document.evaluations if e.kind == "worst"]
    graded = frame.filter(~pl.col("evaluation").is_in(worst))
    if graded.filter(pl.col("assessee").is_null()).height:
        return False
    keys = ["evaluation", "ballot", "assessee"]
    return graded.select(keys).is_duplicated().sum() == 0


def marks_to_ballots(document: Document, frame: pl.DataFrame) -> list[dict[str, Any]]:
    """Marks frame → YAML ballots in order of first appearance."""
    kinds = {e.code: e for e in document.evaluations}
    ballots: dict[tuple[Any, Any, Any], dict[str, Any]] = {}
    for evaluation, group, ballot, assessee, option in frame.iter_rows():
        key = (evaluation, group, ballot)
        entry = ballots.get(key)
        spec = kinds.get(evaluation)
        worst = spec is not None and spec.kind == "worst"
        if entry is None:
            entry = {"evaluation": evaluation, "group": group, "ballot": ballot}
            entry["picks" if worst else "marks"] = [] if worst else {}
            ballots[key] = entry
        if worst:
            if assessee is not None:
                entry["picks"].append(assessee)
        else:
            entry["marks"][assessee] = _mark(spec, option)
    return list(ballots.values())


def _mark(evaluation: Evaluation | None, option: str | None) -> Any:
    if option is None or evaluation is None:
        return option
    if evaluation.form == "score":
        number = parse_number_text(option)
        # Only when the text is the number's own spelling, so the builder's text is unchanged.
        if number is not None and str(number) == option.strip():
            return number
        return option
    if evaluation.form == "dimensions" and "=" in option:
        try:
            parsed = parse_pairs(option)
        except CellFormatError:
            return option
        return parsed if ";".join(f"{k}={v}" for k, v in parsed.items()) == option else option
    return option


def write_document(document: Document, path: str | Path) -> list[Path]:
    """A document back to a file that `kaohe load` reads: Excel (.xlsx), YAML or JSON.

    YAML and JSON carry the marks as ballots where they can; a year too big for that (or with
    a ballot that marks someone twice) gets its marks in a ``<name>.ballots.csv`` beside it.
    Returns the files written, the document first.
    """
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix == ".xlsx":
        write_workbook(document, target)
        return [target]
    if suffix not in (".yaml", ".yml", ".json"):
        raise ValueError(f"不支持的导出格式 {target.suffix}：请用 .xlsx、.yaml 或 .json")
    raw = document_to_raw(document)
    written = [target]
    frame = raw["data"].pop("ballot_marks", None)
    if frame is not None:
        marks_path = target.with_name(f"{target.stem}.ballots.csv")
        frame.select(MARK_COLUMNS).write_csv(marks_path)
        written.append(marks_path)
    if suffix == ".json":
        text = json.dumps(raw, ensure_ascii=False, indent=2)
    else:
        text = yaml.safe_dump(raw, allow_unicode=True, sort_keys=False, width=100)
    target.write_text(text, encoding="utf-8")
    return written


def write_workbook(document: Document, path: str | Path) -> None:
    """A document as the Excel workbook (template format; marks in 测评票, long format)."""
    from kaohe.workbook.excel import write_raw_workbook

    write_raw_workbook(document_to_raw(document, marks="frame"), path)


# --- results -----------------------------------------------------------------------------


def results_json(results: Mapping[str, Any]) -> str:
    """The results JSON, the one way results are printed.

    The bytes are those of ``json.dumps(results, ensure_ascii=False, indent=2)``; orjson writes
    them about 20× faster (the standard encoder falls back to pure Python with ``indent``). The
    two differ only for floats below 1e-4 in magnitude (``1e-05`` vs ``0.00001``), which results
    never hold: every figure is rounded to 2 or 4 decimals (scoring.md §8).
    """
    return orjson.dumps(results, option=orjson.OPT_INDENT_2).decode()


_TAIL = (
    ("base", "基本分"),
    ("scale", "规模系数"),
    ("bonus", "加分"),
    ("deduction", "扣分"),
    ("total", "总分"),
    ("rank", "排名"),
    ("rank_of", "参评数"),
    ("grade", "等次"),
)


def _section_codes(assessees: Sequence[Mapping[str, Any]]) -> list[str]:
    codes: dict[str, None] = {}
    for assessee in assessees:
        codes.update(dict.fromkeys(assessee.get("sections") or {}))
    return list(codes)


def _ranking_rows(
    assessees: Sequence[Mapping[str, Any]], section_names: Mapping[str, str] | None
) -> tuple[list[str], list[list[Any]]]:
    sections = _section_codes(assessees)
    names = section_names or {}
    header = [
        "代码",
        "名称",
        "类别",
        *(names.get(s, s) for s in sections),
        *(h for _, h in _TAIL),
        "标记",
    ]
    rows = []
    for a in assessees:
        scores = a.get("sections") or {}
        rows.append(
            [
                a.get("code"),
                a.get("name"),
                a.get("category"),
                *(scores.get(s) for s in sections),
                *(a.get(key) for key, _ in _TAIL),
                ";".join(a.get("flags") or []),
            ]
        )
    return header, rows


def results_csv(
    results: Mapping[str, Any], *, section_names: Mapping[str, str] | None = None
) -> str:
    """One row per assessee, Chinese header; section columns are the sections' codes unless
    `section_names` (code → 名称) is given."""
    header, rows = _ranking_rows(results.get("assessees") or [], section_names)
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if cell is None else cell for cell in row])
    return out.getvalue()


def _sheet_title(text: str, used: set[str]) -> str:
    title = re.sub(r"[\[\]:*?/\\]", "_", text)[:31]
    base, n = title, 2
    while title in used:
        suffix = f"~{n}"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(title)
    return title


def _table(sheet: Worksheet, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    from openpyxl.styles import Font

    sheet.append(list(header))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for row in rows:
        sheet.append(list(row))


def write_results_xlsx(
    results: Mapping[str, Any], path: str | Path, *, section_names: Mapping[str, str] | None = None
) -> None:
    """Results as a workbook: 总分排名 (one sheet per category), 指标区分度, 最差评选."""
    from openpyxl import Workbook

    book = Workbook()
    default = book.active
    if default is not None:
        book.remove(default)
    used: set[str] = set()
    assessees = results.get("assessees") or []
    categories = list(results.get("categories") or {})
    for code in categories or [None]:
        members = [a for a in assessees if code is None or a.get("category") == code]
        header, rows = _ranking_rows(members, section_names)
        title = "总分排名" if code is None else f"总分排名（{code}）"
        _table(book.create_sheet(_sheet_title(title, used)), header, rows)
    indicator_header = [
        "类别",
        "指标",
        "数量",
        "平均分",
        "标准差",
        "变异系数",
        "满分率",
        "区分度不足",
    ]
    indicator_rows = [
        [
            row.get("category"),
            row.get("indicator"),
            row.get("n"),
            row.get("mean"),
            row.get("std"),
            row.get("cv"),
            row.get("full_share"),
            "是" if row.get("non_discriminating") else "否",
        ]
        for row in results.get("indicators") or []
    ]
    _table(book.create_sheet(_sheet_title("指标区分度", used)), indicator_header, indicator_rows)
    worst_rows = [
        [evaluation, row.get("assessee"), row.get("votes"), row.get("share")]
        for evaluation, named in (results.get("worst") or {}).items()
        for row in named
    ]
    worst_sheet = book.create_sheet(_sheet_title("最差评选", used))
    _table(worst_sheet, ["测评", "考核对象", "得票", "得票率"], worst_rows)
    book.save(str(path))
