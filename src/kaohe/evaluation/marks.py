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

import contextlib
import secrets
from collections.abc import Iterator, Mapping, Sequence

import numpy as np
import polars as pl
from django.db import OperationalError, connection, transaction

from kaohe.engine.model import MARK_COLUMNS, empty_marks
from kaohe.evaluation.models import Ballot, Evaluation, Mark
from kaohe.plans.bulk import bulk_insert, read_frame

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
    if _is_postgresql() and _alone(evaluation_ids):
        quote = connection.ops.quote_name
        try:
            # A savepoint: TRUNCATE refuses while this transaction still holds deferred
            # constraint checks on the tables (ballots written earlier in it); DELETE then.
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(
                    f"TRUNCATE {quote(Mark._meta.db_table)}, {quote(Ballot._meta.db_table)}"
                )
            return
        except OperationalError:
            pass
    Mark.objects.filter(evaluation_id__in=evaluation_ids)._raw_delete(Mark.objects.db)
    Ballot.objects.filter(evaluation_id__in=evaluation_ids)._raw_delete(Ballot.objects.db)


def store_marks(
    marks: pl.DataFrame,
    *,
    evaluation_ids: Mapping[str, int],
    group_ids: Mapping[tuple[str, str], int],
) -> tuple[int, int]:
    """Insert the ballots and marks of ``marks`` (the engine's long format); returns the counts.

    Ballot and mark keys are random, and rows are written in key order: a random permutation
    of the input (the stored order reveals nothing of the voting order), which also keeps
    B-tree inserts local.
    """
    if marks.height == 0:
        return 0, 0
    evaluation_id = pl.col("evaluation").replace_strict(dict(evaluation_ids), return_dtype=pl.Int64)
    # One dense integer per (evaluation, ballot), in order of first appearance.
    frame = marks.select(
        evaluation_id.alias("evaluation"),
        pl.struct("evaluation", "ballot").rank("dense").cast(pl.Int64).sub(1).alias("_ballot"),
        "group",
        "ballot",
        "assessee",
        "option",
    )
    ballots = frame.group_by("_ballot").agg(
        pl.first("evaluation"), pl.first("group"), pl.first("ballot").alias("serial")
    )
    groups = pl.DataFrame(
        {
            "evaluation": [evaluation_ids[evaluation] for evaluation, _ in group_ids],
            "group": [group for _, group in group_ids],
            "group_id": list(group_ids.values()),
        },
        schema={"evaluation": pl.Int64, "group": pl.Utf8, "group_id": pl.Int64},
    )
    ballots = (
        ballots.sort("_ballot")
        .with_columns(_unique_random_ids(ballots.height))
        .join(groups, on=["evaluation", "group"], how="left")
        .select("id", "evaluation", pl.col("group_id").alias("group"), "serial")
    )
    ballot_ids = ballots.get_column("id")
    rows = (
        frame.select(
            _unique_random_ids(frame.height),
            pl.col("_ballot")
            .map_batches(lambda index: ballot_ids.gather(index), return_dtype=pl.Int64)
            .alias("ballot"),
            "evaluation",
            pl.int_range(pl.len(), dtype=pl.Int32).over("_ballot").alias("order"),
            "assessee",
            "option",
        )
        # Key order of the composite primary key (evaluation, id): the index is appended to.
        .sort(*(["evaluation"] if len(evaluation_ids) > 1 else []), "id")
    )
    del frame
    ballots = ballots.sort("id")
    alone = _alone(list(evaluation_ids.values()))
    bulk_insert(Ballot, ballots)
    if alone and _is_postgresql():
        # An empty table: building the one index once after the COPY costs half of
        # maintaining it row by row (docs/database.md). Same transaction, same constraint.
        with _primary_key_dropped(Mark._meta.db_table):
            bulk_insert(Mark, rows)
    else:
        bulk_insert(Mark, rows)
    return ballots.height, rows.height


@contextlib.contextmanager
def _primary_key_dropped(table: str) -> Iterator[None]:
    """Drop the table's primary key constraint and add it back, exactly as it was, on leaving
    (on failure the transaction rolls the drop back)."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conrelid = %s::regclass AND contype = 'p'",
            [table],
        )
        name, definition = cursor.fetchone()
        cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
    yield
    with connection.cursor() as cursor:
        # The index build sorts every row: in memory with this much (the default 64 MB spills
        # 5 million keys to disk). Server memory, for this transaction only.
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        cursor.execute(f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}")


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
