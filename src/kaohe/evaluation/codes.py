"""测评码: one-time voting codes, issued per rater group and stored only as keyed digests
(docs/voting.md).

A code is 12 characters from a 25-character alphabet without look-alikes (no 0/O, 1/I/L,
2/Z, 5/S, 8/B): 12 × log2(25) ≈ 55.7 bits from ``secrets``. It is printed grouped
``XXXX-XXXX-XXXX``; what a voter types is normalised (upper case, dashes and spaces removed)
and full-width characters are refused with a message instead of being guessed at.

The database keeps ``HMAC-SHA256(key, code)`` with a key derived from ``SECRET_KEY``, so a copy
of the database alone does not let anyone vote with the codes. Issuing codes also makes as many
empty slots of the sealed ballot box (``SealedBallot``), each padded to the group's fixed
length, so that casting later fills a slot in place (``kaohe.evaluation.casting``).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max
from django.utils.crypto import salted_hmac

from kaohe.evaluation.models import Evaluation, RaterGroup, SealedBallot, VotingCode

ALPHABET = "3467ACDEFGHJKMNPQRTUVWXY9"
LENGTH = 12
GROUP = 4  # printed in groups of four: XXXX-XXXX-XXXX
MAX_ISSUE = 5000  # codes per request: a county meeting, not a flood of rows

_CODE_SALT = "kaohe.evaluation.codes.v1"
_RECEIPT_SALT = "kaohe.evaluation.receipt.v1"
_SLOT_RECEIPT_SALT = "kaohe.evaluation.slot-receipt.v1"
RECEIPT_LENGTH = 16  # 16 × log2(25) ≈ 74 bits: not guessable, short enough to copy down
# Characters a voter may read instead of one of the alphabet: named in the error message.
_LOOK_ALIKES = "0O1IL2Z5S8B"
_SEPARATORS = str.maketrans("", "", "- \t\r\n")
ISSUABLE = (Evaluation.Status.DRAFT, Evaluation.Status.OPEN)


@dataclass(frozen=True, slots=True)
class IssuedCode:
    """A code as printed on slip ``number`` of its group (the only time it exists in clear)."""

    number: int
    code: str


def random_string(length: int) -> str:
    """``length`` characters of the alphabet from ``secrets``."""
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def grouped(code: str) -> str:
    """``ABCDEFGHJKMN`` → ``ABCD-EFGH-JKMN`` (the printed form).

    >>> grouped("3467ACDEFGHJ")
    '3467-ACDE-FGHJ'
    """
    return "-".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))


def generate_code() -> str:
    """A fresh code in its printed form ``XXXX-XXXX-XXXX``."""
    return grouped(random_string(LENGTH))


def _full_width(text: str) -> list[str]:
    """Full-width forms (U+FF01–U+FF5E) and the ideographic space in ``text``."""
    return [ch for ch in text if 0xFF01 <= ord(ch) <= 0xFF5E or ch == "\u3000"]


def normalise_code(text: str) -> str:
    """The code as stored: upper case, without dashes or spaces; ValueError (Chinese) if it
    cannot be a code.

    >>> normalise_code(" 3467-acde-fghj ")
    '3467ACDEFGHJ'
    >>> normalise_code("３467ACDEFGHJ")
    Traceback (most recent call last):
    ...
    ValueError: 测评码含有全角字符“３”，请切换到半角（英文）输入后重新输入
    """
    if not isinstance(text, str):
        raise ValueError("请输入测评码")
    wide = _full_width(text)
    if wide:
        raise ValueError(f"测评码含有全角字符“{wide[0]}”，请切换到半角（英文）输入后重新输入")
    code = text.translate(_SEPARATORS).upper()
    if not code:
        raise ValueError("请输入测评码")
    strange = [ch for ch in code if ch not in ALPHABET]
    if strange:
        look = [ch for ch in strange if ch in _LOOK_ALIKES]
        if look:
            raise ValueError(
                f"测评码中不会出现“{look[0]}”（已排除 0/O、1/I/L、2/Z、5/S、8/B 等易混字符），"
                "请核对票签"
            )
        raise ValueError(f"测评码含有无效字符“{strange[0]}”，请核对票签")
    if len(code) != LENGTH:
        raise ValueError(f"测评码应为 {LENGTH} 位（现为 {len(code)} 位），请核对票签")
    return code


def keyed_digest(salt: str, value: str) -> str:
    """HMAC-SHA256 of ``value`` with a key derived from ``SECRET_KEY`` and ``salt`` (hex)."""
    return salted_hmac(salt, value, algorithm="sha256").hexdigest()


def code_digest(code: str) -> str:
    """The stored digest of a code (normalised first, so a grouped or lower-case code works)."""
    return keyed_digest(_CODE_SALT, normalise_code(code))


def receipt_digest(receipt: str) -> str:
    """The stored digest of a receipt (normalised, without dashes)."""
    return keyed_digest(_RECEIPT_SALT, receipt)


def slot_receipt(slot_id: int) -> str:
    """The receipt of a slot (normalised form): drawn from a keyed digest of its random key.

    Fixed when the slot is made, so casting never changes the indexed ``receipt`` column: the
    slot is filled with an update that can stay on its page (docs/voting.md).
    """
    number = int(keyed_digest(_SLOT_RECEIPT_SALT, str(slot_id)), 16)
    chars = []
    for _ in range(RECEIPT_LENGTH):
        number, index = divmod(number, len(ALPHABET))
        chars.append(ALPHABET[index])
    return "".join(chars)


def _fresh_codes(count: int) -> dict[str, str]:
    """``count`` distinct new codes: digest → printed code (none already stored)."""
    fresh: dict[str, str] = {}
    while len(fresh) < count:
        batch = {}
        for _ in range(count - len(fresh)):
            code = generate_code()
            batch[code_digest(code)] = code
        taken = set(
            VotingCode.objects.filter(digest__in=list(batch)).values_list("digest", flat=True)
        )
        fresh.update((d, c) for d, c in batch.items() if d not in taken and d not in fresh)
    return fresh


def _slot_length(group: RaterGroup) -> int:
    """The group's fixed slot length: the length of its existing slots, else the longest
    ballot its form allows (``ballot_form.slot_length``)."""
    from kaohe.evaluation.ballot_form import group_form, slot_length

    existing = SealedBallot.objects.filter(group=group).values_list("content", flat=True).first()
    if existing:
        return len(existing)
    return slot_length(group_form(group))


def _locked_group(group: RaterGroup) -> RaterGroup:
    """The group with its evaluation locked (issuing and opening/closing are serialised)."""
    evaluation = Evaluation.objects.select_for_update().get(pk=group.evaluation_id)
    if evaluation.status not in ISSUABLE:
        raise ValueError(
            f"测评“{evaluation.name}”{evaluation.get_status_display()}，不能再发放测评码"
        )
    locked = RaterGroup.objects.get(pk=group.pk)
    locked.evaluation = evaluation
    return locked


def _issue(group: RaterGroup, numbers: list[int]) -> list[IssuedCode]:
    fresh = _fresh_codes(len(numbers))
    VotingCode.objects.bulk_create(
        VotingCode(evaluation_id=group.evaluation_id, group=group, number=number, digest=digest)
        for number, digest in zip(numbers, fresh, strict=True)
    )
    padding = " " * _slot_length(group)
    # Empty slots are identical; their random keys are the only order they have.
    slots = [
        SealedBallot(evaluation_id=group.evaluation_id, group=group, content=padding)
        for _ in numbers
    ]
    for slot in slots:
        slot.receipt = receipt_digest(slot_receipt(slot.pk))
    SealedBallot.objects.bulk_create(slots)
    return [
        IssuedCode(number=number, code=code)
        for number, code in zip(numbers, fresh.values(), strict=True)
    ]


def issue_codes(*, group: RaterGroup, count: int) -> list[IssuedCode]:
    """Issue ``count`` new codes to ``group`` (slip numbers continue the group's), with as many
    empty ballot-box slots. Only while the evaluation is a draft or open; one transaction.

    The codes returned are the only copy in clear: print them (slips) and forget them.
    """
    if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= MAX_ISSUE:
        raise ValueError(f"发放数量应为 1 到 {MAX_ISSUE} 之间的整数")
    with transaction.atomic():
        group = _locked_group(group)
        last = VotingCode.objects.filter(group=group).aggregate(last=Max("number"))["last"] or 0
        return _issue(group, list(range(last + 1, last + 1 + count)))


def reissue_code(*, group: RaterGroup, number: int) -> IssuedCode:
    """Reprint a lost slip: revoke the unused code of slip ``number`` and issue a new code with
    the same number. A used code cannot be reissued (its ballot is already in the box)."""
    with transaction.atomic():
        group = _locked_group(group)
        codes = list(VotingCode.objects.select_for_update().filter(group=group, number=number))
        if not codes:
            raise ValueError(f"测评主体“{group.name}”没有第 {number} 号票签")
        if any(code.state == VotingCode.State.USED for code in codes):
            raise ValueError(f"第 {number} 号票签的测评码已经投票，不能补发")
        live = [code.pk for code in codes if code.state == VotingCode.State.ISSUED]
        VotingCode.objects.filter(pk__in=live).update(state=VotingCode.State.REVOKED)
        # No new slot: the box keeps one free slot per unused code, and the revoked code's
        # slot is the new code's.
        fresh = _fresh_codes(1)
        digest, code = next(iter(fresh.items()))
        VotingCode.objects.create(
            evaluation_id=group.evaluation_id, group=group, number=number, digest=digest
        )
        return IssuedCode(number=number, code=code)
