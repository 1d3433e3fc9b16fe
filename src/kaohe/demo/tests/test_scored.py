"""The demo county built and scored end to end: every planted feature shows in the results."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from kaohe.demo import demo_summary
from kaohe.demo.generate import DemoPlan, generate
from kaohe.engine import Results, score
from kaohe.workbook.build import build_document


@pytest.fixture(scope="module")
def scored() -> dict[str, tuple[DemoPlan, Results, dict[str, Any]]]:
    _county, plans = generate()
    out = {}
    for plan in plans:
        results = score(build_document(plan.raw))  # raises InputError on any problem
        out[plan.raw["plan"]["code"]] = (plan, results, results.to_dict())
    return out


def _by_code(results: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {a["code"]: a for a in results["assessees"]}


def _last_grade(plan: DemoPlan, category: str) -> str:
    grades = next(c["grades"] for c in plan.raw["plan"]["categories"] if c["code"] == category)
    return grades[-1]["name"]


def test_every_plan_scores_every_assessee(scored: dict[str, Any]) -> None:
    for plan, _results, data in scored.values():
        kind = plan.raw["plan"]["assessees"]  # "units" or "people": the organisation's list
        expected = {row["code"] for row in plan.raw["organization"][kind] if row.get("category")}
        assert {a["code"] for a in data["assessees"]} == expected


def test_veto_lowest_is_graded_last(scored: dict[str, Any]) -> None:
    for code, item in (("2025-units", "党风廉政"), ("2025-villages", "违纪违法")):
        plan, _results, data = scored[code]
        vetoed = _by_code(data)[str(plan.planted["vetoed"])]
        assert vetoed["vetoes"] == [{"item": item, "effect": "lowest"}]
        assert vetoed["grade"] == _last_grade(plan, vetoed["category"])
        assert vetoed["rank"] < vetoed["rank_of"]  # graded last though not ranked last


def test_downgrade_moves_one_grade_down(scored: dict[str, Any]) -> None:
    plan, results, data = scored["2025-units"]
    code = str(plan.planted["downgraded"])
    assert _by_code(data)[code]["downgrades"] == 1
    explained = results.assessee(code).explain()
    grades = ["优秀", "良好", "一般", "较差"]
    before, after = explained["grade_before_downgrade"], explained["grade"]
    assert grades.index(after) == grades.index(before) + 1


def test_one_indicator_separates_nobody(scored: dict[str, Any]) -> None:
    _plan, _results, data = scored["2025-units"]
    flagged = {c: v["non_discriminating"] for c, v in data["categories"].items()}
    assert flagged == {
        "township": [], "dept_party": ["Q6"], "dept_law": [], "dept_gov": [],
        "dept_econ": [], "window": [],
    }  # fmt: skip
    q6 = next(i for i in data["indicators"] if i["indicator"] == "Q6")
    assert q6["full_share"] == 1.0 and q6["non_discriminating"] is True


def test_void_ballots_are_counted(scored: dict[str, Any]) -> None:
    for code in scored:
        _plan, _results, data = scored[code]
        void = sum(e["void"] for a in data["assessees"] for e in a["evaluations"].values())
        assert void > 0, code


def test_worst_vote_names_one_department(scored: dict[str, Any]) -> None:
    plan, _results, data = scored["2025-units"]
    worst = data["worst"]["zc2025"]
    assert [w["assessee"] for w in worst] == [plan.planted["worst"]]
    assert worst[0]["share"] >= 0.1
    named = _by_code(data)[worst[0]["assessee"]]
    assert {"item": "最差部门", "effect": "no_top"} in named["vetoes"]
    assert named["grade"] != "优秀"


def test_integrity_review_lists_units_for_handling(scored: dict[str, Any]) -> None:
    plan, _results, data = scored["2025-units"]
    flagged = {a["code"] for a in data["assessees"] if "integrity_below:60" in a["flags"]}
    assert flagged == set(plan.planted["integrity_below"])
    for code in flagged:
        assert _by_code(data)[code]["evaluations"]["sl2025"]["score"] < 60


def test_cadre_plan_keeps_the_excellent_quota(scored: dict[str, Any]) -> None:
    plan, _results, data = scored["2025-cadres"]
    for category, info in data["categories"].items():
        grades = Counter(a["grade"] for a in data["assessees"] if a["category"] == category)
        assert 1 <= grades["优秀"] <= info["n"] * 0.2
    no_top = _by_code(data)[str(plan.planted["no_top"])]
    assert no_top["rank"] <= 3 and no_top["grade"] != "优秀"  # 取消评先评优资格


def test_village_plan_applies_scale(scored: dict[str, Any]) -> None:
    _plan, _results, data = scored["2025-villages"]
    scales = {a["scale"] for a in data["assessees"]}
    assert scales - {1.0} and min(scales) >= 0.85 and max(scales) <= 1.2
    for a in data["assessees"]:
        assert a["base"] * a["scale"] == pytest.approx(
            a["total"] - a["bonus"] + a["deduction"], abs=0.02
        )


def test_ballots_and_rater_groups(scored: dict[str, Any]) -> None:
    ballots = sum(int(plan.planted["ballots"]) for plan, _r, _d in scored.values())
    assert ballots >= 7500
    _plan, _results, data = scored["2025-units"]
    groups = {
        group
        for a in data["assessees"]
        for group, figures in a["evaluations"].get("mz2025", {}).get("groups", {}).items()
        if figures["score"] is not None
    }
    assert len(groups) >= 3


def test_summary_of_the_scored_year(scored: dict[str, Any]) -> None:
    text = demo_summary([data for _plan, _results, data in scored.values()])
    for title in ("2025年度乡镇和县直部门实绩考核", "2025年度领导干部政绩考核", "一村一状"):
        assert title in text
    for category in ("乡镇", "县直党群部门", "窗口单位", "乡镇党政正职", "村（社区）"):
        assert category in text
    assert "Q6 意识形态工作责任制" in text
    assert "组织处理" in text and "最差部门" in text
    _plan, _results, units = scored["2025-units"]
    leader = units["assessees"][0]
    assert f"{leader['name']} {leader['total']:.2f}" in text
