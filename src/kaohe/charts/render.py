"""What every chart shares: colours, the rendering lock, and figure → SVG/PNG.

matplotlib is not thread-safe and keeps its settings in the global ``rcParams``; the web server
is threaded. So every chart is built and saved inside :func:`chart_context`, which holds one
lock and applies the chart settings only for that block; figures are plain
``matplotlib.figure.Figure`` objects with an Agg canvas (never pyplot, never a display).
"""

from __future__ import annotations

import io
import re
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from xml.sax.saxutils import escape

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from kaohe.charts.fonts import font_families
from kaohe.engine.rounding import round2

# The stylesheet's colours (results/static/kaohe/kaohe.css), so a chart and the table beside it
# speak the same language: best grade blue, then green, orange, the last grade red.
TOP = "#0b4f9c"
GOOD = "#1b7f3b"
WARN = "#b26a00"
BAD = "#b71c1c"
INK = "#1f2933"
MUTED = "#616e7c"
LINE = "#d9e2ec"
REFERENCE = "#9aa5b1"

FONT_SIZE = 10.0
WIDTH_IN = 8.0

_lock = threading.RLock()


def grade_colors(grades: Sequence[str]) -> dict[str, str]:
    """Colour per grade name, best first, as the pages colour grade badges.

    A fifth or later middle grade gets a lighter orange so no two legend entries look alike.

    >>> grade_colors(["优秀", "良好", "一般", "较差"])
    {'优秀': '#0b4f9c', '良好': '#1b7f3b', '一般': '#b26a00', '较差': '#b71c1c'}
    >>> grade_colors(["合格", "不合格"])
    {'合格': '#0b4f9c', '不合格': '#b71c1c'}
    """
    if len(set(grades)) != len(grades):
        raise ValueError(f"grades repeat a name: {list(grades)}")
    colors: dict[str, str] = {}
    for index, grade in enumerate(grades):
        if index == len(grades) - 1 and index > 0:
            colors[grade] = BAD
        elif index < 3:
            colors[grade] = (TOP, GOOD, WARN)[index]
        else:
            colors[grade] = _lighten(WARN, 0.3 * (index - 2))
    return colors


def _lighten(color: str, amount: float) -> str:
    amount = min(amount, 0.75)
    channels = [int(color[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(c + (255 - c) * amount):02x}" for c in channels)


def fmt(value: float) -> str:
    """A score as the results print it (scoring.md §8: 2 decimals, half away from zero).

    >>> fmt(2.675), fmt(90.0), fmt(-0.001)
    ('2.68', '90.00', '0.00')
    """
    return f"{round2(value):.2f}"


@contextmanager
def chart_context() -> Iterator[None]:
    """Hold the chart lock and the chart settings while figures are built and saved."""
    settings = {
        "font.family": font_families(),
        "font.size": FONT_SIZE,
        "axes.unicode_minus": False,  # an ASCII minus exists in every face
        # Names are the office's text, never formulas: "$" must not start mathtext (a name
        # like "$\\frac{$" would make the chart, and the public ranking page, fail).
        "text.parse_math": False,
        "axes.edgecolor": LINE,
        "axes.labelcolor": INK,
        "text.color": INK,
        "xtick.color": MUTED,
        "ytick.color": INK,
        "svg.fonttype": "path",  # glyphs as outlines: identical with or without the font
        "svg.hashsalt": "kaohe-charts",  # stable clip-path ids, so output is deterministic
        "svg.id": None,
        "svg.image_inline": True,
        "path.simplify": True,
    }
    with _lock, matplotlib.rc_context(settings):
        yield


def new_figure(*, width: float = WIDTH_IN, height: float) -> Figure:
    """A display-free figure (inches) laid out by matplotlib's constrained layout."""
    figure = Figure(figsize=(width, height), layout="constrained", facecolor="white")
    FigureCanvasAgg(figure)
    return figure


_PROLOGUE = re.compile(r"^.*?(?=<svg\b)", re.S)
_METADATA = re.compile(r"\s*<metadata>.*?</metadata>", re.S)
_SVG_OPEN = re.compile(r"<svg\b[^>]*>")
_COMMENT = re.compile(r"\s*<!--.*?-->", re.S)
# matplotlib ends every path command with " \n"; one space reads the same and is smaller.
_PATH_BREAK = re.compile(r" \n(?=[MLQCz])")


def to_svg(figure: Figure, *, summary: str) -> str:
    """The figure as one ``<svg>`` element with a ``<title>`` summary and no metadata.

    The XML declaration, doctype and RDF metadata are dropped so the string can be inlined in
    an HTML page as it is; ``role="img"`` plus the leading ``<title>`` is what screen readers
    announce.
    """
    buffer = io.StringIO()
    figure.savefig(
        buffer,
        format="svg",
        metadata={"Date": None, "Creator": None, "Format": None, "Type": None},
    )
    svg = _METADATA.sub("", _PROLOGUE.sub("", buffer.getvalue(), count=1), count=1)
    svg = _PATH_BREAK.sub(" ", _COMMENT.sub("", svg))
    opening = _SVG_OPEN.search(svg)
    if opening is None:  # pragma: no cover - matplotlib always writes one
        raise RuntimeError("matplotlib wrote no <svg> element")
    tag = opening.group(0)[:-1] + ' role="img">'
    title = f"\n <title>{escape(summary)}</title>"
    return tag + title + svg[opening.end() :]


def to_png(figure: Figure, *, dpi: int = 100) -> bytes:
    """The same figure rasterised by Agg (tests look at it; pages use the SVG)."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return buffer.getvalue()


def style_axes(axes: matplotlib.axes.Axes) -> None:
    """Quiet frame: no top/right spines, light grid behind the data."""
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.set_axisbelow(True)
    axes.tick_params(length=0)
