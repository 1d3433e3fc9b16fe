"""The vectorised ballot aggregation (ballots.py): group means against the scalar `_mean`,
ballot coding by runs of rows against the categorical coding, and evaluation coverage."""

from __future__ import annotations

import random

import numpy as np
import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kaohe.engine.ballots import (
    _ballot_codes,
    _codes,
    _mean,
    _means,
    _no_repeats_shown,
    aggregate,
    aggregate_covering,
)
from kaohe.engine.model import MARK_SCHEMA, Evaluation, Group

SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Whole marks (exact sums in doubles), two-decimal marks, thirds (long binary fractions) and a
# tiny value (a huge power-of-two denominator): the last two take the Python-integer route.
VALUE = st.one_of(
    st.integers(0, 100).map(float),
    st.integers(0, 10000).map(lambda n: n / 100),
    st.integers(0, 300).map(lambda n: n / 3),
    st.just(5e-324),
)
CELL = st.tuples(st.lists(VALUE, min_size=0, max_size=12), st.integers(0, 3))


@SETTINGS
@given(st.lists(CELL, min_size=1, max_size=8))
def test_cell_means_are_the_scalar_mean(cells: list[tuple[list[float], int]]) -> None:
    distinct = sorted({v for values, _ in cells for v in values})
    option_of = {v: o for o, v in enumerate(distinct)}
    cell, option, count = [], [], []
    for i, (values, _) in enumerate(cells):
        for v in sorted(set(values)):
            cell.append(i)
            option.append(option_of[v])
            count.append(values.count(v))
    n_valid = np.array([len(values) for values, _ in cells] + [0], dtype=np.int64)
    trim = np.array([t for _, t in cells] + [0], dtype=np.int64)
    kept, mean = _means(
        distinct,
        list(distinct),
        np.array(cell, dtype=np.int64),
        np.array(option, dtype=np.int64),
        np.array(count, dtype=np.int64),
        n_valid,
        trim,
    )
    for i, (values, t) in enumerate(cells):
        if not values:
            assert kept[i] == 0
            continue
        multiset = {v: values.count(v) for v in set(values)}
        assert (float(mean[i]), int(kept[i])) == _mean(multiset, t)


def test_codes_put_the_expected_values_first() -> None:
    column = pl.Series(["b", "a"] * 40 + ["x", None, "x"], dtype=pl.Utf8)
    codes, present = _codes(column, ["a", "b", "c"])
    assert present == ["a", "b", "c", "x", None]
    assert codes.tolist() == [1, 0] * 40 + [3, 4, 3]
    # Mostly unexpected values: coded in order of first appearance, as without `expected`.
    column = pl.Series(["x", None, "b", "y"], dtype=pl.Utf8)
    for expected in (["a", "b"], []):
        codes, present = _codes(column, expected)
        assert (present, codes.tolist()) == (["x", "b", "y", None], [0, 3, 1, 2])


def _marks(rows: list[tuple[str, str, str | None, str]]) -> pl.DataFrame:
    return pl.DataFrame(
        [("e", g, b, a, o) for g, b, a, o in rows], schema=MARK_SCHEMA, orient="row"
    )


def test_ballot_codes_from_runs_and_from_texts_agree() -> None:
    group = np.array([0, 0, 1, 1, 0, 0], dtype=np.int64)
    # "1" is a ballot of each group: runs, told apart by their group.
    reused = pl.DataFrame({"group": ["g", "g", "h", "h", "g", "g"],
                           "ballot": ["1", "1", "1", "1", "2", "2"]})  # fmt: skip
    assert _ballot_codes(reused, group, 2).tolist() == [0, 0, 1, 1, 2, 2]
    # Ballot "1" of group g comes back after another: one ballot, not a new run.
    split = pl.DataFrame({"group": ["g", "g", "h", "h", "g", "g"],
                          "ballot": ["1", "2", "1", "1", "1", None]})  # fmt: skip
    codes = _ballot_codes(split, group, 2).tolist()
    assert codes[0] == codes[4] and len(set(codes)) == 4


def _shown(*ballots: list[int]) -> bool:
    ballot = [b for b, marks in enumerate(ballots) for _ in marks]
    assessee = [a for marks in ballots for a in marks]
    return _no_repeats_shown(
        np.array(ballot, dtype=np.int64), np.array(assessee, dtype=np.int64), len(ballots)
    )


def test_row_order_shows_no_repeats_only_when_it_proves_it() -> None:
    assert _shown([1, 2, 5], [0, 3, 4])
    assert _shown([4, 5, 0, 1], [2, 3])  # a window wrapping round the end of the list
    assert not _shown([4, 5, 0, 4], [2])  # wraps past its first
    assert not _shown([3, 4, 0, 1, 0], [1])  # two steps down
    assert not _shown([2, 2], [1])  # named twice in a row
    # The same ballot code in two runs: the order proves nothing.
    ballot = np.array([0, 1, 0], dtype=np.int64)
    assert not _no_repeats_shown(ballot, np.array([1, 2, 3], dtype=np.int64), 2)


OPTIONS = {"优秀": 100.0, "称职": 80.0, "基本称职": 60.0, "不称职": 0.0}
UNITS = ["U1", "U2", "U3", "U4"]


@st.composite
def ballot_rows(draw: st.DrawFn) -> list[tuple[str, str, str, str]]:
    rows = []
    for b in range(draw(st.integers(0, 30))):
        group = draw(st.sampled_from(["g", "h"]))
        ballot = draw(st.sampled_from([f"B{b}", str(b % 3)]))  # ids reused across groups
        units = draw(st.lists(st.sampled_from(UNITS), max_size=5))  # may name a unit twice
        if draw(st.booleans()):
            units.sort()
        label = st.sampled_from([*OPTIONS, "弃权"])
        rows += [(group, ballot, unit, draw(label)) for unit in units]
    return rows


@SETTINGS
@given(ballot_rows(), st.sampled_from([None, 0.3]), st.randoms(use_true_random=False))
def test_row_order_never_changes_the_results(
    rows: list[tuple[str, str, str, str]], share: float | None, rnd: random.Random
) -> None:
    # Ballots written row after row take the run coding and (often) the quick proof that no
    # ballot names someone twice; shuffled, the categorical coding and the distinct count.
    groups = (Group("g", "领导", 30.0, trim=1), Group("h", "群众", 70.0, min_ballots=2))
    evaluation = Evaluation("e", "民主测评", groups, options=OPTIONS, max_top_share=share)
    expected = aggregate(evaluation, _marks(rows), UNITS)
    shuffled = list(rows)
    rnd.shuffle(shuffled)
    assert aggregate(evaluation, _marks(shuffled), UNITS) == expected


def test_coverage_is_the_using_categories_and_everyone_marked() -> None:
    evaluation = Evaluation("e", "民主测评", (Group("g", "群众"),), options=OPTIONS)
    rows = [("g", "1", "U3", "优秀"), ("g", "1", "X9", "称职"), ("g", "2", "U3", "弃权")]
    results = aggregate_covering(evaluation, _marks(rows), ["U1", "U2", "U3"], {"U2"})
    assert list(results) == ["U2", "U3"]  # X9 is no assessee of the document
    assert results["U2"].flags == ("missing_group:e:g", "no_ballots:e")
    assert (results["U3"].valid, results["U3"].void, results["U3"].score) == (1, 1, 100.0)
