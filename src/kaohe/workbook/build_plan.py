"""Builder part 1: organisation, plan (categories, sections, indicators, grades), evaluations."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kaohe.engine import probation
from kaohe.engine.model import (
    Category,
    Evaluation,
    Grade,
    Group,
    Indicator,
    Organization,
    Person,
    Plan,
    Section,
    Unit,
    VetoItem,
)
from kaohe.errors import Path
from kaohe.workbook.build_common import Problems, number_text, show

EFFECTS = ("lowest", "no_top")
METHODS = ("ratio", "tiered", "grade", "direct", "deduct", "rank")
ROLES = ("cadre", "village_cadre", "party_member", "representative", "household")
TOLERANCE = 1e-6
INTEGRITY_OPTIONS = {"满意": 100.0, "基本满意": 60.0, "不满意": 0.0}


def _duplicates(
    seen: dict[str, Path], code: str | None, path: Path, p: Problems, what: str
) -> None:
    if code is None:
        return
    if code in seen:
        p.add((*path, "code"), f"{what}编码 {code} 重复（已在 {p.locate(seen[code])} 出现）")
    else:
        seen[code] = path


def build_organization(raw: Any, p: Problems) -> Organization:
    path: Path = ("organization",)
    node = p.mapping(raw, path, "organization ") or {}
    units: list[Unit] = []
    seen: dict[str, Path] = {}
    for i, item in enumerate(p.items_list(node.get("units"), (*path, "units"), "units ")):
        here = (*path, "units", i)
        unit = p.mapping(item, here, "单位")
        if unit is None:
            continue
        code = p.code(unit, here)
        _duplicates(seen, code, here, p, "单位")
        if code is not None:
            units.append(
                Unit(
                    code,
                    p.text(unit, here, "name", code) or code,
                    p.text(unit, here, "category"),
                    p.text(unit, here, "parent"),
                )
            )
    unit_codes = {u.code for u in units}
    for i, unit in enumerate(units):
        if unit.parent is not None and unit.parent not in unit_codes:
            p.add((*path, "units", i, "parent"), f"上级单位 {unit.parent} 不存在")
    people: list[Person] = []
    seen_people: dict[str, Path] = {}
    for i, item in enumerate(p.items_list(node.get("people"), (*path, "people"), "people ")):
        here = (*path, "people", i)
        person = p.mapping(item, here, "人员")
        if person is None:
            continue
        code = p.code(person, here)
        _duplicates(seen_people, code, here, p, "人员")
        unit_code = p.text(person, here, "unit")
        if unit_code is not None and unit_code not in unit_codes:
            p.add((*here, "unit"), f"所在单位 {unit_code} 不存在")
        role = p.text(person, here, "role")
        if role is not None and role not in ROLES:
            p.add((*here, "role"), f"role 应为 {'/'.join(ROLES)} 之一，实为 {show(role)}")
            role = None
        if code is not None:
            people.append(
                Person(
                    code,
                    p.text(person, here, "name", code) or code,
                    unit_code,
                    p.text(person, here, "position"),
                    p.text(person, here, "category"),
                    role,
                )
            )
    name = p.text(node, path, "name", "") or ""
    return Organization(name, tuple(units), tuple(people))


def _method_params(
    node: Mapping[str, Any], path: Path, p: Problems, points: float
) -> dict[str, Any]:
    method = node.get("method")
    params: dict[str, Any] = {}
    if method not in METHODS:
        p.add((*path, "method"), f"计分方法应为 {'/'.join(METHODS)} 之一，实为 {show(method)}")
        return params
    params["method"] = method
    direction = node.get("direction", "higher")
    if method in ("ratio", "rank"):
        if direction not in ("higher", "lower"):
            p.add((*path, "direction"), f"direction 应为 higher 或 lower，实为 {show(direction)}")
        else:
            params["direction"] = direction
    if method == "ratio":
        if node.get("target") is None:
            p.add((*path, "target"), "ratio 计分需要 target（目标值），且应大于 0")
        else:
            target = p.number(node["target"], (*path, "target"), "target ", low=0, low_open=True)
            if target is not None:
                params["target"] = target
        if node.get("cap") is not None:
            cap = p.number(node["cap"], (*path, "cap"), "cap ", low=0)
            if cap is not None:
                params["cap"] = cap
    elif method == "tiered":
        if node.get("target") is not None:
            target = p.number(node["target"], (*path, "target"), "target ", low=0, low_open=True)
            if target is not None:
                params["target"] = target
        tiers: list[tuple[float, float]] = []
        raw_tiers = p.items_list(node.get("tiers"), (*path, "tiers"), "tiers ")
        if not raw_tiers:
            p.add((*path, "tiers"), "tiered 计分需要 tiers（[门槛, 得分比例] 列表）")
        for j, tier in enumerate(raw_tiers):
            here = (*path, "tiers", j)
            if not isinstance(tier, list | tuple) or len(tier) != 2:
                p.add(here, f"档次应为 [门槛, 得分比例]，实为 {show(tier)}")
                continue
            threshold = p.number(tier[0], (*here, 0), "门槛")
            fraction = p.number(tier[1], (*here, 1), "得分比例")
            if threshold is None or fraction is None:
                continue
            if tiers and threshold > tiers[-1][0]:
                p.add(
                    (*here, 0),
                    f"档次门槛应从高到低排列，{number_text(threshold)} 高于上一档 "
                    f"{number_text(tiers[-1][0])}",
                )
            tiers.append((threshold, fraction))
        params["tiers"] = tuple(tiers)
        if node.get("floor") is not None:
            floor = p.number(node["floor"], (*path, "floor"), "floor ")
            if floor is not None:
                params["floor"] = floor
    elif method == "grade":
        grades = p.mapping(node.get("grades"), (*path, "grades"), "grade 计分的 grades ")
        if grades is not None:
            if not grades:
                p.add((*path, "grades"), "grade 计分需要至少一个等级标签")
            table: dict[str, float] = {}
            for label, fraction in grades.items():
                value = p.number(
                    fraction, (*path, "grades", str(label)), f"等级 {label} 的得分比例"
                )
                if value is not None:
                    table[str(label)] = value
            params["grades"] = table
    elif method == "deduct":
        if node.get("per") is None:
            p.add((*path, "per"), "deduct 计分需要 per（每次扣分），且应不小于 0")
        else:
            per = p.number(node["per"], (*path, "per"), "per ", low=0)
            if per is not None:
                params["per"] = per
    elif method == "rank" and node.get("floor") is not None:
        floor = p.number(node["floor"], (*path, "floor"), "rank 的 floor ", low=0, high=1)
        if floor is not None:
            params["floor"] = floor
    return params


def _indicator(raw: Any, path: Path, p: Problems, seen: dict[str, Path]) -> Indicator | None:
    node = p.mapping(raw, path, "指标")
    if node is None:
        return None
    code = p.code(node, path)
    _duplicates(seen, code, path, p, "指标")
    points = p.number(node.get("points"), (*path, "points"), "分值 points ", low=0)
    name = p.text(node, path, "name", code) or ""
    assessor = p.text(node, path, "assessor")
    if node.get("indicators") is not None:
        if node.get("method") is not None:
            p.add((*path, "method"), f"指标 {code} 有下级指标，不应设置计分方法")
        children = [
            _indicator(child, (*path, "indicators", j), p, seen)
            for j, child in enumerate(p.items_list(node["indicators"], (*path, "indicators"), ""))
        ]
        kids = tuple(c for c in children if c is not None)
        if not kids:
            p.add((*path, "indicators"), f"指标 {code} 的下级指标列表为空")
        elif points is not None and len(kids) == len(children):
            total = sum(c.points for c in kids)
            if abs(total - points) > TOLERANCE:
                p.add(
                    (*path, "indicators"),
                    f"指标 {code} 的下级指标分值之和为 {number_text(total)}，"
                    f"应为 {number_text(points)}",
                )
        if code is None or points is None:
            return None
        return Indicator(code, name, points, None, kids, assessor=assessor)
    if node.get("method") is None:
        p.add((*path, "method"), f"指标 {code} 缺少计分方法 method（或下级指标 indicators）")
        return None
    params = _method_params(node, path, p, points or 0.0)
    if code is None or points is None or "method" not in params:
        return None
    return Indicator(code, name, points, assessor=assessor, **params)


def _section(raw: Any, path: Path, p: Problems, seen: dict[str, Path]) -> Section | None:
    node = p.mapping(raw, path, "一级指标")
    if node is None:
        return None
    code = p.code(node, path)
    points = p.number(node.get("points"), (*path, "points"), "分值 points ", low=0)
    name = p.text(node, path, "name", code) or ""
    source = node.get("source")
    evaluation = node.get("evaluation")
    has_indicators = node.get("indicators") is not None
    kinds = sum([has_indicators, source == "process", evaluation is not None])
    if source not in (None, "process", "evaluation", "indicators"):
        p.add((*path, "source"), f"source 应为 process 或 evaluation，实为 {show(source)}")
        return None
    if kinds != 1 or (source == "evaluation" and evaluation is None):
        p.add(path, f"一级指标 {code} 应且只应有 indicators、source: process 或 evaluation 之一")
        return None
    if code is None or points is None:
        return None
    if source == "process":
        return Section(code, name, points, "process")
    if evaluation is not None:
        text = p.text(node, path, "evaluation")
        return Section(code, name, points, "evaluation", evaluation=text)
    children = [
        _indicator(child, (*path, "indicators", j), p, seen)
        for j, child in enumerate(p.items_list(node["indicators"], (*path, "indicators"), ""))
    ]
    indicators = tuple(c for c in children if c is not None)
    if not children:
        p.add((*path, "indicators"), f"一级指标 {code} 没有二级指标")
    elif len(indicators) == len(children):
        total = sum(c.points for c in indicators)
        if abs(total - points) > TOLERANCE:
            p.add(
                (*path, "indicators"),
                f"一级指标 {code} 的二级指标分值之和为 {number_text(total)}，"
                f"应为 {number_text(points)}",
            )
    return Section(code, name, points, "indicators", indicators)


def _grades(raw: Any, path: Path, p: Problems) -> tuple[Grade, ...]:
    grades: list[Grade] = []
    names: set[str] = set()
    items = p.items_list(raw, path, "grades ")
    if not items:
        p.add(path, "类别至少需要一个等次")
    quota_run_ended = False
    for i, item in enumerate(items):
        here = (*path, i)
        node = p.mapping(item, here, "等次")
        if node is None:
            continue
        name = p.text(node, here, "name")
        if not name:
            p.add((*here, "name"), "缺少等次名称 name")
            continue
        if name in names:
            p.add((*here, "name"), f"等次 {name} 重复")
        names.add(name)
        last = i == len(items) - 1
        quota = min_score = None
        if node.get("quota") is not None:
            quota = p.number(node["quota"], (*here, "quota"), "名额比例 quota ", low=0, high=100)
            if last:
                p.add((*here, "quota"), f"最后一个等次 {name} 接纳其余所有人，不能设置 quota")
            elif quota_run_ended:
                p.add(
                    (*here, "quota"),
                    f"等次 {name} 设有 quota，但更好的等次没有：名额应从第一个等次起连续设置",
                )
        elif not last:
            quota_run_ended = True
        if node.get("min_score") is not None:
            min_score = p.number(node["min_score"], (*here, "min_score"), "最低分 min_score ")
            if last:
                p.add((*here, "min_score"), f"最后一个等次 {name} 不能设置 min_score")
        grades.append(Grade(name, None if last else quota, None if last else min_score))
    return tuple(grades)


def _category(raw: Any, path: Path, p: Problems) -> Category | None:
    node = p.mapping(raw, path, "考核类别")
    if node is None:
        return None
    code = p.code(node, path)
    name = p.text(node, path, "name", code) or ""
    full = 100.0
    if node.get("full_score") is not None:
        full = (
            p.number(
                node["full_score"], (*path, "full_score"), "满分 full_score ", low=0, low_open=True
            )
            or 100.0
        )
    seen: dict[str, Path] = {}
    seen_sections: dict[str, Path] = {}
    raw_sections = p.items_list(node.get("sections"), (*path, "sections"), "sections ")
    sections = []
    complete = True
    for j, item in enumerate(raw_sections):
        section = _section(item, (*path, "sections", j), p, seen)
        if section is None:
            complete = False
            continue
        _duplicates(seen_sections, section.code, (*path, "sections", j), p, "一级指标")
        sections.append(section)
    if not raw_sections:
        p.add((*path, "sections"), f"类别 {code} 没有一级指标")
    elif complete:
        total = sum(s.points for s in sections)
        if abs(total - full) > TOLERANCE:
            p.add(
                (*path, "sections"),
                f"类别 {code} 的一级指标分值之和为 {number_text(total)}，应为 {number_text(full)}",
            )
    tiebreak = None
    if node.get("tiebreak") is not None:
        codes = [str(c) for c in p.items_list(node["tiebreak"], (*path, "tiebreak"), "tiebreak ")]
        known = {s.code for s in sections}
        for j, section_code in enumerate(codes):
            if complete and section_code not in known:
                p.add(
                    (*path, "tiebreak", j),
                    f"tiebreak 中的一级指标 {section_code} 不存在于类别 {code}",
                )
        tiebreak = tuple(codes)
    grades = _grades(node.get("grades"), (*path, "grades"), p)
    if code is None:
        return None
    return Category(code, name, tuple(sections), grades, full, tiebreak)


def build_plan(raw: Any, p: Problems) -> Plan:
    path: Path = ("plan",)
    node = p.mapping(raw, path, "plan ")
    if node is None:
        return Plan("", "", 0, ())
    code = p.code(node, path) or ""
    year = 0
    if node.get("year") is not None:
        year = p.integer(node["year"], (*path, "year"), "年度 year ", low=0, high=9999) or 0
    else:
        p.add((*path, "year"), "缺少年度 year")
    kind = node.get("assessees", "units")
    if kind not in ("units", "people"):
        p.add((*path, "assessees"), f"assessees 应为 units 或 people，实为 {show(kind)}")
        kind = "units"
    bonus_cap = None
    if node.get("bonus_cap") is not None:
        bonus_cap = p.number(node["bonus_cap"], (*path, "bonus_cap"), "加分上限 bonus_cap ", low=0)
    share = 0.9
    if node.get("non_discriminating_share") is not None:
        share = p.number(
            node["non_discriminating_share"], (*path, "non_discriminating_share"),
            "non_discriminating_share ", low=0, high=1,
        ) or 0.9  # fmt: skip
    vetoes: list[VetoItem] = []
    items: set[str] = set()
    for i, item in enumerate(p.items_list(node.get("vetoes"), (*path, "vetoes"), "vetoes ")):
        here = (*path, "vetoes", i)
        veto = p.mapping(item, here, "一票否决项")
        if veto is None:
            continue
        name = p.code(veto, here, "item")
        effect = veto.get("effect", "lowest")
        if effect not in EFFECTS:
            p.add((*here, "effect"), f"effect 应为 lowest 或 no_top，实为 {show(effect)}")
            continue
        if name is None:
            continue
        if name in items:
            p.add((*here, "item"), f"一票否决项 {name} 重复")
        items.add(name)
        vetoes.append(VetoItem(name, effect))
    categories = []
    seen: dict[str, Path] = {}
    raw_categories = p.items_list(node.get("categories"), (*path, "categories"), "categories ")
    if not raw_categories:
        p.add((*path, "categories"), "方案至少需要一个考核类别")
    for i, item in enumerate(raw_categories):
        category = _category(item, (*path, "categories", i), p)
        if category is not None:
            _duplicates(seen, category.code, (*path, "categories", i), p, "类别")
            categories.append(category)
    return Plan(
        code=code,
        name=p.text(node, path, "name", code) or "",
        year=year,
        categories=tuple(categories),
        assessees=kind,
        bonus_cap=bonus_cap,
        non_discriminating_share=share,
        vetoes=tuple(vetoes),
    )


def _labels(raw: Any, path: Path, p: Problems, what: str) -> dict[str, float]:
    node = p.mapping(raw, path, what)
    table: dict[str, float] = {}
    for label, value in (node or {}).items():
        number = p.number(value, (*path, str(label)), f"选项 {label} 的分值", low=0, high=100)
        if number is not None:
            table[str(label)] = number
    return table


def _evaluation(raw: Any, path: Path, p: Problems, plan: Plan) -> Evaluation | None:
    node = p.mapping(raw, path, "测评")
    if node is None:
        return None
    code = p.code(node, path)
    name = p.text(node, path, "name", code) or ""
    kind = node.get("kind", "standard")
    if kind not in ("standard", "worst", "integrity", "probation"):
        p.add(
            (*path, "kind"),
            f"kind 应为 standard/worst/integrity/probation 之一，实为 {show(kind)}",
        )
        return None
    groups: list[Group] = []
    seen: dict[str, Path] = {}
    raw_groups = p.items_list(node.get("groups"), (*path, "groups"), "groups ")
    if not raw_groups:
        p.add((*path, "groups"), f"测评 {code} 至少需要一个测评主体 groups")
    for i, item in enumerate(raw_groups):
        here = (*path, "groups", i)
        group = p.mapping(item, here, "测评主体")
        if group is None:
            continue
        gcode = p.code(group, here)
        _duplicates(seen, gcode, here, p, "测评主体")
        weight = 1.0
        if group.get("weight") is not None:
            weight = (
                p.number(group["weight"], (*here, "weight"), "权重 weight ", low=0, low_open=True)
                or 1.0
            )
        trim = 0
        if group.get("trim") is not None:
            trim = p.integer(group["trim"], (*here, "trim"), "trim ", low=0) or 0
        min_ballots = 1
        if group.get("min_ballots") is not None:
            min_ballots = (
                p.integer(group["min_ballots"], (*here, "min_ballots"), "min_ballots ", low=1) or 1
            )
        if gcode is not None:
            groups.append(
                Group(gcode, p.text(group, here, "name", gcode) or gcode, weight, trim, min_ballots)
            )
    if code is None:
        return None
    if kind == "worst":
        max_picks = None
        if node.get("max_picks") is not None:
            max_picks = p.integer(node["max_picks"], (*path, "max_picks"), "max_picks ", low=1)
        threshold = 0.0
        if node.get("threshold") is not None:
            threshold = (
                p.number(node["threshold"], (*path, "threshold"), "threshold ", low=0, high=1)
                or 0.0
            )
        veto = _worst_veto(node.get("veto"), (*path, "veto"), p, plan, code)
        return Evaluation(
            code,
            name,
            tuple(groups),
            kind="worst",
            max_picks=max_picks,
            threshold=threshold,
            veto=veto,
        )
    form = node.get("form", "grade")
    if form not in ("grade", "dimensions", "score"):
        p.add((*path, "form"), f"form 应为 grade/dimensions/score 之一，实为 {show(form)}")
        return None
    if kind == "integrity" and form != "grade":
        p.add((*path, "form"), "述廉评廉（integrity）测评应为 grade 形式")
    if kind == "probation" and form != "grade":
        p.add((*path, "form"), "试用期满测评（probation）应为 grade 形式")
    options: dict[str, float] = {}
    satisfied: tuple[str, ...] = ()
    if form in ("grade", "dimensions"):
        if node.get("options") is None and kind == "integrity":
            options = dict(INTEGRITY_OPTIONS)
            satisfied = ("满意", "基本满意")
        elif node.get("options") is None and kind == "probation":
            options = dict(probation.DEFAULT_OPTIONS)
            satisfied = probation.DEFAULT_SATISFIED
        else:
            options = _labels(node.get("options"), (*path, "options"), p, "options ")
            if not options and node.get("options") is not None:
                p.add((*path, "options"), "options 至少需要一个选项")
            elif node.get("options") is None:
                p.add((*path, "options"), f"{form} 形式的测评需要 options（选项: 分值）")
    if node.get("satisfied") is not None:
        labels = [
            str(x) for x in p.items_list(node["satisfied"], (*path, "satisfied"), "satisfied ")
        ]
        for j, label in enumerate(labels):
            if options and label not in options:
                p.add((*path, "satisfied", j), f"satisfied 中的 {label} 不是测评 {code} 的选项")
        satisfied = tuple(labels)
    dimensions: dict[str, float] = {}
    if form == "dimensions":
        table = p.mapping(node.get("dimensions"), (*path, "dimensions"), "dimensions ") or {}
        if not table:
            p.add((*path, "dimensions"), "dimensions 形式需要至少一个维度（维度: 权重）")
        for dim, weight in table.items():
            w = p.number(
                weight, (*path, "dimensions", str(dim)), f"维度 {dim} 的权重", low=0, low_open=True
            )
            if w is not None:
                dimensions[str(dim)] = w
    maximum = 100.0
    if node.get("max") is not None:
        maximum = p.number(node["max"], (*path, "max"), "满分 max ", low=0, low_open=True) or 100.0
    max_top_share = None
    if node.get("max_top_share") is not None:
        max_top_share = p.number(
            node["max_top_share"], (*path, "max_top_share"), "max_top_share ", low=0, high=1
        )
    handling = 60.0
    handling_text = "60"
    if node.get("handling_below") is not None:
        value = p.number(node["handling_below"], (*path, "handling_below"), "handling_below ")
        if value is not None:
            handling = value
            raw_text = node["handling_below"]
            handling_text = raw_text.strip() if isinstance(raw_text, str) else str(raw_text)
    share = _pass_share(node, path, p, kind, code, options, satisfied)
    return Evaluation(
        code, name, tuple(groups), kind=kind, form=form, options=options, satisfied=satisfied,
        dimensions=dimensions, max=maximum, max_top_share=max_top_share,
        handling_below=handling, handling_below_text=handling_text, pass_share=share,
    )  # fmt: skip


def _pass_share(
    node: Mapping[str, Any],
    path: Path,
    p: Problems,
    kind: str,
    code: str,
    options: Mapping[str, float],
    satisfied: tuple[str, ...],
) -> float | None:
    """试用期满测评 (docs/evaluation-kinds.md): `pass_share` in (0, 1] (default 2/3), and the
    称职以上 labels (`satisfied`) must include every top label, so that 优秀 votes count."""
    raw = node.get("pass_share")
    if kind != "probation":
        if raw is not None:
            p.add((*path, "pass_share"), "pass_share（通过比例）只用于试用期满测评（probation）")
        return None
    if options and not satisfied:
        p.add((*path, "satisfied"), f"试用期满测评 {code} 需要 satisfied（称职以上的选项）")
    elif options:
        top = max(options.values())
        missing = [label for label, value in options.items() if value == top]
        missing = [label for label in missing if label not in satisfied]
        if missing:
            p.add(
                (*path, "satisfied"),
                f"试用期满测评 {code} 的 satisfied 应包含最高选项 {'、'.join(missing)}",
            )
    if raw is None:
        return None
    what = "通过比例 pass_share "
    return p.number(raw, (*path, "pass_share"), what, low=0, low_open=True, high=1)


def _worst_veto(raw: Any, path: Path, p: Problems, plan: Plan, code: str) -> VetoItem:
    """`veto`: {item, effect}, an effect word (item = the evaluation), or a plan item."""
    plan_items = {v.item: v for v in plan.vetoes}
    if raw is None:
        return VetoItem(code, "no_top")
    if isinstance(raw, str):
        if raw in EFFECTS:
            return VetoItem(code, raw)  # type: ignore[arg-type]
        if raw in plan_items:
            return plan_items[raw]
        p.add(
            path,
            f"veto 应为 lowest/no_top、方案中的一票否决项或 {{item, effect}}，实为 {show(raw)}",
        )
        return VetoItem(code, "no_top")
    node = p.mapping(raw, path, "veto ")
    if node is None:
        return VetoItem(code, "no_top")
    item = p.text(node, path, "item", code) or code
    effect = node.get("effect")
    if effect is None:
        if item in plan_items:
            return plan_items[item]
        p.add((*path, "effect"), f"一票否决项 {item} 不在方案 vetoes 中，需要给出 effect")
        return VetoItem(item, "no_top")
    if effect not in EFFECTS:
        p.add((*path, "effect"), f"effect 应为 lowest 或 no_top，实为 {show(effect)}")
        return VetoItem(item, "no_top")
    return VetoItem(item, effect)


def build_evaluations(raw: Any, p: Problems, plan: Plan) -> tuple[Evaluation, ...]:
    evaluations = []
    seen: dict[str, Path] = {}
    for i, item in enumerate(p.items_list(raw, ("evaluations",), "evaluations ")):
        evaluation = _evaluation(item, ("evaluations", i), p, plan)
        if evaluation is not None:
            _duplicates(seen, evaluation.code, ("evaluations", i), p, "测评")
            evaluations.append(evaluation)
    return tuple(evaluations)


def check_section_sources(plan: Plan, evaluations: tuple[Evaluation, ...], p: Problems) -> None:
    kinds = {e.code: e.kind for e in evaluations}
    for i, category in enumerate(plan.categories):
        for j, section in enumerate(category.sections):
            if section.source != "evaluation":
                continue
            here = ("plan", "categories", i, "sections", j, "evaluation")
            if section.evaluation not in kinds:
                p.add(here, f"一级指标 {section.code} 引用的测评 {section.evaluation} 不存在")
            elif kinds[section.evaluation] == "worst":
                p.add(here, f"评选最差（worst）测评 {section.evaluation} 不能作为一级指标的来源")
