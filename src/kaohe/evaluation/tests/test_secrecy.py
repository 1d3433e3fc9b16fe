"""Secrecy of the online ballot (issue 4, item 4): the ballot tables hold no link to a code or
voter and no time finer than the day, and over 500 ballots cast in a known order no stored
order (primary key, physical order) follows the cast order: Spearman |ρ| ≤ 0.1.

1,000 ballots rather than 500: with no correlation at all, ρ over n ballots has a standard
deviation of about 1/√n (0.045 at 500, so |ρ| > 0.1 by chance in 2.6% of runs per order
checked; 0.032 at 1,000, 0.2%). On PostgreSQL it also checks that filling slots were HOT
updates (the new row version on the slot's own page).
"""

from __future__ import annotations

import random

import pytest
from django.db import connection
from scipy.stats import spearmanr

from kaohe.evaluation.casting import cast_ballot, normalise_receipt, unseal
from kaohe.evaluation.codes import code_digest, issue_codes, receipt_digest
from kaohe.evaluation.models import Ballot, SealedBallot

from .ballot_fixtures import PEOPLE, load_voting_plan

BALLOTS = 1000
LIMIT = 0.1
COLUMNS = {
    # The marks are in the ballot, in their order on it: nothing of who cast it, or when.
    Ballot: {"id", "evaluation_id", "group_id", "serial", "channel", "assessees", "options"},
    SealedBallot: {"id", "evaluation_id", "group_id", "cast", "cast_on", "receipt", "content"},
}


def _columns(model: type) -> dict[str, str]:
    """Column name → the database's own type name, read from the database (not the model)."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT column_name, data_type FROM information_schema.columns"
                " WHERE table_name = %s",
                [table],
            )
            return {name: kind.lower() for name, kind in cursor.fetchall()}
        cursor.execute(f'PRAGMA table_info("{table}")')
        return {row[1]: row[2].lower() for row in cursor.fetchall()}


@pytest.mark.django_db
@pytest.mark.parametrize("model", list(COLUMNS), ids=lambda m: m.__name__)
def test_ballot_tables_hold_no_code_voter_or_time(model: type) -> None:
    columns = _columns(model)
    assert set(columns) == COLUMNS[model]
    # no time finer than the day: the only date-like column is the sealed slot's date
    timed = {name: kind for name, kind in columns.items() if "time" in kind or "date" in kind}
    assert timed == ({"cast_on": "date"} if model is SealedBallot else {})


def _stored_orders(model: type, key: str) -> dict[str, list[int]]:
    """Rows' ``key`` values in primary-key order and in physical order (PostgreSQL: ctid;
    SQLite: rowid)."""
    table = model._meta.db_table
    physical = "ctid" if connection.vendor == "postgresql" else "rowid"
    orders = {}
    for name, order in (("primary key", "id"), ("physical", physical)):
        with connection.cursor() as cursor:
            cursor.execute(f'SELECT "{key}" FROM "{table}" ORDER BY {order}')
            orders[name] = [row[0] for row in cursor.fetchall()]
    return orders


def _updates(model: type) -> tuple[int, int]:
    """PostgreSQL: (row updates, of which HOT: the new version on the same page, no new index
    entries) of the table so far."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_force_next_flush()")
    with connection.cursor() as cursor:  # the next statement flushes this backend's counters
        cursor.execute(
            "SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_user_tables WHERE relname = %s",
            [model._meta.db_table],
        )
        updates, hot = cursor.fetchone()
    return int(updates), int(hot)


def _assert_unaligned(cast_rank: dict[object, int], orders: dict[str, list[object]]) -> None:
    for name, keys in orders.items():
        ranks = [cast_rank[key] for key in keys if key in cast_rank]
        assert len(ranks) == len(cast_rank), name
        rho = spearmanr(range(len(ranks)), ranks).statistic
        assert abs(rho) <= LIMIT, f"{name}: ρ = {rho:.3f}"


@pytest.mark.django_db(transaction=True)
def test_stored_order_does_not_follow_cast_order() -> None:
    """Each ballot is cast in its own transaction, as voters do (the old row versions of
    filled slots become dead and their pages are pruned, as in production)."""
    voting = load_voting_plan()
    group = voting.group("mz", "staff")
    issued = issue_codes(group=group, count=BALLOTS + 40)  # some codes are never used
    chooser = random.Random(20251121)
    codes = [c.code for c in issued]
    chooser.shuffle(codes)  # slips are handed out in any order
    options = ["称职", "基本称职", "不称职", "称职"]
    cast_rank: dict[object, int] = {}
    receipts = []
    before = _updates(SealedBallot) if connection.vendor == "postgresql" else (0, 0)
    for rank, code in enumerate(codes[:BALLOTS]):
        marks = {person: options[(rank + i) % 4] for i, (person, _, _) in enumerate(PEOPLE)}
        marks[PEOPLE[rank % 6][0]] = "优秀"
        receipt = cast_ballot(code=code, marks=marks)
        digest = receipt_digest(normalise_receipt(receipt))
        cast_rank[digest] = rank
        receipts.append(receipt)
    # the ballot box: slot keys and physical order
    if connection.vendor == "postgresql":
        after = _updates(SealedBallot)
        updates, hot = after[0] - before[0], after[1] - before[1]
        assert updates == BALLOTS and hot >= 0.9 * updates, (updates, hot)
    _assert_unaligned(cast_rank, _stored_orders(SealedBallot, "receipt"))
    # nothing of the code or the receipt in the slots
    digests = {code_digest(code) for code in codes}
    for content, stored in SealedBallot.objects.filter(cast=True).values_list("content", "receipt"):
        assert stored not in digests
        assert not any(code.replace("-", "") in content for code in codes[:5])
    # the unsealed ballots and their marks
    assert unseal(evaluation=voting.evaluation("mz")) == BALLOTS
    slot_rank = {
        f"W{pk:016x}": cast_rank[receipt]
        for pk, receipt in SealedBallot.objects.filter(cast=True).values_list("pk", "receipt")
    }
    _assert_unaligned(slot_rank, _stored_orders(Ballot, "serial"))
    serials = set(Ballot.objects.values_list("serial", flat=True))
    assert not any(r.replace("-", "") in s for r in receipts for s in serials)
