"""Template helpers of the process pages: a light's dot in the plan's colour and name, and
the Chinese words for a light's reason and its days left."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from kaohe.engine.process import LightState

register = template.Library()

REASONS = {
    "done_on_time": "按时完成",
    "on_schedule": "正常推进",
    "due_soon": "临近时限",
    "behind": "进度滞后",
    "done_late": "逾期完成",
    "overdue": "逾期未完成",
    "exempt": "免责",
}
STATES = {"done": "已督查", "due": "本月待督查", "missing": "逾期未督查"}
PARTS = {"milestones": "节点完成", "inspections": "月度督查", "review": "半年考核"}


@register.simple_tag
def light_dot(light: str, styles: Mapping[str, Any], size: str = "") -> SafeString:
    """``<span class="light">`` in the plan's colour, named for screen readers and on hover."""
    style = styles[light]
    return format_html(
        '<span class="light{}" style="background:{}" role="img" aria-label="{}" title="{}"'
        ' data-light="{}"></span>',
        " big" if size == "big" else "",
        style.colour,
        style.name,
        style.name,
        light,
    )


@register.simple_tag
def light_name(light: str, styles: Mapping[str, Any]) -> str:
    return str(styles[light].name)


@register.filter
def reason_label(reason: str) -> str:
    return REASONS.get(reason, reason)


@register.filter
def slot_state(state: str) -> str:
    return STATES.get(state, state)


@register.filter
def part_name(part: str) -> str:
    return PARTS.get(part, part)


@register.filter
def days_text(state: LightState) -> str:
    """What the dates say: 还剩 N 天 / 今天到期 / 逾期 N 天 (not for done or exempted)."""
    if state.reason in ("done_on_time", "done_late", "exempt"):
        return ""
    if state.days_left > 0:
        return f"还剩 {state.days_left} 天"
    if state.days_left == 0:
        return "今天到期"
    return f"逾期 {-state.days_left} 天"


@register.filter
def get_item(mapping: Mapping[str, Any], key: str) -> Any:
    return mapping.get(key)


STATUSES = {"on_schedule": "正常推进", "behind": "进度滞后", "done": "已完成"}


@register.filter
def status_label(status: str) -> str:
    return STATUSES.get(status, status)
