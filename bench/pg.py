"""The benchmark's PostgreSQL database, created on demand (idempotently) through the superuser.

The local server trusts loopback connections, so `postgres@127.0.0.1` may create the `kaohe`
role and the `kaohe_bench` database it owns; running this twice changes nothing.
"""

from __future__ import annotations

import contextlib

import psycopg
from psycopg import errors, sql

ADMIN_DSN = "postgresql://postgres@127.0.0.1:5432/postgres"
ROLE = "kaohe"
DATABASE = "kaohe_bench"


def ensure_database(
    *, admin_dsn: str = ADMIN_DSN, role: str = ROLE, database: str = DATABASE
) -> str:
    """Create the role and the database if missing; return the DATABASE_URL to use."""
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role]).fetchone()
        if exists is None:
            # another engineer's setup may win the race between the check and the create
            with contextlib.suppress(errors.DuplicateObject):
                conn.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(role)))
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database]).fetchone()
        if exists is None:
            with contextlib.suppress(errors.DuplicateDatabase):
                conn.execute(
                    sql.SQL("CREATE DATABASE {} OWNER {}").format(
                        sql.Identifier(database), sql.Identifier(role)
                    )
                )
    return f"postgresql://{role}@127.0.0.1:5432/{database}"


def drop_database(*, admin_dsn: str = ADMIN_DSN, database: str = DATABASE) -> None:
    """Drop the benchmark database (closing its sessions): for a schema kaohe can no longer
    migrate, e.g. after a new app changed the migration history during development."""
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(database))
        )


def checkpoint(*, admin_dsn: str = ADMIN_DSN) -> None:
    """Write out what earlier runs left in the write-ahead log (``CHECKPOINT``), so that the
    next timed command does not pay for a checkpoint another one set off: a load writes
    hundreds of megabytes of log, and the server checkpoints every gigabyte."""
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute("CHECKPOINT")


def server_version(dsn: str) -> str:
    with psycopg.connect(dsn) as conn:
        row = conn.execute("SHOW server_version").fetchone()
    return str(row[0]) if row else "?"
