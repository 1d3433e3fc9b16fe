"""Forms of the plan builder. They only collect what the office typed, as text: every rule
(numbers, ranges, sums, method parameters, grades) is the builder's (kaohe.workbook.build),
whose problems ``attach_problems`` puts next to the field they concern."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, ClassVar

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kaohe.errors import Path
from kaohe.plans.builder import PathProblem, Ref, parse_ref
from kaohe.workbook.build_plan import METHODS

METHOD_LABELS: dict[str, Any] = {
    "ratio": _("比例计分（完成值/目标值）"),
    "tiered": _("分档计分"),
    "grade": _("定性等级"),
    "direct": _("直接赋分"),
    "deduct": _("扣分制"),
    "rank": _("排名计分"),
}
# Which parameters each method's form shows (the builder ignores the others; scoring.md §2).
METHOD_PARAMS: dict[str, tuple[str, ...]] = {
    "ratio": ("target", "cap", "direction"),
    "tiered": ("target", "tiers", "floor"),
    "grade": ("grades",),
    "direct": (),
    "deduct": ("per",),
    "rank": ("direction", "floor"),
}
EFFECT_LABELS: dict[str, Any] = {"lowest": _("定为最低等次"), "no_top": _("取消评优资格")}


def _text(label: Any, help_text: Any = "", **attrs: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        strip=True,
        help_text=help_text,
        widget=forms.TextInput(attrs=attrs),
    )


def value(text: str | None) -> str | None:
    """A typed value for the raw document: empty means not given (the key is left out)."""
    return text if text else None


class PlanCreateForm(forms.Form):
    code = _text(_("方案代码"), _("字母、数字和连字符，如 2026-annual"))
    name = _text(_("方案名称"))
    year = _text(_("年度"))
    assessees = forms.ChoiceField(
        label=pgettext_lazy("the plan's assessees", "考核对象"),
        choices=(("units", _("单位")), ("people", _("人员"))),
    )
    organization_name = _text(_("组织名称"), _("如 某某县"))
    category_code = _text(_("第一个考核类别代码"), _("如 township"))
    category_name = _text(_("第一个考核类别名称"), _("如 乡镇"))

    FIELDS: ClassVar[dict[str, str]] = {
        "code": "code",
        "name": "name",
        "year": "year",
        "assessees": "assessees",
        "categories": "category_code",
    }


class PlanCopyForm(forms.Form):
    source = forms.ChoiceField(label=_("复制的方案"))
    code = _text(_("新方案代码"))
    year = _text(_("新年度"))
    name = _text(_("新方案名称"))

    FIELDS: ClassVar[dict[str, str]] = {"code": "code", "name": "name", "year": "year"}

    def __init__(self, *args: Any, plans: Sequence[tuple[str, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = list(plans)  # type: ignore[attr-defined]


class PlanSettingsForm(forms.Form):
    name = _text(_("方案名称"))
    year = _text(_("年度"))
    bonus_cap = _text(_("加分上限"), _("留空表示不设上限"))
    non_discriminating_share = _text(
        _("区分度阈值"), _("同一指标满分（或同分）者占比达到此值即提示区分度不足，0–1")
    )

    FIELDS: ClassVar[dict[str, str]] = {
        "name": "name",
        "year": "year",
        "bonus_cap": "bonus_cap",
        "non_discriminating_share": "non_discriminating_share",
    }


class CategoryForm(forms.Form):
    code = _text(_("类别代码"))
    name = _text(_("类别名称"))
    full_score = _text(_("满分"), _("各一级指标分值之和应等于满分，默认 100"))
    tiebreak = _text(_("同分比较顺序"), _("一级指标代码，以空格分隔；留空按声明顺序"))

    FIELDS: ClassVar[dict[str, str]] = {
        "code": "code",
        "name": "name",
        "full_score": "full_score",
        "tiebreak": "tiebreak",
    }

    def raw_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        tiebreak = data["tiebreak"].replace(",", " ").replace("，", " ").split()
        return {
            "code": value(data["code"]),
            "name": value(data["name"]),
            "full_score": value(data["full_score"]),
            "tiebreak": tiebreak or None,
        }


class SectionForm(forms.Form):
    code = _text(_("一级指标代码"))
    name = _text(_("一级指标名称"))
    points = _text(_("分值"))
    source = forms.ChoiceField(
        label=_("得分来源"),
        choices=(
            ("indicators", _("二级指标")),
            ("process", _("日常考核")),
            ("evaluation", _("民主测评")),
        ),
    )
    evaluation = forms.ChoiceField(label=_("测评"), required=False)
    first_code = _text(_("首个二级指标代码"), _("新建“二级指标”来源的一级指标时需要"))
    first_name = _text(_("首个二级指标名称"))

    FIELDS: ClassVar[dict[str, str]] = {
        "code": "code",
        "name": "name",
        "points": "points",
        "source": "source",
        "evaluation": "evaluation",
        "indicators": "first_code",
    }

    def __init__(
        self, *args: Any, evaluations: Sequence[tuple[str, str]] = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["evaluation"].choices = [("", "—"), *evaluations]  # type: ignore[attr-defined]

    def raw_fields(self, *, adding: bool) -> dict[str, Any]:
        data = self.cleaned_data
        fields: dict[str, Any] = {
            "code": value(data["code"]),
            "name": value(data["name"]),
            "points": value(data["points"]),
        }
        if data["source"] == "process":
            fields["source"] = "process"
        elif data["source"] == "evaluation":
            # The builder names a missing evaluation; an empty choice must still reach it.
            fields["evaluation"] = data["evaluation"] or ""
        elif adding:
            first = {
                "code": value(data["first_code"]),
                "name": value(data["first_name"]),
                "points": value(data["points"]),
                "method": "direct",
            }
            fields["indicators"] = [{k: v for k, v in first.items() if v is not None}]
        else:
            fields["indicators"] = True  # keep the indicators it has
        return fields


class IndicatorForm(forms.Form):
    code = _text(_("指标代码"))
    name = _text(_("指标名称"))
    points = _text(_("分值"))
    method = forms.ChoiceField(
        label=_("计分方法"), choices=[(m, METHOD_LABELS[m]) for m in METHODS], required=False
    )
    target = _text(_("目标值"))
    cap = _text(_("封顶系数"), _("完成比例的上限，默认 1（不超过满分）"))
    direction = forms.ChoiceField(
        label=_("方向"),
        choices=(("higher", _("越高越好")), ("lower", _("越低越好"))),
        required=False,
    )
    tiers = forms.CharField(
        label=_("分档"),
        required=False,
        help_text=_("每行一档：门槛 得分比例，从高到低，如 1 1 / 0.9 0.8"),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    floor = _text(_("保底系数"), _("分档：最低档以下的得分比例；排名：末名的得分比例（默认 0.6）"))
    grades = forms.CharField(
        label=_("等级及得分比例"),
        required=False,
        help_text=_("每行一个：等级=得分比例，如 A=1"),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    per = _text(_("每次扣分"))
    assessor = _text(_("考核主体"), _("负责填报本指标的单位，如 县委办"))

    FIELDS: ClassVar[dict[str, str]] = {
        key: key
        for key in (
            "code",
            "name",
            "points",
            "method",
            "target",
            "cap",
            "direction",
            "tiers",
            "floor",
            "grades",
            "per",
            "assessor",
        )
    }
    FIELDS["indicators"] = "points"

    def raw_fields(self, *, parent: bool) -> dict[str, Any]:
        """The node's fields in the YAML shape; a parent indicator has no method."""
        data = self.cleaned_data
        fields: dict[str, Any] = {
            "code": value(data["code"]),
            "name": value(data["name"]),
            "points": value(data["points"]),
            "assessor": value(data["assessor"]),
        }
        if parent:
            return fields
        method = data["method"] or ""
        fields["method"] = method
        shown = METHOD_PARAMS.get(method, ())
        for key in ("target", "cap", "floor", "per"):
            if key in shown:
                fields[key] = value(data[key])
        if "direction" in shown and data["direction"] == "lower":
            fields["direction"] = "lower"
        if "tiers" in shown:
            fields["tiers"] = parse_tiers(data["tiers"])
        if "grades" in shown:
            fields["grades"] = parse_grades(data["grades"])
        return fields


def parse_tiers(text: str) -> list[list[str]]:
    """Lines of ``threshold fraction`` as the document's ``[[t, f], …]`` (left as text: the
    builder reads and checks the numbers).

    >>> parse_tiers("1 1\\n0.9, 0.8\\n\\n0.8：0.6")
    [['1', '1'], ['0.9', '0.8'], ['0.8', '0.6']]
    """
    rows = []
    for line in text.splitlines():
        parts = line.replace(",", " ").replace("，", " ").replace(":", " ").replace("：", " ")
        if parts.split():
            rows.append(parts.split())
    return rows


def tiers_text(tiers: Any) -> str:
    if not isinstance(tiers, list):
        return ""
    return "\n".join(" ".join(str(x) for x in tier) for tier in tiers if isinstance(tier, list))


def parse_grades(text: str) -> dict[str, str | None]:
    """Lines of ``label=fraction`` as the document's ``{label: fraction}``.

    >>> parse_grades("A=1\\nB = 0.85\\nC")
    {'A': '1', 'B': '0.85', 'C': None}
    """
    table: dict[str, str | None] = {}
    for line in text.splitlines():
        if not line.strip():
            continue
        label, _sep, fraction = line.replace("＝", "=").partition("=")
        table[label.strip()] = fraction.strip() or None
    return table


def grades_text(grades: Any) -> str:
    if not isinstance(grades, Mapping):
        return ""
    return "\n".join(f"{label}={fraction}" for label, fraction in grades.items())


def posted_points(data: Mapping[str, Any], prefix: str = "pts-") -> dict[Ref, str | None]:
    """The points typed in a points table: inputs named ``pts-<node reference>``."""
    points: dict[Ref, str | None] = {}
    for key in data:
        if key.startswith(prefix):
            points[parse_ref(key[len(prefix) :])] = value(str(data[key]).strip())
    return points


def posted_rows(data: Any, *names: str) -> list[dict[str, str]]:
    """Rows of a table form posted as parallel lists (``name`` repeated per row); rows left
    completely empty are dropped."""
    columns = [data.getlist(name) for name in names]
    rows = []
    for cells in zip(*columns, strict=False):
        row = {name: cell.strip() for name, cell in zip(names, cells, strict=True)}
        if any(row.values()):
            rows.append(row)
    return rows


def attach_problems(
    form: forms.Form | None,
    problems: Iterable[PathProblem],
    base: Path,
    fields: Mapping[str, str],
    *,
    skip: Iterable[Path] = (),
) -> list[PathProblem]:
    """Put each builder problem under ``base`` next to its form field (by the first key
    below ``base``, through ``fields``); the node's own problems become the form's. Returns
    the problems that concern no field of this form (shown in a list with their place)."""
    rest: list[PathProblem] = []
    skipped = set(skip)
    for problem in problems:
        path = problem.path
        if path in skipped:
            continue
        if form is not None and path[: len(base)] == base:
            if len(path) == len(base):
                form.add_error(None, problem.message)
                continue
            name = fields.get(str(path[len(base)]))
            if name is not None and name in form.fields:
                form.add_error(name, problem.message)
                continue
        rest.append(problem)
    return rest
