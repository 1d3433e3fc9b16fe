"""The kinds of evaluation the office starts from (测评模板), as presets of the stored fields.

A preset fills a new draft evaluation: kind, form, options, dimensions, rater groups with
their weights and trimming. The office then adjusts anything on the setup page; nothing here
is a rule, only a starting point taken from the practice the seeds describe (seed 004's
德能勤绩廉 questionnaire, 评最差, 述廉评廉, the 市民考官 juries, the probation review).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kaohe.engine.model import Evaluation as Setup
from kaohe.engine.model import Group
from kaohe.workbook.build_common import number_text

GRADES = {"优秀": 100.0, "称职": 80.0, "基本称职": 60.0, "不称职": 0.0}
SATISFACTION = {"满意": 100.0, "基本满意": 60.0, "不满意": 0.0}
QUALITY = {"好": 100.0, "较好": 85.0, "一般": 70.0, "差": 50.0}
EVERYONE = (Group("all", "全体参评人员"),)


@dataclass(frozen=True, slots=True)
class Preset:
    """One kind as the office picks it: ``key`` names it in forms and URLs. ``setup`` is the
    engine's evaluation, so whatever a preset leaves out has the engine's own default."""

    key: str
    label: str
    help: str
    setup: Setup

    @property
    def groups(self) -> tuple[Group, ...]:
        return self.setup.groups

    def fields(self) -> dict[str, Any]:
        """The ``Evaluation`` fields this preset sets (groups apart)."""
        s = self.setup
        return {
            "kind": s.kind,
            "form": s.form,
            "options": dict(s.options),
            "satisfied": list(s.satisfied),
            "dimensions": dict(s.dimensions),
            "max": s.max,
            "max_top_share": s.max_top_share,
            "max_picks": s.max_picks,
            "threshold": s.threshold,
            "handling_below": s.handling_below,
            "handling_below_text": number_text(s.handling_below),
            "pass_share": s.pass_share,
        }


def _preset(
    key: str, label: str, help: str, *, groups: tuple[Group, ...] = EVERYONE, **setup: Any
) -> Preset:
    return Preset(key, label, help, Setup(code=key, name=label, groups=groups, **setup))


PRESETS: tuple[Preset, ...] = (
    _preset(
        key="grade",
        label="民主测评（等次）",
        help="每位考核对象评一个等次：优秀/称职/基本称职/不称职；优秀票不超过所评人数的30%。",
        kind="standard",
        options=GRADES,
        satisfied=("优秀", "称职"),
        max_top_share=0.3,
        groups=(
            Group("leaders", "县级领导", weight=30.0),
            Group("cadres", "干部职工", weight=50.0, trim=1),
            Group("public", "服务对象", weight=20.0),
        ),
    ),
    _preset(
        key="dimensions",
        label="德能勤绩廉测评",
        help="从德、能、勤、绩、廉五个方面分别评价（好/较好/一般/差），按维度权重折算。",
        kind="standard",
        form="dimensions",
        options=QUALITY,
        satisfied=("好", "较好"),
        dimensions={"德": 20.0, "能": 20.0, "勤": 20.0, "绩": 25.0, "廉": 15.0},
        groups=(
            Group("leaders", "县级领导", weight=40.0),
            Group("cadres", "干部职工", weight=60.0, trim=1),
        ),
    ),
    _preset(
        key="satisfaction",
        label="满意度测评",
        help="群众和服务对象评满意/基本满意/不满意。",
        kind="standard",
        options=SATISFACTION,
        satisfied=("满意", "基本满意"),
        groups=(Group("public", "群众和服务对象"),),
    ),
    _preset(
        key="worst",
        label="评最差（干部/部门）",
        help="每张票最多选1名，得票最多且达到得票率阈值者为最差，取消评优资格。",
        kind="worst",
        max_picks=1,
        threshold=0.1,
    ),
    _preset(
        key="integrity",
        label="述廉评廉",
        help="评满意/基本满意/不满意；得分低于60分的列入组织处理名单。",
        kind="integrity",
        options=SATISFACTION,
        satisfied=("满意", "基本满意"),
        handling_below=60.0,
    ),
    _preset(
        key="jury",
        label="评委团打分",
        help="公众、专家、领导、代表四个评委团按百分制打分，去掉最高最低分后加权。",
        kind="standard",
        form="score",
        groups=(
            Group("public", "公众评委团", weight=30.0, trim=1, min_ballots=3),
            Group("experts", "专家评委团", weight=30.0, trim=1, min_ballots=3),
            Group("leaders", "领导评委团", weight=20.0),
            Group("deputies", "代表评委团", weight=20.0),
        ),
    ),
    _preset(
        key="probation",
        label="试用期满测评",
        help="试用期满评优秀/称职/基本称职/不称职；优秀和称职票达到通过比例即为合格。",
        kind="probation",
        options=GRADES,
        satisfied=("优秀", "称职"),
        pass_share=2 / 3,
        groups=(
            Group("leaders", "县级领导"),
            Group("deputies", "两代表一委员"),
            Group("residents", "社区居民代表"),
        ),
    ),
    _preset(
        key="survey",
        label="第三方评估",
        help="第三方机构按百分制给出的评估得分，以文件导入（不发测评码）。",
        kind="standard",
        form="score",
        groups=(Group("agency", "第三方机构"),),
    ),
)

BY_KEY: dict[str, Preset] = {preset.key: preset for preset in PRESETS}


def preset(key: str) -> Preset:
    """The preset called ``key`` (``KeyError`` with a Chinese message otherwise).

    >>> preset("jury").groups[0].name
    '公众评委团'
    >>> preset("nope")
    Traceback (most recent call last):
    KeyError: '没有这个测评模板：nope'
    """
    try:
        return BY_KEY[key]
    except KeyError:
        raise KeyError(f"没有这个测评模板：{key}") from None
