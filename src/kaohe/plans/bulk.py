"""Bulk inserts without one ORM object per row: the write path of ``plan_load`` and
``results_store``.

PostgreSQL: ``COPY ... FROM STDIN (FORMAT csv)`` written by polars in large chunks. Django's
``bulk_create`` on PostgreSQL sends ``UNNEST`` arrays, and psycopg quotes every string of a
text array through a Python regex callback: 45 s for 800,000 values, 27 s for 20,000 results
with their JSON. Other databases (SQLite): ``executemany`` in batches of plain tuples.

Rows are given as a polars frame whose columns are model field names (``plan`` for a foreign
key), holding database-ready values: JSON columns as JSON text (``json_text``).
"""

from __future__ import annotations

import contextlib
import io
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

import orjson
import polars as pl
import psycopg
from django.db import OperationalError, connection, models, transaction
from psycopg import pq
from psycopg.copy import QueuedLibpqWriter

COPY_CHUNK_ROWS = 200_000
# A chunk holds at most about this much data: the server waits for the whole first chunk to be
# written as CSV before it parses anything (250,000 ballots with their marks are 130 MB: in
# 200,000-row chunks the server sat idle for the first 100 MB).
COPY_CHUNK_BYTES = 8 << 20
INSERT_BATCH_ROWS = 20_000
FETCH_BATCH_ROWS = 100_000

_TYPES: dict[str, type[pl.DataType]] = {
    "AutoField": pl.Int64,
    "BigAutoField": pl.Int64,
    "BigIntegerField": pl.Int64,
    "IntegerField": pl.Int64,
    "PositiveIntegerField": pl.Int64,
    "SmallIntegerField": pl.Int64,
    "PositiveSmallIntegerField": pl.Int64,
    "FloatField": pl.Float64,
    "BooleanField": pl.Boolean,
    "CharField": pl.Utf8,
    "TextField": pl.Utf8,
}


def json_text(value: Any) -> str:
    """JSON text as ``OrderedJSONField`` stores it; fails (inside the caller's transaction) on
    anything JSON cannot hold, NaN and infinities included."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def json_texts(values: Iterable[Any]) -> list[str]:
    """``json_text`` of many values, written by orjson (10× faster; results store 20,000
    explanations of 40 indicator lines each).

    ``OrderedJSONField`` reads both with ``json.loads`` into equal values: the same key order,
    compact separators, UTF-8 text, floats in a shortest round-trip form. orjson differs in
    two ways, both made to fail as ``json_text`` does: it writes NaN and infinities as
    ``null`` (so the floats are checked first, only where orjson found a ``null``), and it
    refuses non-string keys (``json.dumps`` would turn them into strings).
    """
    texts: list[str] = []
    for value in values:
        try:
            text = orjson.dumps(value)
        except TypeError as error:  # non-string keys, integers beyond 64 bits, other types
            raise ValueError(f"not storable as JSON: {error}") from error
        if b"null" in text:
            json_text(value)  # raises on NaN / infinity, which orjson wrote as null
        texts.append(text.decode())
    return texts


def fast_toast_compression() -> None:
    """For the rest of the transaction, compress large new text values (results' JSON, 7 KB
    of explanation per assessee) with lz4 where the server supports it: PostgreSQL's default,
    pglz, costs about a second of server time for 20,000 explanations, lz4 a fraction.

    Reading is unchanged: each value records how it was compressed.
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'"
        )
        row = cursor.fetchone()
        if row is not None and row[0]:
            cursor.execute("SET LOCAL default_toast_compression = 'lz4'")


def _dtype(field: models.Field[Any, Any]) -> type[pl.DataType]:
    target = field.target_field if isinstance(field, models.ForeignKey) else field
    internal = target.get_internal_type()
    try:
        return _TYPES[internal]
    except KeyError:
        raise TypeError(f"no bulk type for {field.name} ({internal})") from None


def model_frame(model: type[models.Model], columns: Mapping[str, Sequence[Any]]) -> pl.DataFrame:
    """A frame of ``model`` rows from Python columns (field name → values), typed per field."""
    meta = model._meta
    return pl.DataFrame(
        {name: values for name, values in columns.items()},
        schema={name: _dtype(meta.get_field(name)) for name in columns},  # type: ignore[arg-type]
        strict=False,
    )


def bulk_insert(model: type[models.Model], frame: pl.DataFrame) -> int:
    """Insert ``frame`` (columns named by ``model`` fields) into ``model``'s table; the rows.

    PostgreSQL: one ``COPY``, whose data is sent by a worker thread (psycopg's
    ``QueuedLibpqWriter``): the next chunk is made and written while the server parses and
    stores this one, instead of each side waiting for the other. The queue holds at most
    1,024 blocks of 128 KB. Other databases: ``executemany`` in batches.
    """
    if frame.height == 0:
        return 0
    meta = model._meta
    quote = connection.ops.quote_name
    names = ", ".join(quote(meta.get_field(name).column) for name in frame.columns)
    table = quote(meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # psycopg's own cursor: Django's debug wrapper (DEBUG) takes no ``writer``.
            _copy_in(cursor.cursor, f"COPY {table} ({names}) FROM STDIN", frame)
        else:
            placeholders = ", ".join(["%s"] * len(frame.columns))
            sql = f"INSERT INTO {table} ({names}) VALUES ({placeholders})"
            for batch in frame.iter_slices(INSERT_BATCH_ROWS):
                cursor.executemany(sql, batch.rows())
    return frame.height


# What PostgreSQL's text COPY format reads as an escape or a separator.
_TEXT_UNSAFE = r"[\\\t\n\r]"


def copy_format(frame: pl.DataFrame) -> str:
    """``text`` when no string of ``frame`` holds a backslash, tab or line break, else ``csv``.

    >>> copy_format(pl.DataFrame({"a": ['引号"，逗号,', None, ""], "n": [1.5, None, 2.0]}))
    'text'
    >>> copy_format(pl.DataFrame({"a": ["x", "tab\\there"]}))
    'csv'
    """
    strings = [name for name, dtype in frame.schema.items() if dtype == pl.Utf8]
    unsafe = pl.any_horizontal(pl.col(name).str.contains(_TEXT_UNSAFE).any() for name in strings)
    return "text" if not strings or not frame.select(unsafe).item() else "csv"


def _copy_in(raw: Any, statement: str, frame: pl.DataFrame) -> None:
    """``statement`` (``COPY ... FROM STDIN``) fed with ``frame`` in chunks of about
    ``COPY_CHUNK_BYTES``.

    In PostgreSQL's text format when no string holds a backslash, tab or line break (nearly
    always): nothing to quote, so the server parses less (250,000 ballots with their JSON
    marks: 0.47 s instead of 0.70 s). Otherwise CSV: strings quoted, nulls bare, which is how
    PostgreSQL's CSV tells '' from NULL. Floats are written in their shortest round-trip form.
    """
    text = copy_format(frame) == "text"
    row_bytes = max(1, frame.estimated_size() // frame.height)
    rows = max(1_000, min(COPY_CHUNK_ROWS, COPY_CHUNK_BYTES // row_bytes))
    with raw.copy(
        f"{statement} (FORMAT {'text' if text else 'csv'})", writer=QueuedLibpqWriter(raw)
    ) as copy:
        for chunk in frame.iter_slices(rows):
            buffer = io.BytesIO()
            if text:
                chunk.write_csv(
                    buffer,
                    include_header=False,
                    separator="\t",
                    quote_style="never",
                    null_value="\\N",
                )
            else:
                chunk.write_csv(buffer, include_header=False, quote_style="non_numeric")
            copy.write(buffer.getbuffer())


def truncate_alone(models_: Sequence[type[models.Model]], *, alone: Callable[[], bool]) -> bool:
    """Empty the tables of ``models_`` with ``TRUNCATE`` when ``alone()`` says every row in them
    is to be deleted; True if done. PostgreSQL only (transactional there); otherwise the caller
    deletes its rows.

    ``alone()`` is asked again once the tables are locked: a plan committed by another load
    between the first look and the lock is seen then (TRUNCATE would remove its rows, where a
    DELETE only removes the rows it sees). A ``DELETE`` of millions of rows takes seconds and
    leaves them to vacuum; the emptied table also lets its indexes be built once after the
    load (``indexes_rebuilt``).
    """
    if connection.vendor != "postgresql" or not alone():
        return False
    quote = connection.ops.quote_name
    tables = ", ".join(quote(model._meta.db_table) for model in models_)
    try:
        # A savepoint: TRUNCATE refuses while this transaction holds deferred constraint checks
        # on a table (rows written earlier in it); the caller then deletes.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {tables} IN ACCESS EXCLUSIVE MODE")
            if not alone():
                return False
            cursor.execute(f"TRUNCATE {tables}")
    except OperationalError:
        return False
    return True


@contextlib.contextmanager
def indexes_rebuilt(model: type[models.Model]) -> Iterator[None]:
    """Drop the indexes of ``model``'s table (primary key and unique constraints included) and
    build them again, exactly as they were, on leaving (on failure the transaction rolls the
    drop back). PostgreSQL, for a bulk load into a table that holds few rows: building an
    index once after the COPY costs about half of maintaining it row by row.
    """
    table = model._meta.db_table
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conrelid = %s::regclass AND contype IN ('p', 'u') ORDER BY conname",
            [table],
        )
        constraints = cursor.fetchall()
        cursor.execute(
            "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i"
            " JOIN pg_class c ON c.oid = i.indexrelid"
            " WHERE i.indrelid = %s::regclass"
            " AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)"
            " ORDER BY c.relname",
            [table],
        )
        indexes = cursor.fetchall()
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX {quote(name)}")
        for name, _ in constraints:
            cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
    yield
    with connection.cursor() as cursor:
        # The index build sorts every row: in memory with this much (the default 64 MB spills
        # 5 million keys to disk). Server memory, for this transaction only.
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        for name, definition in constraints:
            cursor.execute(f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}")
        for _, definition in indexes:
            cursor.execute(definition)


def copy_out(cursor: Any, statement: str) -> io.BytesIO:
    """The output of ``COPY ... TO STDOUT`` (PostgreSQL), collected into one buffer.

    PostgreSQL sends one message per row. libpq is asked for them directly, blocking, instead
    of through psycopg's ``Copy`` iterator, whose Python generator and wait loop per message
    cost as much again as the server's own work for 5 million marks (4.4 s → 2.4 s). The
    ``Copy`` context starts the statement; its final result (success, or the server's error)
    is collected here, as psycopg's iterator would, and raised as psycopg's error.
    """
    buffer = io.BytesIO()
    write = buffer.write
    with cursor.copy(statement):
        pgconn = cursor.connection.pgconn
        get_copy_data = pgconn.get_copy_data
        while True:
            size, data = get_copy_data(0)  # 0: wait for the next row; -1 at the end
            if size <= 0:  # (-2, a broken connection, raises OperationalError)
                break
            write(data)
        failure = None
        while (result := pgconn.get_result()) is not None:
            if result.status != pq.ExecStatus.COMMAND_OK and failure is None:
                failure = psycopg.errors.error_from_result(
                    result, encoding=cursor.connection.info.encoding
                )
        if failure is not None:
            raise failure
    return buffer


def read_frame(
    model: type[models.Model],
    fields: Sequence[str],
    *,
    where: tuple[str, Sequence[int]],
    order_by: str | None = None,
    whole_table: bool = False,
) -> pl.DataFrame:
    """``fields`` of the rows of ``model`` whose ``where[0]`` is one of the ids ``where[1]``, as
    a frame typed per field (columns named by field). PostgreSQL: ``COPY (SELECT ...) TO
    STDOUT`` parsed once by polars; elsewhere ``fetchmany`` batches.

    ``whole_table`` (PostgreSQL, no ``order_by``): the caller expects (nearly) every row of the
    table to match, so the table itself is copied (``COPY table (columns) TO STDOUT`` skips the
    executor: 1.8 s instead of 3.4 s for 5 million marks) and the rows are filtered here.
    """
    if whole_table and order_by is None and connection.vendor == "postgresql":
        return _read_table(model, fields, where)
    meta = model._meta
    quote = connection.ops.quote_name
    postgresql = connection.vendor == "postgresql"
    # PostgreSQL: sorted here, not by the server, which spills 800,000 values to disk
    # (work_mem) and takes longer for the sort than for the scan; polars sorts in memory.
    selected = [*fields]
    if postgresql and order_by is not None and order_by not in fields:
        selected.append(order_by)
    schema = {name: _dtype(meta.get_field(name)) for name in selected}
    names = ", ".join(quote(meta.get_field(name).column) for name in selected)
    field, ids = where
    # COPY takes no bind parameters; the ids are integers from our own tables, inlined.
    inlined = ", ".join(str(int(value)) for value in ids) or "NULL"
    sql = (
        f"SELECT {names} FROM {quote(meta.db_table)}"
        f" WHERE {quote(meta.get_field(field).column)} IN ({inlined})"
    )
    with connection.cursor() as cursor:
        if postgresql:
            buffer = copy_out(cursor, f"COPY ({sql}) TO STDOUT (FORMAT csv)")
            if buffer.tell() == 0:
                return pl.DataFrame(schema=schema).select(fields)  # type: ignore[arg-type]
            buffer.seek(0)
            # One chunk per column: the parallel parser leaves ~90 for 5 million marks, and
            # gathering strings across them (load_marks' reordering) took 6× as long.
            frame = pl.read_csv(buffer, has_header=False, schema=schema).rechunk()  # type: ignore[arg-type]
            if order_by is not None:
                frame = frame.sort(order_by, maintain_order=True)
            return frame.select(fields)
        if order_by is not None:
            sql += f" ORDER BY {quote(meta.get_field(order_by).column)}"
        cursor.execute(sql)
        frames = [pl.DataFrame(schema=schema)]  # type: ignore[arg-type]
        while rows := cursor.fetchmany(FETCH_BATCH_ROWS):
            frames.append(pl.DataFrame(rows, schema=schema, orient="row"))  # type: ignore[arg-type]
        return pl.concat(frames, how="vertical")


def _read_table(
    model: type[models.Model], fields: Sequence[str], where: tuple[str, Sequence[int]]
) -> pl.DataFrame:
    """`read_frame` by copying the whole table, filtered on ``where`` in polars (the same rows,
    in the table's physical order)."""
    meta = model._meta
    quote = connection.ops.quote_name
    field, ids = where
    copied = [*fields] if field in fields else [*fields, field]
    schema = {name: _dtype(meta.get_field(name)) for name in copied}
    names = ", ".join(quote(meta.get_field(name).column) for name in copied)
    with connection.cursor() as cursor:
        statement = f"COPY {quote(meta.db_table)} ({names}) TO STDOUT (FORMAT csv)"
        buffer = copy_out(cursor, statement)
    if buffer.tell() == 0:
        return pl.DataFrame(schema=schema).select(fields)  # type: ignore[arg-type]
    buffer.seek(0)
    frame = pl.read_csv(buffer, has_header=False, schema=schema).rechunk()  # type: ignore[arg-type]
    wanted = pl.col(field).is_in([int(value) for value in ids])
    if not frame.select(wanted.all()).item():
        frame = frame.filter(wanted)
    return frame.select(fields)
