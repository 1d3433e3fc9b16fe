"""How the demo turns its generated ballots into what voters submit and clerks type.

No database: the forms are built by hand. The end-to-end run of the demo through the voting
flow, with its count, is tests/test_voting_equivalence.py.
"""

from __future__ import annotations

from kaohe.demo import demo_documents
from kaohe.demo.voting import ballots_of, online_marks, paper_keys
from kaohe.evaluation import paper
from kaohe.evaluation.ballot_form import BallotForm, check_ballot


def _form(kind: str = "standard", form: str = "grade", **extra: object) -> BallotForm:
    fields: dict[str, object] = {
        "evaluation_id": 1, "evaluation_code": "mz", "evaluation_name": "民主测评",
        "plan_name": "方案", "kind": kind, "form": form, "group_id": 1, "group_code": "g",
        "group_name": "组", "assessees": (("A", "甲", ""), ("B", "乙", ""), ("C", "丙", "")),
        "options": (("满意", 100.0), ("基本满意", 60.0), ("不满意", 0.0)),
        "top_labels": ("满意",), "dimensions": (), "max": 100.0, "max_top_share": None,
        "max_picks": None,
    }  # fmt: skip
    fields.update(extra)
    return BallotForm(**fields)  # type: ignore[arg-type]


DIMENSIONS = _form(
    form="dimensions",
    options=(("优秀", 100.0), ("称职", 80.0)),
    top_labels=("优秀",),
    dimensions=(("德", 1.0), ("能", 1.0)),
)
WORST = _form(kind="worst", options=(), top_labels=(), max_picks=1)


def _typed(form: BallotForm, rows: list[tuple[str | None, str | None]]) -> tuple:
    """What a clerk's keys store: parse them as the entry page does, then check."""
    marks, problems = paper.parse_keys(form, paper_keys(form, rows))
    assert problems == []
    result = paper.check(form, marks)
    assert result.errors == []
    return result.marks


def test_grade_ballots_online_and_on_paper() -> None:
    form = _form()
    rows = [("C", "不满意"), ("A", "满意")]
    assert online_marks(form, rows) == {"C": "不满意", "A": "满意"}
    check = check_ballot(form, online_marks(form, rows))
    assert check.ok and check.marks == (("A", "满意"), ("C", "不满意"))  # in ballot order
    assert paper_keys(form, rows) == {"k2": "3", "k0": "1"}
    assert _typed(form, rows) == check.marks


def test_a_word_not_on_the_form_is_typed_as_spoiled() -> None:
    form = _form()
    rows = [("A", "很满意"), ("B", "基本满意")]
    assert check_ballot(form, online_marks(form, rows)).void  # the page would refuse it
    assert paper_keys(form, rows) == {"k0": "0", "k1": "2"}
    # stored as 作废: a void mark, like the word itself (the counting reads no void label)
    assert _typed(form, rows) == (("A", paper.SPOILED), ("B", "基本满意"))


def test_dimension_ballots_keep_a_left_out_dimension_void() -> None:
    rows = [("B", "德=优秀;能=称职"), ("C", "能=优秀")]
    expected = {"B": {"德": "优秀", "能": "称职"}, "C": {"能": "优秀"}}
    assert online_marks(DIMENSIONS, rows) == expected
    check = check_ballot(DIMENSIONS, online_marks(DIMENSIONS, rows))
    assert check.void is not None and "缺少" in check.void
    assert paper_keys(DIMENSIONS, rows) == {"k1.0": "1", "k1.1": "2", "k2.1": "1"}
    assert _typed(DIMENSIONS, rows) == (("B", "德=优秀;能=称职"), ("C", "能=优秀"))


def test_worst_ballots_picks_and_blank() -> None:
    assert online_marks(WORST, [("B", None)]) == {"B": True}
    assert paper_keys(WORST, [("B", None)]) == {paper.PICKS_FIELD: "2"}
    assert _typed(WORST, [("B", None)]) == (("B", None),)
    blank = [(None, None)]
    assert online_marks(WORST, blank) == {}
    assert check_ballot(WORST, {}).ok  # a blank worst ballot is valid, and counted
    assert _typed(WORST, blank) == ((None, None),)
    two = [("A", None), ("C", None)]
    assert check_ballot(WORST, online_marks(WORST, two)).void  # too many picks: on paper
    assert paper_keys(WORST, two) == {paper.PICKS_FIELD: "1 3"}


def test_ballots_of_keeps_every_mark_in_document_order() -> None:
    marks = demo_documents()[0]["data"]["ballot_marks"]
    ballots = ballots_of(marks, "zc2025")
    frame = marks.filter(marks["evaluation"] == "zc2025")
    assert len(ballots) == frame.get_column("ballot").n_unique()
    assert sum(len(b.rows) for b in ballots) == frame.height
    assert [b.serial for b in ballots] == list(dict.fromkeys(frame.get_column("ballot")))
    first = ballots[0]
    rows = frame.filter(frame["ballot"] == first.serial).select("assessee", "option").rows()
    assert first.rows == rows
