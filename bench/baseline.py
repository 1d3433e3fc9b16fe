"""The bare baselines kaohe is measured against, each run by bench/run.py in its own process.

- `group-by BALLOTS_CSV`: what the ballot aggregation costs at the very least — polars reads
  ballots.csv and counts marks per (evaluation, group, assessee, option).
- `copy BALLOTS_CSV`: a raw PostgreSQL `COPY` of the same file into a plain table
  (`bench_raw_marks`, no keys, no indexes) — the floor for `kaohe load`.
- `group-sql`: `SELECT evaluation, grp, assessee, option, count(*) … GROUP BY …` over that
  table, every row fetched by the client — the floor for `kaohe compute`.

The database comes from `DATABASE_URL` (bench/run.py sets it to the benchmark database).
Each command prints one line: how many rows it produced.

    .venv/bin/python bench/baseline.py group-by bench/out/scale-1/ballots.csv
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

import polars as pl
import psycopg

RAW_TABLE = "bench_raw_marks"
COPY_BLOCK = 1 << 20


def group_by(ballots_csv: Path) -> int:
    """Distinct (evaluation, group, assessee, option) counts; returns how many there are."""
    marks = pl.read_csv(ballots_csv, infer_schema=False)  # every column Utf8, like kaohe
    counts = marks.group_by("evaluation", "group", "assessee", "option").len()
    return counts.height


def copy(ballots_csv: Path, dsn: str, *, table: str = RAW_TABLE) -> int:
    """(Re)create the plain table and COPY the CSV into it; returns the rows copied."""
    with psycopg.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute(f"DROP TABLE IF EXISTS {table}")
        # `group` is a reserved word in SQL, hence `grp`
        cur.execute(
            f"CREATE TABLE {table} (evaluation text, grp text, ballot text,"
            " assessee text, option text)"
        )
        with (
            cur.copy(f"COPY {table} FROM STDIN WITH (FORMAT csv, HEADER true)") as sink,
            ballots_csv.open("rb") as source,
        ):
            while block := source.read(COPY_BLOCK):
                sink.write(block)
        cur.execute(f"SELECT count(*) FROM {table}")
        row = cur.fetchone()
    assert row is not None
    return int(row[0])


def group_sql(dsn: str, *, table: str = RAW_TABLE) -> int:
    """The SQL aggregation with every result row fetched; returns how many rows."""
    with psycopg.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute(
            f"SELECT evaluation, grp, assessee, option, count(*) FROM {table}"
            " GROUP BY evaluation, grp, assessee, option"
        )
        return len(cur.fetchall())


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="基准测试的对照基线")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("group-by").add_argument("ballots", type=Path)
    sub.add_parser("copy").add_argument("ballots", type=Path)
    sub.add_parser("group-sql")
    args = parser.parse_args(argv)
    if args.command == "group-by":
        rows = group_by(args.ballots)
    else:
        dsn = os.environ.get("DATABASE_URL")
        if not dsn:
            parser.error("需要 DATABASE_URL")
        rows = copy(args.ballots, dsn) if args.command == "copy" else group_sql(dsn)
    print(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
