"""`leaf_block` reads the recorded values by their type without a loop per value: values of
other types (subclasses, Decimals) are read as the builder's types are."""

from __future__ import annotations

import math
from decimal import Decimal

import numpy as np

from kaohe.engine.leaves import EXEMPT, MISSING, SCORED, leaf_block
from kaohe.engine.model import NA, Indicator, Section

LEAVES = (
    Indicator("R", "比率", 20, "ratio", target=100),
    Indicator("G", "定性", 10, "grade", grades={"A": 1.0, "B": 0.5}),
)
SECTION = Section("t", "目标", 30, indicators=LEAVES)


class Label(str):
    """A str subclass, as a value of a grade leaf may be."""


def _block(values: dict[tuple[str, str], object]) -> tuple[list[list[int]], list[list[float]]]:
    block = leaf_block([SECTION], ["a", "b", "c", "d"], values)  # type: ignore[arg-type]
    scores = np.where(np.isnan(block.scores), -1.0, block.scores)
    return block.status.tolist(), scores.tolist()


def test_values_of_other_types_score_as_plain_ones() -> None:
    plain = {("a", "R"): 95.0, ("b", "R"): NA, ("c", "R"): 80, ("a", "G"): "B", ("b", "G"): "A"}
    other = {
        ("a", "R"): np.float64(95.0),
        ("b", "R"): NA,
        ("c", "R"): Decimal("80"),
        ("a", "G"): Label("B"),
        ("b", "G"): Label("A"),
    }
    assert _block(other) == _block(plain)
    status, scores = _block(plain)
    assert status == [[SCORED, SCORED], [EXEMPT, SCORED], [SCORED, MISSING], [MISSING, MISSING]]
    assert scores[0] == [19.0, 5.0] and scores[2] == [16.0, 0.0]


def test_a_label_on_a_numeric_leaf_is_not_scored() -> None:
    block = leaf_block([SECTION], ["a"], {("a", "R"): Label("high")})
    assert block.status[0].tolist() == [MISSING, MISSING]
    assert block.scores[0, 0] == 0.0 and not math.isnan(block.scores[0, 0])
    assert block.values[0, 0] == "high"
