"""A small plan for the paper-ballot tests: four towns rated in four evaluations, one of each
form (grade 民主测评, dimensions 德能勤绩廉, score 评委团打分, worst 评选最差), all open, and
two office accounts (the clerks)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from kaohe.accounts.models import Role, User
from kaohe.evaluation.models import Evaluation, RaterGroup
from kaohe.plans.models import Plan
from kaohe.plans.services import plan_load
from kaohe.workbook.build import build_document

PLAN = "2025-paper"
TOWNS = ("A01", "A02", "A03", "A04")
NAMES = ("城关镇", "河口镇", "石桥乡", "青山镇")
GRADES = {"优秀": 100, "称职": 80, "基本称职": 60, "不称职": 0}


def raw_document() -> dict[str, Any]:
    sections = [
        {
            "code": "target",
            "name": "目标考核",
            "points": 50,
            "indicators": [
                {"code": "T1", "name": "财政收入", "points": 50, "method": "ratio", "target": 100}
            ],
        },
        {"code": "mz", "name": "民主测评", "points": 20, "evaluation": "mz"},
        {"code": "dd", "name": "德能勤绩廉", "points": 15, "evaluation": "dd"},
        {"code": "sc", "name": "评委团打分", "points": 15, "evaluation": "sc"},
    ]
    return copy.deepcopy(
        {
            "version": 1,
            "organization": {
                "name": "示例县",
                "units": [{"code": "COUNTY", "name": "示例县"}]
                + [
                    {"code": code, "name": name, "category": "town", "parent": "COUNTY"}
                    for code, name in zip(TOWNS, NAMES, strict=True)
                ],
            },
            "plan": {
                "code": PLAN,
                "name": "2025年度纸质票测试方案",
                "year": 2025,
                "vetoes": [{"item": "最差单位", "effect": "no_top"}],
                "categories": [
                    {"code": "town", "name": "乡镇", "sections": sections,
                     "grades": [{"name": "优秀", "quota": 30}, {"name": "良好"}]},
                ],
            },
            "evaluations": [
                {"code": "mz", "name": "民主测评", "kind": "standard", "form": "grade",
                 "options": GRADES, "satisfied": ["优秀", "称职"], "max_top_share": 0.5,
                 "groups": [{"code": "leaders", "name": "县领导", "weight": 40},
                            {"code": "staff", "name": "干部职工", "weight": 60}]},
                {"code": "dd", "name": "德能勤绩廉测评", "kind": "standard", "form": "dimensions",
                 "options": {"好": 100, "较好": 80, "一般": 60, "差": 40},
                 "dimensions": {"德": 20, "能": 20, "勤": 20, "绩": 20, "廉": 20},
                 "groups": [{"code": "all", "name": "全体"}]},
                {"code": "sc", "name": "评委团打分", "kind": "standard", "form": "score",
                 "groups": [{"code": "jury", "name": "公众评委团"}]},
                {"code": "zc", "name": "评选最差单位", "kind": "worst", "max_picks": 1,
                 "veto": "最差单位", "groups": [{"code": "all", "name": "全体"}]},
            ],
            "data": {"values": []},
        }
    )  # fmt: skip


@pytest.fixture
def plan() -> Plan:
    plan = plan_load(document=build_document(raw_document()), actor="test")
    Evaluation.objects.filter(plan=plan).update(status=Evaluation.Status.OPEN)
    return plan


def group(evaluation: str, code: str) -> RaterGroup:
    return RaterGroup.objects.select_related("evaluation__plan").get(
        evaluation__plan__code=PLAN, evaluation__code=evaluation, code=code
    )


@pytest.fixture
def clerks(plan: Plan) -> tuple[User, User]:
    rows = (User(username="clerk1", role=Role.OFFICE), User(username="clerk2", role=Role.OFFICE))
    for user in rows:
        user.set_unusable_password()
        user.save()
    return rows
