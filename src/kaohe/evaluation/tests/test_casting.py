"""Casting online ballots: one code one ballot (also under 200 concurrent submissions on
PostgreSQL), all-or-nothing, receipts, unsealing (docs/voting.md)."""

from __future__ import annotations

import threading
import time
from collections import Counter
from typing import Any

import pytest
from django.db import connection, connections, transaction

from kaohe.evaluation import casting
from kaohe.evaluation.casting import (
    BallotInvalid,
    CodeUnknown,
    CodeUsed,
    EvaluationNotOpen,
    cast_ballot,
    receipt_status,
    unseal,
)
from kaohe.evaluation.codes import code_digest, issue_codes
from kaohe.evaluation.models import Ballot, Evaluation, SealedBallot, VotingCode
from kaohe.evaluation.tests.stored import stored_marks

from . import ballot_fixtures
from .ballot_fixtures import PEOPLE, Voting, load_voting_plan

voting = ballot_fixtures.voting  # the fixture

CODES = [code for code, _, _ in PEOPLE]
GOOD = {
    "P01": "优秀",
    "P02": "称职",
    "P03": "称职",
    "P04": "基本称职",
    "P05": "称职",
    "P06": "不称职",
}


def box() -> tuple[int, int, int, int]:
    """(used codes, cast slots, ballots, marks): what a refused ballot must leave unchanged."""
    return (
        VotingCode.objects.filter(state="used").count(),
        SealedBallot.objects.filter(cast=True).count(),
        Ballot.objects.count(),
        len(stored_marks()),
    )


def test_cast_fills_one_slot_and_gives_a_receipt(voting: Voting) -> None:
    group = voting.group("mz", "staff")
    issued = issue_codes(group=group, count=5)
    receipt = cast_ballot(code=issued[2].code, marks=GOOD)
    assert len(receipt) == 19 and receipt.count("-") == 3
    assert box()[:2] == (1, 1)
    slot = SealedBallot.objects.get(cast=True)
    assert slot.cast_on is not None and slot.receipt != receipt.replace("-", "")
    assert len(slot.content) == len(SealedBallot.objects.filter(cast=False).first().content)
    assert receipt_status(receipt) == "received"
    assert receipt_status(receipt.lower().replace("-", " ")) == "received"
    assert receipt_status("3467-ACDE-FGHJ-KMNP") is None
    assert receipt_status("not a receipt") is None
    with pytest.raises(CodeUsed):
        cast_ballot(code=issued[2].code, marks=GOOD)
    assert box()[:2] == (1, 1)


def test_refusals_store_nothing(voting: Voting) -> None:
    group = voting.group("mz", "staff")
    issued = issue_codes(group=group, count=2)
    before = box()
    with pytest.raises(CodeUnknown):
        cast_ballot(code="3467-ACDE-FGHJ", marks=GOOD)
    with pytest.raises(CodeUnknown, match="全角"):
        cast_ballot(code="３467-ACDE-FGHJ", marks=GOOD)
    invalid: list[Any] = [
        dict.fromkeys(CODES, "优秀"),  # too many 优秀
        {"P01": "120"},
        {"P99": "优秀"},
        [("P01", "优秀"), ("P01", "称职")],
        {"P01": "很好"},
        {},
    ]
    for marks in invalid:
        with pytest.raises(BallotInvalid) as refused:
            cast_ballot(code=issued[0].code, marks=marks)
        assert refused.value.errors and all(isinstance(e, str) for e in refused.value.errors)
    voting.set_status("mz", Evaluation.Status.CLOSED)
    with pytest.raises(EvaluationNotOpen):
        cast_ballot(code=issued[1].code, marks=GOOD)
    voting.set_status("mz", Evaluation.Status.DRAFT)
    with pytest.raises(EvaluationNotOpen):
        cast_ballot(code=issued[1].code, marks=GOOD)
    assert box() == before
    assert set(VotingCode.objects.values_list("state", flat=True)) == {"issued"}


def test_score_and_full_width_digits_are_refused(voting: Voting) -> None:
    issued = issue_codes(group=voting.group("pf", "jury"), count=1)
    with pytest.raises(BallotInvalid) as refused:
        cast_ballot(code=issued[0].code, marks={"P01": "９５"})
    assert "全角" in refused.value.errors[0]
    with pytest.raises(BallotInvalid):
        cast_ballot(code=issued[0].code, marks={"P01": "100.01"})
    assert box() == (0, 0, 0, 0)
    cast_ballot(code=issued[0].code, marks={"P01": "95", "P02": 88.5})


@pytest.mark.parametrize("step", ["fill", "after_fill"])
def test_an_error_between_marking_and_writing_leaves_neither(
    voting: Voting, monkeypatch: pytest.MonkeyPatch, step: str
) -> None:
    """The code is marked used, then the ballot write fails: repeated, nothing is left."""
    group = voting.group("mz", "staff")
    issued = issue_codes(group=group, count=3)
    real_fill = casting._fill_slot
    calls = Counter()

    def failing(*args: Any) -> None:
        calls["fill"] += 1
        # the code is already marked used inside this transaction
        assert VotingCode.objects.filter(state="used").count() == 1
        if step == "after_fill":
            real_fill(*args)
            assert SealedBallot.objects.filter(cast=True).count() == 1
        raise RuntimeError("injected")

    monkeypatch.setattr(casting, "_fill_slot", failing)
    for _ in range(50):
        for code in issued:
            with pytest.raises(RuntimeError, match="injected"):
                cast_ballot(code=code.code, marks=GOOD)
            assert box() == (0, 0, 0, 0)
    assert calls["fill"] == 150
    monkeypatch.setattr(casting, "_fill_slot", real_fill)
    for code in issued:
        cast_ballot(code=code.code, marks=GOOD)
    assert box()[:2] == (3, 3)


def test_unseal_writes_the_ballots_once(voting: Voting) -> None:
    mz = voting.group("mz", "staff")
    zc = voting.group("zc", "all")
    cast = [
        (mz, GOOD),
        (mz, {"P02": "优秀", "P03": "称职"}),
        (zc, {"P01": True, "P03": True}),
        (zc, {}),
    ]
    for group, marks in cast:
        cast_ballot(code=issue_codes(group=group, count=1)[0].code, marks=marks)
    issue_codes(group=mz, count=3)  # unused codes: empty slots, no ballots
    evaluation = voting.evaluation("mz")
    for _ in range(2):  # idempotent
        assert unseal(evaluation=evaluation) == 2
        ballots = Ballot.objects.filter(evaluation=evaluation)
        assert ballots.count() == 2
        assert set(ballots.values_list("channel", flat=True)) == {"online"}
        assert all(
            s.startswith("W") and len(s) == 17 for s in ballots.values_list("serial", flat=True)
        )
        rows = sorted(stored_marks("assessee", "option", evaluation=evaluation))
        assert rows == sorted([*GOOD.items(), ("P02", "优秀"), ("P03", "称职")])
    # paper ballots of the evaluation are left alone
    Ballot.objects.create(evaluation=evaluation, group=mz, serial="P-1", channel="paper")
    assert unseal(evaluation=evaluation) == 2
    assert Ballot.objects.filter(evaluation=evaluation).count() == 3
    assert unseal(evaluation=voting.evaluation("zc")) == 2
    worst = stored_marks("assessee", "option", evaluation=voting.evaluation("zc"))
    assert sorted((assessee for assessee, _ in worst), key=str) == [None, "P01", "P03"]
    assert {option for _, option in worst} == {None}
    Evaluation.objects.filter(pk=evaluation.pk).update(status=Evaluation.Status.COUNTED)
    assert SealedBallot.objects.filter(evaluation=evaluation, cast=True).count() == 2


def test_receipt_says_counted_once_counted(voting: Voting) -> None:
    code = issue_codes(group=voting.group("pf", "jury"), count=1)[0]
    receipt = cast_ballot(code=code.code, marks={"P01": 90})
    assert receipt_status(receipt) == "received"
    voting.set_status("pf", Evaluation.Status.CLOSED)
    assert receipt_status(receipt) == "received"
    voting.set_status("pf", Evaluation.Status.COUNTED)
    assert receipt_status(receipt) == "counted"


SUBMISSIONS = 200


def _free_connections() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('max_connections')::int - count(*) FROM pg_stat_activity"
        )
        return int(cursor.fetchone()[0])


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="true concurrency needs PostgreSQL (SQLite serialises every writer)",
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_of_one_code_make_one_ballot(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """200 submissions of one code, from as many threads with their own connections as the
    server allows (at most 200; PostgreSQL's max_connections is shared), all released at once;
    the winner is slowed down so that the others pile up on the code's row meanwhile."""
    voting = load_voting_plan()
    group = voting.group("mz", "staff")
    code = issue_codes(group=group, count=3)[0].code
    workers = min(SUBMISSIONS, _free_connections() - 15)
    assert workers >= 20, f"only {workers} free PostgreSQL connections"
    real_fill = casting._fill_slot

    def slow_fill(*args: Any) -> str:
        time.sleep(0.5)
        return real_fill(*args)

    monkeypatch.setattr(casting, "_fill_slot", slow_fill)
    barrier = threading.Barrier(workers)
    outcomes: list[str] = []
    lock = threading.Lock()

    def submit(share: int) -> None:
        try:
            connection.ensure_connection()
            barrier.wait(timeout=60)
            for _ in range(share):
                try:
                    cast_ballot(code=code, marks=GOOD)
                    outcome = "ok"
                except CodeUsed as exc:
                    outcome = "used" if "已经投过票" in exc.message else "?"
                except Exception as exc:
                    outcome = f"{type(exc).__name__}: {exc}"
                with lock:
                    outcomes.append(outcome)
        finally:
            connections.close_all()

    shares = [SUBMISSIONS // workers + (i < SUBMISSIONS % workers) for i in range(workers)]
    threads = [threading.Thread(target=submit, args=(share,)) for share in shares]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    counts = Counter(outcomes)
    assert counts == {"ok": 1, "used": SUBMISSIONS - 1}, counts
    assert SealedBallot.objects.filter(cast=True).count() == 1
    assert VotingCode.objects.filter(state="used").count() == 1
    assert unseal(evaluation=voting.evaluation("mz")) == 1


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="slots held by other transactions: PostgreSQL (SQLite serialises every writer)",
)
@pytest.mark.django_db(transaction=True)
def test_a_ballot_finds_the_last_free_slot_while_others_hold_the_rest() -> None:
    """The last voters of a group submitting together: every free slot but one is held by
    another ballot being cast (locked, not yet committed). The draw, uniform over the free
    slots, keeps landing on held ones (399 of 400); the ballot still gets the one left
    instead of failing after a fixed number of draws."""
    voting = load_voting_plan()
    group = voting.group("mz", "staff")
    issued = issue_codes(group=group, count=400)
    free = SealedBallot.objects.filter(group=group, cast=False).order_by("?")
    held_ids = list(free.values_list("pk", flat=True)[:399])
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:
        try:
            with transaction.atomic():
                list(SealedBallot.objects.select_for_update().filter(pk__in=held_ids))
                holding.set()
                release.wait(timeout=60)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert holding.wait(timeout=60)
        for _ in range(3):  # ≈ 0.95 each that twenty uniform draws all hit held slots
            VotingCode.objects.filter(digest=code_digest(issued[0].code)).update(state="issued")
            SealedBallot.objects.filter(group=group, cast=True).update(cast=False)
            cast_ballot(code=issued[0].code, marks=GOOD)
            filled = SealedBallot.objects.get(group=group, cast=True)
            assert filled.pk not in held_ids
    finally:
        release.set()
        holder.join(timeout=60)
