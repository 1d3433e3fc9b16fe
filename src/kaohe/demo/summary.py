"""A terminal summary of scored plans: who leads each category, how grades fell, what to fix.

Results JSON (workbook.md) carries codes; the names of the demo's plans, categories,
indicators and evaluations come from the demo's own plan definitions, and anything unknown is
shown by its code, so the summary also works for other documents.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from kaohe.demo import common, plan_cadres, plan_units, plan_villages

# Grades in the order people read them, best first (scoring.md §5's three usual sets).
_GRADE_ORDER = ("优秀", "好", "良好", "较好", "称职", "一般", "基本称职", "较差", "差", "不称职")


_EFFECTS = {"lowest": "定为最低等次", "no_top": "取消评先评优资格"}


@dataclass(slots=True)
class _Catalog:
    plans: dict[str, str] = field(default_factory=dict)  # plan code -> name
    people: set[str] = field(default_factory=set)  # plan codes that rank people
    categories: dict[tuple[str, str], str] = field(default_factory=dict)
    indicators: dict[tuple[str, str], str] = field(default_factory=dict)
    evaluations: dict[str, str] = field(default_factory=dict)
    integrity: set[str] = field(default_factory=set)


@cache
def _catalog() -> _Catalog:
    catalog = _Catalog()
    for module in (plan_units, plan_cadres, plan_villages):
        plan = module.plan_definition()
        catalog.plans[plan["code"]] = plan["name"]
        if plan["assessees"] == "people":
            catalog.people.add(plan["code"])
        for category in plan["categories"]:
            catalog.categories[plan["code"], category["code"]] = category["name"]
            for section in category["sections"]:
                for leaf in common.leaves(section.get("indicators", [])):
                    catalog.indicators[plan["code"], leaf["code"]] = leaf["name"]
        for evaluation in module.evaluations():
            catalog.evaluations[evaluation["code"]] = evaluation["name"]
            if evaluation["kind"] == "integrity":
                catalog.integrity.add(evaluation["code"])
    return catalog


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, right: bool = False) -> str:
    gap = " " * max(0, width - _width(text))
    return gap + text if right else text + gap


def _number(value: float | None) -> str:
    return "—" if value is None else f"{float(value):.2f}"


def _grade_counts(grades: Counter[str]) -> str:
    order = [g for g in _GRADE_ORDER if g in grades] + sorted(
        g for g in grades if g not in _GRADE_ORDER
    )
    return " · ".join(f"{grade} {grades[grade]}" for grade in order)


def _plan_block(result: Mapping[str, Any]) -> list[str]:
    catalog = _catalog()
    plan = str(result.get("plan", ""))
    title = catalog.plans.get(plan)
    unit = "人" if plan in catalog.people else "个"
    assessees: list[Mapping[str, Any]] = list(result.get("assessees", []))
    names = {a["code"]: a["name"] for a in assessees}
    categories: Mapping[str, Mapping[str, Any]] = result.get("categories", {})

    worst_by_category: dict[str, list[str]] = {}
    worst_codes = {pick["assessee"] for named in result.get("worst", {}).values() for pick in named}
    category_of = {a["code"]: a["category"] for a in assessees}
    for evaluation, named in result.get("worst", {}).items():
        label = catalog.evaluations.get(evaluation, f"评最差（{evaluation}）")
        for pick in named:
            code = pick["assessee"]
            share = float(pick["share"]) * 100
            text = f"{label}：{names.get(code, code)} {pick['votes']}票（占{share:.2f}%）"
            worst_by_category.setdefault(category_of.get(code, ""), []).append(text)

    rows: list[tuple[str, str, str, str]] = []
    notes: list[str] = []
    for code, info in categories.items():
        name = catalog.categories.get((plan, code), code)
        members = [a for a in assessees if a["category"] == code]
        top = "、".join(f"{a['name']} {_number(a['total'])}" for a in members[:3]) or "—"
        grades = Counter(str(a["grade"]) for a in members)
        rows.append((name, f"{info.get('n', len(members))}{unit}", _grade_counts(grades), top))
        flagged = [
            f"{ind} {catalog.indicators.get((plan, ind), '')}".rstrip()
            for ind in info.get("non_discriminating", [])
        ]
        if flagged:
            notes.append(f"  {name} 无区分度指标（建议取消或调整）：{'；'.join(flagged)}")
        for text in worst_by_category.get(code, []):
            notes.append(f"  {name} {text}，取消评先评优资格")
        handled = []
        for a in members:
            for flag in a.get("flags", []):
                if not flag.startswith("integrity_below:"):
                    continue
                threshold = flag.split(":", 1)[1]
                scores = [
                    _number(e.get("score"))
                    for ev, e in a.get("evaluations", {}).items()
                    if ev in catalog.integrity
                ]
                score = f"，得分 {scores[0]}" if scores else ""
                handled.append(f"{a['name']}（低于{threshold}分{score}）")
        if handled:
            notes.append(f"  {name} 述廉评廉列入组织处理：{'；'.join(handled)}")
        for a in members:
            vetoes = [
                f"{v['item']}，{_EFFECTS.get(v['effect'], v['effect'])}"
                for v in a.get("vetoes", [])
                if a["code"] not in worst_codes or v["effect"] != "no_top"
            ]
            if vetoes:
                notes.append(
                    f"  {name} 一票否决：{a['name']}（{'；'.join(vetoes)}），定为{a['grade']}"
                )
            if a.get("downgrades"):
                notes.append(
                    f"  {name} 降档：{a['name']} 下调{a['downgrades']}个档次，定为{a['grade']}"
                )

    header = ("类别", "人数", "等次分布", "前三名（总分）")
    widths = [max(_width(row[i]) for row in [header, *rows]) for i in range(4)]
    lines = [f"{title}（{plan}）" if title else plan]

    def line(row: tuple[str, str, str, str]) -> str:
        cells = [_pad(row[0], widths[0]), _pad(row[1], widths[1], right=True),
                 _pad(row[2], widths[2]), row[3]]  # fmt: skip
        return ("  " + "  ".join(cells)).rstrip()

    lines.append(line(header))
    lines.append("  " + "  ".join("─" * w for w in widths))
    lines.extend(line(row) for row in rows)
    if notes:
        lines.append("")
        lines.extend(notes)
    return lines


def demo_summary(results: Sequence[Mapping[str, Any]]) -> str:
    """A readable Chinese summary of scored plans (each a `Results.to_dict()`), one block each.

    For every category: its size, the top three with their totals, how many got each grade;
    then indicators that separate nobody, the worst-vote picks and who goes to 组织处理 after
    述廉评廉.
    """
    blocks = ["\n".join(_plan_block(result)) for result in results]
    return "\n\n".join(blocks) + "\n"
