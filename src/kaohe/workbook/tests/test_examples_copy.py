"""The repository's copy of the worked examples is the shared spec's, file for file."""

from __future__ import annotations

import pytest

from kaohe.workbook.tests.examples import EXAMPLES_DIR, SHARED_EXAMPLES_DIR


@pytest.mark.skipif(not SHARED_EXAMPLES_DIR.is_dir(), reason="shared/ is not beside the repo")
def test_repository_copy_matches_the_shared_spec() -> None:
    shared = {p.name: p.read_bytes() for p in SHARED_EXAMPLES_DIR.glob("example-*")}
    copied = {p.name: p.read_bytes() for p in EXAMPLES_DIR.glob("example-*")}
    assert shared, SHARED_EXAMPLES_DIR
    assert copied == shared
