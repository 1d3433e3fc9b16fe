"""The builder's pages as the office uses them: full pages, HTMX partials, saves that the
builder accepts or refuses (nothing written, the problem at its field), query counts."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kaohe.accounts.models import Role, User
from kaohe.demo import demo_documents
from kaohe.plans.models import Plan
from kaohe.plans.selectors import plan_document
from kaohe.plans.services import plan_compute, plan_load
from kaohe.plans.tests.test_authz import _module
from kaohe.plans.tests.util import SMALL, load_small
from kaohe.workbook.build import build_document

pytestmark = pytest.mark.django_db
EDITOR = f"/office/plans/{SMALL}/"
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def office() -> Client:
    load_small()
    user = User(username="office", role=Role.OFFICE)
    user.set_unusable_password()
    user.save()
    client = Client()
    client.force_login(user)
    return client


def _indicators() -> list[tuple[str, float, str | None]]:
    section = plan_document(SMALL).plan.categories[0].sections[0]
    return [(i.code, i.points, i.method) for i in section.indicators]


def test_plan_list_and_editor_show_the_tree(office: Client) -> None:
    listing = office.get("/office/plans/")
    assert "新建方案" in listing.text and "复制上一年度" in listing.text
    page = office.get(EDITOR)
    assert page.status_code == 200
    for text in ("township", "T1", "T2", "比例计分", 'name="pts-0.0.1"', "全部相符"):
        assert text in page.text
    assert "htmx-2.min.js" in page.text


def test_live_points_check_names_the_section_and_saves_nothing(office: Client) -> None:
    response = office.post(
        f"{EDITOR}points/",
        {"pts-0": "100", "pts-0.0": "100", "pts-0.0.1": "45", "_check": "1"},
        **HTMX,
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="points-check"')
    assert "一级指标 target 的二级指标分值之和为 105，应为 100" in response.text
    assert 'class="bad"' in response.text
    assert _indicators()[1][1] == 40.0
    balanced = office.post(
        f"{EDITOR}points/", {"pts-0.0.0": "55", "pts-0.0.1": "45", "_check": "1"}, **HTMX
    )
    assert "全部相符" in balanced.text and 'class="bad"' not in balanced.text


def test_points_save_all_at_once_and_invalid_save_changes_nothing(office: Client) -> None:
    refused = office.post(f"{EDITOR}points/", {"pts-0.0.1": "45"}, follow=True)
    assert "二级指标分值之和为 105" in refused.text
    assert [p for _, p, _ in _indicators()] == [60.0, 40.0]
    saved = office.post(f"{EDITOR}points/", {"pts-0.0.0": "55", "pts-0.0.1": "45"})
    assert saved.status_code == 302
    assert [p for _, p, _ in _indicators()] == [55.0, 45.0]


def test_indicator_form_shows_the_builders_problem_at_its_field(office: Client) -> None:
    url = f"{EDITOR}nodes/0.0.1/"
    form = {"code": "T2", "name": "招商", "points": "40", "method": "ratio", "target": ""}
    response = office.post(url, form)
    assert response.status_code == 200
    assert response.context["form"].errors["target"] == [
        "ratio 计分需要 target（目标值），且应大于 0"
    ]
    assert _indicators()[1] == ("T2", 40.0, "ratio")
    tiered = {
        **form,
        "method": "tiered",
        "tiers": "1 1\n0.8 0.6",
        "points": "30",
        "pts-0.0.0": "70",
    }
    assert office.post(url, tiered).status_code == 302
    assert _indicators() == [("T1", 70.0, "direct"), ("T2", 30.0, "tiered")]


def test_indicator_form_live_check_and_method_swap(office: Client) -> None:
    url = f"{EDITOR}nodes/0.0.1/"
    check = office.post(
        url,
        {"code": "T2", "name": "招商", "points": "50", "method": "direct", "_check": "1"},
        **HTMX,
    )
    assert "二级指标分值之和为 110，应为 100" in check.text
    swap = office.get(url, {"method": "grade", "code": "T2"}, **HTMX)
    assert swap.text.lstrip().startswith('<fieldset class="params" id="method-params">')
    assert 'name="grades"' in swap.text and 'name="target"' not in swap.text
    full = office.get(url)
    assert 'name="target"' in full.text and 'name="grades"' not in full.text


def test_add_section_with_the_categorys_points_in_one_save(office: Client) -> None:
    data = {
        "parent": "0",
        "code": "work",
        "name": "重点工作",
        "points": "20",
        "source": "indicators",
        "first_code": "W1",
        "first_name": "项目",
        "pts-0.0": "80",
        "pts-0.0.0": "50",
        "pts-0.0.1": "30",
    }
    # The section alone shrinks: its indicators no longer add up, named at the section.
    unbalanced = office.post(f"{EDITOR}nodes/add/", {**data, "pts-0.0.1": "40"})
    assert "一级指标 target 的二级指标分值之和为 90，应为 80" in unbalanced.text
    # T1 is scored directly: an entered 50 cannot exceed its new 40 points (the builder says).
    too_small = office.post(f"{EDITOR}nodes/add/", {**data, "pts-0.0.0": "40", "pts-0.0.1": "40"})
    assert "指标 T1 直接赋分应在 0 到 40 之间，实为 50" in too_small.text
    assert len(plan_document(SMALL).plan.categories[0].sections) == 1
    added = office.post(f"{EDITOR}nodes/add/", data)
    assert added.status_code == 302, added.context["others"]
    sections = plan_document(SMALL).plan.categories[0].sections
    assert [(s.code, s.points) for s in sections] == [("target", 80.0), ("work", 20.0)]
    assert [(i.code, i.points, i.method) for i in sections[1].indicators] == [
        ("W1", 20.0, "direct")
    ]


def test_add_indicator_and_delete_it_with_its_values(office: Client) -> None:
    added = office.post(
        f"{EDITOR}nodes/add/",
        {
            "parent": "0.0",
            "code": "T3",
            "name": "安全",
            "points": "10",
            "method": "deduct",
            "per": "2",
            "assessor": "应急局",
            "pts-0.0.0": "50",
        },
    )
    assert added.status_code == 302 and added["Location"].endswith("#n-0.0.2")
    assert _indicators()[2] == ("T3", 10.0, "deduct")
    page = office.get(f"{EDITOR}nodes/0.0.0/delete/")
    assert "已填报的指标值 2 条将一并删除" in page.text
    deleted = office.post(f"{EDITOR}nodes/0.0.0/delete/", {"pts-0.0.1": "90"})
    assert deleted.status_code == 302
    assert _indicators() == [("T2", 90.0, "ratio"), ("T3", 10.0, "deduct")]
    assert set(plan_document(SMALL).values) == {("U1", "T2")}


def test_move_node(office: Client) -> None:
    assert office.post(f"{EDITOR}nodes/0.0.1/move/", {"direction": "up"}).status_code == 302
    assert [c for c, _, _ in _indicators()] == ["T2", "T1"]
    assert office.get(f"{EDITOR}nodes/0.0.1/move/").status_code == 405
    assert office.post(f"{EDITOR}nodes/0.7/move/", {"direction": "up"}).status_code == 404


def test_grades_vetoes_and_assessors(office: Client) -> None:
    grades_url = f"{EDITOR}categories/0/grades/"
    bad = office.post(
        grades_url,
        {"name": ["优秀", "一般"], "quota": ["20", "80"], "min_score": ["90", ""]},
    )
    assert bad.status_code == 200
    assert bad.context["rows"][1]["problems"] == [
        "最后一个等次 一般 接纳其余所有人，不能设置 quota"
    ]
    good = office.post(
        grades_url,
        {
            "name": ["优秀", "良好", "一般", ""],
            "quota": ["15", "40", "", ""],
            "min_score": ["90", "", "", ""],
        },
    )
    assert good.status_code == 302
    grades = plan_document(SMALL).plan.categories[0].grades
    assert [(g.name, g.quota, g.min_score) for g in grades] == [
        ("优秀", 15.0, 90.0),
        ("良好", 40.0, None),
        ("一般", None, None),
    ]
    vetoes = office.post(
        f"{EDITOR}vetoes/",
        {"item": ["党风廉政", "安全生产", ""], "effect": ["lowest", "no_top", ""]},
    )
    assert vetoes.status_code == 302
    assert [(v.item, v.effect) for v in plan_document(SMALL).plan.vetoes] == [
        ("党风廉政", "lowest"),
        ("安全生产", "no_top"),
    ]
    assessors = office.post(
        f"{EDITOR}categories/0/assessors/",
        {"as-0.0.0": "县委办", "as-0.0.1": "", "default": "政府办"},
    )
    assert assessors.status_code == 302
    section = plan_document(SMALL).plan.categories[0].sections[0]
    assert [i.assessor for i in section.indicators] == ["县委办", "政府办"]


def test_create_and_copy_pages(office: Client) -> None:
    created = office.post(
        "/office/plans/new/",
        {
            "code": "2026-new",
            "name": "新方案",
            "year": "2026",
            "assessees": "units",
            "organization_name": "示例县",
            "category_code": "township",
            "category_name": "乡镇",
        },
    )
    assert created.status_code == 302 and created["Location"] == "/office/plans/2026-new/"
    refused = office.post(
        "/office/plans/new/",
        {
            "code": "2026-bad",
            "name": "x",
            "year": "明年",
            "assessees": "units",
            "organization_name": "县",
            "category_code": "c",
            "category_name": "类",
        },
    )
    assert refused.context["form"].errors["year"] == ["年度 year 应为数值，实为 “明年”"]
    copy_page = office.get("/office/plans/copy/", {"source": SMALL})
    assert copy_page.context["form"].initial["year"] == "2026"
    copied = office.post(
        "/office/plans/copy/",
        {"source": SMALL, "code": "2026-small", "year": "2026", "name": "2026"},
    )
    assert copied.status_code == 302
    assert Plan.objects.get(code="2026-small").year == 2026


def _editor_queries(client: Client, code: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/office/plans/{code}/").status_code == 200
    return len(queries)


def test_editor_queries_do_not_grow_with_the_plan(office: Client) -> None:
    """A four-unit plan and the demo county's units plan (52 units, 12,000 marks): the
    editor runs the same, pinned, number of queries (both have evaluations and ballots)."""
    factories = _module("factories")
    plan_load(document=factories.make_document(4, code="2025-four"))
    document = build_document(demo_documents()[0])
    plan_load(document=document)
    plan_compute(plan_code=document.plan.code)
    small = _editor_queries(office, "2025-four")
    demo = _editor_queries(office, document.plan.code)
    assert small == demo == 14  # session, user, then plan_document's 12 reads (no marks)


def test_compute_scores_the_plan_and_shows_its_ranking(office: Client) -> None:
    assert (
        not Plan.objects.get(code=SMALL)
        .__class__.objects.filter(code=SMALL, computation__isnull=False)
        .exists()
    )
    response = office.post(f"/office/plans/{SMALL}/compute/")
    assert response.status_code == 302 and response["Location"] == f"/plans/{SMALL}/"
    assert Plan.objects.filter(code=SMALL, computation__isnull=False).exists()
    assert office.get(response["Location"]).status_code == 200
    assert office.post("/office/plans/no-such-plan/compute/").status_code == 404


def test_members_put_units_into_categories_through_the_builder(office: Client) -> None:
    from kaohe.plans.models import PlanAssessee
    from kaohe.plans.tests.util import small_raw

    raw = small_raw()
    raw["organization"]["units"].append({"code": "U3", "name": "丙乡"})  # not assessed yet
    plan_load(document=build_document(raw), actor="test")
    page = office.get(f"/office/plans/{SMALL}/members/")
    assert page.status_code == 200 and "丙乡" in page.content.decode()

    def assessed() -> list[str]:
        rows = PlanAssessee.objects.filter(plan__code=SMALL).order_by("code")
        return list(rows.values_list("code", flat=True))

    # Taking U2 out while it still has a value is refused by the builder; nothing changes.
    refused = office.post(f"/office/plans/{SMALL}/members/", {"cat-U1": "township"})
    assert refused.status_code == 200
    assert "U2" in refused.content.decode() and assessed() == ["U1", "U2"]
    # Adding U3 to 乡镇 is saved, and the editor says so.
    saved = office.post(
        f"/office/plans/{SMALL}/members/",
        {"cat-U1": "township", "cat-U2": "township", "cat-U3": "township"},
    )
    assert saved.status_code == 302 and assessed() == ["U1", "U2", "U3"]
