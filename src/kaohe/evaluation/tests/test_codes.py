"""测评码: alphabet, entropy, normalisation, digests; issuing and reissuing (docs/voting.md)."""

from __future__ import annotations

import math

import pytest

from kaohe.evaluation import codes
from kaohe.evaluation.codes import (
    ALPHABET,
    code_digest,
    generate_code,
    issue_codes,
    normalise_code,
    reissue_code,
)
from kaohe.evaluation.models import Evaluation, SealedBallot, VotingCode

from . import ballot_fixtures
from .ballot_fixtures import Voting

voting = ballot_fixtures.voting  # the fixture


def test_alphabet_has_no_look_alikes_and_enough_bits() -> None:
    assert len(set(ALPHABET)) == len(ALPHABET) == 25
    assert not set("0O1IL2Z5S8B") & set(ALPHABET)
    assert codes.LENGTH * math.log2(len(ALPHABET)) >= 50


def test_generated_codes_are_grouped_random_and_normalise_back() -> None:
    seen = {generate_code() for _ in range(2000)}
    assert len(seen) == 2000
    for code in list(seen)[:50]:
        assert len(code) == 14 and code[4] == code[9] == "-"
        assert normalise_code(code) == code.replace("-", "")
        assert normalise_code(code.lower().replace("-", " ")) == code.replace("-", "")
    # every character of the alphabet shows up, none other
    assert set("".join(seen).replace("-", "")) == set(ALPHABET)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("３467-ACDE-FGHJ", "全角"),
        ("3467-ACDE-FGHＪ", "全角"),
        ("3467\u3000ACDE-FGHJ", "全角"),
        ("3467-ACDE-FGH0", "易混"),
        ("3467-ACDE-FGHO", "易混"),
        ("3467-ACDE-FGH", "12 位"),
        ("3467-ACDE-FGHJK", "12 位"),
        ("3467-ACDE-FGH!", "无效字符"),
        ("", "请输入"),
        ("  - ", "请输入"),
    ],
)
def test_bad_codes_get_a_chinese_message(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        normalise_code(text)


def test_digest_is_keyed_and_ignores_formatting(settings: pytest.FixtureRequest) -> None:
    code = generate_code()
    digest = code_digest(code)
    assert len(digest) == 64 and code.replace("-", "") not in digest
    assert code_digest(code.lower().replace("-", "")) == digest
    settings.SECRET_KEY = "another-key"  # type: ignore[attr-defined]
    assert code_digest(code) != digest


def test_issue_codes_stores_digests_and_slots(voting: Voting) -> None:
    group = voting.group("mz", "staff")
    issued = issue_codes(group=group, count=30)
    assert [c.number for c in issued] == list(range(1, 31))
    rows = VotingCode.objects.filter(group=group)
    assert rows.count() == 30
    assert {row.digest for row in rows} == {code_digest(c.code) for c in issued}
    stored = " ".join(str(v) for row in rows.values() for v in row.values())
    assert not any(c.code.replace("-", "") in stored or c.code in stored for c in issued)
    slots = SealedBallot.objects.filter(group=group)
    assert slots.count() == 30 and not slots.filter(cast=True).exists()
    assert len({len(s.content) for s in slots}) == 1 and slots[0].content.strip() == ""
    more = issue_codes(group=group, count=5)
    assert [c.number for c in more] == list(range(31, 36))
    assert len({len(s.content) for s in SealedBallot.objects.filter(group=group)}) == 1


@pytest.mark.parametrize("count", [0, -1, 5001, 2.0, True])
def test_issue_codes_refuses_bad_counts(voting: Voting, count: object) -> None:
    with pytest.raises(ValueError, match="发放数量"):
        issue_codes(group=voting.group("mz", "staff"), count=count)  # type: ignore[arg-type]
    assert not VotingCode.objects.exists()


@pytest.mark.parametrize("status", [Evaluation.Status.CLOSED, Evaluation.Status.COUNTED])
def test_issue_codes_only_for_draft_or_open(voting: Voting, status: str) -> None:
    voting.set_status("mz", Evaluation.Status.DRAFT)
    assert issue_codes(group=voting.group("mz", "staff"), count=2)
    voting.set_status("mz", status)
    with pytest.raises(ValueError, match="不能再发放"):
        issue_codes(group=voting.group("mz", "staff"), count=2)
    with pytest.raises(ValueError, match="不能再发放"):
        reissue_code(group=voting.group("mz", "staff"), number=1)
    assert VotingCode.objects.count() == 2 and SealedBallot.objects.count() == 2


def test_reissue_revokes_the_lost_code(voting: Voting) -> None:
    from kaohe.evaluation.casting import CodeUnknown, cast_ballot

    group = voting.group("zc", "all")
    old = issue_codes(group=group, count=3)
    new = reissue_code(group=group, number=2)
    assert new.number == 2 and new.code != old[1].code
    assert VotingCode.objects.get(digest=code_digest(old[1].code)).state == "revoked"
    assert VotingCode.objects.get(digest=code_digest(new.code)).state == "issued"
    assert SealedBallot.objects.filter(group=group).count() == 3
    with pytest.raises(CodeUnknown, match="作废"):
        cast_ballot(code=old[1].code, marks={"P01": True})
    assert cast_ballot(code=new.code, marks={"P01": True})
    # a used code cannot be reissued; an unknown number neither
    with pytest.raises(ValueError, match="已经投票"):
        reissue_code(group=group, number=2)
    with pytest.raises(ValueError, match="没有第 9 号"):
        reissue_code(group=group, number=9)
