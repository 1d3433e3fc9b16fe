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
import weakref
from typing import Any

from django.db import DatabaseError, connection, transaction
from django.db.models import Model, QuerySet
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
    CodeAttempt,
    Evaluation,
    RaterGroup,
    SealedBallot,
    VotingCode,
    random_id,
)
from kaohe.plans.bulk import bulk_insert, json_texts, model_frame
from kaohe.plans.models import Plan

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
    found = _lookup(digest, client)
    if found is None:
        if client is not None and throttle.blocked(client):
            raise Throttled
        raise CodeUnknown(guess=True)
    row, bad_codes = found
    if client is not None and (bad_codes or 0) >= throttle.LIMIT:
        raise Throttled
    row.evaluation = row.group.evaluation
    if row.state == VotingCode.State.REVOKED:
        raise CodeUnknown("该测评码已作废（票签已补发），请使用新的票签")
    if row.state == VotingCode.State.USED:
        raise CodeUsed
    if row.evaluation.status != Evaluation.Status.OPEN:
        raise EvaluationNotOpen
    return row


# The code's look-up, written out once per process and database (see _lookup).
_JOINED: tuple[tuple[type[Model], str], ...] = (
    (VotingCode, "c"),
    (RaterGroup, "g"),
    (Evaluation, "e"),
    (Plan, "p"),
)
_LOOKUPS: dict[str, tuple[str, list[list[tuple[list[Any], Any]]]]] = {}


def _lookup_statement(connection: Any) -> tuple[str, list[list[tuple[list[Any], Any]]]]:
    """The look-up's SQL and, per model, each column's converters (as the ORM applies them).

    Every voting request makes this query; built by the ORM (``select_related`` of three
    tables and the throttle count as a subquery) it cost ≈ 1.7 ms of CPU per request to
    compile — more than the rest of a JSON request — for a statement that never changes.
    """
    quote = connection.ops.quote_name
    columns: list[str] = []
    converters: list[list[tuple[list[Any], Any]]] = []
    for model, alias in _JOINED:
        fields = []
        for field in model._meta.concrete_fields:
            columns.append(f"{alias}.{quote(field.column)}")
            col = field.get_col(alias)
            functions = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
            fields.append((functions, col))
        converters.append(fields)
    attempt = CodeAttempt._meta
    count, client, window = (
        attempt.get_field(name).column for name in ("count", "client", "window")
    )
    bad_codes = (
        f"(SELECT a.{quote(count)} FROM {quote(attempt.db_table)} a "
        f"WHERE a.{quote(client)} = %s AND a.{quote(window)} = %s)"
    )

    def table(model: type[Model]) -> str:
        return quote(model._meta.db_table)

    def join(model: type[Model], alias: str, parent: str, link: str) -> str:
        key = quote(model._meta.pk.column)
        return f"JOIN {table(model)} {alias} ON {alias}.{key} = {parent}.{quote(link)} "

    sql = (
        f"SELECT {', '.join(columns)}, {bad_codes} FROM {table(VotingCode)} c "
        + join(RaterGroup, "g", "c", VotingCode._meta.get_field("group").column)
        + join(Evaluation, "e", "g", RaterGroup._meta.get_field("evaluation").column)
        + join(Plan, "p", "e", Evaluation._meta.get_field("plan").column)
        + f"WHERE c.{quote(VotingCode._meta.get_field('digest').column)} = %s"
    )
    return sql, converters


# The voting statements prepared in each PostgreSQL session (keyed by the driver's connection,
# so a new connection prepares them again): PostgreSQL would plan every execution anew, and
# planning the look-up's join cost more than running it (≈ 0.2 against 0.05 ms). Per session,
# each name is either prepared (True) or stale (False: it exists but can no longer run).
_PREPARED: weakref.WeakKeyDictionary[Any, dict[str, bool]] = weakref.WeakKeyDictionary()
# "cached plan must not change result type": a column the statement returns changed type —
# even a widened varchar, what a migration changing max_length does — while the session kept
# the statement. It then fails on every execution until it is made again.
_RESULT_TYPE_CHANGED = "0A000"
# "prepared statement … does not exist": the session lost it (DEALLOCATE ALL, DISCARD ALL).
_NOT_PREPARED = "26000"


def _execute(cursor: Any, name: str, sql: str, params: list[Any]) -> None:
    """Execute ``sql`` (placeholders ``%s``) with ``params``; on PostgreSQL as the session's
    prepared statement ``name``, made on first use (``PREPARE`` is not transactional: a
    rolled-back transaction keeps it). The statements go through Django's cursor like any
    other, so they are logged and counted as usual. A connection pooler that shares sessions
    between clients (transaction pooling) would need them turned into plain statements.

    A statement the session can no longer run (a migration changed a column it returns, or
    the session lost it) is made again: at once outside a transaction, else by the next
    call (the failed transaction cannot run anything more), so a worker keeping its
    connection (``CONN_MAX_AGE``) does not fail every vote until it is restarted."""
    if connection.vendor != "postgresql":
        cursor.execute(sql, params)
        return
    prepared = _PREPARED.setdefault(connection.connection, {})
    for attempt in (1, 2):
        _prepare(cursor, prepared, name, sql)
        try:
            cursor.execute(f"EXECUTE {name} ({', '.join(['%s'] * len(params))})", params)
            return
        except DatabaseError as exc:
            sqlstate = getattr(exc.__cause__, "sqlstate", None)
            if sqlstate == _RESULT_TYPE_CHANGED:
                prepared[name] = False
            elif sqlstate == _NOT_PREPARED:
                prepared.pop(name, None)
            else:
                raise
            if attempt == 2 or connection.in_atomic_block:
                raise


def _prepare(cursor: Any, prepared: dict[str, bool], name: str, sql: str) -> None:
    """``PREPARE`` ``name`` in this session unless it is prepared (dropping a stale one)."""
    state = prepared.get(name)
    if state:
        return
    if state is False:
        cursor.execute(f"DEALLOCATE {name}")
    parts = sql.split("%s")
    numbered = parts[0] + "".join(f"${i}{part}" for i, part in enumerate(parts[1:], 1))
    cursor.execute(f"PREPARE {name} AS {numbered}")
    prepared[name] = True


def _lookup(digest: str, client: str | None) -> tuple[VotingCode, int | None] | None:
    """The code row with its group, its evaluation and the plan attached (what
    ``select_related("group__evaluation__plan")`` gives), and the client's bad codes in the
    current window (None without ``client``, or with no bad code); None for no such code.
    One query; the statement is made once (``_lookup_statement``)."""
    statement = _LOOKUPS.get(connection.vendor)
    if statement is None:
        statement = _LOOKUPS[connection.vendor] = _lookup_statement(connection)
    sql, converters = statement
    # the throttle's current window, as its rows hold it
    window = connection.ops.adapt_datetimefield_value(throttle.current_window())
    with connection.cursor() as cursor:
        _execute(cursor, "kaohe_vote_code", sql, [client or "", window, digest])
        found = cursor.fetchone()  # digests are unique
    if found is None:
        return None
    values = list(found)
    instances = []
    start = 0
    for (model, _alias), fields in zip(_JOINED, converters, strict=True):
        own = values[start : start + len(fields)]
        start += len(fields)
        for i, (functions, col) in enumerate(fields):
            for function in functions:
                own[i] = function(own[i], col, connection)
        instances.append(
            model.from_db(connection.alias, [f.attname for f in model._meta.concrete_fields], own)
        )
    row, group, evaluation, plan = instances
    evaluation.plan = plan
    group.evaluation = evaluation
    row.group = group
    return row, (values[-1] if client is not None else None)


def _hold_open_and_mark_used(code: VotingCode) -> None:
    """Check that the evaluation is still open, with a shared lock held to the end of the
    transaction (closing updates the row, so it waits for ballots being cast, and a ballot
    cast after it sees ``closed``), then mark the code used if it is still issued: of
    concurrent submissions of one code exactly one UPDATE matches. EvaluationNotOpen or
    CodeUsed otherwise. On PostgreSQL one statement (one round trip) does both."""
    if connection.vendor != "postgresql":
        _hold_open(code.evaluation_id)
        _mark_used(code)
        return
    with connection.cursor() as cursor:
        _execute(
            cursor, "kaohe_vote_used", _statements()["mark_used"], [code.evaluation_id, code.pk]
        )
        is_open, marked = cursor.fetchone()
    if not is_open:
        raise EvaluationNotOpen
    if not marked:
        raise CodeUsed


def _hold_open(evaluation_id: int) -> None:
    """``_hold_open_and_mark_used``'s first half, for SQLite (which serialises writers)."""
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


_STATEMENTS: dict[str, str] = {}


def _statements() -> dict[str, str]:
    """The cast's two PostgreSQL statements, written out once (table and column names from the
    models). Every value travels as a parameter."""
    if _STATEMENTS:
        return _STATEMENTS
    quote = connection.ops.quote_name

    def table(model: type[Model]) -> str:
        return quote(model._meta.db_table)

    def column(model: type[Model], name: str) -> str:
        return quote(model._meta.get_field(name).column)

    status, open_ = column(Evaluation, "status"), Evaluation.Status.OPEN.value
    state = column(VotingCode, "state")
    issued, used = VotingCode.State.ISSUED.value, VotingCode.State.USED.value
    box, cast = table(SealedBallot), column(SealedBallot, "cast")
    slot_id = column(SealedBallot, "id")
    content = column(SealedBallot, "content")
    _STATEMENTS["mark_used"] = (
        f"WITH held AS (SELECT 1 FROM {table(Evaluation)} WHERE {column(Evaluation, 'id')} = %s"
        f" AND {status} = '{open_}' FOR SHARE),"
        f" marked AS (UPDATE {table(VotingCode)} SET {state} = '{used}'"
        f" WHERE {column(VotingCode, 'id')} = %s AND {state} = '{issued}'"
        f" AND EXISTS (SELECT 1 FROM held) RETURNING 1)"
        f" SELECT (SELECT count(*) FROM held), (SELECT count(*) FROM marked)"
    )
    # The draw: one free slot of the group, uniformly (ORDER BY random() over the free slots'
    # keys only: a bounded top-1 sort), then locked — SKIP LOCKED and the re-check of
    # ``cast`` leave nothing when another ballot is taking or took that slot meanwhile, and
    # the caller draws again (rejection: still uniform over the slots left).
    _STATEMENTS["fill"] = (
        f"WITH drawn AS (SELECT {slot_id} FROM {box} WHERE {slot_id} = ("
        f"SELECT {slot_id} FROM {box} WHERE {column(SealedBallot, 'evaluation')} = %s"
        f" AND {column(SealedBallot, 'group')} = %s AND NOT {cast} ORDER BY random() LIMIT 1)"
        f" AND NOT {cast} FOR UPDATE SKIP LOCKED)"
        f" UPDATE {box} SET {cast} = true, {column(SealedBallot, 'cast_on')} = %s,"
        f" {content} = %s || repeat(' ', length({box}.{content}) - %s)"
        f" FROM drawn WHERE {box}.{slot_id} = drawn.{slot_id} RETURNING {box}.{slot_id}"
    )
    # The draw among the free slots no other ballot holds: the lock inside the sort, so the
    # first unheld slot in random order is taken (a sort of whole rows: about twice the
    # time). Only after draws that kept landing on held slots — the last voters of a group
    # submitting together, when most free slots are being filled by others.
    _STATEMENTS["fill_unheld"] = (
        f"WITH drawn AS (SELECT {slot_id} FROM {box}"
        f" WHERE {column(SealedBallot, 'evaluation')} = %s"
        f" AND {column(SealedBallot, 'group')} = %s AND NOT {cast} ORDER BY random() LIMIT 1"
        f" FOR UPDATE SKIP LOCKED)"
        f" UPDATE {box} SET {cast} = true, {column(SealedBallot, 'cast_on')} = %s,"
        f" {content} = %s || repeat(' ', length({box}.{content}) - %s)"
        f" FROM drawn WHERE {box}.{slot_id} = drawn.{slot_id} RETURNING {box}.{slot_id}"
    )
    return _STATEMENTS


_CHEAP_DRAWS = 3  # draws over every free slot before drawing among the unheld ones only


def _free(evaluation_id: int, group_id: int) -> QuerySet[SealedBallot]:
    return SealedBallot.objects.filter(evaluation_id=evaluation_id, group_id=group_id, cast=False)


def _fill_slot(group_id: int, evaluation_id: int, content: str, day: dt.date) -> str:
    """Write the ballot into a random free slot of the group, in place, padded to its length;
    returns the slot's receipt.

    Every free slot has the same chance (``ORDER BY random()``). A cheaper-looking draw —
    the first free slot at or after a random point of the key space (``id >= r ORDER BY id
    LIMIT 1``) — was tried and dropped: a slot's chance is then the gap before it, a filled
    slot hands its gap on to the next free one, and over 1,000 casts the Spearman ρ between
    cast order and key order spreads twice as wide (sd 0.061 instead of 0.031 in simulation;
    |ρ| > 0.1 in 12 % of runs instead of 0.25 %), which test_secrecy.py caught. The draw
    reads the free slots' keys (≈ 0.6 ms of PostgreSQL for 2,400 free slots: a bounded
    top-1 sort; locking inside the sort made it a full sort of whole rows, twice that).

    A draw that lands on a slot another ballot holds is repeated; after ``_CHEAP_DRAWS`` such
    draws the slot is drawn among the unheld free slots only (``fill_unheld``), which finds
    one whenever one exists: slots and codes are as many per group, and every ballot being
    cast holds at most one slot for its own used code. Either way the slot taken is uniform
    over the free slots no one else holds (a rejected uniform draw is uniform over what
    is left). A fixed number of cheap draws alone failed the last voters of a group
    submitting together (when 399 of 400 free slots are held, twenty draws all miss 95 % of
    the time: test_casting.py).
    """
    for attempt in range(20):
        if connection.vendor == "postgresql":
            name = "fill" if attempt < _CHEAP_DRAWS else "fill_unheld"
            with connection.cursor() as cursor:
                values = [evaluation_id, group_id, day, content, len(content)]
                _execute(cursor, f"kaohe_vote_{name}", _statements()[name], values)
                filled = cursor.fetchone()
            if filled is not None:
                return slot_receipt(filled[0])
            if not _free(evaluation_id, group_id).exists():
                break
            continue
        free = _free(evaluation_id, group_id)
        slot = free.order_by("?").values_list("pk", "content").first()
        if slot is None:
            break
        pk, padding = slot
        if free.filter(pk=pk).update(cast=True, cast_on=day, content=content.ljust(len(padding))):
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
        _hold_open_and_mark_used(row)
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
    """Write a Ballot(channel=online), with its marks, for every cast slot of ``evaluation``,
    replacing the evaluation's earlier online ballots (idempotent); returns how many. Rows are
    written in key order; serials derive from the slot's random key.

    Run it inside the closing transaction: it locks the evaluation row, so ballots still being
    cast finish first and later ones find the evaluation closed.
    """
    with transaction.atomic():
        Evaluation.objects.select_for_update().filter(pk=evaluation.pk).first()
        old = Ballot.objects.filter(evaluation=evaluation, channel=Ballot.Channel.ONLINE)
        old._raw_delete(Ballot.objects.db)
        columns: dict[str, list[Any]] = {
            name: [] for name in ("id", "group", "serial", "assessees", "options")
        }
        slots = SealedBallot.objects.filter(evaluation=evaluation, cast=True).order_by("pk")
        for slot_id, group_id, content in slots.values_list("pk", "group_id", "content"):
            rows = decode(content)
            columns["id"].append(random_id())
            columns["group"].append(group_id)
            columns["serial"].append(f"{_SERIAL_PREFIX}{slot_id:016x}")
            columns["assessees"].append([assessee for assessee, _ in rows])
            columns["options"].append([option for _, option in rows])
        columns["assessees"] = json_texts(columns["assessees"])
        columns["options"] = json_texts(columns["options"])
        ballots = model_frame(
            Ballot,
            {
                **columns,
                "evaluation": [evaluation.pk] * len(columns["id"]),
                "channel": [Ballot.Channel.ONLINE.value] * len(columns["id"]),
            },
        )
        # Key order: the stored order is a random permutation of the ballot box.
        return bulk_insert(Ballot, ballots.sort("id"))


def group_of(code: str) -> RaterGroup:
    """The rater group a usable code belongs to (for the ballot page)."""
    return voting_code(code).group
