"""The bad-input corpus (workbook.md "Bad input"): YAML, Excel and CSV documents that are
wrong in one known way (or two). Each must raise InputError whose problems name the place
(file and YAML path, or file, sheet, row and column) and say what was expected, and
`kaohe load` of it must exit 2 and leave every table of the database as it was.

The Excel cases are generated from a good workbook (an example written by write_workbook)
with one cell corrupted through openpyxl, so no binaries are committed.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml

from conftest import table_counts
from kaohe import cli
from kaohe.errors import InputError, Problem
from kaohe.plans.models import Plan
from kaohe.plans.services import plan_load
from kaohe.workbook.csvio import ballots_csv, ballots_frame, values_csv
from kaohe.workbook.export import write_workbook
from kaohe.workbook.read import read_document
from kaohe.workbook.tests.examples import example_paths

BASE = next(p for p in example_paths() if p.name == "example-1003.yaml")
BASE_PLAN = "2023-annual"

pytestmark = pytest.mark.django_db


@functools.cache
def _base_raw() -> dict[str, Any]:
    return yaml.safe_load(BASE.read_text(encoding="utf-8"))


def base_raw() -> dict[str, Any]:
    return copy.deepcopy(_base_raw())


def problems_of(paths: list[Path]) -> list[Problem]:
    """The problems of a bad input, after proving that `kaohe load` of it changes nothing."""
    with pytest.raises(InputError) as caught:
        read_document(paths)
    problems = caught.value.problems
    assert problems, "InputError without problems"
    assert_load_refused(paths, problems)
    return problems


def assert_load_refused(paths: list[Path], problems: list[Problem]) -> None:
    """`kaohe load` exits 2, prints exactly these problems, and every table keeps its rows.

    The database already holds the base plan (the same plan code the bad documents carry), so
    a partial write — a replaced plan, a stray unit, an audit record — would show in the counts.
    """
    if not Plan.objects.filter(code=BASE_PLAN).exists():
        plan_load(document=read_document([BASE]))
    before = table_counts()
    stderr = io.StringIO()
    with contextlib.redirect_stderr(stderr):
        code = cli.main(["load", *map(str, paths)])
    assert code == 2
    assert stderr.getvalue().splitlines() == [str(problem) for problem in problems]
    assert table_counts() == before


def assert_reported(problems: list[Problem], where: str, *says: str) -> None:
    """Some problem is at exactly `where` and its message contains every `says`."""
    for problem in problems:
        if problem.where == where and all(text in problem.message for text in says):
            return
    listing = "\n".join(f"  {p.where} | {p.message}" for p in problems)
    raise AssertionError(f"no problem at {where!r} saying {says!r}; got:\n{listing}")


def write_yaml(folder: Path, raw: dict[str, Any], name: str = "doc.yaml") -> Path:
    path = folder / name
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


# --- YAML cases: (mutate the base document, expected (YAML path, message parts)) --------

Mutation = Callable[[dict[str, Any]], None]


@dataclass(frozen=True)
class YamlCase:
    id: str
    mutate: Mutation
    where: str  # YAML path in the file
    says: tuple[str, ...]


def _township(raw: dict[str, Any]) -> dict[str, Any]:
    return raw["plan"]["categories"][0]


def _set(path: tuple[Any, ...], value: Any) -> Mutation:
    def mutate(raw: dict[str, Any]) -> None:
        node: Any = raw
        for part in path[:-1]:
            node = node[part]
        node[path[-1]] = value

    return mutate


def _append(path: tuple[Any, ...], item: Any) -> Mutation:
    def mutate(raw: dict[str, Any]) -> None:
        node: Any = raw
        for part in path:
            node = node[part]
        node.append(item)

    return mutate


def _duplicate_indicator(raw: dict[str, Any]) -> None:
    _township(raw)["sections"][0]["indicators"][6]["code"] = "T1"


def _children_do_not_add_up(raw: dict[str, Any]) -> None:
    _township(raw)["sections"][0]["indicators"][1]["indicators"][0]["points"] = 2


def _quota_below_gap(raw: dict[str, Any]) -> None:
    grades = _township(raw)["grades"]
    del grades[1]["quota"]  # 较好 loses its quota, 一般 below it keeps one


YAML_CASES = [
    YamlCase(
        "year-out-of-range",
        _set(("plan", "year"), 710304411429422084653056),  # found by schemathesis via the API
        "plan.year",
        ("年度", "不大于 9999"),
    ),
    YamlCase(
        "count-beyond-32-bit",
        _set(("evaluations", 0, "groups", 0, "min_ballots"), 2**40),
        "evaluations[0].groups[0].min_ballots",
        ("不大于 2147483647",),
    ),
    YamlCase(
        "unknown-indicator",
        _set(("data", "values", 0, "indicator"), "T99"),
        "data.values[0].indicator",
        ("T99",),
    ),
    YamlCase(
        "unknown-assessee",
        _set(("data", "values", 0, "assessee"), "XZ99"),
        "data.values[0].assessee",
        ("XZ99", "不存在"),
    ),
    YamlCase(
        "unknown-category",
        _set(("organization", "units", 0, "category"), "nowhere"),
        "organization.units[0].category",
        ("nowhere", "未在方案中声明"),
    ),
    YamlCase(
        "duplicate-unit",
        _set(("organization", "units", 1, "code"), "XZ01"),
        "organization.units[1].code",
        ("XZ01", "重复", "organization.units[0]"),
    ),
    YamlCase(
        "duplicate-indicator",
        _duplicate_indicator,
        "plan.categories[0].sections[0].indicators[6].code",
        ("T1", "重复"),
    ),
    YamlCase(
        "section-points",
        _set(("plan", "categories", 0, "sections", 0, "points"), 65),
        "plan.categories[0].sections",
        ("105",),
    ),
    YamlCase(
        "children-points",
        _children_do_not_add_up,
        "plan.categories[0].sections[0].indicators[1].indicators",
        ("T2", "6", "应为 5"),
    ),
    YamlCase(
        "unknown-grade-label",
        _set(("data", "values", 2, "value"), "很好"),
        "data.values[2].value",
        ("很好", "好/较好/一般/差"),
    ),
    YamlCase(
        "direct-out-of-range",
        _set(("data", "values", 7, "value"), 11),
        "data.values[7].value",
        ("0 到 10", "11"),
    ),
    YamlCase(
        "negative-deduct",
        _set(("data", "values", 3, "value"), -1),
        "data.values[3].value",
        ("不小于 0", "-1"),
    ),
    YamlCase(
        "malformed-number",
        _set(("data", "values", 5, "value"), "12,5"),
        "data.values[5].value",
        ("应为数值", "12,5"),
    ),
    YamlCase(
        "text-number",
        _set(("data", "values", 6, "value"), "abc"),
        "data.values[6].value",
        ("应为数值", "abc"),
    ),
    YamlCase(
        "boolean-value",
        _set(("data", "values", 1, "value"), True),
        "data.values[1].value",
        ("应为数值", "布尔值"),
    ),
    YamlCase(
        "process-above-100",
        _set(("data", "process", "XZ02"), 120),
        "data.process.XZ02",
        ("不大于 100", "120"),
    ),
    YamlCase(
        "process-negative",
        _set(("data", "process", "XZ03"), -5),
        "data.process.XZ03",
        ("不小于 0", "-5"),
    ),
    YamlCase(
        "ballot-unknown-evaluation",
        _set(("data", "ballots", 0, "evaluation"), "nope"),
        "data.ballots[0].evaluation",
        ("nope",),
    ),
    YamlCase(
        "ballot-unknown-group",
        _set(("data", "ballots", 0, "group"), "aliens"),
        "data.ballots[0].group",
        ("aliens",),
    ),
    YamlCase(
        "duplicate-ballot-id",
        _set(("data", "ballots", 1, "ballot"), "di1-0001"),
        "data.ballots[1].ballot",
        ("di1-0001", "重复"),
    ),
    YamlCase(
        "veto-unknown-item",
        _append(("data", "events"), {"assessee": "XZ01", "type": "veto", "item": "外星入侵"}),
        "data.events[17].item",
        ("外星入侵", "effect"),
    ),
    YamlCase(
        "negative-event-points",
        _set(("data", "events", 0, "points"), -2),
        "data.events[0].points",
        ("不小于 0",),
    ),
    YamlCase(
        "unknown-event-type",
        _set(("data", "events", 0, "type"), "reward"),
        "data.events[0].type",
        ("bonus/deduction/veto/downgrade", "reward"),
    ),
    YamlCase(
        "quota-below-grade-without",
        _quota_below_gap,
        "plan.categories[0].grades[2].quota",
        ("quota",),
    ),
    YamlCase(
        "unknown-method",
        _set(("plan", "categories", 0, "sections", 0, "indicators", 0, "method"), "magic"),
        "plan.categories[0].sections[0].indicators[0].method",
        ("magic", "ratio"),
    ),
]


@pytest.mark.parametrize("case", YAML_CASES, ids=[c.id for c in YAML_CASES])
def test_yaml_case(case: YamlCase, tmp_path: Path) -> None:
    raw = base_raw()
    case.mutate(raw)
    path = write_yaml(tmp_path, raw)
    assert_reported(problems_of([path]), f"{path}: {case.where}", *case.says)


def test_yaml_two_errors_both_reported(tmp_path: Path) -> None:
    raw = base_raw()
    raw["data"]["values"][0]["indicator"] = "T99"
    raw["data"]["process"]["XZ02"] = 120
    path = write_yaml(tmp_path, raw)
    problems = problems_of([path])
    assert_reported(problems, f"{path}: data.values[0].indicator", "T99")
    assert_reported(problems, f"{path}: data.process.XZ02", "120")


def test_truncated_yaml(tmp_path: Path) -> None:
    text = BASE.read_text(encoding="utf-8")
    lines = text.splitlines()
    # Cut inside a flow mapping ("- {assessee: XZ01, indic"): the parser hits the end of file.
    number = next(i for i, line in enumerate(lines) if "indicator: T2.1" in line)
    cut = "\n".join(lines[:number]) + "\n" + lines[number][: lines[number].index("indicator") + 5]
    path = tmp_path / "cut.yaml"
    path.write_text(cut, encoding="utf-8")
    problems = problems_of([path])
    assert len(problems) == 1
    assert problems[0].where.startswith(f"{path} 第 ")
    assert "YAML 语法错误" in problems[0].message


def test_json_syntax_error(tmp_path: Path) -> None:
    path = tmp_path / "doc.json"
    path.write_text('{"version": 1,\n "plan": {"code": "x",}\n}', encoding="utf-8")
    problems = problems_of([path])
    assert problems[0].where == f"{path} 第 2 行"
    assert "JSON 语法错误" in problems[0].message


def test_nul_character_is_located(tmp_path: Path) -> None:
    """A NUL (raw or JSON's escape) is refused with its line: PostgreSQL cannot store it."""
    path = tmp_path / "doc.json"
    path.write_text('{"version": 1,\n "plan": {"code": "x\\u0000"}\n}', encoding="utf-8")
    assert_reported(problems_of([path]), f"{path} 第 2 行", "NUL")
    plan, parts = _split(tmp_path)
    values = parts["values"]
    values[1]["indicator"] = "T\x001"
    csv_path = tmp_path / "values.csv"
    csv_path.write_text(values_csv(values), encoding="utf-8")
    assert_reported(problems_of([plan, csv_path]), f"{csv_path} 第 3 行", "NUL")


def test_not_a_mapping(tmp_path: Path) -> None:
    path = tmp_path / "list.yaml"
    path.write_text("- 1\n- 2\n", encoding="utf-8")
    assert_reported(problems_of([path]), str(path), "应为一个映射")


def test_two_files_define_the_plan(tmp_path: Path) -> None:
    first = write_yaml(tmp_path, base_raw(), "a.yaml")
    second = write_yaml(tmp_path, {"plan": base_raw()["plan"]}, "b.yaml")
    assert_reported(problems_of([first, second]), f"{second}: plan", str(first), "只能有一个方案")


# --- Excel cases: a good workbook with one cell corrupted -------------------------------


@functools.cache
def _good_workbook(folder: Path) -> Path:
    path = folder / "good.xlsx"
    write_workbook(read_document([BASE]), path)
    return path


@pytest.fixture(scope="module")
def good_workbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _good_workbook(tmp_path_factory.mktemp("xlsx"))


def corrupt(
    source: Path, target: Path, sheet: str, match: dict[str, Any], header: str, value: Any
) -> int:
    """Copy `source` to `target` with the `header` cell of the first row matching `match`
    set to `value`; returns that row's number."""
    book = openpyxl.load_workbook(source)
    ws = book[sheet]
    headers = {cell.value: cell.column for cell in ws[1]}
    for row in ws.iter_rows(min_row=2):
        if all(row[headers[h] - 1].value == v for h, v in match.items()):
            row[headers[header] - 1].value = value
            book.save(target)
            return row[0].row
    raise LookupError(f"no row {match} in {sheet}")


@dataclass(frozen=True)
class ExcelCase:
    id: str
    sheet: str
    match: dict[str, Any]
    header: str
    value: Any
    says: tuple[str, ...]


EXCEL_CASES = [
    ExcelCase("points-text", "指标", {"指标代码": "T3"}, "分值", "abc", ("应为数值", "abc")),
    ExcelCase(
        "value-comma", "指标值", {"考核对象代码": "XZ01", "指标代码": "T5"}, "值", "12,5", ("12,5",)
    ),
    ExcelCase(
        "value-boolean",
        "指标值",
        {"考核对象代码": "XZ01", "指标代码": "T6"},
        "值",
        True,
        ("布尔值",),
    ),
    ExcelCase(
        "unknown-assessee",
        "指标值",
        {"考核对象代码": "XZ01", "指标代码": "T6"},
        "考核对象代码",
        "XZ99",
        ("XZ99",),
    ),
    ExcelCase("unknown-method", "指标", {"指标代码": "T3"}, "计分方法", "随便打分", ("随便打分",)),
    ExcelCase(
        "unknown-group", "测评票", {"票号": "di1-0001"}, "测评主体代码", "aliens", ("aliens",)
    ),
    ExcelCase("unknown-parent", "指标", {"指标代码": "T2.1"}, "上级指标代码", "T42", ("T42",)),
    ExcelCase(
        "unknown-category",
        "一级指标",
        {"一级指标代码": "process", "类别代码": "township"},
        "类别代码",
        "nowhere",
        ("nowhere",),
    ),
    ExcelCase("bad-tiers", "指标", {"指标代码": "T5"}, "分档", "1.0-1.0;0.9-0.8", ("阈值:比例",)),
    ExcelCase("process-over", "过程考核分", {"考核对象代码": "XZ02"}, "过程考核分", 120, ("120",)),
    ExcelCase(
        "grade-quota-text",
        "等次",
        {"类别代码": "township", "等次": "好"},
        "比例",
        "十五",
        ("十五",),
    ),
]


@pytest.mark.parametrize("case", EXCEL_CASES, ids=[c.id for c in EXCEL_CASES])
def test_excel_case(case: ExcelCase, good_workbook: Path, tmp_path: Path) -> None:
    target = tmp_path / f"{case.id}.xlsx"
    line = corrupt(good_workbook, target, case.sheet, case.match, case.header, case.value)
    where = f"{target} 工作表「{case.sheet}」第 {line} 行「{case.header}」列"
    assert_reported(problems_of([target]), where, *case.says)


def test_excel_two_errors_both_reported(good_workbook: Path, tmp_path: Path) -> None:
    once = tmp_path / "once.xlsx"
    twice = tmp_path / "twice.xlsx"
    first = corrupt(good_workbook, once, "指标", {"指标代码": "T3"}, "分值", "abc")
    second = corrupt(
        once, twice, "指标值", {"考核对象代码": "XZ01", "指标代码": "T5"}, "值", "12,5"
    )
    problems = problems_of([twice])
    assert_reported(problems, f"{twice} 工作表「指标」第 {first} 行「分值」列", "abc")
    assert_reported(problems, f"{twice} 工作表「指标值」第 {second} 行「值」列", "12,5")


def test_excel_unknown_sheet(good_workbook: Path, tmp_path: Path) -> None:
    book = openpyxl.load_workbook(good_workbook)
    book.create_sheet("奖金")
    target = tmp_path / "sheet.xlsx"
    book.save(target)
    assert_reported(problems_of([target]), f"{target} 工作表「奖金」", "未知工作表", "指标值")


def test_excel_unknown_header(good_workbook: Path, tmp_path: Path) -> None:
    book = openpyxl.load_workbook(good_workbook)
    ws = book["单位"]
    ws.cell(row=1, column=ws.max_column + 1, value="负责人")
    target = tmp_path / "header.xlsx"
    book.save(target)
    assert_reported(
        problems_of([target]), f"{target} 工作表「单位」第 1 行「负责人」列", "未知列", "单位代码"
    )


def test_truncated_xlsx(good_workbook: Path, tmp_path: Path) -> None:
    data = good_workbook.read_bytes()
    target = tmp_path / "cut.xlsx"
    target.write_bytes(data[: len(data) // 2])
    assert_reported(problems_of([target]), str(target), "不是有效的 Excel 工作簿")


def test_text_named_xlsx(tmp_path: Path) -> None:
    target = tmp_path / "fake.xlsx"
    target.write_text("code,name\nXZ01,城关镇\n", encoding="utf-8")
    assert_reported(problems_of([target]), str(target), "不是有效的 Excel 工作簿")


def test_excel_plan_and_yaml_plan(good_workbook: Path, tmp_path: Path) -> None:
    other = write_yaml(tmp_path, {"plan": base_raw()["plan"]}, "plan.yaml")
    assert_reported(problems_of([good_workbook, other]), f"{other}: plan", str(good_workbook))


# --- CSV cases ---------------------------------------------------------------------------


def _split(tmp_path: Path) -> tuple[Path, dict[str, Any]]:
    """The base document without values and ballots (they come as CSV)."""
    raw = base_raw()
    parts = {"values": raw["data"].pop("values"), "ballots": raw["data"].pop("ballots")}
    return write_yaml(tmp_path, raw, "plan.yaml"), parts


def test_csv_unknown_header(tmp_path: Path) -> None:
    plan, _ = _split(tmp_path)
    path = tmp_path / "values.csv"
    path.write_text("assessee,indicator,value,comment\nXZ01,T1,8.6,ok\n", encoding="utf-8")
    assert_reported(
        problems_of([plan, path]),
        f"{path} 第 1 行「comment」列",
        "未知表头",
        "assessee,indicator,value",
    )


def test_csv_unrecognised_header(tmp_path: Path) -> None:
    plan, _ = _split(tmp_path)
    path = tmp_path / "stuff.csv"
    path.write_text("foo,bar\n1,2\n", encoding="utf-8")
    assert_reported(
        problems_of([plan, path]), f"{path} 第 1 行", "无法识别的表头", "evaluation,group,ballot"
    )


def test_csv_values_errors_located(tmp_path: Path) -> None:
    plan, parts = _split(tmp_path)
    values = parts["values"]
    values[3]["value"] = "12,5"  # T3 deduct
    values[0]["indicator"] = "T99"
    path = tmp_path / "values.csv"
    path.write_text(values_csv(values), encoding="utf-8")
    problems = problems_of([plan, path])
    assert_reported(problems, f"{path} 第 5 行「value」列", "12,5")
    assert_reported(problems, f"{path} 第 2 行「indicator」列", "T99")


def test_csv_ballots_unknown_codes_located(tmp_path: Path) -> None:
    plan, parts = _split(tmp_path)
    frame = ballots_frame(parts["ballots"])
    text = ballots_csv(frame).splitlines()
    fields = text[10].split(",")
    fields[1] = "aliens"  # group of the mark on line 11
    text[10] = ",".join(fields)
    fields = text[20].split(",")
    fields[0] = "nope"  # evaluation of the mark on line 21
    text[20] = ",".join(fields)
    path = tmp_path / "ballots.csv"
    path.write_text("\n".join(text) + "\n", encoding="gb18030")  # as a Chinese Excel saves it
    problems = problems_of([plan, path])
    assert_reported(problems, f"{path} 第 11 行「group」列", "aliens")
    assert_reported(problems, f"{path} 第 21 行「evaluation」列", "nope")


def test_csv_ragged_row(tmp_path: Path) -> None:
    plan, _ = _split(tmp_path)
    path = tmp_path / "values.csv"
    path.write_text("assessee,indicator,value\nXZ01,T1\n", encoding="utf-8")
    assert_reported(problems_of([plan, path]), f"{path} 第 2 行", "应有 3 列")


def test_unsupported_and_missing_files(tmp_path: Path) -> None:
    odd = tmp_path / "doc.txt"
    odd.write_text("hello", encoding="utf-8")
    missing = tmp_path / "nothere.yaml"
    problems = problems_of([odd, missing])
    assert_reported(problems, str(odd), "不支持的文件类型")
    assert_reported(problems, str(missing), "文件不存在")


def test_csv_ballots_nul_located(tmp_path: Path) -> None:
    """ballots.csv is read by polars straight from the file: a NUL in a free-text cell (the
    ballot id) must still be an input error with its line, never a database failure."""
    plan, parts = _split(tmp_path)
    text = ballots_csv(ballots_frame(parts["ballots"])).splitlines()
    fields = text[6].split(",")
    fields[2] = fields[2] + "\x00"  # the ballot id of the mark on line 7
    text[6] = ",".join(fields)
    path = tmp_path / "ballots.csv"
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    assert_reported(problems_of([plan, path]), f"{path} 第 7 行「ballot」列", "NUL")


def test_csv_ballots_second_file_located(tmp_path: Path) -> None:
    """Marks in two ballots CSV files: an error in the second is placed by that file's own
    line (the first file is parsed ahead of the others, the second in turn)."""
    plan, parts = _split(tmp_path)
    lines = ballots_csv(ballots_frame(parts["ballots"])).splitlines()
    header, rows = lines[0], lines[1:]
    first, second = tmp_path / "ballots-1.csv", tmp_path / "ballots-2.csv"
    first.write_text("\n".join([header, *rows[:10]]) + "\n", encoding="utf-8")
    fields = rows[11].split(",")
    fields[1] = "aliens"  # line 3 of the second file
    rows[11] = ",".join(fields)
    second.write_text("\n".join([header, *rows[10:]]) + "\n", encoding="utf-8")
    problems = problems_of([plan, first, second])
    assert_reported(problems, f"{second} 第 3 行「group」列", "aliens")
    assert not [p for p in problems if p.where.startswith(str(first))]
