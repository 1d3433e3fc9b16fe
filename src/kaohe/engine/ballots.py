"""Democratic evaluation (scoring.md §4, §8), vectorised over the marks frame.

Per evaluation, each distinct option text is valued once (polars expressions over the
handful of distinct texts, not over the marks); the marks become integer codes (assessee,
group, option, ballot), ballots are voided by the top-share rule (and for marking someone
twice) with NumPy counts, and one histogram of (assessee, group, option, valid) carries
everything the results need. Group means are exact sums over that histogram, so no result
depends on the order of the marks. A short Python loop per covered assessee assembles the
results. Nothing loops per mark.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np
import polars as pl

from kaohe.engine.model import Evaluation, VetoItem
from kaohe.engine.results import EvaluationResult, GroupResult, WorstEntry, WorstResult
from kaohe.engine.rounding import round2


def _top_labels(evaluation: Evaluation) -> list[str]:
    if not evaluation.options:
        return []
    top = max(evaluation.options.values())
    return [label for label, value in evaluation.options.items() if value == top]


def _dimension_column(index: int) -> str:
    return f"_d{index}"


def _value_marks(evaluation: Evaluation, df: pl.DataFrame) -> pl.DataFrame:
    """Add `value` (0–100, null for a void mark), `top` and `sat` (null for the score form)."""
    option = pl.col("option")
    labels = list(evaluation.options)
    values = [float(evaluation.options[label]) for label in labels]
    tops = _top_labels(evaluation)
    satisfied = list(evaluation.satisfied)
    if evaluation.form == "grade":
        return df.with_columns(
            value=option.replace_strict(labels, values, default=None, return_dtype=pl.Float64),
            top=option.is_in(tops).fill_null(False),
            sat=option.is_in(satisfied).fill_null(False),
        )
    if evaluation.form == "score":
        number = option.str.strip_chars().cast(pl.Float64, strict=False)
        in_range = number.is_finite() & (number >= 0) & (number <= evaluation.max)
        ok = in_range.fill_null(False)
        return df.with_columns(
            value=pl.when(ok).then(number * 100.0 / evaluation.max).otherwise(None),
            top=(ok & (number == evaluation.max)).fill_null(False),
            sat=pl.lit(None, dtype=pl.Boolean),
        )
    # dimensions: "德=优秀;能=称职;…", every dimension exactly once with a known label.
    dimensions = list(evaluation.dimensions)
    extracted = []
    for index, dimension in enumerate(dimensions):
        pattern = rf"(?:^|;)\s*{re.escape(dimension)}\s*=\s*([^;]*?)\s*(?:;|$)"
        extracted.append(option.str.extract(pattern, 1).alias(_dimension_column(index)))
    df = df.with_columns(extracted)
    columns = [pl.col(_dimension_column(i)) for i in range(len(dimensions))]
    items = option.str.split(";").list.len()
    known = pl.all_horizontal([c.is_in(labels).fill_null(False) for c in columns])
    ok = (items == len(dimensions)).fill_null(False) & known
    weight_sum = float(sum(evaluation.dimensions.values()))
    weighted = pl.sum_horizontal(
        [
            c.replace_strict(labels, values, default=None, return_dtype=pl.Float64)
            * float(evaluation.dimensions[d])
            for c, d in zip(columns, dimensions, strict=True)
        ]
    )
    return df.with_columns(
        value=pl.when(ok).then(weighted / weight_sum).otherwise(None),
        top=(ok & pl.all_horizontal([c.is_in(tops).fill_null(False) for c in columns])),
        sat=(ok & pl.all_horizontal([c.is_in(satisfied).fill_null(False) for c in columns])),
    )


def _codes(column: pl.Series) -> tuple[np.ndarray, list[Any]]:
    """Integer codes of a column (null included) and the distinct values they index."""
    distinct = column.unique(maintain_order=True).to_list()
    present = [value for value in distinct if value is not None]
    codes = column.cast(pl.Enum(present)).to_physical().cast(pl.Int64)
    if len(present) < len(distinct):
        codes = codes.fill_null(len(present))
        present.append(None)
    return codes.to_numpy(), present


def _ballot_codes(df: pl.DataFrame, group: np.ndarray, groups: int) -> np.ndarray:
    """One integer per (group, ballot): opaque categorical codes, no string kept."""
    ballot = df.get_column("ballot").cast(pl.Categorical).to_physical().cast(pl.Int64)
    codes = ballot.fill_null(int(ballot.max() or 0) + 1).to_numpy()
    return codes * groups + group


def _void(
    evaluation: Evaluation, ballot: np.ndarray, assessee: np.ndarray, top: np.ndarray, size: int
) -> np.ndarray:
    """Per ballot key: void as a whole (scoring.md §4, §8)."""
    k = np.bincount(ballot)
    void = np.zeros(len(k), dtype=bool)
    # A ballot marking the same assessee twice is malformed: void as a whole, like a worst
    # ballot naming someone twice (docs/scoring-notes.md).
    pairs = ballot * size + assessee
    # Counting distinct pairs (a parallel hash) is cheap; sorting 5 million of them is not,
    # so the sort that finds which ballots repeat an assessee runs only when some do.
    if pl.Series(pairs).n_unique() < len(pairs):
        pairs = np.sort(pairs)
        twice = pairs[1:][pairs[1:] == pairs[:-1]]
        void[twice // size] = True
    if evaluation.max_top_share is not None:
        # floor(k * share) on the share as written: exact rational arithmetic (100 × 0.29 → 29).
        num, den = Decimal(repr(float(evaluation.max_top_share))).as_integer_ratio()
        tops = np.bincount(ballot, weights=top, minlength=len(k)).astype(np.int64)
        if num * max(int(k.max(initial=0)), 1) < 1 << 62:
            limit = np.maximum(1, (k * num) // den)
        else:  # a share written with very many digits: Python integers
            limit = np.array([max(1, (int(n) * num) // den) for n in k], dtype=object)
        void |= tops > limit
    return void


@dataclass(slots=True)
class _Cell:
    """One (assessee, group): counts and the multiset of valid values (value -> marks)."""

    valid: int = 0
    void: int = 0
    top: int = 0
    sat: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    values: dict[float, int] = field(default_factory=dict)
    # dimensions form: per dimension, the sum of its ratings' values over the valid marks.
    dimension_sums: tuple[float, ...] = ()


def _mean(values: dict[float, int], trim: int) -> tuple[float, int]:
    """Mean of the multiset after dropping `trim` lowest and highest (when more than 2t), and
    how many marks it kept. Exact: integer sums of the values' binary fractions, one rounding
    at the division, so the result never depends on the order of the marks.
    """
    items = sorted(values.items())
    n = sum(count for _, count in items)
    if trim and n > 2 * trim:
        items = _drop(_drop(items, trim), trim, reverse=True)
        n -= 2 * trim
    ratios = [(v.as_integer_ratio(), count) for v, count in items]
    scale = max(den for (_, den), _ in ratios)
    total = sum(num * (scale // den) * count for (num, den), count in ratios)
    return total / (scale * n), n


def _drop(
    items: list[tuple[float, int]], t: int, *, reverse: bool = False
) -> list[tuple[float, int]]:
    """`items` (sorted by value) without its t lowest marks (highest with `reverse`)."""
    ordered = items[::-1] if reverse else list(items)
    kept: list[tuple[float, int]] = []
    for value, count in ordered:
        taken = min(t, count)
        t -= taken
        if count > taken:
            kept.append((value, count - taken))
    return kept[::-1] if reverse else kept


def _cells(
    evaluation: Evaluation, marks: pl.DataFrame
) -> tuple[dict[tuple[str, str], _Cell], list[Any]]:
    """Every (assessee, group) marked, from a histogram of (assessee, group, option, valid):
    the marks are reduced to integer codes and counted with NumPy, never looped over."""
    df = marks
    if df.get_column("assessee").null_count():
        df = df.filter(pl.col("assessee").is_not_null())
    if df.height == 0:
        return {}, []
    assessee, assessees = _codes(df.get_column("assessee"))
    group, groups = _codes(df.get_column("group"))
    option, options = _codes(df.get_column("option"))
    valued = _value_marks(evaluation, pl.DataFrame({"option": options}, schema={"option": pl.Utf8}))
    value = valued.get_column("value").to_list()
    top = np.array(valued.get_column("top").fill_null(False).to_list(), dtype=bool)
    sat = valued.get_column("sat").fill_null(False).to_list()
    if evaluation.form == "grade":
        labels: list[tuple[str, ...]] = [(o,) if o is not None else () for o in options]
    elif evaluation.form == "dimensions":
        dims = [
            valued.get_column(_dimension_column(i)).to_list()
            for i in range(len(evaluation.dimensions))
        ]
        labels = [tuple(d[i] for d in dims) for i in range(len(options))]
    else:
        labels = [() for _ in options]
    ballot = _ballot_codes(df, group, len(groups))
    void = _void(evaluation, ballot, assessee, top[option], len(assessees))
    has_value = np.array([v is not None for v in value], dtype=bool)
    valid = has_value[option] & ~void[ballot]
    key = ((assessee * len(groups) + group) * len(options) + option) * 2 + valid
    keys, counts = _histogram(key, len(assessees) * len(groups) * len(options) * 2)
    sums = (
        _dimension_sums(
            evaluation, labels, keys, counts, len(options), len(assessees) * len(groups)
        )
        if evaluation.form == "dimensions"
        else None
    )
    cells: dict[tuple[str, str], _Cell] = {}
    for packed, count in zip(keys.tolist(), counts.tolist(), strict=True):
        rest, ok = divmod(packed, 2)
        rest, o = divmod(rest, len(options))
        a, g = divmod(rest, len(groups))
        cell_key = (assessees[a], groups[g])
        cell = cells.get(cell_key)
        if cell is None:
            cell = cells[cell_key] = _Cell()
            if sums is not None:
                cell.dimension_sums = tuple(sums[rest].tolist())
        if not ok:
            cell.void += count
            continue
        cell.valid += count
        cell.top += count if top[o] else 0
        cell.sat += count if sat[o] else 0
        for label in labels[o]:
            cell.counts[label] = cell.counts.get(label, 0) + count
        v = float(value[o])
        cell.values[v] = cell.values.get(v, 0) + count
    return cells, assessees


def _dimension_sums(
    evaluation: Evaluation,
    labels: list[tuple[str, ...]],
    keys: np.ndarray,
    counts: np.ndarray,
    options: int,
    cells: int,
) -> np.ndarray:
    """Per (assessee, group) cell and dimension: the sum of the dimension's rating values
    over the valid marks, from the histogram of distinct option texts (not per mark).

    Valid dimensions marks name a known label for every dimension, so each distinct text
    contributes ``count × options[label]`` to each dimension. The histogram's keys are
    sorted, so the sums never depend on the order of the marks.
    """
    width = len(evaluation.dimensions)
    # Value of each distinct text's rating per dimension (0 where the text is not valid:
    # such texts only ever appear with valid = 0 and are filtered below).
    per_text = np.zeros((options, width), dtype=np.float64)
    for o, rated in enumerate(labels):
        if len(rated) == width and all(label in evaluation.options for label in rated):
            per_text[o] = [float(evaluation.options[label]) for label in rated]
    rest, ok = np.divmod(keys, 2)
    cell, option = np.divmod(rest, options)
    chosen = ok == 1
    sums = np.zeros((cells, width), dtype=np.float64)
    np.add.at(sums, cell[chosen], counts[chosen, None] * per_text[option[chosen]])
    return sums


def _histogram(key: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """`np.unique(key, return_counts=True)` for keys in `range(size)`: a count per possible
    key when there are not many more of them than marks (no sort of millions of keys)."""
    if size <= 4 * len(key) + 1_000_000:
        counts = np.bincount(key, minlength=size)
        keys = np.flatnonzero(counts)
        return keys, counts[keys]
    return np.unique(key, return_counts=True)


def aggregate(
    evaluation: Evaluation, marks: pl.DataFrame, covered: Iterable[str]
) -> dict[str, EvaluationResult]:
    """Results of a standard or integrity evaluation for every covered assessee.

    `marks` holds this evaluation's rows only. `covered` lists the assessees that get an
    entry (scoring.md §8, evaluation coverage), in the order results should follow.
    """
    groups = evaluation.groups
    cells, _ = _cells(evaluation, marks)
    label_order = {label: i for i, label in enumerate(evaluation.options)}
    empty = _Cell()

    results: dict[str, EvaluationResult] = {}
    for code in covered:
        group_results = []
        weighted = 0.0
        weights = 0.0
        flags: list[str] = []
        valid_total = void_total = top_total = sat_total = 0
        dimension_sums = [0.0] * len(evaluation.dimensions)
        for group in groups:
            cell = cells.get((code, group.code), empty)
            for index, total in enumerate(cell.dimension_sums):
                dimension_sums[index] += total
            n_valid = cell.valid
            valid_total += n_valid
            void_total += cell.void
            top_total += cell.top
            sat_total += cell.sat
            present = n_valid > 0 and n_valid >= group.min_ballots
            mean, kept = _mean(cell.values, group.trim) if present else (None, 0)
            if present:
                weighted += group.weight * mean
                weights += group.weight
            else:
                flags.append(f"missing_group:{evaluation.code}:{group.code}")
            raw_counts = cell.counts
            group_results.append(
                GroupResult(
                    code=group.code,
                    name=group.name,
                    weight=group.weight,
                    score=mean if present else None,
                    marks=n_valid,
                    void=cell.void,
                    trimmed=n_valid - kept if present else 0,
                    counts={
                        label: raw_counts[label]
                        for label in sorted(raw_counts, key=lambda x: label_order.get(x, 1 << 30))
                    },
                )
            )
        if weights > 0:
            e = weighted / weights
        else:
            e = 0.0
            flags.append(f"no_ballots:{evaluation.code}")
        handling = False
        if evaluation.kind == "integrity" and round2(e) < evaluation.handling_below:
            handling = True
            flags.append(f"integrity_below:{evaluation.handling_below_text}")
        results[code] = EvaluationResult(
            code=evaluation.code,
            kind=evaluation.kind,
            score=e,
            valid=valid_total,
            void=void_total,
            groups=tuple(group_results),
            top_rate=top_total / valid_total if valid_total else None,
            satisfaction_rate=(
                sat_total / valid_total if valid_total and evaluation.form != "score" else None
            ),
            flags=tuple(flags),
            handling=handling,
            dimensions=(
                {
                    d: (total / valid_total if valid_total else None)
                    for d, total in zip(evaluation.dimensions, dimension_sums, strict=True)
                }
                if evaluation.form == "dimensions"
                else None
            ),
        )
    return results


def marked(marks: pl.DataFrame) -> set[str]:
    """Assessees marked (or picked) on at least one of these rows."""
    return set(marks.get_column("assessee").drop_nulls().unique().to_list())


def worst(evaluation: Evaluation, marks: pl.DataFrame) -> WorstResult:
    """评选最差 (kind worst): votes over valid ballots; the most-voted at or above threshold."""
    ballot = ["group", "ballot"]
    picks = pl.col("assessee").drop_nulls()
    per_ballot = marks.group_by(ballot).agg(_picks=picks.len(), _unique=picks.n_unique())
    void = pl.col("_unique") < pl.col("_picks")  # someone named twice
    if evaluation.max_picks is not None:
        void = void | (pl.col("_picks") > evaluation.max_picks)
    per_ballot = per_ballot.with_columns(_void=void)
    valid_ballots = per_ballot.filter(~pl.col("_void")).height
    void_ballots = per_ballot.height - valid_ballots
    votes_frame = (
        marks.join(per_ballot.filter(~pl.col("_void")).select(ballot), on=ballot, how="semi")
        .filter(pl.col("assessee").is_not_null())
        .group_by("assessee")
        .agg(votes=pl.len())
    )
    votes = {a: int(v) for a, v in votes_frame.iter_rows()}
    named: list[WorstEntry] = []
    top = max(votes.values(), default=0)
    if top > 0 and valid_ballots > 0:
        share = top / valid_ballots
        if share >= evaluation.threshold:
            named = [WorstEntry(a, v, share) for a, v in sorted(votes.items()) if v == top]
    # With no `veto` field the effect is no_top, item the evaluation code (scoring.md §8).
    veto = evaluation.veto or VetoItem(evaluation.code, "no_top")
    return WorstResult(
        code=evaluation.code,
        valid_ballots=valid_ballots,
        void_ballots=void_ballots,
        votes=votes,
        named=tuple(named),
        veto=veto,
    )
