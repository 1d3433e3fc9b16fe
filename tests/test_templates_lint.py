"""Template mistakes no page test would notice.

Django's ``{# … #}`` comment is single-line: one that spans lines is printed on the page as
text (it once showed on every voter's ballot). Multi-line comments use ``{% comment %}``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

SOURCE = Path(__file__).resolve().parent.parent / "src" / "kaohe"
TEMPLATES = sorted(SOURCE.glob("*/templates/**/*.html"))
OPEN_COMMENT = re.compile(r"\{#(?!.*#\})")


def test_templates_are_found() -> None:
    assert len(TEMPLATES) > 50


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(SOURCE)))
def test_no_comment_spans_lines(path: Path) -> None:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        assert not OPEN_COMMENT.search(line), (
            f"{path.relative_to(SOURCE)}:{number}: a {{# comment #}} must end on its line "
            "(use {% comment %} … {% endcomment %})"
        )
