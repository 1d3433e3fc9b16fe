"""Section bars: each section's score against its points (分值), for one assessee."""

from __future__ import annotations

from collections.abc import Sequence

from matplotlib.figure import Figure

from kaohe.charts.render import LINE, MUTED, TOP, chart_context, fmt, new_figure, style_axes, to_svg

__all__ = ["section_bars_svg"]

ROW_IN = 0.42
FRAME_IN = 1.1


def section_bars_svg(
    *, sections: Sequence[tuple[str, float, float]], title: str = "分项得分"
) -> str:
    """SVG of ``sections`` = (section name, score, points) in the plan's order.

    The pale bar is the section's points, the blue bar the score earned within it.
    """
    with chart_context():
        figure, summary = sections_figure(sections=sections, title=title)
        return to_svg(figure, summary=summary)


def sections_figure(
    *, sections: Sequence[tuple[str, float, float]], title: str = "分项得分"
) -> tuple[Figure, str]:
    """The figure and its text summary; call inside ``chart_context()``."""
    figure = new_figure(height=max(2.0, FRAME_IN + ROW_IN * len(sections)))
    axes = figure.add_subplot()
    figure.suptitle(title, fontsize=13, fontweight="bold")
    style_axes(axes)
    if not sections:
        axes.set_axis_off()
        axes.text(0.5, 0.5, "暂无数据", ha="center", va="center", color=MUTED, fontsize=12)
        return figure, f"{title}：暂无数据。"

    rows = range(len(sections))
    scores = [float(score) for _, score, _ in sections]
    points = [float(p) for _, _, p in sections]
    axes.barh(rows, points, height=0.62, color=LINE)
    axes.barh(rows, scores, height=0.62, color=TOP)
    high = max(0.0, *points, *scores) or 1.0
    low = min(0.0, *scores)
    axes.set_xlim(low, high * 1.32)  # room right of the longest bar for "得分 / 分值"
    for row, score, point in zip(rows, scores, points, strict=True):
        share = f"（{score / point:.0%}）" if point > 0 else ""
        axes.text(
            max(point, score) + high * 0.015, row, f"{fmt(score)} / {fmt(point)}{share}",
            va="center", color=MUTED, fontsize=8.5,
        )  # fmt: skip
    axes.set_yticks(list(rows), labels=[name for name, _, _ in sections])
    axes.set_ylim(len(sections) - 0.5, -0.5)
    axes.set_xlabel("得分 / 分值", color=MUTED)
    axes.grid(axis="x", color=LINE, linewidth=0.8)
    parts = "；".join(
        f"{name} {fmt(score)} 分（分值 {fmt(point)}）"
        for (name, _, _), score, point in zip(sections, scores, points, strict=True)
    )
    return figure, f"{title}：{parts}；合计 {fmt(sum(scores))} 分。"
