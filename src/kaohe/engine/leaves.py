"""Leaf indicators of one category, scored with NumPy: one array operation per leaf over all
the category's assessees instead of a Python call per assessee × leaf (scoring.md §2, §8).

Each method repeats the arithmetic of `kaohe.engine.methods` operation for operation, so a
score is the same double the scalar function gives. Section sums use `math.fsum` (exact),
so nothing depends on the order of the input. `LeafResult` lines are built only when an
explanation asks for them.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import product
from typing import Any

import numpy as np

from kaohe.engine.model import NA, Indicator, Section, Value
from kaohe.engine.results import LeafResult
from kaohe.engine.rounding import round2_array

SCORED, MISSING, EXEMPT = 0, 1, 2
STATUS = ("scored", "missing", "exempt")


@dataclass(frozen=True, slots=True, eq=False)
class LeafBlock:
    """Scores of every (assessee, leaf) of one category: rows follow `members`, columns the
    leaves in declared order (section by section)."""

    members: tuple[str, ...]
    leaves: tuple[Indicator, ...]
    values: np.ndarray  # object (n, L): the recorded value (None when missing)
    status: np.ndarray  # int8 (n, L): SCORED, MISSING, EXEMPT
    scores: np.ndarray  # float64 (n, L): 0 when missing, NaN when exempt
    ranks: Mapping[int, tuple[np.ndarray, int]]  # rank leaf column -> (k per member, n)
    # `scores` as reported (round2), computed once on the first explanation: scoring alone
    # (`kaohe score`) never needs them.
    _rounded: list[np.ndarray] = field(default_factory=list, repr=False)

    @property
    def rounded(self) -> np.ndarray:
        if not self._rounded:
            self._rounded.append(round2_array(self.scores))
        return self._rounded[0]

    def leaf_results(self, row: int, start: int, stop: int) -> tuple[LeafResult, ...]:
        """The explanation lines of one member's leaves `start:stop`."""
        lines = []
        for j in range(start, stop):
            leaf = self.leaves[j]
            status = int(self.status[row, j])
            method = leaf.method or ""
            if status == EXEMPT:
                lines.append(
                    LeafResult(leaf.code, leaf.name, method, leaf.points, "N/A", "exempt", None)
                )
                continue
            value = self.values[row, j]
            score = float(self.scores[row, j])
            if status == MISSING:
                lines.append(
                    LeafResult(leaf.code, leaf.name, method, leaf.points, value, "missing", score)
                )
                continue
            rank = None
            if j in self.ranks:
                k, n = self.ranks[j]
                rank = (int(k[row]), n)
            lines.append(
                LeafResult(leaf.code, leaf.name, method, leaf.points, value, "scored", score, rank)
            )
        return tuple(lines)

    def leaf_lines(self, row: int, start: int, stop: int) -> list[dict[str, Any]]:
        """`[line.explain() for line in leaf_results(row, start, stop)]`, the same dicts built
        straight from the arrays: 800,000 of them at province scale, so no `LeafResult` and
        no scalar rounding per line."""
        status = self.status[row, start:stop].tolist()
        rounded = self.rounded[row, start:stop].tolist()
        recorded = self.values[row, start:stop].tolist()
        lines: list[dict[str, Any]] = []
        for j, state, score, recorded_value in zip(
            range(start, stop), status, rounded, recorded, strict=True
        ):
            leaf = self.leaves[j]
            if state == EXEMPT:
                value: Any = "N/A"
                score = None
            else:
                value = recorded_value
            line: dict[str, Any] = {
                "indicator": leaf.code,
                "name": leaf.name,
                "method": leaf.method or "",
                "points": leaf.points,
                "value": value,
                "status": STATUS[state],
                "score": score,
            }
            if state == SCORED and j in self.ranks:
                k, n = self.ranks[j]
                line["rank"] = {"k": int(k[row]), "n": n}
            lines.append(line)
        return lines


# What a recorded value's type says it is; any other type (a float subclass such as
# numpy's, a Decimal from elsewhere) is told apart value by value, as `_kinds` explains.
_TEXT, _MISSING, _EXEMPT, _NUMBER, _OTHER = range(5)
_KIND_OF_TYPE: Mapping[type, int] = {
    str: _TEXT,
    type(None): _MISSING,
    type(NA): _EXEMPT,
    float: _NUMBER,
    int: _NUMBER,
}


def _kinds(found: np.ndarray) -> np.ndarray:
    """The kind (`_TEXT`, `_MISSING`, `_EXEMPT`, `_NUMBER`) of every recorded value, by its
    type, looked up without a Python loop: missing is None, exempt is N/A, numeric is
    anything else but text (the builder's types)."""
    table: defaultdict[type, int] = defaultdict(lambda: _OTHER, _KIND_OF_TYPE)
    flat = found.ravel()
    kinds = np.fromiter(map(table.__getitem__, map(type, flat)), dtype=np.int8, count=flat.size)
    for i in np.flatnonzero(kinds == _OTHER).tolist():
        kinds[i] = _TEXT if isinstance(flat[i], str) else _NUMBER
    return kinds.reshape(found.shape)


def _numbers(column: np.ndarray, numeric: np.ndarray) -> np.ndarray:
    """The numeric values of one leaf's column as floats (NaN elsewhere): `float(v)` each,
    converted by NumPy."""
    numbers = np.full(len(column), math.nan)
    numbers[numeric] = column[numeric].astype(np.float64)
    return numbers


def _method_scores(
    leaf: Indicator, column: np.ndarray, present: np.ndarray, numeric: np.ndarray
) -> tuple[np.ndarray, np.ndarray, tuple[np.ndarray, int] | None]:
    """Scores of one leaf for every member, which are scored, and the rank (k, n) if ranked.

    `column`: the recorded values (object array); `present`: the value is neither missing
    nor N/A; `numeric`: it is a number.
    """
    p = leaf.points
    method = leaf.method
    n = len(column)
    if method == "grade":
        grades = leaf.grades
        fractions = np.zeros(n)
        fractions[present] = [grades[v] for v in column[present].tolist()]
        return p * fractions, present, None
    v = _numbers(column, numeric)
    scored = present & numeric  # a label on a numeric leaf cannot be scored (defensive)
    with np.errstate(divide="ignore", invalid="ignore"):
        if method == "ratio":
            assert leaf.target is not None
            if leaf.direction == "lower":
                score = np.where(v <= 0, p * leaf.cap, p * np.clip(leaf.target / v, 0.0, leaf.cap))
            else:
                score = p * np.clip(v / leaf.target, 0.0, leaf.cap)
        elif method == "tiered":
            r = v / leaf.target if leaf.target is not None else v
            score = np.full(n, p * (leaf.floor if leaf.floor is not None else 0.0))
            taken = np.zeros(n, dtype=bool)
            for threshold, fraction in leaf.tiers:
                hit = ~taken & (r >= threshold)
                score[hit] = p * fraction
                taken |= hit
        elif method == "direct":
            score = v.copy()
        elif method == "deduct":
            score = np.maximum(0.0, p - leaf.per * v)
        elif method == "rank":
            ranked = np.sort(v[scored])
            count = len(ranked)
            if leaf.direction == "lower":
                k = np.searchsorted(ranked, v, side="left") + 1
            else:
                k = count - np.searchsorted(ranked, v, side="right") + 1
            floor = leaf.floor if leaf.floor is not None else 0.6
            if count <= 1:
                score = np.full(n, float(p))
            else:
                score = p * (1.0 - (1.0 - floor) * (k - 1) / (count - 1))
            return np.where(scored, score, 0.0), scored, (k, count)
        else:
            raise ValueError(f"unknown method {method!r}")
    return np.where(scored, score, 0.0), scored, None


def leaf_block(
    sections: Sequence[Section],
    members: Sequence[str],
    values: Mapping[tuple[str, str], Value],
) -> LeafBlock:
    """Score every leaf of these sections for every member."""
    leaves = tuple(leaf for section in sections for leaf in section.leaves())
    n, width = len(members), len(leaves)
    # One look-up per (member, leaf), all made by `map` (no Python loop), member by member.
    codes = [leaf.code for leaf in leaves]
    found = np.fromiter(
        map(values.get, product(members, codes)), dtype=object, count=n * width
    ).reshape(n, width)
    kinds = _kinds(found)
    exempt = kinds == _EXEMPT
    present = (kinds != _MISSING) & ~exempt
    numeric = kinds == _NUMBER
    status = np.full((n, width), MISSING, dtype=np.int8)
    scores = np.zeros((n, width), dtype=np.float64)
    ranks: dict[int, tuple[np.ndarray, int]] = {}
    for j, leaf in enumerate(leaves):
        score, scored, rank = _method_scores(leaf, found[:, j], present[:, j], numeric[:, j])
        status[scored, j] = SCORED
        scores[:, j] = score
        if rank is not None:
            ranks[j] = rank
    status[exempt] = EXEMPT
    scores[exempt] = math.nan
    return LeafBlock(tuple(members), leaves, found, status, scores, ranks)


def section_scores(
    block: LeafBlock, section: Section, start: int, stop: int
) -> tuple[list[float], list[float | None]]:
    """Each member's section score (exempt leaves rescaled, scoring.md §2) and, where a leaf
    is exempt, the points of the leaves that apply (None where nothing is exempt)."""
    status = block.status[:, start:stop]
    scores = block.scores[:, start:stop]
    points = [leaf.points for leaf in block.leaves[start:stop]]
    exempt_rows = (status == EXEMPT).any(axis=1)
    plain = np.where(exempt_rows[:, None], 0.0, scores).tolist()
    totals: list[float] = [math.fsum(row) for row in plain]
    applied: list[float | None] = [None] * len(totals)
    for i in np.flatnonzero(exempt_rows).tolist():
        keep = (status[i] != EXEMPT).tolist()
        applied_points = math.fsum(p for p, ok in zip(points, keep, strict=True) if ok)
        applied[i] = applied_points
        if not any(keep) or applied_points <= 0:
            totals[i] = float(section.points)  # every indicator exempt: full points
        else:
            row = scores[i].tolist()
            kept = math.fsum(s for s, ok in zip(row, keep, strict=True) if ok)
            totals[i] = kept * section.points / applied_points
    return totals, applied


def flags(block: LeafBlock) -> dict[int, list[str]]:
    """`missing:LEAF` / `exempt:LEAF` per member row (only rows that have any)."""
    found: dict[int, list[str]] = {}
    rows, columns = np.nonzero(block.status != SCORED)
    for i, j in zip(rows.tolist(), columns.tolist(), strict=True):
        status = STATUS[int(block.status[i, j])]
        found.setdefault(i, []).append(f"{status}:{block.leaves[j].code}")
    return found
