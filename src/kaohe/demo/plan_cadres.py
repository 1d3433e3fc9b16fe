"""Plan 2: the leading cadres — township 党委书记 and 乡镇长, heads of departments and windows.

Seed 000 asks to judge a cadre on 德、能、勤、绩、廉 as well as on measurable results; seed 004
(新邵县) has leaders, staff and 两代表一委员 rate them. Grades 优秀/称职/基本称职/不称职, with
优秀 capped at 20 % (名额可以空缺，不得突破).
"""

from __future__ import annotations

import random
from typing import Any

from kaohe.demo import common as c
from kaohe.demo.ballots import STRAY_LABELS, MarkTable, pick_option, top_allowed
from kaohe.demo.common import Raw, ValueRule
from kaohe.demo.county import County, organization

CODE = "2025-cadres"
NAME = "2025年度领导干部政绩考核"
DN = "dn2025"  # 德能勤绩廉测评
CATEGORIES = {"town_leaders": "乡镇党政正职", "dept_leaders": "县直部门主要负责人"}
OPTIONS = {"优秀": 100, "称职": 80, "基本称职": 60, "不称职": 0}
DIMENSIONS = {"德": 20, "能": 20, "勤": 15, "绩": 30, "廉": 15}


def _indicators(category: str) -> list[Raw]:
    work = "乡镇" if category == "town_leaders" else "本部门"
    return [
        {"code": "K1", "name": "履职尽责", "points": 10, "method": "grade",
         "grades": dict(c.GRADES_ABCD), "assessor": "县委办"},
        {"code": "K2", "name": f"{work}年度目标完成率", "points": 12, "method": "ratio",
         "target": 100, "assessor": "政府办"},
        {"code": "K3", "name": f"{work}实绩考核位次", "points": 10, "method": "rank",
         "direction": "lower", "floor": 0.6, "assessor": "县委办"},
        {"code": "K4", "name": "述职述责评议", "points": 8, "method": "direct",
         "assessor": "县委办"},
    ]  # fmt: skip


def _rules() -> dict[str, ValueRule]:
    return {
        "K1": c.label(("A", "B", "C", "D")),
        "K2": c.completion(82, 20, 5),
        "K3": c.amount(40, 1, 5),
        "K4": c.points_given(8),
    }


def plan_definition() -> Raw:
    categories = []
    for code, name in CATEGORIES.items():
        categories.append({
            "code": code,
            "name": name,
            "sections": [
                {"code": "results", "name": "工作实绩", "points": 40,
                 "indicators": _indicators(code)},
                {"code": "democratic", "name": "德能勤绩廉测评", "points": 40, "evaluation": DN},
                {"code": "process", "name": "平时考核", "points": 20, "source": "process"},
            ],
            "grades": [
                {"name": "优秀", "quota": 20, "min_score": 85},
                {"name": "称职", "min_score": 70},
                {"name": "基本称职", "min_score": 60},
                {"name": "不称职"},
            ],
        })  # fmt: skip
    return {
        "code": CODE,
        "name": NAME,
        "year": 2025,
        "assessees": "people",
        "bonus_cap": 3,
        "vetoes": [
            {"item": "党风廉政", "effect": "lowest"},
            {"item": "取消评先评优", "effect": "no_top"},
        ],
        "categories": categories,
    }


def evaluations() -> list[Raw]:
    return [
        {
            "code": DN,
            "name": "领导干部德能勤绩廉测评",
            "kind": "standard",
            "form": "dimensions",
            "options": dict(OPTIONS),
            "satisfied": ["优秀", "称职"],
            "dimensions": dict(DIMENSIONS),
            "max_top_share": 0.3,
            "groups": [
                {"code": "leaders", "name": "县领导", "weight": 30},
                {"code": "staff", "name": "干部职工", "weight": 40, "trim": 1, "min_ballots": 5},
                {"code": "reps", "name": "两代表一委员", "weight": 30},
            ],
        }
    ]


def _categories(county: County) -> dict[str, str]:
    out = {}
    for person in county.cadres():
        kind = county.unit(person.unit).kind
        out[person.code] = "town_leaders" if kind == "township" else "dept_leaders"
    return out


def _ballots(county: County, cadres: dict[str, str], table: MarkTable,
             rng: random.Random) -> None:  # fmt: skip
    labels = tuple(OPTIONS)
    codes = list(cadres)
    serial = 0

    def rating(code: str, spread: float) -> str:
        level = 0.3 + 0.65 * county.quality[code]
        # Each dimension is a separate tick on the form, around the same impression.
        base = level + rng.gauss(0, spread)
        ticks = {d: pick_option(rng, base, labels, 0.08) for d in DIMENSIONS}
        if rng.random() < 0.004:  # a dimension left blank on paper: a void mark
            del ticks[rng.choice(list(ticks))]
        if rng.random() < 0.002:
            ticks["廉"] = rng.choice(STRAY_LABELS)
        return ";".join(f"{d}={label}" for d, label in ticks.items())

    def is_top(option: str) -> bool:
        return option.count("优秀") == len(DIMENSIONS)

    def ballot(group: str, marked: list[str], spread: float, careless: float) -> None:
        nonlocal serial
        serial += 1
        marks = [(code, rating(code, spread)) for code in marked]
        allowed = top_allowed(len(marks), 0.3)
        if rng.random() >= careless:
            tops = 0
            for i, (code, option) in enumerate(marks):
                if is_top(option):
                    tops += 1
                    if tops > allowed:  # the voter marks one dimension 称职 instead
                        marks[i] = (code, option.replace("绩=优秀", "绩=称职"))
        else:  # everyone excellent: a void ballot
            marks = [(code, ";".join(f"{d}=优秀" for d in DIMENSIONS)) for code, _ in marks]
        table.add(DN, group, f"DN{serial:05d}", marks)

    for _ in range(16):
        ballot("leaders", codes, 0.1, 0.0)
    for _ in range(48):
        ballot("reps", codes, 0.14, 0.05)
    # Staff of a unit rate their own leaders on one ballot.
    by_unit: dict[str, list[str]] = {}
    for person in county.cadres():
        by_unit.setdefault(person.unit, []).append(person.code)
    for marked in by_unit.values():
        for _ in range(rng.randint(18, 34)):
            ballot("staff", marked, 0.16, 0.03)


def document(county: County, rng: random.Random) -> tuple[Raw, dict[str, Any]]:
    cadres = _categories(county)
    rules = _rules()
    values: list[Raw] = []
    for code in cadres:
        q = county.quality[code]
        for indicator in _indicators(cadres[code]):
            value = rules[indicator["code"]](rng, q)
            values.append({"assessee": code, "indicator": indicator["code"], "value": value})
    process = {code: c.process_score(rng, county.quality[code]) for code in cadres}
    best = sorted(cadres, key=lambda code: -county.quality[code])
    events: list[Raw] = [
        {"assessee": best[0], "type": "bonus", "points": 2, "reason": "获省级优秀党务工作者表彰"},
        {"assessee": best[3], "type": "bonus", "points": 1, "reason": "获市级优秀公务员表彰"},
        {"assessee": best[5], "type": "bonus", "points": 1, "reason": "获市级脱贫攻坚先进个人"},
        {"assessee": best[1], "type": "veto", "item": "取消评先评优",
         "reason": "年内被县纪委约谈"},
    ]  # fmt: skip
    table = MarkTable()
    _ballots(county, cadres, table, rng)
    raw: Raw = {
        "version": 1,
        "organization": organization(county, person_categories=cadres),
        "plan": plan_definition(),
        "evaluations": evaluations(),
        "data": {"process": process, "values": values, "events": events,
                 "ballot_marks": table.frame()},
    }  # fmt: skip
    return raw, {"no_top": best[1], "ballots": table.ballots}
