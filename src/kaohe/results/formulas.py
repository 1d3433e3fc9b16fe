"""Plain-Chinese formula lines for the explanation page and reports (可追溯).

Each function turns one line of ``AssesseeResult.explain()`` plus the indicator's parameters
into a sentence a person can recompute with a calculator, following scoring.md §2 and §3.
No Django import: the same text serves pages, PDFs and tests.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

METHOD_NAMES: dict[str, str] = {
    "ratio": "完成率计分",
    "tiered": "分档计分",
    "grade": "定性评价",
    "direct": "直接赋分",
    "deduct": "扣分制",
    "rank": "排名赋分",
}

EFFECT_NAMES: dict[str, str] = {"lowest": "直接定为最低等次", "no_top": "不得评为最高等次"}

EVENT_NAMES: dict[str, str] = {
    "bonus": "加分",
    "deduction": "扣分",
    "veto": "一票否决",
    "downgrade": "降档",
}


def num(x: float | int | None) -> str:
    """A number as people write it: no trailing zeros, at most 4 decimals.

    >>> num(20.0), num(0.85), num(2.675), num(None), num(1 / 3)
    ('20', '0.85', '2.675', '—', '0.3333')
    """
    if x is None:
        return "—"
    text = f"{float(x):.4f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


FLAG_NAMES: dict[str, str] = {
    "exempt": "不涉及",
    "missing": "缺报",
    "missing_group": "测评主体票数不足",
    "no_ballots": "无有效测评票",
    "integrity_below": "述廉评廉低于",
}


def flag_label(flag: str) -> str:
    """A result flag (scoring.md §7) in words.

    >>> flag_label("exempt:T1.1"), flag_label("integrity_below:60")
    ('不涉及 T1.1', '述廉评廉低于 60 分')
    >>> flag_label("missing_group:mz:public"), flag_label("tie_at_boundary")
    ('测评主体票数不足 mz/public', '同分临界，名额不足')
    """
    if flag == "tie_at_boundary":
        return "同分临界，名额不足"
    kind, _, rest = flag.partition(":")
    name = FLAG_NAMES.get(kind)
    if name is None:
        return flag
    if kind == "integrity_below":
        return f"{name} {rest} 分"
    return f"{name} {rest.replace(':', '/')}"


def value_text(value: Any) -> str:
    """A recorded value as written: numbers without a trailing .0, labels as they are.

    >>> value_text(7519.0), value_text(0.0), value_text(94.9), value_text("B"), value_text(None)
    ('7519', '0', '94.9', 'B', '—')
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "—" if value is None else str(value)
    return num(value)


def leaf_formula(line: Mapping[str, Any], params: Mapping[str, Any]) -> str:
    """How one leaf indicator's score came about.

    ``line`` is a leaf of ``explain()`` (value, status, score, points, rank); ``params`` the
    indicator's method parameters (target, cap, direction, tiers, floor, grades, per).

    >>> leaf_formula({"method": "ratio", "points": 20, "value": 95, "status": "scored",
    ...               "score": 19.0}, {"target": 100, "cap": 1.0})
    '完成率 95 ÷ 100 = 0.95，得分 20 × 0.95 = 19'
    >>> leaf_formula({"method": "ratio", "points": 4, "value": 4.36, "status": "scored",
    ...               "score": 4.0}, {"target": 5, "cap": 1.1, "direction": "lower"})
    '越低越好：5 ÷ 4.36 = 1.1468，封顶 1.1，得分 4 × 1.1 = 4'
    >>> leaf_formula({"method": "tiered", "points": 4, "value": 97, "status": "scored",
    ...               "score": 3.2}, {"target": 100, "tiers": [[1.0, 1.0], [0.9, 0.8]]})
    '比值 97 ÷ 100 = 0.97，达到 ≥0.9 档（系数 0.8），得分 4 × 0.8 = 3.2'
    >>> leaf_formula({"method": "grade", "points": 10, "value": "B", "status": "scored",
    ...               "score": 8.5}, {"grades": {"A": 1.0, "B": 0.85}})
    '评定为「B」，系数 0.85，得分 10 × 0.85 = 8.5'
    >>> leaf_formula({"method": "deduct", "points": 24, "value": 2, "status": "scored",
    ...               "score": 20.0}, {"per": 2})
    '扣分 2 项 × 2 = 4，得分 24 − 4 = 20'
    >>> leaf_formula({"method": "rank", "points": 5, "value": 12, "status": "scored",
    ...               "score": 4.5, "rank": {"k": 3, "n": 9}}, {"floor": 0.6})
    '第 3 名 / 共 9 名，得分 5 × (1 − 0.4 × 2 ÷ 8) = 4.5'
    >>> leaf_formula({"method": "direct", "points": 5, "value": None, "status": "missing",
    ...               "score": 0.0}, {})
    '未报送数据，计 0 分'
    """
    status = line.get("status")
    if status == "missing":
        return "未报送数据，计 0 分"
    if status == "exempt":
        return "不涉及（免于考核），本一级指标按其余指标分值折算"
    method = line.get("method")
    p = float(line["points"])
    v = line.get("value")
    score = num(line.get("score"))
    if method == "ratio":
        return _ratio(p, v, params, score)
    if method == "tiered":
        return _tiered(p, v, params, score)
    if method == "grade":
        grades = params.get("grades") or {}
        fraction = num(grades.get(v))
        return f"评定为「{v}」，系数 {fraction}，得分 {num(p)} × {fraction} = {score}"
    if method == "direct":
        return f"直接赋分 {num(v)}"
    if method == "deduct":
        per = float(params.get("per") or 0)
        lost = per * float(v)
        return f"扣分 {num(v)} 项 × {num(per)} = {num(lost)}，得分 {num(p)} − {num(lost)} = {score}"
    if method == "rank":
        return _rank(p, line.get("rank"), params, score)
    return f"得分 {score}"


def _ratio(p: float, v: Any, params: Mapping[str, Any], score: str) -> str:
    target = float(params["target"])
    cap = float(params.get("cap", 1.0))
    x = float(v)
    if params.get("direction") == "lower":
        if x <= 0:
            return (
                f"越低越好：实际值 {num(x)} ≤ 0，按封顶系数计，得分 {num(p)} × {num(cap)} = {score}"
            )
        r = target / x
        head = f"越低越好：{num(target)} ÷ {num(x)} = {num(r)}"
    else:
        r = x / target
        head = f"完成率 {num(x)} ÷ {num(target)} = {num(r)}"
    used = min(max(r, 0.0), cap)
    bound = "，封顶 " + num(cap) if r > cap else ("，不低于 0" if r < 0 else "")
    return f"{head}{bound}，得分 {num(p)} × {num(used)} = {score}"


def _tiered(p: float, v: Any, params: Mapping[str, Any], score: str) -> str:
    x = float(v)
    target = params.get("target")
    if target is not None:
        r = x / float(target)
        head = f"比值 {num(x)} ÷ {num(target)} = {num(r)}"
    else:
        r = x
        head = f"数值 {num(x)}"
    for threshold, fraction in params.get("tiers") or []:
        if r >= float(threshold):
            return (
                f"{head}，达到 ≥{num(threshold)} 档（系数 {num(fraction)}），"
                f"得分 {num(p)} × {num(fraction)} = {score}"
            )
    floor = float(params.get("floor") or 0.0)
    return (
        f"{head}，未达到任何一档，按保底系数 {num(floor)}，得分 {num(p)} × {num(floor)} = {score}"
    )


def _rank(p: float, rank: Mapping[str, int] | None, params: Mapping[str, Any], score: str) -> str:
    if not rank:
        return f"得分 {score}"
    k, n = int(rank["k"]), int(rank["n"])
    if n <= 1:
        return f"第 {k} 名 / 共 {n} 名，得满分 {num(p)}"
    floor = params.get("floor")
    floor = 0.6 if floor is None else float(floor)
    return (
        f"第 {k} 名 / 共 {n} 名，"
        f"得分 {num(p)} × (1 − {num(1 - floor)} × {k - 1} ÷ {n - 1}) = {score}"
    )


def section_formula(section: Mapping[str, Any]) -> str:
    """How a section's score came about (sum, exempt rescaling, process or evaluation).

    >>> section_formula({"source": "process", "points": 20, "process": 92.5, "score": 18.5})
    '日常考核得分 P = 92.5，折算 92.5 × 20 ÷ 100 = 18.5'
    >>> section_formula({"source": "indicators", "points": 60, "score": 54.0,
    ...                  "indicators": [{"score": 20.0}, {"score": 16.0}, {"score": None}],
    ...                  "rescaled": {"applied_points": 40}})
    '有不涉及指标：(20 + 16) × 60 ÷ 40 = 54'
    """
    source = section.get("source")
    score = num(section.get("score"))
    points = num(section.get("points"))
    if source == "process":
        p = section.get("process")
        if p is None:
            return "未报送日常考核得分，计 0 分"
        return f"日常考核得分 P = {num(p)}，折算 {num(p)} × {points} ÷ 100 = {score}"
    if source == "evaluation":
        e = section.get("e")
        if e is None:
            return f"测评得分 E 折算：E × {points} ÷ 100 = {score}"
        return f"测评得分 E = {num(e)}，折算 {num(e)} × {points} ÷ 100 = {score}"
    scores = [line.get("score") for line in section.get("indicators", [])]
    terms = " + ".join(num(s) for s in scores if s is not None) or "0"
    rescaled = section.get("rescaled")
    if rescaled:
        return f"有不涉及指标：({terms}) × {points} ÷ {num(rescaled['applied_points'])} = {score}"
    return f"各指标得分之和 {terms} = {score}"


def total_formula(explanation: Mapping[str, Any]) -> str:
    """scoring.md §3: total = max(0, base × scale + min(bonus, cap) − deduction).

    >>> line = total_formula({"base": 89.94, "scale": 1.05, "scaled": 94.44,
    ...                       "bonus": {"events": 6.0, "cap": 5, "applied": 5.0},
    ...                       "deduction": 1.0, "total": 98.44})
    >>> for part in line.split("；"):
    ...     print(part)
    基础分 89.94 × 规模系数 1.05 = 94.44
    加分 6（上限 5，计 5）
    扣分 1
    总分 = 94.44 + 5 − 1 = 98.44
    """
    bonus = explanation["bonus"]
    capped = ""
    if bonus.get("cap") is not None and float(bonus["events"]) > float(bonus["cap"]):
        capped = f"（上限 {num(bonus['cap'])}，计 {num(bonus['applied'])}）"
    return (
        f"基础分 {num(explanation['base'])} × 规模系数 {num(explanation['scale'])} = "
        f"{num(explanation['scaled'])}；加分 {num(bonus['events'])}{capped}；"
        f"扣分 {num(explanation['deduction'])}；总分 = {num(explanation['scaled'])} + "
        f"{num(bonus['applied'])} − {num(explanation['deduction'])} = {num(explanation['total'])}"
    )
