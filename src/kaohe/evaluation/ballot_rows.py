"""A document's marks grouped into the rows of the ballot table, with no database: the
command line starts this while the rest of the document is still being checked, before
Django has a connection (``kaohe.evaluation.marks`` stores the rows).

Each ballot becomes one row holding its marks as two JSON lists (``Ballot.assessees``,
``Ballot.options``) and a random key; rows come in key order, a random permutation of the
input (docs/database.md).
"""

from __future__ import annotations

import itertools
import secrets
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl


def random_ids(count: int) -> np.ndarray:
    """``count`` random positive 63-bit integers: primary keys that reveal no order.

    Collisions are possible in principle (about n²/2⁶⁴); ``_unique_random_ids`` checks and
    draws again rather than paying for uniqueness here.
    """
    rng = np.random.default_rng(secrets.randbits(128))
    return rng.integers(1, 2**63 - 1, size=count, dtype=np.int64)


def _unique_random_ids(count: int) -> pl.Series:
    """``count`` distinct random keys."""
    while True:
        ids = pl.Series("id", random_ids(count))
        if ids.n_unique() == count:
            return ids


# What JSON must escape in a string: quotes, backslashes and control characters.
_NEEDS_ESCAPES = r'["\\\x00-\x1f]'


def _list_text(marks: pl.DataFrame, column: str) -> pl.Expr:
    """An aggregation: the group's values of ``marks[column]``, in row order, as compact JSON
    text (``["a","b",null]``), the stored form of a ballot's list.

    When no value of the column needs escaping (codes and option labels, nearly always), the
    text is put together directly; otherwise polars' JSON encoder writes it.

    >>> marks = pl.DataFrame({"b": [1, 1, 2], "a": ["x", "y", None], "o": ["q", 'r"', "s"]})
    >>> marks.group_by("b", maintain_order=True).agg(
    ...     _list_text(marks, "a"), _list_text(marks, "o")
    ... ).rows()
    [(1, '["x","y"]', '["q","r\\\\""]'), (2, '[null]', '["s"]')]
    """
    value = pl.col(column)
    if marks.select(value.str.contains(_NEEDS_ESCAPES).any()).item():
        # {"column":[...]} → [...]
        return (
            pl.struct(value.implode().alias(column))
            .struct.json_encode()
            .str.slice(len(column) + 4)
            .str.head(-1)
            .alias(column)
        )
    if marks.get_column(column).null_count() == 0:
        # No element to write bare: the quotes go into the separator (half the work).
        return (pl.lit('["') + value.str.join('","') + pl.lit('"]')).alias(column)
    element = pl.when(value.is_null()).then(pl.lit("null")).otherwise('"' + value + '"')
    return (pl.lit("[") + element.str.join(",") + pl.lit("]")).alias(column)


def _ballot_index(marks: pl.DataFrame) -> pl.Series:
    """A dense number per (evaluation, ballot) of ``marks``, as an Int64 column ``_ballot``.

    Files list a ballot's marks together: then each ballot is one run of rows (a run starts
    where the evaluation or the ballot text changes), numbered in one pass. That holds when
    the runs' first rows are all different pairs, checked on a 64-bit hash of the two texts
    (a collision can only make it look false); otherwise the pairs are ranked.
    """
    evaluation, ballot = pl.col("evaluation"), pl.col("ballot")
    starts = evaluation.ne_missing(evaluation.shift(1)) | ballot.ne_missing(ballot.shift(1))
    runs = marks.select(starts.alias("start"), pair=evaluation.hash(seed=1) ^ ballot.hash(seed=0))
    first = runs.filter(pl.col("start")).get_column("pair")
    if first.n_unique() == first.len():
        # Ascending by construction: flagged so, the grouping needs no hash table.
        runs = runs.select(pl.col("start").cum_sum().cast(pl.Int64).sub(1).alias("_ballot"))
        return runs.to_series().set_sorted()
    ranked = pl.struct("evaluation", "ballot").rank("dense").cast(pl.Int64).sub(1)
    return marks.select(ranked.alias("_ballot")).to_series()


MARKS_PER_SLICE = 500_000


def _whole_ballot_slices(numbered: pl.DataFrame) -> Iterator[pl.DataFrame]:
    """``numbered`` (with ``_ballot``) in slices of about ``MARKS_PER_SLICE`` rows that never
    cut a ballot: the whole frame when its ballots are not each one run of rows."""
    index = numbered.get_column("_ballot").to_numpy()
    if numbered.height <= MARKS_PER_SLICE or (np.diff(index) < 0).any():
        yield numbered
        return
    # Runs ascend: the first row of ballot k is found by binary search.
    step = max(1, int(index[-1] + 1) * MARKS_PER_SLICE // numbered.height)
    cuts = np.searchsorted(index, np.arange(step, int(index[-1]) + 1, step))
    bounds = [0, *cuts.tolist(), numbered.height]
    for start, stop in itertools.pairwise(bounds):
        if stop > start:
            yield numbered.slice(start, stop - start)


@dataclass(frozen=True, slots=True)
class PreparedMarks:
    """A document's ballots keyed, with their marks as list texts, not yet tied to database
    ids: ``prepare_marks`` needs no database, so ``plan_load`` runs it in a thread while it
    writes the plan. Evaluations are given by their place in ``evaluations`` (declared
    order)."""

    evaluations: tuple[str, ...]
    # id (random), evaluation (place), group (code), serial, assessees, options (JSON
    # texts): one row per ballot, in key order.
    ballots: pl.DataFrame
    marks: int


def prepare_marks(marks: pl.DataFrame, evaluations: Sequence[str]) -> PreparedMarks:
    """Group the marks of ``marks`` (the engine's long format) into their ballots and draw
    the ballots' random keys; ``evaluations``: every evaluation code the marks use, in
    declared order."""
    places = {code: place for place, code in enumerate(evaluations)}
    aggregations = (
        pl.first("evaluation").replace_strict(places, return_dtype=pl.Int64),
        pl.first("group"),
        pl.first("ballot").alias("serial"),
        _list_text(marks, "assessee").alias("assessees"),
        _list_text(marks, "option").alias("options"),
    )
    numbered = marks.with_columns(_ballot_index(marks))
    # Grouped a slice at a time, each slice whole ballots: the grouping's working memory
    # (about 700 MB for 5 million marks at once) stays that of one slice.
    ballots = pl.concat(
        part.group_by("_ballot").agg(*aggregations).drop("_ballot")
        for part in _whole_ballot_slices(numbered)
    )
    # Random keys, rows in key order: the stored order of the ballots is a random
    # permutation of the input, whatever order the file was in.
    ballots = ballots.select(_unique_random_ids(ballots.height), pl.all()).sort("id")
    return PreparedMarks(evaluations=tuple(evaluations), ballots=ballots, marks=marks.height)
