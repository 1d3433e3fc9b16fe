"""The bulk write path of ``plan_load``: random keys in key order, the empty-table fast path
(TRUNCATE, indexes dropped and built again) and replacing a plan while another is stored."""

from __future__ import annotations

import json
from collections.abc import Callable

import numpy as np
import polars as pl
import pytest
from django.db import connection

from kaohe.engine.model import Document
from kaohe.evaluation.ballot_rows import prepare_marks
from kaohe.evaluation.models import Ballot
from kaohe.evaluation.tests.stored import stored_marks
from kaohe.plans.bulk import bulk_insert, copy_format, model_frame
from kaohe.plans.models import Event, Plan, Value
from kaohe.plans.selectors import plan_document
from kaohe.plans.services import plan_load
from test_services import assert_same_document

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("escaped", [False, True], ids=["plain", "escaped"])
def test_prepared_ballots_hold_their_marks_in_key_order(
    document_factory: Callable[..., Document], escaped: bool
) -> None:
    document = document_factory(9)
    # Text that JSON must escape (quotes, backslashes, control characters) or that a naive
    # reader might split on (commas, brackets, the word null); null options (worst picks).
    odd = ["e,f", "[g]", " ", "null", "", "优秀", None]
    if escaped:
        odd += ['a"b', "c\\d", "h\ni", "\x01"]
    marks = document.marks.with_columns(
        pl.Series("option", [odd[i % len(odd)] for i in range(document.marks.height)])
    )
    evaluations = [evaluation.code for evaluation in document.evaluations]
    prepared = prepare_marks(marks, evaluations)
    ballots = prepared.ballots
    assert prepared.marks == marks.height
    assert ballots.height == marks.select("evaluation", "ballot").n_unique()
    # Random positive keys, written in key order (a random permutation of the ballots).
    ids = ballots.get_column("id").to_numpy()
    assert (np.diff(ids) > 0).all() and ids.min() > 0
    rebuilt = [
        (evaluations[place], group, serial, assessee, option)
        for place, group, serial, assessees, options in ballots.drop("id").iter_rows()
        for assessee, option in zip(json.loads(assessees), json.loads(options), strict=True)
    ]
    # Every mark once, with its ballot, in its order on the ballot.
    expected = marks.select("evaluation", "group", "ballot", "assessee", "option").rows()
    key = lambda row: (row[0], row[2])  # noqa: E731
    assert sorted(rebuilt, key=key) == sorted(expected, key=key)


def test_replacing_a_plan_keeps_the_other_plans_data(
    document_factory: Callable[..., Document],
) -> None:
    first, second = document_factory(4, code="A"), document_factory(6, code="B")
    plan_load(document=first)
    plan_load(document=second)
    smaller = document_factory(3, code="A")
    plan_load(document=smaller)  # not alone: deleted by plan and evaluation, not truncated
    assert_same_document(plan_document("A"), smaller)
    assert_same_document(plan_document("B"), second)
    assert Value.objects.count() == len(smaller.values) + len(second.values)
    assert Event.objects.count() == len(smaller.events) + len(second.events)
    assert len(stored_marks()) == smaller.marks.height + second.marks.height


def _indexes(table: str) -> list[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s ORDER BY indexname",
            [table],
        )
        return list(cursor.fetchall())


def _constraints(table: str) -> list[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conrelid = %s::regclass ORDER BY conname",
            [table],
        )
        return list(cursor.fetchall())


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL fast path")
def test_fast_path_builds_the_same_indexes_again(
    document_factory: Callable[..., Document],
) -> None:
    tables = [model._meta.db_table for model in (Value, Event, Ballot)]
    before = {table: (_indexes(table), _constraints(table)) for table in tables}
    assert before[Value._meta.db_table][0], "values have indexes to drop and build again"
    plan_load(document=document_factory(5))
    plan_load(document=document_factory(7))  # the only plan: truncated, indexes rebuilt
    after = {table: (_indexes(table), _constraints(table)) for table in tables}
    assert after == before
    assert_same_document(plan_document("2025-test"), document_factory(7))


@pytest.mark.parametrize(
    "texts",
    [
        ["甲", "", None, "带 空格", 'quote"', "comma,", "NULL", "N"],
        ["back\\slash", "tab\there", "line\nbreak", "cr\rhere", "\\N", "", None],
    ],
    ids=["text", "csv"],
)
def test_bulk_insert_keeps_every_text_and_null(
    texts: list[str | None], request: pytest.FixtureRequest
) -> None:
    plan = Plan.objects.create(code="bulk", name="bulk", year=2025)
    numbers = [0.1, None, -0.0, 1e-05, 123456789.125, 2.675, 96.77, 3.0][: len(texts)]
    frame = model_frame(
        Value,
        {
            "plan": [plan.id] * len(texts),
            "order": range(len(texts)),
            "assessee": [f"A{i}" for i in range(len(texts))],
            "indicator": ["I"] * len(texts),
            "kind": ["text"] * len(texts),
            "number": numbers,
            "text": texts,
        },
    )
    assert copy_format(frame) == request.node.callspec.id  # both COPY formats are tried
    assert bulk_insert(Value, frame) == len(texts)
    stored = list(Value.objects.filter(plan=plan).order_by("order").values_list("text", "number"))
    assert stored == list(zip(texts, numbers, strict=True))


def test_values_added_after_a_load_take_new_ids(
    document_factory: Callable[..., Document],
) -> None:
    plan_load(document=document_factory(5))
    plan_load(document=document_factory(7))  # the only plan: ids reserved from the sequence
    plan = Plan.objects.get(code="2025-test")
    before = set(Value.objects.values_list("id", flat=True))
    added = Value.objects.create(
        plan=plan, order=10**6, assessee="X", indicator="Y", kind=Value.Kind.NA
    )
    assert added.id not in before and added.id > max(before)
