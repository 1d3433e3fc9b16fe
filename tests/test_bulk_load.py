"""The bulk write path of ``plan_load``: random keys in key order, the empty-table fast path
(TRUNCATE, indexes dropped and built again) and replacing a plan while another is stored."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import polars as pl
import pytest
from django.db import connection

from kaohe.engine.model import Document
from kaohe.evaluation.marks import prepare_marks
from kaohe.evaluation.models import Ballot, Mark
from kaohe.plans.models import Event, Value
from kaohe.plans.selectors import plan_document
from kaohe.plans.services import plan_load
from test_services import assert_same_document

pytestmark = pytest.mark.django_db


def test_prepared_marks_are_a_random_permutation_in_key_order(
    document_factory: Callable[..., Document],
) -> None:
    document = document_factory(9)
    evaluations = [evaluation.code for evaluation in document.evaluations]
    prepared = prepare_marks(document.marks, evaluations)
    height = document.marks.height
    assert prepared.rows.height == height
    # Every row once; grouped by evaluation place (the first key of the marks' primary key).
    assert sorted(prepared.positions.tolist()) == list(range(height))
    places = prepared.rows.get_column("evaluation").to_numpy()[prepared.positions]
    assert (np.diff(places) >= 0).all()
    assert set(places.tolist()) == {0, 1}
    # Keys ascend strictly, so the rows at ``positions`` are written in key order.
    assert (np.diff(prepared.ids) > 0).all()
    assert prepared.ids.min() > 0
    # One ballot per (evaluation, serial), each with its own random key, and every mark points
    # at its ballot's key with its order on that ballot.
    ballots = prepared.ballots
    assert ballots.height == document.marks.select("evaluation", "ballot").n_unique()
    assert ballots.get_column("id").n_unique() == ballots.height
    marks = prepared.rows.join(
        ballots.select(pl.col("id").alias("ballot"), "serial"), on="ballot", how="left"
    )
    assert marks.get_column("serial").to_list() == document.marks.get_column("ballot").to_list()
    first = document.marks.get_column("ballot")[0]
    on_first = marks.filter(pl.col("serial") == first).get_column("order").to_list()
    assert on_first == list(range(len(on_first)))


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
    assert Mark.objects.count() == smaller.marks.height + second.marks.height


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
    tables = [model._meta.db_table for model in (Value, Event, Ballot, Mark)]
    before = {table: (_indexes(table), _constraints(table)) for table in tables}
    assert before[Value._meta.db_table][0], "values have indexes to drop and build again"
    plan_load(document=document_factory(5))
    plan_load(document=document_factory(7))  # the only plan: truncated, indexes rebuilt
    after = {table: (_indexes(table), _constraints(table)) for table in tables}
    assert after == before
    assert_same_document(plan_document("2025-test"), document_factory(7))
