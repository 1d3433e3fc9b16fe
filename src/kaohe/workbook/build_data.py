"""Builder part 2: the plan's assessees and the year's data (scale, process, values, events)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kaohe.engine.model import Assessee, Event, Indicator, Organization, Plan, Value
from kaohe.errors import Path
from kaohe.workbook.build_common import Problems, show
from kaohe.workbook.build_plan import EFFECTS
from kaohe.workbook.build_values import TABLE_ROW, ValueRows, leaf_value

EVENT_TYPES = ("bonus", "deduction", "veto", "downgrade")


def build_assessees(org: Organization, plan: Plan, p: Problems) -> tuple[Assessee, ...]:
    """The plan's kind with a non-null category; the category must be declared by the plan."""
    declared = {c.code for c in plan.categories}
    assessees = []
    if plan.assessees == "units":
        for i, unit in enumerate(org.units):
            if unit.category is None:
                continue
            if unit.category not in declared:
                p.add(
                    ("organization", "units", i, "category"), f"类别 {unit.category} 未在方案中声明"
                )
                continue
            assessees.append(Assessee(unit.code, unit.name, unit.category))
    else:
        for i, person in enumerate(org.people):
            if person.category is None:
                continue
            if person.category not in declared:
                p.add(
                    ("organization", "people", i, "category"),
                    f"类别 {person.category} 未在方案中声明",
                )
                continue
            assessees.append(
                Assessee(person.code, person.name, person.category, person.unit, person.position)
            )
    return tuple(assessees)


def _per_assessee(
    raw: Any,
    path: Path,
    p: Problems,
    known: set[str],
    what: str,
    *,
    low: float,
    high: float | None,
    low_open: bool = False,
) -> dict[str, float]:
    node = p.mapping(raw, path, what) if raw is not None else {}
    table: dict[str, float] = {}
    for code, value in (node or {}).items():
        here = (*path, str(code))
        if str(code) not in known:
            p.add(here, f"{what}中的考核对象 {code} 不存在")
            continue
        if value is None or (isinstance(value, str) and not value.strip()):
            continue  # missing
        number = p.number(value, here, f"{code} 的{what}", low=low, high=high, low_open=low_open)
        if number is not None:
            table[str(code)] = number
    return table


def build_scale(raw: Any, p: Problems, known: set[str]) -> dict[str, float]:
    return _per_assessee(
        raw, ("data", "scale"), p, known, "规模系数", low=0, high=None, low_open=True
    )


def build_process(raw: Any, p: Problems, known: set[str]) -> dict[str, float]:
    return _per_assessee(raw, ("data", "process"), p, known, "日常考核得分", low=0, high=100)


def build_values(
    raw: Any,
    p: Problems,
    assessees: Mapping[str, Assessee],
    plan: Plan,
    rows: Any = None,
) -> dict[tuple[str, str], Value]:
    """Leaf values: numbers, labels or N/A; missing (null, empty) rows are left out.

    `raw` is the list of rows; `rows` the columnar ``data.value_rows`` a big values.csv is
    read into, whose rows hold their places in the list as `TABLE_ROW` (checked vectorised,
    with the same problems at the same places).
    """
    nodes: dict[str, dict[str, Indicator]] = {}
    for category in plan.categories:
        table: dict[str, Indicator] = {}

        def walk(indicator: Indicator, table: dict[str, Indicator] = table) -> None:
            table[indicator.code] = indicator
            for child in indicator.children:
                walk(child)

        for section in category.sections:
            for indicator in section.indicators:
                walk(indicator)
        nodes[category.code] = table
    values: dict[tuple[str, str], Value] = {}
    seen: dict[tuple[str, str], Path] = {}
    items = p.items_list(raw, ("data", "values"), "values ")
    if items.count(TABLE_ROW) == len(items):
        items = []  # every row is in the table (a values.csv): no list item to check
    table = ValueRows(rows, p, assessees, nodes) if rows is not None else None
    # Where a key first appears in the table, for the list items after it (duplicates).
    earlier = table.first_rows(items) if table is not None else {}
    for i, item in enumerate(items):
        if item is TABLE_ROW:
            continue  # this row is in the table
        here: Path = ("data", "values", i)
        row = p.mapping(item, here, "指标值")
        if row is None:
            continue
        code = p.code(row, here, "assessee")
        indicator = p.code(row, here, "indicator")
        if code is None or indicator is None:
            continue
        assessee = assessees.get(code)
        if assessee is None:
            p.add((*here, "assessee"), f"考核对象 {code} 不存在（或不属于本方案的任何类别）")
            continue
        node = nodes.get(assessee.category, {}).get(indicator)
        if node is None:
            p.add((*here, "indicator"), f"类别 {assessee.category} 中没有指标 {indicator}")
            continue
        if not node.is_leaf:
            p.add((*here, "indicator"), f"指标 {indicator} 有下级指标，值只能填在末级指标上")
            continue
        key = (code, indicator)
        first = seen.get(key)
        if key in earlier and earlier[key] < i:
            first = ("data", "values", earlier[key])
        if first is not None:
            p.add(here, f"考核对象 {code} 的指标 {indicator} 重复填报（已在 {p.locate(first)}）")
            continue
        seen[key] = here
        value = row.get("value")
        if value is None or (isinstance(value, str) and not value.strip()):
            continue  # missing
        parsed = leaf_value(value, node, (*here, "value"), p)
        if parsed is not None:
            values[key] = parsed
    if table is not None:
        table.finish(values, seen)
    return values


def build_events(raw: Any, p: Problems, known: set[str], plan: Plan) -> tuple[Event, ...]:
    items = {v.item: v.effect for v in plan.vetoes}
    events = []
    for i, item in enumerate(p.items_list(raw, ("data", "events"), "events ")):
        here: Path = ("data", "events", i)
        row = p.mapping(item, here, "事件")
        if row is None:
            continue
        code = p.code(row, here, "assessee")
        kind = row.get("type")
        if code is not None and code not in known:
            p.add((*here, "assessee"), f"考核对象 {code} 不存在（或不属于本方案的任何类别）")
            code = None
        if kind not in EVENT_TYPES:
            p.add(
                (*here, "type"), f"type 应为 bonus/deduction/veto/downgrade 之一，实为 {show(kind)}"
            )
            continue
        reason = p.text(row, here, "reason", "") or ""
        if kind in ("bonus", "deduction"):
            points = p.number(row.get("points"), (*here, "points"), "分数 points ", low=0)
            if code is not None and points is not None:
                events.append(Event(code, kind, points=points, reason=reason))
        elif kind == "veto":
            veto_item = p.code(row, here, "item")
            effect = row.get("effect")
            if effect is not None and effect not in EFFECTS:
                p.add((*here, "effect"), f"effect 应为 lowest 或 no_top，实为 {show(effect)}")
                continue
            if effect is None and veto_item is not None:
                if veto_item not in items:
                    p.add(
                        (*here, "item"),
                        f"一票否决项 {veto_item} 不在方案 vetoes 中，且未给出 effect",
                    )
                    continue
                effect = items[veto_item]
            if code is not None and veto_item is not None:
                events.append(Event(code, "veto", item=veto_item, effect=effect, reason=reason))
        elif code is not None:
            events.append(Event(code, "downgrade", reason=reason))
    return tuple(events)
