"""Golden tests: each worked example scores exactly as its expected.json (spec/examples)."""

from __future__ import annotations

import json

import pytest
import yaml

from kaohe.engine import score
from kaohe.engine.tests.golden import differences
from kaohe.workbook.build import build_document
from kaohe.workbook.tests.examples import EXAMPLES_DIR

EXAMPLES = EXAMPLES_DIR
CASES = sorted(p.name.removesuffix(".yaml") for p in EXAMPLES.glob("example-*.yaml"))


def test_examples_are_present() -> None:
    assert len(CASES) >= 3, f"no worked examples found in {EXAMPLES}"


@pytest.mark.parametrize("name", CASES)
def test_example_scores_as_expected(name: str) -> None:
    raw = yaml.safe_load((EXAMPLES / f"{name}.yaml").read_text(encoding="utf-8"))
    expected = json.loads((EXAMPLES / f"{name}.expected.json").read_text(encoding="utf-8"))
    results = score(build_document(raw))
    actual = json.loads(json.dumps(results.to_dict(), ensure_ascii=False))
    assert differences(expected, actual) == []
    # The explanation of every assessee is JSON-serialisable and agrees with the results.
    for assessee in results.assessees:
        explained = json.loads(json.dumps(assessee.explain(), ensure_ascii=False))
        assert explained["total"] == assessee.to_dict()["total"]
        assert explained["grade"] == assessee.grade
