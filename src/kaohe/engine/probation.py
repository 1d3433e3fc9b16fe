"""试用期满测评 (`kind: probation`): excellent and competent votes and the pass rule.

An extension of scoring.md §4 (docs/evaluation-kinds.md). A probation review is a `grade`
evaluation scored like a standard one (E, groups, trimming, weights, void ballots), and on top:

- `excellent`: valid marks with a top label (优秀), pooled over every group;
- `competent`: valid marks with any other label listed in `satisfied` (称职);
- the 称职以上 rate ``(excellent + competent) / valid`` is the evaluation's
  `satisfaction_rate` (the builder requires every top label to be in `satisfied`);
- ``passed = valid > 0 and rate >= pass_share`` (default 2/3, 三分之二), compared with the
  same 1e-9 tolerance as the grade capacities of §5 so that 2 of 3 votes pass at 2/3;
- a reviewed person who did not pass gets the flag ``probation_failed:EVAL``. Like the
  integrity list, the flag lists; it changes no score and no grade.

The pass rule pools the valid marks of every group, unweighted and untrimmed (it is a vote
count, 称职以上票数占有效票数的比例); group weights and trimming only shape E. Counts come from
the per-group option counts the aggregation already reports, so nothing here touches marks.
No Django import.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from kaohe.engine.model import Evaluation
from kaohe.engine.results import EvaluationResult
from kaohe.engine.rounding import round4_opt

DEFAULT_PASS_SHARE: Final = 2 / 3
# A rate within this of the share passes: 2/3 of the votes pass a share of 2/3 although the
# two doubles may differ in the last bit (the same allowance as §5's grade capacities).
TOLERANCE: Final = 1e-9
# The form the office gets when it writes no options (and the builder's default).
DEFAULT_OPTIONS: Final = {"优秀": 100.0, "称职": 80.0, "基本称职": 60.0, "不称职": 0.0}
DEFAULT_SATISFIED: Final = ("优秀", "称职")


@dataclass(frozen=True, slots=True)
class ProbationResult:
    """One reviewed person's votes and verdict (试用期满考核是否合格)."""

    excellent: int  # 优秀 votes (top labels)
    competent: int  # other 称职以上 votes (satisfied labels that are not top)
    valid: int
    pass_share: float
    passed: bool

    @property
    def rate(self) -> float | None:
        """称职以上 rate: (excellent + competent) / valid; None without valid votes."""
        return (self.excellent + self.competent) / self.valid if self.valid else None

    def to_dict(self) -> dict[str, Any]:
        """The keys a probation evaluation adds to its results JSON entry."""
        return {
            "excellent": self.excellent,
            "competent": self.competent,
            "pass_share": round4_opt(self.pass_share),
            "passed": self.passed,
        }

    def explain(self) -> dict[str, Any]:
        return {
            **self.to_dict(),
            "rate": round4_opt(self.rate),
            "rule": "passed = (excellent + competent) / valid >= pass_share",
        }


def pass_share(evaluation: Evaluation) -> float:
    """The evaluation's pass share, 2/3 when it sets none.

    >>> pass_share(Evaluation("sy", "试用期满测评", ())) == 2 / 3
    True
    """
    return DEFAULT_PASS_SHARE if evaluation.pass_share is None else evaluation.pass_share


def verdict(evaluation: Evaluation, counts: Mapping[str, int], valid: int) -> ProbationResult:
    """Excellent, competent and passed from the pooled option counts of the valid marks.

    >>> ev = Evaluation("sy", "试用期满测评", (), kind="probation",
    ...     options={"优秀": 100, "称职": 80, "基本称职": 60, "不称职": 0},
    ...     satisfied=("优秀", "称职"))
    >>> r = verdict(ev, {"优秀": 5, "称职": 9, "基本称职": 4, "不称职": 3}, 21)
    >>> (r.excellent, r.competent, round(r.rate, 4), r.passed)
    (5, 9, 0.6667, True)
    >>> verdict(ev, {"优秀": 5, "称职": 8, "基本称职": 5, "不称职": 3}, 21).passed
    False
    >>> verdict(ev, {}, 0).passed
    False
    """
    top = max(evaluation.options.values(), default=None)
    tops = {label for label, value in evaluation.options.items() if value == top}
    satisfied = set(evaluation.satisfied)
    excellent = sum(count for label, count in counts.items() if label in tops)
    competent = sum(
        count for label, count in counts.items() if label in satisfied and label not in tops
    )
    share = pass_share(evaluation)
    passed = valid > 0 and (excellent + competent) / valid >= share - TOLERANCE
    return ProbationResult(excellent, competent, valid, share, passed)


def review(evaluation: Evaluation, result: EvaluationResult) -> EvaluationResult:
    """``result`` (a probation evaluation's §4 result) with its verdict and flag added."""
    counts: dict[str, int] = {}
    for group in result.groups:
        for label, count in group.counts.items():
            counts[label] = counts.get(label, 0) + count
    outcome = verdict(evaluation, counts, result.valid)
    flags = result.flags
    if not outcome.passed:
        flags = (*flags, f"probation_failed:{evaluation.code}")
    return dataclasses.replace(result, flags=flags, probation=outcome)


def review_all(
    evaluation: Evaluation, results: Mapping[str, EvaluationResult]
) -> dict[str, EvaluationResult]:
    """`review` for every covered assessee, in the same order."""
    return {code: review(evaluation, result) for code, result in results.items()}
