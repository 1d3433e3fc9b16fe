"""The count summary of one evaluation's ballots (计票汇总): valid, void by reason, blank.

Pure: an engine ``Evaluation`` and its marks (the engine's long format) in, a ``Tally`` out.
It reads a ballot exactly as ``kaohe.engine.ballots`` counts it (scoring.md §4, §8), but says
*why* a ballot or a mark does not count, which the scoring results do not carry. The office
shows it when an evaluation closes; it never shows a score.

Every ballot falls in exactly one of three classes:

- ``void``: void as a whole, with one reason (the first that applies, in this order):
  ``duplicate`` (an assessee marked or named twice), ``too_many_picks`` (worst kind, more than
  ``max_picks`` names), ``too_many_top`` (more top grades than ``max(1, floor(k × share))``);
- ``blank``: not void and marks nobody with anything (a worst ballot naming nobody, or a
  ballot whose every mark is empty). An empty worst ballot still counts in the vote-share
  denominator (scoring.md §8); an empty mark on another form is a void mark for the engine;
- ``valid``: the rest. A valid ballot may still hold void marks, counted by reason:
  ``empty`` (no option), ``unknown_label``, ``out_of_range`` (score form: not a number in
  ``[0, max]``), ``missing_dimension`` (dimensions form: not every dimension rated once with a
  known label).

>>> from kaohe.engine.model import Evaluation, Group
>>> standard = Evaluation(
...     code="mz",
...     name="民主测评",
...     groups=(Group("a", "领导"), Group("b", "群众")),
...     options={"优秀": 100, "称职": 80, "不称职": 0},
...     max_top_share=0.5,
... )
>>> rows = [
...     ("mz", "a", "1", "X", "优秀"), ("mz", "a", "1", "Y", "称职"),   # valid
...     ("mz", "a", "2", "X", "优秀"), ("mz", "a", "2", "Y", "优秀"),   # 2 top of 2 > 1: void
...     ("mz", "b", "3", "X", "良好"), ("mz", "b", "3", "Y", "称职"),   # valid, one void mark
...     ("mz", "b", "4", "X", None), ("mz", "b", "4", "Y", ""),         # blank
...     ("mz", "b", "5", "X", "称职"), ("mz", "b", "5", "X", "称职"),   # duplicate: void
... ]
>>> import polars as pl
>>> from kaohe.engine.model import MARK_SCHEMA
>>> result = tally(standard, pl.DataFrame(rows, schema=MARK_SCHEMA, orient="row"))
>>> (result.ballots, result.valid, result.blank, result.void, result.void_marks)
(5, 2, 1, {'duplicate': 1, 'too_many_top': 1}, {'unknown_label': 1})
>>> [(g.code, g.ballots, g.valid, g.blank, g.void_total) for g in result.groups]
[('a', 2, 1, 0, 1), ('b', 3, 1, 1, 1)]
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import polars as pl

from kaohe.engine.model import Evaluation

# Reasons, in the order they are checked and reported.
BALLOT_REASONS: tuple[str, ...] = ("duplicate", "too_many_picks", "too_many_top")
MARK_REASONS: tuple[str, ...] = ("empty", "unknown_label", "out_of_range", "missing_dimension")


@dataclass(frozen=True, slots=True)
class GroupTally:
    """The ballots of one rater group (or of the whole evaluation) by class:
    ``ballots == valid + blank + void_total``."""

    code: str
    name: str
    ballots: int = 0
    valid: int = 0
    blank: int = 0
    void: Mapping[str, int] = field(default_factory=dict)
    void_marks: Mapping[str, int] = field(default_factory=dict)

    @property
    def void_total(self) -> int:
        return sum(self.void.values())


@dataclass(frozen=True, slots=True)
class Tally(GroupTally):
    """The evaluation's ballots, in all and per group."""

    groups: tuple[GroupTally, ...] = ()


def tally(evaluation: Evaluation, marks: pl.DataFrame) -> Tally:
    """Classify every ballot of ``marks`` (this evaluation's rows) and count by group.

    Groups are reported in the evaluation's order, each even when it has no ballot; ballots
    of a group the evaluation does not declare are counted under that code at the end.
    """
    per_group: dict[str, _Counter] = {g.code: _Counter() for g in evaluation.groups}
    names = {g.code: g.name for g in evaluation.groups}
    rows = marks.select("group", "ballot", "assessee", "option").iter_rows()
    ballots: dict[tuple[str, str], list[tuple[str | None, str | None]]] = {}
    for group, ballot, assessee, option in rows:
        ballots.setdefault((group, ballot), []).append((assessee, option))
    for (group, _), ballot_marks in ballots.items():
        counter = per_group.setdefault(group, _Counter())
        counter.add(*classify(evaluation, ballot_marks))
    groups = tuple(
        GroupTally(code=code, name=names.get(code, code), **counter.counts())
        for code, counter in per_group.items()
    )
    total = _Counter()
    for counter in per_group.values():
        total.merge(counter)
    return Tally(code=evaluation.code, name=evaluation.name, groups=groups, **total.counts())


def classify(
    evaluation: Evaluation, marks: Iterable[tuple[str | None, str | None]]
) -> tuple[str, list[str]]:
    """One ballot's class (``valid``, ``blank`` or a void reason) and its void marks' reasons.

    >>> from kaohe.engine.model import Evaluation, Group
    >>> worst = Evaluation("zc", "评最差", (Group("all", "全体"),), kind="worst", max_picks=1)
    >>> classify(worst, [(None, None)]), classify(worst, [("A", None), ("B", None)])
    (('blank', []), ('too_many_picks', []))
    >>> score = Evaluation("pf", "打分", (Group("j", "评委"),), form="score", max=10)
    >>> classify(score, [("A", "9.5"), ("B", "11"), ("C", "九")])
    ('valid', ['out_of_range', 'out_of_range'])
    >>> dims = Evaluation("dn", "德能", (Group("g", "群众"),), form="dimensions",
    ...                   options={"好": 100, "差": 0}, dimensions={"德": 1, "能": 1})
    >>> classify(dims, [("A", "德=好;能=差"), ("B", "德=好")])
    ('valid', ['missing_dimension'])
    """
    named = [(assessee, option) for assessee, option in marks if assessee is not None]
    assessees = [assessee for assessee, _ in named]
    if len(set(assessees)) < len(assessees):
        return "duplicate", []
    if evaluation.kind == "worst":
        if evaluation.max_picks is not None and len(named) > evaluation.max_picks:
            return "too_many_picks", []
        return ("valid" if named else "blank"), []
    reasons = [_mark_reason(evaluation, option) for _, option in named]
    if all(reason == "empty" for reason in reasons):
        return "blank", []
    if evaluation.max_top_share is not None:
        tops = sum(_is_top(evaluation, option) for _, option in named)
        if tops > top_limit(len(named), evaluation.max_top_share):
            return "too_many_top", []
    return "valid", [reason for reason in reasons if reason is not None]


def top_limit(k: int, share: float) -> int:
    """How many top grades a ballot marking ``k`` assessees may give: ``max(1, ⌊k × share⌋)``,
    exact on the share as written (scoring.md §8).

    >>> top_limit(100, 0.29), top_limit(3, 0.2), top_limit(10, 0.3)
    (29, 1, 3)
    """
    num, den = Decimal(repr(float(share))).as_integer_ratio()
    return max(1, (k * num) // den)


def _mark_reason(evaluation: Evaluation, option: str | None) -> str | None:
    """Why one mark is void (None: it counts)."""
    if option is None or not option.strip():
        return "empty"
    if evaluation.form == "grade":
        return None if option in evaluation.options else "unknown_label"
    if evaluation.form == "score":
        number = _number(option)
        ok = number is not None and 0 <= number <= evaluation.max
        return None if ok else "out_of_range"
    ratings = _dimension_ratings(evaluation, option)
    return None if ratings is not None else "missing_dimension"


def _number(text: str) -> float | None:
    try:
        number = float(text.strip())
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _dimension_ratings(evaluation: Evaluation, option: str) -> list[str] | None:
    """The label of every dimension, as the engine reads ``德=优秀;能=称职`` (None: void)."""
    if len(option.split(";")) != len(evaluation.dimensions):
        return None
    labels = []
    for dimension in evaluation.dimensions:
        pattern = rf"(?:^|;)\s*{re.escape(dimension)}\s*=\s*([^;]*?)\s*(?:;|$)"
        found = re.search(pattern, option)
        if found is None or found.group(1) not in evaluation.options:
            return None
        labels.append(found.group(1))
    return labels


def _is_top(evaluation: Evaluation, option: str | None) -> bool:
    if option is None:
        return False
    if evaluation.form == "score":
        number = _number(option)
        return number is not None and number == evaluation.max
    if not evaluation.options:
        return False
    best = max(evaluation.options.values())
    tops = {label for label, value in evaluation.options.items() if value == best}
    if evaluation.form == "grade":
        return option in tops
    ratings = _dimension_ratings(evaluation, option)
    return ratings is not None and all(label in tops for label in ratings)


@dataclass(slots=True)
class _Counter:
    ballots: int = 0
    valid: int = 0
    blank: int = 0
    void: dict[str, int] = field(default_factory=dict)
    void_marks: dict[str, int] = field(default_factory=dict)

    def add(self, kind: str, mark_reasons: list[str]) -> None:
        self.ballots += 1
        if kind == "valid":
            self.valid += 1
        elif kind == "blank":
            self.blank += 1
        else:
            self.void[kind] = self.void.get(kind, 0) + 1
        for reason in mark_reasons:
            self.void_marks[reason] = self.void_marks.get(reason, 0) + 1

    def merge(self, other: _Counter) -> None:
        self.ballots += other.ballots
        self.valid += other.valid
        self.blank += other.blank
        for reason, count in other.void.items():
            self.void[reason] = self.void.get(reason, 0) + count
        for reason, count in other.void_marks.items():
            self.void_marks[reason] = self.void_marks.get(reason, 0) + count

    def counts(self) -> dict[str, Any]:
        """The ``GroupTally`` fields but code and name, reasons in the order they are checked."""
        return {
            "ballots": self.ballots,
            "valid": self.valid,
            "blank": self.blank,
            "void": {r: self.void[r] for r in BALLOT_REASONS if r in self.void},
            "void_marks": {r: self.void_marks[r] for r in MARK_REASONS if r in self.void_marks},
        }
