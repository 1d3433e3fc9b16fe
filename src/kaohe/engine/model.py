"""The engine's input: one plan, its assessees and the year's data, as typed, frozen dataclasses.

This module is the contract between the engine (scoring.md) and everything that feeds it
(the workbook builder, the Django selectors). Nothing here validates: `kaohe.workbook.build`
turns a raw document into a `Document` and reports every problem with its place; the engine
trusts what it is given. No Django import, ever.

Ballot marks are columnar (a polars DataFrame, one row per mark) because a province-scale
year has millions of them and the aggregation is vectorised (scoring.md §4).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Final, Literal

import polars as pl

Method = Literal["ratio", "tiered", "grade", "direct", "deduct", "rank"]
Direction = Literal["higher", "lower"]
Effect = Literal["lowest", "no_top"]
EventType = Literal["bonus", "deduction", "veto", "downgrade"]
EvaluationKind = Literal["standard", "worst", "integrity", "probation"]
Form = Literal["grade", "dimensions", "score"]
SectionSource = Literal["indicators", "process", "evaluation"]
AssesseeKind = Literal["units", "people"]


class _NotApplicable:
    """The value N/A (不涉及): the assessee is exempt from the indicator (scoring.md §2)."""

    _instance: _NotApplicable | None = None

    def __new__(cls) -> _NotApplicable:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "N/A"

    def __reduce__(self) -> str:
        return "NA"


NA: Final = _NotApplicable()

# A recorded indicator value: a number (numeric methods), a label (`grade`), or N/A.
# A missing value is simply absent from `Document.values`.
Value = float | str | _NotApplicable


@dataclass(frozen=True, slots=True)
class Indicator:
    """二级/三级指标. A parent (has `children`) has no method; its points are its children's sum."""

    code: str
    name: str
    points: float
    method: Method | None = None
    children: tuple[Indicator, ...] = ()
    target: float | None = None  # ratio (required), tiered (optional)
    cap: float = 1.0  # ratio
    direction: Direction = "higher"  # ratio, rank
    tiers: tuple[tuple[float, float], ...] = ()  # tiered: (threshold, fraction), descending
    floor: float | None = None  # tiered: default 0; rank: default 0.6
    grades: Mapping[str, float] = field(default_factory=dict)  # grade: label -> fraction
    per: float = 0.0  # deduct
    assessor: str | None = None  # 考核主体 code (extension, docs/extensions.md)

    @property
    def is_leaf(self) -> bool:
        return not self.children

    def leaves(self) -> Iterator[Indicator]:
        """Leaf indicators under this node, in declared order (the node itself if a leaf)."""
        if not self.children:
            yield self
            return
        for child in self.children:
            yield from child.leaves()


@dataclass(frozen=True, slots=True)
class Section:
    """一级指标: a list of indicators, or a single source (`process` or an evaluation)."""

    code: str
    name: str
    points: float
    source: SectionSource = "indicators"
    indicators: tuple[Indicator, ...] = ()
    evaluation: str | None = None  # when source == "evaluation"

    def leaves(self) -> Iterator[Indicator]:
        for indicator in self.indicators:
            yield from indicator.leaves()


@dataclass(frozen=True, slots=True)
class Grade:
    """等次, best first in `Category.grades`; the last grade has neither quota nor min_score."""

    name: str
    quota: float | None = None  # percentage of the category's assessees (cumulative capacity)
    min_score: float | None = None


@dataclass(frozen=True, slots=True)
class Category:
    code: str
    name: str
    sections: tuple[Section, ...]
    grades: tuple[Grade, ...]
    full_score: float = 100.0
    # Sections whose rounded scores break ties for grading (never for rank).
    # None means every section in declared order.
    tiebreak: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class VetoItem:
    """一票否决 item with its effect: `lowest` (last grade) or `no_top` (not the first grade)."""

    item: str
    effect: Effect = "lowest"


@dataclass(frozen=True, slots=True)
class Plan:
    code: str
    name: str
    year: int
    categories: tuple[Category, ...]
    assessees: AssesseeKind = "units"
    bonus_cap: float | None = None
    non_discriminating_share: float = 0.9
    vetoes: tuple[VetoItem, ...] = ()


@dataclass(frozen=True, slots=True)
class Group:
    """测评主体 (rater group) of an evaluation."""

    code: str
    name: str
    weight: float = 1.0
    trim: int = 0
    min_ballots: int = 1


@dataclass(frozen=True, slots=True)
class Evaluation:
    """民主测评 / 满意度测评 / 评委团 / 评最差 / 述廉评廉 (scoring.md §4)."""

    code: str
    name: str
    groups: tuple[Group, ...]
    kind: EvaluationKind = "standard"
    form: Form = "grade"  # ignored for kind == "worst"
    options: Mapping[str, float] = field(default_factory=dict)  # label -> value 0–100
    satisfied: tuple[str, ...] = ()
    dimensions: Mapping[str, float] = field(default_factory=dict)  # dimension -> weight
    max: float = 100.0  # score form: marks lie in [0, max] and are scaled to 0–100
    max_top_share: float | None = None
    # worst kind
    max_picks: int | None = None
    threshold: float = 0.0
    veto: VetoItem | None = None  # resolved by the builder; worst kind only
    # integrity kind
    handling_below: float = 60.0
    handling_below_text: str = "60"  # the threshold as written, for the flag text
    # probation kind (试用期满测评, docs/evaluation-kinds.md): the share of 称职以上 votes
    # (the `satisfied` labels) needed to pass; None means 2/3.
    pass_share: float | None = None


@dataclass(frozen=True, slots=True)
class Event:
    """加分 / 扣分 / 一票否决 / 降档, in data order."""

    assessee: str
    type: EventType
    points: float = 0.0  # bonus, deduction
    item: str | None = None  # veto
    effect: Effect | None = None  # veto: resolved by the builder (event's effect, else plan's)
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Assessee:
    """考核对象: a unit (乡镇/部门/村) or a person, with its category in this plan."""

    code: str
    name: str
    category: str
    unit: str | None = None  # people: the unit they serve in
    position: str | None = None  # people: 职务


# Columns of `Document.marks`, one row per mark (workbook.md, ballots.csv long format):
#   evaluation: str   group: str   ballot: str
#   assessee: str | null   (null: a ballot that marks nobody, e.g. an empty worst ballot)
#   option: str | null     (grade label; a number as text; dimensions as "德=优秀;能=称职";
#                           null for worst picks)
MARK_COLUMNS: Final = ("evaluation", "group", "ballot", "assessee", "option")
MARK_SCHEMA: Final = {name: pl.Utf8 for name in MARK_COLUMNS}


def empty_marks() -> pl.DataFrame:
    return pl.DataFrame(schema=MARK_SCHEMA)


@dataclass(frozen=True, slots=True)
class Unit:
    """单位 in the organisation tree (stored and exported; the engine uses `Assessee`)."""

    code: str
    name: str
    category: str | None = None
    parent: str | None = None


@dataclass(frozen=True, slots=True)
class Person:
    code: str
    name: str
    unit: str | None = None
    position: str | None = None
    category: str | None = None
    role: str | None = None  # cadre, village_cadre, party_member, representative, household


@dataclass(frozen=True, slots=True)
class Organization:
    name: str
    units: tuple[Unit, ...] = ()
    people: tuple[Person, ...] = ()


@dataclass(frozen=True, slots=True)
class Document:
    """One organisation, one plan and the year's data: everything `engine.score` needs."""

    organization: Organization
    plan: Plan
    assessees: tuple[Assessee, ...]  # the plan's assessees (non-null category), input order
    evaluations: tuple[Evaluation, ...] = ()
    values: Mapping[tuple[str, str], Value] = field(default_factory=dict)  # (assessee, leaf)
    scale: Mapping[str, float] = field(default_factory=dict)  # 规模系数, default 1
    process: Mapping[str, float] = field(default_factory=dict)  # P in [0, 100]
    events: tuple[Event, ...] = ()
    marks: pl.DataFrame = field(default_factory=empty_marks)

    def evaluation(self, code: str) -> Evaluation:
        for evaluation in self.evaluations:
            if evaluation.code == code:
                return evaluation
        raise KeyError(code)
