"""The CJK font lookup: the right face when there is one, a clear error when there is none."""

from __future__ import annotations

import pytest
from matplotlib import font_manager

from kaohe.charts.fonts import (
    CJK_FONT_PACKAGE,
    CJKFontMissingError,
    cjk_font,
    find_cjk_font,
    font_families,
)


def _entries(*names: str) -> list[font_manager.FontEntry]:
    return [e for e in font_manager.fontManager.ttflist if e.name in names]


def test_the_chart_font_is_noto_sans_cjk_sc_not_dejavu() -> None:
    font = cjk_font()
    assert font.family == "Noto Sans CJK SC"
    assert "NotoSansCJK" in font.path
    assert font_families()[0] == "Noto Sans CJK SC"
    resolved = font_manager.findfont(font_manager.FontProperties(family=font_families()))
    assert "NotoSansCJK" in str(resolved)
    assert "DejaVu" not in str(resolved)


def test_the_simplified_chinese_face_wins_over_the_japanese_face_of_the_same_file() -> None:
    entries = _entries("Noto Sans CJK JP", "Noto Sans CJK KR", "Noto Sans CJK SC")
    assert {e.name for e in entries} == {"Noto Sans CJK JP", "Noto Sans CJK KR", "Noto Sans CJK SC"}
    found = find_cjk_font(entries, fc_match=lambda: None)
    assert found.family == "Noto Sans CJK SC"
    assert found.index != 0  # face 0 of NotoSansCJK-Regular.ttc is the JP face


def test_a_latin_only_font_list_falls_back_to_the_file_fontconfig_names() -> None:
    registered: list[str] = []

    def register(path: str) -> list[font_manager.FontEntry]:
        registered.append(path)
        return [e for e in font_manager.fontManager.ttflist if str(e.fname) == path]

    path = cjk_font().path
    found = find_cjk_font(_entries("DejaVu Sans"), fc_match=lambda: path, register=register)
    assert registered == [path]
    assert found.path == path


def test_no_cjk_font_is_an_error_naming_the_debian_package() -> None:
    with pytest.raises(CJKFontMissingError, match=CJK_FONT_PACKAGE):
        find_cjk_font(_entries("DejaVu Sans"), fc_match=lambda: None)
    # fontconfig naming a file without Chinese glyphs is no rescue either.
    dejavu = str(_entries("DejaVu Sans")[0].fname)
    with pytest.raises(CJKFontMissingError, match="fonts-noto-cjk"):
        find_cjk_font([], fc_match=lambda: dejavu, register=lambda p: _entries("DejaVu Sans"))
