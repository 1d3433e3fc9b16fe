"""Closing erases the traces of the cast order that the database itself keeps (docs/voting.md).

Casting marks the code used and fills a slot in ONE transaction (one code, one ballot), so on
PostgreSQL both new row versions carry the same transaction id: joining the used codes to the
cast slots on ``xmin`` would link every slip number to its ballot. The used codes' new versions
also land at the table's end in cast order (their ``state`` is indexed: no HOT update), and a
slot's out-of-line (TOAST) content would carry ids allocated in cast order.

So the closing transaction rewrites the evaluation's ``VotingCode`` and ``SealedBallot`` rows:
it deletes them and inserts the same values again in key (random) order. Every row then has
the closing transaction's ``xmin``, a physical place in random order and fresh TOAST values.
After the commit the two tables are vacuumed (PostgreSQL), which prunes the dead old versions
that still carry the cast transactions' ids — unless an older snapshot of this database is
still open (VACUUM may not remove what it could still see; autovacuum will later).

What this cannot undo: a database administrator watching the tables while voting is open, the
write-ahead log and backups taken while open, and bytes of dead versions left in a page's free
space until overwritten (raw-file forensics, not SQL).
"""

from __future__ import annotations

import logging

from django.db import DatabaseError, connection, transaction
from django.db.models import Model

from kaohe.evaluation.models import Evaluation, SealedBallot, VotingCode

log = logging.getLogger(__name__)

_TABLES: tuple[type[Model], ...] = (VotingCode, SealedBallot)


def rewrite_box(*, evaluation: Evaluation) -> None:
    """Rewrite the evaluation's codes and slots in the current (closing) transaction, in key
    order, values unchanged; schedule the VACUUM for after the commit (PostgreSQL)."""
    for model in _TABLES:
        names = [field.attname for field in model._meta.concrete_fields]
        rows = model._default_manager.filter(evaluation=evaluation)
        values = list(rows.order_by("pk").values_list(*names))
        rows._raw_delete(rows.db)  # nothing refers to codes or slots
        model._default_manager.bulk_create(
            (model(**dict(zip(names, row, strict=True))) for row in values), batch_size=2000
        )
    if connection.vendor == "postgresql":
        transaction.on_commit(vacuum_box)


def vacuum_box() -> None:
    """VACUUM the codes and slots tables (outside any transaction: run it after the commit).

    A failure is logged, not raised: the evaluation has closed; autovacuum prunes later."""
    tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in _TABLES)
    if connection.in_atomic_block:  # VACUUM cannot run in a transaction block
        log.warning("VACUUM %s skipped: called inside a transaction", tables)
        return
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM {tables}")
    except DatabaseError:
        log.exception("VACUUM %s failed after closing an evaluation", tables)
