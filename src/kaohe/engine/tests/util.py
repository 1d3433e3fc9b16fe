"""Small raw documents for the rule tests (the YAML shape of workbook.md, as dicts)."""

from __future__ import annotations

import copy
from typing import Any

from kaohe.engine import Results, score
from kaohe.workbook.build import build_document

GRADES = [{"name": "优秀", "quota": 20}, {"name": "良好", "quota": 40}, {"name": "一般"}]


def raw(
    *,
    units: list[str] | int = 2,
    sections: list[dict[str, Any]] | None = None,
    grades: list[dict[str, Any]] | None = None,
    tiebreak: list[str] | None = None,
    values: list[tuple[str, str, Any]] = (),  # type: ignore[assignment]
    evaluations: list[dict[str, Any]] = (),  # type: ignore[assignment]
    ballots: list[dict[str, Any]] = (),  # type: ignore[assignment]
    events: list[dict[str, Any]] = (),  # type: ignore[assignment]
    process: dict[str, Any] | None = None,
    scale: dict[str, Any] | None = None,
    **plan: Any,
) -> dict[str, Any]:
    """One category `c` of units U1..Un; by default one section of one direct indicator D."""
    codes = [f"U{i}" for i in range(1, units + 1)] if isinstance(units, int) else units
    category: dict[str, Any] = {
        "code": "c",
        "name": "乡镇",
        "sections": sections
        or [{"code": "t", "name": "目标", "points": 100, "indicators": [direct("D", 100)]}],
        "grades": copy.deepcopy(grades or GRADES),
    }
    if tiebreak is not None:
        category["tiebreak"] = tiebreak
    return {
        "version": 1,
        "organization": {
            "name": "县",
            "units": [{"code": c, "name": f"单位{c}", "category": "c"} for c in codes],
        },
        "plan": {
            "code": "p",
            "name": "方案",
            "year": 2025,
            "vetoes": [
                {"item": "党风廉政", "effect": "lowest"},
                {"item": "评先", "effect": "no_top"},
            ],
            "categories": [category],
            **plan,
        },
        "evaluations": list(evaluations),
        "data": {
            "values": [{"assessee": a, "indicator": i, "value": v} for a, i, v in values],
            "events": list(events),
            "ballots": list(ballots),
            "process": process or {},
            "scale": scale or {},
        },
    }


def direct(code: str, points: float) -> dict[str, Any]:
    return {"code": code, "name": code, "points": points, "method": "direct"}


def run(document: dict[str, Any]) -> Results:
    return score(build_document(document))


def by_code(results: Results) -> dict[str, dict[str, Any]]:
    return {a["code"]: a for a in results.to_dict()["assessees"]}


def totals(values: dict[str, float], **kwargs: Any) -> dict[str, Any]:
    """A document where each unit's total is the given direct value of D (points 100)."""
    return raw(units=list(values), values=[(u, "D", v) for u, v in values.items()], **kwargs)
