"""A small units plan for the data-entry tests: two categories, indicators of every kind of
value (number, grade label, direct points, deduction count), assigned to two assessor bodies,
and one account per role."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from kaohe.accounts.models import Role, User
from kaohe.org.models import Unit
from kaohe.plans.models import Plan
from kaohe.plans.services import plan_load
from kaohe.workbook.build import build_document

PLAN = "2025-entry"


def raw_document(values: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """The plan as a YAML-shaped document; ``values`` become its data.values."""
    return copy.deepcopy(
        {
            "version": 1,
            "organization": {
                "name": "示例县",
                "units": [
                    {"code": "COUNTY", "name": "示例县"},
                    {"code": "A01", "name": "城关镇", "category": "town", "parent": "COUNTY"},
                    {"code": "A02", "name": "河口镇", "category": "town", "parent": "COUNTY"},
                    {"code": "A03", "name": "石桥乡", "category": "town", "parent": "COUNTY"},
                    {"code": "B01", "name": "县财政局", "category": "dept", "parent": "COUNTY"},
                    {"code": "B02", "name": "县教育局", "category": "dept", "parent": "COUNTY"},
                ],
            },
            "plan": {
                "code": PLAN,
                "name": "2025年度数据录入测试方案",
                "year": 2025,
                "vetoes": [
                    {"item": "党风廉政", "effect": "lowest"},
                    {"item": "取消评优", "effect": "no_top"},
                ],
                "categories": [
                    {
                        "code": "town",
                        "name": "乡镇",
                        "sections": [
                            {
                                "code": "target",
                                "name": "目标考核",
                                "points": 80,
                                "indicators": [
                                    {"code": "T1", "name": "财政收入", "points": 30,
                                     "method": "ratio", "target": 100, "assessor": "县委办"},
                                    {"code": "T2", "name": "党建工作", "points": 20,
                                     "method": "grade", "grades": {"A": 1, "B": 0.8, "C": 0.6},
                                     "assessor": "县委办"},
                                    {"code": "T3", "name": "重点项目", "points": 20,
                                     "method": "direct", "assessor": "政府办"},
                                    {"code": "T4", "name": "安全生产", "points": 10,
                                     "method": "deduct", "per": 2},
                                ],
                            },
                            {"code": "process", "name": "日常考核", "points": 20,
                             "source": "process"},
                        ],
                        "grades": [{"name": "优秀", "quota": 30}, {"name": "良好"}],
                    },
                    {
                        "code": "dept",
                        "name": "县直部门",
                        "sections": [
                            {
                                "code": "target",
                                "name": "目标考核",
                                "points": 100,
                                "indicators": [
                                    {"code": "T1", "name": "财政收入", "points": 60,
                                     "method": "ratio", "target": 100, "assessor": "政府办"},
                                    {"code": "T3", "name": "重点项目", "points": 40,
                                     "method": "direct", "assessor": "政府办"},
                                ],
                            }
                        ],
                        "grades": [{"name": "优秀", "quota": 50}, {"name": "良好"}],
                    },
                ],
            },
            "data": {
                "process": {"A01": 90, "A02": 85, "A03": 80},
                "values": values or [],
            },
        }
    )  # fmt: skip


@pytest.fixture
def plan() -> Plan:
    return plan_load(document=build_document(raw_document()), actor="test")


@pytest.fixture
def users(plan: Plan) -> dict[str, User]:
    rows = {
        "admin": User(username="admin", role=Role.ADMIN),
        "office": User(username="office", role=Role.OFFICE),
        "xwb": User(username="xwb", role=Role.ASSESSOR, assessor="县委办"),
        "zfb": User(username="zfb", role=Role.ASSESSOR, assessor="政府办"),
        "unit": User(username="a01", role=Role.UNIT, unit=Unit.objects.get(code="A01")),
        "supervisor": User(username="renda", role=Role.SUPERVISOR),
    }
    for user in rows.values():
        user.set_unusable_password()
        user.save()
    return rows


@pytest.fixture
def login() -> Callable[[User], Any]:
    from django.test import Client

    def client_for(user: User) -> Client:
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        return client

    return client_for
