"""SVG charts for the result pages (matplotlib, Agg, Chinese labels drawn as outlines).

Each function returns one ``<svg>`` element with a ``<title>`` summary, ready to inline in a
page; the same inputs always give the same bytes.
"""

from kaohe.charts.grades import grade_distribution_svg
from kaohe.charts.radar import radar_svg
from kaohe.charts.ranking import ranking_bars_svg
from kaohe.charts.sections import section_bars_svg

__all__ = ["grade_distribution_svg", "radar_svg", "ranking_bars_svg", "section_bars_svg"]
