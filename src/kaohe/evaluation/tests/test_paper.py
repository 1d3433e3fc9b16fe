"""Paper ballots typed by clerks: keys, void ballots, refusals at the field, serial
uniqueness, double entry and the commit into the count (kaohe.evaluation.paper)."""

from __future__ import annotations

from typing import Any

import pytest

from kaohe.accounts.models import User
from kaohe.engine import score
from kaohe.errors import InputError
from kaohe.evaluation import ballot_form, paper
from kaohe.evaluation.models import Ballot, Evaluation, PaperBatch, PaperEntry
from kaohe.evaluation.tests import paper_fixtures
from kaohe.evaluation.tests.paper_fixtures import PLAN, group
from kaohe.evaluation.tests.stored import stored_marks
from kaohe.plans.models import Plan
from kaohe.plans.selectors import plan_document

pytestmark = pytest.mark.django_db
plan, clerks = paper_fixtures.plan, paper_fixtures.clerks  # fixtures


def _problems(error: pytest.ExceptionInfo[InputError]) -> dict[str, str]:
    return {problem.where: problem.message for problem in error.value.problems}


def _batch(evaluation: str, code: str, clerk: User, *, double: bool = False) -> PaperBatch:
    return paper.batch_create(group=group(evaluation, code), double_entry=double, actor=clerk)


def _grade(*keys: str) -> dict[str, str]:
    return {paper.key_field(i): key for i, key in enumerate(keys)}


# --- keys ------------------------------------------------------------------------------------


def test_grade_keys_are_the_options_in_order(plan: Plan) -> None:
    form = ballot_form.group_form(group("mz", "leaders"))
    marks, problems = paper.parse_keys(form, _grade("1", "2", "", "4"))
    assert problems == []
    assert marks == {"A01": "优秀", "A02": "称职", "A04": "不称职"}
    marks, _ = paper.parse_keys(form, _grade("0"))
    assert marks == {"A01": paper.SPOILED}  # a spoiled mark: counted as a void mark


@pytest.mark.parametrize(
    ("key", "needle"),
    [("5", "1–4"), ("１", "全角"), ("a", "1–4"), ("12", "1–4"), ("-1", "1–4")],
)
def test_a_key_that_is_no_option_is_refused_at_its_field(plan: Plan, key: str, needle: str) -> None:
    form = ballot_form.group_form(group("mz", "leaders"))
    _, problems = paper.parse_keys(form, _grade("1", key))
    assert [p.where for p in problems] == ["k1"]
    assert needle in problems[0].message and "河口镇" in problems[0].message


def test_dimension_keys_score_numbers_and_worst_picks(plan: Plan) -> None:
    dims = ballot_form.group_form(group("dd", "all"))
    keys = {paper.key_field(0, d): "1" for d in range(5)} | {paper.key_field(1, 2): "３"}
    marks, problems = paper.parse_keys(dims, keys)
    assert marks == {"A01": {"德": "好", "能": "好", "勤": "好", "绩": "好", "廉": "好"}}
    assert [p.where for p in problems] == ["k1.2"] and "全角" in problems[0].message

    scores = ballot_form.group_form(group("sc", "jury"))
    marks, problems = paper.parse_keys(scores, _grade("85", "120", "8a", "８５", ""))
    assert marks == {"A01": "85", "A02": "120"}
    assert [p.where for p in problems] == ["k2", "k3"]
    assert "格式不正确" in problems[0].message and "全角" in problems[1].message

    worst = ballot_form.group_form(group("zc", "all"))
    assert paper.parse_keys(worst, {"picks": "3"}) == (["A03"], [])
    assert paper.parse_keys(worst, {"picks": "2、3"}) == (["A02", "A03"], [])
    assert paper.parse_keys(worst, {"picks": ""}) == ([], [])
    for typed, needle in (("9", "1–4"), ("2 2", "重复"), ("２", "全角"), ("x", "1–4")):
        _, problems = paper.parse_keys(worst, {"picks": typed})
        assert [p.where for p in problems] == ["picks"] and needle in problems[0].message


def test_serial_is_normalised_and_full_width_refused() -> None:
    assert paper.normalise_serial(" p-07 ") == "P-07"
    assert paper.normalise_serial("W-0001") == "W-0001"
    for text, needle in (
        ("", "请填写"),
        ("０７", "全角"),
        ("1 2", "空格"),
        ("9" * 65, "最长"),
        ("w00000000000000a1", "网上测评票"),
    ):
        with pytest.raises(ValueError, match=needle):
            paper.normalise_serial(text)


# --- entering --------------------------------------------------------------------------------


def test_a_void_ballot_is_stored_with_its_reason(plan: Plan, clerks: tuple[User, User]) -> None:
    batch = _batch("mz", "leaders", clerks[0])
    saved = paper.entry_save(
        batch_id=batch.pk, clerk=clerks[0], serial="001", keys=_grade("1", "1", "1", "2")
    )
    # 4 marked, max_top_share 0.5: at most 2 优秀; 3 makes the whole ballot void.
    assert saved.void is not None and "优秀" in saved.void
    ok = paper.entry_save(
        batch_id=batch.pk, clerk=clerks[0], serial="002", keys=_grade("1", "2", "3", "4")
    )
    assert ok.void is None
    assert list(PaperEntry.objects.values_list("serial", flat=True).order_by("serial")) == [
        "001",
        "002",
    ]


def test_refusals_change_nothing(plan: Plan, clerks: tuple[User, User]) -> None:
    clerk = clerks[0]
    batch = _batch("mz", "leaders", clerk)
    other = _batch("mz", "staff", clerk)
    paper.entry_save(batch_id=batch.pk, clerk=clerk, serial="001", keys=_grade("1"))
    paper.entry_save(batch_id=other.pk, clerk=clerk, serial="900", keys=_grade("2"))
    cases = [
        ("001", _grade("2"), "serial", "本批已录入"),
        ("900", _grade("2"), "serial", "其他批次"),
        ("００２", _grade("2"), "serial", "全角"),
        ("", _grade("2"), "serial", "请填写"),
        ("003", _grade("2", "7"), "k1", "1–4"),
    ]
    for serial, keys, where, needle in cases:
        with pytest.raises(InputError) as error:
            paper.entry_save(batch_id=batch.pk, clerk=clerk, serial=serial, keys=keys)
        assert needle in _problems(error)[where]
    assert PaperEntry.objects.count() == 2


def test_an_entry_can_be_corrected_and_deleted_by_its_clerk(
    plan: Plan, clerks: tuple[User, User]
) -> None:
    batch = _batch("mz", "leaders", clerks[0])
    saved = paper.entry_save(batch_id=batch.pk, clerk=clerks[0], serial="1", keys=_grade("1"))
    paper.entry_save(
        batch_id=batch.pk, clerk=clerks[0], serial="1", keys=_grade("2"), replace=saved.entry.pk
    )
    assert PaperEntry.objects.get().marks == {"A01": "称职"}
    with pytest.raises(InputError):
        paper.entry_delete(batch_id=batch.pk, entry_id=saved.entry.pk, clerk=clerks[1])
    paper.entry_delete(batch_id=batch.pk, entry_id=saved.entry.pk, clerk=clerks[0])
    assert not PaperEntry.objects.exists()


def test_serials_are_unique_across_committed_ballots(plan: Plan, clerks: tuple[User, User]) -> None:
    clerk = clerks[0]
    first = _batch("mz", "leaders", clerk)
    paper.entry_save(batch_id=first.pk, clerk=clerk, serial="A1", keys=_grade("1"))
    paper.batch_commit(batch_id=first.pk, actor=clerk)
    second = _batch("mz", "staff", clerk)
    with pytest.raises(InputError) as error:
        paper.entry_save(batch_id=second.pk, clerk=clerk, serial="a1", keys=_grade("2"))
    assert "已入库" in _problems(error)["serial"]
    # Another evaluation has its own serials.
    other = _batch("sc", "jury", clerk)
    paper.entry_save(batch_id=other.pk, clerk=clerk, serial="A1", keys=_grade("90"))


# --- double entry ----------------------------------------------------------------------------


def test_double_entry_lists_differences_and_commits_only_when_they_agree(
    plan: Plan, clerks: tuple[User, User]
) -> None:
    one, two = clerks
    batch = _batch("mz", "staff", one, double=True)
    paper.entry_save(batch_id=batch.pk, clerk=one, serial="1", keys=_grade("1", "2", "3", "4"))
    paper.entry_save(batch_id=batch.pk, clerk=one, serial="2", keys=_grade("2", "2", "2", "2"))
    with pytest.raises(InputError, match="第二位录入员"):
        paper.batch_commit(batch_id=batch.pk, actor=one)
    paper.entry_save(batch_id=batch.pk, clerk=two, serial="1", keys=_grade("1", "2", "4", "4"))
    paper.entry_save(batch_id=batch.pk, clerk=two, serial="3", keys=_grade("2"))
    assert PaperEntry.objects.filter(batch=batch, round=2).count() == 2
    third = User.objects.create(username="clerk3", role="office")
    with pytest.raises(InputError, match="两位录入员"):
        paper.entry_save(batch_id=batch.pk, clerk=third, serial="4", keys=_grade("2"))

    differences = paper.batch_compare(batch)
    assert differences == [
        paper.Difference("1", "A03", "基本称职", "不称职"),
        paper.Difference("2", None, "已录入", None),
        paper.Difference("3", None, None, "已录入"),
    ]
    with pytest.raises(InputError, match="3 处不一致"):
        paper.batch_commit(batch_id=batch.pk, actor=one)
    assert not Ballot.objects.exists()

    # Clerk 2 rechecks the paper: its own entry was wrong for ballot 1, it missed 2, and 3
    # was clerk 1's miss.
    mine = PaperEntry.objects.get(batch=batch, round=2, serial="1")
    paper.entry_save(
        batch_id=batch.pk, clerk=two, serial="1", keys=_grade("1", "2", "3", "4"), replace=mine.pk
    )
    paper.entry_save(batch_id=batch.pk, clerk=two, serial="2", keys=_grade("2", "2", "2", "2"))
    paper.entry_save(batch_id=batch.pk, clerk=one, serial="3", keys=_grade("2"))
    assert paper.batch_compare(batch) == []
    done = paper.batch_commit(batch_id=batch.pk, actor=two)
    assert (done.ballots, done.marks, done.void, done.blank) == (3, 9, 0, 0)
    assert set(Ballot.objects.values_list("serial", "channel")) == {
        ("1", "paper"),
        ("2", "paper"),
        ("3", "paper"),
    }
    batch.refresh_from_db()
    assert batch.state == PaperBatch.State.COMMITTED
    with pytest.raises(InputError, match="已入库"):
        paper.entry_save(batch_id=batch.pk, clerk=one, serial="4", keys=_grade("2"))


# --- commit and counting ---------------------------------------------------------------------


def test_committed_ballots_are_what_the_counting_reads(
    plan: Plan, clerks: tuple[User, User]
) -> None:
    clerk = clerks[0]
    grade = _batch("mz", "leaders", clerk)
    paper.entry_save(batch_id=grade.pk, clerk=clerk, serial="1", keys=_grade("1", "2", "3", "4"))
    paper.entry_save(batch_id=grade.pk, clerk=clerk, serial="2", keys=_grade("1", "1", "1", "2"))
    paper.entry_save(batch_id=grade.pk, clerk=clerk, serial="3", keys=_grade("2", "0", "", ""))
    paper.entry_save(batch_id=grade.pk, clerk=clerk, serial="4", keys={})
    done = paper.batch_commit(batch_id=grade.pk, actor=clerk)
    assert (done.ballots, done.void, done.blank) == (4, 2, 1)
    dims = _batch("dd", "all", clerk)
    keys = {paper.key_field(0, d): str(d % 4 + 1) for d in range(5)}
    paper.entry_save(batch_id=dims.pk, clerk=clerk, serial="1", keys=keys)
    paper.entry_save(batch_id=dims.pk, clerk=clerk, serial="2", keys={paper.key_field(1, 0): "1"})
    paper.batch_commit(batch_id=dims.pk, actor=clerk)
    worst = _batch("zc", "all", clerk)
    paper.entry_save(batch_id=worst.pk, clerk=clerk, serial="1", keys={"picks": "2"})
    paper.entry_save(batch_id=worst.pk, clerk=clerk, serial="2", keys={"picks": ""})
    paper.entry_save(batch_id=worst.pk, clerk=clerk, serial="3", keys={"picks": "2 3"})
    paper.batch_commit(batch_id=worst.pk, actor=clerk)

    marks = plan_document(PLAN).marks
    rows = {(r["evaluation"], r["ballot"], r["assessee"]): r["option"] for r in marks.to_dicts()}
    assert rows[("mz", "1", "A03")] == "基本称职"
    assert rows[("mz", "3", "A02")] == paper.SPOILED
    assert rows[("mz", "4", None)] is None  # a blank ballot keeps one empty row
    assert rows[("dd", "1", "A01")] == "德=好;能=较好;勤=一般;绩=差;廉=好"
    assert rows[("dd", "2", "A02")] == "德=好"
    assert rows[("zc", "1", "A02")] is None and rows[("zc", "2", None)] is None
    assert len(stored_marks(evaluation__code="zc")) == 4

    results = score(plan_document(PLAN)).to_dict()
    a01 = next(a for a in results["assessees"] if a["code"] == "A01")
    by_code = a01["evaluations"]
    # Ballot 2 is void as a whole (three 优秀 of four); ballot 1 gives A01 优秀 (100).
    assert by_code["mz"]["valid"] == 2 and by_code["mz"]["void"] == 1
    a02 = next(a for a in results["assessees"] if a["code"] == "A02")
    dd = a02["evaluations"]["dd"]
    assert dd["valid"] == 0 and dd["void"] == 1  # dimensions left out: a void mark


def test_a_failed_commit_leaves_nothing(
    plan: Plan, clerks: tuple[User, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    clerk = clerks[0]
    batch = _batch("mz", "leaders", clerk)
    for serial in range(1, 6):
        paper.entry_save(batch_id=batch.pk, clerk=clerk, serial=str(serial), keys=_grade("2"))

    def broken(*args: object, **kwargs: object) -> None:
        assert Ballot.objects.count() == 5  # written, and about to be rolled back
        raise RuntimeError("disk full")

    # After the ballots are written: the batch's state is saved next.
    monkeypatch.setattr(PaperBatch, "save", broken)
    with pytest.raises(RuntimeError):
        paper.batch_commit(batch_id=batch.pk, actor=clerk)
    assert not Ballot.objects.exists()
    batch.refresh_from_db()
    assert batch.state == PaperBatch.State.ENTERING
    monkeypatch.undo()
    assert paper.batch_commit(batch_id=batch.pk, actor=clerk).ballots == 5


@pytest.mark.parametrize(
    ("status", "allowed"),
    [
        (Evaluation.Status.DRAFT, False),
        (Evaluation.Status.OPEN, True),
        (Evaluation.Status.CLOSED, True),
        (Evaluation.Status.COUNTED, False),
    ],
)
def test_entry_only_before_counting(
    plan: Plan, clerks: tuple[User, User], status: str, allowed: bool
) -> None:
    clerk = clerks[0]
    batch = _batch("mz", "leaders", clerk)
    paper.entry_save(batch_id=batch.pk, clerk=clerk, serial="1", keys=_grade("2"))
    Evaluation.objects.filter(code="mz").update(status=status)
    if allowed:
        paper.entry_save(batch_id=batch.pk, clerk=clerk, serial="2", keys=_grade("2"))
        _batch("mz", "staff", clerk)
        assert paper.batch_commit(batch_id=batch.pk, actor=clerk).ballots == 2
        return
    needle = "已计票" if status == Evaluation.Status.COUNTED else "尚未开始"
    for attempt in (
        lambda: paper.entry_save(batch_id=batch.pk, clerk=clerk, serial="2", keys=_grade("2")),
        lambda: _batch("mz", "staff", clerk),
        lambda: paper.batch_commit(batch_id=batch.pk, actor=clerk),
    ):
        with pytest.raises(InputError, match=needle):
            attempt()
    assert not Ballot.objects.exists() and PaperBatch.objects.count() == 1


def _race(batches: list[PaperBatch], users: list[User], serial: str) -> list[str]:
    """Every clerk saves ``serial`` into its own batch at once (threads, own connections)."""
    import threading

    from django.db import connection

    barrier = threading.Barrier(len(users))
    outcomes: list[str] = []

    def save(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            paper.entry_save(
                batch_id=batches[index].pk, clerk=users[index], serial=serial, keys=_grade("2")
            )
            outcomes.append("saved")
        except InputError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(i,)) for i in range(len(users))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return sorted(outcomes)


@pytest.mark.django_db(transaction=True)
def test_concurrent_saves_of_one_serial_in_two_batches_keep_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Clerks type the same serial into their own batches of one evaluation at the same
    moment: the evaluation row lock serialises the checks, so exactly one entry is stored.
    The ballot check between the serial check and the insert is slowed down, so without the
    lock every clerk would pass the serial check before any insert."""
    import time

    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("true concurrency needs PostgreSQL (SQLite serialises every writer)")
    from kaohe.plans.services import plan_load
    from kaohe.workbook.build import build_document

    plan_load(document=build_document(paper_fixtures.raw_document()), actor="test")
    Evaluation.objects.update(status=Evaluation.Status.OPEN)
    users = [User.objects.create(username=f"c{i}", role="office") for i in range(8)]
    # Batches of both groups: a batch's lock also covers its group's row, not the evaluation's.
    batches = [_batch("mz", ("staff", "leaders")[i % 2], u) for i, u in enumerate(users)]
    check = paper.check

    def slow_check(*args: Any, **kwargs: Any) -> Any:
        time.sleep(0.05)
        return check(*args, **kwargs)

    monkeypatch.setattr(paper, "check", slow_check)
    for attempt in range(5):
        outcomes = _race(batches, users, f"X{attempt}")
        assert outcomes == ["refused"] * (len(users) - 1) + ["saved"]
        assert PaperEntry.objects.filter(serial=f"X{attempt}").count() == 1
