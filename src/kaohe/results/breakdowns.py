"""No breakdown of fewer than 5 ballots on the web (issue 4; docs/voting-office.md).

The stored results (the results JSON of workbook.md and the engine's explanation) hold, per
assessee and evaluation, each rater group's score and its votes per option. With 3 县级领导
rating, "优秀 2, 称职 1" tells the three of them how each other voted. Every page and API
answer that shows stored results passes them through here first:

- a group with 1 to 4 valid marks shows neither its score nor its votes per option
  (``hidden``); its number of valid and void marks stays (that is turnout, not a vote);
- *secondary suppression*: E is shown, and so are the evaluation's top and satisfaction
  rates, so one hidden group next to shown ones could be worked out by difference
  (E × Σw − Σ shown w × G). While the hidden groups hold fewer than 5 marks together, the
  smallest shown group is hidden too;
- when the evaluation's own valid marks are fewer than 5, the figures over all of them that
  split them are hidden too: top and satisfaction rates, the probation vote counts, the mean
  per dimension (the radar chart);
- 评选最差 votes and vote shares of an evaluation with fewer than 5 ballots.

What stays: E, the section score and everything after it (they are the result, not a
breakdown), the probation rate and verdict (the pass rule itself), counts of valid and void
marks. The command line's ``kaohe results`` is the office's full record and keeps every figure
(workbook.md is its contract); the web never shows a small breakdown, to anyone.

Functions return masked copies; the stored dicts are never changed.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping, Sequence
from typing import Any

from kaohe.evaluation.selectors import MIN_BREAKDOWN, hidden_groups
from kaohe.results.formulas import HIDDEN_WORST_REASON

# Shown instead of a hidden figure (the page translates it).
HIDDEN_TEXT = "不足5票"
# The engine's event reason for a worst-vote veto (kaohe.engine.score); its masked form is
# ``HIDDEN_WORST_REASON`` (translated where it is shown, kaohe.results.formulas).
_WORST_REASON = re.compile(r"评选最差：(?P<votes>\d+)票，占有效票(?P<share>[\d.]+)%")


def small(valid: int) -> bool:
    """True for 1 to 4 ballots: too few to split (none: nothing to hide)."""
    return 0 < valid < MIN_BREAKDOWN


def _mask_group(group: dict[str, Any]) -> None:
    group["score"] = None
    group["counts"] = None
    group["hidden"] = True


def mask_explained(evaluation: Mapping[str, Any]) -> dict[str, Any]:
    """One evaluation of ``AssesseeResult.explain()`` (``groups`` a list), masked.

    >>> e = {"kind": "standard", "score": 84.0, "valid": 23, "void": 0, "top_rate": 0.3,
    ...      "satisfaction_rate": None, "groups": [
    ...      {"group": "l", "score": 90.0, "present": True, "marks": 3, "counts": {"优秀": 2}},
    ...      {"group": "s", "score": 80.0, "present": True, "marks": 20, "counts": {"优秀": 5}}]}
    >>> masked = mask_explained(e)
    >>> [(g["group"], g["score"], g["counts"], g["hidden"]) for g in masked["groups"]]
    [('l', None, None, True), ('s', None, None, True)]
    >>> masked["score"], masked["top_rate"], e["groups"][0]["counts"]
    (84.0, 0.3, {'优秀': 2})
    """
    masked = copy.deepcopy(dict(evaluation))
    groups = masked.get("groups") or []
    hidden = hidden_groups({g["group"]: int(g.get("marks") or 0) for g in groups})
    for group in groups:
        group["hidden"] = group["group"] in hidden
        # Hidden only so that a small one cannot be worked out by difference (the page says so).
        group["secondary"] = group["hidden"] and int(group.get("marks") or 0) >= MIN_BREAKDOWN
        if group["hidden"]:
            _mask_group(group)
    masked["groups_hidden"] = bool(hidden)
    _mask_whole(masked)
    return masked


def mask_result(evaluation: Mapping[str, Any]) -> dict[str, Any]:
    """One evaluation of a results JSON line (``groups`` keyed by code), masked alike.

    >>> e = {"score": 70.0, "valid": 4, "void": 1, "top_rate": 0.25, "satisfaction_rate": 0.5,
    ...      "groups": {"all": {"score": 70.0, "marks": 4, "counts": {"优秀": 1, "称职": 3}}}}
    >>> masked = mask_result(e)
    >>> masked["groups"], masked["top_rate"], masked["satisfaction_rate"], masked["score"]
    ({'all': {'score': None, 'marks': 4, 'counts': None, 'hidden': True}}, None, None, 70.0)
    """
    masked = copy.deepcopy(dict(evaluation))
    groups: dict[str, dict[str, Any]] = masked.get("groups") or {}
    hidden = hidden_groups({code: int(g.get("marks") or 0) for code, g in groups.items()})
    for code, group in groups.items():
        if code in hidden:
            _mask_group(group)
    _mask_whole(masked)
    return masked


def _mask_whole(evaluation: dict[str, Any]) -> None:
    """Figures over all the evaluation's valid marks that split them, below 5 marks."""
    if not small(int(evaluation.get("valid") or 0)):
        return
    evaluation["top_rate"] = None
    # A probation review's satisfaction rate is its pass rate: the result, kept.
    if evaluation.get("kind") != "probation" and "excellent" not in evaluation:
        evaluation["satisfaction_rate"] = None
    for holder in (evaluation, evaluation.get("probation")):
        if isinstance(holder, dict) and "excellent" in holder:
            holder["excellent"] = None
            holder["competent"] = None
    if evaluation.get("dimensions"):
        evaluation["dimensions"] = None
    evaluation["whole_hidden"] = True


def mask_worst_reason(reason: str) -> str:
    """An event's reason with a worst vote of fewer than 5 ballots made vague.

    >>> mask_worst_reason("评选最差：2票，占有效票66.67%")
    '评选最差：票数不足5票，不单独显示'
    >>> mask_worst_reason("评选最差：16票，占有效票34.78%"), mask_worst_reason("表彰")
    ('评选最差：16票，占有效票34.78%', '表彰')
    """
    match = _WORST_REASON.fullmatch(reason or "")
    if match and small(worst_ballots(int(match["votes"]), float(match["share"]) / 100)):
        return HIDDEN_WORST_REASON
    return reason


def worst_ballots(votes: int, share: float | None) -> int:
    """The number of valid ballots of a worst vote, from one named person's votes and share
    (share = votes ÷ ballots, rounded to 4 places: exact up to thousands of ballots).

    >>> worst_ballots(2, 0.6667), worst_ballots(16, 0.3478), worst_ballots(0, 0.0)
    (3, 46, 0)
    """
    if not share:
        return 0
    return round(votes / share)


def mask_explanation_data(data: dict[str, Any]) -> dict[str, Any]:
    """``kaohe.plans.selectors.assessee_explanation``'s dict with every breakdown masked
    (a new dict; ``result`` and ``explanation`` are copies where they change)."""
    masked = dict(data)
    result = dict(data["result"])
    result["evaluations"] = {
        code: mask_result(e) for code, e in (result.get("evaluations") or {}).items()
    }
    masked["result"] = result
    explanation = dict(data["explanation"])
    explanation["evaluations"] = {
        code: mask_explained(e) for code, e in (explanation.get("evaluations") or {}).items()
    }
    explanation["events"] = [
        {**event, "reason": mask_worst_reason(event.get("reason") or "")}
        if event.get("reason")
        else event
        for event in explanation.get("events") or []
    ]
    masked["explanation"] = explanation
    return masked


def mask_worst_entries(entries: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Worst-vote rows (``votes``, ``share``): both None below 5 ballots, ``hidden`` set."""
    rows: list[dict[str, Any]] = []
    for entry in entries:
        row = dict(entry)
        hidden = small(worst_ballots(int(row.get("votes") or 0), row.get("share")))
        if hidden:
            row["votes"] = None
            row["share"] = None
        row["hidden"] = hidden
        rows.append(row)
    return rows


def mask_kinds(summaries: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The ranking page's summaries of worst and probation evaluations
    (``kaohe.results.kinds``), masked: worst votes, probation vote counts."""
    masked: list[dict[str, Any]] = []
    for summary in summaries:
        row = dict(summary)
        if "named" in row:
            named = []
            for entry in row["named"]:
                entry = dict(entry)
                share = entry.get("share_percent")
                ballots = worst_ballots(int(entry.get("votes") or 0), share and share / 100)
                entry["hidden"] = small(ballots)
                if entry["hidden"]:
                    entry["votes"] = None
                    entry["share_percent"] = None
                named.append(entry)
            row["named"] = named
        if "rows" in row:
            probation = []
            for entry in row["rows"]:
                entry = dict(entry)
                entry["hidden"] = small(int(entry.get("valid") or 0))
                if entry["hidden"]:
                    entry["excellent"] = None
                    entry["competent"] = None
                probation.append(entry)
            row["rows"] = probation
        masked.append(row)
    return masked
