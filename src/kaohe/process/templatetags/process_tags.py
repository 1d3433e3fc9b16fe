"""Template helpers of the process pages: a light's dot in the plan's colour and name, and
the words for a light's reason, its days left, a status, a rating, a cause or a decision — in
Chinese, or in English with the language switch (src/kaohe/process/locale)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from kaohe.engine.process import LightState
from kaohe.process.lines import line_text

register = template.Library()

REASONS = {
    "done_on_time": _("按时完成"),
    "on_schedule": _("正常推进"),
    "due_soon": _("临近时限"),
    "behind": _("进度滞后"),
    "done_late": _("逾期完成"),
    "overdue": _("逾期未完成"),
    "exempt": _("免责"),
}
STATES = {"done": _("已督查"), "due": _("本月待督查"), "missing": _("逾期未督查")}
PARTS = {"milestones": _("节点完成"), "inspections": _("月度督查"), "review": _("半年考核")}
STATUSES = {"on_schedule": _("正常推进"), "behind": _("进度滞后"), "done": _("已完成")}
RATINGS = {"good": _("好"), "fairly_good": _("较好"), "fair": _("一般"), "poor": _("差")}
CAUSES = {"subjective": _("主观原因"), "objective": _("客观原因")}
DECISIONS = {
    "pending": _("待处理"),
    "rectify": _("限期整改"),
    "coordinate": _("协调解决"),
    "exempt": _("免责"),
}
ESCALATIONS = {"explanation": _("逾期未提交书面说明"), "rectification": _("逾期未完成整改")}
# The default names of the light slots (ProcessPlan's defaults, and 免责): translated with the
# page. A name the office chose itself (e.g. 蓝灯) is its data and is shown as written.
DEFAULT_LIGHT_NAMES = {"绿灯": _("绿灯"), "黄灯": _("黄灯"), "红灯": _("红灯"), "免责": _("免责")}


def _label(table: Mapping[str, Any], key: str) -> str:
    return str(table.get(key, key))


@register.filter
def light_label(name: str) -> str:
    """A light's name: a default name in the page's language, the plan's own as written."""
    return _label(DEFAULT_LIGHT_NAMES, str(name))


@register.simple_tag
def light_dot(light: str, styles: Mapping[str, Any], size: str = "") -> SafeString:
    """``<span class="light">`` in the plan's colour, named for screen readers and on hover."""
    style = styles[light]
    name = light_label(style.name)
    return format_html(
        '<span class="light{}" style="background:{}" role="img" aria-label="{}" title="{}"'
        ' data-light="{}"></span>',
        " big" if size == "big" else "",
        style.colour,
        name,
        name,
        light,
    )


@register.simple_tag
def light_name(light: str, styles: Mapping[str, Any]) -> str:
    return light_label(styles[light].name)


@register.filter
def reason_label(reason: str) -> str:
    return _label(REASONS, reason)


@register.filter
def slot_state(state: str) -> str:
    return _label(STATES, state)


@register.filter
def part_name(part: str) -> str:
    return _label(PARTS, part)


@register.filter
def status_label(status: str) -> str:
    return _label(STATUSES, status)


@register.filter
def rating_label(rating: str) -> str:
    return _label(RATINGS, rating)


@register.filter
def cause_label(cause: str) -> str:
    return _label(CAUSES, cause)


@register.filter
def decision_label(decision: str) -> str:
    return _label(DECISIONS, decision)


@register.filter
def escalation_label(kind: str) -> str:
    return _label(ESCALATIONS, kind)


@register.filter
def days_text(state: LightState) -> str:
    """What the dates say: 还剩 N 天 / 今天到期 / 逾期 N 天 (not for done or exempted)."""
    if state.reason in ("done_on_time", "done_late", "exempt"):
        return ""
    days = state.days_left
    if days > 0:
        return ngettext("还剩 %(days)d 天", "还剩 %(days)d 天", days) % {"days": days}
    if days == 0:
        return gettext("今天到期")
    return ngettext("逾期 %(days)d 天", "逾期 %(days)d 天", -days) % {"days": -days}


@register.filter
def process_line(line: str) -> str:
    """A line of P's explanation (kaohe.engine.process writes them in Chinese) in the page's
    language."""
    return line_text(line)


@register.filter
def get_item(mapping: Mapping[str, Any], key: str) -> Any:
    return mapping.get(key)
