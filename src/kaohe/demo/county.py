"""The demo county 青山县: its organisation tree, its people and how well each unit works.

The tree is the same in every plan's document; only the `category` column differs, because in
a workbook a unit's or person's category is that plan's classification (a village has a
category in the village plan and none in the units plan). `quality` is the hidden truth behind
the generated data: a well-run unit tends to complete its targets, satisfy its raters and
escape the worst vote, so the three plans tell one consistent story about the county.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from kaohe.demo.names import NamePool

COUNTY = "青山县"

# 乡 are headed by a 乡长, 镇 by a 镇长; 城关镇 is the county seat.
TOWNSHIPS: tuple[str, ...] = (
    "城关镇", "河口镇", "兴隆镇", "双河镇", "石门镇", "松林乡", "白石乡", "新华乡", "永安乡",
    "龙泉乡",
)  # fmt: skip

# Four classes of county departments (seed 000: 党群 / 执法 / 政务 / 经济), nine each,
# with the title of the person who answers for the unit in the cadre plan.
DEPARTMENTS: dict[str, tuple[tuple[str, str], ...]] = {
    "DQ": (
        ("县委组织部", "常务副部长"), ("县委宣传部", "常务副部长"), ("县委统战部", "常务副部长"),
        ("县委政法委", "常务副书记"), ("县委巡察办", "主任"), ("县委党校", "常务副校长"),
        ("县总工会", "常务副主席"), ("团县委", "书记"), ("县妇联", "主席"),
    ),
    "ZF": (
        ("县公安局", "局长"), ("县司法局", "局长"), ("县市场监督管理局", "局长"),
        ("县应急管理局", "局长"), ("县城市管理综合执法局", "局长"), ("县自然资源局", "局长"),
        ("县生态环境分局", "局长"), ("县税务局", "局长"), ("县消防救援大队", "大队长"),
    ),
    "ZW": (
        ("县发改局", "局长"), ("县财政局", "局长"), ("县教育局", "局长"), ("县民政局", "局长"),
        ("县人社局", "局长"), ("县卫健局", "局长"), ("县退役军人事务局", "局长"),
        ("县统计局", "局长"), ("县审计局", "局长"),
    ),
    "JJ": (
        ("县商务局", "局长"), ("县工信局", "局长"), ("县农业农村局", "局长"),
        ("县水利局", "局长"), ("县住建局", "局长"), ("县交通运输局", "局长"),
        ("县文旅局", "局长"), ("县林业和草原局", "局长"), ("县招商服务中心", "主任"),
    ),
}  # fmt: skip

# 窗口单位: units that serve the public over the counter (seed 000: 服务效能、服务对象满意度).
WINDOWS: tuple[tuple[str, str], ...] = (
    ("县政务服务中心", "主任"), ("县不动产登记中心", "主任"), ("县住房公积金管理中心", "主任"),
    ("县社会保险事业中心", "主任"), ("县公共资源交易中心", "主任"), ("县医疗保障服务中心", "主任"),
)  # fmt: skip

# Offices that assess indicators (考核主体, seed 000) and are not assessed themselves.
OFFICES: tuple[tuple[str, str], ...] = (
    ("XWB", "县委办公室"),
    ("ZFB", "县政府办公室"),
    ("KHB", "县委考核办"),
)

_COMMUNITIES = ("东城社区", "西城社区", "南街社区", "北街社区", "站前社区", "新城社区")
_VILLAGE_STEMS = (
    "东风", "红旗", "胜利", "前进", "新民", "太平", "团结", "永丰", "丰收", "幸福", "光明",
    "长胜", "向阳", "建设", "和平", "富强", "双山", "三合", "四方", "五星", "六合", "七星",
    "八里", "九龙", "柳树", "杨树", "榆树", "桦树", "黄土岗", "白杨", "河东", "河西", "西岗",
    "北沟", "南岭", "东湖", "马鞍山", "王家", "李家", "张家", "刘家", "赵家", "孙家", "高家",
    "新发", "新立", "兴安", "保安", "永胜", "曙光", "民主", "群力", "联合", "红星", "金沙",
    "卧龙", "青松", "石桥", "大岭", "小河",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Unit:
    code: str
    name: str
    kind: str  # township, DQ, ZF, ZW, JJ, window, village, office
    parent: str | None = None
    head_title: str | None = None


@dataclass(frozen=True, slots=True)
class Person:
    code: str
    name: str
    unit: str
    position: str
    role: str  # cadre | village_cadre (the `role` extension, docs/extensions.md)


@dataclass(slots=True)
class County:
    name: str
    units: list[Unit] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    quality: dict[str, float] = field(default_factory=dict)  # unit or person code -> 0..1
    population: dict[str, int] = field(default_factory=dict)  # villages: 户籍人口
    forest: dict[str, bool] = field(default_factory=dict)  # villages/townships with forest

    def of_kind(self, *kinds: str) -> list[Unit]:
        return [u for u in self.units if u.kind in kinds]

    def unit(self, code: str) -> Unit:
        return next(u for u in self.units if u.code == code)

    def cadres(self) -> list[Person]:
        return [p for p in self.people if p.role == "cadre"]


def _clamp(x: float, lo: float = 0.0, hi: float = 1.0) -> float:
    return min(hi, max(lo, x))


def build_county(rng: random.Random) -> County:
    """The county's units and people, with the hidden quality of each (deterministic in rng)."""
    county = County(COUNTY)
    names = NamePool(rng)

    def add(unit: Unit) -> None:
        county.units.append(unit)
        county.quality[unit.code] = _clamp(rng.gauss(0.6, 0.18), 0.05, 0.98)

    for code, name in OFFICES:
        county.units.append(Unit(code, name, "office"))
    stems = list(_VILLAGE_STEMS)
    rng.shuffle(stems)
    for t, town in enumerate(TOWNSHIPS, start=1):
        head = "乡长" if town.endswith("乡") else "镇长"
        add(Unit(f"XZ{t:02d}", town, "township", None, head))
        county.forest[f"XZ{t:02d}"] = town != "城关镇"
    for kind, departments in DEPARTMENTS.items():
        for d, (name, title) in enumerate(departments, start=1):
            add(Unit(f"{kind}{d:02d}", name, kind, None, title))
    for w, (name, title) in enumerate(WINDOWS, start=1):
        add(Unit(f"CK{w:02d}", name, "window", None, title))
    # Villages (seed 003: each village its own 状), 4–6 per township; 城关镇 has communities.
    for t, town in enumerate(TOWNSHIPS, start=1):
        count = rng.randint(4, 6)
        for v in range(1, count + 1):
            code = f"CUN{t:02d}{v:02d}"
            name = _COMMUNITIES[v - 1] if town == "城关镇" else stems.pop() + "村"
            add(Unit(code, name, "village", f"XZ{t:02d}"))
            community = town == "城关镇"
            low, high = (2500, 6500) if community else (500, 4200)
            county.population[code] = rng.randrange(low, high, 10)
            county.forest[code] = not community and rng.random() < 0.7

    # People: the two leaders of each township, the head of each department and window,
    # and the village cadres (one person as 书记兼主任 where the posts are held together).
    serial = 0

    def person(unit: Unit, position: str, role: str, base: float) -> None:
        nonlocal serial
        serial += 1
        code = f"P{serial:04d}"
        county.people.append(Person(code, names.draw(), unit.code, position, role))
        # A leader mostly is the unit's quality, plus their own share of it.
        county.quality[code] = _clamp(base + rng.gauss(0, 0.1), 0.05, 0.98)

    for unit in county.of_kind("township"):
        person(unit, "党委书记", "cadre", county.quality[unit.code])
        person(unit, unit.head_title or "镇长", "cadre", county.quality[unit.code])
    for unit in county.of_kind("DQ", "ZF", "ZW", "JJ", "window"):
        person(unit, unit.head_title or "局长", "cadre", county.quality[unit.code])
    for unit in county.of_kind("village"):
        base = county.quality[unit.code]
        if rng.random() < 0.7:  # 一肩挑
            person(unit, "村党支部书记、村委会主任", "village_cadre", base)
        else:
            person(unit, "村党支部书记", "village_cadre", base)
            person(unit, "村委会主任", "village_cadre", base)
    return county


def organization(
    county: County,
    unit_categories: dict[str, str] | None = None,
    person_categories: dict[str, str] | None = None,
) -> dict[str, object]:
    """The `organization` section of a document, with this plan's categories filled in."""
    unit_categories = unit_categories or {}
    person_categories = person_categories or {}
    units = []
    for u in county.units:
        row: dict[str, object] = {"code": u.code, "name": u.name}
        if u.code in unit_categories:
            row["category"] = unit_categories[u.code]
        if u.parent is not None:
            row["parent"] = u.parent
        units.append(row)
    people = []
    for p in county.people:
        row = {"code": p.code, "name": p.name, "unit": p.unit, "position": p.position}
        if p.code in person_categories:
            row["category"] = person_categories[p.code]
        row["role"] = p.role
        people.append(row)
    return {"name": county.name, "units": units, "people": people}
