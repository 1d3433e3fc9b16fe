"""The ranking page's summary of the special evaluation kinds (docs/evaluation-kinds.md):

- 评选最差 (worst): who was named, votes and vote share (scoring.md §4);
- 述廉评廉 (integrity): the 组织处理 list, everyone whose rounded E is below the line;
- 试用期满测评 (probation): each reviewed person's 优秀 and 称职 votes, the 称职以上 rate and
  合格 / 不合格 against the pass share.

Everything comes from the stored results the ranking already read (the per-assessee dicts)
plus two small queries (the plan's evaluations, its worst rows), so the page stays at a
constant number of queries. The summary shows what the rows' flags already say, in one place.
"""

from __future__ import annotations

from typing import Any

from kaohe.engine.probation import DEFAULT_PASS_SHARE
from kaohe.evaluation.models import Evaluation
from kaohe.results.models import WorstResult


def _percent(share: float | None) -> float | None:
    return None if share is None else share * 100


def kind_summaries(plan_code: str, categories: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One summary per worst, integrity and probation evaluation of the plan, in plan order.

    ``categories`` is the ranking's (``kaohe.plans.selectors.ranking``): each with its
    ``assessees``, the stored result dicts, by rank. Empty before the plan is computed.
    """
    results = [a for category in categories for a in category["assessees"]]
    if not results:
        return []
    names = {a["code"]: a["name"] for a in results}
    evaluations = list(
        Evaluation.objects.filter(
            plan__code=plan_code,
            kind__in=[Evaluation.Kind.WORST, Evaluation.Kind.INTEGRITY, Evaluation.Kind.PROBATION],
        )
        .order_by("order")
        .values("code", "name", "kind", "handling_below", "handling_below_text", "pass_share")
    )
    worst: dict[str, list[dict[str, Any]]] = {}
    for code, data in (
        WorstResult.objects.filter(plan__code=plan_code)
        .order_by("order")
        .values_list("evaluation", "data")
    ):
        worst.setdefault(code, []).append(
            {
                "code": data["assessee"],
                "name": names.get(data["assessee"], data["assessee"]),
                "votes": data["votes"],
                "share_percent": _percent(data["share"]),
            }
        )
    summaries: list[dict[str, Any]] = []
    for evaluation in evaluations:
        code = evaluation["code"]
        summary: dict[str, Any] = {
            "code": code,
            "name": evaluation["name"],
            "kind": evaluation["kind"],
        }
        entries = [(a, a["evaluations"][code]) for a in results if code in a["evaluations"]]
        if evaluation["kind"] == Evaluation.Kind.WORST:
            summary["named"] = worst.get(code, [])
        elif evaluation["kind"] == Evaluation.Kind.INTEGRITY:
            line = evaluation["handling_below"]
            summary["threshold"] = evaluation["handling_below_text"]
            summary["reviewed"] = len(entries)
            # The stored E is rounded, as the engine compares it (scoring.md §8, integrity).
            listed = [(a, e) for a, e in entries if e["score"] < line]
            listed.sort(key=lambda pair: (pair[1]["score"], pair[0]["code"]))
            summary["listed"] = [
                {"code": a["code"], "name": a["name"], "score": e["score"], "valid": e["valid"]}
                for a, e in listed
            ]
        else:
            share = evaluation["pass_share"]
            summary["pass_percent"] = _percent(DEFAULT_PASS_SHARE if share is None else share)
            rows = [
                {
                    "code": a["code"],
                    "name": a["name"],
                    "excellent": e.get("excellent", 0),
                    "competent": e.get("competent", 0),
                    "valid": e["valid"],
                    "rate_percent": _percent(e.get("satisfaction_rate")),
                    "passed": bool(e.get("passed")),
                }
                for a, e in entries
            ]
            rows.sort(key=lambda row: (row["passed"], row["code"]))  # 不合格 first
            summary["rows"] = rows
            summary["failed"] = sum(1 for row in rows if not row["passed"])
        summaries.append(summary)
    return summaries
