"""The four charts: valid, deterministic, accessible SVG whose Chinese glyphs are real."""

from __future__ import annotations

import io
import re
import tempfile
import warnings
import xml.etree.ElementTree as ET
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
from matplotlib.figure import Figure
from PIL import Image

from kaohe.charts import grade_distribution_svg, radar_svg, ranking_bars_svg, section_bars_svg
from kaohe.charts.fonts import FALLBACK_FAMILY, cjk_font
from kaohe.charts.grades import distribution_figure
from kaohe.charts.radar import radar_figure
from kaohe.charts.ranking import ranking_figure
from kaohe.charts.render import BAD, GOOD, TOP, WARN, chart_context, new_figure, to_png
from kaohe.charts.sections import sections_figure

SVG = "{http://www.w3.org/2000/svg}"
# Where the PNGs go for a person to look at (the brief: look at them, fix what looks wrong).
PNG_DIR = Path(tempfile.gettempdir()) / "kaohe-charts"

GRADES = ["优秀", "良好", "一般", "较差"]
UNITS = [
    "城关镇",
    "河口镇",
    "青山乡",
    "县发展和改革局",
    "中共某某县委员会宣传部",
    "县行政审批服务局",
]


def _ranking_rows(n: int) -> list[tuple[str, float, str]]:
    rows = []
    for i in range(n):
        grade = GRADES[min(3, i * 4 // n)] if n >= 4 else GRADES[i]
        rows.append((f"{UNITS[i % len(UNITS)]}{i + 1}", round(99.5 - i * 0.43, 2), grade))
    return rows


DIMENSIONS = [("德", 92.5), ("能", 85.0), ("勤", 88.33), ("绩", 79.17), ("廉", 95.0)]
MEAN = [("德", 88.0), ("能", 84.2), ("勤", 86.0), ("绩", 83.5), ("廉", 90.1)]
CATEGORIES = [
    ("乡镇", [("优秀", 4), ("良好", 8), ("一般", 3), ("较差", 1)]),
    ("县直部门", [("优秀", 9), ("良好", 20), ("一般", 8), ("较差", 2)]),
]
SECTIONS = [
    ("共性指标", 28.5, 30.0),
    ("个性指标（重点工作）", 41.2, 50.0),
    ("民主测评", 16.67, 20.0),
]

CHARTS: dict[str, Callable[[], str]] = {
    "ranking": lambda: ranking_bars_svg(
        title="2024年度乡镇考核排名", rows=_ranking_rows(60), grades=GRADES
    ),
    "grades": lambda: grade_distribution_svg(categories=CATEGORIES),
    "radar": lambda: radar_svg(title="张三 德能勤绩廉测评", dimensions=DIMENSIONS, reference=MEAN),
    "sections": lambda: section_bars_svg(sections=SECTIONS),
}
FIGURES: dict[str, Callable[[], tuple[Figure, str]]] = {
    "ranking": lambda: ranking_figure(
        title="2024年度乡镇考核排名", rows=_ranking_rows(60), grades=GRADES
    ),
    "grades": lambda: distribution_figure(categories=CATEGORIES),
    "radar": lambda: radar_figure(
        title="张三 德能勤绩廉测评", dimensions=DIMENSIONS, reference=MEAN
    ),
    "sections": lambda: sections_figure(sections=SECTIONS),
}


@pytest.mark.parametrize("name", CHARTS)
def test_svg_is_one_valid_element_with_a_title_and_no_metadata(name: str) -> None:
    svg = CHARTS[name]()
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    first = next(iter(root))
    assert first.tag == f"{SVG}title"
    assert first.text and len(first.text) > 10
    assert svg.startswith("<svg")
    for absent in ("<?xml", "<!DOCTYPE", "<metadata", "<!--", "<dc:date", "Matplotlib v"):
        assert absent not in svg
    # Text is drawn as outlines, so a page or PDF without the font looks the same.
    assert root.find(f".//{SVG}text") is None
    assert len(svg) < 250_000


@pytest.mark.parametrize("name", CHARTS)
def test_the_same_input_gives_the_same_bytes(name: str) -> None:
    assert CHARTS[name]() == CHARTS[name]()


@pytest.mark.parametrize("name", CHARTS)
def test_glyph_outlines_come_from_noto_cjk_and_never_from_dejavu(name: str) -> None:
    svg = CHARTS[name]()
    glyphs = set(re.findall(r'<path id="([^"]+)"', svg))
    noto = {g for g in glyphs if g.startswith("NotoSansCJKsc-")}
    assert len(noto) >= 6  # the Chinese title alone has more distinct glyphs
    assert not [g for g in glyphs if g.startswith("DejaVu")]


def test_summaries_say_what_the_charts_show() -> None:
    def title(svg: str) -> str:
        return ET.fromstring(svg).find(f"{SVG}title").text or ""  # type: ignore[union-attr]

    ranking = title(CHARTS["ranking"]())
    assert "共 60 个考核对象" in ranking
    assert "优秀 15 个" in ranking and "较差 15 个" in ranking
    assert "最高 城关镇1 99.50 分" in ranking
    assert "德 92.50" in title(CHARTS["radar"]()) and "类别平均" in title(CHARTS["radar"]())
    assert "县直部门（39 个）" in title(CHARTS["grades"]())
    assert "共性指标 28.50 分（分值 30.00）" in title(CHARTS["sections"]())


def test_title_summary_is_escaped() -> None:
    svg = ranking_bars_svg(title="A<B & C", rows=[("甲", 1.0, "优秀")], grades=GRADES)
    assert "A&lt;B &amp; C" in svg
    assert ET.fromstring(svg)[0].text.startswith("A<B & C")  # type: ignore[union-attr]


def test_bars_take_the_stylesheet_grade_colours() -> None:
    rows = [("甲", 95.0, "优秀"), ("乙", 88.0, "良好"), ("丙", 75.0, "一般"), ("丁", 50.0, "较差")]
    svg = ranking_bars_svg(title="排名", rows=rows, grades=GRADES)
    for color in (TOP, GOOD, WARN, BAD):
        assert f"fill: {color}" in svg


def test_a_grade_outside_the_category_is_an_error() -> None:
    with pytest.raises(ValueError, match="称职"):
        ranking_bars_svg(title="排名", rows=[("甲", 90.0, "称职")], grades=GRADES)


def test_height_grows_with_the_number_of_rows() -> None:
    def height(n: int) -> float:
        svg = ranking_bars_svg(title="排名", rows=_ranking_rows(n), grades=GRADES)
        return float(ET.fromstring(svg).get("height", "").removesuffix("pt"))

    assert height(60) > 3 * height(10)


def test_missing_data_gives_a_note_not_a_misleading_shape() -> None:
    empty = ranking_bars_svg(title="排名", rows=[], grades=GRADES)
    assert "暂无数据" in ET.fromstring(empty)[0].text  # type: ignore[operator]
    no_marks = radar_svg(title="李四", dimensions=[("德", 90.0), ("能", None), ("勤", 80.0)])
    assert "暂无测评数据" in ET.fromstring(no_marks)[0].text  # type: ignore[operator]
    # A reference lacking a dimension is left out rather than drawn through 0.
    partial = radar_svg(title="李四", dimensions=DIMENSIONS, reference=MEAN[:4])
    assert "类别平均" not in ET.fromstring(partial)[0].text  # type: ignore[operator]


def test_threads_render_the_same_bytes_as_one_thread() -> None:
    expected = {name: chart() for name, chart in CHARTS.items()}
    jobs = list(CHARTS.items()) * 3
    with ThreadPoolExecutor(max_workers=4) as pool:
        got = list(pool.map(lambda job: (job[0], job[1]()), jobs))
    assert all(svg == expected[name] for name, svg in got)


def _pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("L"), dtype=np.int16)


def _glyphs(text: str, family: str | list[str]) -> np.ndarray:
    with chart_context():
        figure = new_figure(width=1.2, height=0.6)
        figure.text(0.5, 0.5, text, family=family, fontsize=24, ha="center", va="center")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # "Glyph … missing from font"
            return _pixels(to_png(figure, dpi=100))


def test_chinese_glyphs_are_real_and_not_tofu() -> None:
    cjk = [cjk_font().family, FALLBACK_FAMILY]
    # Tofu reference: DejaVu has no hanzi, so any two of them draw the same .notdef box …
    assert np.array_equal(_glyphs("考核", FALLBACK_FAMILY), _glyphs("德廉", FALLBACK_FAMILY))
    # … and so does a private-use character even with the chart fonts.
    tofu = _glyphs("\ue000\ue000", cjk)
    real = _glyphs("考核", cjk)
    assert (real < 128).sum() > 50  # ink on the page
    assert not np.array_equal(real, tofu)
    assert not np.array_equal(real, _glyphs("考核", FALLBACK_FAMILY))
    assert not np.array_equal(real, _glyphs("德廉", cjk))


@pytest.mark.parametrize("name", FIGURES)
def test_each_chart_rasterises_with_ink_and_is_saved_for_a_look(name: str) -> None:
    with chart_context():
        figure, _ = FIGURES[name]()
        png = to_png(figure, dpi=100)
    pixels = _pixels(png)
    assert pixels.shape[0] > 150 and pixels.shape[1] > 300
    assert (pixels < 200).mean() > 0.01  # bars, lines and text, not a blank page
    PNG_DIR.mkdir(exist_ok=True)
    (PNG_DIR / f"{name}.png").write_bytes(png)


def test_dollar_signs_in_names_are_text_not_formulas() -> None:
    """A name with "$" (the office's own text) must draw, never be parsed as mathtext: a
    broken formula would make the chart, and the public ranking page, fail (found in review)."""
    names = ["$\\frac{$", "a $b$ c", "县$财政局"]
    svg = ranking_bars_svg(
        title="$排名$", rows=[(n, 80.0 + i, "优秀") for i, n in enumerate(names)], grades=["优秀"]
    )
    ET.fromstring(svg)
    ET.fromstring(grade_distribution_svg(categories=[("$乡镇", [("优秀", 2), ("$良好", 1)])]))
    ET.fromstring(section_bars_svg(sections=[("$目标$", 50.0, 60.0)]))
