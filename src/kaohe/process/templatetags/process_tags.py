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

from kaohe.engine.process import LightState
from kaohe.process.labels import (
    CAUSES,
    DECISIONS,
    DEFAULT_LIGHT_NAMES,
    ESCALATIONS,
    PARTS,
    RATINGS,
    REASONS,
    STATES,
    STATUSES,
)
from kaohe.process.lines import NAMES, line_text

register = template.Library()


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


@register.filter
def stage_name(name: str) -> str:
    """A stage's name: the default 上半年 in the page's language, the office's own as written."""
    return str(NAMES.get(name, name)) if name == "上半年" else name


@register.filter
def actor_label(actor: str) -> str:
    """Who recorded something, as a person reads it: the command line ("cli:root") and the
    demo loader ("demo") are not accounts anyone knows (U8)."""
    actor = str(actor or "")
    if actor.startswith("cli:"):
        return gettext("系统")
    if actor == "demo":
        return gettext("演示数据")
    return actor
