"""测评结果统计表: one counted evaluation's results per assessee, for the office.

Read from the plan's stored results (``kaohe.results``: what counting computed), masked by
``kaohe.results.breakdowns`` like every page that shows results: no figure that splits fewer
than ``MIN_BREAKDOWN`` marks (votes per option, rates) is handed to the page; E, valid and void
counts always are. Votes per option are the sum over the evaluation's groups, shown only when
the assessee's valid marks are at least ``MIN_BREAKDOWN`` (the per-group counts are on the
assessee's explanation page, masked group by group there).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kaohe.evaluation.models import Evaluation
from kaohe.results import breakdowns
from kaohe.results.models import AssesseeResult, WorstResult


@dataclass(frozen=True, slots=True)
class ResultRow:
    code: str
    name: str
    score: float | None  # E (the mean score for a score form)
    valid: int
    void: int
    votes: tuple[int, ...] | None  # per option, in the evaluation's order; None: hidden
    top_rate: float | None  # None: not applicable or hidden
    satisfaction_rate: float | None
    hidden: bool  # 1–4 valid marks: the breakdown is not shown


@dataclass(frozen=True, slots=True)
class WorstRow:
    code: str
    name: str
    votes: int | None  # None: fewer than 5 ballots
    share: float | None


@dataclass(frozen=True, slots=True)
class ResultTable:
    options: tuple[str, ...]  # columns of votes (grade forms only)
    rows: tuple[ResultRow, ...]
    worst: tuple[WorstRow, ...]
    rates: bool  # show the 优秀率 / 满意率 columns


class NotCounted(Exception):
    """The evaluation is not counted yet: there are no results to show."""


def result_table(evaluation: Evaluation) -> ResultTable:
    """The counted evaluation's results per assessee (masked); ``NotCounted`` before."""
    if evaluation.status != Evaluation.Status.COUNTED:
        raise NotCounted(evaluation.code)
    plan = evaluation.plan
    names = dict(
        AssesseeResult.objects.filter(plan=plan).values_list("code", "name").order_by("order")
    )
    if evaluation.kind == Evaluation.Kind.WORST:
        entries = [
            {"assessee": code, **data}
            for code, data in WorstResult.objects.filter(plan=plan, evaluation=evaluation.code)
            .order_by("order")
            .values_list("assessee", "data")
        ]
        worst = tuple(
            WorstRow(e["assessee"], names.get(e["assessee"], ""), e["votes"], e["share"])
            for e in breakdowns.mask_worst_entries(entries)
        )
        return ResultTable(options=(), rows=(), worst=worst, rates=False)
    options = tuple(evaluation.options) if evaluation.form == Evaluation.Form.GRADE else ()
    rows = []
    has_rates = False
    results = AssesseeResult.objects.filter(plan=plan).order_by("order")
    for code, name, data in results.values_list("code", "name", "data"):
        stored: dict[str, Any] | None = (data.get("evaluations") or {}).get(evaluation.code)
        if stored is None:
            continue
        masked = breakdowns.mask_result(stored)
        has_rates |= any(stored.get(key) is not None for key in ("top_rate", "satisfaction_rate"))
        valid = int(stored.get("valid") or 0)
        hidden = breakdowns.small(valid)
        totals = {label: 0 for label in options}
        for group in (stored.get("groups") or {}).values():
            for label, n in (group.get("counts") or {}).items():
                if label in totals:
                    totals[label] += int(n)
        rows.append(
            ResultRow(
                code=code,
                name=name,
                score=masked.get("score"),
                valid=valid,
                void=int(stored.get("void") or 0),
                votes=None if hidden or not options else tuple(totals.values()),
                top_rate=masked.get("top_rate"),
                satisfaction_rate=masked.get("satisfaction_rate"),
                hidden=hidden,
            )
        )
    return ResultTable(options=options, rows=tuple(rows), worst=(), rates=has_rates)
