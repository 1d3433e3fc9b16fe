"""Create the PostgreSQL role ``kaohe`` (LOGIN CREATEDB) and database ``kaohe``, idempotently.

Connects as ``postgres`` on 127.0.0.1:5432 (trust authentication on the development and CI
machines; override with ``PG_ADMIN_URL``). Exit status: 0 ready, 3 PostgreSQL unreachable
(``make test`` skips the PostgreSQL run then, unless ``CI=true``), 1 anything else.
"""

from __future__ import annotations

import os
import sys

import psycopg
from psycopg import sql

ADMIN_URL = os.environ.get("PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
ROLE = "kaohe"
DATABASE = "kaohe"
UNREACHABLE = 3


def main() -> int:
    try:
        connection = psycopg.connect(ADMIN_URL, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as error:
        print(f"PostgreSQL unreachable at {ADMIN_URL}: {error}".strip(), file=sys.stderr)
        return UNREACHABLE
    with connection:
        role_exists = connection.execute(
            "SELECT 1 FROM pg_roles WHERE rolname = %s", (ROLE,)
        ).fetchone()
        if role_exists:
            connection.execute(sql.SQL("ALTER ROLE {} LOGIN CREATEDB").format(sql.Identifier(ROLE)))
        else:
            connection.execute(
                sql.SQL("CREATE ROLE {} LOGIN CREATEDB").format(sql.Identifier(ROLE))
            )
        database_exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (DATABASE,)
        ).fetchone()
        if not database_exists:
            connection.execute(
                sql.SQL("CREATE DATABASE {} OWNER {}").format(
                    sql.Identifier(DATABASE), sql.Identifier(ROLE)
                )
            )
    print(f"PostgreSQL ready: role {ROLE}, database {DATABASE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
