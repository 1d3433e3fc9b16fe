"""The vectorised leaf scores (kaohe.engine.leaves) equal the scalar statement of each method
(kaohe.engine.methods), score for score, on the worked examples and the demo county."""

from __future__ import annotations

from collections import defaultdict

import pytest
import yaml

from kaohe.demo import demo_documents
from kaohe.engine import score
from kaohe.engine.methods import competition_ranks, leaf_score
from kaohe.engine.model import Document, Indicator
from kaohe.workbook.build import build_document
from kaohe.workbook.tests.examples import example_paths


def _documents() -> list[tuple[str, Document]]:
    documents = [
        (path.stem, build_document(yaml.safe_load(path.read_text(encoding="utf-8"))))
        for path in example_paths()
    ]
    return documents + [(raw["plan"]["code"], build_document(raw)) for raw in demo_documents()]


@pytest.mark.parametrize(("name", "document"), _documents(), ids=[n for n, _ in _documents()])
def test_every_leaf_score_is_the_scalar_methods(name: str, document: Document) -> None:
    # Leaf codes may repeat across categories (each category has its own indicators).
    leaves: dict[tuple[str, str], Indicator] = {
        (category.code, leaf.code): leaf
        for category in document.plan.categories
        for section in category.sections
        for leaf in section.leaves()
    }
    rank_values: dict[tuple[str, str], dict[str, float]] = defaultdict(dict)
    checked = 0
    for assessee in score(document).assessees:
        for section in assessee.sections:
            for line in section.leaves:
                if line.status != "scored":
                    continue
                indicator = leaves[(assessee.category, line.code)]
                assert line.score == leaf_score(indicator, line.value, line.rank), (name, line)
                if indicator.method == "rank":
                    rank_values[(assessee.category, indicator.code)][assessee.code] = line.value
                    assert line.rank is not None
                checked += 1
    assert checked > 20
    # Ranks: competition ranks of the raw values within the category (scoring.md §2).
    results = {a.code: a for a in score(document).assessees}
    for (category, code), values in rank_values.items():
        ranks = competition_ranks(values, lower=leaves[(category, code)].direction == "lower")
        for assessee, k in ranks.items():
            line = next(
                leaf for s in results[assessee].sections for leaf in s.leaves if leaf.code == code
            )
            assert line.rank == (k, len(values))
