"""plan_load / plan_compute and the document round trip through the database."""

from __future__ import annotations

from collections.abc import Callable

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from conftest import table_counts
from kaohe.audit.models import AuditRecord
from kaohe.engine import score
from kaohe.engine.model import Document
from kaohe.evaluation.models import Ballot
from kaohe.evaluation.tests.stored import stored_marks
from kaohe.org.models import Unit
from kaohe.plans.models import Plan, Value
from kaohe.plans.selectors import plan_document, plan_results_dict
from kaohe.plans.services import plan_compute, plan_load

pytestmark = pytest.mark.django_db


def assert_same_document(stored: Document, original: Document) -> None:
    for name in ("organization", "plan", "assessees", "evaluations", "events"):
        assert getattr(stored, name) == getattr(original, name), name
    for name in ("values", "scale", "process"):
        assert list(getattr(stored, name).items()) == list(getattr(original, name).items()), name
    order = ["evaluation", "ballot"]
    # Marks come back by evaluation, ballot serial, then order on the ballot.
    expected = original.marks.with_row_index("_i").sort([*order, "_i"]).drop("_i")
    assert_frame_equal(stored.marks, expected)


def test_plan_load_round_trips_the_document(document_factory: Callable[..., Document]) -> None:
    document = document_factory(9)
    plan = plan_load(document=document, actor="tester")
    assert plan.code == "2025-test"
    assert_same_document(plan_document("2025-test"), document)
    assert len(stored_marks()) == document.marks.height
    record = AuditRecord.objects.get(action="plan_load")
    assert (record.actor, record.plan) == ("tester", "2025-test")
    assert record.detail["marks"] == document.marks.height


def test_loading_again_replaces_the_plan(document_factory: Callable[..., Document]) -> None:
    plan_load(document=document_factory(9))
    plan_compute(plan_code="2025-test")
    smaller = document_factory(5)
    plan_load(document=smaller)
    assert Plan.objects.count() == 1
    assert len(stored_marks()) == smaller.marks.height
    assert Ballot.objects.count() == smaller.marks.select("evaluation", "ballot").n_unique()
    assert Value.objects.count() == len(smaller.values)
    assert plan_results_dict("2025-test") is None  # old results went with the old data
    assert_same_document(plan_document("2025-test"), smaller)
    # Units are shared and upserted by code: the four dropped ones stay in the tree.
    assert Unit.objects.count() == 10


def test_two_plans_keep_their_own_data(document_factory: Callable[..., Document]) -> None:
    first, second = document_factory(4, code="A"), document_factory(6, code="B")
    plan_load(document=first)
    plan_load(document=second)
    assert_same_document(plan_document("A"), first)
    assert_same_document(plan_document("B"), second)


def test_plan_compute_stores_exactly_what_the_engine_returns(
    document_factory: Callable[..., Document],
) -> None:
    document = document_factory(12)
    plan_load(document=document)
    computation = plan_compute(plan_code="2025-test", actor="tester")
    expected = score(document).to_dict()
    stored = plan_results_dict("2025-test")
    assert stored == expected
    assert list(stored) == list(expected)  # key order too: JSON output is compared byte for byte
    assert [list(a) for a in stored["assessees"]] == [list(a) for a in expected["assessees"]]
    assert expected["worst"], "the factory's worst vote names someone"
    assert computation.plan.code == "2025-test"
    assert AuditRecord.objects.filter(action="plan_compute", actor="tester").count() == 1


def test_plan_compute_replaces_old_results(document_factory: Callable[..., Document]) -> None:
    plan_load(document=document_factory(6))
    plan_compute(plan_code="2025-test")
    first = plan_results_dict("2025-test")
    plan_compute(plan_code="2025-test")
    assert plan_results_dict("2025-test") == first


def test_plan_compute_unknown_plan() -> None:
    with pytest.raises(Plan.DoesNotExist):
        plan_compute(plan_code="nope")


def test_failed_load_changes_nothing(
    document_factory: Callable[..., Document], monkeypatch: pytest.MonkeyPatch
) -> None:
    plan_load(document=document_factory(5))
    before = table_counts()
    broken = document_factory(7)
    # A mark whose group does not exist: the builder rejects such input, so simulate a failure
    # in the middle of the write and check the transaction leaves nothing behind.
    import kaohe.plans.services as services

    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "store_marks", explode)
    with pytest.raises(RuntimeError):
        plan_load(document=broken)
    assert table_counts() == before


def test_marks_keep_nulls_and_empty_strings(document_factory: Callable[..., Document]) -> None:
    document = document_factory(3)
    extra = pl.DataFrame(
        [
            ("mz", "leaders", "odd-1", "U0000", ""),
            ("mz", "leaders", "odd-1", "U0001", '引号"逗号,换行\n'),
            ("mz", "leaders", "odd-1", "U0002", None),
            ("mz", "leaders", "odd-2", "U0000", "反斜杠\\ 和 null 与 [括号]"),
            ("mz", "leaders", "odd-2", "U0001", "null"),
            ("mz", "leaders", "odd-2", None, "\x07"),
        ],
        schema=document.marks.schema,
        orient="row",
    )
    marks = pl.concat([document.marks, extra])
    document = Document(**{**_fields(document), "marks": marks})
    plan_load(document=document)
    assert_same_document(plan_document("2025-test"), document)


def _fields(document: Document) -> dict[str, object]:
    return {name: getattr(document, name) for name in Document.__slots__}
