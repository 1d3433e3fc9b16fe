"""Every format carries the whole document: Excel, YAML from a Document, and CSV tables
split off a YAML document all score exactly like the original YAML."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from kaohe.engine import score
from kaohe.workbook.csvio import ballots_csv, ballots_frame, events_csv, values_csv
from kaohe.workbook.export import document_to_raw, write_workbook
from kaohe.workbook.read import read_document, read_raw
from kaohe.workbook.tests.examples import example_paths

EXAMPLES = example_paths()


def _results(paths: list[Path]) -> dict[str, Any]:
    return score(read_document(paths)).to_dict()


@pytest.fixture(scope="module", params=EXAMPLES, ids=[p.stem for p in EXAMPLES])
def example(request: pytest.FixtureRequest) -> tuple[Path, dict[str, Any]]:
    path: Path = request.param
    return path, _results([path])


def test_excel_round_trip(example: tuple[Path, dict[str, Any]], tmp_path: Path) -> None:
    path, expected = example
    document = read_document([path])
    workbook = tmp_path / "plan.xlsx"
    write_workbook(document, workbook)
    again = read_document([workbook])
    assert again.marks.equals(document.marks)
    assert again.values == document.values
    assert score(again).to_dict() == expected


def test_document_to_raw_yaml_round_trip(
    example: tuple[Path, dict[str, Any]], tmp_path: Path
) -> None:
    path, expected = example
    document = read_document([path])
    raw = document_to_raw(document)
    assert "ballots" in raw["data"]  # small examples go back to YAML ballots
    out = tmp_path / "again.yaml"
    out.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    again = read_document([out])
    assert again.marks.equals(document.marks)
    assert score(again).to_dict() == expected


def test_document_to_raw_frame_round_trip(example: tuple[Path, dict[str, Any]]) -> None:
    from kaohe.workbook.build import build_document

    path, expected = example
    raw = document_to_raw(read_document([path]), marks="frame")
    assert "ballots" not in raw["data"]
    assert raw["data"]["ballot_marks"]["_row"].to_list() == list(
        range(raw["data"]["ballot_marks"].height)
    )
    assert score(build_document(raw)).to_dict() == expected


def test_csv_split_round_trip(example: tuple[Path, dict[str, Any]], tmp_path: Path) -> None:
    path, expected = example
    raw, _ = read_raw([path])
    data = raw["data"]
    (tmp_path / "values.csv").write_text(values_csv(data.pop("values")), encoding="utf-8")
    (tmp_path / "events.csv").write_text(events_csv(data.pop("events")), encoding="utf-8")
    frame = ballots_frame(data.pop("ballots"))
    # Two ballot files, to check that `_row` runs on across files.
    half = frame.height // 2
    (tmp_path / "ballots-1.csv").write_text(ballots_csv(frame.head(half)), encoding="utf-8")
    (tmp_path / "ballots-2.csv").write_text(
        ballots_csv(frame.tail(frame.height - half)), encoding="utf-8"
    )
    (tmp_path / "plan.yaml").write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    names = ["plan.yaml", "values.csv", "events.csv", "ballots-1.csv", "ballots-2.csv"]
    paths = [tmp_path / name for name in names]
    merged, locate = read_raw(paths)
    marks = merged["data"]["ballot_marks"]
    assert marks["_row"].to_list() == list(range(frame.height))
    assert locate(("data", "ballot_marks", half, "option")) == f"{paths[4]} 第 2 行「option」列"
    assert (
        locate(("data", "ballot_marks", half - 1, "group"))
        == f"{paths[3]} 第 {half + 1} 行「group」列"
    )
    assert locate(("data", "values", 0, "value")) == f"{paths[1]} 第 2 行「value」列"
    assert _results(paths) == expected


def test_excel_plan_with_csv_data(example: tuple[Path, dict[str, Any]], tmp_path: Path) -> None:
    """A plan workbook without data plus the year's data as CSV (the usual office set-up)."""
    path, expected = example
    document = read_document([path])
    raw = document_to_raw(document, marks="frame")
    data = raw.pop("data")
    marks = data.pop("ballot_marks")
    from kaohe.workbook.excel import write_raw_workbook

    write_raw_workbook(
        {**raw, "data": {"scale": data["scale"], "process": data["process"]}}, tmp_path / "p.xlsx"
    )
    (tmp_path / "values.csv").write_text(values_csv(data["values"]), encoding="utf-8")
    (tmp_path / "events.csv").write_text(events_csv(data["events"]), encoding="utf-8")
    (tmp_path / "ballots.csv").write_text(ballots_csv(marks), encoding="utf-8")
    names = ["p.xlsx", "values.csv", "events.csv", "ballots.csv"]
    assert _results([tmp_path / n for n in names]) == expected
