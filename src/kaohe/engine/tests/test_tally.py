"""The count summary (``tally``) reads ballots exactly as the scoring counts them: over random
ballots, the marks the engine counts void are those of void and blank ballots plus the void
marks the tally names, and the worst vote's valid/void ballots agree."""

from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from kaohe.engine.ballots import aggregate, worst
from kaohe.engine.model import MARK_SCHEMA, Evaluation, Group
from kaohe.engine.tally import classify, tally

ASSESSEES = ["A", "B", "C", "D", "E"]
GROUPS = (Group("g1", "领导"), Group("g2", "群众"))
OPTIONS = {"优秀": 100.0, "称职": 80.0, "不称职": 0.0}
WRITTEN = ["优秀", "称职", "不称职", "良好", "", None]  # two that do not count

ballot = st.tuples(
    st.sampled_from(["g1", "g2"]),
    st.lists(
        st.tuples(st.sampled_from(ASSESSEES), st.sampled_from(WRITTEN)), min_size=0, max_size=6
    ),
)


def _frame(code: str, ballots: list[tuple[str, list[tuple[str, str | None]]]]) -> pl.DataFrame:
    rows = []
    for number, (group, marks) in enumerate(ballots):
        if not marks:
            rows.append((code, group, f"b{number}", None, None))
        rows += [(code, group, f"b{number}", a, o) for a, o in marks]
    return pl.DataFrame(rows, schema=MARK_SCHEMA, orient="row")


@settings(max_examples=150, deadline=None)
@given(st.lists(ballot, max_size=25), st.sampled_from([None, 0.2, 0.5]))
def test_void_marks_agree_with_the_engine(
    ballots: list[tuple[str, list[tuple[str, str | None]]]], share: float | None
) -> None:
    evaluation = Evaluation("mz", "民主测评", GROUPS, options=OPTIONS, max_top_share=share)
    marks = _frame("mz", ballots)
    counted = tally(evaluation, marks)
    assert counted.ballots == len(ballots)
    assert counted.ballots == counted.valid + counted.blank + counted.void_total
    assert sum(g.ballots for g in counted.groups) == counted.ballots
    results = aggregate(evaluation, marks, ASSESSEES)
    engine_void = sum(result.void for result in results.values())
    engine_valid = sum(result.valid for result in results.values())
    # Marks of ballots void as a whole or blank, plus the void marks of valid ballots.
    not_counted = 0
    for _, ballot_marks in ballots:
        kind, reasons = classify(evaluation, ballot_marks)
        not_counted += len(ballot_marks) if kind != "valid" else len(reasons)
    assert engine_void == not_counted
    assert engine_valid == sum(len(m) for _, m in ballots) - not_counted


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.tuples(st.just("all"), st.lists(st.tuples(st.sampled_from(ASSESSEES),
                                                          st.none()), max_size=3)),
             max_size=20),
    st.sampled_from([None, 1, 2]),
)  # fmt: skip
def test_worst_ballots_agree_with_the_engine(
    ballots: list[tuple[str, list[tuple[str, None]]]], picks: int | None
) -> None:
    evaluation = Evaluation("zc", "评最差", (Group("all", "全体"),), kind="worst", max_picks=picks)
    marks = _frame("zc", ballots)
    counted = tally(evaluation, marks)
    result = worst(evaluation, marks)
    # The engine counts an empty worst ballot as valid (it is in the vote-share denominator).
    assert result.valid_ballots == counted.valid + counted.blank
    assert result.void_ballots == counted.void_total
