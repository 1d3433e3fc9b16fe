"""Casting an online ballot into the sealed ballot box, receipts, and unsealing at closing
(docs/voting.md).

One code, one ballot: ``cast_ballot`` marks the code used with a conditional UPDATE (``state =
issued`` → ``used``; a second submission finds no row to update) and fills a random free slot
of the group, in one transaction. Concurrent submissions of one code serialise on the code's
row: exactly one UPDATE succeeds, the others see ``used``.

Nothing links the slot to the code: the slot is chosen at random among the group's free slots,
its key was drawn when the codes were issued, the content keeps its length (an in-place update
on the same page on PostgreSQL, fillfactor 50), and the only time kept is the day. The voter
gets the slot's receipt (drawn from a keyed digest of the slot's random key when the slot was
made; the slot stores the receipt's keyed digest), so the receipt can later be looked up
(``receipt_status``) and reveals only whether the ballot was received or counted. Casting
changes only ``cast``, ``cast_on`` and ``content``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
from django.db import connection, transaction
from django.utils import timezone

from kaohe.evaluation import throttle
from kaohe.evaluation.ballot_form import (
    BallotForm,
    Marks,
    check_ballot,
    decode,
    encode,
    group_form,
)
from kaohe.evaluation.codes import (
    ALPHABET,
    RECEIPT_LENGTH,
    code_digest,
    grouped,
    receipt_digest,
    slot_receipt,
)
from kaohe.evaluation.models import (
    Ballot,
    Evaluation,
    Mark,
    RaterGroup,
    SealedBallot,
    VotingCode,
    random_id,
)
from kaohe.plans.bulk import bulk_insert

_BALLOT_SCHEMA = {"id": pl.Int64, "group": pl.Int64, "serial": pl.Utf8}
_MARK_SCHEMA = {
    "id": pl.Int64,
    "ballot": pl.Int64,
    "order": pl.Int32,
    "assessee": pl.Utf8,
    "option": pl.Utf8,
}
_SERIAL_PREFIX = "W"  # online ballots' serials: W + 16 hex digits of the slot's random key


class CastError(Exception):
    """A ballot that was not accepted; ``message`` is for the voter (Chinese)."""

    code = "refused"
    message = "投票未被接受"

    def __init__(self, message: str | None = None) -> None:
        if message is not None:
            self.message = message
        super().__init__(self.message)


class CodeUnknown(CastError):
    """No such code (``guess``: a well-formed code that matches nothing, what throttling
    counts), or a code that cannot be used (malformed, revoked)."""

    code = "code_unknown"
    message = "测评码不正确，请核对票签上的测评码"

    def __init__(self, message: str | None = None, *, guess: bool = False) -> None:
        super().__init__(message)
        self.guess = guess


class CodeUsed(CastError):
    code = "code_used"
    message = "该测评码已经投过票，每个测评码只能投一次"


class EvaluationNotOpen(CastError):
    code = "not_open"
    message = "该测评目前不在投票时间内"


class BallotInvalid(CastError):
    code = "invalid"
    message = "选票未填写正确，未保存"

    def __init__(self, errors: list[str]) -> None:
        super().__init__()
        self.errors = errors


def normalise_receipt(text: str) -> str | None:
    """A receipt as typed → its stored form, or None if it cannot be one."""
    if not isinstance(text, str):
        return None
    receipt = text.replace("-", "").replace(" ", "").strip().upper()
    if len(receipt) != RECEIPT_LENGTH or any(ch not in ALPHABET for ch in receipt):
        return None
    return receipt


class Throttled(CastError):
    """Too many bad codes from this client in the current window (``throttle``): HTTP 429."""

    code = "throttled"
    message = throttle.MESSAGE


def voting_code(code: str, *, client: str | None = None) -> VotingCode:
    """The code's row with its group, evaluation and plan; CodeUnknown (also for a malformed
    or a revoked code), CodeUsed, or EvaluationNotOpen.

    With ``client`` (``throttle.client_key``) a throttled client gets Throttled whatever the
    code — right, wrong, used or malformed — so a guesser learns nothing once throttled. The
    client's count of bad codes comes with the code's own query; only a code that matches
    nothing (or cannot be one) needs a query of its own to tell 429 from "unknown".
    """
    try:
        digest = code_digest(code)
    except ValueError as exc:
        if client is not None and throttle.blocked(client):
            raise Throttled from None
        raise CodeUnknown(str(exc)) from None
    # One query for everything a request needs: the group, its evaluation and the plan (the
    # ballot form reads ``group.evaluation.plan``; the code's evaluation is the group's).
    rows = VotingCode.objects.select_related("group__evaluation__plan").filter(digest=digest)
    if client is not None:
        rows = rows.annotate(bad_codes=throttle.bad_codes_subquery(client))
    row = next(iter(rows[:1]), None)  # digests are unique: no ORDER BY needed (``first``)
    if row is None:
        if client is not None and throttle.blocked(client):
            raise Throttled
        raise CodeUnknown(guess=True)
    if client is not None and (getattr(row, "bad_codes", None) or 0) >= throttle.LIMIT:
        raise Throttled
    row.evaluation = row.group.evaluation
    if row.state == VotingCode.State.REVOKED:
        raise CodeUnknown("该测评码已作废（票签已补发），请使用新的票签")
    if row.state == VotingCode.State.USED:
        raise CodeUsed
    if row.evaluation.status != Evaluation.Status.OPEN:
        raise EvaluationNotOpen
    return row


def _hold_open(evaluation_id: int) -> None:
    """Check, with a shared lock held to the end of the transaction, that the evaluation is
    still open: closing updates the row, so it waits for ballots being cast, and a ballot
    cast after it sees ``closed`` (SQLite serialises writers anyway)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT status FROM {Evaluation._meta.db_table} WHERE id = %s FOR SHARE",
                [evaluation_id],
            )
            status = cursor.fetchone()[0]
    else:
        status = Evaluation.objects.filter(pk=evaluation_id).values_list("status", flat=True)[0]
    if status != Evaluation.Status.OPEN:
        raise EvaluationNotOpen


def _mark_used(code: VotingCode) -> None:
    """Issued → used, only if still issued: of concurrent submissions one UPDATE matches."""
    updated = VotingCode.objects.filter(pk=code.pk, state=VotingCode.State.ISSUED).update(
        state=VotingCode.State.USED
    )
    if not updated:
        raise CodeUsed


def _fill_slot(group_id: int, evaluation_id: int, content: str, day: dt.date) -> str:
    """Write the ballot into a random free slot of the group, in place, padded to its length;
    returns the slot's receipt.

    ``ORDER BY random()`` draws every free slot with the same chance. A cheaper-looking draw —
    the first free slot at or after a random point of the key space (``id >= r ORDER BY id
    LIMIT 1``) — was tried and dropped: a slot's chance is then the gap before it, a filled
    slot hands its gap on to the next free one, and over 1,000 casts the Spearman ρ between
    cast order and key order spreads twice as wide (sd 0.061 instead of 0.031 in simulation;
    |ρ| > 0.1 in 12 % of runs instead of 0.25 %), which test_secrecy.py caught. The sort
    costs ≈ 1 ms for a group of 2,400 free slots (docs/benchmarks.md "Voting").
    """
    free = SealedBallot.objects.filter(evaluation_id=evaluation_id, group_id=group_id, cast=False)
    for _ in range(20):
        slot = (
            free.select_for_update(skip_locked=True)
            .order_by("?")
            .values_list("pk", "content")
            .first()
        )
        if slot is None:
            break
        pk, padding = slot
        filled = content.ljust(len(padding))
        if free.filter(pk=pk).update(cast=True, cast_on=day, content=filled):
            return slot_receipt(pk)
    raise RuntimeError("测评票箱没有空位（测评码与票箱不一致）")


def cast_ballot(*, code: str, marks: Marks) -> str:
    """Cast the ballot ``marks`` with ``code``; returns the receipt for the voter.

    Raises CodeUnknown, CodeUsed, EvaluationNotOpen or BallotInvalid (errors, or a void
    reason: online ballots are fixed by the voter, never stored void). One transaction.
    """
    return cast_with(voting_code(code), marks)


def cast_with(row: VotingCode, marks: Marks, form: BallotForm | None = None) -> str:
    """``cast_ballot`` for a code row this request already looked up (``voting_code``) and,
    optionally, its group's form: a page or API call looks the code up once.

    The row may be a moment old: what matters is decided again inside the transaction (the
    evaluation still open under a shared lock, the code still ``issued`` in the conditional
    UPDATE), so a code used or an evaluation closed meanwhile is refused all the same.
    """
    form = form if form is not None else group_form(row.group)
    if form.group_id != row.group_id:
        raise ValueError("选票表单与测评码的测评主体不一致")
    check = check_ballot(form, marks)
    if not check.ok:
        raise BallotInvalid(check.errors or [check.void or "选票无效"])
    with transaction.atomic():
        _hold_open(row.evaluation_id)
        _mark_used(row)
        receipt = _fill_slot(
            row.group_id, row.evaluation_id, encode(check.marks), timezone.localdate()
        )
    return grouped(receipt)


def receipt_status(receipt: str) -> str | None:
    """ "received" (in the box) or "counted" (its evaluation is counted); None if unknown."""
    normal = normalise_receipt(receipt)
    if normal is None:
        return None
    status = (
        SealedBallot.objects.filter(receipt=receipt_digest(normal), cast=True)
        .values_list("evaluation__status", flat=True)
        .first()
    )
    if status is None:
        return None
    return "counted" if status == Evaluation.Status.COUNTED else "received"


def unseal(*, evaluation: Evaluation) -> int:
    """Write a Ballot(channel=online) with its Mark rows for every cast slot of
    ``evaluation``, replacing the evaluation's earlier online ballots (idempotent); returns how
    many. Rows are written in key order; serials derive from the slot's random key.

    Run it inside the closing transaction: it locks the evaluation row, so ballots still being
    cast finish first and later ones find the evaluation closed.
    """
    with transaction.atomic():
        Evaluation.objects.select_for_update().filter(pk=evaluation.pk).first()
        old = Ballot.objects.filter(evaluation=evaluation, channel=Ballot.Channel.ONLINE)
        Mark.objects.filter(evaluation=evaluation, ballot__in=old.values("pk"))._raw_delete(
            Mark.objects.db
        )
        old._raw_delete(Ballot.objects.db)
        ballots: dict[str, list[Any]] = {"id": [], "group": [], "serial": []}
        marks: dict[str, list[Any]] = {name: [] for name in _MARK_SCHEMA}
        slots = SealedBallot.objects.filter(evaluation=evaluation, cast=True).order_by("pk")
        for slot_id, group_id, content in slots.values_list("pk", "group_id", "content"):
            ballot_id = random_id()
            ballots["id"].append(ballot_id)
            ballots["group"].append(group_id)
            ballots["serial"].append(f"{_SERIAL_PREFIX}{slot_id:016x}")
            for order, (assessee, option) in enumerate(decode(content)):
                marks["id"].append(random_id())
                marks["ballot"].append(ballot_id)
                marks["order"].append(order)
                marks["assessee"].append(assessee)
                marks["option"].append(option)
        ballot_frame = pl.DataFrame(ballots, schema=_BALLOT_SCHEMA).with_columns(
            evaluation=pl.lit(evaluation.pk, dtype=pl.Int64),
            channel=pl.lit(Ballot.Channel.ONLINE.value),
        )
        mark_frame = pl.DataFrame(marks, schema=_MARK_SCHEMA).with_columns(
            evaluation=pl.lit(evaluation.pk, dtype=pl.Int64)
        )
        # Key order: the stored order is a random permutation of the ballot box.
        bulk_insert(Ballot, ballot_frame.sort("id"))
        bulk_insert(Mark, mark_frame.sort("id"))
        return ballot_frame.height


def group_of(code: str) -> RaterGroup:
    """The rater group a usable code belongs to (for the ballot page)."""
    return voting_code(code).group
