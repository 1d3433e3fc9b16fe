"""What `score` returns: per-assessee results with their explanation, diagnostics, worst votes.

Figures are kept unrounded where they are computed and rounded once, here, when reported
(scoring.md §3.6, §8); ranks and grades were already decided on rounded totals by `grading`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from kaohe.engine.gcpause import gc_paused
from kaohe.engine.model import VetoItem
from kaohe.engine.rounding import round2, round2_opt, round4_opt

if TYPE_CHECKING:
    from kaohe.engine.probation import ProbationResult

LeafStatus = Literal["scored", "missing", "exempt"]


@dataclass(frozen=True, slots=True)
class GroupResult:
    """One rater group's figures for one assessee (score None: the group is absent)."""

    code: str
    name: str
    weight: float
    score: float | None
    marks: int  # valid marks, before trimming
    void: int
    trimmed: int  # marks dropped by `trim` (去掉最高分和最低分)
    counts: dict[str, int]

    def to_dict(self) -> dict[str, Any]:
        return {"score": round2_opt(self.score), "marks": self.marks, "counts": dict(self.counts)}


@dataclass(frozen=True, slots=True)
class EvaluationResult:
    """An assessee's result in one (non-worst) evaluation (scoring.md §4)."""

    code: str
    kind: str
    score: float  # E
    valid: int
    void: int
    groups: tuple[GroupResult, ...]
    top_rate: float | None
    satisfaction_rate: float | None
    flags: tuple[str, ...] = ()
    handling: bool = False  # integrity kind: listed for organisational handling (组织处理)
    # dimensions form only: per dimension (德/能/勤/绩/廉 …), the mean value (0–100) of its
    # ratings over the valid marks of every group, untrimmed and unweighted. Descriptive (the
    # radar chart); it is reported in the explanation only, never in the results JSON.
    dimensions: dict[str, float | None] | None = None
    # probation kind only (kaohe.engine.probation.ProbationResult): excellent and competent
    # votes and the pass verdict; its keys are added to the results JSON of such entries only.
    probation: ProbationResult | None = None

    def to_dict(self) -> dict[str, Any]:
        data = {
            "score": round2(self.score),
            "valid": self.valid,
            "void": self.void,
            "groups": {g.code: g.to_dict() for g in self.groups},
            "top_rate": round4_opt(self.top_rate),
            "satisfaction_rate": round4_opt(self.satisfaction_rate),
        }
        if self.probation is not None:
            data.update(self.probation.to_dict())
        return data


@dataclass(frozen=True, slots=True)
class WorstEntry:
    assessee: str
    votes: int
    share: float

    def to_dict(self) -> dict[str, Any]:
        return {"assessee": self.assessee, "votes": self.votes, "share": round4_opt(self.share)}


@dataclass(frozen=True, slots=True)
class WorstResult:
    """评选最差: votes per assessee over valid ballots and those named worst."""

    code: str
    valid_ballots: int
    void_ballots: int
    votes: dict[str, int]
    named: tuple[WorstEntry, ...]
    veto: VetoItem


@dataclass(frozen=True, slots=True)
class LeafResult:
    code: str
    name: str
    method: str
    points: float
    value: Any  # the recorded value (number or label); None when missing, "N/A" when exempt
    status: LeafStatus
    score: float | None  # None when exempt
    rank: tuple[int, int] | None = None  # rank method: (k, n)

    def explain(self) -> dict[str, Any]:
        line: dict[str, Any] = {
            "indicator": self.code,
            "name": self.name,
            "method": self.method,
            "points": self.points,
            "value": self.value,
            "status": self.status,
            "score": round2_opt(self.score),
        }
        if self.rank is not None:
            line["rank"] = {"k": self.rank[0], "n": self.rank[1]}
        return line


@dataclass(frozen=True, slots=True)
class SectionResult:
    code: str
    name: str
    points: float
    source: str
    score: float
    rescaled: bool = False  # exempt rescaling applied
    applied_points: float | None = None  # points of the leaves that apply (when rescaled)
    process: float | None = None  # P (process source)
    evaluation: str | None = None
    # The category's leaf scores (kaohe.engine.leaves.LeafBlock) and where this assessee's
    # leaves of this section sit in it: lines are built when an explanation asks for them.
    block: Any = None
    row: int = 0
    start: int = 0
    stop: int = 0

    @property
    def leaves(self) -> tuple[LeafResult, ...]:
        if self.block is None:
            return ()
        return self.block.leaf_results(self.row, self.start, self.stop)

    def explain(self) -> dict[str, Any]:
        line: dict[str, Any] = {
            "section": self.code,
            "name": self.name,
            "points": self.points,
            "source": self.source,
            "score": round2(self.score),
        }
        if self.source == "indicators":
            line["indicators"] = (
                self.block.leaf_lines(self.row, self.start, self.stop)
                if self.block is not None
                else []
            )
            if self.rescaled:
                line["rescaled"] = {
                    "rule": "sum(scores) * section_points / sum(points of indicators that apply)",
                    "applied_points": self.applied_points,
                }
        elif self.source == "process":
            line["process"] = self.process
            line["rule"] = "P * points / 100"
        else:
            line["evaluation"] = self.evaluation
            line["rule"] = "E * points / 100"
        return line


@dataclass(frozen=True, slots=True)
class EventLine:
    """A bonus / deduction / veto / downgrade behind an assessee's figures."""

    type: str
    points: float = 0.0
    item: str | None = None
    effect: str | None = None
    reason: str = ""
    source: str = "event"  # "event" or "worst:EVAL"

    def explain(self) -> dict[str, Any]:
        line: dict[str, Any] = {"type": self.type, "reason": self.reason, "source": self.source}
        if self.type in ("bonus", "deduction"):
            line["points"] = self.points
        if self.type == "veto":
            line["item"] = self.item
            line["effect"] = self.effect
        return line


@dataclass(slots=True, eq=False)
class AssesseeResult:
    code: str
    name: str
    category: str
    sections: tuple[SectionResult, ...]
    base: float
    scale: float
    bonus: float
    bonus_events: float  # before the cap
    bonus_cap: float | None
    deduction: float
    total: float
    flags: set[str]
    vetoes: list[VetoItem]
    downgrades: int
    evaluations: dict[str, EvaluationResult]
    events: list[EventLine]
    rank: int = 0
    rank_of: int = 0
    grade: str = ""
    grade_before_downgrade: str = ""
    grade_reason: str = ""

    @property
    def rounded_total(self) -> float:
        return round2(self.total)

    def section_scores(self) -> dict[str, float]:
        return {s.code: s.score for s in self.sections}

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "category": self.category,
            "sections": {s.code: round2(s.score) for s in self.sections},
            "base": round2(self.base),
            "scale": round2(self.scale),
            "bonus": round2(self.bonus),
            "deduction": round2(self.deduction),
            "total": round2(self.total),
            "rank": self.rank,
            "rank_of": self.rank_of,
            "grade": self.grade,
            "flags": sorted(self.flags),
            "vetoes": [{"item": v.item, "effect": v.effect} for v in self.vetoes],
            "downgrades": self.downgrades,
            "evaluations": {code: e.to_dict() for code, e in self.evaluations.items()},
        }

    def explain(self) -> dict[str, Any]:
        """Every figure line by line, JSON-serialisable (可追溯: pages, PDFs, storage)."""
        evaluations = {}
        for code, e in self.evaluations.items():
            evaluations[code] = {
                "kind": e.kind,
                "score": round2(e.score),
                "rule": "E = sum(w_g * G_g) / sum(w_g) over the groups present",
                "valid": e.valid,
                "void": e.void,
                "groups": [
                    {
                        "group": g.code,
                        "name": g.name,
                        "weight": g.weight,
                        "score": round2_opt(g.score),
                        "present": g.score is not None,
                        "marks": g.marks,
                        "void": g.void,
                        "trimmed": g.trimmed,
                        "counts": dict(g.counts),
                    }
                    for g in e.groups
                ],
                "top_rate": round4_opt(e.top_rate),
                "satisfaction_rate": round4_opt(e.satisfaction_rate),
                "flags": list(e.flags),
                "handling": e.handling,
            }
            if e.probation is not None:
                evaluations[code]["probation"] = e.probation.explain()
            if e.dimensions is not None:
                evaluations[code]["dimensions"] = {
                    d: round2_opt(mean) for d, mean in e.dimensions.items()
                }
        return {
            "code": self.code,
            "name": self.name,
            "category": self.category,
            "sections": [s.explain() for s in self.sections],
            "base": round2(self.base),
            "scale": self.scale,
            "scaled": round2(self.base * self.scale),
            "bonus": {
                "events": round2(self.bonus_events),
                "cap": self.bonus_cap,
                "applied": round2(self.bonus),
            },
            "deduction": round2(self.deduction),
            "total": round2(self.total),
            "rank": self.rank,
            "rank_of": self.rank_of,
            "events": [e.explain() for e in self.events],
            "evaluations": evaluations,
            "grade": self.grade,
            "grade_before_downgrade": self.grade_before_downgrade,
            "grade_reason": self.grade_reason,
            "downgrades": self.downgrades,
            "vetoes": [{"item": v.item, "effect": v.effect} for v in self.vetoes],
            "flags": sorted(self.flags),
        }


@dataclass(frozen=True, slots=True)
class IndicatorStats:
    """指标区分度 of one leaf indicator within one category (scoring.md §6)."""

    category: str
    indicator: str
    n: int
    mean: float | None
    std: float | None
    cv: float | None
    full_share: float | None
    non_discriminating: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "category": self.category,
            "indicator": self.indicator,
            "n": self.n,
            "mean": round2_opt(self.mean),
            "std": round2_opt(self.std),
            "cv": round4_opt(self.cv),
            "full_share": round4_opt(self.full_share),
            "non_discriminating": self.non_discriminating,
        }


@dataclass(frozen=True, slots=True)
class CategoryResult:
    code: str
    n: int
    non_discriminating: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"n": self.n, "non_discriminating": list(self.non_discriminating)}


@dataclass(frozen=True, slots=True)
class Results:
    """Everything `score` computes for one document."""

    plan: str
    categories: tuple[CategoryResult, ...]
    assessees: tuple[AssesseeResult, ...]  # by category (declared order), rank, code
    indicators: tuple[IndicatorStats, ...]
    worst: tuple[WorstResult, ...] = ()
    # Plan-level 区分度 figure: share of (category, leaf) pairs flagged non_discriminating.
    non_discriminating_share: float | None = None
    handling: tuple[str, ...] = field(default=())  # integrity: listed for 组织处理, by code

    def assessee(self, code: str) -> AssesseeResult:
        for result in self.assessees:
            if result.code == code:
                return result
        raise KeyError(code)

    def to_dict(self) -> dict[str, Any]:
        """The results JSON of workbook.md (numbers rounded per scoring.md §8)."""
        with gc_paused():  # a dict or more per figure, no cycles (gcpause.py)
            return {
                "plan": self.plan,
                "categories": {c.code: c.to_dict() for c in self.categories},
                "assessees": [a.to_dict() for a in self.assessees],
                "indicators": [i.to_dict() for i in self.indicators],
                "worst": {w.code: [e.to_dict() for e in w.named] for w in self.worst},
            }
