"""The array shortcuts of explanations give exactly what the scalar code gives."""

from __future__ import annotations

import math

import numpy as np
import pytest
import yaml

from kaohe.engine import score
from kaohe.engine.rounding import round2, round2_array
from kaohe.workbook.build import build_document
from kaohe.workbook.tests.examples import EXAMPLES_DIR

CASES = sorted(p.name.removesuffix(".yaml") for p in EXAMPLES_DIR.glob("example-*.yaml"))


def test_round2_array_is_round2_elementwise() -> None:
    rng = np.random.default_rng(7)
    halves = np.array([2.675, -2.675, 96.765, -1.004, 0.005, -0.005, 1.125, -0.001, 0.0, -0.0])
    x = np.concatenate(
        [
            halves,
            rng.uniform(-200, 200, 20_000),
            np.round(rng.uniform(-200, 200, 20_000), 3),  # many exact half-cents
            [math.nan, 1e13, -1e13, 3.0],
        ]
    ).reshape(-1, 2)
    got = round2_array(x)
    for value, rounded in zip(x.ravel().tolist(), got.ravel().tolist(), strict=True):
        if math.isnan(value):
            assert math.isnan(rounded)
        else:
            expected = round2(value)
            assert rounded == expected and math.copysign(1, rounded) == math.copysign(1, expected)


@pytest.mark.parametrize("name", CASES)
def test_leaf_lines_are_the_leaf_results_explained(name: str) -> None:
    raw = yaml.safe_load((EXAMPLES_DIR / f"{name}.yaml").read_text(encoding="utf-8"))
    results = score(build_document(raw))
    checked = 0
    for assessee in results.assessees:
        for section in assessee.sections:
            if section.block is None:
                continue
            fast = section.block.leaf_lines(section.row, section.start, section.stop)
            assert fast == [leaf.explain() for leaf in section.leaves]
            assert section.explain()["indicators"] == fast
            checked += len(fast)
    assert checked > 0
