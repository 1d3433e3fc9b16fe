"""The builder reports every problem with its place and what was expected."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import polars as pl
import pytest

from kaohe.engine import NA
from kaohe.engine.tests.util import direct, raw
from kaohe.errors import InputError
from kaohe.workbook.build import build_document

GRADE_FORM = {"优秀": 100, "称职": 80, "基本称职": 60, "不称职": 0}


def base() -> dict[str, Any]:
    sections = [
        {"code": "t", "name": "目标", "points": 60, "indicators": [
            {"code": "R", "name": "R", "points": 10, "method": "ratio", "target": 100},
            {"code": "T", "name": "T", "points": 10, "method": "tiered", "tiers": [[1, 1], [0.5, 0.5]], "target": 10},  # noqa: E501
            {"code": "G", "name": "G", "points": 10, "method": "grade", "grades": {"A": 1, "B": 0.8}},  # noqa: E501
            {"code": "P", "name": "P", "points": 20, "indicators": [direct("D", 10), direct("E", 10)]},  # noqa: E501
            {"code": "K", "name": "K", "points": 10, "method": "deduct", "per": 1},
        ]},
        {"code": "p", "name": "日常", "points": 20, "source": "process"},
        {"code": "d", "name": "民主", "points": 20, "evaluation": "e"},
    ]  # fmt: skip
    document = raw(
        units=3,
        sections=sections,
        values=[("U1", "R", 90), ("U1", "G", "A"), ("U1", "D", "5"), ("U2", "D", "不涉及")],
        evaluations=[
            {
                "code": "e",
                "name": "e",
                "options": GRADE_FORM,
                "groups": [{"code": "g", "name": "g"}],
            },
            {"code": "w", "name": "w", "kind": "worst", "groups": [{"code": "v", "name": "v"}]},
        ],
        ballots=[
            {"evaluation": "e", "group": "g", "ballot": "B1", "marks": {"U1": "优秀", "U2": "差"}},
            {"evaluation": "w", "group": "v", "ballot": "W1", "picks": ["U3"]},
        ],
        events=[{"assessee": "U1", "type": "veto", "item": "党风廉政"}],
        process={"U1": 90},
    )
    return document


def test_valid_document_builds() -> None:
    document = build_document(base())
    assert document.values[("U1", "D")] == 5.0  # numeric string → number
    assert document.values[("U2", "D")] is NA
    assert document.events[0].effect == "lowest"  # resolved from the plan's item
    assert document.marks.height == 3
    assert document.evaluation("w").veto is not None
    assert document.evaluation("w").veto.effect == "no_top"


def cat(d: dict) -> dict:
    return d["plan"]["categories"][0]


def section_t(d: dict) -> list:
    return cat(d)["sections"][0]["indicators"]


def value(index: int, v: Any) -> Callable[[dict], None]:
    def change(d: dict) -> None:
        d["data"]["values"][index]["value"] = v

    return change


CASES: list[tuple[str, Callable[[dict], None], str, str]] = [
    ("sections do not add up", lambda d: cat(d)["sections"][1].update(points=15),
     "plan.categories[0].sections", "类别 c 的一级指标分值之和为 95，应为 100"),
    ("indicators do not add up", lambda d: section_t(d)[0].update(points=5),
     "plan.categories[0].sections[0].indicators", "一级指标 t 的二级指标分值之和为 55，应为 60"),
    ("children do not add up", lambda d: section_t(d)[3].update(points=25),
     "plan.categories[0].sections[0].indicators[3].indicators", "指标 P 的下级指标分值之和为 20，应为 25"),  # noqa: E501
    ("parent with a method", lambda d: section_t(d)[3].update(method="direct"),
     "plan.categories[0].sections[0].indicators[3].method", "不应设置计分方法"),
    ("duplicate indicator code", lambda d: section_t(d)[1].update(code="R"),
     "plan.categories[0].sections[0].indicators[1].code", "指标编码 R 重复"),
    ("ratio target", lambda d: section_t(d)[0].update(target=0),
     "plan.categories[0].sections[0].indicators[0].target", "target 应大于 0"),
    ("ratio cap", lambda d: section_t(d)[0].update(cap=-1),
     "plan.categories[0].sections[0].indicators[0].cap", "cap 应不小于 0"),
    ("tiers rising", lambda d: section_t(d)[1].update(tiers=[[0.5, 0.5], [1, 1]]),
     "plan.categories[0].sections[0].indicators[1].tiers[1][0]", "档次门槛应从高到低排列"),
    ("deduct per", lambda d: section_t(d)[4].update(per=-1),
     "plan.categories[0].sections[0].indicators[4].per", "per 应不小于 0"),
    ("rank floor", lambda d: section_t(d)[4].update(method="rank", floor=1.5),
     "plan.categories[0].sections[0].indicators[4].floor", "应不大于 1"),
    ("quota run", lambda d: cat(d).update(grades=[{"name": "a"}, {"name": "b", "quota": 20}, {"name": "c"}]),  # noqa: E501
     "plan.categories[0].grades[1].quota", "名额应从第一个等次起连续设置"),
    ("quota on last", lambda d: cat(d)["grades"][2].update(quota=10),
     "plan.categories[0].grades[2].quota", "不能设置 quota"),
    ("min_score on last", lambda d: cat(d)["grades"][2].update(min_score=10),
     "plan.categories[0].grades[2].min_score", "不能设置 min_score"),
    ("unknown category", lambda d: d["organization"]["units"][0].update(category="x"),
     "organization.units[0].category", "类别 x 未在方案中声明"),
    ("duplicate unit", lambda d: d["organization"]["units"][1].update(code="U1"),
     "organization.units[1].code", "单位编码 U1 重复"),
    ("unknown grade label", value(1, "Z"), "data.values[1].value", "等级应为 A/B 之一"),
    ("direct out of range", value(2, 11), "data.values[2].value", "直接赋分应在 0 到 10 之间"),
    ("boolean value", value(0, True), "data.values[0].value", "应为数值"),
    ("NaN value", value(0, float("nan")), "data.values[0].value", "应为数值"),
    ("inf value", value(0, "inf"), "data.values[0].value", "应为数值"),
    ("negative deduct count",
     lambda d: d["data"]["values"].append({"assessee": "U1", "indicator": "K", "value": -1}),
     "data.values[4].value", "扣分次数应不小于 0"),
    ("duplicate value", lambda d: d["data"]["values"].append(dict(d["data"]["values"][0])),
     "data.values[4]", "重复填报"),
    ("value on a parent", lambda d: d["data"]["values"].append({"assessee": "U1", "indicator": "P", "value": 1}),  # noqa: E501
     "data.values[4].indicator", "值只能填在末级指标上"),
    ("unknown indicator", lambda d: d["data"]["values"][0].update(indicator="Q"),
     "data.values[0].indicator", "类别 c 中没有指标 Q"),
    ("process out of range", lambda d: d["data"]["process"].update(U1=101),
     "data.process.U1", "应不大于 100"),
    ("negative event points", lambda d: d["data"]["events"].append({"assessee": "U1", "type": "bonus", "points": -1}),  # noqa: E501
     "data.events[1].points", "应不小于 0"),
    ("unknown veto item", lambda d: d["data"]["events"][0].update(item="其他"),
     "data.events[0].item", "一票否决项 其他 不在方案 vetoes 中"),
    ("event for unknown assessee", lambda d: d["data"]["events"][0].update(assessee="X"),
     "data.events[0].assessee", "考核对象 X 不存在"),
    ("worst as section source", lambda d: cat(d)["sections"][2].update(evaluation="w"),
     "plan.categories[0].sections[2].evaluation", "不能作为一级指标的来源"),
    ("unknown section evaluation", lambda d: cat(d)["sections"][2].update(evaluation="zz"),
     "plan.categories[0].sections[2].evaluation", "测评 zz 不存在"),
    ("ballot for unknown evaluation", lambda d: d["data"]["ballots"][0].update(evaluation="zz"),
     "data.ballots[0].evaluation", "测评 zz 不存在"),
    ("ballot for unknown group", lambda d: d["data"]["ballots"][0].update(group="zz"),
     "data.ballots[0].group", "没有测评主体 zz"),
    ("ballot for unknown assessee", lambda d: d["data"]["ballots"][0]["marks"].update(X="优秀"),
     "data.ballots[0].marks.X", "考核对象 X 不存在"),
    ("duplicate ballot id", lambda d: d["data"]["ballots"].append(copy.deepcopy(d["data"]["ballots"][0])),  # noqa: E501
     "data.ballots[2].ballot", "选票编号 B1 重复"),
    ("worst veto", lambda d: d["evaluations"][1].update(veto="nonsense"),
     "evaluations[1].veto", "veto 应为 lowest/no_top"),
    ("handling_below text", lambda d: d["evaluations"][0].update(kind="integrity", handling_below="abc"),  # noqa: E501
     "evaluations[0].handling_below", "应为数值"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "change", "where", "message"), CASES, ids=[c[0] for c in CASES])
def test_problem_is_reported_with_its_place(
    name: str, change: Callable[[dict], None], where: str, message: str
) -> None:
    document = base()
    change(document)
    with pytest.raises(InputError) as caught:
        build_document(document)
    found = [(p.where, p.message) for p in caught.value.problems]
    assert any(w == where and message in m for w, m in found), found


def test_all_problems_are_reported_together() -> None:
    document = base()
    cat(document)["sections"][1]["points"] = 15
    document["data"]["values"][1]["value"] = "Z"
    document["data"]["events"][0]["item"] = "其他"
    document["data"]["ballots"][0]["group"] = "zz"
    with pytest.raises(InputError) as caught:
        build_document(document)
    assert {p.where for p in caught.value.problems} >= {
        "plan.categories[0].sections",
        "data.values[1].value",
        "data.events[0].item",
        "data.ballots[0].group",
    }


def test_locate_names_the_place() -> None:
    document = base()
    document["data"]["values"][1]["value"] = "Z"
    with pytest.raises(InputError) as caught:
        build_document(document, locate=lambda path: f"指标值.xlsx 第{path[2]}行")
    assert [p.where for p in caught.value.problems] == ["指标值.xlsx 第1行"]


def test_integrity_handling_below_as_written() -> None:
    document = base()
    document["evaluations"][0].update(kind="integrity", handling_below=62.5)
    document["evaluations"][0].pop("options")
    built = build_document(document).evaluation("e")
    assert (built.handling_below, built.handling_below_text) == (62.5, "62.5")
    assert built.options == {"满意": 100.0, "基本满意": 60.0, "不满意": 0.0}


def test_yaml_marks_become_long_rows() -> None:
    document = base()
    document["evaluations"][0].update(form="dimensions", dimensions={"德": 1, "能": 1})
    document["data"]["ballots"][0]["marks"] = {"U1": {"能": "称职", "德": "优秀"}, "U2": "乱写"}
    marks = build_document(document).marks.filter(pl.col("evaluation") == "e")
    assert marks.get_column("option").to_list() == ["能=称职;德=优秀", ""]


def ballot_frame(rows: list[tuple]) -> pl.DataFrame:
    return pl.DataFrame(
        rows,
        schema={"evaluation": pl.Utf8, "group": pl.Utf8, "ballot": pl.Utf8, "assessee": pl.Utf8,
                "option": pl.Utf8, "_row": pl.Int64},
        orient="row",
    )  # fmt: skip


def test_ballot_marks_frame_is_checked_and_joined() -> None:
    document = base()
    document["data"]["ballot_marks"] = ballot_frame(
        [
            ("e", "g", "C1", "U1", "称职", 2),
            ("e", "g", "C1", "U2", "不认识", 3),  # a void mark, not an error
            ("w", "v", "C2", None, "", 4),  # an empty worst ballot
        ]
    )
    assert build_document(document).marks.height == 6
    document["data"]["ballot_marks"] = ballot_frame(
        [
            ("zz", "g", "C1", "U1", "称职", 2),
            ("e", "zz", "C2", "U1", "称职", 3),
            ("e", "g", "C3", "X", "称职", 4),
            ("e", "g", "B1", "U1", "称职", 5),  # B1 is a YAML ballot id
        ]
    )
    with pytest.raises(InputError) as caught:
        build_document(document)
    assert [(p.where, p.message) for p in caught.value.problems] == [
        ("data.ballot_marks[2].evaluation", "测评 zz 不存在"),
        ("data.ballot_marks[3].group", "测评主体 zz 不属于该测评"),
        ("data.ballot_marks[4].assessee", "考核对象 X 不存在"),
        ("data.ballot_marks[5].ballot", "选票编号 B1 已在 YAML 选票中使用（编号重复）"),
    ]


def test_a_ballot_id_in_two_groups_of_one_evaluation_is_reported() -> None:
    document = base()
    document["evaluations"][0]["groups"].append({"code": "h", "name": "h"})
    document["data"]["ballot_marks"] = ballot_frame(
        [
            ("e", "g", "C1", "U1", "称职", 2),
            ("e", "h", "C2", "U1", "称职", 3),
            ("w", "v", "C1", "U2", "", 4),  # the same id in another evaluation: its own ballot
        ]
    )
    assert build_document(document).marks.height == 6
    document["data"]["ballot_marks"] = ballot_frame(
        [
            ("e", "g", "C1", "U1", "称职", 2),
            ("e", "h", "C2", "U1", "称职", 3),
            ("e", "g", "C2", "U2", "称职", 4),
            ("e", "h", "C1", "U2", "称职", 5),
        ]
    )
    with pytest.raises(InputError) as caught:
        build_document(document)
    assert [(p.where, p.message) for p in caught.value.problems] == [
        ("data.ballot_marks[2].ballot", "选票编号 C1 在同一测评中属于多个测评主体（编号重复）"),
        ("data.ballot_marks[3].ballot", "选票编号 C2 在同一测评中属于多个测评主体（编号重复）"),
    ]


def test_on_marks_sees_the_documents_marks_once_they_are_valid() -> None:
    seen: list[tuple[pl.DataFrame, list[str]]] = []
    document = build_document(base(), on_marks=lambda marks, codes: seen.append((marks, codes)))
    assert len(seen) == 1
    marks, codes = seen[0]
    assert marks is document.marks  # the very frame the document holds
    assert codes == ["e", "w"]  # declared order


@pytest.mark.parametrize(
    ("breaks", "what"),
    [
        (lambda d: d["data"]["ballots"][0].update(group="zz"), "the marks"),
        (lambda d: d.update(version=2), "the plan"),
    ],
)
def test_on_marks_is_not_called_for_a_document_that_cannot_load(
    breaks: Callable[[dict[str, Any]], object], what: str
) -> None:
    document = base()
    breaks(document)
    seen: list[object] = []
    with pytest.raises(InputError):
        build_document(document, on_marks=lambda marks, codes: seen.append(marks))
    assert seen == [], what
