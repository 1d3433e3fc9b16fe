"""List operations run a number of queries independent of the number of rows: the small
authorization plan (4 assessees) and the demo units plan (52) take the same count."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from authz_api import PLAN
from kaohe.demo import demo_documents
from kaohe.plans.services import plan_compute, plan_load
from kaohe.results.services import results_publish
from kaohe.workbook.build import build_document

pytestmark = pytest.mark.django_db
DEMO = "2025-units"

# (url template, queries): session and user lookups included.
PINNED = (
    ("/api/plans", 3),
    ("/api/plans/{plan}/ranking", 11),
    ("/api/plans/{plan}", 10),
    ("/api/plans/{plan}/indicators", 5),
    ("/api/dashboard/office", 8),
)


@pytest.mark.parametrize(("url", "queries"), PINNED)
def test_list_queries_do_not_grow_with_rows(
    url: str,
    queries: int,
    client_of: Callable[[str], Client],
    django_assert_num_queries: Callable[..., object],
) -> None:
    plan_load(document=build_document(demo_documents()[0]))
    plan_compute(plan_code=DEMO)
    results_publish(plan_code=DEMO, actor="test")
    client = client_of("office")
    for plan in (PLAN, DEMO):
        with django_assert_num_queries(queries):  # type: ignore[operator]
            assert client.get(url.format(plan=plan)).status_code == 200
