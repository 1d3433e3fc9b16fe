"""The Excel workbook's sheets and columns: one schema for the reader, the writer and the
template (docs/workbook-excel.md describes it for people).

Each column maps a Chinese header to a key of the raw document (workbook.md YAML shape).
Enumerations are shown in Chinese; the reader accepts the Chinese label or the English code.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final, Literal

Kind = Literal["code", "text", "number", "value", "enum", "pairs", "list", "tiers", "mark"]

METHODS: Final = {
    "ratio": "完成率计分",
    "tiered": "分档计分",
    "grade": "定性评价",
    "direct": "直接赋分",
    "deduct": "扣分制",
    "rank": "排名赋分",
}
DIRECTIONS: Final = {"higher": "越高越好", "lower": "越低越好"}
SOURCES: Final = {"indicators": "指标", "process": "过程考核", "evaluation": "测评"}
ASSESSEE_KINDS: Final = {"units": "单位", "people": "人员"}
EVALUATION_KINDS: Final = {
    "standard": "标准测评",
    "worst": "评选最差",
    "integrity": "述廉评廉",
    "probation": "试用期满测评",
}
FORMS: Final = {"grade": "等次", "dimensions": "分维度", "score": "打分"}
EVENT_TYPES: Final = {"bonus": "加分", "deduction": "扣分", "veto": "一票否决", "downgrade": "降档"}
EFFECTS: Final = {"lowest": "定为最低等次", "no_top": "不得评为最高等次"}
ROLES: Final = {
    "cadre": "干部",
    "village_cadre": "村干部",
    "party_member": "党员",
    "representative": "村民代表",
    "household": "农户",
}


@dataclass(frozen=True, slots=True)
class Range:
    """Numeric data validation of a column (Excel rejects other entries as they are typed)."""

    low: float | None = None
    high: float | None = None
    whole: bool = False


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    header: str
    kind: Kind
    note: str
    labels: Mapping[str, str] = field(default_factory=dict)  # enum: code -> Chinese label
    required: bool = False  # the header must be present
    range: Range | None = None


@dataclass(frozen=True, slots=True)
class SheetSpec:
    name: str
    note: str
    columns: tuple[Column, ...]

    def column(self, key: str) -> Column:
        for column in self.columns:
            if column.key == key:
                return column
        raise KeyError(key)

    @property
    def headers(self) -> dict[str, str]:
        """raw key -> header, for the locator."""
        return {column.key: column.header for column in self.columns}


def _c(key: str, header: str, kind: Kind, note: str, **extra: object) -> Column:
    return Column(key, header, kind, note, **extra)  # type: ignore[arg-type]


_CATEGORY = _c("category", "类别代码", "code", "考核类别代码，须在「类别」工作表中", required=True)
_ASSESSEE = _c("assessee", "考核对象代码", "code", "单位代码或人员代码", required=True)
_POINTS = Range(low=0)

PLAN: Final = SheetSpec(
    "方案",
    "考核方案，只填一行",
    (
        _c("org_name", "组织名称", "text", "县（区）或组织名称，如 示例县"),
        _c("code", "方案代码", "code", "方案的唯一代码，如 2025-annual", required=True),
        _c("name", "方案名称", "text", "如 2025年度乡镇和县直部门实绩考核"),
        _c("year", "年度", "number", "考核年度，如 2025", range=Range(1900, 2200, whole=True)),
        _c("assessees", "考核对象", "enum", "单位 或 人员", labels=ASSESSEE_KINDS),
        _c(
            "bonus_cap",
            "加分上限",
            "number",
            "每个考核对象加分合计的上限；空白为不设上限",
            range=_POINTS,
        ),
        _c(
            "non_discriminating_share",
            "区分度阈值",
            "number",
            "满分比例达到此值的指标判为区分度不足，默认 0.9",
            range=Range(0, 1),
        ),
    ),
)
VETOES: Final = SheetSpec(
    "否决事项",
    "一票否决事项及其效果",
    (
        _c("item", "否决事项", "text", "如 党风廉政、安全生产", required=True),
        _c("effect", "效果", "enum", "定为最低等次 或 不得评为最高等次", labels=EFFECTS),
    ),
)
CATEGORIES: Final = SheetSpec(
    "类别",
    "考核类别，按排列顺序输出",
    (
        _c("code", "类别代码", "code", "如 township", required=True),
        _c("name", "类别名称", "text", "如 乡镇"),
        _c("full_score", "满分", "number", "默认 100", range=Range(low=0)),
        _c(
            "tiebreak",
            "同分比较",
            "list",
            "总分相同时定等次依次比较的一级指标代码，分号隔开；空白为全部一级指标",
        ),
    ),
)
SECTIONS: Final = SheetSpec(
    "一级指标",
    "各类别的一级指标，分值之和等于满分",
    (
        _CATEGORY,
        _c("code", "一级指标代码", "code", "如 target", required=True),
        _c("name", "一级指标名称", "text", "如 目标考核"),
        _c("points", "分值", "number", "一级指标分值", range=_POINTS),
        _c("source", "来源", "enum", "指标（下设二级指标）、过程考核 或 测评", labels=SOURCES),
        _c("evaluation", "测评代码", "code", "来源为测评时填写，须在「测评」工作表中"),
    ),
)
INDICATORS: Final = SheetSpec(
    "指标",
    "二级、三级指标：上级指标代码为空的是二级指标；上级指标的分值等于其下级之和，且不填计分方法",
    (
        _CATEGORY,
        _c("section", "一级指标代码", "code", "所属一级指标", required=True),
        _c("parent", "上级指标代码", "code", "三级指标填所属二级指标的代码"),
        _c("code", "指标代码", "code", "如 T1", required=True),
        _c("name", "指标名称", "text", "如 农业发展"),
        _c("points", "分值", "number", "指标分值", range=_POINTS),
        _c(
            "method",
            "计分方法",
            "enum",
            "完成率计分/分档计分/定性评价/直接赋分/扣分制/排名赋分",
            labels=METHODS,
        ),
        _c("target", "目标值", "number", "完成率计分必填，分档计分可选"),
        _c(
            "cap",
            "封顶系数",
            "number",
            "完成率计分：得分不超过 分值×封顶系数，默认 1",
            range=Range(low=0),
        ),
        _c("direction", "方向", "enum", "越高越好（默认）或 越低越好", labels=DIRECTIONS),
        _c(
            "tiers",
            "分档",
            "tiers",
            "分档计分：阈值:得分比例，从高到低用分号隔开，如 1:1;0.9:0.8;0.8:0.6",
        ),
        _c(
            "floor",
            "保底系数",
            "number",
            "分档计分未达任何一档的得分比例（默认 0）；排名赋分末位比例（默认 0.6）",
        ),
        _c("grades", "等级赋分", "pairs", "定性评价：等级=得分比例，如 A=1;B=0.85;C=0.7;D=0.5"),
        _c("per", "每次扣分", "number", "扣分制：每次（每项）扣的分", range=Range(low=0)),
        _c("assessor", "考核主体", "code", "牵头考核单位代码（可选）"),
    ),
)
GRADES: Final = SheetSpec(
    "等次",
    "各类别的等次，从高到低；最后一个等次不填比例和最低分",
    (
        _CATEGORY,
        _c("name", "等次", "text", "如 优秀、良好、一般、较差", required=True),
        _c(
            "quota",
            "比例",
            "number",
            "该等次名额占本类别考核对象的百分比，如 20",
            range=Range(0, 100),
        ),
        _c("min_score", "最低分", "number", "评为该等次的最低总分（可选）", range=Range(low=0)),
    ),
)
EVALUATIONS: Final = SheetSpec(
    "测评",
    "民主测评、满意度测评、评委团打分、评选最差、述廉评廉",
    (
        _c("code", "测评代码", "code", "如 mz2025", required=True),
        _c("name", "测评名称", "text", "如 民主测评"),
        _c(
            "kind",
            "类型",
            "enum",
            "标准测评（默认）、评选最差、述廉评廉 或 试用期满测评",
            labels=EVALUATION_KINDS,
        ),
        _c("form", "形式", "enum", "等次（默认）、分维度 或 打分", labels=FORMS),
        _c("options", "选项", "pairs", "选项=分值，如 优秀=100;称职=80;基本称职=60;不称职=0"),
        _c("satisfied", "满意选项", "list", "计入满意率的选项，分号隔开，如 优秀;称职"),
        _c(
            "dimensions", "维度", "pairs", "分维度测评：维度=权重，如 德=15;能=20;勤=15;绩=35;廉=15"
        ),
        _c("max", "满分", "number", "打分形式的满分，默认 100", range=Range(low=0)),
        _c(
            "max_top_share",
            "好票比例上限",
            "number",
            "一张票最高选项超过此比例即为废票，如 0.3",
            range=Range(0, 1),
        ),
        _c(
            "max_picks",
            "最多选",
            "number",
            "评选最差：每张票最多选几个",
            range=Range(low=0, whole=True),
        ),
        _c(
            "threshold",
            "门槛",
            "number",
            "评选最差：得票率达到此值才认定，默认 0",
            range=Range(0, 1),
        ),
        _c("veto_item", "否决事项", "text", "评选最差：认定后适用的否决事项（可选）"),
        _c(
            "veto_effect",
            "否决效果",
            "enum",
            "评选最差：定为最低等次 或 不得评为最高等次（默认）",
            labels=EFFECTS,
        ),
        _c(
            "handling_below",
            "处理线",
            "number",
            "述廉评廉：得分低于此值列入组织处理，默认 60",
            range=Range(0, 100),
        ),
        _c(
            "pass_share",
            "通过比例",
            "number",
            "试用期满测评：称职以上票数占有效票的比例达到此值为合格，默认 2/3",
            range=Range(0, 1),
        ),
    ),
)
GROUPS: Final = SheetSpec(
    "测评主体",
    "各测评的测评主体及权重",
    (
        _c("evaluation", "测评代码", "code", "须在「测评」工作表中", required=True),
        _c("code", "主体代码", "code", "如 staff", required=True),
        _c("name", "主体名称", "text", "如 干部职工"),
        _c("weight", "权重", "number", "默认 1", range=Range(low=0)),
        _c(
            "trim",
            "去掉最高最低",
            "number",
            "各去掉几个最高分和最低分，默认 0",
            range=Range(low=0, whole=True),
        ),
        _c(
            "min_ballots",
            "最少票数",
            "number",
            "有效票少于此数该主体不计，默认 1",
            range=Range(low=0, whole=True),
        ),
    ),
)
UNITS: Final = SheetSpec(
    "单位",
    "单位（乡镇、部门、村），类别代码不为空的单位是考核对象（单位方案）",
    (
        _c("code", "单位代码", "code", "如 XZ01", required=True),
        _c("name", "单位名称", "text", "如 城关镇"),
        _c("category", "类别代码", "code", "考核类别代码；空白为不参加本方案考核"),
        _c("parent", "上级单位", "code", "上级单位代码（可选）"),
    ),
)
PEOPLE: Final = SheetSpec(
    "人员",
    "干部、村干部等，类别代码不为空的人员是考核对象（人员方案）",
    (
        _c("code", "人员代码", "code", "如 P001", required=True),
        _c("name", "姓名", "text", "如 张三"),
        _c("unit", "所在单位", "code", "单位代码"),
        _c("position", "职务", "text", "如 党委书记"),
        _c("category", "类别代码", "code", "考核类别代码；空白为不参加本方案考核"),
        _c("role", "身份", "enum", "干部、村干部、党员、村民代表、农户（可选）", labels=ROLES),
    ),
)
SCALE: Final = SheetSpec(
    "规模系数",
    "规模系数，未列出的为 1",
    (_ASSESSEE, _c("scale", "规模系数", "number", "如 1.05", required=True, range=Range(low=0))),
)
PROCESS: Final = SheetSpec(
    "过程考核分",
    "过程考核（日常考核）得分，0–100",
    (_ASSESSEE, _c("process", "过程考核分", "number", "0–100", required=True, range=Range(0, 100))),
)
VALUES: Final = SheetSpec(
    "指标值",
    "考核对象的指标值：数值、定性等级或 N/A（不涉及）；空白为缺报",
    (
        _ASSESSEE,
        _c("indicator", "指标代码", "code", "末级指标代码", required=True),
        _c("value", "值", "value", "数值、等级（如 B）或 N/A（不涉及）", required=True),
    ),
)
EVENTS: Final = SheetSpec(
    "加扣分与否决",
    "加分、扣分、一票否决、降档，按发生顺序",
    (
        _ASSESSEE,
        _c(
            "type",
            "类型",
            "enum",
            "加分、扣分、一票否决 或 降档",
            labels=EVENT_TYPES,
            required=True,
        ),
        _c("points", "分值", "number", "加分或扣分的分值", range=_POINTS),
        _c("item", "否决事项", "text", "一票否决：须在「否决事项」工作表中，或填写效果"),
        _c("effect", "否决效果", "enum", "一票否决：空白按否决事项的效果", labels=EFFECTS),
        _c("reason", "事由", "text", "如 获省级表彰"),
    ),
)
BALLOTS: Final = SheetSpec(
    "测评票",
    "测评票，每行一个评价：打分填数字，分维度填 德=优秀;能=称职…，评选最差每选一人一行、选项空白",
    (
        _c("evaluation", "测评代码", "code", "须在「测评」工作表中", required=True),
        _c("group", "测评主体代码", "code", "须在「测评主体」工作表中", required=True),
        _c("ballot", "票号", "code", "同一测评内唯一", required=True),
        _c("assessee", "考核对象代码", "code", "被评价的考核对象；空票留空"),
        _c("option", "选项", "mark", "选项、分数或 维度=选项;…；评选最差留空"),
    ),
)

SHEETS: Final = (
    PLAN,
    VETOES,
    CATEGORIES,
    SECTIONS,
    INDICATORS,
    GRADES,
    EVALUATIONS,
    GROUPS,
    UNITS,
    PEOPLE,
    SCALE,
    PROCESS,
    VALUES,
    EVENTS,
    BALLOTS,
)
SHEETS_BY_NAME: Final = {sheet.name: sheet for sheet in SHEETS}
PLAN_SHEETS: Final = frozenset({"方案", "否决事项", "类别", "一级指标", "指标", "等次"})
README_SHEET: Final = "说明"  # explanations for people; the reader skips it
