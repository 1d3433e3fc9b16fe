"""考核办 computes the demo county's units plan from the editor and sees the ranking; a unit
sees nothing before publication, and after it only its own explanation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from browser.browsing import WAIT_MS, account, demo_units_plan, login, shot
from kaohe.accounts.models import Role
from kaohe.plans.selectors import plan_results_dict

pytestmark = pytest.mark.browser


def _result(code: str, assessee: str) -> dict[str, Any]:
    results = plan_results_dict(code)
    assert results is not None
    return next(a for a in results["assessees"] if a["code"] == assessee)


def test_office_computes_and_a_unit_sees_only_its_own_explanation(
    new_page: Callable[..., Page], server: str
) -> None:
    code = demo_units_plan(compute=False)
    account("office", Role.OFFICE)
    account("xz01", Role.UNIT, unit_code="XZ01")
    assert plan_results_dict(code) is None

    office = new_page()
    login(office, "office")
    office.goto(f"/office/plans/{code}/")
    office.get_by_role("button", name="计算得分").click()
    expect(office).to_have_url(f"{server}/plans/{code}/", timeout=WAIT_MS)
    # The ranking shows the stored results: every category, XZ01's total and rank.
    mine = _result(code, "XZ01")
    row = office.locator("#cat-township tbody tr", has_text="XZ01")
    expect(row).to_contain_text(f"{mine['total']:.2f}", timeout=WAIT_MS)
    expect(row.locator("td").first).to_have_text(str(mine["rank"]))
    expect(office.locator("section[id^=cat-]")).to_have_count(6)
    expect(office.locator(".status-bar .badge")).to_have_text("未公布")
    shot(office, "ranking-office")

    unit = new_page()
    login(unit, "xz01")
    forbidden = unit.goto(f"/plans/{code}/assessees/XZ01/")
    assert forbidden is not None and forbidden.status == 403  # not published yet

    office.get_by_role("button", name="公布结果").click()
    expect(office.locator(".status-bar .badge.ok")).to_have_text("已公布", timeout=WAIT_MS)

    unit.goto("/")
    unit.get_by_role("link", name="查看计分说明").click()
    expect(unit).to_have_url(f"{server}/plans/{code}/assessees/XZ01/", timeout=WAIT_MS)
    expect(unit.locator("main h1")).to_contain_text("城关镇", timeout=WAIT_MS)
    expect(unit.locator("main")).to_contain_text(f"{mine['total']:.2f}")
    shot(unit, "explanation-unit")
    # Another unit's explanation stays closed, and the ranking links only its own.
    other = _result(code, "XZ02")
    refused = unit.goto(f"/plans/{code}/assessees/XZ02/")
    assert refused is not None and refused.status == 403
    unit.goto(f"/plans/{code}/")
    ranking = unit.locator("#cat-township")
    expect(ranking.get_by_role("link", name="城关镇")).to_have_count(1, timeout=WAIT_MS)
    expect(ranking.get_by_role("link", name=other["name"])).to_have_count(0)
    expect(ranking).to_contain_text(other["name"])
    shot(unit, "ranking-unit")
