"""Ranking bars: one horizontal bar per assessee, in rank order, coloured by grade."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from matplotlib.figure import Figure
from matplotlib.patches import Patch

from kaohe.charts.render import (
    LINE,
    MUTED,
    chart_context,
    fmt,
    grade_colors,
    new_figure,
    style_axes,
    to_svg,
)

__all__ = ["ranking_bars_svg"]

ROW_IN = 0.26  # inches per bar: 60 rows stay legible at 10 pt without overlap
FRAME_IN = 1.3  # title, legend and axis


def ranking_bars_svg(
    *,
    title: str,
    rows: Sequence[tuple[str, float, str]],
    grades: Sequence[str],
) -> str:
    """SVG of ``rows`` = (name, total, grade) in rank order, best first; ``grades`` best first.

    Every grade in ``rows`` must be one of ``grades`` (the category's own list).
    """
    with chart_context():
        figure, summary = ranking_figure(title=title, rows=rows, grades=grades)
        return to_svg(figure, summary=summary)


def ranking_figure(
    *,
    title: str,
    rows: Sequence[tuple[str, float, str]],
    grades: Sequence[str],
) -> tuple[Figure, str]:
    """The figure and its text summary; call inside ``chart_context()``."""
    colors = grade_colors(grades)
    unknown = sorted({grade for _, _, grade in rows} - set(colors))
    if unknown:
        raise ValueError(f"grades {unknown} are not among the category's grades {list(grades)}")
    figure = new_figure(height=max(2.6, FRAME_IN + ROW_IN * len(rows)))
    axes = figure.add_subplot()
    figure.suptitle(title, fontsize=13, fontweight="bold")
    style_axes(axes)
    if not rows:
        axes.set_axis_off()
        axes.text(0.5, 0.5, "暂无数据", ha="center", va="center", color=MUTED, fontsize=12)
        return figure, f"{title}：暂无数据。"

    names = [name for name, _, _ in rows]
    totals = [float(total) for _, total, _ in rows]
    positions = range(len(rows))
    bars = axes.barh(
        positions,
        totals,
        height=0.72,
        color=[colors[grade] for _, _, grade in rows],
    )
    axes.bar_label(bars, labels=[fmt(t) for t in totals], padding=3, fontsize=8.5, color=MUTED)
    axes.set_yticks(list(positions), labels=names)
    axes.set_ylim(len(rows) - 0.5, -0.5)  # rank 1 on top
    low, high = min(0.0, *totals), max(0.0, *totals)
    span = (high - low) or 1.0
    # Room on both sides for the value labels (a negative total's label sits left of its bar).
    axes.set_xlim(low - (0.12 * span if low < 0 else 0.0), high + 0.12 * span)
    axes.set_xlabel("总分", color=MUTED)
    axes.grid(axis="x", color=LINE, linewidth=0.8)
    axes.spines["left"].set_color(LINE)

    counts = Counter(grade for _, _, grade in rows)
    # Below the axis: above it, constrained layout stacks the legend onto the suptitle.
    figure.legend(
        handles=[Patch(color=colors[g]) for g in grades],
        labels=[f"{g}（{counts[g]}）" for g in grades],
        loc="outside lower center",
        ncols=len(grades),
        frameon=False,
    )
    best = max(range(len(rows)), key=lambda i: (totals[i], -i))
    worst = min(range(len(rows)), key=lambda i: (totals[i], -i))
    spread = "，".join(f"{g} {counts[g]} 个" for g in grades)
    summary = (
        f"{title}：共 {len(rows)} 个考核对象按总分排序；{spread}；"
        f"最高 {names[best]} {fmt(totals[best])} 分，最低 {names[worst]} {fmt(totals[worst])} 分。"
    )
    return figure, summary
