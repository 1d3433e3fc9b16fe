"""Plan 1: the year's assessment of townships, county departments and window units.

Modelled on seed 000 (逊克县's four systems: differentiated indicators per class of unit,
日常考核 by monthly inspection, 民主评价 at 20 % with inside and outside raters, result use)
and seed 001 (分类考核, 加分 for commendations, 降档 for discipline cases, indicators that do not
separate anyone), seed 004 (评最差部门, 述廉评廉 with organisational handling below 60).
"""

from __future__ import annotations

import random
from typing import Any

from kaohe.demo import common as c
from kaohe.demo.ballots import STRAY_LABELS, MarkTable, limit_top, pick_option, top_allowed
from kaohe.demo.common import Raw, ValueRule
from kaohe.demo.county import County, organization
from kaohe.demo.process import process_scores

CODE = "2025-units"
NAME = "2025年度乡镇和县直部门实绩考核"
MZ = "mz2025"  # 民主评价 (满意度测评)
ZC = "zc2025"  # 评选最差部门
SL = "sl2025"  # 述廉评廉

# category code -> (name, unit kinds in it)
CATEGORIES: dict[str, tuple[str, tuple[str, ...]]] = {
    "township": ("乡镇", ("township",)),
    "dept_party": ("县直党群部门", ("DQ",)),
    "dept_law": ("县直执法部门", ("ZF",)),
    "dept_gov": ("县直政务部门", ("ZW",)),
    "dept_econ": ("县直经济部门", ("JJ",)),
    "window": ("窗口单位", ("window",)),
}
MZ_OPTIONS = {"满意": 100, "比较满意": 85, "基本满意": 70, "不满意": 40}
SL_OPTIONS = {"满意": 100, "基本满意": 60, "不满意": 0}


def _ind(code: str, name: str, points: float, method: str, **extra: object) -> Raw:
    return {"code": code, "name": name, "points": points, "method": method, **extra}


def _parent(code: str, name: str, children: list[Raw]) -> Raw:
    return {"code": code, "name": name, "points": sum(i["points"] for i in children),
            "indicators": children}  # fmt: skip


TIERS = [[1.0, 1.0], [0.9, 0.85], [0.8, 0.7], [0.6, 0.5]]


def _target_indicators() -> dict[str, list[Raw]]:
    """目标考核 per category (60 points each): what each class of unit is judged on."""
    return {
        # 乡镇: 农业发展、民生社保、生态文明 (seed 000)
        "township": [
            _parent("T1", "农业发展", [
                _ind("T1.1", "粮食生产任务完成率", 6, "ratio", target=100),
                _ind("T1.2", "农村居民人均可支配收入增速", 8, "tiered", target=7.0,
                     tiers=TIERS, floor=0.2),
            ]),
            _ind("T2", "民生社保任务完成率", 10, "ratio", target=100),
            _ind("T3", "生态文明建设", 10, "grade", grades=c.GRADES_ABCD),
            _ind("T4", "招商引资到位资金", 10, "rank", floor=0.6),
            _ind("T5", "安全生产（事故和通报起数）", 8, "deduct", per=2),
            _ind("T6", "基层党建", 8, "direct"),
        ],
        # 党群部门: 工作落实、执行能力、自身建设 (seed 000)
        "dept_party": [
            _ind("Q1", "年度重点任务完成率", 15, "ratio", target=100),
            _ind("Q2", "服务中心工作", 10, "rank"),
            _ind("Q3", "自身建设", 10, "grade", grades=c.GRADES_ABCD),
            _ind("Q4", "督办件超期（件）", 10, "deduct", per=1),
            _ind("Q5", "调研成果转化（篇）", 6, "tiered", tiers=[[5, 1.0], [3, 0.8], [1, 0.5]]),
            _ind("Q6", "意识形态工作责任制", 5, "direct"),
            _ind("Q7", "建议提案办理", 4, "direct"),
        ],
        "dept_law": [
            _parent("F1", "执法办案", [
                _ind("F1.1", "案件按期办结率", 8, "ratio", target=100),
                _ind("F1.2", "行政复议纠错率（%）", 8, "ratio", target=2.0, direction="lower"),
            ]),
            _ind("F2", "平安建设任务完成率", 10, "tiered", target=100, tiers=TIERS),
            _ind("F3", "依法行政", 10, "grade", grades=c.GRADES_ABCD),
            _ind("F4", "执法投诉（件）", 10, "deduct", per=2),
            _ind("F5", "营商环境评价位次", 8, "rank", direction="lower", floor=0.5),
            _ind("F6", "党建工作", 6, "direct"),
        ],
        "dept_gov": [
            _ind("G1", "年度重点任务完成率", 14, "ratio", target=100),
            _ind("G2", "民生实事完成率", 10, "tiered", target=100, tiers=TIERS),
            _ind("G3", "服务效能", 10, "grade", grades=c.GRADES_ABCD),
            _ind("G4", "督办件超期（件）", 8, "deduct", per=2),
            _ind("G5", "争取上级资金", 10, "rank"),
            _parent("G6", "建议提案办理", [
                _ind("G6.1", "按时办结", 3, "direct"),
                _ind("G6.2", "代表委员满意", 5, "direct"),
            ]),
        ],
        "dept_econ": [
            _parent("J1", "招商引资", [
                _ind("J1.1", "到位资金完成率", 10, "ratio", target=100, cap=1.2),
                _ind("J1.2", "新签约项目（个）", 8, "tiered",
                     tiers=[[4, 1.0], [3, 0.8], [2, 0.6], [1, 0.4]]),
            ]),
            _ind("J2", "重点项目建设投资", 12, "rank", floor=0.6),
            _ind("J3", "产业发展", 10, "grade", grades=c.GRADES_ABCD),
            _ind("J4", "安全生产（事故和通报起数）", 8, "deduct", per=2),
            _ind("J5", "党建工作", 6, "direct"),
            _ind("J6", "统计数据质量", 6, "tiered", target=100, tiers=TIERS),
        ],
        # 窗口单位: 服务效能、服务对象满意度 (seed 000)
        "window": [
            _parent("C1", "服务效能", [
                _ind("C1.1", "按时办结率", 8, "ratio", target=100),
                _ind("C1.2", "平均办理时长（工作日）", 6, "ratio", target=2.0,
                     direction="lower"),
                _ind("C1.3", "一网通办率", 6, "tiered", target=100, tiers=TIERS),
            ]),
            _ind("C2", "服务对象满意度", 10, "grade", grades=c.GRADES_HAO),
            _ind("C3", "有效投诉（件）", 10, "deduct", per=1),
            _ind("C4", "好差评排名", 10, "rank", floor=0.5),
            _ind("C5", "党建工作", 10, "direct"),
        ],
    }  # fmt: skip


def _rules() -> dict[str, ValueRule]:
    """How each indicator's value is drawn from a unit's quality."""
    return {
        "T1.1": c.completion(86, 16, 5), "T1.2": c.amount(4.8, 8.0, 0.7, 1),
        "T2": c.completion(84, 18, 5), "T3": c.label(("A", "B", "C", "D")),
        "T4": c.amount(3000, 26000, 3000), "T5": c.count(2.5), "T6": c.points_given(8),
        "Q1": c.completion(82, 20, 5), "Q2": c.amount(60, 98, 6, 1),
        "Q3": c.label(("A", "B", "C", "D")), "Q4": c.count(3.0), "Q5": c.amount(0, 6, 1.2),
        "Q6": c.full_marks(5), "Q7": c.points_given(4),
        "F1.1": c.completion(85, 17, 5), "F1.2": c.lower_is_better(2.0),
        "F2": c.completion(82, 20, 5), "F3": c.label(("A", "B", "C", "D")),
        "F4": c.count(2.5), "F5": c.amount(40, 1, 6), "F6": c.points_given(6),
        "G1": c.completion(84, 18, 5), "G2": c.completion(82, 20, 5),
        "G3": c.label(("A", "B", "C", "D")), "G4": c.count(2.5),
        "G5": c.amount(500, 9000, 1200), "G6.1": c.points_given(3), "G6.2": c.points_given(5),
        "J1.1": c.completion(70, 45, 9), "J1.2": c.amount(0, 5, 1.0),
        "J2": c.amount(8000, 60000, 6000), "J3": c.label(("A", "B", "C", "D")),
        "J4": c.count(2.5), "J5": c.points_given(6), "J6": c.completion(84, 18, 5),
        "C1.1": c.completion(88, 14, 4), "C1.2": c.lower_is_better(2.0),
        "C1.3": c.completion(80, 22, 5), "C2": c.label(("好", "较好", "一般", "差")),
        "C3": c.count(3.0), "C4": c.amount(60, 99, 5, 1), "C5": c.points_given(10),
    }  # fmt: skip


def _assessor(category: str) -> str:
    """考核主体 (seed 000, seed 001): 县委办 leads the 党群 departments, 政府办 the others."""
    return "县委办" if category == "dept_party" else "政府办"


def _with_assessor(category: str, indicators: list[Raw]) -> list[Raw]:
    out = []
    for indicator in indicators:
        indicator = dict(indicator)
        indicator["assessor"] = _assessor(category)
        if "indicators" in indicator:
            indicator["indicators"] = _with_assessor(category, indicator["indicators"])
        out.append(indicator)
    return out


def plan_definition() -> Raw:
    """The plan section (static: no random data), also used for names in the summary."""
    grades = [
        {"name": "优秀", "quota": 20, "min_score": 85},
        {"name": "良好", "quota": 40},
        {"name": "一般", "quota": 30},
        {"name": "较差"},
    ]
    targets = _target_indicators()
    categories = []
    for code, (name, _kinds) in CATEGORIES.items():
        categories.append({
            "code": code,
            "name": name,
            "tiebreak": ["target", "democratic", "process"],
            "sections": [
                {"code": "target", "name": "目标考核", "points": 60,
                 "indicators": _with_assessor(code, targets[code])},
                {"code": "process", "name": "日常考核", "points": 20, "source": "process"},
                {"code": "democratic", "name": "民主评价", "points": 20, "evaluation": MZ},
            ],
            "grades": [dict(g) for g in grades],
        })  # fmt: skip
    return {
        "code": CODE,
        "name": NAME,
        "year": 2025,
        "assessees": "units",
        "bonus_cap": 5,
        "non_discriminating_share": 0.9,
        "vetoes": [
            {"item": "党风廉政", "effect": "lowest"},
            {"item": "最差部门", "effect": "no_top"},
        ],
        "categories": categories,
    }


def evaluations() -> list[Raw]:
    return [
        {
            "code": MZ,
            "name": "民主评价（满意度测评）",
            "kind": "standard",
            "form": "grade",
            "options": dict(MZ_OPTIONS),
            "satisfied": ["满意", "比较满意", "基本满意"],
            "max_top_share": 0.3,
            "groups": [
                {"code": "leaders", "name": "县领导", "weight": 30},
                {"code": "staff", "name": "干部职工", "weight": 30, "trim": 2, "min_ballots": 5},
                {"code": "public", "name": "服务对象", "weight": 20, "min_ballots": 5},
                {"code": "reps", "name": "两代表一委员", "weight": 20},
            ],
        },
        {
            "code": ZC,
            "name": "两评大会评选最差部门",
            "kind": "worst",
            "max_picks": 1,
            "threshold": 0.1,
            "veto": "最差部门",
            "groups": [
                {"code": "cadres", "name": "镇村干部"},
                {"code": "reps", "name": "两代表一委员"},
                {"code": "business", "name": "企业和群众代表"},
            ],
        },
        {
            "code": SL,
            "name": "述廉评廉",
            "kind": "integrity",
            "form": "grade",
            "options": dict(SL_OPTIONS),
            "satisfied": ["满意", "基本满意"],
            "handling_below": 60,
            "groups": [
                {"code": "cadres", "name": "干部职工", "weight": 50},
                {"code": "masses", "name": "群众代表", "weight": 50, "min_ballots": 2},
            ],
        },
    ]


def _assessees(county: County) -> dict[str, str]:
    """unit code -> category code."""
    kinds = {kind: code for code, (_n, ks) in CATEGORIES.items() for kind in ks}
    return {u.code: kinds[u.kind] for u in county.units if u.kind in kinds}


def _exempt(county: County, unit_code: str, rng: random.Random) -> set[str]:
    """不涉及: the county seat grows no grain; some departments handle no 建议提案 (a unit
    without them is exempt from the whole G6 group at once)."""
    exempt = set()
    if county.unit(unit_code).name == "城关镇":
        exempt.add("T1.1")
    if rng.random() < 0.3:
        exempt.add("Q7")
    if rng.random() < 0.2:
        exempt.update(("G6.1", "G6.2"))
    return exempt


def _values(county: County, assessees: dict[str, str], rng: random.Random) -> list[Raw]:
    targets = _target_indicators()
    rules = _rules()
    values: list[Raw] = []
    for unit_code, category in assessees.items():
        q = county.quality[unit_code]
        exempt = _exempt(county, unit_code, rng)
        for leaf in c.leaves(targets[category]):
            code = leaf["code"]
            value = "N/A" if code in exempt else rules[code](rng, q)
            values.append({"assessee": unit_code, "indicator": code, "value": value})
    return values


def _events(
    county: County, assessees: dict[str, str], rng: random.Random
) -> tuple[list[Raw], dict[str, str]]:
    """加分, 扣分, one 党风廉政 veto and one 降档 (seed 001); returns the roles it gave out."""
    by_quality = sorted(assessees, key=lambda code: -county.quality[code])
    departments = [code for code in by_quality if assessees[code].startswith("dept_")]
    townships = [code for code in by_quality if assessees[code] == "township"]
    events: list[Raw] = []
    levels = [("国家级", 3.0), ("省级", 2.0), ("市级", 1.0)]
    honours = {
        "国家级": ("全国民族团结进步示范单位", "全国文明单位", "全国法治政府建设示范项目"),
        "省级": ("省级文明单位", "省级平安建设先进单位", "省级优化营商环境先进单位",
                 "省级乡村振兴先进集体"),
        "市级": ("市级文明单位", "市级三八红旗集体", "市级脱贫攻坚先进集体",
                 "市级安全生产先进单位", "市级招商引资先进单位"),
    }  # fmt: skip
    # The best-run units collect commendations; the very best more than the cap allows.
    commended = by_quality[:14]
    for i, code in enumerate(commended):
        count = 3 if i == 0 else (2 if i < 4 else 1)
        for level, points in rng.sample(levels, count):
            honour = rng.choice(honours[level])
            events.append({"assessee": code, "type": "bonus", "points": points,
                           "reason": f"获{level}表彰：{honour}"})  # fmt: skip
    # 潜绩 (seed 001): a little for groundwork that shows later.
    for code in rng.sample(by_quality[14:], 3):
        events.append({"assessee": code, "type": "bonus", "points": 0.5,
                       "reason": "潜绩加分：打基础、利长远工作成效明显"})  # fmt: skip
    deductions = [
        (1.0, "被市委市政府通报批评"),
        (2.0, "统计数据弄虚作假，降分处理"),
        (0.5, "市级督查发现问题整改不及时"),
        (0.5, "重点项目节点被亮红灯"),
    ]
    for (points, reason), code in zip(deductions, rng.sample(by_quality[-20:], 4), strict=True):
        events.append({"assessee": code, "type": "deduction", "points": points,
                       "reason": reason})  # fmt: skip
    # One 一票否决 for 党风廉政 (lowest), on a mid-table department.
    vetoed = departments[len(departments) // 2 + rng.randrange(-3, 3)]
    events.append({"assessee": vetoed, "type": "veto", "item": "党风廉政",
                   "reason": "班子成员发生严重违纪问题"})  # fmt: skip
    # One 降档 for a cadre discipline case in a strong township, so the step down shows.
    downgraded = townships[rng.randrange(1, 3)]
    events.append({"assessee": downgraded, "type": "downgrade",
                   "reason": "干部违纪违法，下调一个档次"})  # fmt: skip
    return events, {"vetoed": vetoed, "downgraded": downgraded}


def _mz_ballots(county: County, assessees: dict[str, str], table: MarkTable,
                rng: random.Random) -> None:  # fmt: skip
    """民主评价: county leaders and 两代表一委员 rate every unit; staff rate their own unit;
    service users rate the units that served them. A few ballots are void (too many 满意, or
    a label that is not on the form)."""
    labels = tuple(MZ_OPTIONS)
    codes = list(assessees)
    serial = 0

    def level(code: str) -> float:
        return 0.35 + 0.6 * county.quality[code]

    def ballot(group: str, marked: list[str], spread: float, careless: float) -> None:
        nonlocal serial
        serial += 1
        marks = [(code, pick_option(rng, level(code), labels, spread)) for code in marked]
        if rng.random() >= careless:  # a careful voter respects the 30 % rule
            marks = limit_top(marks, labels[0], labels[1], top_allowed(len(marks), 0.3))
        else:  # the voter who finds everyone 满意 (废票)
            marks = [(code, labels[0] if rng.random() < 0.6 else opt) for code, opt in marks]
        if rng.random() < 0.01:  # a paper ballot with a stray word
            i = rng.randrange(len(marks))
            marks[i] = (marks[i][0], rng.choice(STRAY_LABELS))
        table.add(MZ, group, f"MZ{serial:05d}", marks)

    for _ in range(18):
        ballot("leaders", codes, 0.12, 0.0)
    for _ in range(64):
        ballot("reps", codes, 0.16, 0.06)
    for code in codes:
        for _ in range(rng.randint(32, 60)):
            ballot("staff", [code], 0.2, 0.0)
    # Windows and departments that serve the public see most service users.
    weights = [5.0 if assessees[c_] == "window" else 1.0 for c_ in codes]
    for _ in range(1800):
        k = 1 if rng.random() < 0.7 else 2
        marked = list(dict.fromkeys(rng.choices(codes, weights, k=k)))
        ballot("public", marked, 0.22, 0.08)


def _zc_ballots(county: County, assessees: dict[str, str], table: MarkTable,
                rng: random.Random) -> str:  # fmt: skip
    """评最差部门 at the 两评大会 (seed 004): one pick per ballot, some blank, a few void."""
    candidates = [code for code, cat in assessees.items() if cat.startswith("dept_")]
    candidates.sort(key=lambda code: county.quality[code])
    # The department people complain about most: among the weakest, and not the vetoed one.
    worst = candidates[rng.randrange(0, 3)]
    weights = [(1.0 - county.quality[code]) ** 3 for code in candidates]
    weights[candidates.index(worst)] += sum(weights) * 0.4
    serial = 0
    for group, size in (("cadres", 150), ("reps", 90), ("business", 80)):
        for _ in range(size):
            serial += 1
            r = rng.random()
            marks: list[tuple[str | None, str | None]]
            if r < 0.05:  # 弃权: an empty ballot still counts
                marks = [(None, None)]
            elif r < 0.08:  # two names where one is allowed (废票)
                marks = [(code, None) for code in rng.sample(candidates, 2)]
            else:
                marks = [(rng.choices(candidates, weights)[0], None)]
            table.add(ZC, group, f"ZC{serial:04d}", marks)
    return worst


def _sl_ballots(county: County, assessees: dict[str, str], table: MarkTable,
                rng: random.Random) -> list[str]:  # fmt: skip
    """述廉评廉 (seed 004) of the township heads and the departments that handle the most
    money and projects; two of them fall below 60 and go to 组织处理."""
    big_money = ("县发改局", "县财政局", "县住建局", "县交通运输局", "县水利局", "县自然资源局")
    subjects = [u.code for u in county.units if u.kind == "township" or u.name in big_money]
    weakest = sorted(subjects, key=lambda code: county.quality[code])[:6]
    flagged = rng.sample(weakest, 2)
    labels = tuple(SL_OPTIONS)
    serial = 0
    for group, size in (("cadres", 120), ("masses", 70)):
        for _ in range(size):
            serial += 1
            marks = []
            for code in subjects:
                if code in flagged:
                    option = rng.choices(labels, (0.25, 0.3, 0.45))[0]
                else:
                    q = county.quality[code]
                    option = rng.choices(labels, (0.45 + 0.4 * q, 0.3 - 0.2 * q, 0.06))[0]
                if rng.random() < 0.004:
                    option = "很满意"  # not on the form: a void mark
                marks.append((code, option))
            table.add(SL, group, f"SL{serial:04d}", marks)
    return flagged


def document(county: County, rng: random.Random) -> tuple[Raw, dict[str, Any]]:
    """The units plan's raw document, and what was planted in it (for the tests)."""
    assessees = _assessees(county)
    values = _values(county, assessees, rng)
    # 日常考核 comes from the county's year of process assessment (demo/process.py); the old
    # draws are still made so that every later draw (events, ballots) stays as it was.
    for code in assessees:
        c.process_score(rng, county.quality[code])
    process = process_scores(county, assessees)
    events, planted = _events(county, assessees, rng)
    table = MarkTable()
    _mz_ballots(county, assessees, table, rng)
    worst = _zc_ballots(county, assessees, table, rng)
    flagged = _sl_ballots(county, assessees, table, rng)
    raw: Raw = {
        "version": 1,
        "organization": organization(county, unit_categories=assessees),
        "plan": plan_definition(),
        "evaluations": evaluations(),
        "data": {
            "process": process,
            "values": values,
            "events": events,
            "ballot_marks": table.frame(),
        },
    }
    planted.update({"worst": worst, "integrity_below": flagged, "ballots": table.ballots,
                    "non_discriminating": ["Q6"]})  # fmt: skip
    return raw, planted
