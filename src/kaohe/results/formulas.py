"""Plain-Chinese formula lines for the explanation page and reports (可追溯).

Each function turns one line of ``AssesseeResult.explain()`` plus the indicator's parameters
into a sentence a person can recompute with a calculator, following scoring.md §2 and §3.
The sentences are Chinese source strings translated through Django's catalogue (English in
kaohe/results/locale) when a language is active; where Django is not configured (scripts,
plain doctests) they stay Chinese, so the same text serves pages, PDFs and tests.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from django.core.exceptions import AppRegistryNotReady, ImproperlyConfigured
from django.utils import translation
from django.utils.functional import lazy


# Named like Django's functions so `makemessages` extracts the strings marked with them.
def gettext(message: str) -> str:
    """Django's gettext, or the Chinese source where Django is not set up."""
    try:
        return translation.gettext(message)
    except (ImproperlyConfigured, AppRegistryNotReady):
        return message


def ngettext(singular: str, plural: str, number: int) -> str:
    """Django's ngettext, or the Chinese source (one form) where Django is not set up."""
    try:
        return translation.ngettext(singular, plural, number)
    except (ImproperlyConfigured, AppRegistryNotReady):
        return singular if number == 1 else plural


def gettext_noop(message: str) -> str:
    """Marks a string for the catalogue; translated later, where it is shown."""
    return message


# Names in module-level tables are translated when shown, in the language of that request.
gettext_lazy: Callable[[str], str] = lazy(gettext, str)
_ = gettext

METHOD_NAMES: dict[str, str] = {
    "ratio": gettext_lazy("完成率计分"),
    "tiered": gettext_lazy("分档计分"),
    "grade": gettext_lazy("定性评价"),
    "direct": gettext_lazy("直接赋分"),
    "deduct": gettext_lazy("扣分制"),
    "rank": gettext_lazy("排名赋分"),
}

EFFECT_NAMES: dict[str, str] = {
    "lowest": gettext_lazy("直接定为最低等次"),
    "no_top": gettext_lazy("不得评为最高等次"),
}

EVENT_NAMES: dict[str, str] = {
    "bonus": gettext_lazy("加分"),
    "deduction": gettext_lazy("扣分"),
    "veto": gettext_lazy("一票否决"),
    "downgrade": gettext_lazy("降档"),
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


def plural_number(x: float | int) -> int:
    """The integer ngettext chooses a form by: a whole count as it is, a fraction as plural.

    >>> plural_number(1.0), plural_number(3), plural_number(0.5)
    (1, 3, 2)
    """
    return int(x) if float(x).is_integer() else 2


# A result flag (scoring.md §7) in words; %(detail)s is what follows the flag's first colon.
FLAG_TEXTS: dict[str, str] = {
    "exempt": gettext_noop("不涉及 %(detail)s"),
    "missing": gettext_noop("缺报 %(detail)s"),
    "missing_group": gettext_noop("测评主体票数不足 %(detail)s"),
    "no_ballots": gettext_noop("无有效测评票 %(detail)s"),
    "integrity_below": gettext_noop("述廉评廉低于 %(detail)s 分"),
    "probation_failed": gettext_noop("试用期满测评不合格 %(detail)s"),
}


def flag_label(flag: str) -> str:
    """A result flag (scoring.md §7) in words.

    >>> flag_label("exempt:T1.1"), flag_label("integrity_below:60")
    ('不涉及 T1.1', '述廉评廉低于 60 分')
    >>> flag_label("missing_group:mz:public"), flag_label("tie_at_boundary")
    ('测评主体票数不足 mz/public', '同分临界，名额不足')
    """
    if flag == "tie_at_boundary":
        return _("同分临界，名额不足")
    kind, _sep, rest = flag.partition(":")
    text = FLAG_TEXTS.get(kind)
    if text is None:
        return flag
    return _(text) % {"detail": rest.replace(":", "/")}


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
        return _("未报送数据，计 0 分")
    if status == "exempt":
        return _("不涉及（免于考核），本一级指标按其余指标分值折算")
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
        return _(
            "评定为「%(grade)s」，系数 %(fraction)s，得分 %(points)s × %(fraction)s = %(score)s"
        ) % {
            "grade": v,
            "fraction": fraction,
            "points": num(p),
            "score": score,
        }
    if method == "direct":
        return _("直接赋分 %(value)s") % {"value": num(v)}
    if method == "deduct":
        per = float(params.get("per") or 0)
        lost = per * float(v)
        return ngettext(
            "扣分 %(count)s 项 × %(per)s = %(lost)s，得分 %(points)s − %(lost)s = %(score)s",
            "扣分 %(count)s 项 × %(per)s = %(lost)s，得分 %(points)s − %(lost)s = %(score)s",
            plural_number(float(v)),
        ) % {"count": num(v), "per": num(per), "lost": num(lost), "points": num(p), "score": score}
    if method == "rank":
        return _rank(p, line.get("rank"), params, score)
    return _("得分 %(score)s") % {"score": score}


def _ratio(p: float, v: Any, params: Mapping[str, Any], score: str) -> str:
    target = float(params["target"])
    cap = float(params.get("cap", 1.0))
    x = float(v)
    lower = params.get("direction") == "lower"
    if lower and x <= 0:
        return _(
            "越低越好：实际值 %(value)s ≤ 0，按封顶系数计，得分 %(points)s × %(cap)s = %(score)s"
        ) % {"value": num(x), "points": num(p), "cap": num(cap), "score": score}
    r = target / x if lower else x / target
    used = min(max(r, 0.0), cap)
    values = {
        "value": num(x),
        "target": num(target),
        "ratio": num(r),
        "cap": num(cap),
        "points": num(p),
        "used": num(used),
        "score": score,
    }
    # One whole sentence per case, so a translation never glues fragments together.
    if lower and r > cap:
        text = _(
            "越低越好：%(target)s ÷ %(value)s = %(ratio)s，封顶 %(cap)s，"
            "得分 %(points)s × %(used)s = %(score)s"
        )
    elif lower:
        text = _(
            "越低越好：%(target)s ÷ %(value)s = %(ratio)s，得分 %(points)s × %(used)s = %(score)s"
        )
    elif r > cap:
        text = _(
            "完成率 %(value)s ÷ %(target)s = %(ratio)s，封顶 %(cap)s，"
            "得分 %(points)s × %(used)s = %(score)s"
        )
    elif r < 0:
        text = _(
            "完成率 %(value)s ÷ %(target)s = %(ratio)s，不低于 0，"
            "得分 %(points)s × %(used)s = %(score)s"
        )
    else:
        text = _(
            "完成率 %(value)s ÷ %(target)s = %(ratio)s，得分 %(points)s × %(used)s = %(score)s"
        )
    return text % values


def _tiered(p: float, v: Any, params: Mapping[str, Any], score: str) -> str:
    x = float(v)
    target = params.get("target")
    r = x / float(target) if target is not None else x
    values = {
        "value": num(x),
        "target": num(target),
        "ratio": num(r),
        "points": num(p),
        "score": score,
    }
    for threshold, fraction in params.get("tiers") or []:
        if r >= float(threshold):
            values |= {"threshold": num(threshold), "fraction": num(fraction)}
            if target is None:
                text = _(
                    "数值 %(value)s，达到 ≥%(threshold)s 档（系数 %(fraction)s），"
                    "得分 %(points)s × %(fraction)s = %(score)s"
                )
            else:
                text = _(
                    "比值 %(value)s ÷ %(target)s = %(ratio)s，"
                    "达到 ≥%(threshold)s 档（系数 %(fraction)s），"
                    "得分 %(points)s × %(fraction)s = %(score)s"
                )
            return text % values
    values["floor"] = num(float(params.get("floor") or 0.0))
    if target is None:
        text = _(
            "数值 %(value)s，未达到任何一档，按保底系数 %(floor)s，"
            "得分 %(points)s × %(floor)s = %(score)s"
        )
    else:
        text = _(
            "比值 %(value)s ÷ %(target)s = %(ratio)s，未达到任何一档，按保底系数 %(floor)s，"
            "得分 %(points)s × %(floor)s = %(score)s"
        )
    return text % values


def _rank(p: float, rank: Mapping[str, int] | None, params: Mapping[str, Any], score: str) -> str:
    if not rank:
        return _("得分 %(score)s") % {"score": score}
    k, n = int(rank["k"]), int(rank["n"])
    if n <= 1:
        return _("第 %(k)s 名 / 共 %(n)s 名，得满分 %(points)s") % {
            "k": k,
            "n": n,
            "points": num(p),
        }
    floor = params.get("floor")
    floor = 0.6 if floor is None else float(floor)
    return _(
        "第 %(k)s 名 / 共 %(n)s 名，"
        "得分 %(points)s × (1 − %(span)s × %(above)s ÷ %(others)s) = %(score)s"
    ) % {
        "k": k,
        "n": n,
        "points": num(p),
        "span": num(1 - floor),
        "above": k - 1,
        "others": n - 1,
        "score": score,
    }


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
            return _("未报送日常考核得分，计 0 分")
        return _(
            "日常考核得分 P = %(process)s，折算 %(process)s × %(points)s ÷ 100 = %(score)s"
        ) % {
            "process": num(p),
            "points": points,
            "score": score,
        }
    if source == "evaluation":
        e = section.get("e")
        if e is None:
            return _("测评得分 E 折算：E × %(points)s ÷ 100 = %(score)s") % {
                "points": points,
                "score": score,
            }
        return _("测评得分 E = %(e)s，折算 %(e)s × %(points)s ÷ 100 = %(score)s") % {
            "e": num(e),
            "points": points,
            "score": score,
        }
    scores = [line.get("score") for line in section.get("indicators", [])]
    terms = " + ".join(num(s) for s in scores if s is not None) or "0"
    rescaled = section.get("rescaled")
    if rescaled:
        return _("有不涉及指标：(%(terms)s) × %(points)s ÷ %(applied)s = %(score)s") % {
            "terms": terms,
            "points": points,
            "applied": num(rescaled["applied_points"]),
            "score": score,
        }
    return _("各指标得分之和 %(terms)s = %(score)s") % {"terms": terms, "score": score}


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
    values = {
        "base": num(explanation["base"]),
        "scale": num(explanation["scale"]),
        "scaled": num(explanation["scaled"]),
        "bonus": num(bonus["events"]),
        "cap": num(bonus.get("cap")),
        "applied": num(bonus["applied"]),
        "deduction": num(explanation["deduction"]),
        "total": num(explanation["total"]),
    }
    if bonus.get("cap") is not None and float(bonus["events"]) > float(bonus["cap"]):
        text = _(
            "基础分 %(base)s × 规模系数 %(scale)s = %(scaled)s；"
            "加分 %(bonus)s（上限 %(cap)s，计 %(applied)s）；扣分 %(deduction)s；"
            "总分 = %(scaled)s + %(applied)s − %(deduction)s = %(total)s"
        )
    else:
        text = _(
            "基础分 %(base)s × 规模系数 %(scale)s = %(scaled)s；加分 %(bonus)s；"
            "扣分 %(deduction)s；总分 = %(scaled)s + %(applied)s − %(deduction)s = %(total)s"
        )
    return text % values


# The engine writes its grade reasons and worst-vote reasons in Chinese (kaohe.engine.grading,
# kaohe.engine.score). Each known sentence is matched and rebuilt from its catalogue entry, so
# Chinese comes back byte for byte and other languages get a translation; anything else (a
# reason the office typed, a sentence the engine adds later) is shown as written.
_GRADE_REASONS: tuple[tuple[re.Pattern[str], Callable[[], str]], ...] = (
    (
        re.compile(r"一票否决（(?P<items>.+)）：定为最后一个等次，不占名额"),
        lambda: _("一票否决（%(items)s）：定为最后一个等次，不占名额"),
    ),
    (
        re.compile(r"一票否决（(?P<items>.+)）：不得评为(?P<grade>.+)"),
        lambda: _("一票否决（%(items)s）：不得评为%(grade)s"),
    ),
    (
        re.compile(r"(?P<grade>.+)：因前序并列留空"),
        lambda: _("%(grade)s：因前序并列留空"),
    ),
    (re.compile(r"(?P<grade>.+)：名额已满"), lambda: _("%(grade)s：名额已满")),
    (
        re.compile(r"按总分(?P<total>\S+)排序定为(?P<grade>.+)"),
        lambda: _("按总分%(total)s排序定为%(grade)s"),
    ),
)
_TIE = re.compile(r"(?P<grade>.+)：并列(?P<count>\d+)人超出剩余名额(?P<places>\d+)个")
_DOWNGRADE = re.compile(r"降档(?P<count>\d+)次：(?P<before>.+) → (?P<after>.+)")
_WORST = re.compile(r"评选最差：(?P<votes>\d+)票，占有效票(?P<share>[\d.]+%)")
# The worst-vote reason of a vote with fewer than 5 ballots, as kaohe.results.breakdowns
# masks it (votes and share would split fewer than 5 ballots).
HIDDEN_WORST_REASON = gettext_noop("评选最差：票数不足5票，不单独显示")


def grade_reason_text(reason: str) -> str:
    """The engine's grade reason (its parts joined by "；") in the active language.

    >>> grade_reason_text("一票否决（最差部门）：不得评为优秀；按总分96.77排序定为良好")
    '一票否决（最差部门）：不得评为优秀；按总分96.77排序定为良好'
    >>> reason = "优秀：并列2人超出剩余名额1个；按总分90.5排序定为良好；降档1次：良好 → 一般"
    >>> grade_reason_text(reason) == reason
    True
    >>> grade_reason_text("另行研究")
    '另行研究'
    """
    if not reason:
        return reason
    # Translators: joins the parts of a grade reason.
    return _("；").join(_reason_part(part) for part in reason.split("；"))


def _reason_part(part: str) -> str:
    for pattern, text in _GRADE_REASONS:
        match = pattern.fullmatch(part)
        if match:
            return text() % match.groupdict()
    match = _TIE.fullmatch(part)
    if match:
        return (
            ngettext(
                "%(grade)s：并列%(count)s人超出剩余名额%(places)s个",
                "%(grade)s：并列%(count)s人超出剩余名额%(places)s个",
                int(match["places"]),
            )
            % match.groupdict()
        )
    match = _DOWNGRADE.fullmatch(part)
    if match:
        return (
            ngettext(
                "降档%(count)s次：%(before)s → %(after)s",
                "降档%(count)s次：%(before)s → %(after)s",
                int(match["count"]),
            )
            % match.groupdict()
        )
    return part


def event_reason_text(reason: str) -> str:
    """An event's reason: the engine's worst-vote sentence translated, others as written.

    >>> event_reason_text("评选最差：16票，占有效票34.78%"), event_reason_text("潜绩加分")
    ('评选最差：16票，占有效票34.78%', '潜绩加分')
    """
    if reason == HIDDEN_WORST_REASON:
        return _(HIDDEN_WORST_REASON)
    match = _WORST.fullmatch(reason or "")
    if not match:
        return reason
    return (
        ngettext(
            "评选最差：%(votes)s票，占有效票%(share)s",
            "评选最差：%(votes)s票，占有效票%(share)s",
            int(match["votes"]),
        )
        % match.groupdict()
    )
