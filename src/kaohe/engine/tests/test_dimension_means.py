"""Per-dimension means of a `dimensions`-form evaluation, in the explanation only (radar)."""

from __future__ import annotations

from typing import Any

from kaohe.engine.tests.util import raw, run

OPTIONS = {"优秀": 100, "称职": 80, "基本称职": 60}


def _document(ballots: list[tuple[str, str, dict[str, dict[str, str]]]]) -> dict[str, Any]:
    evaluation = {
        "code": "e",
        "name": "德能勤绩廉测评",
        "form": "dimensions",
        "options": OPTIONS,
        "dimensions": {"德": 1, "能": 3},
        "groups": [
            {"code": "g", "name": "干部职工", "weight": 60, "trim": 1},
            {"code": "h", "name": "服务对象", "weight": 40},
        ],
    }
    return raw(
        units=3,
        sections=[{"code": "d", "name": "民主测评", "points": 100, "evaluation": "e"}],
        evaluations=[evaluation],
        ballots=[
            {"evaluation": "e", "group": group, "ballot": ballot, "marks": marks}
            for group, ballot, marks in ballots
        ],
    )


def test_dimension_means_over_valid_untrimmed_marks_of_every_group() -> None:
    # U1's valid marks (B5 leaves 能 out: void, not counted):
    #   德: 优秀 100, 称职 80, 优秀 100 (g) + 基本称职 60, 优秀 100, 称职 80 (h) = 520 / 6
    #   能: 称职 80, 称职 80, 基本称职 60 (g) + 优秀 100, 优秀 100, 基本称职 60 (h) = 480 / 6
    # so 德 86.67 and 能 80: group weights and the trim of g do not apply (a plain mean).
    ballots = [
        ("g", "B1", {"U1": {"德": "优秀", "能": "称职"}, "U2": {"德": "称职", "能": "称职"}}),
        ("g", "B2", {"U1": {"德": "称职", "能": "称职"}}),
        ("g", "B3", {"U1": {"德": "优秀", "能": "基本称职"}}),
        ("h", "B4", {"U1": {"德": "基本称职", "能": "优秀"}}),
        ("g", "B5", {"U1": {"德": "优秀"}}),
        ("h", "B6", {"U1": {"德": "优秀", "能": "优秀"}}),
        ("h", "B7", {"U1": {"德": "称职", "能": "基本称职"}}),
    ]
    results = run(_document(ballots))
    u1 = results.assessee("U1").explain()["evaluations"]["e"]
    assert (u1["valid"], u1["void"]) == (6, 1)
    assert u1["dimensions"] == {"德": 86.67, "能": 80.0}
    # U2: one valid mark, 称职 on both.
    assert results.assessee("U2").explain()["evaluations"]["e"]["dimensions"] == {
        "德": 80.0,
        "能": 80.0,
    }
    # U3 has no marks: no mean, rather than a misleading 0.
    assert results.assessee("U3").explain()["evaluations"]["e"]["dimensions"] == {
        "德": None,
        "能": None,
    }
    # The results JSON keeps its contract keys (workbook.md): no dimensions there.
    assert "dimensions" not in results.to_dict()["assessees"][0]["evaluations"]["e"]


def test_dimension_means_do_not_depend_on_the_order_of_the_marks() -> None:
    ballots = [
        ("g", f"B{i}", {"U1": {"德": label, "能": other}})
        for i, (label, other) in enumerate(
            [("优秀", "称职"), ("基本称职", "优秀"), ("称职", "称职"), ("优秀", "基本称职")]
        )
    ]
    forward = run(_document(ballots)).assessee("U1").explain()["evaluations"]["e"]
    backward = run(_document(ballots[::-1])).assessee("U1").explain()["evaluations"]["e"]
    assert forward["dimensions"] == backward["dimensions"] == {"德": 85.0, "能": 80.0}


def test_other_forms_have_no_dimensions_entry() -> None:
    document = _document([("g", "B1", {"U1": {"德": "优秀", "能": "称职"}})])
    evaluation = document["evaluations"][0]
    evaluation["form"] = "grade"
    del evaluation["dimensions"]
    document["data"]["ballots"] = [
        {"evaluation": "e", "group": "g", "ballot": "B1", "marks": {"U1": "优秀"}}
    ]
    explained = run(document).assessee("U1").explain()["evaluations"]["e"]
    assert "dimensions" not in explained and explained["score"] == 100.0
