"""Bulk storage and retrieval of ballot marks, the one table that reaches millions of rows.

PostgreSQL: ``COPY ... FROM STDIN`` / ``COPY ... TO STDOUT`` in CSV, written and parsed by polars
(psycopg 3 ``cursor.copy``), so no Python object is made per mark. Other databases (SQLite):
``executemany`` in large batches of plain tuples. The SQL is the same standard SQL on both.

Marks come back ordered by evaluation (declared order), ballot serial, then their order on the
ballot, so the rebuilt ``Document.marks`` is deterministic whatever the physical row order.
"""

from __future__ import annotations

import io
import secrets
from collections.abc import Iterator, Mapping

import numpy as np
import polars as pl
from django.db import connection

from kaohe.engine.model import MARK_COLUMNS, MARK_SCHEMA
from kaohe.evaluation.models import Ballot, Mark

COPY_CHUNK_ROWS = 500_000
INSERT_BATCH_ROWS = 20_000
FETCH_BATCH_ROWS = 100_000


def random_ids(count: int) -> np.ndarray:
    """``count`` random positive 63-bit integers: primary keys that reveal no order.

    Collisions are possible in principle (about n²/2⁶⁴: one in a million for 5 million keys);
    ``store_marks`` checks and draws again rather than paying for uniqueness here.
    """
    rng = np.random.default_rng(secrets.randbits(128))
    return rng.integers(1, 2**63 - 1, size=count, dtype=np.int64)


def _unique_ids(frame: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    """Give ``frame`` a random ``id`` column, unique within ``keys`` + id."""
    while True:
        candidate = frame.with_columns(pl.Series("id", random_ids(frame.height)))
        if candidate.select([*keys, "id"]).n_unique() == frame.height:
            return candidate


def _table(model: type[Ballot] | type[Mark]) -> tuple[str, list[str]]:
    names = [field.column for field in model._meta.concrete_fields]
    return model._meta.db_table, names


def _is_postgresql() -> bool:
    return connection.vendor == "postgresql"


def store_marks(
    marks: pl.DataFrame,
    *,
    evaluation_ids: Mapping[str, int],
    group_ids: Mapping[tuple[str, str], int],
) -> tuple[int, int]:
    """Insert the ballots and marks of ``marks`` (the engine's long format); returns the counts.

    Ballot and mark keys are random, and rows are written in key order: a random permutation,
    which also keeps B-tree inserts local.
    """
    if marks.height == 0:
        return 0, 0
    evaluations = pl.DataFrame(
        {"evaluation": list(evaluation_ids), "evaluation_id": list(evaluation_ids.values())},
        schema={"evaluation": pl.Utf8, "evaluation_id": pl.Int64},
    )
    groups = pl.DataFrame(
        {
            "evaluation": [key[0] for key in group_ids],
            "group": [key[1] for key in group_ids],
            "group_id": list(group_ids.values()),
        },
        schema={"evaluation": pl.Utf8, "group": pl.Utf8, "group_id": pl.Int64},
    )
    frame = marks.select(MARK_COLUMNS).with_columns(
        pl.int_range(pl.len(), dtype=pl.Int32).over("evaluation", "ballot").alias("order")
    )
    ballots = frame.group_by("evaluation", "ballot", maintain_order=True).agg(pl.first("group"))
    ballots = (
        _unique_ids(ballots, [])
        .join(evaluations, on="evaluation", how="left")
        .join(groups, on=["evaluation", "group"], how="left")
    )
    rows = frame.join(
        ballots.select("evaluation", "ballot", "id", "evaluation_id"),
        on=["evaluation", "ballot"],
        how="left",
    ).rename({"id": "ballot_id"})
    rows = _unique_ids(rows, ["evaluation_id"])

    ballot_table, ballot_columns = _table(Ballot)
    mark_table, mark_columns = _table(Mark)
    ballot_rows = ballots.select(
        pl.col("id"),
        pl.col("evaluation_id"),
        pl.col("group_id"),
        pl.col("ballot").alias("serial"),
    ).sort("id")
    # Key order of the composite primary key (evaluation, id): the index is appended to.
    mark_rows = rows.select("id", "ballot_id", "evaluation_id", "order", "assessee", "option").sort(
        "evaluation_id", "id"
    )
    # Column names as the models define them, in the frames' order.
    ballot_rows.columns = _columns(Ballot, ["id", "evaluation", "group", "serial"])
    mark_rows.columns = _columns(
        Mark, ["id", "ballot", "evaluation", "order", "assessee", "option"]
    )
    assert set(ballot_rows.columns) == set(ballot_columns)
    assert set(mark_rows.columns) == set(mark_columns)
    _insert(ballot_table, ballot_rows)
    _insert(mark_table, mark_rows)
    return ballot_rows.height, mark_rows.height


def _columns(model: type[Ballot] | type[Mark], fields: list[str]) -> list[str]:
    return [model._meta.get_field(name).column for name in fields]


def _insert(table: str, frame: pl.DataFrame) -> None:
    quote = connection.ops.quote_name
    columns = ", ".join(quote(name) for name in frame.columns)
    with connection.cursor() as cursor:
        if _is_postgresql():
            sql = f"COPY {quote(table)} ({columns}) FROM STDIN (FORMAT csv)"
            with cursor.copy(sql) as copy:
                for chunk in frame.iter_slices(COPY_CHUNK_ROWS):
                    buffer = io.BytesIO()
                    # Strings quoted, nulls bare: PostgreSQL's CSV tells '' from NULL that way.
                    chunk.write_csv(buffer, include_header=False, quote_style="non_numeric")
                    copy.write(buffer.getvalue())
        else:
            placeholders = ", ".join(["%s"] * frame.width)
            sql = f"INSERT INTO {quote(table)} ({columns}) VALUES ({placeholders})"
            for chunk in frame.iter_slices(INSERT_BATCH_ROWS):
                cursor.executemany(sql, chunk.rows())


def _select_sql(model: type[Ballot] | type[Mark], columns: list[str], count: int) -> str:
    quote = connection.ops.quote_name
    meta = model._meta
    names = ", ".join(quote(meta.get_field(name).column) for name in columns)
    placeholders = ", ".join(["%s"] * count)
    evaluation = quote(meta.get_field("evaluation").column)
    return f"SELECT {names} FROM {quote(meta.db_table)} WHERE {evaluation} IN ({placeholders})"


_MARK_READ = {
    "evaluation_id": pl.Int64,
    "ballot_id": pl.Int64,
    "order": pl.Int64,
    "assessee": pl.Utf8,
    "option": pl.Utf8,
}
_BALLOT_READ = {"ballot_id": pl.Int64, "group_id": pl.Int64, "ballot": pl.Utf8}


def load_marks(
    *,
    evaluations: Mapping[int, str],
    groups: Mapping[int, str],
) -> pl.DataFrame:
    """The marks of these evaluations (id → code, in declared order) as ``Document.marks``.

    ``groups`` maps every group id of these evaluations to its code. Marks and ballots are
    read separately (no join, no repeated ballot text per mark) and put together in polars.
    """
    if not evaluations:
        return pl.DataFrame(schema=MARK_SCHEMA)
    ids = list(evaluations)
    marks = _read(
        _select_sql(Mark, ["evaluation", "ballot", "order", "assessee", "option"], len(ids)),
        ids,
        _MARK_READ,
    )
    ballots = _read(_select_sql(Ballot, ["id", "group", "serial"], len(ids)), ids, _BALLOT_READ)
    rank = pl.DataFrame(
        {
            "evaluation_id": ids,
            "evaluation": list(evaluations.values()),
            "_evaluation_order": list(range(len(ids))),
        },
        schema={"evaluation_id": pl.Int64, "evaluation": pl.Utf8, "_evaluation_order": pl.Int64},
    )
    group_codes = pl.DataFrame(
        {"group_id": list(groups), "group": list(groups.values())},
        schema={"group_id": pl.Int64, "group": pl.Utf8},
    )
    # Ballots by serial (a small sort), then marks by integer keys only.
    ballots = (
        ballots.join(group_codes, on="group_id", how="left")
        .sort("ballot")
        .with_row_index("_ballot_order")
    )
    return (
        marks.join(ballots, on="ballot_id", how="left")
        .join(rank, on="evaluation_id", how="left")
        .sort("_evaluation_order", "_ballot_order", "order")
        .select(MARK_COLUMNS)
    )


def _read(sql: str, ids: list[int], schema: dict[str, pl.DataType]) -> pl.DataFrame:
    with connection.cursor() as cursor:
        if _is_postgresql():
            return _copy_out(cursor, sql, ids, schema)
        cursor.execute(sql, ids)
        return pl.concat(
            [pl.DataFrame(rows, schema=schema, orient="row") for rows in _fetch_batches(cursor)],
            how="vertical",
        )


def _fetch_batches(cursor: object) -> Iterator[list[tuple[object, ...]]]:
    yield []  # an empty first frame gives pl.concat the schema even when there are no rows
    while True:
        rows = cursor.fetchmany(FETCH_BATCH_ROWS)  # type: ignore[attr-defined]
        if not rows:
            return
        yield rows


def _copy_out(
    cursor: object, sql: str, ids: list[int], schema: dict[str, pl.DataType]
) -> pl.DataFrame:
    # COPY takes no bind parameters; the ids are integers from our own tables, inlined safely.
    query = sql % tuple(int(value) for value in ids)
    buffer = io.BytesIO()
    with cursor.copy(f"COPY ({query}) TO STDOUT (FORMAT csv)") as copy:  # type: ignore[attr-defined]
        for data in copy:
            buffer.write(data)
    if buffer.tell() == 0:
        return pl.DataFrame(schema=schema)
    buffer.seek(0)
    return pl.read_csv(buffer, has_header=False, schema=schema)
