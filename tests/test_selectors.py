"""Selectors for the pages: content, and query counts pinned and independent of plan size."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kaohe.engine import score
from kaohe.engine.model import Document
from kaohe.plans.models import Plan
from kaohe.plans.selectors import (
    assessee_explanation,
    plan_document,
    plan_list,
    plan_results_dict,
    ranking,
)
from kaohe.plans.services import plan_compute, plan_load
from kaohe.results.models import AssesseeResult

pytestmark = pytest.mark.django_db

RANKING_QUERIES = 4
EXPLANATION_QUERIES = 2


@pytest.fixture
def two_plans(document_factory: Callable[..., Document]) -> tuple[Document, Document]:
    small, large = document_factory(4, code="small"), document_factory(60, code="large")
    for document in (small, large):
        plan_load(document=document)
        plan_compute(plan_code=document.plan.code)
    return small, large


def test_ranking_content(two_plans: tuple[Document, Document]) -> None:
    _, large = two_plans
    page = ranking("large")
    expected = score(large).to_dict()
    assert page["plan"]["code"] == "large"
    assert page["computed_at"] is not None
    assert [c["code"] for c in page["categories"]] == ["township", "dept"]
    assert [c["name"] for c in page["categories"]] == ["乡镇", "部门"]
    listed = [a for c in page["categories"] for a in c["assessees"]]
    assert listed == expected["assessees"]
    for category in page["categories"]:
        assert category["n"] == expected["categories"][category["code"]]["n"]
        assert (
            category["non_discriminating"]
            == expected["categories"][category["code"]]["non_discriminating"]
        )


@pytest.mark.parametrize("plan", ["small", "large"])
def test_ranking_query_count(
    two_plans: tuple[Document, Document],
    plan: str,
    django_assert_num_queries: Callable[..., object],
) -> None:
    with django_assert_num_queries(RANKING_QUERIES):  # type: ignore[attr-defined]
        ranking(plan)


def test_explanation_content(two_plans: tuple[Document, Document]) -> None:
    _, large = two_plans
    results = score(large)
    code = large.assessees[7].code
    page = assessee_explanation("large", code)
    assert page["result"] == next(a for a in results.to_dict()["assessees"] if a["code"] == code)
    assert page["explanation"] == results.assessee(code).explain()
    assert page["category"]["code"] == large.assessees[7].category
    assert page["plan"]["code"] == "large"


@pytest.mark.parametrize("plan", ["small", "large"])
def test_explanation_query_count(
    two_plans: tuple[Document, Document],
    plan: str,
    django_assert_num_queries: Callable[..., object],
) -> None:
    with django_assert_num_queries(EXPLANATION_QUERIES):  # type: ignore[attr-defined]
        assessee_explanation(plan, "U0003")


def test_explanation_unknown_assessee(two_plans: tuple[Document, Document]) -> None:
    with pytest.raises(AssesseeResult.DoesNotExist):
        assessee_explanation("large", "NOPE")
    with pytest.raises(AssesseeResult.DoesNotExist):
        assessee_explanation("no-plan", "U0001")


def test_ranking_before_compute(document_factory: Callable[..., Document]) -> None:
    plan_load(document=document_factory(3))
    page = ranking("2025-test")
    assert page["computed_at"] is None
    assert all(c["assessees"] == [] for c in page["categories"])
    with pytest.raises(Plan.DoesNotExist):
        ranking("nope")


def test_plan_list(two_plans: tuple[Document, Document]) -> None:
    assert [p["code"] for p in plan_list()] == ["large", "small"]


def test_reads_are_constant_in_plan_size(two_plans: tuple[Document, Document]) -> None:
    counts = []
    for plan in ("small", "large"):
        with CaptureQueriesContext(connection) as document_queries:
            plan_document(plan)
        with CaptureQueriesContext(connection) as results_queries:
            plan_results_dict(plan)
        counts.append((len(document_queries), len(results_queries)))
    assert counts[0] == counts[1]


def test_plan_document_without_marks_keeps_everything_else() -> None:
    """The builder's pages read the structure without the ballot marks (make bench: pages)."""
    from kaohe.plans.selectors import plan_document
    from kaohe.plans.services import plan_load
    from kaohe.workbook.read import read_document
    from kaohe.workbook.tests.examples import EXAMPLES_DIR

    document = read_document([EXAMPLES_DIR / "example-1001.yaml"])
    plan_load(document=document)
    full = plan_document("2025-annual")
    light = plan_document("2025-annual", marks=False)
    assert full.marks.height == document.marks.height > 0
    assert light.marks.height == 0 and light.marks.columns == full.marks.columns
    assert (light.plan, light.assessees, light.values, light.events) == (
        full.plan,
        full.assessees,
        full.values,
        full.events,
    )
