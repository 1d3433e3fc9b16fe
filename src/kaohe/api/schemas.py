"""Request and response shapes of the API (Pydantic, through django-ninja).

Response schemas list exactly the fields a role may read: the ranking row, for instance, has
no ``evaluations`` (rater-group vote counts), which only the explanation shows to those who
may open it (docs/roles.md), so leaving the key out of the schema keeps it out of the answer.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from ninja import Schema
from pydantic import Field


class ProblemOut(Schema):
    """One problem of a refused input: where it is (a field, an assessee code, a document
    path) and what is wrong, in Chinese."""

    where: str
    message: str


class Error(Schema):
    """Every error answer: a stable ``code``, a Chinese ``message`` and, for invalid input
    (422), every problem found."""

    code: str
    message: str
    problems: list[ProblemOut] = Field(default_factory=list)


# ---------------------------------------------------------------------------------------------
# Plans


class PlanStatus(Schema):
    code: str
    name: str
    year: int
    assessees: str  # units | people
    organization: str
    computed_at: datetime | None
    published_at: datetime | None


class VetoOut(Schema):
    item: str
    effect: str


class GradeOut(Schema):
    name: str
    quota: float | None
    min_score: float | None


class IndicatorOut(Schema):
    code: str
    name: str
    points: float
    method: str | None
    target: float | None
    cap: float
    direction: str
    tiers: list[list[float]]
    floor: float | None
    grades: dict[str, float]
    per: float
    assessor: str | None
    children: list[IndicatorOut]


class SectionOut(Schema):
    code: str
    name: str
    points: float
    source: str  # indicators | process | evaluation
    evaluation: str | None
    indicators: list[IndicatorOut]


class CategoryOut(Schema):
    code: str
    name: str
    full_score: float
    tiebreak: list[str] | None
    assessees: int
    sections: list[SectionOut]
    grades: list[GradeOut]


class PlanDetail(PlanStatus):
    bonus_cap: float | None
    non_discriminating_share: float
    vetoes: list[VetoOut]
    categories: list[CategoryOut]


class PlanCreateIn(Schema):
    code: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=200)
    year: int
    assessees: Literal["units", "people"] = "units"
    organization_name: str = Field(min_length=1, max_length=200)
    category_code: str = Field(min_length=1, max_length=64)
    category_name: str = Field(min_length=1, max_length=200)


class PlanCopyIn(Schema):
    code: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=200)
    year: int


class NodeAddIn(Schema):
    """A new node under ``parent`` ("" the plan: a category; "0": a section of the first
    category; "0.1" or deeper: an indicator), with its fields as the document writes them."""

    parent: str = Field(pattern=r"^$|^\d+(\.\d+)*$")
    fields: dict[str, Any]


class NodeFieldsIn(Schema):
    """Fields of a node as the document writes them; ``null`` removes a key."""

    fields: dict[str, Any]


class NodeMoveIn(Schema):
    offset: Literal[-1, 1]


class PointsIn(Schema):
    """Points of many nodes at once, by node reference (a category: its full score)."""

    points: dict[str, float | str]


class NodeOut(Schema):
    ref: str


class NodeDeleted(Schema):
    values_removed: int


class ComputationOut(Schema):
    plan: str
    computed_at: datetime
    engine_version: str


class PublicationOut(Schema):
    plan: str
    published: bool
    published_at: datetime | None
    published_by: str


# ---------------------------------------------------------------------------------------------
# Results


class VetoApplied(Schema):
    item: str | None = None
    effect: str | None = None


class RankingRow(Schema):
    """One assessee's line of a published ranking (no rater-group vote counts)."""

    code: str
    name: str
    category: str
    sections: dict[str, float | None]
    base: float | None
    scale: float | None
    bonus: float
    deduction: float
    total: float | None
    rank: int | None
    rank_of: int
    grade: str
    flags: list[str]
    vetoes: list[VetoApplied]
    downgrades: int
    explainable: bool  # the caller may open this assessee's explanation


class GradeCount(Schema):
    grade: str
    count: int


class SectionHead(Schema):
    code: str
    name: str
    points: float


class RankingCategory(Schema):
    code: str
    name: str
    n: int
    sections: list[SectionHead]
    grades: list[str]
    grade_counts: list[GradeCount]
    non_discriminating: list[str]
    assessees: list[RankingRow]


class Ranking(Schema):
    plan: PlanStatus
    categories: list[RankingCategory]


class CategoryRef(Schema):
    code: str
    name: str


class Explanation(Schema):
    """One assessee's full result (the results JSON line, with its evaluations) and the
    engine's line-by-line explanation (``AssesseeResult.explain()``)."""

    plan: str
    category: CategoryRef
    result: dict[str, Any]
    explanation: dict[str, Any]


class Diagnostic(Schema):
    """指标区分度 of one indicator in one category (scoring.md §6)."""

    category: str
    indicator: str
    name: str
    n: int
    mean: float | None
    std: float | None
    cv: float | None
    full_share: float | None
    non_discriminating: bool


class WorstEntry(Schema):
    """One person named by a worst vote; ``votes`` and ``share`` are null (``hidden``) when
    the vote had fewer than 5 ballots (kaohe.results.breakdowns)."""

    assessee: str
    name: str
    votes: int | None
    share: float | None
    hidden: bool = False


class WorstList(Schema):
    evaluation: str
    entries: list[WorstEntry]


# ---------------------------------------------------------------------------------------------
# Dashboards


class Completeness(Schema):
    assessor: str | None
    expected: int
    entered: int
    share: float


class IndicatorCompleteness(Completeness):
    indicator: str
    name: str


class OfficePlan(PlanStatus):
    completeness: list[Completeness]
    grade_distribution: list[RankingCategoryGrades]


class RankingCategoryGrades(Schema):
    code: str
    name: str
    n: int
    grades: list[GradeCount]


class AssessorPlan(PlanStatus):
    expected: int
    entered: int
    share: float
    indicators: list[IndicatorCompleteness]


class UnitResult(Schema):
    rank: int | None
    total: float | None
    grade: str


class UnitPlan(PlanStatus):
    assessee: str
    category: CategoryRef
    result: UnitResult | None  # only once published


# ---------------------------------------------------------------------------------------------
# Data entry


class ValueRow(Schema):
    assessee: str
    name: str
    category: str
    value: str  # as the document writes it: 85.5, a grade label, N/A; "" when missing
    entered_by: str | None
    entered_at: datetime | None


class ValueGrid(Schema):
    plan: str
    indicator: str
    name: str
    grades: list[str]  # labels of a grade indicator (empty for the other methods)
    entered: int
    expected: int
    rows: list[ValueRow]


class ValuesIn(Schema):
    """assessee code → the text entered (as in a grid cell); "" or null clears the value."""

    values: dict[str, str | float | None]


class ValuesSaved(Schema):
    written: int
    cleared: int


class EventIn(Schema):
    assessee: str
    type: str  # bonus | deduction | veto | downgrade (checked by the builder)
    points: float | None = None
    item: str | None = None
    reason: str


class EventOut(Schema):
    id: int
    assessee: str
    assessee_name: str
    type: str
    points: str  # as written ("" for a veto or a downgrade)
    item: str
    effect: str
    reason: str
    entered_by: str | None
    entered_at: datetime | None
    evidence: str | None  # the evidence file's name, if any


# ---------------------------------------------------------------------------------------------
# Accounts


class AccountOut(Schema):
    username: str
    name: str
    role: str
    unit: str | None
    assessor: str | None
    active: bool


class AccountIn(Schema):
    username: str = Field(min_length=1, max_length=150)
    password: str
    role: Literal["admin", "office", "assessor", "unit", "supervisor"]
    name: str = ""
    unit: str | None = None
    assessor: str | None = None


IndicatorOut.model_rebuild()
OfficePlan.model_rebuild()
