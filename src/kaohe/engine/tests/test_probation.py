"""试用期满测评 (kind probation, docs/evaluation-kinds.md): figures computed by hand.

The pass rule pools the valid marks of every group (unweighted, untrimmed):
``passed = (优秀 + 称职) / valid >= pass_share`` (default 2/3); E follows scoring.md §4.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from kaohe.engine import score
from kaohe.engine.tests.test_rules import ballot, evaluation_doc
from kaohe.engine.tests.util import by_code, run
from kaohe.errors import InputError
from kaohe.workbook.build import build_document
from kaohe.workbook.export import document_to_raw, write_workbook
from kaohe.workbook.read import read_document

TWO_GROUPS = {
    "kind": "probation",
    "groups": [
        {"code": "g", "name": "领导", "weight": 1},
        {"code": "h", "name": "群众", "weight": 3},
    ],
}


def _two_group_doc() -> dict[str, Any]:
    ballots = [
        # U1: g 优秀 称职 基本称职; h 称职 ×3 不称职.  U2: g 不称职 基本称职; h 称职 优秀.
        ballot(1, {"U1": "优秀", "U2": "不称职"}, "g"),
        ballot(2, {"U1": "称职", "U2": "基本称职"}, "g"),
        ballot(3, {"U1": "基本称职"}, "g"),
        ballot(4, {"U1": "称职", "U2": "称职"}, "h"),
        ballot(5, {"U1": "称职", "U2": "优秀"}, "h"),
        ballot(6, {"U1": "称职"}, "h"),
        ballot(7, {"U1": "不称职"}, "h"),
    ]
    return evaluation_doc(TWO_GROUPS, ballots, units=3)


def test_pass_rule_pools_groups_unweighted() -> None:
    results = by_code(run(_two_group_doc()))
    u1 = results["U1"]["evaluations"]["e"]
    # G_g = (100 + 80 + 60) / 3 = 80, G_h = (80·3 + 0) / 4 = 60, E = (1·80 + 3·60) / 4 = 65.
    assert u1["score"] == 65.0
    # Pooled: 优秀 1, 称职 1 + 3 = 4, valid 7: 5/7 = 0.7143 ≥ 2/3 → passed.
    assert (u1["excellent"], u1["competent"], u1["valid"]) == (1, 4, 7)
    assert (u1["satisfaction_rate"], u1["top_rate"]) == (0.7143, 0.1429)
    assert (u1["pass_share"], u1["passed"]) == (0.6667, True)
    assert not any(f.startswith("probation_failed") for f in results["U1"]["flags"])

    u2 = results["U2"]["evaluations"]["e"]
    # G_g = (0 + 60) / 2 = 30, G_h = (80 + 100) / 2 = 90, E = (30 + 270) / 4 = 75: a good E,
    # but only 2 of 4 votes are 称职以上 (0.5 < 2/3): failed. Weights shape E, not the vote.
    assert u2["score"] == 75.0
    assert (u2["excellent"], u2["competent"], u2["valid"], u2["passed"]) == (1, 1, 4, False)
    assert "probation_failed:e" in results["U2"]["flags"]

    # U3 has no ballot: E = 0, no votes, not passed, flagged with the §4 flags as well.
    u3 = results["U3"]["evaluations"]["e"]
    assert (u3["score"], u3["excellent"], u3["competent"], u3["passed"]) == (0.0, 0, 0, False)
    assert u3["satisfaction_rate"] is None
    assert {"probation_failed:e", "no_ballots:e", "missing_group:e:g"} <= set(
        results["U3"]["flags"]
    )


def test_the_verdict_does_not_change_grades_or_totals() -> None:
    results = by_code(run(_two_group_doc()))
    assert results["U2"]["total"] == 75.0 and results["U2"]["rank"] == 1
    assert results["U1"]["total"] == 65.0 and results["U1"]["rank"] == 2


@pytest.mark.parametrize(
    ("share", "votes", "passed"),
    [
        (None, ["优秀", "称职", "不称职"], True),  # 2/3 exactly passes the default 2/3
        (None, ["优秀", "基本称职", "不称职"], False),  # 1/3
        (0.6667, ["优秀", "称职", "不称职"], False),  # as written: 0.6667 > 2/3
        (0.5, ["称职", "不称职"], True),  # 1/2 ≥ 0.5
        (1, ["优秀", "称职", "称职"], True),  # unanimous
        (1, ["优秀", "称职", "基本称职"], False),
    ],
)
def test_pass_share_boundaries(share: float | None, votes: list[str], passed: bool) -> None:
    evaluation: dict[str, Any] = {"kind": "probation", "groups": [{"code": "g", "name": "g"}]}
    if share is not None:
        evaluation["pass_share"] = share
    ballots = [ballot(i, {"U1": label}) for i, label in enumerate(votes)]
    result = by_code(run(evaluation_doc(evaluation, ballots, units=1)))["U1"]
    assert result["evaluations"]["e"]["passed"] is passed
    assert ("probation_failed:e" in result["flags"]) is not passed
    expected_share = 0.6667 if share is None else share
    assert result["evaluations"]["e"]["pass_share"] == expected_share


def test_void_ballots_do_not_vote() -> None:
    # max_top_share 0.5 on 3 marks: limit max(1, floor(1.5)) = 1; ballot 1 gives 3 优秀: void.
    evaluation = {
        "kind": "probation",
        "max_top_share": 0.5,
        "groups": [{"code": "g", "name": "g"}],
    }
    ballots = [
        ballot(1, {"U1": "优秀", "U2": "优秀", "U3": "优秀"}),
        ballot(2, {"U1": "称职", "U2": "不称职", "U3": "未知"}),  # 未知: a void mark
    ]
    results = by_code(run(evaluation_doc(evaluation, ballots, units=3)))
    u1, u2, u3 = (results[c]["evaluations"]["e"] for c in ("U1", "U2", "U3"))
    assert (u1["valid"], u1["void"], u1["excellent"], u1["competent"], u1["passed"]) == (
        1, 1, 0, 1, True,
    )  # fmt: skip
    assert (u2["valid"], u2["void"], u2["passed"]) == (1, 1, False)
    assert (u3["valid"], u3["void"], u3["passed"]) == (0, 2, False)


def test_custom_labels_and_explanation() -> None:
    # 称职以上 = 好 and 较好; 优秀 votes are the top label 好.
    evaluation = {
        "kind": "probation",
        "options": {"好": 100, "较好": 85, "一般": 70, "差": 0},
        "satisfied": ["好", "较好"],
        "pass_share": 0.75,
        "groups": [{"code": "g", "name": "g"}],
    }
    labels = ["好", "较好", "较好", "一般"]
    ballots = [ballot(i, {"U1": label}) for i, label in enumerate(labels)]
    results = run(evaluation_doc(evaluation, ballots, units=1))
    entry = results.to_dict()["assessees"][0]["evaluations"]["e"]
    # 3/4 = 0.75 ≥ 0.75; E = (100 + 85 + 85 + 70) / 4 = 85.
    assert (entry["score"], entry["excellent"], entry["competent"], entry["passed"]) == (
        85.0, 1, 2, True,
    )  # fmt: skip
    explained = results.assessees[0].explain()["evaluations"]["e"]["probation"]
    assert explained["rate"] == 0.75 and explained["pass_share"] == 0.75
    assert explained["rule"] == "passed = (excellent + competent) / valid >= pass_share"


def test_other_kinds_gain_no_keys() -> None:
    evaluation = {
        "options": {"优秀": 100, "称职": 80},
        "satisfied": ["优秀", "称职"],
        "groups": [{"code": "g", "name": "g"}],
    }
    entry = by_code(run(evaluation_doc(evaluation, [ballot(1, {"U1": "优秀"})], units=1)))
    assert set(entry["U1"]["evaluations"]["e"]) == {
        "score", "valid", "void", "groups", "top_rate", "satisfaction_rate",
    }  # fmt: skip


def _problems(evaluation: dict[str, Any]) -> list[tuple[str, str]]:
    with pytest.raises(InputError) as caught:
        build_document(evaluation_doc(evaluation, [], units=1))
    return [(p.where, p.message) for p in caught.value.problems]


def test_builder_defaults() -> None:
    document = build_document(
        evaluation_doc({"kind": "probation", "groups": [{"code": "g", "name": "g"}]}, [], 1)
    )
    evaluation = document.evaluation("e")
    assert dict(evaluation.options) == {"优秀": 100, "称职": 80, "基本称职": 60, "不称职": 0}
    assert evaluation.satisfied == ("优秀", "称职") and evaluation.pass_share is None


@pytest.mark.parametrize(
    ("change", "where", "message"),
    [
        ({"pass_share": 0}, "evaluations[0].pass_share", "通过比例 pass_share 应大于 0"),
        ({"pass_share": 1.5}, "evaluations[0].pass_share", "通过比例 pass_share 应不大于 1"),
        ({"pass_share": "三分之二"}, "evaluations[0].pass_share", "应为数值"),
        ({"form": "score"}, "evaluations[0].form", "试用期满测评（probation）应为 grade 形式"),
        (
            {"options": {"优秀": 100, "称职": 80}, "satisfied": ["称职"]},
            "evaluations[0].satisfied",
            "satisfied 应包含最高选项 优秀",
        ),
        (
            {"options": {"优秀": 100, "称职": 80}},
            "evaluations[0].satisfied",
            "需要 satisfied（称职以上的选项）",
        ),
        (
            {"kind": "standard", "options": {"优秀": 100}, "pass_share": 0.5},
            "evaluations[0].pass_share",
            "pass_share（通过比例）只用于试用期满测评（probation）",
        ),
    ],
)
def test_builder_problems(change: dict[str, Any], where: str, message: str) -> None:
    evaluation = {"kind": "probation", "groups": [{"code": "g", "name": "g"}], **change}
    found = _problems(evaluation)
    assert any(w == where and message in m for w, m in found), found


def test_probation_round_trips_through_excel_and_yaml(tmp_path: Path) -> None:
    raw = _two_group_doc()
    raw["evaluations"][0]["pass_share"] = 0.7
    document = build_document(raw)
    expected = score(document).to_dict()
    assert expected["assessees"][0]["evaluations"]["e"]["pass_share"] == 0.7
    workbook = tmp_path / "plan.xlsx"
    write_workbook(document, workbook)
    assert score(read_document([workbook])).to_dict() == expected
    out = tmp_path / "again.yaml"
    text = yaml.safe_dump(document_to_raw(document), allow_unicode=True, sort_keys=False)
    out.write_text(text, encoding="utf-8")
    assert "pass_share: 0.7" in text and "kind: probation" in text
    assert score(read_document([out])).to_dict() == expected
