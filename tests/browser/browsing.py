"""What the browser tests share besides fixtures: log in, screenshot, accounts and data.

Kept out of conftest.py so the test modules can import it (``from browser.browsing import …``).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Page

SCREENSHOTS = Path(__file__).resolve().parent.parent / "screenshots"
PASSWORD = "kaohe-browser-2025"  # only for the accounts these tests create
WAIT_MS = 10_000  # every wait is bounded: a broken page fails in seconds, not minutes


def login(page: Page, username: str, password: str = PASSWORD) -> None:
    """Log in through the log-in form, as a person would, and land on the dashboard."""
    from playwright.sync_api import expect

    page.goto("/accounts/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(password)
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page.locator("details.user-menu summary")).to_be_visible(timeout=WAIT_MS)


def shot(page: Page, name: str) -> Path:
    """A full-page screenshot in tests/screenshots/ (gitignored), looked at by people."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def account(
    username: str, role: str, *, unit_code: str | None = None, assessor: str | None = None
) -> str:
    """An active account bound to ``role`` (through the accounts service, like the admin)."""
    from kaohe.accounts.services import account_create

    account_create(
        username=username,
        password=PASSWORD,
        role=role,
        name=username,
        unit_code=unit_code,
        assessor=assessor,
        actor="browser-test",
    )
    return username


def demo_units_plan(*, compute: bool = True) -> str:
    """The demo county's units plan (52 units, six categories), stored and optionally
    computed; returns its code."""
    from kaohe.demo import demo_documents
    from kaohe.plans.services import plan_compute, plan_load
    from kaohe.workbook.build import build_document

    document = build_document(demo_documents()[0])
    plan_load(document=document, actor="browser-test")
    if compute:
        plan_compute(plan_code=document.plan.code, actor="browser-test")
    return document.plan.code
