"""考核办 builds a small plan from scratch in the browser: create it, add an indicator with
its method and parameters while the points check follows the typing, see a sum that does not
add up refused (nothing saved), assign the 考核主体."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from browser.browsing import WAIT_MS, account, login, shot
from kaohe.accounts.models import Role
from kaohe.org.models import Unit
from kaohe.plans.selectors import plan_document

pytestmark = pytest.mark.browser
CODE = "2026-test"


def _target_indicators() -> list[tuple[str, float, str | None, float | None, str | None]]:
    section = plan_document(CODE).plan.categories[0].sections[0]
    return [(i.code, i.points, i.method, i.target, i.assessor) for i in section.indicators]


def test_office_builds_a_small_plan_from_scratch(page: Page) -> None:
    county = Unit.objects.create(code="COUNTY", name="示例县")
    for code, name in (("U1", "甲镇"), ("U2", "乙镇")):
        Unit.objects.create(code=code, name=name, parent=county)
    account("office", Role.OFFICE)
    login(page, "office")

    page.get_by_role("navigation").get_by_role("link", name="方案设计").click()
    page.get_by_role("link", name="新建方案").first.click()
    expect(page.get_by_role("heading", name="新建方案")).to_be_visible(timeout=WAIT_MS)
    for name, text in {
        "code": CODE,
        "name": "2026年度乡镇实绩考核",
        "year": "2026",
        "organization_name": "示例县",
        "category_code": "township",
        "category_name": "乡镇",
    }.items():
        page.locator(f"input[name={name}]").fill(text)
    shot(page, "builder-create")
    page.get_by_role("button", name="创建").click()

    # The editor of the starter plan: one section `target` with T1 worth the whole 100.
    expect(page.locator("h1.plan-title")).to_have_text("2026年度乡镇实绩考核", timeout=WAIT_MS)
    expect(page.locator(".messages")).to_contain_text(f"已新建方案 {CODE}")
    expect(page.locator("#points-check .badge.ok")).to_have_text("全部相符")
    assert _target_indicators() == [("T1", 100.0, "direct", None, None)]

    # Add T2 under the section; its method's parameters come in when the method is chosen.
    page.locator("#n-0\\.0").get_by_role("link", name="加下级指标").click()
    expect(page.get_by_role("heading", name="添加指标")).to_be_visible(timeout=WAIT_MS)
    page.locator("input[name=code]").fill("T2")
    page.locator("input[name=name]").fill("招商引资完成率")
    page.locator("input[name=points]").fill("40")
    # The live check sees 140 against the section's 100 before anything is saved.
    expect(page.locator("#points-check li.bad").first).to_contain_text("140", timeout=WAIT_MS)
    # Wait for the parameters' swap, else it could replace what is typed next.
    with page.expect_response(lambda r: "method=ratio" in r.url, timeout=WAIT_MS):
        page.locator("select[name=method]").select_option("ratio")
    target = page.locator("#method-params input[name=target]")
    expect(target).to_be_visible(timeout=WAIT_MS)
    target.fill("100")
    page.locator("input[name='pts-0.0.0']").fill("60")
    expect(page.locator("#points-check .badge.ok")).to_have_text("全部相符", timeout=WAIT_MS)
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("已保存 T2", timeout=WAIT_MS)
    assert _target_indicators() == [
        ("T1", 60.0, "direct", None, None),
        ("T2", 40.0, "ratio", 100.0, None),
    ]

    # A points change that breaks the section's sum: red while typing, refused on save.
    t1 = page.locator("input[name='pts-0.0.0']")
    t1.fill("70")
    expect(page.locator("#points-check")).to_contain_text(
        "二级指标分值之和为 110，应为 100", timeout=WAIT_MS
    )
    page.get_by_role("button", name="保存分值").click()
    expect(page.get_by_text("二级指标分值之和为 110").first).to_be_visible(timeout=WAIT_MS)
    assert [row[1] for row in _target_indicators()] == [60.0, 40.0]

    # 考核主体 for the whole category through its default.
    page.goto(f"/office/plans/{CODE}/")
    page.locator("#n-0").get_by_role("link", name="考核主体").click()
    page.locator("#id_default").fill("政府办")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("考核主体已保存", timeout=WAIT_MS)
    assert [row[4] for row in _target_indicators()] == ["政府办", "政府办"]
    expect(page.locator("#n-0\\.0\\.1")).to_contain_text("政府办")
    shot(page, "builder-editor")
