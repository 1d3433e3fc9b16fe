"""Results out: JSON, CSV and the results workbook."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from kaohe.engine import score
from kaohe.workbook.export import results_csv, results_json, write_results_xlsx
from kaohe.workbook.read import read_document
from kaohe.workbook.tests.examples import example_paths


@pytest.fixture(scope="module")
def results() -> dict[str, Any]:
    path = next(p for p in example_paths() if p.name == "example-1001.yaml")
    return score(read_document([path])).to_dict()


def test_results_json_is_plain_utf8(results: dict[str, Any]) -> None:
    text = results_json(results)
    assert json.loads(text) == results
    assert "县发改局" in text and "\\u" not in text
    assert text.startswith('{\n  "plan"')


def test_results_csv_one_row_per_assessee(results: dict[str, Any]) -> None:
    rows = list(csv.reader(io.StringIO(results_csv(results))))
    header, body = rows[0], rows[1:]
    assert header[:3] == ["代码", "名称", "类别"] and header[-9:] == [
        "基本分", "规模系数", "加分", "扣分", "总分", "排名", "参评数", "等次", "标记"
    ]  # fmt: skip
    assert len(body) == len(results["assessees"])
    first = results["assessees"][0]
    row = dict(zip(header, body[0], strict=True))
    assert row["代码"] == first["code"] and float(row["总分"]) == first["total"]
    assert row["标记"] == ";".join(first["flags"])
    assert float(row["target"]) == first["sections"]["target"]
    named = results_csv(results, section_names={"target": "目标考核"})
    assert "目标考核" in named.splitlines()[0]


def test_results_workbook(results: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "results.xlsx"
    write_results_xlsx(results, path)
    book = openpyxl.load_workbook(path)
    categories = list(results["categories"])
    assert book.sheetnames == [*(f"总分排名（{c}）" for c in categories), "指标区分度", "最差评选"]
    sheet = book[f"总分排名（{categories[0]}）"]
    members = [a for a in results["assessees"] if a["category"] == categories[0]]
    assert sheet.max_row == len(members) + 1
    assert sheet.cell(row=2, column=1).value == members[0]["code"]
    assert book["指标区分度"].max_row == len(results["indicators"]) + 1
    worst = [row for rows in results["worst"].values() for row in rows]
    assert book["最差评选"].max_row == len(worst) + 1


def test_results_json_is_exactly_the_standard_encoders_output() -> None:
    """orjson writes results_json; the bytes must be json.dumps(indent=2)'s (workbook.md)."""
    import json

    from kaohe.demo import demo_documents
    from kaohe.engine import score
    from kaohe.workbook.build import build_document
    from kaohe.workbook.export import results_json

    for raw in demo_documents():
        results = score(build_document(raw)).to_dict()
        assert results_json(results) == json.dumps(results, ensure_ascii=False, indent=2)
    assert results_json({"a": [], "b": {}, "c": None, "d": 0.0001, "e": 1e16}) == json.dumps(
        {"a": [], "b": {}, "c": None, "d": 0.0001, "e": 1e16}, ensure_ascii=False, indent=2
    )
