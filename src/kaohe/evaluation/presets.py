"""The kinds of evaluation the office starts from (测评模板), as presets of the stored fields.

A preset fills a new draft evaluation: kind, form, options, dimensions, rater groups with
their weights and trimming. The office then adjusts anything on the setup page; nothing here
is a rule, only a starting point taken from the practice the seeds describe (seed 004's
德能勤绩廉 questionnaire, 评最差, 述廉评廉, the 市民考官 juries, the probation review).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

GRADES = {"优秀": 100.0, "称职": 80.0, "基本称职": 60.0, "不称职": 0.0}
SATISFACTION = {"满意": 100.0, "基本满意": 60.0, "不满意": 0.0}
QUALITY = {"好": 100.0, "较好": 85.0, "一般": 70.0, "差": 50.0}


@dataclass(frozen=True, slots=True)
class GroupPreset:
    code: str
    name: str
    weight: float = 1.0
    trim: int = 0
    min_ballots: int = 1


@dataclass(frozen=True, slots=True)
class Preset:
    """One kind as the office picks it: ``key`` names it in forms and URLs."""

    key: str
    label: str
    help: str
    kind: str
    form: str = "grade"
    options: dict[str, float] = field(default_factory=dict)
    satisfied: tuple[str, ...] = ()
    dimensions: dict[str, float] = field(default_factory=dict)
    max: float = 100.0
    max_top_share: float | None = None
    max_picks: int | None = None
    threshold: float = 0.0
    handling_below: float = 60.0
    pass_share: float | None = None
    groups: tuple[GroupPreset, ...] = (GroupPreset("all", "全体参评人员"),)

    def fields(self) -> dict[str, Any]:
        """The ``Evaluation`` fields this preset sets (groups apart)."""
        return {
            "kind": self.kind,
            "form": self.form,
            "options": dict(self.options),
            "satisfied": list(self.satisfied),
            "dimensions": dict(self.dimensions),
            "max": self.max,
            "max_top_share": self.max_top_share,
            "max_picks": self.max_picks,
            "threshold": self.threshold,
            "handling_below": self.handling_below,
            "handling_below_text": _number_text(self.handling_below),
            "pass_share": self.pass_share,
        }


def _number_text(value: float) -> str:
    return str(int(value)) if value == int(value) else repr(value)


PRESETS: tuple[Preset, ...] = (
    Preset(
        key="grade",
        label="民主测评（等次）",
        help="每位考核对象评一个等次：优秀/称职/基本称职/不称职；优秀票不超过所评人数的30%。",
        kind="standard",
        options=GRADES,
        satisfied=("优秀", "称职"),
        max_top_share=0.3,
        groups=(
            GroupPreset("leaders", "县级领导", weight=30.0),
            GroupPreset("cadres", "干部职工", weight=50.0, trim=1),
            GroupPreset("public", "服务对象", weight=20.0),
        ),
    ),
    Preset(
        key="dimensions",
        label="德能勤绩廉测评",
        help="从德、能、勤、绩、廉五个方面分别评价（好/较好/一般/差），按维度权重折算。",
        kind="standard",
        form="dimensions",
        options=QUALITY,
        satisfied=("好", "较好"),
        dimensions={"德": 20.0, "能": 20.0, "勤": 20.0, "绩": 25.0, "廉": 15.0},
        groups=(
            GroupPreset("leaders", "县级领导", weight=40.0),
            GroupPreset("cadres", "干部职工", weight=60.0, trim=1),
        ),
    ),
    Preset(
        key="satisfaction",
        label="满意度测评",
        help="群众和服务对象评满意/基本满意/不满意。",
        kind="standard",
        options=SATISFACTION,
        satisfied=("满意", "基本满意"),
        groups=(GroupPreset("public", "群众和服务对象"),),
    ),
    Preset(
        key="worst",
        label="评最差（干部/部门）",
        help="每张票最多选1名，得票最多且达到得票率阈值者为最差，取消评优资格。",
        kind="worst",
        max_picks=1,
        threshold=0.1,
    ),
    Preset(
        key="integrity",
        label="述廉评廉",
        help="评满意/基本满意/不满意；得分低于60分的列入组织处理名单。",
        kind="integrity",
        options=SATISFACTION,
        satisfied=("满意", "基本满意"),
        handling_below=60.0,
    ),
    Preset(
        key="jury",
        label="评委团打分",
        help="公众、专家、领导、代表四个评委团按百分制打分，去掉最高最低分后加权。",
        kind="standard",
        form="score",
        groups=(
            GroupPreset("public", "公众评委团", weight=30.0, trim=1, min_ballots=3),
            GroupPreset("experts", "专家评委团", weight=30.0, trim=1, min_ballots=3),
            GroupPreset("leaders", "领导评委团", weight=20.0),
            GroupPreset("deputies", "代表评委团", weight=20.0),
        ),
    ),
    Preset(
        key="probation",
        label="试用期满测评",
        help="试用期满评优秀/称职/基本称职/不称职；优秀和称职票达到通过比例即为合格。",
        kind="probation",
        options=GRADES,
        satisfied=("优秀", "称职"),
        pass_share=2 / 3,
        groups=(
            GroupPreset("leaders", "县级领导"),
            GroupPreset("deputies", "两代表一委员"),
            GroupPreset("residents", "社区居民代表"),
        ),
    ),
    Preset(
        key="survey",
        label="第三方评估",
        help="第三方机构按百分制给出的评估得分，以文件导入（不发测评码）。",
        kind="standard",
        form="score",
        groups=(GroupPreset("agency", "第三方机构"),),
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
