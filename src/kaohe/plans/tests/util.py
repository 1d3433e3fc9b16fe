"""A small plan for the builder's tests: two categories of two units each, values and an
event, so that renames and deletions have data to carry along."""

from __future__ import annotations

from typing import Any

from kaohe.plans.builder import starter_document
from kaohe.plans.models import Plan
from kaohe.plans.services import plan_load
from kaohe.workbook.build import build_document

SMALL = "2025-small"


def small_raw(code: str = SMALL) -> dict[str, Any]:
    raw = starter_document(
        code=code,
        name="2025年度小方案",
        year=2025,
        assessees="units",
        organization_name="示例县",
        category_code="township",
        category_name="乡镇",
        organization={
            "units": [
                {"code": "U1", "name": "甲镇", "category": "township"},
                {"code": "U2", "name": "乙镇", "category": "township"},
            ]
        },
    )
    target = raw["plan"]["categories"][0]["sections"][0]
    target["indicators"] = [
        {"code": "T1", "name": "重点工作", "points": 60, "method": "direct"},
        {"code": "T2", "name": "招商", "points": 40, "method": "ratio", "target": 100},
    ]
    raw["plan"]["vetoes"] = [{"item": "党风廉政", "effect": "lowest"}]
    raw["data"] = {
        "values": [
            {"assessee": "U1", "indicator": "T1", "value": 50},
            {"assessee": "U2", "indicator": "T1", "value": 40},
            {"assessee": "U1", "indicator": "T2", "value": 90},
        ],
        "events": [{"assessee": "U1", "type": "bonus", "points": 1, "reason": "表彰"}],
    }
    return raw


def load_small(code: str = SMALL) -> Plan:
    return plan_load(document=build_document(small_raw(code)), actor="test")
