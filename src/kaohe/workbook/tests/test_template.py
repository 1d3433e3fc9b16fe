"""The Excel template: every sheet and header, explanations, validations, and a filled-in
template reads back like any workbook."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from kaohe.engine import score
from kaohe.errors import InputError
from kaohe.workbook.fmt_sheets import README_SHEET, SHEETS
from kaohe.workbook.read import read_document, read_raw
from kaohe.workbook.template import write_template


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "模板.xlsx"
    write_template(path)
    return path


def _validations(
    sheet: openpyxl.worksheet.worksheet.Worksheet,
) -> dict[str, tuple[str, str | None]]:
    """Column letter -> (validation type, list formula)."""
    found = {}
    for validation in sheet.data_validations.dataValidation:
        for cell_range in validation.sqref.ranges:
            letter = cell_range.coord.split(":")[0].rstrip("0123456789")
            found[letter] = (validation.type, validation.formula1)
    return found


def test_every_sheet_header_and_comment(template: Path) -> None:
    book = openpyxl.load_workbook(template)
    assert book.sheetnames == [README_SHEET, *(s.name for s in SHEETS)]
    for spec in SHEETS:
        sheet = book[spec.name]
        headers = [cell.value for cell in sheet[1]]
        assert headers == [c.header for c in spec.columns], spec.name
        for cell, column in zip(sheet[1], spec.columns, strict=True):
            assert cell.comment is not None and column.note in cell.comment.text
        assert sheet.max_row >= 2, f"{spec.name} has no example row"


def test_list_and_number_validations(template: Path) -> None:
    book = openpyxl.load_workbook(template)
    indicators = _validations(book["指标"])
    method = indicators["G"]  # 计分方法
    assert method[0] == "list" and "完成率计分" in method[1] and "排名赋分" in method[1]
    assert indicators["J"][0] == "list" and "越低越好" in indicators["J"][1]  # 方向
    assert indicators["F"][0] == "decimal"  # 分值
    assert _validations(book["等次"])["C"] == ("decimal", "0")  # 比例 0–100
    evaluations = _validations(book["测评"])
    assert "评选最差" in evaluations["C"][1] and "分维度" in evaluations["D"][1]
    events = _validations(book["加扣分与否决"])
    assert "一票否决" in events["B"][1] and "不得评为最高等次" in events["E"][1]
    assert events["C"][0] == "decimal"
    assert _validations(book["否决事项"])["B"][0] == "list"
    assert _validations(book["一级指标"])["D"][0] == "decimal"


def test_template_example_reads_and_scores(template: Path) -> None:
    document = read_document([template])
    results = score(document).to_dict()
    (only,) = results["assessees"]
    assert only["code"] == "XZ01" and only["scale"] == 1.05 and only["bonus"] == 2.0
    assert [i.code for i in document.plan.categories[0].sections[0].indicators[0].children] == [
        "T1.1",
        "T1.2",
    ]


def test_filled_template_reads_back(template: Path, tmp_path: Path) -> None:
    book = openpyxl.load_workbook(template)
    book["单位"].append(["XZ02", "河口镇", "township", None])
    book["指标值"].append(["XZ02", "T1.1", 88])
    book["指标值"].append(["XZ02", "T1.2", "N/A"])
    book["指标值"].append(["XZ02", "T2", "A"])
    book["过程考核分"].append(["XZ02", 80])
    book["测评票"].append(["mz2025", "staff", "S0001", "XZ02", "称职"])
    book["加扣分与否决"].append(["XZ02", "扣分", 1.5, None, None, "被通报批评"])
    filled = tmp_path / "filled.xlsx"
    book.save(filled)
    raw, locate = read_raw([filled])
    assert raw["data"]["events"][-1] == {
        "assessee": "XZ02", "type": "deduction", "points": 1.5, "reason": "被通报批评"
    }  # fmt: skip
    assert raw["data"]["values"][-2]["value"] == "N/A"
    assert locate(("data", "values", 4, "value")) == f"{filled} 工作表「指标值」第 6 行「值」列"
    results = score(read_document([filled])).to_dict()
    second = next(a for a in results["assessees"] if a["code"] == "XZ02")
    assert second["deduction"] == 1.5 and "exempt:T1.2" in second["flags"]
    assert results["categories"]["township"]["n"] == 2


def test_filled_template_with_a_mistake(template: Path, tmp_path: Path) -> None:
    book = openpyxl.load_workbook(template)
    book["指标值"].append(["XZ01", "T9", 88])  # row 5: no such indicator
    filled = tmp_path / "wrong.xlsx"
    book.save(filled)
    with pytest.raises(InputError) as caught:
        read_document([filled])
    (problem,) = caught.value.problems
    assert problem.where == f"{filled} 工作表「指标值」第 5 行「指标代码」列"
    assert "T9" in problem.message
