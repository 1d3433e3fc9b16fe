"""`score(document) -> Results`: the whole of scoring.md, in the order it is written."""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor

import polars as pl

from kaohe.engine import ballots, probation
from kaohe.engine.diagnostics import category_stats
from kaohe.engine.gcpause import gc_paused
from kaohe.engine.grading import assign_grades, assign_ranks
from kaohe.engine.leaves import LeafBlock, leaf_block, section_scores
from kaohe.engine.leaves import flags as block_flags
from kaohe.engine.model import Assessee, Category, Document, Evaluation, Event, VetoItem
from kaohe.engine.results import (
    AssesseeResult,
    CategoryResult,
    EvaluationResult,
    EventLine,
    IndicatorStats,
    Results,
    SectionResult,
    WorstResult,
)
from kaohe.engine.sections import evaluation_section, process_section


def _partition_marks(document: Document) -> dict[str, pl.DataFrame]:
    marks = document.marks
    if marks.height == 0:
        return {}
    codes = marks.get_column("evaluation").unique()
    if codes.len() == 1 and codes[0] is not None:
        return {codes[0]: marks}  # one evaluation: no copy of its millions of marks
    return {
        key[0] if isinstance(key, tuple) else key: frame
        for key, frame in marks.partition_by("evaluation", as_dict=True).items()
    }


def _always_covered(document: Document, evaluation: Evaluation) -> set[str]:
    """Assessees of the categories using the evaluation as a section (scoring.md §8)."""
    using = {
        category.code
        for category in document.plan.categories
        if any(s.evaluation == evaluation.code for s in category.sections)
    }
    return {a.code for a in document.assessees if a.category in using}


def _veto_of_event(document: Document, event: Event) -> VetoItem:
    item = event.item or ""
    if event.effect is not None:
        return VetoItem(item, event.effect)
    for veto in document.plan.vetoes:
        if veto.item == item:
            return VetoItem(item, veto.effect)
    return VetoItem(item, "lowest")  # the builder rejects unknown items; lowest is the default


def _assessee(
    document: Document,
    assessee: Assessee,
    sections: tuple[SectionResult, ...],
    flags: set[str],
    evaluations: dict[str, EvaluationResult],
    events: list[Event],
) -> AssesseeResult:
    base = math.fsum([s.score for s in sections])
    scale = float(document.scale.get(assessee.code, 1.0))
    bonus_events = deduction = 0.0  # the sums of no events (most assessees have none)
    if events:
        bonus_events = math.fsum([e.points for e in events if e.type == "bonus"])
        deduction = math.fsum([e.points for e in events if e.type == "deduction"])
    cap = document.plan.bonus_cap
    bonus = min(bonus_events, cap) if cap is not None else bonus_events
    total = max(0.0, base * scale + bonus - deduction)
    vetoes: list[VetoItem] = []
    lines: list[EventLine] = []
    downgrades = 0
    for event in events:
        if event.type == "veto":
            veto = _veto_of_event(document, event)
            vetoes.append(veto)
            lines.append(EventLine("veto", item=veto.item, effect=veto.effect, reason=event.reason))
        else:
            downgrades += event.type == "downgrade"
            lines.append(EventLine(event.type, points=event.points, reason=event.reason))
    for evaluation in evaluations.values():
        flags.update(evaluation.flags)
    return AssesseeResult(
        code=assessee.code,
        name=assessee.name,
        category=assessee.category,
        sections=sections,
        base=base,
        scale=scale,
        bonus=bonus,
        bonus_events=bonus_events,
        bonus_cap=cap,
        deduction=deduction,
        total=total,
        flags=flags,
        vetoes=vetoes,
        downgrades=downgrades,
        evaluations=evaluations,
        events=lines,
    )


def score(document: Document) -> Results:
    """Score one document: sections, totals, ranks, grades, evaluations, diagnostics.

    >>> from kaohe.engine.model import (Category, Grade, Indicator, Organization, Plan,
    ...     Section)
    >>> leaf = Indicator("T1", "农业发展", 100, "ratio", target=100)
    >>> cat = Category("c", "乡镇", (Section("t", "目标", 100, indicators=(leaf,)),),
    ...     (Grade("优秀", 50), Grade("一般")))
    >>> doc = Document(Organization("县"), Plan("p", "p", 2025, (cat,)),
    ...     (Assessee("A", "甲", "c"), Assessee("B", "乙", "c")),
    ...     values={("A", "T1"): 95.0, ("B", "T1"): 80.0})
    >>> [(a["code"], a["total"], a["rank"], a["grade"]) for a in score(doc).to_dict()["assessees"]]
    [('A', 95.0, 1, '优秀'), ('B', 80.0, 2, '一般')]
    """
    with gc_paused():  # hundreds of thousands of result objects, no cycles (gcpause.py)
        return _score(document)


def _count_ballots(
    document: Document,
) -> tuple[dict[str, dict[str, EvaluationResult]], list[WorstResult]]:
    """Every evaluation's results per assessee, and the worst votes (ballots.py)."""
    marks = _partition_marks(document)
    assessee_codes = [a.code for a in document.assessees]
    evaluation_results: dict[str, dict[str, EvaluationResult]] = {}
    worst_results: list[WorstResult] = []
    for evaluation in document.evaluations:
        frame = marks.get(evaluation.code)
        if evaluation.kind == "worst":
            empty = document.marks.clear()
            worst_results.append(ballots.worst(evaluation, frame if frame is not None else empty))
            continue
        if frame is None:
            frame = document.marks.clear()
        # Covered: the categories using the evaluation, plus everyone marked.
        per = ballots.aggregate_covering(
            evaluation, frame, assessee_codes, _always_covered(document, evaluation)
        )
        if evaluation.kind == "probation":  # 试用期满测评: votes and verdict (probation.py)
            per = probation.review_all(evaluation, per)
        evaluation_results[evaluation.code] = per
    return evaluation_results, worst_results


SectionColumns = dict[str, tuple[list[float], list[float | None], int, int]]


def _leaves(
    category: Category, members: list[Assessee], document: Document
) -> tuple[LeafBlock, dict[int, list[str]], SectionColumns]:
    """One category's leaf block (every leaf at once, leaves.py), its flags and the indicator
    sections' totals as columns."""
    indicator_sections = [s for s in category.sections if s.source == "indicators"]
    block = leaf_block(indicator_sections, [a.code for a in members], document.values)
    section_columns: SectionColumns = {}
    start = 0
    for section in indicator_sections:
        stop = start + sum(1 for _ in section.leaves())
        totals, applied = section_scores(block, section, start, stop)
        section_columns[section.code] = (totals, applied, start, stop)
        start = stop
    return block, block_flags(block), section_columns


def _score(document: Document) -> Results:
    plan = document.plan
    by_category: dict[str, list[Assessee]] = {}
    for assessee in document.assessees:
        by_category.setdefault(assessee.category, []).append(assessee)

    # The ballots are counted in a second thread while this one scores the indicator leaves:
    # counting is polars and NumPy, which run outside the GIL, and the leaves are mostly
    # Python, so on two cores the two overlap. Neither reads what the other makes.
    with ThreadPoolExecutor(max_workers=1) as pool:
        counted = pool.submit(_count_ballots, document)
        leaves = {
            category.code: _leaves(category, by_category.get(category.code, []), document)
            for category in plan.categories
        }
        evaluation_results, worst_results = counted.result()

    events: dict[str, list[Event]] = {}
    for event in document.events:
        events.setdefault(event.assessee, []).append(event)

    results: dict[str, AssesseeResult] = {}
    blocks: dict[str, LeafBlock] = {}
    for category in plan.categories:
        members = by_category.get(category.code, [])
        block, leaf_flags, section_columns = leaves[category.code]
        blocks[category.code] = block
        for row, assessee in enumerate(members):
            flags: set[str] = set(leaf_flags.get(row, ()))
            evaluations = {
                code: per[assessee.code]
                for code, per in evaluation_results.items()
                if assessee.code in per
            }
            sections = []
            for section in category.sections:
                if section.source == "indicators":
                    totals, applied, first, stop = section_columns[section.code]
                    sections.append(
                        SectionResult(
                            section.code,
                            section.name,
                            section.points,
                            "indicators",
                            totals[row],
                            rescaled=applied[row] is not None,
                            applied_points=applied[row],
                            block=block,
                            row=row,
                            start=first,
                            stop=stop,
                        )
                    )
                elif section.source == "process":
                    sections.append(
                        process_section(section, assessee.code, document.process, flags)
                    )
                else:
                    sections.append(
                        evaluation_section(section, evaluations.get(section.evaluation or ""))
                    )
            results[assessee.code] = _assessee(
                document, assessee, tuple(sections), flags, evaluations,
                events.get(assessee.code, []),
            )  # fmt: skip

    # Worst votes come after the events in `vetoes` (scoring.md §8, order).
    for worst in worst_results:
        for entry in worst.named:
            result = results.get(entry.assessee)
            if result is None:
                continue
            result.vetoes.append(worst.veto)
            result.events.append(
                EventLine(
                    "veto",
                    item=worst.veto.item,
                    effect=worst.veto.effect,
                    reason=f"评选最差：{entry.votes}票，占有效票{entry.share:.2%}",
                    source=f"worst:{worst.code}",
                )
            )

    ordered: list[AssesseeResult] = []
    categories: list[CategoryResult] = []
    indicators: list[IndicatorStats] = []
    for category in plan.categories:
        members_results = [results[a.code] for a in by_category.get(category.code, [])]
        assign_ranks(members_results)
        if members_results:
            assign_grades(category, members_results)
        ordered.extend(sorted(members_results, key=lambda r: (r.rank, r.code)))
        stats = category_stats(category, blocks[category.code], plan.non_discriminating_share)
        indicators.extend(stats)
        categories.append(
            CategoryResult(
                category.code,
                len(members_results),
                tuple(s.indicator for s in stats if s.non_discriminating),
            )
        )

    handling = tuple(
        sorted(
            code
            for per in evaluation_results.values()
            for code, result in per.items()
            if result.handling
        )
    )
    return Results(
        plan=plan.code,
        categories=tuple(categories),
        assessees=tuple(ordered),
        indicators=tuple(indicators),
        worst=tuple(worst_results),
        non_discriminating_share=(
            sum(s.non_discriminating for s in indicators) / len(indicators) if indicators else None
        ),
        handling=tuple(dict.fromkeys(handling)),
    )
