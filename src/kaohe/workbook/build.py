"""`build_document(raw)`: validate a raw document (workbook.md YAML shape) into a `Document`.

Loading is all-or-nothing: every check runs, every problem is collected with its place
(through the reader's `locate`), and one `InputError` lists them all.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import polars as pl

from kaohe.engine.model import Document
from kaohe.errors import InputError, Locate
from kaohe.workbook.build_common import Problems, show
from kaohe.workbook.build_data import (
    build_assessees,
    build_events,
    build_process,
    build_scale,
    build_values,
)
from kaohe.workbook.build_marks import build_marks
from kaohe.workbook.build_plan import (
    build_evaluations,
    build_organization,
    build_plan,
    check_section_sources,
)

__all__ = ["build_document"]


MarksHook = Callable[[pl.DataFrame, list[str]], object]


def build_document(
    raw: Mapping[str, Any], *, locate: Locate | None = None, on_marks: MarksHook | None = None
) -> Document:
    """Validate `raw` and return the engine's `Document`, or raise `InputError` with all problems.

    `on_marks(marks, evaluation_codes)` is called with the document's marks frame (and the
    evaluation codes in declared order) as soon as the marks are found valid, in the thread
    that checked them, while the rest is still being checked: `kaohe load` groups them into
    ballot rows there. Its result is not used; the document may still turn out invalid.

    >>> build_document({"version": 2})
    Traceback (most recent call last):
    ...
    kaohe.errors.InputError: version: 版本 version 应为 1，实为 2
    organization: organization 应为映射（键: 值），实为 空值
    plan: plan 应为映射（键: 值），实为 空值
    """
    p = Problems(locate)
    if not isinstance(raw, Mapping):
        p.add((), f"文档应为映射（键: 值），实为 {show(raw)}")
        raise InputError(p.items)
    if raw.get("version", 1) not in (1, "1"):
        p.add(("version",), f"版本 version 应为 1，实为 {show(raw.get('version'))}")
    organization = build_organization(raw.get("organization"), p)
    plan = build_plan(raw.get("plan"), p)
    evaluations = build_evaluations(raw.get("evaluations"), p, plan)
    check_section_sources(plan, evaluations, p)
    assessees = build_assessees(organization, plan, p)
    by_code = {a.code: a for a in assessees}
    known = set(by_code)
    data = p.mapping(raw.get("data"), ("data",), "data ") if raw.get("data") is not None else {}
    data = data or {}
    # The marks (polars, outside the GIL) are checked in a second thread while this one builds
    # the values (Python): on two cores the two overlap. Their problems are collected apart and
    # come last, where they always came.
    marks_problems = Problems(locate)
    by_evaluation = {e.code: e for e in evaluations}
    # Only a document whose plan part is sound can still be valid: then the hook is worth it.
    hook = on_marks if not p.items else None

    def checked_marks() -> pl.DataFrame:
        frame = build_marks(data, marks_problems, by_evaluation, known)
        if hook is not None and not marks_problems.items:
            hook(frame, list(by_evaluation))
        return frame

    with ThreadPoolExecutor(max_workers=1) as pool:
        marks = pool.submit(checked_marks)
        values = build_values(data.get("values"), p, by_code, plan, data.get("value_rows"))
        scale = build_scale(data.get("scale"), p, known)
        process = build_process(data.get("process"), p, known)
        events = build_events(data.get("events"), p, known, plan)
        document = Document(
            organization=organization,
            plan=plan,
            assessees=assessees,
            evaluations=evaluations,
            values=values,
            scale=scale,
            process=process,
            events=events,
            marks=marks.result(),
        )
    p.items.extend(marks_problems.items)
    if p.items:
        raise InputError(p.items)
    return document
