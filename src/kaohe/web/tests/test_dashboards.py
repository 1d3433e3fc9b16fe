"""Dashboards per role: their content, and query counts that do not grow with the plans
(pinned for a small plan, example 1003 with 11 assessees, and the demo county's units plan
with about 60)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kaohe.accounts.models import User
from kaohe.demo import demo_documents
from kaohe.org.models import Unit
from kaohe.plans.models import Indicator, Value
from kaohe.plans.services import plan_compute, plan_load
from kaohe.results.services import results_publish
from kaohe.web.selectors import completeness, grade_distribution
from kaohe.workbook.build import build_document
from kaohe.workbook.read import read_document
from kaohe.workbook.tests.examples import EXAMPLES_DIR

pytestmark = pytest.mark.django_db
EXAMPLE = EXAMPLES_DIR / "example-1003.yaml"
SMALL, LARGE = "2023-annual", "2025-units"

# 2 for the session and the account, then the dashboard's own (kaohe/web/selectors.py);
# a unit account's layout also names its unit (1).
QUERIES = {
    "office": 2 + 6,
    "supervisor": 2 + 6,
    "assessor": 2 + 5,
    "unit": 2 + 5 + 1,
    "anonymous": 1,
}


def _small() -> None:
    plan_load(document=read_document([EXAMPLE]))
    plan_compute(plan_code=SMALL)
    # The example names no assessor bodies: 政府办 assesses the township's T1 and T3.
    Indicator.objects.filter(plan__code=SMALL, code__in=["T1", "T3"]).update(assessor="政府办")


def _large() -> None:
    document = build_document(demo_documents()[0])
    plan_load(document=document)
    plan_compute(plan_code=LARGE)


def _client(role: str) -> Client:
    client = Client(HTTP_HOST="127.0.0.1")
    if role == "anonymous":
        return client
    binding: dict[str, object] = {}
    if role == "unit":
        binding["unit"] = Unit.objects.get(code="XZ01")
    if role == "assessor":
        binding["assessor"] = "政府办"
    user = User.objects.create(username=role, role=role, **binding)
    client.force_login(user)
    return client


def _get(client: Client, url: str = "/") -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response.content.decode()


@pytest.mark.parametrize("role", list(QUERIES))
def test_dashboard_queries_do_not_grow_with_the_plans(role: str) -> None:
    _small()
    results_publish(plan_code=SMALL, actor="test")
    client = _client(role)
    small, _ = _get(client)
    _large()
    results_publish(plan_code=LARGE, actor="test")
    large, html = _get(client)
    assert (small, large) == (QUERIES[role], QUERIES[role])
    assert LARGE in html or "城关镇" in html


def test_office_dashboard_shows_status_completeness_and_grades() -> None:
    _small()
    _large()
    results_publish(plan_code=LARGE, actor="test")
    _, html = _get(_client("office"))
    assert html.index(f'id="plan-{LARGE}"') < html.index(f'id="plan-{SMALL}"')  # newest first
    assert "公布结果" in html and "撤回公布" in html  # one of each
    assert "县委办" in html and "政府办" in html and "未指定" in html
    assert "优秀 <b>" in html and "窗口单位" in html
    _, html = _get(_client("supervisor"))
    assert "（只读）" in html and "公布结果" not in html


def test_completeness_counts_expected_and_entered_values() -> None:
    _small()
    plan_id = Indicator.objects.filter(plan__code=SMALL).values_list("plan_id", flat=True)[0]
    rows = {row["assessor"]: row for row in completeness([plan_id])[plan_id]}
    # T1 and T3 are township indicators (10 townships): 20 expected; XZ05's T1 is missing
    # (null), XZ03's is N/A (an answer, so entered).
    assert rows["政府办"] == {"assessor": "政府办", "expected": 20, "entered": 19, "share": 0.95}
    Value.objects.filter(plan_id=plan_id, indicator="T1", assessee="XZ01").delete()
    rows = {row["assessor"]: row for row in completeness([plan_id])[plan_id]}
    assert (rows["政府办"]["entered"], rows["政府办"]["share"]) == (18, 0.9)
    by_indicator = completeness([plan_id], assessor="政府办", by_indicator=True)[plan_id]
    assert [(r["indicator"], r["expected"], r["entered"]) for r in by_indicator] == [
        ("T1", 10, 8),
        ("T3", 10, 10),
    ]
    assert list(rows)[-1] is None  # the unassigned indicators come last


def test_grade_distribution_follows_the_grade_order() -> None:
    _small()
    plan_id = Indicator.objects.filter(plan__code=SMALL).values_list("plan_id", flat=True)[0]
    categories = grade_distribution([plan_id])[plan_id]
    township = categories[0]
    assert township["code"] == "township" and township["n"] == 10
    assert sum(count for _, count in township["grades"]) == 10
    assert township["grades"][0][0] == "好"  # best first


def test_unit_dashboard_shows_targets_and_only_published_results() -> None:
    _small()
    client = _client("unit")
    _, html = _get(client)
    assert "结果尚未公布" in html and "项目建设" in html  # T1 of its category
    assert "排名赋分" in html  # the method, named
    results_publish(plan_code=SMALL, actor="test")
    _, html = _get(client)
    assert f"/plans/{SMALL}/assessees/XZ01/" in html and "查看计分说明" in html


def test_unit_dashboard_notes_an_open_evaluation_that_rates_it_without_figures() -> None:
    from kaohe.evaluation.models import Evaluation, RaterGroup

    _small()
    client = _client("unit")
    assert "测评进行中" not in _get(client)[1]
    evaluation = Evaluation.objects.get(plan__code=SMALL, code="di1")
    Evaluation.objects.filter(pk=evaluation.pk).update(status="open")
    RaterGroup.objects.filter(evaluation=evaluation).update(assessees=["XZ02"])
    assert "测评进行中" not in _get(client)[1]  # it does not rate XZ01
    RaterGroup.objects.filter(evaluation=evaluation).update(assessees=["XZ01", "XZ02"])
    html = _get(client)[1]
    note = html[html.index("测评进行中") :].split("</p>")[0]
    assert "德能勤绩廉测评" in note and "结束并计票后才有结果" in note


def test_assessor_dashboard_lists_its_indicators_only() -> None:
    _small()
    _, html = _get(_client("assessor"))
    assert "项目建设" in html and "安全生产" in html
    assert "民生社保" not in html  # T6 is not 政府办's


def test_public_sees_published_plans_only() -> None:
    _small()
    _, html = _get(_client("anonymous"))
    assert "暂无已公布的考核结果" in html and "登录" in html
    results_publish(plan_code=SMALL, actor="test")
    _, html = _get(Client(HTTP_HOST="127.0.0.1"))
    assert f"/plans/{SMALL}/" in html
