"""The ballot form of a group and the check of a filled-in ballot (scoring.md §4, §8)."""

from __future__ import annotations

from typing import Any

import pytest

from kaohe.evaluation.ballot_form import (
    BallotForm,
    check_ballot,
    decode,
    encode,
    group_form,
    scope,
    slot_length,
)

from . import ballot_fixtures
from .ballot_fixtures import GRADES, PEOPLE, Voting

voting = ballot_fixtures.voting  # the fixture

CODES = [code for code, _, _ in PEOPLE]


def form(voting: Voting, evaluation: str, group: str = "all") -> BallotForm:
    return group_form(voting.group(evaluation, group))


def test_group_form_describes_the_ballot(voting: Voting) -> None:
    mz = form(voting, "mz", "staff")
    assert mz.assessees[0] == ("P01", "张三", "镇长")
    assert [c for c, _, _ in mz.assessees] == CODES
    assert mz.options == tuple((k, float(v)) for k, v in GRADES.items())
    assert mz.top_label == "优秀" and mz.top_labels == ("优秀",)
    assert mz.top_limit(6) == 1 and mz.top_limit(10) == 3 and mz.top_limit(100) == 30
    assert mz.group_name == "干部职工" and mz.evaluation_code == "mz" and mz.form == "grade"
    dn = form(voting, "dn")
    assert [d for d, _ in dn.dimensions] == ["德", "能", "勤", "绩", "廉"]
    zc = form(voting, "zc")
    assert zc.is_worst and zc.max_picks == 2 and zc.top_limit(6) is None
    assert form(voting, "pf", "jury").max == 100.0


def test_scope_follows_the_group_list(voting: Voting) -> None:
    group = voting.group("mz", "leaders")
    assert scope(group) == CODES
    group.assessees = ["P03", "P01"]
    group.save()
    assert scope(group) == ["P03", "P01"]
    assert [c for c, _, _ in group_form(group).assessees] == ["P03", "P01"]
    # the worst vote is no section's source: every assessee of the plan
    assert scope(voting.group("zc", "all")) == CODES


def grade(**marks: str) -> dict[str, str]:
    return dict(marks)


def test_a_valid_grade_ballot(voting: Voting) -> None:
    check = check_ballot(
        form(voting, "mz", "staff"),
        {"P01": "优秀", "P02": "称职", "P03": "基本称职", "P04": "不称职"},
    )
    assert check.ok and check.marks[0] == ("P01", "优秀") and len(check.marks) == 4


@pytest.mark.parametrize(
    ("evaluation", "marks", "errors", "void"),
    [
        # too many 优秀: 6 marked, at most max(1, floor(6 × 0.3)) = 1
        ("mz", {c: "优秀" if i < 2 else "称职" for i, c in enumerate(CODES)}, None, "“优秀”过多"),
        ("mz", {"P01": "很好"}, None, "不是本票的选项"),
        ("mz", {"P99": "优秀"}, "不在本测评主体的测评范围内", None),
        ("mz", [("P01", "优秀"), ("P01", "称职")], "重复出现", None),
        ("mz", {"P01": 3}, "应为选项文字", None),
        ("mz", {}, None, "空白票"),
        ("mz", {"P01": ""}, None, "空白票"),
        ("mz", "P01=优秀", "格式不正确", None),
        ("pf", {"P01": "101"}, None, "超出 0–100 分"),
        ("pf", {"P01": 100.5}, None, "超出"),
        ("pf", {"P01": "-1"}, "格式不正确", None),
        ("pf", {"P01": "９０"}, "全角", None),
        ("pf", {"P01": "9０"}, "全角", None),
        ("pf", {"P01": "90.123"}, "格式不正确", None),
        ("pf", {"P01": "1e2"}, "格式不正确", None),
        ("pf", {"P01": float("nan")}, "不是有效数字", None),
        ("pf", {"P01": True}, "应为数字", None),
        ("pf", {"P01": [90]}, "应为数字", None),
        ("dn", {"P01": {"德": "优秀", "能": "称职"}}, None, "缺少“勤、绩、廉”"),
        ("dn", {"P01": {"德": "优秀", "才": "称职"}}, "没有的维度", None),
        ("dn", {"P01": "优秀"}, "按维度", None),
        ("zc", {"P01": True, "P02": "1", "P03": 1}, None, "最多可选 2 个"),
        ("zc", [("P01", True), ("P01", True)], "重复出现", None),
        ("zc", {"P07": True}, "不在本测评主体", None),
    ],
)
def test_refusals_and_void_reasons(
    voting: Voting, evaluation: str, marks: Any, errors: str | None, void: str | None
) -> None:
    group = {"mz": "staff", "pf": "jury"}.get(evaluation, "all")
    check = check_ballot(form(voting, evaluation, group), marks)
    assert not check.ok
    if errors:
        assert any(errors in e for e in check.errors), check
        assert check.marks == ()
    else:
        assert not check.errors and check.void and void in check.void, check


def test_void_ballots_keep_what_was_written(voting: Voting) -> None:
    """A paper ballot that is only void is stored as written: the counting voids it."""
    check = check_ballot(form(voting, "pf", "jury"), {"P02": "120", "P01": 95})
    assert check.marks == (("P01", "95"), ("P02", "120"))
    dims = {"德": "优秀", "能": "称职", "勤": "称职", "绩": "称职"}
    check = check_ballot(form(voting, "dn"), {"P01": dims})
    assert check.marks == (("P01", "德=优秀;能=称职;勤=称职;绩=称职"),)
    assert "缺少“廉”" in (check.void or "")


def test_top_share_counts_every_mark_and_full_scores(voting: Voting) -> None:
    mz = form(voting, "mz", "staff")
    # 3 marked: the limit is max(1, floor(0.9)) = 1
    assert check_ballot(mz, {"P01": "优秀", "P02": "称职", "P03": "称职"}).ok
    assert not check_ballot(mz, {"P01": "优秀", "P02": "优秀", "P03": "称职"}).ok
    top = dict.fromkeys("德能勤绩廉", "优秀")
    ok = dict.fromkeys("德能勤绩廉", "称职")
    dn = form(voting, "dn")
    assert check_ballot(dn, {"P01": top, "P02": ok, "P03": ok}).ok
    assert "过多" in (check_ballot(dn, {"P01": top, "P02": top, "P03": ok}).void or "")
    # a dimensions mark is top only when every dimension is
    assert check_ballot(dn, {"P01": top, "P02": {**top, "廉": "称职"}}).ok


def test_worst_ballots(voting: Voting) -> None:
    zc = form(voting, "zc")
    assert check_ballot(zc, {"P02": True, "P01": "1"}).marks == (("P01", None), ("P02", None))
    empty = check_ballot(zc, {"P01": False, "P02": ""})
    assert empty.ok and empty.blank and empty.marks == ((None, None),)


def test_encoding_fits_the_slot(voting: Voting) -> None:
    for evaluation, group in (("mz", "staff"), ("dn", "all"), ("pf", "jury"), ("zc", "all")):
        f = form(voting, evaluation, group)
        longest = {
            "mz": dict.fromkeys(CODES, "基本称职"),
            "dn": {c: dict.fromkeys("德能勤绩廉", "基本称职") for c in CODES},
            "pf": dict.fromkeys(CODES, "99.25"),
            "zc": dict.fromkeys(CODES, True),
        }[evaluation]
        rows = check_ballot(f, longest).marks
        text = encode(rows)
        assert text.isascii() and len(text) <= slot_length(f) and slot_length(f) % 64 == 0
        assert decode(text.ljust(slot_length(f))) == list(rows)
