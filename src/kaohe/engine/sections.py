"""Section scores from a single source (scoring.md §8): process and evaluation sections.

Indicator sections are scored with their leaves in `kaohe.engine.leaves`."""

from __future__ import annotations

from collections.abc import Mapping

from kaohe.engine.model import Section
from kaohe.engine.results import EvaluationResult, SectionResult


def process_section(
    section: Section, code: str, process: Mapping[str, float], flags: set[str]
) -> SectionResult:
    """日常考核: ``P * points / 100``; missing P scores 0 with ``missing:SECTION``.

    >>> process_section(Section("p", "日常", 20, "process"), "x", {"x": 92.5}, set()).score
    18.5
    """
    p = process.get(code)
    if p is None:
        flags.add(f"missing:{section.code}")
        score = 0.0
    else:
        score = p * section.points / 100.0
    return SectionResult(section.code, section.name, section.points, "process", score, process=p)


def evaluation_section(section: Section, evaluation: EvaluationResult | None) -> SectionResult:
    """民主评价: ``E * points / 100`` (E = 0 when there is no ballot at all)."""
    e = evaluation.score if evaluation is not None else 0.0
    return SectionResult(
        section.code, section.name, section.points, "evaluation", e * section.points / 100.0,
        evaluation=section.evaluation,
    )  # fmt: skip
