"""德能勤绩廉 radar: one person's mean rating per dimension (0–100), optionally against the
category's mean polygon."""

from __future__ import annotations

import math
from collections.abc import Sequence

from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from kaohe.charts.render import (
    INK,
    LINE,
    MUTED,
    REFERENCE,
    TOP,
    chart_context,
    fmt,
    new_figure,
    to_svg,
)

__all__ = ["radar_svg"]

RINGS = (20, 40, 60, 80, 100)


def radar_svg(
    *,
    title: str,
    dimensions: Sequence[tuple[str, float | None]],
    reference: Sequence[tuple[str, float | None]] | None = None,
) -> str:
    """SVG radar of ``dimensions`` = (name, mean 0–100) in display order (德 能 勤 绩 廉).

    ``reference`` (e.g. the category mean, matched by name) is drawn dashed as 类别平均; it is
    left out when it lacks a value for any dimension. The engine's explanation gives
    ``evaluations[code]["dimensions"]`` as a dict: pass ``list(d.items())``. A dimension
    without a value (no valid marks) leaves the chart empty with a note: a polygon through 0
    would read as the worst rating.
    """
    with chart_context():
        figure, summary = radar_figure(title=title, dimensions=dimensions, reference=reference)
        return to_svg(figure, summary=summary)


def radar_figure(
    *,
    title: str,
    dimensions: Sequence[tuple[str, float | None]],
    reference: Sequence[tuple[str, float | None]] | None = None,
) -> tuple[Figure, str]:
    """The figure and its text summary; call inside ``chart_context()``."""
    if len({n for n, _ in dimensions}) != len(dimensions):
        raise ValueError(f"dimension names repeat: {[n for n, _ in dimensions]}")
    figure = new_figure(width=5.2, height=5.0)
    figure.suptitle(title, fontsize=13, fontweight="bold")
    names = [name for name, _ in dimensions]
    values = [value for _, value in dimensions]
    if len(names) < 3 or any(v is None for v in values):
        axes = figure.add_subplot()
        axes.set_axis_off()
        axes.text(0.5, 0.5, "暂无测评数据", ha="center", va="center", color=MUTED, fontsize=12)
        return figure, f"{title}：暂无测评数据。"

    own = [float(v) for v in values if v is not None]
    ref = None
    by_name = dict(reference or ())
    if reference is not None and all(by_name.get(n) is not None for n in names):
        ref = [float(by_name[n]) for n in names]  # type: ignore[arg-type]
    axes = figure.add_subplot(projection="polar")
    # First dimension at the top, the others clockwise (德 能 勤 绩 廉 read like a clock).
    axes.set_theta_offset(math.pi / 2)
    axes.set_theta_direction(-1)
    angles = [2 * math.pi * i / len(names) for i in range(len(names))]
    closed = [*angles, angles[0]]
    axes.set_xlim(0, 2 * math.pi)
    axes.set_ylim(0, 100)
    axes.set_yticks(RINGS, labels=[str(r) for r in RINGS], color=MUTED, fontsize=7.5)
    axes.set_rlabel_position(180 / len(names))  # between the first two spokes
    axes.set_xticks(
        angles, labels=[f"{n}\n{fmt(v)}" for n, v in zip(names, own, strict=True)], fontsize=11
    )
    axes.tick_params(axis="x", pad=10, labelcolor=INK)  # names in ink, not tick grey
    axes.grid(color=LINE, linewidth=0.8)
    axes.spines["polar"].set_color(LINE)
    handles = [Line2D([], [], color=TOP, linewidth=2)]
    labels = ["本人"]
    if ref is not None:
        axes.plot(closed, [*ref, ref[0]], color=REFERENCE, linewidth=1.5, linestyle="--")
        handles.append(Line2D([], [], color=REFERENCE, linewidth=1.5, linestyle="--"))
        labels.append("类别平均")
    axes.plot(closed, [*own, own[0]], color=TOP, linewidth=2)
    axes.fill(closed, [*own, own[0]], color=TOP, alpha=0.18)
    figure.legend(handles, labels, loc="outside lower center", ncols=len(labels), frameon=False)

    parts = "，".join(f"{n} {fmt(v)}" for n, v in zip(names, own, strict=True))
    summary = f"{title}：各维度平均评价（满分 100）{parts}"
    if ref is not None:
        summary += "；类别平均 " + "，".join(
            f"{n} {fmt(v)}" for n, v in zip(names, ref, strict=True)
        )
    return figure, summary + "。"
