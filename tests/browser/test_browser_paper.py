"""Two clerks (考核办 accounts) enter a batch of paper ballots by keyboard only, twice: one key
per assessee, Enter saves and starts the next; a void ballot is saved with a visible warning;
a key that is no option is refused at its field; the comparison lists the difference; once
corrected, the batch is committed into the count."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from browser.browsing import WAIT_MS, account, login, shot
from kaohe.accounts.models import Role
from kaohe.evaluation.models import Ballot, Evaluation
from kaohe.evaluation.tests.paper_fixtures import PLAN, raw_document
from kaohe.evaluation.tests.stored import stored_marks
from kaohe.plans.services import plan_load
from kaohe.workbook.build import build_document

pytestmark = pytest.mark.browser


@pytest.fixture
def clerks(server: str) -> tuple[str, str]:
    plan_load(document=build_document(raw_document()), actor="test")
    Evaluation.objects.filter(plan__code=PLAN).update(status=Evaluation.Status.OPEN)
    return account("clerk1", Role.OFFICE), account("clerk2", Role.OFFICE)


def _type_ballot(page: Page, serial: str | None, keys: str) -> None:
    """Type a ballot as a clerk does: the serial (or accept the one filled in), the keys, Enter.

    It waits for paper.js first: the script places the focus when it starts, and a key typed
    before that could land in another field (the test once typed the serial into the grid).
    """
    page.locator("html[data-paper-ready]").wait_for(state="attached", timeout=WAIT_MS)
    if serial is not None:
        page.locator("#f-serial").focus()
        page.keyboard.press("Control+A")
        page.keyboard.type(serial)
        page.keyboard.press("Enter")
    expect(page.locator("#f-k0")).to_be_focused()
    for key in keys:
        page.keyboard.type(key)
    page.keyboard.press("Enter")


def _saved(page: Page, serial: str) -> None:
    expect(page.locator("[data-paper-notice]")).to_contain_text(
        f"已保存票号 {serial}", timeout=WAIT_MS
    )


def test_two_clerks_enter_compare_and_commit(
    clerks: tuple[str, str], new_page: Callable[..., Page]
) -> None:
    first = new_page()
    login(first, clerks[0])
    first.goto("/paper/")
    card = first.locator("section.paper-card").filter(has=first.locator("h2", has_text="民主测评"))
    card.locator("select[name=group]").select_option(label="县领导（leaders）")
    card.locator("input[name=double_entry]").check()
    card.get_by_role("button", name="新建批次").click()
    expect(first.locator("main h1")).to_contain_text("第 1 批 · 县领导")
    expect(first.locator("#f-serial")).to_be_focused()

    _type_ballot(first, "001", "1234")
    _saved(first, "001")
    # The next serial is filled in and the focus is on the first key: only keys and Enter.
    expect(first.locator("#f-serial")).to_have_value("002")
    _type_ballot(first, None, "1112")
    notice = first.locator("[data-paper-notice]")
    expect(notice).to_have_class("notice warning")
    expect(notice).to_contain_text("废票")
    expect(notice).to_contain_text("优秀")
    shot(first, "paper-batch-void")

    # A key that names no option: flagged while typing, refused at its field by the server.
    first.keyboard.type("9")
    expect(first.locator("#f-k0 + [data-paper-label]")).to_have_text("无此选项")
    first.keyboard.press("Enter")
    expect(first.locator("#err-k0")).to_contain_text("1–4")
    expect(first.locator("#f-k0")).to_be_focused()
    shot(first, "paper-batch-invalid")
    first.keyboard.press("Control+A")
    for key in "2222":
        first.keyboard.type(key)
    first.keyboard.press("Enter")
    _saved(first, "003")
    expect(first.locator("table.paper-entries tbody tr")).to_have_count(3)
    shot(first, "paper-batch")

    second = new_page()
    login(second, clerks[1])
    second.goto(first.url)
    expect(second.locator(".paper-grid")).to_contain_text("您录入第 2 轮")
    _type_ballot(second, "001", "1234")
    _saved(second, "001")
    _type_ballot(second, None, "1112")
    _type_ballot(second, None, "2232")  # a typo: 3 for 2
    _saved(second, "003")

    second.get_by_role("link", name="核对两次录入").click()
    rows = second.locator("table.paper-diff tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("003")
    expect(rows.first).to_contain_text("石桥乡")
    expect(rows.first).to_contain_text("称职")
    expect(rows.first).to_contain_text("基本称职")
    shot(second, "paper-compare")

    second.get_by_role("link", name="第 1 批").click()
    second.locator("table.paper-entries tr", has_text="003").get_by_role(
        "link", name="修改"
    ).click()
    expect(second.locator("#f-k2")).to_have_value("3")
    second.locator("#f-k2").focus()
    second.keyboard.press("Control+A")
    second.keyboard.type("2")
    second.keyboard.press("Enter")
    _saved(second, "003")

    second.get_by_role("link", name="核对两次录入").click()
    expect(second.locator("main")).to_contain_text("两次录入完全一致")
    second.get_by_role("button", name="入库（3 张）").click()
    expect(second.locator("ul.messages")).to_contain_text("3 张票，其中废票 1 张")
    assert Ballot.objects.filter(channel="paper").count() == 3
    assert stored_marks("option").count(("基本称职",)) == 1
