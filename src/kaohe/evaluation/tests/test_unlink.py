"""Closing leaves no link between codes and ballots in the stored state (kaohe.evaluation.unlink).

Casting marks the code used and fills a slot in one transaction, so on PostgreSQL both row
versions share an ``xmin``: the join below links slip numbers to ballots while voting is open.
After closing it must tell nothing.
"""

from __future__ import annotations

import pytest
from django.db import connection

from kaohe.evaluation import services
from kaohe.evaluation.casting import cast_ballot, receipt_status
from kaohe.evaluation.codes import issue_codes
from kaohe.evaluation.models import Ballot, SealedBallot, VotingCode

from .ballot_fixtures import PEOPLE, Voting, load_voting_plan

LINK = """
    SELECT c.number, s.content FROM evaluation_votingcode c
    JOIN evaluation_sealedballot s ON s.xmin = c.xmin
    WHERE c.state = 'used' AND c.evaluation_id = %s ORDER BY c.xmin::text::bigint
"""

pg_only = pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="xmin and VACUUM are PostgreSQL's"
)


def _cast(voting: Voting, per_group: int) -> list[str]:
    """``per_group`` ballots cast in each of two groups of ``mz`` (each its own transaction)."""
    receipts = []
    for group_code in ("staff", "leaders"):
        issued = issue_codes(group=voting.group("mz", group_code), count=per_group + 3)
        for i, code in enumerate(issued[:per_group]):
            marks = {p: ("称职", "基本称职")[(i + n) % 2] for n, (p, _, _) in enumerate(PEOPLE)}
            marks[PEOPLE[i % len(PEOPLE)][0]] = "优秀"
            receipts.append(cast_ballot(code=code.code, marks=marks))
    return receipts


def _box(evaluation_id: int) -> dict[str, set[tuple[object, ...]]]:
    codes = VotingCode.objects.filter(evaluation_id=evaluation_id)
    slots = SealedBallot.objects.filter(evaluation_id=evaluation_id)
    return {
        "codes": set(codes.values_list("pk", "group_id", "number", "digest", "state")),
        "slots": set(slots.values_list("pk", "group_id", "cast", "cast_on", "receipt", "content")),
    }


def _xmins(sql: str, evaluation_id: int) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(sql, [evaluation_id])
        return {row[0] for row in cursor.fetchall()}


def _vacuums(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute("SELECT vacuum_count FROM pg_stat_user_tables WHERE relname = %s", [table])
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_close_keeps_the_box_and_the_receipts() -> None:
    """The rewrite changes no value: codes, slots, receipts and the count are as before."""
    voting = load_voting_plan()
    receipts = _cast(voting, 6)
    mz = voting.evaluation("mz")
    before = _box(mz.pk)
    others = VotingCode.objects.exclude(evaluation=mz).count()
    assert services.evaluation_close(evaluation=mz) == 12
    assert _box(mz.pk) == before
    assert VotingCode.objects.exclude(evaluation=mz).count() == others
    assert Ballot.objects.filter(evaluation=mz, channel="online").count() == 12
    assert {receipt_status(r) for r in receipts} == {"received"}


@pg_only
@pytest.mark.django_db(transaction=True)
def test_after_close_xmin_links_nothing_and_old_versions_are_vacuumed() -> None:
    voting = load_voting_plan()
    _cast(voting, 8)
    mz = voting.evaluation("mz")
    with connection.cursor() as cursor:
        cursor.execute(LINK, [mz.pk])
        linked = cursor.fetchall()
    assert len(linked) == 16  # while open, the join links every used slip to its ballot
    vacuums = {m._meta.db_table: _vacuums(m._meta.db_table) for m in (VotingCode, SealedBallot)}

    services.evaluation_close(evaluation=mz)

    used = _xmins(
        "SELECT xmin::text FROM evaluation_votingcode WHERE evaluation_id = %s AND state = 'used'",
        mz.pk,
    )
    every_code = _xmins(
        "SELECT xmin::text FROM evaluation_votingcode WHERE evaluation_id = %s", mz.pk
    )
    slots = _xmins("SELECT xmin::text FROM evaluation_sealedballot WHERE evaluation_id = %s", mz.pk)
    assert len(used) == len(every_code) == len(slots) == 1 and used == slots
    with connection.cursor() as cursor:
        cursor.execute(LINK, [mz.pk])
        joined = cursor.fetchall()
    # every used code joins every slot: 16 used codes × 22 slots, no pairing
    assert len(joined) == 16 * 22
    # the dead versions (with the cast transactions' ids) were handed to VACUUM after commit
    for table, count in vacuums.items():
        assert _vacuums(table) == count + 1, table
