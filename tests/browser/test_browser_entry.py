"""An assessor body (县委办) enters one indicator's values in the grid: by keyboard, by pasting
a column copied from Excel, and an invalid value that shows its message and saves nothing."""

from __future__ import annotations

import pytest
from playwright.sync_api import Locator, Page, expect

from browser.browsing import WAIT_MS, account, demo_units_plan, login, shot
from kaohe.accounts.models import Role
from kaohe.entry.selectors import stored_values

pytestmark = pytest.mark.browser
INDICATOR = "Q1"  # 年度重点任务完成率: ratio, 县委办's, nine 县直党群部门


def _codes(cells: Locator) -> list[str]:
    return [str(cell.get_attribute("id")).removeprefix("v-") for cell in cells.all()]


def _open_grid(page: Page) -> Locator:
    page.get_by_role("navigation").get_by_role("link", name="数据录入").click()
    expect(page.locator("main h1")).to_contain_text("我的指标", timeout=WAIT_MS)
    shot(page, "entry-indicators")
    page.get_by_role("link", name="年度重点任务完成率").click()
    expect(page.locator("main h1")).to_contain_text(INDICATOR, timeout=WAIT_MS)
    cells = page.locator("input[data-grid-cell]")
    expect(cells).to_have_count(9)
    return cells


@pytest.fixture
def grid(page: Page) -> tuple[Page, str]:
    code = demo_units_plan(compute=False)
    account("xwb", Role.ASSESSOR, assessor="县委办")
    login(page, "xwb")
    return page, code


def test_keyboard_entry_and_paste_save_the_values(grid: tuple[Page, str]) -> None:
    page, code = grid
    cells = _open_grid(page)
    codes = _codes(cells)
    before = stored_values(code, INDICATOR)

    # Keyboard: type, Enter to the next row, ↑ back, Ctrl+Enter saves (HTMX, in place).
    cells.nth(0).click()
    page.keyboard.press("Control+A")
    page.keyboard.type("101")
    page.keyboard.press("Enter")
    expect(cells.nth(1)).to_be_focused()
    page.keyboard.type("99.5")  # the moved-to cell's text is selected: typing replaces it
    page.keyboard.press("ArrowDown")
    expect(cells.nth(2)).to_be_focused()
    page.keyboard.press("ArrowUp")
    expect(cells.nth(1)).to_be_focused()
    expect(cells.nth(1)).to_have_value("99.5")
    page.keyboard.press("Control+Enter")
    expect(page.locator("#grid .notice.ok")).to_contain_text("写入 2 个值", timeout=WAIT_MS)
    after = stored_values(code, INDICATOR)
    assert (after[codes[0]], after[codes[1]]) == (101.0, 99.5)
    assert {c: after[c] for c in codes[2:]} == {c: before[c] for c in codes[2:]}

    # Paste a column from Excel into the third row: it fills that row and the two below.
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.evaluate("text => navigator.clipboard.writeText(text)", "70\t备注\r\n71.5\r\n72\r\n")
    cells = page.locator("input[data-grid-cell]")  # the grid was swapped by the save
    cells.nth(2).click()
    page.keyboard.press("Control+V")
    expect(page.locator("[data-grid-status]")).to_have_text("已粘贴 3 行，尚未保存")
    expect(cells.nth(2)).to_have_value("70")
    expect(cells.nth(4)).to_have_value("72")
    assert stored_values(code, INDICATOR)[codes[2]] == before[codes[2]]  # not saved yet
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator("#grid .notice.ok")).to_contain_text("写入 3 个值", timeout=WAIT_MS)
    after = stored_values(code, INDICATOR)
    assert [after[c] for c in codes[:5]] == [101.0, 99.5, 70.0, 71.5, 72.0]
    shot(page, "entry-grid")


def test_an_invalid_value_shows_its_message_and_saves_nothing(grid: tuple[Page, str]) -> None:
    page, code = grid
    cells = _open_grid(page)
    codes = _codes(cells)
    before = stored_values(code, INDICATOR)

    cells.nth(0).fill("88")
    cells.nth(1).fill("九十")
    page.get_by_role("button", name="保存", exact=True).click()
    alert = page.locator("#grid .notice.error")
    expect(alert).to_contain_text("1 行不正确，本次没有保存任何值", timeout=WAIT_MS)
    row = page.locator(f"#row-{codes[1]}")
    expect(row).to_have_class("invalid")
    message = row.locator(".cell-error")
    expect(message).not_to_be_empty()
    expect(alert).to_contain_text(str(message.text_content()))
    # What was typed stays in the inputs, to be corrected; nothing reached the database.
    cells = page.locator("input[data-grid-cell]")
    expect(cells.nth(0)).to_have_value("88")
    expect(cells.nth(1)).to_have_value("九十")
    expect(cells.nth(1)).to_have_attribute("aria-invalid", "true")
    assert stored_values(code, INDICATOR) == before
    shot(page, "entry-grid-invalid")

    # Corrected, the same save goes through.
    cells.nth(1).fill("90")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator("#grid .notice.ok")).to_contain_text("写入 2 个值", timeout=WAIT_MS)
    expect(page.locator("#grid .notice.error")).to_have_count(0)
    after = stored_values(code, INDICATOR)
    assert (after[codes[0]], after[codes[1]]) == (88.0, 90.0)


def test_paste_status_in_english(grid: tuple[Page, str]) -> None:
    """grid.js takes its status texts from the page (data-msg-*), so they follow the
    language: one row pasted into the last cell, one more that does not fit."""
    page, code = grid
    page.goto("/")
    page.get_by_role("button", name="English").click()  # the language switch
    expect(page.locator("html")).to_have_attribute("lang", "en", timeout=WAIT_MS)
    page.goto(f"/entry/{code}/indicators/{INDICATOR}/")
    cells = page.locator("input[data-grid-cell]")
    expect(cells).to_have_count(9)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.evaluate("text => navigator.clipboard.writeText(text)", "80\n81\n")
    cells.nth(8).click()
    page.keyboard.press("Control+V")
    expect(page.locator("[data-grid-status]")).to_have_text(
        "Pasted 1 row, not saved yet; 1 more row did not fit in the grid and was not pasted"
    )
    expect(cells.nth(8)).to_have_value("80")
