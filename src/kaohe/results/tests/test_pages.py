"""The ranking and explanation pages: real content, 404s, and a query count that does not
grow with the number of assessees (pinned, NetBox-style)."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kaohe.accounts.models import Role, User
from kaohe.demo import demo_documents
from kaohe.plans.services import plan_compute, plan_load
from kaohe.results.models import AssesseeResult
from kaohe.workbook.build import build_document
from kaohe.workbook.read import read_document
from kaohe.workbook.tests.examples import EXAMPLES_DIR

EXAMPLES = EXAMPLES_DIR
# Pages seen by the office: 2 queries for the session and the account, then the page's own
# (the ranking also reads its publication; the office's rules need no query), and 2 for the
# summary of the worst / integrity / probation evaluations (kaohe.results.kinds).
RANKING_QUERIES = 2 + 8 + 1 + 2
# The explanation: + 1 for the process section's lines (kaohe.process) in these plans.
EXPLANATION_QUERIES = 2 + 6 + 1
PLAN_LIST_QUERIES = 2 + 1
# Once per computation and category, when an assessee has a dimensions-form evaluation.
CATEGORY_MEANS_QUERIES = 1

pytestmark = pytest.mark.django_db


@pytest.fixture
def client() -> Client:
    """The office (考核办): it sees every plan's results, published or not."""
    office = User(username="office", role=Role.OFFICE)
    office.set_unusable_password()
    office.save()
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(office)
    return client


def _load_example(name: str) -> str:
    document = read_document([EXAMPLES / f"example-{name}.yaml"])
    plan_load(document=document)
    plan_compute(plan_code=document.plan.code)
    return document.plan.code


def _queries(client: Client, url: str) -> tuple[int, bytes]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured), response.content


def test_ranking_lists_every_category_in_rank_order(client: Client) -> None:
    plan = _load_example("1001")
    _, body = _queries(client, f"/plans/{plan}/")
    html = body.decode()
    assert html.index('id="cat-dept_gov"') < html.index('id="cat-village"')
    assert "（23 个考核对象）" in html and "（10 个考核对象）" in html
    # ZW01 (96.77, rank 1) comes before ZW02 (95.45, rank 2); the no_top veto shows.
    assert html.index("县发改局") < html.index("县财政局")
    assert "96.77" in html and "否决：最差部门" in html
    # D2.1 and D2.2 gave everyone full marks: listed as non-discriminating.
    assert "区分度不足" in html and "D2.1" in html


def test_ranking_shows_every_leaf_indicators_diagnostics_after_the_ranking(
    client: Client,
) -> None:
    plan = _load_example("1001")
    _, body = _queries(client, f"/plans/{plan}/")
    html = body.decode()
    section = html[html.index('id="cat-dept_gov"') : html.index('id="cat-village"')]
    # Collapsed under the ranking table, so the ranking is what the page opens on.
    assert section.index("</table>") < section.index('<details class="card diagnostics"')
    diagnostics = section[section.index("<details") : section.index("</details>")]
    rows = diagnostics.split("<tr")[2:]  # after the header row
    codes = [row.split('<span class="muted">')[1].split("<")[0] for row in rows]
    # Every leaf indicator of the category (D2 is a parent: only its leaves), flagged first,
    # each group in the plan's order (example-1001.expected.json "indicators").
    assert codes == ["D2.1", "D2.2", "D1", "D2.3", "D3", "D4", "D5", "D6", "D7"]
    assert all('class="non-discriminating"' in row for row in rows[:2])
    assert not any('class="non-discriminating"' in row for row in rows[2:])
    # D2.2: n 22, mean 0.91, std 0.29, cv 0.3162, full share 0.9091.
    assert all(f">{value}<" in rows[1] for value in ("22", "0.91", "0.29", "0.3162", "90.9%"))
    assert "9 个指标中 2 个区分度不足" in diagnostics
    # Plan level: 2 of the 19 leaf indicators of both categories, 10.5 %; threshold 90 %.
    assert "全方案：19 个指标中 2 个区分度不足（10.5%）" in diagnostics
    assert "满分比例达到 90% 的指标" in diagnostics
    village = html[html.index('id="cat-village"') :]
    assert "10 个指标均能拉开档次" in village and "non-discriminating" not in village


def test_ranking_diagnostics_in_english(client: Client) -> None:
    plan = _load_example("1001")
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get(f"/plans/{plan}/").content.decode()
    assert "Indicator diagnostics" in html and "Coeff. of variation" in html
    assert "2 of 9 indicators do not discriminate" in html
    assert "Whole plan: 2 of 19 indicators do not discriminate (10.5%)" in html
    assert "All 10 indicators discriminate" in html
    for chinese in ("指标区分度", "区分度不足", "变异系数", "全方案"):
        assert chinese not in html, chinese


def test_explanation_shows_every_line_behind_the_total(client: Client) -> None:
    plan = _load_example("1001")
    _, body = _queries(client, f"/plans/{plan}/assessees/ZW01/")
    html = body.decode()
    # total = 92.27 × 1 + min(4.5, no cap) − 0 = 96.77 (example-1001.expected.json)
    assert "基础分 92.27 × 规模系数 1 = 92.27；加分 4.5；扣分 0；" in html
    assert "总分 = 92.27 + 4.5 − 0 = 96.77" in html
    # D6 (ratio, lower is better, target 5, cap 1.1): 5 / 4.36 = 1.1468 → capped at 1.1 → 4 × 1.1
    assert "越低越好：5 ÷ 4.36 = 1.1468，封顶 1.1，得分 4 × 1.1 = 4.4" in html
    # Every bonus with its reason, and the worst-vote veto with its effect.
    for reason in ("潜绩加分", "获市级表彰", "获国家级表彰"):
        assert reason in html
    assert "不得评为最高等次" in html
    # Process section: P = 99.4 → 99.4 × 20 / 100 = 19.88
    assert "日常考核得分 P = 99.4，折算 99.4 × 20 ÷ 100 = 19.88" in html


def test_explanation_of_a_downgraded_and_an_exempt_assessee(client: Client) -> None:
    plan = _load_example("1001")
    _, body = _queries(client, f"/plans/{plan}/assessees/ZW10/")
    html = body.decode()
    assert "降档前为「良好」" in html and "干部违纪违法" in html
    _, body = _queries(client, f"/plans/{plan}/assessees/ZW02/")
    assert "不涉及" in body.decode()  # D7 is N/A for ZW02: the section is rescaled


@pytest.mark.parametrize(
    "url", ["/plans/none/", "/plans/none/assessees/X/", "/plans/2025-annual/assessees/NONE/"]
)
def test_unknown_plan_or_assessee_is_404(client: Client, url: str) -> None:
    _load_example("1001")
    assert client.get(url).status_code == 404


def test_query_counts_do_not_grow_with_assessees(client: Client) -> None:
    small = _load_example("1003")  # 11 assessees
    document = build_document(demo_documents()[0])  # the demo county's units plan (~60)
    plan_load(document=document)
    plan_compute(plan_code=document.plan.code)
    big = document.plan.code
    first_big = document.assessees[0].code
    assert len(document.assessees) > 4 * 11
    assert _queries(client, f"/plans/{small}/")[0] == RANKING_QUERIES
    assert _queries(client, f"/plans/{big}/")[0] == RANKING_QUERIES
    # XZ01 has a 德能勤绩廉 (dimensions-form) evaluation: the first view of the computation
    # reads the category's explanations once for the radar's category mean, then it is cached.
    cold = _queries(client, f"/plans/{small}/assessees/XZ01/")[0]
    assert cold == EXPLANATION_QUERIES + CATEGORY_MEANS_QUERIES
    assert _queries(client, f"/plans/{small}/assessees/XZ01/")[0] == EXPLANATION_QUERIES
    assert _queries(client, f"/plans/{big}/assessees/{first_big}/")[0] == EXPLANATION_QUERIES
    count, body = _queries(client, "/plans/")
    assert count == PLAN_LIST_QUERIES and big.encode() in body


def _svg_titles(html: str) -> list[str]:
    return re.findall(r'<svg\b[^>]*role="img">\s*<title>([^<]*)</title>', html)


def test_ranking_page_shows_the_charts_and_a_warm_page_draws_nothing(client: Client) -> None:
    plan = _load_example("1001")
    count, body = _queries(client, f"/plans/{plan}/")
    titles = _svg_titles(body.decode())
    # The grade distribution on top, then one ranking chart per category.
    assert titles[0].startswith("等次分布：") and "（23 个考核对象）" not in titles[0]
    assert len(titles) == 3
    assert titles[1].startswith("县直政务部门 总分排名：共 23 个考核对象按总分排序；")
    assert "最高 县发改局 96.77 分" in titles[1]
    warm_count, warm = _queries(client, f"/plans/{plan}/")
    # The same pictures from the cache (the page also holds a fresh CSRF token each time).
    svgs = re.findall(r"<svg\b.*?</svg>", body.decode(), flags=re.S)
    assert re.findall(r"<svg\b.*?</svg>", warm.decode(), flags=re.S) == svgs
    assert warm_count == count == RANKING_QUERIES


def test_cadre_explanation_shows_section_bars_and_the_radar(client: Client) -> None:
    plan = _load_example("1003")
    _, body = _queries(client, f"/plans/{plan}/assessees/XZ01/")
    html = body.decode()
    titles = _svg_titles(html)
    assert len(titles) == 2 and titles[0].startswith("分项得分：")
    radar = titles[1]
    explanation = AssesseeResult.objects.get(plan__code=plan, code="XZ01").explanation
    dimensions = explanation["evaluations"]["di1"]["dimensions"]
    assert list(dimensions) == ["德", "能", "勤", "绩", "廉"]
    assert radar.startswith(f"{explanation['name']} 德能勤绩廉测评：各维度平均评价（满分 100）")
    assert f"德 {dimensions['德']:.2f}" in radar and "类别平均" in radar
    assert 'id="radar-di1"' in html


def test_unit_explanation_has_no_radar(client: Client) -> None:
    plan = _load_example("1001")
    _, body = _queries(client, f"/plans/{plan}/assessees/ZW01/")
    titles = _svg_titles(body.decode())
    assert len(titles) == 1 and titles[0].startswith("分项得分：")
