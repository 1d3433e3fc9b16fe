"""values.csv read columnar (`data.value_rows`) gives what the row-by-row reader gives:
the same values, the same problems at the same lines."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from kaohe.errors import InputError
from kaohe.workbook.build_values import TABLE_ROW
from kaohe.workbook.read import read_document, read_raw

PLAN = {
    "version": 1,
    "organization": {
        "name": "县",
        "units": [{"code": c, "name": c, "category": "c"} for c in ("U1", "U2", "U3")],
    },
    "plan": {
        "code": "p", "name": "p", "year": 2025,
        "categories": [{
            "code": "c", "name": "乡镇",
            "sections": [{"code": "t", "name": "目标", "points": 100, "indicators": [
                {"code": "D", "name": "D", "points": 40, "method": "direct"},
                {"code": "G", "name": "G", "points": 30, "method": "grade",
                 "grades": {"A": 1, "B": 0.8, "1": 0.5}},
                {"code": "K", "name": "K", "points": 30, "method": "deduct", "per": 2},
            ]}],
            "grades": [{"name": "优秀", "quota": 30}, {"name": "一般"}],
        }],
    },
}  # fmt: skip


def _files(tmp_path: Path, body: str) -> list[Path]:
    plan = tmp_path / "plan.yaml"
    plan.write_text(yaml.safe_dump(PLAN, allow_unicode=True), encoding="utf-8")
    values = tmp_path / "values.csv"
    values.write_text("assessee,indicator,value\n" + body, encoding="utf-8")
    return [plan, values]


GOOD = 'U1,D,35.5\nU1,G,"B"\n\nU1,K,1\nU2,D,""\nU2,G,1\nU2,K,n/a\n U3 , D ,40\r\nU3,G,A\n'


def test_columnar_and_row_by_row_agree(tmp_path: Path) -> None:
    files = _files(tmp_path, GOOD)
    raw, _ = read_raw(files)
    assert raw["data"]["values"] == [TABLE_ROW] * 8
    fast = read_document(files).values
    # A quoted separator sends the whole file to the csv module.
    slow_files = _files(tmp_path, GOOD + 'U3,K,"3"\n"U9,x",D,1\n')
    with pytest.raises(InputError) as caught:
        read_document(slow_files)
    raw, _ = read_raw([slow_files[0], slow_files[1]])
    assert TABLE_ROW not in raw["data"]["values"]
    assert [p.where for p in caught.value.problems] == [f"{slow_files[1]} 第 12 行「assessee」列"]
    assert fast == {
        ("U1", "D"): 35.5, ("U1", "G"): "B", ("U1", "K"): 1.0, ("U2", "G"): "1",
        ("U2", "K"): fast[("U2", "K")], ("U3", "D"): 40.0, ("U3", "G"): "A",
    }  # fmt: skip
    assert repr(fast[("U2", "K")]) == "N/A"


def test_columnar_problems_name_file_line_and_column(tmp_path: Path) -> None:
    body = "U1,D,41\nU1,G,C\nU1,K,-1\nU9,D,1\nU2,X,1\nU1,D,2\nU2,D,abc\nU3,D,1,extra\n"
    files = _files(tmp_path, body)
    with pytest.raises(InputError) as caught:
        read_document(files)
    # The ragged row is a reading problem, reported before anything is built.
    assert [(p.where, p.message) for p in caught.value.problems] == [
        (f"{files[1]} 第 9 行", "应有 3 列，实有 4 列")
    ]
    files = _files(tmp_path, body.replace("U3,D,1,extra\n", ""))
    with pytest.raises(InputError) as caught:
        read_document(files)
    got = [(p.where, p.message) for p in caught.value.problems]
    name = files[1]
    assert got == [
        (f"{name} 第 2 行「value」列", "指标 D 直接赋分应在 0 到 40 之间，实为 41"),
        (f"{name} 第 3 行「value」列", "指标 G 的等级应为 1/A/B 之一，实为 “C”"),
        (f"{name} 第 4 行「value」列", "指标 K 的扣分次数应不小于 0，实为 -1"),
        (f"{name} 第 5 行「assessee」列", "考核对象 U9 不存在（或不属于本方案的任何类别）"),
        (f"{name} 第 6 行「indicator」列", "类别 c 中没有指标 X"),
        (
            f"{name} 第 7 行「value」列",
            f"考核对象 U1 的指标 D 重复填报（已在 {name} 第 2 行「value」列）",
        ),
        (f"{name} 第 8 行「value」列", "指标 D 的值应为数值（或 N/A），实为 “abc”"),
    ]
