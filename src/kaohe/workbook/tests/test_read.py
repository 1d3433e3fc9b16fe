"""Readers: merging files, locating paths, Excel cell conventions, ballots CSV at scale."""

from __future__ import annotations

import time
from pathlib import Path

import polars as pl
import pytest
import yaml

from kaohe.errors import InputError
from kaohe.workbook.csvio import ballots_csv
from kaohe.workbook.excel import write_raw_workbook
from kaohe.workbook.fmt_cells import CellFormatError, parse_pairs, parse_tiers
from kaohe.workbook.read import read_raw
from kaohe.workbook.template import EXAMPLE


def test_yaml_locations_keep_each_files_own_index(tmp_path: Path) -> None:
    first = tmp_path / "a.yaml"
    second = tmp_path / "b.yaml"
    first.write_text(
        yaml.safe_dump({"data": {"values": [{"assessee": "A"}] * 3}}), encoding="utf-8"
    )
    second.write_text(
        yaml.safe_dump({"data": {"values": [{"assessee": "B"}] * 2}}), encoding="utf-8"
    )
    raw, locate = read_raw([first, second])
    assert [v["assessee"] for v in raw["data"]["values"]] == ["A", "A", "A", "B", "B"]
    assert locate(("data", "values", 1, "value")) == f"{first}: data.values[1].value"
    assert locate(("data", "values", 4, "value")) == f"{second}: data.values[1].value"
    assert locate(("plan", "code")) == "plan.code"  # nobody defined it


def test_same_assessee_scale_in_two_files_is_an_error(tmp_path: Path) -> None:
    first = tmp_path / "a.yaml"
    second = tmp_path / "b.json"
    first.write_text("data: {scale: {XZ01: 1.1}}\n", encoding="utf-8")
    second.write_text('{"data": {"scale": {"XZ01": 1.2, "XZ02": 0.9}}}', encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_raw([first, second])
    (problem,) = caught.value.problems
    assert problem.where == f"{second}: data.scale.XZ01"


def test_excel_cells_numbers_labels_and_codes(tmp_path: Path) -> None:
    path = tmp_path / "plan.xlsx"
    write_raw_workbook(EXAMPLE, path)
    raw, locate = read_raw([path])
    plan = raw["plan"]
    category = plan["categories"][0]
    tiered = category["sections"][0]["indicators"][0]["indicators"][1]
    assert tiered["method"] == "tiered" and tiered["tiers"] == [[1, 1], [0.9, 0.8], [0.8, 0.6]]
    assert isinstance(category["sections"][0]["points"], int)
    assert raw["evaluations"][0]["options"] == {
        "优秀": 100,
        "称职": 80,
        "基本称职": 60,
        "不称职": 0,
    }
    assert raw["organization"]["people"][0]["role"] == "cadre"
    assert raw["data"]["values"][2]["value"] == "B"
    marks = raw["data"]["ballot_marks"]
    assert marks.schema == pl.Schema(
        {**dict.fromkeys(marks.columns[:5], pl.Utf8), "_row": pl.Int64}
    )
    where = locate(
        ("plan", "categories", 0, "sections", 0, "indicators", 0, "indicators", 1, "tiers", 0, 1)
    )
    assert where == f"{path} 工作表「指标」第 4 行「分档」列"
    assert (
        locate(("plan", "categories", 0, "grades", 2, "quota"))
        == f"{path} 工作表「等次」第 4 行「比例」列"
    )
    assert locate(("data", "scale", "XZ01")) == f"{path} 工作表「规模系数」第 2 行「规模系数」列"
    assert locate(("organization", "name")) == f"{path} 工作表「方案」第 2 行「组织名称」列"


def test_compound_cells() -> None:
    assert parse_pairs("德=15；能=20") == {"德": 15, "能": 20}
    assert parse_tiers("1:1; 0.9:0.8") == [[1, 1], [0.9, 0.8]]
    with pytest.raises(CellFormatError, match="标签=数值"):
        parse_pairs("优秀100")
    with pytest.raises(CellFormatError, match="重复"):
        parse_pairs("A=1;A=2")


def test_ballots_csv_large_is_vectorised(tmp_path: Path) -> None:
    """500 000 marks in two files: read without a per-row Python loop (a few seconds at most
    on a shared 2-core machine) and numbered globally."""
    n = 250_000
    frame = pl.DataFrame(
        {
            "evaluation": ["mz"] * n,
            "group": ["staff"] * n,
            "ballot": [f"B{i // 10}" for i in range(n)],
            "assessee": [f"XZ{i % 10:02d}" for i in range(n)],
            "option": ["优秀"] * n,
        }
    )
    first, second = tmp_path / "b1.csv", tmp_path / "b2.csv"
    first.write_text(ballots_csv(frame), encoding="utf-8")
    second.write_text(ballots_csv(frame), encoding="utf-8")
    started = time.perf_counter()
    raw, locate = read_raw([first, second])
    elapsed = time.perf_counter() - started
    marks = raw["data"]["ballot_marks"]
    assert marks.height == 2 * n
    assert marks["_row"][n] == n
    assert locate(("data", "ballot_marks", n + 7, "assessee")) == f"{second} 第 9 行「assessee」列"
    assert elapsed < 10


def test_values_csv_quotes_and_blank_lines(tmp_path: Path) -> None:
    """The columnar values reader: whole-quoted cells unquoted and trimmed, blank lines
    skipped, each row located on its own line; a quote inside a cell leaves the file to the
    csv module, row by row, with the same values."""
    path = tmp_path / "values.csv"
    lines = ["assessee,indicator,value", 'U1,R,"90"', " , ,", ",,", 'U1,"G"," A "', "U2,D,5"]
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    raw, locate = read_raw([path])
    assert raw["data"]["value_rows"].rows() == [
        ("U1", "R", "90", 0),
        ("U1", "G", "A", 1),
        ("U2", "D", "5", 2),
    ]
    assert [locate(("data", "values", i, "value")) for i in (1, 2)] == [
        f"{path} 第 5 行「value」列",
        f"{path} 第 6 行「value」列",
    ]
    path.write_text("\n".join([*lines, 'U3,R,"9""0"']) + "\n", encoding="utf-8")
    raw, _ = read_raw([path])
    assert "value_rows" not in raw["data"]
    assert [item.get("value") for item in raw["data"]["values"]] == [90, "A", 5, '9"0']
