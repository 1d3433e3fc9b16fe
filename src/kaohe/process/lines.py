"""The lines of P's explanation in the page's language.

``kaohe.engine.process`` writes them in Chinese (the engine never imports Django). Like the
result pages' grade reasons (kaohe.results.formulas), each known sentence is matched and
rebuilt from its catalogue entry, so Chinese comes back byte for byte and English gets a
translation; anything else (a sentence the engine adds later) is shown as written. A line is
made of parts joined by "；" and each part is matched on its own.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

# The names of the parts, ratings and the default stage as the engine and the services write
# them; rebuilt in the page's language where a line lists them.
NAMES = {
    "节点完成": gettext_lazy("节点完成"),
    "月度督查": gettext_lazy("月度督查"),
    "半年考核": gettext_lazy("半年考核"),
    "好": gettext_lazy("好"),
    "较好": gettext_lazy("较好"),
    "一般": gettext_lazy("一般"),
    "差": gettext_lazy("差"),
    "上半年": gettext_lazy("上半年"),
}


def _name(text: str) -> str:
    return str(NAMES.get(text, text))


def _list(text: str, item: Callable[[str], str]) -> str:
    """Items joined by "、", each rebuilt by ``item``."""
    # Translators: joins the items of a list in a line of P's explanation.
    return _("、").join(item(part) for part in text.split("、"))


def _tally(part: str) -> str:
    """ "好 2 次" → the rating's name and count."""
    match = re.fullmatch(r"(?P<rating>\S+) (?P<n>\d+) 次", part)
    if match is None:
        return part
    return _("%(rating)s %(n)s 次") % {"rating": _name(match["rating"]), "n": match["n"]}


def _stage(part: str) -> str:
    """ "上半年 82.5" → the stage's name (a default one translated) and its score."""
    name, _sep, score = part.rpartition(" ")
    return f"{_name(name)} {score}" if name else part


_PARTS: tuple[tuple[re.Pattern[str], Callable[[dict[str, str]], str]], ...] = (
    (
        re.compile(r"节点完成：截至 (?P<day>\S+) 没有到期或已完成的节点，本项不计"),
        lambda g: _("节点完成：截至 %(day)s 没有到期或已完成的节点，本项不计") % g,
    ),
    (
        re.compile(
            r"节点完成：截至 (?P<day>\S+) 没有到期或已完成的节点，本项不计（免责 (?P<n>\d+) 个）"
        ),
        lambda g: _("节点完成：截至 %(day)s 没有到期或已完成的节点，本项不计（免责 %(n)s 个）") % g,
    ),
    (
        re.compile(
            r"节点完成 (?P<m>\S+) 分：到期或已完成节点 (?P<n>\d+) 个，"
            r"按时 (?P<a>\d+) 个×(?P<ca>\S+)、逾期完成 (?P<b>\d+) 个×(?P<cb>\S+)、"
            r"未完成 (?P<c>\d+) 个×(?P<cc>\S+)（按权重加权）"
        ),
        lambda g: (
            _(
                "节点完成 %(m)s 分：到期或已完成节点 %(n)s 个，按时 %(a)s 个×%(ca)s、"
                "逾期完成 %(b)s 个×%(cb)s、未完成 %(c)s 个×%(cc)s（按权重加权）"
            )
            % g
        ),
    ),
    (
        re.compile(r"免责 (?P<n>\d+) 个不计，其权重由同一目标的其他节点分担"),
        lambda g: _("免责 %(n)s 个不计，其权重由同一目标的其他节点分担") % g,
    ),
    (
        re.compile(r"月度督查：没有督查评价，本项不计"),
        lambda g: _("月度督查：没有督查评价，本项不计"),
    ),
    (
        re.compile(r"月度督查 (?P<v>\S+) 分：(?P<n>\d+) 次评价（(?P<tally>[^）]*)）"),
        lambda g: (
            _("月度督查 %(v)s 分：%(n)s 次评价（%(tally)s）")
            % {**g, "tally": _list(g["tally"], _tally)}
        ),
    ),
    (
        re.compile(
            r"好 (?P<g>\S+)、较好 (?P<fg>\S+)、一般 (?P<f>\S+)、差 (?P<p>\S+)（按权重平均）"
        ),
        lambda g: _("好 %(g)s、较好 %(fg)s、一般 %(f)s、差 %(p)s（按权重平均）") % g,
    ),
    (
        re.compile(r"半年考核：没有已冻结的阶段得分，本项不计"),
        lambda g: _("半年考核：没有已冻结的阶段得分，本项不计"),
    ),
    (
        re.compile(r"半年考核 (?P<v>\S+) 分：(?P<stages>.+)"),
        lambda g: _("半年考核 %(v)s 分：%(stages)s") % {**g, "stages": _list(g["stages"], _stage)},
    ),
    (
        re.compile(r"日常考核得分：没有可计分的内容，得分缺失（按计分规则计 0 分并标记）"),
        lambda g: _("日常考核得分：没有可计分的内容，得分缺失（按计分规则计 0 分并标记）"),
    ),
    (
        re.compile(r"日常考核得分 P = (?P<formula>[^\u4e00-\u9fff]+) = (?P<p>\S+)"),
        lambda g: _("日常考核得分 P = %(formula)s = %(p)s") % g,
    ),
    (
        re.compile(r"(?P<names>.+)无数据，其权重按比例分给其他分项"),
        lambda g: (
            _("%(names)s无数据，其权重按比例分给其他分项") % {"names": _list(g["names"], _name)}
        ),
    ),
    (
        re.compile(r"过程考核中没有该考核对象的任务，日常考核得分缺失"),
        lambda g: _("过程考核中没有该考核对象的任务，日常考核得分缺失"),
    ),
)


def _part(part: str) -> str:
    for pattern, text in _PARTS:
        match = pattern.fullmatch(part)
        if match:
            return text(match.groupdict())
    return part


def line_text(line: str) -> str:
    """One line of P's explanation in the active language.

    >>> line = ("节点完成 40 分：到期或已完成节点 3 个，按时 1 个×1、逾期完成 1 个×0.6、"
    ...         "未完成 1 个×0（按权重加权）；免责 1 个不计，其权重由同一目标的其他节点分担")
    >>> line_text(line) == line
    True
    >>> line_text("另行研究")
    '另行研究'
    """
    # Translators: joins the parts of a line of P's explanation.
    # A context of its own: results' grade reasons join their parts with "；" too, translated
    # differently (". "), and apps' catalogues share one namespace.
    return pgettext("process line", "；").join(_part(part) for part in line.split("；"))
