"""For every worked example: ``kaohe score`` prints byte for byte what ``kaohe load`` +
``compute`` + ``results`` print, on whichever database this run uses."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import EXAMPLES
from kaohe import cli
from kaohe.workbook.read import read_document

pytestmark = pytest.mark.django_db

EXAMPLE_FILES = sorted(EXAMPLES.glob("example-*.yaml"))


def test_the_examples_are_there() -> None:
    assert len(EXAMPLE_FILES) == 3


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.stem)
def test_score_equals_load_compute_results(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["score", str(path)]) == 0
    scored = capsys.readouterr().out
    plan = read_document([path]).plan.code
    assert cli.main(["load", str(path)]) == 0
    assert cli.main(["compute", plan]) == 0
    capsys.readouterr()
    assert cli.main(["results", plan]) == 0
    stored, err = capsys.readouterr()
    assert err == ""
    assert stored == scored
    assert stored.startswith("{")
