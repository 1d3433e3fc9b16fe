"""The demo county's documents, checked without the engine: shape, realism, determinism."""

from __future__ import annotations

import re
import time
from collections import Counter
from typing import Any

import polars as pl
import pytest

from kaohe.demo import demo_documents
from kaohe.demo.ballots import top_allowed
from kaohe.demo.common import leaves
from kaohe.demo.generate import generate
from kaohe.demo.plan_villages import scale_for
from kaohe.engine.model import MARK_COLUMNS

METHODS = {"ratio", "tiered", "grade", "direct", "deduct", "rank"}
CHINESE_NAME = re.compile(r"^[\u4e00-\u9fff]{2,3}$")


@pytest.fixture(scope="module")
def documents() -> list[dict[str, Any]]:
    return demo_documents()


def _by_code(documents: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {doc["plan"]["code"]: doc for doc in documents}


def _without_marks(doc: dict[str, Any]) -> dict[str, Any]:
    data = {k: v for k, v in doc["data"].items() if k != "ballot_marks"}
    return {**doc, "data": data}


def test_same_seed_same_documents(documents: list[dict[str, Any]]) -> None:
    again = demo_documents(2025)
    assert [_without_marks(d) for d in again] == [_without_marks(d) for d in documents]
    for first, second in zip(documents, again, strict=True):
        assert first["data"]["ballot_marks"].equals(second["data"]["ballot_marks"])


def test_other_seed_other_year(documents: list[dict[str, Any]]) -> None:
    other = demo_documents(7)
    assert [_without_marks(d) for d in other] != [_without_marks(d) for d in documents]
    # Structure does not depend on the seed: same plans, same categories.
    assert [d["plan"] for d in other] == [d["plan"] for d in documents]


def test_generation_is_fast() -> None:
    start = time.perf_counter()
    demo_documents(11)
    assert time.perf_counter() - start < 2.0


def test_three_plans_share_one_organisation(documents: list[dict[str, Any]]) -> None:
    assert [d["plan"]["code"] for d in documents] == ["2025-units", "2025-cadres", "2025-villages"]
    trees = []
    for doc in documents:
        org = doc["organization"]
        units = [(u["code"], u["name"], u.get("parent")) for u in org["units"]]
        people = [(p["code"], p["name"], p["unit"], p["position"]) for p in org["people"]]
        trees.append((org["name"], units, people))
    assert trees[0] == trees[1] == trees[2]


def test_county_looks_like_a_county(documents: list[dict[str, Any]]) -> None:
    org = documents[0]["organization"]
    units = {u["code"]: u for u in org["units"]}
    categories = Counter(u.get("category") for u in org["units"])
    assert categories["township"] == 10
    for dept in ("dept_party", "dept_law", "dept_gov", "dept_econ"):
        assert categories[dept] == 9
    assert categories["window"] == 6
    names = {u["name"] for u in org["units"]}
    assert {
        "县委组织部",
        "县公安局",
        "县发改局",
        "县商务局",
        "县政务服务中心",
        "县不动产登记中心",
    } <= names
    villages = Counter(u["parent"] for u in org["units"] if u["code"].startswith("CUN"))
    assert len(villages) == 10 and all(4 <= n <= 6 for n in villages.values())
    people = org["people"]
    assert len({p["name"] for p in people}) == len(people)
    assert all(CHINESE_NAME.match(p["name"]) for p in people)
    assert all(p["unit"] in units for p in people)
    positions = Counter(p["position"] for p in people)
    for position in ("党委书记", "镇长", "乡长", "局长", "村党支部书记", "村委会主任"):
        assert any(position in held for held in positions), position


def _check_points(category: dict[str, Any]) -> None:
    assert sum(s["points"] for s in category["sections"]) == pytest.approx(100)
    for section in category["sections"]:
        if "indicators" in section:
            assert sum(i["points"] for i in section["indicators"]) == pytest.approx(
                section["points"]
            )

    def parents(indicators: list[dict[str, Any]]) -> None:
        for indicator in indicators:
            if "indicators" in indicator:
                total = sum(child["points"] for child in indicator["indicators"])
                assert total == pytest.approx(indicator["points"])
                parents(indicator["indicators"])

    for section in category["sections"]:
        parents(section.get("indicators", []))


def test_points_add_up_everywhere(documents: list[dict[str, Any]]) -> None:
    for doc in documents:
        for category in doc["plan"]["categories"]:
            _check_points(category)


def test_units_plan_is_differentiated(documents: list[dict[str, Any]]) -> None:
    plan = _by_code(documents)["2025-units"]["plan"]
    names = [c["name"] for c in plan["categories"]]
    assert names == [
        "乡镇",
        "县直党群部门",
        "县直执法部门",
        "县直政务部门",
        "县直经济部门",
        "窗口单位",
    ]
    nested = 0
    for category in plan["categories"]:
        sections = {s["code"]: s for s in category["sections"]}
        assert [(s["name"], s["points"]) for s in category["sections"]] == [
            ("目标考核", 60), ("日常考核", 20), ("民主评价", 20)]  # fmt: skip
        assert sections["process"]["source"] == "process"
        indicators = sections["target"]["indicators"]
        nested += sum("indicators" in i for i in indicators)
        assert {leaf["method"] for leaf in leaves(indicators)} == METHODS, category["code"]
        assessor = "县委办" if category["code"] == "dept_party" else "政府办"
        assert {leaf["assessor"] for leaf in leaves(indicators)} == {assessor}
        assert [g["name"] for g in category["grades"]] == ["优秀", "良好", "一般", "较差"]
    assert nested >= 1
    # Each category's target indicators differ from every other category's.
    codes = [
        frozenset(leaf["code"] for leaf in leaves(c["sections"][0]["indicators"]))
        for c in plan["categories"]
    ]
    assert len(set(codes)) == len(codes)


def test_units_plan_data(documents: list[dict[str, Any]]) -> None:
    doc = _by_code(documents)["2025-units"]
    data = doc["data"]
    assessees = {u["code"] for u in doc["organization"]["units"] if u.get("category")}
    assert set(data["process"]) == assessees
    assert all(0 <= p <= 100 for p in data["process"].values())
    assert sum(v["value"] == "N/A" for v in data["values"]) >= 3
    q6 = [v["value"] for v in data["values"] if v["indicator"] == "Q6"]
    assert q6 == [5] * 9  # the indicator on which nobody differs
    events = data["events"]
    vetoes = [e for e in events if e["type"] == "veto"]
    assert [(e["item"], e.get("effect")) for e in vetoes] == [("党风廉政", None)]
    assert {"item": "党风廉政", "effect": "lowest"} in doc["plan"]["vetoes"]
    downgrades = [e for e in events if e["type"] == "downgrade"]
    assert len(downgrades) == 1 and "违纪" in downgrades[0]["reason"]
    bonus = [e for e in events if e["type"] == "bonus"]
    for level in ("国家级", "省级", "市级"):
        assert any(level in e["reason"] for e in bonus)
    per_unit = Counter()
    for e in bonus:
        per_unit[e["assessee"]] += e["points"]
    assert max(per_unit.values()) > doc["plan"]["bonus_cap"]  # the cap has work to do
    assert any(e["type"] == "deduction" for e in events)


def test_evaluations_of_the_units_plan(documents: list[dict[str, Any]]) -> None:
    doc = _by_code(documents)["2025-units"]
    kinds = {e["kind"]: e for e in doc["evaluations"]}
    standard = kinds["standard"]
    assert len(standard["groups"]) >= 3 and all(g["weight"] > 0 for g in standard["groups"])
    assert any(g.get("trim") for g in standard["groups"])
    assert standard["max_top_share"] == 0.3
    worst = kinds["worst"]
    assert worst["veto"] == "最差部门"
    assert {"item": "最差部门", "effect": "no_top"} in doc["plan"]["vetoes"]
    assert kinds["integrity"]["options"] == {"满意": 100, "基本满意": 60, "不满意": 0}


def _ballots(frame: pl.DataFrame) -> int:
    return frame.select(pl.struct("evaluation", "ballot").n_unique()).item()


def test_ballot_marks_frame(documents: list[dict[str, Any]]) -> None:
    total = 0
    for doc in documents:
        frame = doc["data"]["ballot_marks"]
        assert frame.columns == [*MARK_COLUMNS, "_row"]
        assert all(frame.schema[c] == pl.Utf8 for c in MARK_COLUMNS)
        assert frame.schema["_row"] == pl.Int64
        assert frame["_row"].to_list() == list(range(frame.height))
        evaluations = {e["code"]: e for e in doc["evaluations"]}
        assert set(frame["evaluation"].unique()) == set(evaluations)
        for code, evaluation in evaluations.items():
            groups = set(frame.filter(pl.col("evaluation") == code)["group"].unique())
            assert groups == {g["code"] for g in evaluation["groups"]}
        total += _ballots(frame)
    assert 7500 <= total <= 9000


def _void_by_top_share(frame: pl.DataFrame, evaluation: str, top: str) -> int:
    marks = frame.filter(pl.col("evaluation") == evaluation)
    per_ballot = marks.group_by("ballot").agg(
        pl.len().alias("k"), (pl.col("option") == top).sum().alias("tops")
    )
    return sum(tops > top_allowed(k, 0.3) for k, tops in per_ballot.select("k", "tops").iter_rows())


def test_some_ballots_are_void(documents: list[dict[str, Any]]) -> None:
    units = _by_code(documents)["2025-units"]
    frame = units["data"]["ballot_marks"]
    assert _void_by_top_share(frame, "mz2025", "满意") > 0
    options = set(units["evaluations"][0]["options"])
    mz = frame.filter(pl.col("evaluation") == "mz2025")
    assert mz.filter(~pl.col("option").is_in(list(options))).height > 0  # stray labels
    zc = frame.filter(pl.col("evaluation") == "zc2025")
    picks = zc.group_by("ballot").agg(pl.col("assessee").count().alias("n"))
    assert picks.filter(pl.col("n") > 1).height > 0  # two picks where one is allowed
    assert picks.filter(pl.col("n") == 0).height > 0  # blank ballots


def test_cadre_plan(documents: list[dict[str, Any]]) -> None:
    doc = _by_code(documents)["2025-cadres"]
    assert doc["plan"]["assessees"] == "people"
    people = [p for p in doc["organization"]["people"] if p.get("category")]
    assert Counter(p["category"] for p in people) == {"town_leaders": 20, "dept_leaders": 42}
    evaluation = doc["evaluations"][0]
    assert evaluation["form"] == "dimensions"
    assert list(evaluation["dimensions"]) == ["德", "能", "勤", "绩", "廉"]
    for category in doc["plan"]["categories"]:
        grades = category["grades"]
        assert [g["name"] for g in grades] == ["优秀", "称职", "基本称职", "不称职"]
        assert grades[0]["quota"] == 20


def test_village_plan(documents: list[dict[str, Any]]) -> None:
    doc = _by_code(documents)["2025-villages"]
    villages = [u["code"] for u in doc["organization"]["units"] if u.get("category")]
    assert len(villages) >= 40
    scale = doc["data"]["scale"]
    assert set(scale) == set(villages)
    assert all(0.85 <= s <= 1.2 for s in scale.values())
    assert len(set(scale.values())) >= 4
    grade_maps = [
        leaf["grades"]
        for leaf in leaves(doc["plan"]["categories"][0]["sections"][0]["indicators"])
        if leaf["method"] == "grade"
    ]
    assert grade_maps and all(set(g) == {"好", "较好", "一般", "差"} for g in grade_maps)


def test_scale_bands_are_monotone() -> None:
    scales = [scale_for(p) for p in range(0, 8000, 50)]
    assert scales == sorted(scales)
    assert scales[0] == 0.85 and scales[-1] == 1.2


def test_planted_features_name_real_assessees() -> None:
    county, plans = generate()
    codes = {u.code for u in county.units} | {p.code for p in county.people}
    units = plans[0].planted
    assert {units["vetoed"], units["downgraded"], units["worst"]} <= codes
    assert len(set(units["integrity_below"])) == 2
