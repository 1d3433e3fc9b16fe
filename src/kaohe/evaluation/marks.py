"""Bulk storage and retrieval of ballot marks, the data that reaches millions a year.

A ballot holds its marks (``Ballot.assessees`` and ``Ballot.options``, two parallel lists in
their order on the ballot): a province's 5 million marks are 250,000 rows, not 5 million, so
they load without a per-mark row, key and index (docs/database.md).

The lists are JSON text, written and read by polars, so no Python object is made per mark.
PostgreSQL: ``COPY ... FROM STDIN`` / ``COPY ... TO STDOUT`` in CSV. Other databases (SQLite):
``executemany`` in large batches (``kaohe.plans.bulk``).

Marks come back ordered by evaluation (declared order), ballot serial, then their order on the
ballot, so the rebuilt ``Document.marks`` is deterministic whatever the physical row order.
"""

from __future__ import annotations

import itertools
import secrets
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl
from django.db import connection

from kaohe.engine.model import MARK_COLUMNS, empty_marks
from kaohe.evaluation.models import Ballot, Evaluation
from kaohe.plans.bulk import bulk_insert, copy_out, indexes_rebuilt, truncate_alone


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


def _is_postgresql() -> bool:
    return connection.vendor == "postgresql"


def _alone(evaluation_ids: Sequence[int]) -> bool:
    """True when no other evaluation exists, so the ballot table holds nothing else.

    Ballots are only written for an existing evaluation and deleted with it
    (``delete_ballots``), so this small-table check stands in for scanning the big one.
    """
    return not Evaluation.objects.exclude(id__in=list(evaluation_ids)).exists()


def delete_ballots(evaluation_ids: Sequence[int]) -> None:
    """Delete the ballots (with their marks) of these evaluations, in one statement.

    On PostgreSQL, when they are the only evaluations, ``TRUNCATE`` (transactional there): it
    leaves no dead rows to vacuum and lets the indexes be built once after the next load.
    """
    if not evaluation_ids:
        return
    if truncate_alone([Ballot], alone=lambda: _alone(evaluation_ids)):
        return
    Ballot.objects.filter(evaluation_id__in=evaluation_ids)._raw_delete(Ballot.objects.db)


# What JSON must escape in a string: quotes, backslashes and control characters.
_NEEDS_ESCAPES = r'["\\\x00-\x1f]'


def _list_text(marks: pl.DataFrame, column: str) -> pl.Expr:
    """An aggregation: the group's values of ``marks[column]``, in row order, as compact JSON
    text (``["a","b",null]``), the stored form of a ballot's list.

    When no value of the column needs escaping (codes and option labels, nearly always), the
    text is put together directly; otherwise polars' JSON encoder writes it.
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
        return runs.select(
            pl.col("start").cum_sum().cast(pl.Int64).sub(1).alias("_ballot")
        ).to_series()
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


def store_marks(
    marks: pl.DataFrame | PreparedMarks,
    *,
    evaluation_ids: Mapping[str, int],
    group_ids: Mapping[tuple[str, str], int],
) -> tuple[int, int]:
    """Insert the ballots of ``marks`` (the engine's long format, or already
    ``prepare_marks``-ed) with their marks; returns the counts of ballots
    and marks. Ballot keys are random and rows are written in key order (``prepare_marks``).
    """
    if isinstance(marks, pl.DataFrame):
        if marks.height == 0:
            return 0, 0
        marks = prepare_marks(marks, list(evaluation_ids))
    if marks.ballots.height == 0:
        return 0, 0
    # Evaluation place → database id.
    id_of = {place: evaluation_ids[code] for place, code in enumerate(marks.evaluations)}
    groups = pl.DataFrame(
        {
            "evaluation": [evaluation_ids[evaluation] for evaluation, _ in group_ids],
            "group": [group for _, group in group_ids],
            "group_id": list(group_ids.values()),
        },
        schema={"evaluation": pl.Int64, "group": pl.Utf8, "group_id": pl.Int64},
    )
    ballots = (
        marks.ballots.with_columns(
            pl.col("evaluation").replace_strict(id_of, return_dtype=pl.Int64)
        )
        .join(groups, on=["evaluation", "group"], how="left", maintain_order="left")
        .select(
            "id", "evaluation", pl.col("group_id").alias("group"), "serial", "assessees", "options"
        )
    )
    if _is_postgresql() and _alone(list(evaluation_ids.values())):
        # A table holding no other evaluation's rows: building its indexes once after the
        # COPY costs about half of maintaining them row by row (docs/database.md). Same
        # transaction, same constraints.
        with indexes_rebuilt(Ballot):
            bulk_insert(Ballot, ballots)
    else:
        bulk_insert(Ballot, ballots)
    return ballots.height, marks.marks


def load_marks(
    *,
    evaluations: Mapping[int, str],
    groups: Mapping[int, str],
) -> pl.DataFrame:
    """The marks of these evaluations (id → code, in declared order) as ``Document.marks``.

    ``groups`` maps every group id of these evaluations to its code.
    """
    if not evaluations:
        return empty_marks()
    ids = list(evaluations)
    ballots = _read_ballots(ids)
    codes = pl.DataFrame(
        {"evaluation_id": ids, "evaluation": list(evaluations.values()), "_rank": range(len(ids))},
        schema={"evaluation_id": pl.Int64, "evaluation": pl.Utf8, "_rank": pl.Int64},
    )
    # Ballots in output order (a small sort: one row per ballot), then their marks in order.
    ballots = (
        ballots.join(codes, on="evaluation_id", how="left")
        .with_columns(
            pl.col("group_id").replace_strict(dict(groups), return_dtype=pl.Utf8).alias("group")
        )
        .sort("_rank", "ballot")
        .filter(pl.col("assessees").list.len() > 0)  # a ballot without marks counts nowhere
    )
    lengths = ballots.select(
        (pl.col("assessees").list.len() != pl.col("options").list.len()).any()
    ).item()
    if lengths:
        raise ValueError("测评票的考核对象与选项数目不一致")
    return (
        ballots.select("evaluation", "group", "ballot", "assessees", "options")
        .explode("assessees", "options")
        .rename({"assessees": "assessee", "options": "option"})
        .select(MARK_COLUMNS)
    )


def _read_ballots(ids: Sequence[int]) -> pl.DataFrame:
    """The ballots of evaluations ``ids``: evaluation_id, group_id, ballot (serial) and the
    ``assessees`` and ``options`` lists."""
    schema = {
        "evaluation_id": pl.Int64,
        "group_id": pl.Int64,
        "ballot": pl.Utf8,
        "assessees": pl.List(pl.Utf8),
        "options": pl.List(pl.Utf8),
    }
    if not _is_postgresql():
        rows = Ballot.objects.filter(evaluation_id__in=ids).values_list(
            "evaluation_id", "group_id", "serial", "assessees", "options"
        )
        return pl.DataFrame(list(rows), schema=schema, orient="row")  # type: ignore[arg-type]
    table = connection.ops.quote_name(Ballot._meta.db_table)
    columns = "evaluation_id, group_id, serial, assessees, options"
    if _alone(ids):
        # Every row of the table is wanted: COPY the table itself (no executor).
        statement = f"COPY {table} ({columns}) TO STDOUT (FORMAT csv)"
    else:
        # COPY takes no bind parameters; the ids are integers from our own tables, inlined.
        inlined = ", ".join(str(int(value)) for value in ids)
        statement = (
            f"COPY (SELECT {columns} FROM {table} WHERE evaluation_id IN ({inlined}))"
            " TO STDOUT (FORMAT csv)"
        )
    with connection.cursor() as cursor:
        buffer = copy_out(cursor, statement)
    if buffer.tell() == 0:
        return pl.DataFrame(schema=schema)  # type: ignore[arg-type]
    buffer.seek(0)
    texts = {**schema, "assessees": pl.Utf8, "options": pl.Utf8}
    frame = pl.read_csv(buffer, has_header=False, schema=texts)  # type: ignore[arg-type]
    return frame.with_columns(
        pl.col(name).str.json_decode(pl.List(pl.Utf8)) for name in ("assessees", "options")
    )
