"""Plan 3: village-level target management (村级目标管理考核, seed 003's 一村一状).

Each village has its own targets (一村一状), so the recorded value of a target indicator is
the village's completion rate of *its own* target, scored against 100 %. Villages differ in
area and population, so the workload differs: the 规模系数 (scale, seed 003) multiplies the
base score, from 0.85 for the smallest to 1.2 for the largest. The result decides the village
cadres' 绩效考核工资 (seed 003), which is why the plan is the village cadres' assessment.
"""

from __future__ import annotations

import random
from typing import Any

from kaohe.demo import common as c
from kaohe.demo.ballots import STRAY_LABELS, MarkTable, limit_top, pick_option, top_allowed
from kaohe.demo.common import Raw, ValueRule
from kaohe.demo.county import County, organization

CODE = "2025-villages"
NAME = "2025年度村级组织目标管理考核（一村一状）"
CY = "cy2025"  # 群众评议
CATEGORIES = {"village": "村（社区）"}
OPTIONS = {"好": 100, "较好": 85, "一般": 70, "差": 50}

# 户籍人口 -> 规模系数: the band a village falls in sets its multiplier.
SCALE_BANDS: tuple[tuple[int, float], ...] = (
    (800, 0.85), (1200, 0.9), (1600, 0.95), (2200, 1.0), (2800, 1.05), (3500, 1.1),
    (4500, 1.15),
)  # fmt: skip
SCALE_MAX = 1.2


def scale_for(population: int) -> float:
    """规模系数 of a village of this population.

    >>> scale_for(650), scale_for(2000), scale_for(5200)
    (0.85, 1.0, 1.2)
    """
    for limit, scale in SCALE_BANDS:
        if population < limit:
            return scale
    return SCALE_MAX


def _indicators() -> list[Raw]:
    return [
        {"code": "V1", "name": "村集体经济增收（一村一状目标完成率）", "points": 12,
         "method": "ratio", "target": 100, "cap": 1.2, "assessor": "政府办"},
        {"code": "V2", "name": "特色产业发展", "points": 10, "method": "grade",
         "grades": dict(c.GRADES_HAO), "assessor": "政府办"},
        {"code": "V3", "name": "人居环境整治", "points": 8, "method": "rank", "floor": 0.7,
         "assessor": "政府办"},
        {"code": "V4", "name": "综治维稳（越级访和治安案件起数）", "points": 8,
         "method": "deduct", "per": 1, "assessor": "政府办"},
        {"code": "V5", "name": "森林防火任务完成率", "points": 6, "method": "tiered",
         "target": 100, "tiers": [[1.0, 1.0], [0.9, 0.8], [0.8, 0.6]], "floor": 0.3,
         "assessor": "政府办"},
        {"code": "V6", "name": "基层党组织建设", "points": 6, "method": "direct",
         "assessor": "县委办"},
        {"code": "V7", "name": "村务公开和民主管理", "points": 10, "method": "grade",
         "grades": dict(c.GRADES_HAO), "assessor": "县委办"},
    ]  # fmt: skip


def _rules() -> dict[str, ValueRule]:
    return {
        "V1": c.completion(62, 55, 10),
        "V2": c.label(("好", "较好", "一般", "差")),
        "V3": c.amount(55, 98, 7, 1),
        "V4": c.count(3.0),
        "V5": c.completion(82, 20, 5),
        "V6": c.points_given(6),
        "V7": c.label(("好", "较好", "一般", "差")),
    }


def plan_definition() -> Raw:
    return {
        "code": CODE,
        "name": NAME,
        "year": 2025,
        "assessees": "units",
        "bonus_cap": 3,
        "vetoes": [{"item": "违纪违法", "effect": "lowest"}],
        "categories": [{
            "code": "village",
            "name": CATEGORIES["village"],
            "sections": [
                {"code": "target", "name": "一村一状目标", "points": 60,
                 "indicators": _indicators()},
                {"code": "process", "name": "日常考核", "points": 20, "source": "process"},
                {"code": "democratic", "name": "群众评议", "points": 20, "evaluation": CY},
            ],
            "grades": [
                {"name": "好", "quota": 20, "min_score": 85},
                {"name": "较好", "quota": 40},
                {"name": "一般", "quota": 30},
                {"name": "较差"},
            ],
        }],
    }  # fmt: skip


def evaluations() -> list[Raw]:
    return [
        {
            "code": CY,
            "name": "村级组织群众评议",
            "kind": "standard",
            "form": "grade",
            "options": dict(OPTIONS),
            "satisfied": ["好", "较好"],
            "max_top_share": 0.3,
            "groups": [
                {"code": "town", "name": "乡镇党委政府", "weight": 30},
                {"code": "members", "name": "党员代表", "weight": 30, "min_ballots": 3},
                {"code": "villagers", "name": "村民代表", "weight": 40, "trim": 1,
                 "min_ballots": 5},
            ],
        }
    ]  # fmt: skip


def _ballots(county: County, villages: list[str], table: MarkTable,
             rng: random.Random) -> None:  # fmt: skip
    labels = tuple(OPTIONS)
    serial = 0

    def ballot(group: str, marked: list[str], spread: float) -> None:
        nonlocal serial
        serial += 1
        marks = [(code, pick_option(rng, 0.3 + 0.65 * county.quality[code], labels, spread))
                 for code in marked]  # fmt: skip
        if rng.random() < 0.97:
            marks = limit_top(marks, labels[0], labels[1], top_allowed(len(marks), 0.3))
        if rng.random() < 0.01:
            marks[0] = (marks[0][0], rng.choice(STRAY_LABELS))
        table.add(CY, group, f"CY{serial:05d}", marks)

    for township in county.of_kind("township"):
        own = [code for code in villages if county.unit(code).parent == township.code]
        for _ in range(7):  # the township's 班子成员 rate all of its villages
            ballot("town", own, 0.1)
    for code in villages:
        for _ in range(rng.randint(6, 12)):
            ballot("members", [code], 0.18)
        for _ in range(rng.randint(16, 28)):
            ballot("villagers", [code], 0.2)


def document(county: County, rng: random.Random) -> tuple[Raw, dict[str, Any]]:
    villages = [u.code for u in county.of_kind("village")]
    rules = _rules()
    values: list[Raw] = []
    for code in villages:
        q = county.quality[code]
        for indicator in _indicators():
            ind = indicator["code"]
            # Communities in the county seat have no forest to protect: 不涉及.
            exempt = ind == "V5" and not county.forest[code]
            value = "N/A" if exempt else rules[ind](rng, q)
            values.append({"assessee": code, "indicator": ind, "value": value})
    scale = {code: scale_for(county.population[code]) for code in villages}
    process = {code: c.process_score(rng, county.quality[code]) for code in villages}
    ranked = sorted(villages, key=lambda code: -county.quality[code])
    events: list[Raw] = [
        {"assessee": ranked[0], "type": "bonus", "points": 2,
         "reason": "获省级美丽乡村示范村表彰"},
        {"assessee": ranked[2], "type": "bonus", "points": 1,
         "reason": "获市级文明村表彰"},
        {"assessee": ranked[4], "type": "bonus", "points": 1,
         "reason": "获市级五好村党组织表彰"},
        {"assessee": ranked[-3], "type": "deduction", "points": 1,
         "reason": "被镇党委通报批评：集体资产台账不全"},
        {"assessee": ranked[len(ranked) // 3], "type": "veto", "item": "违纪违法",
         "reason": "村干部侵占集体资金被立案查处"},
    ]  # fmt: skip
    table = MarkTable()
    _ballots(county, villages, table, rng)
    raw: Raw = {
        "version": 1,
        "organization": organization(county, unit_categories=dict.fromkeys(villages, "village")),
        "plan": plan_definition(),
        "evaluations": evaluations(),
        "data": {"scale": scale, "process": process, "values": values, "events": events,
                 "ballot_marks": table.frame()},
    }  # fmt: skip
    return raw, {"vetoed": ranked[len(ranked) // 3], "ballots": table.ballots}
