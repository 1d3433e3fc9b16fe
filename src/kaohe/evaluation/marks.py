"""Bulk storage and retrieval of ballot marks, the one table that reaches millions of rows.

PostgreSQL: ``COPY ... FROM STDIN`` / ``COPY ... TO STDOUT`` in CSV, written and parsed by polars
(psycopg 3 ``cursor.copy``), so no Python object is made per mark. Other databases (SQLite):
``executemany`` in large batches of plain tuples (``kaohe.plans.bulk``).

Every step works on integer keys: strings are hashed once (ballot codes into a dense index),
joins and sorts use integers, and only the final frame holds the marks' text.

Marks come back ordered by evaluation (declared order), ballot serial, then their order on the
ballot, so the rebuilt ``Document.marks`` is deterministic whatever the physical row order.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl
from django.db import connection

from kaohe.engine.model import MARK_COLUMNS, empty_marks
from kaohe.evaluation.models import Ballot, Evaluation, Mark
from kaohe.plans.bulk import (
    COPY_CHUNK_ROWS,
    bulk_insert,
    bulk_insert_chunks,
    indexes_rebuilt,
    read_frame,
    truncate_alone,
)

# A ballot holds fewer marks than this: (ballot rank, order on the ballot) packs into one Int64.
_ORDER_BITS = 24


def random_ids(count: int) -> np.ndarray:
    """``count`` random positive 63-bit integers: primary keys that reveal no order.

    Collisions are possible in principle (about n²/2⁶⁴: one in a million for 5 million keys);
    ``_unique_random_ids`` checks and draws again rather than paying for uniqueness here.
    """
    rng = np.random.default_rng(secrets.randbits(128))
    return rng.integers(1, 2**63 - 1, size=count, dtype=np.int64)


def _unique_random_ids(count: int) -> pl.Series:
    """``count`` distinct random keys (unique over the whole batch, stronger than needed)."""
    while True:
        ids = pl.Series("id", random_ids(count))
        if ids.n_unique() == count:
            return ids


def _sorted_unique_random_ids(count: int) -> np.ndarray:
    """``count`` distinct random keys, ascending."""
    while True:
        ids = random_ids(count)
        ids.sort()
        if not (ids[1:] == ids[:-1]).any():
            return ids


def _key_order(evaluations: pl.Series, ranks: Mapping[int, int]) -> np.ndarray:
    """A uniformly random order of the rows, grouped by evaluation, as row positions
    (``ranks``: each value of ``evaluations`` → the rank of its evaluation in key order)."""
    rng = np.random.default_rng(secrets.randbits(128))
    positions = rng.permutation(evaluations.len())
    if len(ranks) > 1:
        # A stable sort keeps the random order within each evaluation (16-bit keys: radix).
        rank = evaluations.replace_strict(dict(ranks), return_dtype=pl.UInt16).to_numpy()
        positions = positions[np.argsort(rank[positions], kind="stable")]
    return positions


def _is_postgresql() -> bool:
    return connection.vendor == "postgresql"


def _alone(evaluation_ids: Sequence[int]) -> bool:
    """True when no other evaluation exists, so the ballot and mark tables hold nothing else.

    Marks and ballots are only written by ``store_marks`` for an existing evaluation and deleted
    with it (``delete_marks``), so this small-table check stands in for scanning the big ones.
    """
    return not Evaluation.objects.exclude(id__in=list(evaluation_ids)).exists()


def delete_marks(evaluation_ids: Sequence[int]) -> None:
    """Delete the ballots and marks of these evaluations, one statement per table.

    On PostgreSQL, when they are the only evaluations, ``TRUNCATE`` (transactional there):
    a ``DELETE`` of 5 million marks takes seconds and leaves the dead rows to vacuum.
    """
    if not evaluation_ids:
        return
    if truncate_alone([Mark, Ballot], alone=lambda: _alone(evaluation_ids)):
        return
    Mark.objects.filter(evaluation_id__in=evaluation_ids)._raw_delete(Mark.objects.db)
    Ballot.objects.filter(evaluation_id__in=evaluation_ids)._raw_delete(Ballot.objects.db)


@dataclass(frozen=True, slots=True)
class PreparedMarks:
    """A document's ballots and marks numbered and keyed, not yet tied to database ids:
    ``prepare_marks`` needs no database, so ``plan_load`` runs it in a thread while it writes
    the plan. Evaluations are given by their place in ``evaluations`` (declared order)."""

    evaluations: tuple[str, ...]
    # id (random), evaluation (place), group (code), serial: one row per ballot.
    ballots: pl.DataFrame
    # ballot (its random id), evaluation (place), order on the ballot, assessee, option:
    # one row per mark, in input order.
    rows: pl.DataFrame
    # Ascending random mark keys, one per row, given in turn to the rows at ``positions``: a
    # random permutation of the rows, grouped by evaluation place.
    ids: np.ndarray
    positions: np.ndarray


def prepare_marks(marks: pl.DataFrame, evaluations: Sequence[str]) -> PreparedMarks:
    """Number the ballots of ``marks`` (the engine's long format) and draw their random keys;
    ``evaluations``: every evaluation code the marks use, in declared order."""
    places = {code: place for place, code in enumerate(evaluations)}
    # One dense integer per (evaluation, ballot).
    frame = marks.select(
        pl.col("evaluation").replace_strict(places, return_dtype=pl.Int64),
        pl.struct("evaluation", "ballot").rank("dense").cast(pl.Int64).sub(1).alias("_ballot"),
        "group",
        "ballot",
        "assessee",
        "option",
    )
    ballots = (
        frame.group_by("_ballot")
        .agg(pl.first("evaluation"), pl.first("group"), pl.first("ballot").alias("serial"))
        .sort("_ballot")
    )
    ballots = ballots.select(_unique_random_ids(ballots.height), "evaluation", "group", "serial")
    ballot_ids = ballots.get_column("id")
    rows = frame.select(
        pl.col("_ballot")
        .map_batches(lambda index: ballot_ids.gather(index), return_dtype=pl.Int64)
        .alias("ballot"),
        "evaluation",
        pl.int_range(pl.len(), dtype=pl.Int32).over("_ballot").alias("order"),
        "assessee",
        "option",
    )
    places_ranks = {place: place for place in range(len(evaluations))}
    return PreparedMarks(
        evaluations=tuple(evaluations),
        ballots=ballots,
        rows=rows,
        ids=_sorted_unique_random_ids(rows.height),
        positions=_key_order(rows.get_column("evaluation"), places_ranks),
    )


def store_marks(
    marks: pl.DataFrame | PreparedMarks,
    *,
    evaluation_ids: Mapping[str, int],
    group_ids: Mapping[tuple[str, str], int],
) -> tuple[int, int]:
    """Insert the ballots and marks of ``marks`` (the engine's long format, or already
    ``prepare_marks``-ed); returns the counts.

    Ballot and mark keys are random, and rows are written in key order: a random permutation
    of the input (the stored order reveals nothing of the voting order), which also keeps
    B-tree inserts local. Marks are not sorted by a random key: a random permutation of the
    rows takes the ascending random keys in turn (the same distribution), and each chunk of
    the COPY is gathered while the server stores the previous one.
    """
    if isinstance(marks, pl.DataFrame):
        if marks.height == 0:
            return 0, 0
        marks = prepare_marks(marks, list(evaluation_ids))
    if marks.rows.height == 0:
        return 0, 0
    # Evaluation place → database id.
    id_of = {place: evaluation_ids[code] for place, code in enumerate(marks.evaluations)}
    evaluation_id = pl.col("evaluation").replace_strict(id_of, return_dtype=pl.Int64)
    groups = pl.DataFrame(
        {
            "evaluation": [evaluation_ids[evaluation] for evaluation, _ in group_ids],
            "group": [group for _, group in group_ids],
            "group_id": list(group_ids.values()),
        },
        schema={"evaluation": pl.Int64, "group": pl.Utf8, "group_id": pl.Int64},
    )
    ballots = (
        marks.ballots.with_columns(evaluation_id)
        .join(groups, on=["evaluation", "group"], how="left")
        .select("id", "evaluation", pl.col("group_id").alias("group"), "serial")
        .sort("id")
    )
    rows, ids, positions = marks.rows, marks.ids, marks.positions
    # Key order of the composite primary key (evaluation, id), so the index is appended to:
    # evaluations are created in declared order, so their ids ascend with their places.
    in_place_order = [id_of[place] for place in range(len(id_of))]
    if in_place_order != sorted(in_place_order):
        ranks = {place: sorted(in_place_order).index(pk) for place, pk in id_of.items()}
        positions = _key_order(rows.get_column("evaluation"), ranks)
    rows = rows.with_columns(evaluation_id)
    chunks = (
        pl.DataFrame(
            [
                pl.Series("id", ids[start : start + COPY_CHUNK_ROWS]),
                *rows[positions[start : start + COPY_CHUNK_ROWS]].get_columns(),
            ]
        )
        for start in range(0, rows.height, COPY_CHUNK_ROWS)
    )
    columns = ["id", *rows.columns]
    if _is_postgresql() and _alone(list(evaluation_ids.values())):
        # Tables holding no other evaluation's rows: building their indexes once after the
        # COPY costs about half of maintaining them row by row (docs/database.md). Same
        # transaction, same constraints.
        with indexes_rebuilt(Ballot):
            bulk_insert(Ballot, ballots)
        with indexes_rebuilt(Mark):
            bulk_insert_chunks(Mark, columns, chunks)
    else:
        bulk_insert(Ballot, ballots)
        bulk_insert_chunks(Mark, columns, chunks)
    return ballots.height, rows.height


def load_marks(
    *,
    evaluations: Mapping[int, str],
    groups: Mapping[int, str],
) -> pl.DataFrame:
    """The marks of these evaluations (id → code, in declared order) as ``Document.marks``.

    ``groups`` maps every group id of these evaluations to its code. Marks and ballots are
    read separately (no join in SQL, no repeated ballot text per mark) and put together in
    polars on integer keys.
    """
    if not evaluations:
        return empty_marks()
    ids = list(evaluations)
    # When these are the only evaluations, their rows are the whole tables: copied as tables.
    whole = _alone(ids)
    ballots = read_frame(
        Ballot,
        ["id", "evaluation", "group", "serial"],
        where=("evaluation", ids),
        whole_table=whole,
    ).rename(
        {"id": "ballot_id", "evaluation": "evaluation_id", "group": "group_id", "serial": "ballot"}
    )
    evaluation_codes = pl.DataFrame(
        {"evaluation_id": ids, "evaluation": list(evaluations.values()), "_rank": range(len(ids))},
        schema={"evaluation_id": pl.Int64, "evaluation": pl.Utf8, "_rank": pl.Int64},
    )
    # Ballots in output order (a small sort), each with its rank in that order.
    ballots = (
        ballots.join(evaluation_codes, on="evaluation_id", how="left")
        .with_columns(
            pl.col("group_id").replace_strict(dict(groups), return_dtype=pl.Utf8).alias("group")
        )
        .sort("_rank", "ballot")
        .with_row_index("_position")
        .select("ballot_id", pl.col("_position").cast(pl.Int64), "evaluation", "group", "ballot")
    )
    marks = read_frame(
        Mark,
        ["ballot", "order", "assessee", "option"],
        where=("evaluation", ids),
        whole_table=whole,
    ).rename({"ballot": "ballot_id"})
    # The output order is sorted on one integer key per mark; the text columns are gathered
    # once, in that order (sorting the whole frame would move them twice).
    position = marks.get_column("ballot_id").replace_strict(
        ballots.get_column("ballot_id"),
        ballots.get_column("_position"),
        default=None,
        return_dtype=pl.Int64,
    )
    order = (position * (1 << _ORDER_BITS) + marks.get_column("order")).arg_sort()
    return pl.DataFrame(
        [
            *ballots.select("evaluation", "group", "ballot")[position.gather(order)].get_columns(),
            marks.get_column("assessee").gather(order),
            marks.get_column("option").gather(order),
        ]
    ).select(MARK_COLUMNS)
