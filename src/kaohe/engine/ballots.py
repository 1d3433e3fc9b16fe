"""Democratic evaluation (scoring.md §4, §8), vectorised over the marks frame.

Per evaluation, each distinct option text is valued once (polars expressions over the
handful of distinct texts, not over the marks); the marks become integer codes (assessee,
group, option, ballot), ballots are voided by the top-share rule (and for marking someone
twice) with NumPy counts, and one histogram of (assessee, group, option, valid) carries
everything the results need. Every (assessee, group) cell's counts and trimmed mean come
out of that histogram as arrays (`_Cells`); group means are exact integer sums rounded once
(`_means`, the vectorised `_mean`), so no result depends on the order of the marks. A short
Python loop per covered assessee assembles the result objects. Nothing loops per mark or
per histogram key.
"""

from __future__ import annotations

import re
from collections.abc import Container, Iterable, Sequence
from dataclasses import dataclass
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


def _expected_code(name: str, expected: Sequence[str], other: int = -1) -> pl.Expr:
    """The code of each value of a column among `expected` (deduplicated), `other` for null
    or any other value."""
    enum = pl.Enum(list(dict.fromkeys(expected)))
    return pl.col(name).cast(enum, strict=False).to_physical().cast(pl.Int64).fill_null(other)


def _codes(
    column: pl.Series, expected: Sequence[str] = (), coded: pl.Series | None = None
) -> tuple[np.ndarray, list[Any]]:
    """Integer codes of a column (null included) and the distinct values they index.

    With `expected` values (the covered assessees, the declared groups or labels), the codes
    index those first, then any other value in order of first appearance, then null. This
    spares a pass over the column for its distinct values when nearly all are expected; the
    rows holding anything else are coded one by one. `coded`: `_expected_code` of the column,
    if already computed.
    """
    if expected:
        present = list(dict.fromkeys(expected))
        if coded is None:
            coded = column.to_frame().select(_expected_code(column.name, present)).to_series()
        codes_np = coded.to_numpy()
        other = np.flatnonzero(codes_np < 0)  # null, or a value not expected
        if len(other) <= len(codes_np) // 16:
            if len(other) == 0:
                return codes_np, present
            texts = column.gather(other).to_list()
            present.extend(dict.fromkeys(text for text in texts if text is not None))
            if None in texts:
                present.append(None)
            index = {value: i for i, value in enumerate(present)}
            codes_np = np.array(codes_np)  # writable
            codes_np[other] = [index[text] for text in texts]
            return codes_np, present
    distinct = column.unique(maintain_order=True).to_list()
    present = [value for value in distinct if value is not None]
    codes = column.cast(pl.Enum(present)).to_physical().cast(pl.Int64)
    if len(present) < len(distinct):
        codes = codes.fill_null(len(present))
        present.append(None)
    return codes.to_numpy(), present


_NEW_BALLOT = pl.col("ballot").ne_missing(pl.col("ballot").shift(1))


def _ballot_codes(
    df: pl.DataFrame, group: np.ndarray, groups: int, new: pl.Series | None = None
) -> np.ndarray:
    """One integer per (group, ballot): opaque codes, no string kept.

    A ballot's marks are usually consecutive rows (a ballot is written out mark after mark):
    then the runs of equal (group, ballot) rows are the ballots, which is so exactly when the
    runs' first rows are all distinct, and a run's number is its code. Otherwise the ballot
    texts are coded as a categorical. `new`: `_NEW_BALLOT` of `df`, if already computed.
    """
    ballot = df.get_column("ballot")
    if new is None:
        new = df.select(_NEW_BALLOT).to_series()
    starts = np.array(new.to_numpy())
    starts[0] = True
    starts[1:] |= group[1:] != group[:-1]
    heads = np.flatnonzero(starts)
    first = ballot.gather(heads)
    # Distinct ballot texts are distinct ballots; texts reused across groups need the pairs.
    if first.n_unique() == len(heads) or (
        pl.DataFrame({"group": group[heads], "ballot": first}).n_unique() == len(heads)
    ):
        lengths = np.diff(heads, append=len(starts))
        return np.repeat(np.arange(len(heads), dtype=np.int64), lengths)
    codes = ballot.cast(pl.Categorical).to_physical().cast(pl.Int64)
    return codes.fill_null(int(codes.max() or 0) + 1).to_numpy() * groups + group


def _no_repeats_shown(ballot: np.ndarray, assessee: np.ndarray, ballots: int) -> bool:
    """Whether the row order alone proves that no ballot names an assessee twice: each
    ballot's marks are consecutive rows (as many runs of rows as ballots) naming assessees in
    increasing code order, or in a rotation of it (a window of the assessees wrapping round
    the end of the list): one step down at most, after which every code stays below the
    ballot's first. False says nothing: the pairs are then counted."""
    same = ballot[1:] == ballot[:-1]
    if len(ballot) - int(np.count_nonzero(same)) != ballots:
        return False
    down = np.flatnonzero(same & (assessee[1:] <= assessee[:-1])) + 1  # rows after a step down
    if len(down) == 0:
        return True
    steps = np.bincount(ballot[down], minlength=int(ballot.max()) + 1)
    if int(steps.max()) > 1:
        return False
    heads = np.flatnonzero(np.concatenate(([True], ~same)))
    lasts = np.append(heads[1:] - 1, len(ballot) - 1)
    stepped = steps[ballot[heads]] == 1
    return bool(np.all(assessee[lasts[stepped]] < assessee[heads[stepped]]))


def _void(
    evaluation: Evaluation, ballot: np.ndarray, assessee: np.ndarray, top: np.ndarray, size: int
) -> np.ndarray:
    """Per ballot key: void as a whole (scoring.md §4, §8)."""
    k = np.bincount(ballot)
    void = np.zeros(len(k), dtype=bool)
    # A ballot marking the same assessee twice is malformed: void as a whole, like a worst
    # ballot naming someone twice (docs/scoring-notes.md).
    # Counting distinct pairs (a parallel hash) is cheap; sorting 5 million of them is not,
    # so the sort that finds which ballots repeat an assessee runs only when some do. Ballots
    # written out one after another, their assessees in code order, need neither.
    if not _no_repeats_shown(ballot, assessee, int(np.count_nonzero(k))):
        pairs = ballot * size + assessee
        if pl.Series(pairs).n_unique() < len(pairs):
            pairs = np.sort(pairs)
            twice = pairs[1:][pairs[1:] == pairs[:-1]]
            void[twice // size] = True
    if evaluation.max_top_share is not None:
        # floor(k * share) on the share as written: exact rational arithmetic (100 × 0.29 → 29).
        num, den = Decimal(repr(float(evaluation.max_top_share))).as_integer_ratio()
        tops = np.bincount(ballot[top], minlength=len(k))
        if num * max(int(k.max(initial=0)), 1) < 1 << 62:
            limit = np.maximum(1, (k * num) // den)
        else:  # a share written with very many digits: Python integers
            limit = np.array([max(1, (int(n) * num) // den) for n in k], dtype=object)
        void |= tops > limit
    return void


def _mean(values: dict[float, int], trim: int) -> tuple[float, int]:
    """Mean of the multiset after dropping `trim` lowest and highest (when more than 2t), and
    how many marks it kept. Exact: integer sums of the values' binary fractions, one rounding
    at the division, so the result never depends on the order of the marks.

    The scalar statement of a group mean; `_means` computes every cell's at once and the
    tests hold the two equal.
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


# Below this bound integers are exact doubles, and a double division of two of them is the
# correctly rounded quotient, the same double as Python's exact `int / int`.
_EXACT = 1 << 53


@dataclass(frozen=True, slots=True)
class _Cells:
    """Every (assessee, group) marked, as arrays indexed by cell ``a * len(groups) + g`` (``a``
    and ``g`` index `assessees` and `groups`); the last index, `empty`, is a cell never marked.
    """

    assessees: dict[str, int]
    groups: dict[str, int]
    valid: np.ndarray  # int64: valid marks, before trimming
    void: np.ndarray  # int64: marks void by their ballot or by their own option
    top: np.ndarray  # int64: valid marks with a top option
    sat: np.ndarray  # int64: valid marks with a satisfied option
    counts: np.ndarray  # int64 (cells, options): valid marks per label, options' order
    kept: np.ndarray  # int64: valid marks left after trimming
    mean: np.ndarray  # float64: exact mean of the kept marks' values (0 where none)
    dimension_sums: np.ndarray | None  # float64 (cells, dimensions): dimensions form only

    @property
    def empty(self) -> int:
        return len(self.valid) - 1


def _no_cells(evaluation: Evaluation) -> _Cells:
    zero = np.zeros(1, dtype=np.int64)
    return _Cells(
        {},
        {},
        zero,
        zero,
        zero,
        zero,
        np.zeros((1, len(evaluation.options)), dtype=np.int64),
        zero,
        np.zeros(1),
        np.zeros((1, len(evaluation.dimensions))) if evaluation.form == "dimensions" else None,
    )


def _cells(evaluation: Evaluation, marks: pl.DataFrame, covered: Sequence[str] = ()) -> _Cells:
    """Every (assessee, group) marked, from a histogram of (assessee, group, option, valid):
    the marks are reduced to integer codes and counted with NumPy, never looped over, and so
    is the histogram (hundreds of thousands of keys at province scale). `covered`: the
    assessees expected to be marked (any other is coded too)."""
    df = marks
    if df.get_column("assessee").null_count():
        df = df.filter(pl.col("assessee").is_not_null())
    if df.height == 0:
        return _no_cells(evaluation)
    expected = {"assessee": covered, "group": [g.code for g in evaluation.groups]}
    # A grade-form mark counts only with a declared label, so every other text (and null)
    # is one code, the last, valued as null. Other forms code the texts in order of first
    # appearance, the order dimension sums are added in (as always).
    declared = list(dict.fromkeys(evaluation.options)) if evaluation.form == "grade" else []
    # One select: polars reads the columns side by side.
    coded = df.select(
        *(_expected_code(name, values).alias(name) for name, values in expected.items() if values),
        *([_expected_code("option", declared, len(declared)).alias("option")] if declared else []),
        _NEW_BALLOT.alias("ballot"),
    )
    assessee, assessees = _codes(*_column(df, coded, "assessee", expected["assessee"]))
    group, groups = _codes(*_column(df, coded, "group", expected["group"]))
    if declared:
        option, options = coded.get_column("option").to_numpy(), [*declared, None]
    else:
        option, options = _codes(df.get_column("option"))
    valued = _value_marks(evaluation, pl.DataFrame({"option": options}, schema={"option": pl.Utf8}))
    value = valued.get_column("value").to_list()
    top = np.array(valued.get_column("top").fill_null(False).to_list(), dtype=bool)
    sat = np.array(valued.get_column("sat").fill_null(False).to_list(), dtype=bool)
    labels = _labels(evaluation, valued, options)
    ballot = _ballot_codes(df, group, len(groups), coded.get_column("ballot"))
    void = _void(evaluation, ballot, assessee, top[option], len(assessees))
    has_value = np.array([v is not None for v in value], dtype=bool)
    valid = has_value[option] & ~void[ballot]
    n_cells = len(assessees) * len(groups)
    key = ((assessee * len(groups) + group) * len(options) + option) * 2 + valid
    keys, counts = _histogram(key, n_cells * len(options) * 2)
    rest, ok = np.divmod(keys, 2)
    cell, o = np.divmod(rest, len(options))
    chosen = ok == 1
    size = n_cells + 1  # and the empty cell

    def per_cell(where: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
        # Sums of whole counts below 2**53: the float sums are exact.
        w = counts[where] if weights is None else counts[where] * weights
        return np.bincount(cell[where], weights=w, minlength=size).astype(np.int64)

    n_valid = per_cell(chosen)
    trims = {g.code: g.trim for g in evaluation.groups}  # codes are unique (the builder)
    trim = np.append(np.tile([trims.get(code, 0) for code in groups], len(assessees)), 0)
    valid_o = o[chosen]
    per_label = _label_matrix(evaluation, labels)
    kept, mean = _means(
        [float(v) for v in value if v is not None],
        value,
        cell[chosen],
        valid_o,
        counts[chosen],
        n_valid,
        np.asarray(trim, dtype=np.int64),
    )
    return _Cells(
        assessees={code: index for index, code in enumerate(assessees)},
        groups={code: index for index, code in enumerate(groups)},
        valid=n_valid,
        void=per_cell(~chosen),
        top=per_cell(chosen & top[o]),
        sat=per_cell(chosen & sat[o]),
        counts=np.stack(
            [per_cell(chosen, per_label[valid_o, j]) for j in range(per_label.shape[1])], axis=1
        )
        if per_label.shape[1]
        else np.zeros((size, 0), dtype=np.int64),
        kept=kept,
        mean=mean,
        dimension_sums=(
            _dimension_sums(evaluation, labels, keys, counts, len(options), size)
            if evaluation.form == "dimensions"
            else None
        ),
    )


def _column(
    df: pl.DataFrame, coded: pl.DataFrame, name: str, expected: Sequence[str]
) -> tuple[pl.Series, Sequence[str], pl.Series | None]:
    """`_codes` arguments of one column of `_cells`."""
    return df.get_column(name), expected, coded.get_column(name) if expected else None


def _labels(
    evaluation: Evaluation, valued: pl.DataFrame, options: list[Any]
) -> list[tuple[str, ...]]:
    """The labels each distinct option text gives (grade: itself; dimensions: one per
    dimension; score: none)."""
    if evaluation.form == "grade":
        return [(o,) if o is not None else () for o in options]
    if evaluation.form == "dimensions":
        dims = [
            valued.get_column(_dimension_column(i)).to_list()
            for i in range(len(evaluation.dimensions))
        ]
        return [tuple(d[i] for d in dims) for i in range(len(options))]
    return [() for _ in options]


def _label_matrix(evaluation: Evaluation, labels: list[tuple[str, ...]]) -> np.ndarray:
    """(distinct texts, options): how many times each text names each label. Only the texts
    of valid marks are ever used, and those name known labels only."""
    order = {label: j for j, label in enumerate(evaluation.options)}
    matrix = np.zeros((len(labels), len(order)), dtype=np.int64)
    for o, named in enumerate(labels):
        for label in named:
            if label in order:
                matrix[o, order[label]] += 1
    return matrix


def _means(
    distinct: list[float],
    value: list[float | None],
    cell: np.ndarray,
    option: np.ndarray,
    count: np.ndarray,
    n_valid: np.ndarray,
    trim: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """`_mean` of every cell at once: marks kept and their exact mean (0 where none).

    `cell`, `option`, `count` are the valid histogram entries; `value` the value of each
    distinct option text and `distinct` those values. Values are ranked; the entries become
    (cell, rank) counts in that order, so the trim is a clip of cumulative counts per cell.
    Each value is an integer numerator over one common power-of-two scale, and a cell's mean
    is its integer sum over (scale × kept), rounded once: the double `_mean` gives.
    """
    size = len(n_valid)
    ranked = sorted(set(distinct))
    rank_of = {v: r for r, v in enumerate(ranked)}
    ranks = np.array([rank_of[float(v)] if v is not None else 0 for v in value], dtype=np.int64)
    width = max(len(ranked), 1)
    keys, counts = _histogram(cell * width + ranks[option], size * width, count)
    at, rank = np.divmod(keys, width)
    # Trim only where there are more than 2t marks: t marks off each end of the ranked
    # counts of the cell, taken from the bins the cumulative counts say they fall in.
    t = np.where(n_valid > 2 * trim, trim, 0)
    starts = np.cumsum(n_valid) - n_valid
    before = np.cumsum(counts) - counts - starts[at]
    after = n_valid[at] - before - counts
    kept_bins = counts - np.clip(t[at] - before, 0, counts) - np.clip(t[at] - after, 0, counts)
    kept = n_valid - 2 * t
    ratios = [v.as_integer_ratio() for v in ranked]
    scale = max((den for _, den in ratios), default=1)
    numerators = [num * (scale // den) for num, den in ratios]
    largest = int(kept.max(initial=0))
    mean = np.zeros(size)
    if max(map(abs, numerators), default=0) * largest < _EXACT and scale * largest < _EXACT:
        terms = np.array(numerators, dtype=np.float64)[rank] * kept_bins
        totals = np.bincount(at, weights=terms, minlength=size)  # exact: whole numbers
        np.divide(totals, kept * float(scale), out=mean, where=kept > 0)
        return kept, mean
    # Values with long binary fractions (a score form's 7.3 / 10 × 100): Python integers.
    sums = [0] * size
    for a, r, k in zip(at.tolist(), rank.tolist(), kept_bins.tolist(), strict=True):
        sums[a] += numerators[r] * k
    for a, (total, k) in enumerate(zip(sums, kept.tolist(), strict=True)):
        if k:
            mean[a] = total / (scale * k)
    return kept, mean


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


def _histogram(
    key: np.ndarray, size: int, weights: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """`np.unique(key, return_counts=True)` for keys in `range(size)` (with `weights`: the sum
    of the whole-number weights per key): a count per possible key when there are not many
    more of them than marks (no sort of millions of keys)."""
    if size <= 4 * len(key) + 1_000_000:
        counts = np.bincount(key, weights=weights, minlength=size)
        keys = np.flatnonzero(counts)
        return keys, counts[keys].astype(np.int64)
    if weights is None:
        return np.unique(key, return_counts=True)
    keys, inverse = np.unique(key, return_inverse=True)
    return keys, np.bincount(inverse, weights=weights, minlength=len(keys)).astype(np.int64)


def aggregate(
    evaluation: Evaluation, marks: pl.DataFrame, covered: Iterable[str]
) -> dict[str, EvaluationResult]:
    """Results of a standard or integrity evaluation for every covered assessee.

    `marks` holds this evaluation's rows only. `covered` lists the assessees that get an
    entry (scoring.md §8, evaluation coverage), in the order results should follow.
    """
    codes = list(covered)
    return _results(evaluation, _cells(evaluation, marks, codes), codes)


def aggregate_covering(
    evaluation: Evaluation, marks: pl.DataFrame, assessees: Sequence[str], always: Container[str]
) -> dict[str, EvaluationResult]:
    """`aggregate` for the assessees in `always` and every assessee marked, in the order of
    `assessees` (scoring.md §8, evaluation coverage: the categories using the evaluation as
    a section, plus everyone marked); a mark naming no one in `assessees` covers no one.
    The marks are read once for both."""
    cells = _cells(evaluation, marks, assessees)
    per_assessee = (cells.valid + cells.void)[:-1].reshape(-1, max(len(cells.groups), 1))
    marked = per_assessee.sum(axis=1) > 0 if len(cells.groups) else np.zeros(0, dtype=bool)
    index = cells.assessees
    covered = [
        code
        for code in assessees
        if code in always or (code in index and bool(marked[index[code]]))
    ]
    return _results(evaluation, cells, covered)


def _results(
    evaluation: Evaluation, cells: _Cells, codes: list[str]
) -> dict[str, EvaluationResult]:
    """Every covered assessee's result from the cells: sums over the groups as arrays, then
    one short loop per assessee that builds the result objects."""
    rows = np.array([cells.assessees.get(code, -1) for code in codes], dtype=np.int64)
    width = len(cells.groups)
    n = len(codes)
    weighted = np.zeros(n)
    weights = np.zeros(n)
    valid_total = np.zeros(n, dtype=np.int64)
    void_total = np.zeros(n, dtype=np.int64)
    top_total = np.zeros(n, dtype=np.int64)
    sat_total = np.zeros(n, dtype=np.int64)
    dimension_sums = np.zeros((n, len(evaluation.dimensions)))
    columns: list[list[GroupResult]] = []
    missing_columns: list[list[str | None]] = []
    labels = list(evaluation.options)
    for group in evaluation.groups:
        group_code, name, weight = group.code, group.name, group.weight
        g = cells.groups.get(group.code)
        at = (
            np.full(n, cells.empty)
            if g is None
            else np.where(rows >= 0, rows * width + g, cells.empty)
        )
        n_valid = cells.valid[at]
        present = (n_valid > 0) & (n_valid >= group.min_ballots)
        mean = cells.mean[at]
        # The same operations, in the same group order, as a sum assessee by assessee.
        weighted = np.where(present, weighted + group.weight * mean, weighted)
        weights = np.where(present, weights + group.weight, weights)
        valid_total += n_valid
        void_total += cells.void[at]
        top_total += cells.top[at]
        sat_total += cells.sat[at]
        if cells.dimension_sums is not None:
            dimension_sums = dimension_sums + cells.dimension_sums[at]
        # This group's result of every assessee, a column at a time.
        present_list = present.tolist()
        counts = [
            {label: count for label, count in zip(labels, row, strict=True) if count}
            for row in cells.counts[at].tolist()
        ]
        columns.append(
            [
                GroupResult(
                    group_code, name, weight, mean_i if ok else None, marks, void, trimmed, c
                )
                for ok, mean_i, marks, void, trimmed, c in zip(
                    present_list,
                    mean.tolist(),
                    n_valid.tolist(),
                    cells.void[at].tolist(),
                    np.where(present, n_valid - cells.kept[at], 0).tolist(),
                    counts,
                    strict=True,
                )
            ]
        )
        missing = f"missing_group:{evaluation.code}:{group.code}"
        missing_columns.append([None if ok else missing for ok in present_list])
    scored = weights > 0
    e = np.divide(weighted, weights, out=np.zeros(n), where=scored).tolist()
    has_valid = valid_total > 0
    top_rate = _rates(top_total, valid_total)
    sat_rate = _rates(sat_total, valid_total) if evaluation.form != "score" else [None] * n
    dimension_means = (
        np.divide(dimension_sums, valid_total[:, None], out=np.zeros_like(dimension_sums),
                  where=has_valid[:, None]).tolist()
    )  # fmt: skip
    no_ballots = f"no_ballots:{evaluation.code}"
    integrity = evaluation.kind == "integrity"
    dimensions = list(evaluation.dimensions) if evaluation.form == "dimensions" else None
    per_assessee = zip(*columns, strict=True) if columns else iter([()] * n)
    missing_per_assessee = zip(*missing_columns, strict=True) if columns else iter([()] * n)
    results: dict[str, EvaluationResult] = {}
    for i, (code, ok, valid_i, void_i, has, group_results, missing) in enumerate(
        zip(
            codes, scored.tolist(), valid_total.tolist(), void_total.tolist(), has_valid.tolist(),
            per_assessee, missing_per_assessee, strict=True,
        )
    ):  # fmt: skip
        flags = [flag for flag in missing if flag is not None]
        if not ok:
            flags.append(no_ballots)
        handling = False
        if integrity and round2(e[i]) < evaluation.handling_below:
            handling = True
            flags.append(f"integrity_below:{evaluation.handling_below_text}")
        results[code] = EvaluationResult(
            code=evaluation.code,
            kind=evaluation.kind,
            score=e[i],
            valid=valid_i,
            void=void_i,
            groups=group_results,
            top_rate=top_rate[i],
            satisfaction_rate=sat_rate[i],
            flags=tuple(flags),
            handling=handling,
            dimensions=(
                {
                    d: (m if has else None)
                    for d, m in zip(dimensions, dimension_means[i], strict=True)
                }
                if dimensions is not None
                else None
            ),
        )
    return results


def _rates(part: np.ndarray, whole: np.ndarray) -> list[float | None]:
    """``part / whole`` per assessee (None where whole is 0): exact counts, one division."""
    rates = np.divide(part, whole, out=np.zeros(len(whole)), where=whole > 0).tolist()
    return [rate if w else None for rate, w in zip(rates, whole.tolist(), strict=True)]


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
