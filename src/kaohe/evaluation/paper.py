"""纸质票录入: paper ballots typed by clerks in batches, optionally twice (docs/paper-ballots.md).

A clerk starts a batch for one rater group and types each ballot on the keyboard: the serial
written on the paper, then one key per assessee (1..n = the group's options in order, 0 = a mark
the voter spoiled); dimensions take one key per dimension, a score form a number, a worst form
the printed numbers of the assessees picked. ``parse_keys`` turns those keys into the ballot as
written, refusing what cannot have been on the paper (an option number that does not exist,
full-width digits, a pick of nobody) with a message at the field. A ballot the rules of §4 make
void (too many 优秀, a score out of range, a dimension left out) is what the voter wrote: it is
stored, shown with its reason, and counted as void.

With double entry two different clerks type the same batch (rounds 1 and 2); ``batch_compare``
lists where they differ and ``batch_commit`` refuses until they agree. Committing writes
``Ballot(channel=paper)`` rows (with their marks) in one transaction, the rows the counting reads.
Serials are unique per evaluation across batches and committed ballots. Paper entry is allowed
while the evaluation is open or closed; once it is counted, every write here is refused.

Every write locks the evaluation row first, so serial checks, batch numbers and the count
(which moves the evaluation to ``counted`` under the same lock) are serialised per evaluation.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from django.db import transaction

from kaohe.audit.services import audit_record
from kaohe.errors import InputError, Problem
from kaohe.evaluation import ballot_form
from kaohe.evaluation.ballot_form import BallotCheck, BallotForm, Row
from kaohe.evaluation.models import (
    Ballot,
    Evaluation,
    PaperBatch,
    PaperEntry,
    RaterGroup,
    random_id,
)

ENTERABLE = frozenset({Evaluation.Status.OPEN, Evaluation.Status.CLOSED})
SPOILED_KEY = "0"
# The option written for a mark the voter spoiled (two boxes ticked, unreadable): not a label
# of any form, so the counting makes it a void mark (scoring.md §4), never a silent blank.
SPOILED = "作废"
SERIAL_FIELD = "serial"
PICKS_FIELD = "picks"
MAX_SERIAL = 64

# Full-width forms (！ to ～) and the ideographic space: a Chinese input method left on.
_FULL_WIDTH = re.compile("[\uff01-\uff5e\u3000]")
# Online ballots' serials (casting.unseal: W + 16 hex digits of the slot key) are kept apart,
# so closing the evaluation can never collide with a paper serial.
_ONLINE_SERIAL = re.compile(r"W[0-9A-F]{16}")
_PICK_SEPARATORS = re.compile(r"[\s,，、;；+/]+")

# Typed marks as stored in ``PaperEntry.marks``: grade/score {assessee: text}; dimensions
# {assessee: {dimension: label}}; worst: the picked assessee codes in the order typed.
Marks = dict[str, Any] | list[str]


class Clerk(Protocol):
    pk: Any
    username: str


# ---------------------------------------------------------------------------------------------
# Keys of the grid


def key_field(index: int, dimension: int | None = None) -> str:
    """The form field of assessee ``index`` (0-based, ballot order) and, for the dimensions
    form, of its dimension ``dimension``."""
    return f"k{index}" if dimension is None else f"k{index}.{dimension}"


def full_width_message(what: str) -> str:
    return f"{what}含全角字符，请切换到半角（英文）输入后重新输入"


def normalise_serial(text: str) -> str:
    """The serial written on a paper ballot, as stored: trimmed, ASCII letters upper-case.

    >>> normalise_serial(" a-017 ")
    'A-017'
    >>> normalise_serial("０１７")
    Traceback (most recent call last):
    ...
    ValueError: 票号含全角字符，请切换到半角（英文）输入后重新输入
    """
    serial = text.strip()
    if not serial:
        raise ValueError("请填写票号")
    if _FULL_WIDTH.search(serial):
        raise ValueError(full_width_message("票号"))
    if any(character.isspace() for character in serial):
        raise ValueError("票号中不能有空格")
    if len(serial) > MAX_SERIAL:
        raise ValueError(f"票号最长 {MAX_SERIAL} 个字符")
    serial = "".join(c.upper() if c.isascii() else c for c in serial)
    if _ONLINE_SERIAL.fullmatch(serial):
        raise ValueError("W 加 16 位十六进制数的票号留给网上测评票，请换一个票号")
    return serial


def _option_key(text: str, options: Sequence[str], what: str) -> str | None:
    """The label typed as an option number (1..n), ``SPOILED`` for 0, None for blank."""
    key = text.strip()
    if not key:
        return None
    if _FULL_WIDTH.search(key):
        raise ValueError(full_width_message(what))
    if key == SPOILED_KEY:
        return SPOILED
    if key.isascii() and key.isdigit() and 1 <= int(key) <= len(options):
        return options[int(key) - 1]
    raise ValueError(f"{what}应为 1–{len(options)} 的选项编号（0 表示作废），不是「{key}」")


def _score(form: BallotForm, code: str, text: str) -> str | None:
    """A score as written: the ballot's own number rule (malformed or full-width: refused);
    its range is the counting's (out of range: a void mark)."""
    value = text.strip()
    if not value:
        return None
    if _FULL_WIDTH.search(value):
        raise ValueError(full_width_message(form.names()[code]))
    errors = ballot_form.check_ballot(form, {code: value}).errors
    if errors:
        raise ValueError(errors[0])
    return value


def parse_keys(form: BallotForm, data: Mapping[str, str]) -> tuple[Marks, list[Problem]]:
    """The ballot as written, from the grid's fields; problems are located by field name.

    Blank fields are marks the voter did not make. The form's own rules (how many 优秀, the
    score range, a missing dimension) are not checked here: that is ``check`` (a void ballot).
    """
    problems: list[Problem] = []
    labels = [label for label, _ in form.options]
    if form.kind == Evaluation.Kind.WORST:
        return _parse_picks(form, data.get(PICKS_FIELD, ""), problems), problems
    marks: dict[str, Any] = {}
    for index, (code, name, _detail) in enumerate(form.assessees):
        if form.form == Evaluation.Form.DIMENSIONS:
            ratings: dict[str, str] = {}
            for position, (dimension, _weight) in enumerate(form.dimensions):
                field = key_field(index, position)
                try:
                    label = _option_key(data.get(field, ""), labels, f"{name}「{dimension}」")
                except ValueError as error:
                    problems.append(Problem(field, str(error)))
                    continue
                if label is not None:
                    ratings[dimension] = label
            if ratings:
                marks[code] = ratings
            continue
        field = key_field(index)
        try:
            if form.form == Evaluation.Form.SCORE:
                text = _score(form, code, data.get(field, ""))
            else:
                text = _option_key(data.get(field, ""), labels, name)
        except ValueError as error:
            problems.append(Problem(field, str(error)))
            continue
        if text is not None:
            marks[code] = text
    return marks, problems


def _parse_picks(form: BallotForm, text: str, problems: list[Problem]) -> list[str]:
    """The assessees picked on a worst ballot, typed as their printed numbers (1..n)."""
    value = text.strip()
    if _FULL_WIDTH.search(value):
        problems.append(Problem(PICKS_FIELD, full_width_message("所选编号")))
        return []
    picks: list[str] = []
    count = len(form.assessees)
    for part in (p for p in _PICK_SEPARATORS.split(value) if p):
        if not (part.isascii() and part.isdigit()) or not 1 <= int(part) <= count:
            problems.append(
                Problem(
                    PICKS_FIELD, f"没有编号为「{part}」的考核对象（应为 1–{len(form.assessees)}）"
                )
            )
            continue
        code = form.assessees[int(part) - 1][0]
        if code in picks:
            problems.append(Problem(PICKS_FIELD, f"编号 {part} 重复"))
            continue
        picks.append(code)
    return picks


# ---------------------------------------------------------------------------------------------
# The ballot's rules, and the rows the counting reads


def check(form: BallotForm, marks: Marks) -> BallotCheck:
    """The form's rules on a typed ballot (errors refuse it; ``void`` says why it is void)."""
    return ballot_form.check_ballot(form, check_marks(form, marks))


def check_marks(form: BallotForm, marks: Marks) -> Mapping[str, Any]:
    """Typed marks in the shape ``ballot_form.check_ballot`` reads: {assessee: option} where
    the option is a label, a number's text, {dimension: label}, or True for a worst pick."""
    if isinstance(marks, list):
        return dict.fromkeys(marks, True)
    return marks


def mark_rows(form: BallotForm, marks: Marks) -> tuple[Row, ...]:
    """The ``(assessee, option)`` rows of one checked ballot in ballots.csv's long format
    (workbook.md), as ``check_ballot`` gives them; a ballot that marks nobody keeps one empty
    row, so it is stored and counted (blank) rather than lost."""
    return check(form, marks).marks or ((None, None),)


def ballots_write(
    *,
    evaluation: Evaluation,
    group: RaterGroup,
    ballots: Sequence[tuple[str, Sequence[Row]]],
) -> int:
    """Write ``(serial, rows)`` ballots as ``Ballot(channel=paper)`` with their marks;
    returns the count of marks. Called inside the caller's transaction, after every check."""
    rows_written = [
        Ballot(
            id=random_id(),
            evaluation_id=evaluation.pk,
            group_id=group.pk,
            serial=serial,
            channel=Ballot.Channel.PAPER,
            assessees=[assessee for assessee, _ in rows],
            options=[option for _, option in rows],
        )
        for serial, rows in ballots
    ]
    Ballot.objects.bulk_create(rows_written, batch_size=1000)
    return sum(len(ballot.assessees) for ballot in rows_written)


# ---------------------------------------------------------------------------------------------
# Guards


def refusal(evaluation: Evaluation) -> str | None:
    """Why paper ballots cannot be entered now, or None."""
    if evaluation.status == Evaluation.Status.COUNTED:
        return "该测评已计票，不能再录入或导入纸质票"
    if evaluation.status not in ENTERABLE:
        return "该测评尚未开始，开始测评后才能录入纸质票"
    return None


def locked_evaluation(evaluation_id: int) -> Evaluation:
    evaluation = Evaluation.objects.select_for_update().select_related("plan").get(pk=evaluation_id)
    reason = refusal(evaluation)
    if reason:
        raise InputError([Problem("测评", reason)])
    return evaluation


def _locked_batch(batch_id: int) -> PaperBatch:
    """The batch, its evaluation locked first (the order every writer takes)."""
    evaluation_id = PaperBatch.objects.values_list("evaluation_id", flat=True).get(pk=batch_id)
    locked_evaluation(evaluation_id)
    batch = PaperBatch.objects.select_for_update().select_related("group").get(pk=batch_id)
    if batch.state != PaperBatch.State.ENTERING:
        raise InputError([Problem("批次", f"第 {batch.number} 批已入库，不能再修改")])
    return batch


def serials_taken(evaluation_id: int, serials: Sequence[str], *, batch_id: int | None) -> set[str]:
    """Which of ``serials`` the evaluation already has: committed ballots (any channel) and
    ballots typed in its other batches not yet committed."""
    wanted = list(dict.fromkeys(serials))
    taken: set[str] = set()
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        taken.update(
            Ballot.objects.filter(evaluation_id=evaluation_id, serial__in=chunk).values_list(
                "serial", flat=True
            )
        )
        pending = PaperEntry.objects.filter(
            batch__evaluation_id=evaluation_id,
            batch__state=PaperBatch.State.ENTERING,
            serial__in=chunk,
        )
        if batch_id is not None:
            pending = pending.exclude(batch_id=batch_id)
        taken.update(pending.values_list("serial", flat=True))
    return taken


# ---------------------------------------------------------------------------------------------
# Batches and entries


def batch_create(*, group: RaterGroup, double_entry: bool, actor: Clerk) -> PaperBatch:
    """Start a batch of paper ballots of one rater group (numbered per evaluation)."""
    with transaction.atomic():
        evaluation = locked_evaluation(group.evaluation_id)
        last = (
            PaperBatch.objects.filter(evaluation=evaluation)
            .order_by("-number")
            .values_list("number", flat=True)
            .first()
        )
        batch = PaperBatch.objects.create(
            evaluation=evaluation,
            group=group,
            number=(last or 0) + 1,
            double_entry=double_entry,
        )
        audit_record(
            actor=actor.username,
            action="paper_batch_create",
            plan=evaluation.plan.code,
            detail={
                "evaluation": evaluation.code,
                "group": group.code,
                "batch": batch.number,
                "double_entry": double_entry,
            },
        )
    return batch


def clerk_round(batch: PaperBatch, clerk: Clerk) -> int | None:
    """The round ``clerk`` types in this batch, or None when it cannot type in it.

    Single entry: round 1, whoever types. Double entry: the round the clerk already typed in,
    else the first round nobody has started; the two rounds are always two different clerks.
    """
    if not batch.double_entry:
        return 1
    clerks = dict(
        PaperEntry.objects.filter(batch=batch)
        .values_list("round", "clerk_id")
        .order_by("round")
        .distinct()
    )
    for number, owner in clerks.items():
        if owner == clerk.pk:
            return number
    for number in (1, 2):
        if number not in clerks:
            return number
    return None


@dataclass(frozen=True, slots=True)
class Saved:
    entry: PaperEntry
    void: str | None


def entry_save(
    *,
    batch_id: int,
    clerk: Clerk,
    serial: str,
    keys: Mapping[str, str],
    replace: int | None = None,
) -> Saved:
    """Store one typed ballot of the batch (or replace the clerk's entry ``replace``).

    Raises ``InputError`` with problems located by field (``serial``, ``k0``, ``k0.1``,
    ``picks``), changing nothing. A void ballot is stored, and ``Saved.void`` says why.
    """
    with transaction.atomic():
        batch = _locked_batch(batch_id)
        number = clerk_round(batch, clerk)
        if number is None:
            raise InputError([Problem("批次", "本批次已由两位录入员录入，请另开批次")])
        form = ballot_form.group_form(batch.group)
        problems: list[Problem] = []
        try:
            text = normalise_serial(serial)
        except ValueError as error:
            problems.append(Problem(SERIAL_FIELD, str(error)))
            text = ""
        marks, typed = parse_keys(form, keys)
        problems.extend(typed)
        if text:
            mine = PaperEntry.objects.filter(batch=batch, round=number, serial=text)
            if replace is not None:
                mine = mine.exclude(pk=replace)
            if mine.exists():
                problems.append(Problem(SERIAL_FIELD, f"票号 {text} 本批已录入过"))
            elif serials_taken(batch.evaluation_id, [text], batch_id=batch.pk):
                problems.append(Problem(SERIAL_FIELD, f"票号 {text} 已在本测评的其他批次或已入库"))
        if not problems:
            result = check(form, marks)
            problems.extend(Problem("票面", message) for message in result.errors)
        if problems:
            raise InputError(problems)
        if replace is not None:
            entry = PaperEntry.objects.filter(
                pk=replace, batch=batch, round=number, clerk_id=clerk.pk
            ).first()
            if entry is None:
                raise InputError([Problem("票面", "要修改的录入不存在或不是您录入的")])
            entry.serial, entry.marks = text, marks
            entry.save(update_fields=["serial", "marks"])
        else:
            entry = PaperEntry.objects.create(
                batch=batch, round=number, clerk_id=clerk.pk, serial=text, marks=marks
            )
    return Saved(entry, result.void)


def entry_delete(*, batch_id: int, entry_id: int, clerk: Clerk) -> None:
    """Delete one of the clerk's own entries of a batch not yet committed."""
    with transaction.atomic():
        batch = _locked_batch(batch_id)
        deleted, _ = PaperEntry.objects.filter(pk=entry_id, batch=batch, clerk_id=clerk.pk).delete()
        if not deleted:
            raise InputError([Problem("票面", "要删除的录入不存在或不是您录入的")])


def batch_delete(*, batch_id: int, actor: Clerk) -> None:
    """Drop a batch not yet committed, with its entries (a batch started by mistake)."""
    with transaction.atomic():
        batch = _locked_batch(batch_id)
        evaluation = batch.evaluation
        audit_record(
            actor=actor.username,
            action="paper_batch_delete",
            plan=evaluation.plan.code,
            detail={"evaluation": evaluation.code, "batch": batch.number},
        )
        batch.delete()


# ---------------------------------------------------------------------------------------------
# Double entry and commit


@dataclass(frozen=True, slots=True)
class Difference:
    """Where the two rounds of a batch disagree: a serial only one round has (``assessee``
    None), or the assessee's mark as each round typed it (None: not marked)."""

    serial: str
    assessee: str | None
    first: str | None
    second: str | None


def shown(form: BallotForm, marks: Marks, assessee: str) -> str | None:
    """One assessee's mark as a person reads it (label, number, 德=优秀;…, 选), or None."""
    if isinstance(marks, list):
        return "选" if assessee in marks else None
    value = marks.get(assessee)
    if value is None:
        return None
    rows = check(form, {assessee: value}).marks
    return rows[0][1] if rows else None


def batch_compare(batch: PaperBatch) -> list[Difference]:
    """The differences between the two rounds of a double-entry batch, by serial and
    assessee (in ballot order); empty when they agree."""
    form = ballot_form.group_form(batch.group)
    rounds: dict[int, dict[str, Marks]] = {1: {}, 2: {}}
    for number, serial, marks in PaperEntry.objects.filter(batch=batch).values_list(
        "round", "serial", "marks"
    ):
        rounds.setdefault(number, {})[serial] = marks
    first, second = rounds[1], rounds[2]
    codes = [code for code, _, _ in form.assessees]
    differences: list[Difference] = []
    for serial in sorted(set(first) | set(second), key=_serial_key):
        if serial not in first or serial not in second:
            differences.append(
                Difference(
                    serial,
                    None,
                    "已录入" if serial in first else None,
                    "已录入" if serial in second else None,
                )
            )
            continue
        a, b = first[serial], second[serial]
        marked = [c for c in codes if shown(form, a, c) or shown(form, b, c)]
        for code in marked:
            left, right = shown(form, a, code), shown(form, b, code)
            if left != right:
                differences.append(Difference(serial, code, left, right))
    return differences


def _serial_key(serial: str) -> tuple[Any, ...]:
    """Natural order: 2 before 10, whatever the letters around the digits."""
    return tuple(
        (0, int(part), "") if part.isdigit() else (1, 0, part)
        for part in re.split(r"(\d+)", serial)
        if part
    )


@dataclass(frozen=True, slots=True)
class Committed:
    ballots: int
    marks: int
    void: int  # void, or with a void mark (what §4 voids); blank ballots are not among them
    blank: int


def batch_commit(*, batch_id: int, actor: Clerk) -> Committed:
    """Write the batch's ballots into the evaluation's count, all or nothing.

    Double entry: both rounds typed by two different clerks and no difference between them.
    The stored ballot is round 1's (equal to round 2's by then).
    """
    from kaohe.entry.services import results_mark_stale

    with transaction.atomic():
        batch = _locked_batch(batch_id)
        evaluation = batch.evaluation
        entries = list(PaperEntry.objects.filter(batch=batch).order_by("round", "pk"))
        first = [entry for entry in entries if entry.round == 1]
        if not first:
            raise InputError([Problem("批次", "本批次还没有录入任何选票")])
        if batch.double_entry:
            second = [entry for entry in entries if entry.round == 2]
            if not second:
                raise InputError([Problem("批次", "双人录入：第二位录入员尚未录入，不能入库")])
            different = batch_compare(batch)
            if different:
                raise InputError(
                    [Problem("批次", f"两次录入有 {len(different)} 处不一致，核对改正后才能入库")]
                )
        form = ballot_form.group_form(batch.group)
        taken = serials_taken(evaluation.pk, [e.serial for e in first], batch_id=batch.pk)
        if taken:
            listed = "、".join(sorted(taken, key=_serial_key))
            raise InputError([Problem("批次", f"票号已在本测评中使用：{listed}")])
        ballots: list[tuple[str, tuple[Row, ...]]] = []
        void = blank = 0
        problems: list[Problem] = []
        for entry in first:
            result = check(form, entry.marks)
            problems.extend(Problem(f"票号 {entry.serial}", e) for e in result.errors)
            blank += result.blank
            void += result.void is not None and not result.blank
            ballots.append((entry.serial, result.marks or ((None, None),)))
        if problems:
            raise InputError(problems)
        marks = ballots_write(evaluation=evaluation, group=batch.group, ballots=ballots)
        batch.state = PaperBatch.State.COMMITTED
        batch.save(update_fields=["state"])
        results_mark_stale(plan=evaluation.plan)
        audit_record(
            actor=actor.username,
            action="paper_batch_commit",
            plan=evaluation.plan.code,
            detail={
                "evaluation": evaluation.code,
                "group": batch.group.code,
                "batch": batch.number,
                "ballots": len(ballots),
                "void": void,
                "blank": blank,
            },
        )
    return Committed(len(ballots), marks, void, blank)
