"""A small unit plan with a process section and a process plan of two tasks for two towns,
for the process tests (dates in 2025, all in the past)."""

from __future__ import annotations

from datetime import date
from typing import Any

from kaohe.accounts.models import Role, User
from kaohe.org.models import Person, Unit
from kaohe.plans.services import plan_load
from kaohe.process import services
from kaohe.process.models import Milestone, ProcessPlan, Target, Task
from kaohe.workbook.build import build_document

PLAN = "2025-proc"


def plan_raw(code: str = PLAN) -> dict[str, Any]:
    return {
        "plan": {
            "code": code,
            "name": "2025年度乡镇考核",
            "year": 2025,
            "assessees": "units",
            "categories": [
                {
                    "code": "township",
                    "name": "乡镇",
                    "full_score": 100,
                    "sections": [
                        {
                            "code": "target",
                            "name": "目标考核",
                            "points": 80,
                            "indicators": [
                                {"code": "T1", "name": "重点工作", "points": 80, "method": "direct"}
                            ],
                        },
                        {"code": "process", "name": "日常考核", "points": 20, "source": "process"},
                    ],
                    "grades": [{"name": "优秀", "quota": 50}, {"name": "一般"}],
                }
            ],
        },
        "organization": {
            "name": "示例县",
            "units": [
                {"code": "U1", "name": "甲镇", "category": "township"},
                {"code": "U2", "name": "乙镇", "category": "township"},
            ],
        },
        "data": {
            "values": [
                {"assessee": "U1", "indicator": "T1", "value": 70},
                {"assessee": "U2", "indicator": "T1", "value": 70},
            ]
        },
    }


def load_plan(code: str = PLAN) -> None:
    plan_load(document=build_document(plan_raw(code)), actor="test")


class World:
    """The plan, its accounts and a process plan: task K1 (public, weight 2, lead 县委办) and
    K2 (weight 1, lead 政府办), each decomposed to 甲镇 and 乙镇 with two milestones."""

    def __init__(self) -> None:
        load_plan()
        self.u1 = Unit.objects.get(code="U1")
        self.u2 = Unit.objects.get(code="U2")
        self.office = User.objects.create(username="office-t", role=Role.OFFICE)
        self.unit1 = User.objects.create(username="u1-t", role=Role.UNIT, unit=self.u1)
        self.unit2 = User.objects.create(username="u2-t", role=Role.UNIT, unit=self.u2)
        self.xwb = User.objects.create(username="xwb-t", role=Role.ASSESSOR, assessor="县委办")
        self.zfb = User.objects.create(username="zfb-t", role=Role.ASSESSOR, assessor="政府办")
        self.pp: ProcessPlan = services.process_plan_setup(
            actor=self.office, plan_code=PLAN, year=2025
        )
        self.k1: Task = services.task_create(
            actor=self.office, process_plan=self.pp, code="K1", name="人居环境整治",
            lead_body="县委办", starts_on=date(2025, 1, 1), ends_on=date(2025, 12, 31),
            public=True, weight=2.0,
        )  # fmt: skip
        self.k2: Task = services.task_create(
            actor=self.office, process_plan=self.pp, code="K2", name="招商引资",
            lead_body="政府办", starts_on=date(2025, 1, 1), ends_on=date(2025, 12, 31),
        )  # fmt: skip
        self.targets: dict[tuple[str, str], Target] = {}
        self.ms: dict[tuple[str, str, int], Milestone] = {}
        for task in (self.k1, self.k2):
            for unit in (self.u1, self.u2):
                t = services.target_create(
                    actor=self.office, task=task, unit=unit, leader=f"{unit.name}书记"
                )
                self.targets[(task.code, unit.code)] = t
                for n, due in ((1, date(2025, 3, 31)), (2, date(2025, 6, 30))):
                    self.ms[(task.code, unit.code, n)] = services.milestone_create(
                        actor=self.office, target=t, name=f"节点{n}", due_on=due
                    )

    def person(self, code: str = "P1") -> Person:
        return Person.objects.create(code=code, name="张三", unit=self.u1, position="副镇长")
