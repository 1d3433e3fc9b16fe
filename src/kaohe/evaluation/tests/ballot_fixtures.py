"""A small people plan with one evaluation of each form, for the voting tests (BALLOT helper):
``mz`` grade (优秀 ≤ 30%), ``dn`` 德能勤绩廉 dimensions, ``pf`` a 0–100 score, ``zc`` a worst
vote (at most 2 picks). Nothing is loaded for them, so they start as drafts; ``voting`` opens
them. Import the fixtures into a test module: ``from .ballot_fixtures import voting  # noqa``.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

import pytest

from kaohe.evaluation.models import Evaluation, RaterGroup
from kaohe.plans.models import Plan
from kaohe.plans.services import plan_load
from kaohe.workbook.build import build_document

PLAN = "2025-vote"
PEOPLE = [
    ("P01", "张三", "镇长"),
    ("P02", "李四", "副镇长"),
    ("P03", "王五", "局长"),
    ("P04", "赵六", "副局长"),
    ("P05", "孙七", "主任"),
    ("P06", "周八", "副主任"),
]
GRADES = {"优秀": 100, "称职": 80, "基本称职": 60, "不称职": 0}
DIMENSIONS = {"德": 20, "能": 20, "勤": 20, "绩": 30, "廉": 10}


def raw_document() -> dict[str, Any]:
    section = {
        "code": "target",
        "name": "工作实绩",
        "points": 80,
        "indicators": [
            {"code": "T1", "name": "实绩", "points": 80, "method": "ratio", "target": 100}
        ],
    }
    return copy.deepcopy(
        {
            "version": 1,
            "organization": {
                "name": "示例县",
                "units": [{"code": "COUNTY", "name": "示例县"}],
                "people": [
                    {
                        "code": code,
                        "name": name,
                        "unit": "COUNTY",
                        "position": position,
                        "category": "cadre",
                    }
                    for code, name, position in PEOPLE
                ],
            },
            "plan": {
                "code": PLAN,
                "name": "2025年度干部考核（测评测试）",
                "year": 2025,
                "assessees": "people",
                "categories": [
                    {
                        "code": "cadre",
                        "name": "科级干部",
                        "sections": [
                            section,
                            {
                                "code": "mz",
                                "name": "民主测评",
                                "points": 10,
                                "source": "evaluation",
                                "evaluation": "mz",
                            },
                            {
                                "code": "dn",
                                "name": "德能勤绩廉",
                                "points": 10,
                                "source": "evaluation",
                                "evaluation": "dn",
                            },
                        ],
                        "grades": [{"name": "优秀", "quota": 20}, {"name": "称职"}],
                    }
                ],
            },
            "evaluations": [
                {
                    "code": "mz",
                    "name": "民主测评",
                    "kind": "standard",
                    "form": "grade",
                    "options": GRADES,
                    "satisfied": ["优秀", "称职"],
                    "max_top_share": 0.3,
                    "groups": [
                        {"code": "leaders", "name": "县领导", "weight": 40},
                        {"code": "staff", "name": "干部职工", "weight": 60},
                    ],
                },
                {
                    "code": "dn",
                    "name": "德能勤绩廉测评",
                    "kind": "standard",
                    "form": "dimensions",
                    "options": GRADES,
                    "dimensions": DIMENSIONS,
                    "max_top_share": 0.3,
                    "groups": [{"code": "all", "name": "全体"}],
                },
                {
                    "code": "pf",
                    "name": "评委打分",
                    "kind": "standard",
                    "form": "score",
                    "max": 100,
                    "groups": [{"code": "jury", "name": "评委团"}],
                },
                {
                    "code": "zc",
                    "name": "评选最差",
                    "kind": "worst",
                    "max_picks": 2,
                    "groups": [{"code": "all", "name": "全体"}],
                },
            ],
            "data": {
                "values": [{"assessee": c, "indicator": "T1", "value": 90} for c, _, _ in PEOPLE]
            },
        }
    )


@dataclass
class Voting:
    plan: Plan

    def evaluation(self, code: str) -> Evaluation:
        return Evaluation.objects.get(plan=self.plan, code=code)

    def group(self, evaluation: str, group: str) -> RaterGroup:
        return RaterGroup.objects.select_related("evaluation__plan").get(
            evaluation__plan=self.plan, evaluation__code=evaluation, code=group
        )

    def set_status(self, evaluation: str, status: str) -> None:
        Evaluation.objects.filter(plan=self.plan, code=evaluation).update(status=status)


def load_voting_plan(*, open_all: bool = True) -> Voting:
    plan_load(document=build_document(raw_document()))
    plan = Plan.objects.get(code=PLAN)
    if open_all:
        Evaluation.objects.filter(plan=plan).update(status=Evaluation.Status.OPEN)
    return Voting(plan)


@pytest.fixture
def voting(db: None) -> Voting:
    """The plan loaded, its four evaluations open."""
    return load_voting_plan()
