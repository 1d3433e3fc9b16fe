"""Grade distribution: one stacked bar per category, a segment per grade (best first)."""

from __future__ import annotations

from collections.abc import Sequence

from matplotlib.figure import Figure
from matplotlib.patches import Patch

from kaohe.charts.render import (
    LINE,
    MUTED,
    chart_context,
    grade_colors,
    new_figure,
    style_axes,
    to_svg,
)

__all__ = ["grade_distribution_svg"]

ROW_IN = 0.55
FRAME_IN = 1.5
# A count is printed inside its segment only when the segment is at least this wide.
MIN_LABEL_IN = 0.22


def grade_distribution_svg(*, categories: Sequence[tuple[str, Sequence[tuple[str, int]]]]) -> str:
    """SVG of ``categories`` = (category name, [(grade, count), …] best grade first).

    Categories may use different grade names; segments are coloured by position (best blue,
    last red) like the grade badges. The legend names each position ("好/优秀" when the names
    differ) when every category has as many grades; otherwise segments carry their names.
    """
    with chart_context():
        figure, summary = distribution_figure(categories=categories)
        return to_svg(figure, summary=summary)


def distribution_figure(
    *, categories: Sequence[tuple[str, Sequence[tuple[str, int]]]]
) -> tuple[Figure, str]:
    """The figure and its text summary; call inside ``chart_context()``."""
    title = "等次分布"
    figure = new_figure(height=max(2.4, FRAME_IN + ROW_IN * len(categories)))
    axes = figure.add_subplot()
    figure.suptitle(title, fontsize=13, fontweight="bold")
    style_axes(axes)
    totals = [sum(count for _, count in grades) for _, grades in categories]
    if not categories or not any(totals):
        axes.set_axis_off()
        axes.text(0.5, 0.5, "暂无数据", ha="center", va="center", color=MUTED, fontsize=12)
        return figure, f"{title}：暂无数据。"

    widest = max(totals)
    axes.set_xlim(0, widest * 1.08)
    axes.set_ylim(len(categories) - 0.5, -0.5)  # first category on top
    axes.set_yticks(range(len(categories)), labels=[name for name, _ in categories])
    axes.set_xlabel("考核对象数", color=MUTED)
    axes.grid(axis="x", color=LINE, linewidth=0.8)
    axes.xaxis.get_major_locator().set_params(integer=True)
    # Inches per counted assessee, to decide which segments can hold their count.
    axes_width_in = figure.get_figwidth() * 0.72
    per_unit_in = axes_width_in / (widest * 1.08)

    # Segments are coloured by position, so the legend can name positions whenever every
    # category has the same number of grades ("优秀/好" when the names differ).
    sizes = {len(grades) for _, grades in categories}
    legend = len(sizes) == 1
    for row, (_, grades) in enumerate(categories):
        colors = grade_colors([g for g, _ in grades])
        left = 0
        for grade, count in grades:
            if count <= 0:
                continue
            axes.barh(row, count, left=left, height=0.6, color=colors[grade], edgecolor="white")
            label = str(count) if legend else f"{grade} {count}"
            if count * per_unit_in >= MIN_LABEL_IN * max(1, len(label) / 1.5):
                axes.text(
                    left + count / 2, row, label, ha="center", va="center",
                    color="white", fontsize=9,
                )  # fmt: skip
            left += count
        axes.text(left + widest * 0.01, row, f"共 {left}", va="center", color=MUTED, fontsize=8.5)
    if legend:
        positions = [
            list(dict.fromkeys(grades[i][0] for _, grades in categories))
            for i in range(sizes.pop())
        ]
        colors = grade_colors([f"{i}" for i in range(len(positions))])
        figure.legend(
            handles=[Patch(color=colors[f"{i}"]) for i in range(len(positions))],
            labels=["/".join(names) for names in positions],
            loc="outside lower center",
            ncols=len(positions),
            frameon=False,
        )
    parts = [
        f"{name}（{total} 个）" + "，".join(f"{g} {c}" for g, c in grades)
        for (name, grades), total in zip(categories, totals, strict=True)
    ]
    return figure, f"{title}：" + "；".join(parts) + "。"
