"""Order independence with arbitrary decimal marks: group means are exact sums over the
marks, so shuffling the marks can never move a result by one ulp and flip a rounding."""

from __future__ import annotations

import random
from typing import Any

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kaohe.engine import score
from kaohe.engine.ballots import _mean
from kaohe.engine.tests.util import raw
from kaohe.workbook.build import build_document

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Score-form marks with two decimals, the kind whose float sums differ by order.
MARK = st.integers(0, 10000).map(lambda n: n / 100)


def _document(marks: list[tuple[str, str, str, float]], trim: int) -> dict[str, Any]:
    units = sorted({unit for _, _, unit, _ in marks}) or ["U1"]
    evaluation = {
        "code": "e",
        "name": "评委打分",
        "form": "score",
        "groups": [{"code": "g", "name": "g", "trim": trim}, {"code": "h", "name": "h"}],
    }
    sections = [{"code": "d", "name": "d", "points": 100, "evaluation": "e"}]
    document = raw(units=units, sections=sections, evaluations=[evaluation])
    frame = pl.DataFrame(
        {
            "evaluation": ["e"] * len(marks),
            "group": [group for group, _, _, _ in marks],
            "ballot": [ballot for _, ballot, _, _ in marks],
            "assessee": [unit for _, _, unit, _ in marks],
            "option": [repr(value) for _, _, _, value in marks],
            "_row": list(range(len(marks))),
        },
        schema={
            "evaluation": pl.Utf8, "group": pl.Utf8, "ballot": pl.Utf8,
            "assessee": pl.Utf8, "option": pl.Utf8, "_row": pl.Int64,
        },
    )  # fmt: skip
    document["data"]["ballot_marks"] = frame
    return document


@st.composite
def marked(draw: st.DrawFn) -> list[tuple[str, str, str, float]]:
    units = [f"U{i}" for i in range(draw(st.integers(1, 4)))]
    marks = []
    for b in range(draw(st.integers(1, 40))):
        group = draw(st.sampled_from(["g", "h"]))
        for unit in draw(st.lists(st.sampled_from(units), min_size=1, unique=True)):
            marks.append((group, f"B{b}", unit, draw(MARK)))
    return marks


@SETTINGS
@given(marked(), st.integers(0, 2), st.randoms(use_true_random=False))
def test_shuffled_decimal_marks_give_identical_results(
    marks: list[tuple[str, str, str, float]], trim: int, rnd: random.Random
) -> None:
    expected = score(build_document(_document(marks, trim))).to_dict()
    shuffled = list(marks)
    rnd.shuffle(shuffled)
    assert score(build_document(_document(shuffled, trim))).to_dict() == expected


def test_group_mean_is_the_exact_mean_rounded_once() -> None:
    # 0.1 + 0.2 + 0.3 summed left to right is 0.6000000000000001; the exact mean is 0.2.
    assert _mean({0.1: 1, 0.2: 1, 0.3: 1}, 0) == (0.2, 3)
    # Three marks of 83.35 and one of 71.15 in any order: (3 × 83.35 + 71.15) / 4 = 80.3.
    assert _mean({83.35: 3, 71.15: 1}, 0) == (80.3, 4)
    # trim 1 of [60, 70, 70, 100]: the lowest and highest go, 70 and 70 stay.
    assert _mean({60.0: 1, 70.0: 2, 100.0: 1}, 1) == (70.0, 2)
    # exactly 2t marks are averaged untrimmed
    assert _mean({60.0: 1, 100.0: 1}, 1) == (80.0, 2)


def test_row_order_of_marks_never_matters_at_a_rounding_boundary() -> None:
    # Marks whose float sum depends on the order: every permutation gives the same E.
    values = [83.35, 71.15, 0.1, 0.2, 0.3, 99.99, 12.345]
    marks = [("g", f"B{i}", "U1", v) for i, v in enumerate(values)]
    results = set()
    rnd = random.Random(7)
    for _ in range(20):
        rnd.shuffle(marks)
        data = score(build_document(_document(marks, 0))).to_dict()
        results.add(repr(data["assessees"][0]["evaluations"]))
    assert len(results) == 1
