"""Log-in, each role's dashboard and the language switch, in a real browser."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from browser.browsing import PASSWORD, WAIT_MS, account, demo_units_plan, login, shot
from kaohe.accounts.models import Role

pytestmark = pytest.mark.browser


def test_login_page_refuses_a_wrong_password_then_logs_in(page: Page) -> None:
    account("office", Role.OFFICE)
    page.goto("/accounts/login/")
    expect(page.get_by_role("heading", name="登录")).to_be_visible(timeout=WAIT_MS)
    shot(page, "login")
    page.locator("input[name=username]").fill("office")
    page.locator("input[name=password]").fill(PASSWORD + "x")
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page.locator(".errorlist")).to_be_visible(timeout=WAIT_MS)
    expect(page.locator("details.user-menu")).to_have_count(0)
    login(page, "office")
    expect(page.get_by_role("heading", name="工作台")).to_be_visible(timeout=WAIT_MS)


def test_dashboard_of_each_role(new_page: Callable[..., Page]) -> None:
    code = demo_units_plan()
    from kaohe.results.services import results_publish

    results_publish(plan_code=code, actor="browser-test")
    roles = {
        "office": (Role.OFFICE, {}, "工作台"),
        "xwb": (Role.ASSESSOR, {"assessor": "县委办"}, "县委办"),
        "xz01": (Role.UNIT, {"unit_code": "XZ01"}, "城关镇"),
        "renda": (Role.SUPERVISOR, {}, "工作台"),
        "admin": (Role.ADMIN, {}, "考核结果公布"),
    }
    for username, (role, binding, heading) in roles.items():
        account(username, role, **binding)
        page = new_page()
        login(page, username)
        expect(page.locator("main h1")).to_contain_text(heading, timeout=WAIT_MS)
        # Every role sees the demo plan on its dashboard (published, so also the admin's).
        expect(page.locator("main")).to_contain_text("2025", timeout=WAIT_MS)
        shot(page, f"dashboard-{role}")
    public = new_page()
    public.goto("/")
    expect(public.locator("main h1")).to_have_text("考核结果公布", timeout=WAIT_MS)
    expect(public.get_by_role("link", name="登录")).to_be_visible(timeout=WAIT_MS)
    shot(public, "dashboard-public")


def test_language_switch_to_english_and_back(page: Page) -> None:
    from kaohe.results.services import results_publish

    code = demo_units_plan()
    results_publish(plan_code=code, actor="browser-test")
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans", timeout=WAIT_MS)
    expect(page.locator("main h1")).to_have_text("考核结果公布")
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en", timeout=WAIT_MS)
    expect(page.locator("main h1")).to_have_text("Published results")
    expect(page.get_by_role("button", name="English")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("footer")).to_contain_text("Published scoring rules")
    expect(page.locator("main thead")).to_contain_text("Published at")
    shot(page, "home-english")
    # The published ranking in English (its data, names of units and plans, stay Chinese).
    page.get_by_role("link", name="2025年度乡镇和县直部门实绩考核").click()
    expect(page.locator("html")).to_have_attribute("lang", "en", timeout=WAIT_MS)
    expect(page.locator("#cat-township")).to_be_visible()
    shot(page, "ranking-english")
    # The choice is kept (cookie) on the next page, the log-in form, in English too.
    page.get_by_role("link", name="Log in").click()
    expect(page.get_by_role("heading", name="Log in")).to_be_visible(timeout=WAIT_MS)
    shot(page, "login-english")
    page.get_by_role("button", name="中文").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans", timeout=WAIT_MS)
    expect(page.get_by_role("heading", name="登录")).to_be_visible()
