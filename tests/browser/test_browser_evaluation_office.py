"""考核办 runs an evaluation in the browser: opens it, issues codes (the slips PDF downloads),
watches the turnout rise live (HTMX polling) as ballots are cast, closes it (the summary hides
a group with fewer than 5 ballots) and counts it."""

from __future__ import annotations

import re
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from playwright.sync_api import Page, expect

from browser.browsing import WAIT_MS, account, login, shot
from kaohe.accounts.models import Role
from kaohe.evaluation.casting import cast_ballot
from kaohe.evaluation.models import Evaluation
from kaohe.evaluation.tests.ballot_fixtures import load_voting_plan

pytestmark = pytest.mark.browser
BALLOT = {"P01": "优秀", "P02": "称职", "P03": "称职", "P04": "基本称职", "P05": "称职",
          "P06": "不称职"}  # fmt: skip
CODE = re.compile(r"[3-9A-Y]{4}-[3-9A-Y]{4}-[3-9A-Y]{4}")


def _codes_in(pdf: bytes) -> list[str]:
    document = pdfium.PdfDocument(pdf)
    try:
        text = "".join(document[i].get_textpage().get_text_range() for i in range(len(document)))
    finally:
        document.close()
    return CODE.findall(text)


def test_office_opens_issues_watches_turnout_closes_and_counts(page: Page) -> None:
    load_voting_plan(open_all=False)
    account("office", Role.OFFICE)
    login(page, "office")

    page.get_by_role("navigation").get_by_role("link", name="民主测评").click()
    expect(page.locator("main h1")).to_have_text("民主测评")
    page.get_by_role("link", name="2025年度干部考核（测评测试）").click()
    expect(page.locator(".preset-list li")).to_have_count(8)
    shot(page, "evaluation-office-list")
    page.get_by_role("table").get_by_role("link", name="民主测评", exact=True).click()
    expect(page.locator("main h1")).to_contain_text("草稿")
    shot(page, "evaluation-office-draft")
    page.get_by_role("link", name="修改设置").click()
    expect(page.locator("#f-options")).to_have_value("优秀=100\n称职=80\n基本称职=60\n不称职=0")
    page.locator("#f-share").fill("2")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".ev-form .error")).to_contain_text("最高等次比例上限应不大于 1")
    shot(page, "evaluation-office-setup")
    page.get_by_role("link", name="取消").click()

    page.get_by_role("button", name="开始测评").click()
    expect(page.locator("main h1 .ev-status")).to_have_text("测评中")

    codes = page.locator("#codes")
    codes.locator("select[name=group]").first.select_option("staff")
    codes.locator("input[name=count]").fill("6")
    with page.expect_download(timeout=WAIT_MS) as download:
        codes.get_by_role("button", name="发放并下载票签").click()
    assert download.value.suggested_filename == "slips-2025-vote-mz-staff-1-6.pdf"
    pdf = Path(download.value.path()).read_bytes()
    printed = _codes_in(pdf)
    assert len(printed) == 6

    page.reload()
    staff = page.locator("#turnout tr[data-group=staff]")
    expect(staff.locator("td").nth(2)).to_have_text("6")
    expect(staff.locator("td.used")).to_have_text("0")

    # Two voters cast their ballots; the turnout updates by itself (polled every 5 s).
    for code in printed[:2]:
        cast_ballot(code=code, marks=BALLOT)
    expect(staff.locator("td.used")).to_have_text("2", timeout=WAIT_MS + 5_000)
    expect(staff.locator(".rate")).to_have_text("33%")
    expect(page.locator("main")).not_to_contain_text("计票汇总")
    shot(page, "evaluation-office-open")

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="结束测评").click()
    expect(page.locator("main h1 .ev-status")).to_have_text("已结束")
    summary = page.locator("#summary")
    expect(summary).to_contain_text("网上 2 张")
    expect(summary).to_contain_text("不足 5 张，不单独显示")
    expect(summary.locator("tr[data-group=leaders]")).to_contain_text("未收到选票")
    expect(summary.locator("tr[data-group=staff] td").nth(3)).to_have_text("33%")  # final turnout
    shot(page, "evaluation-office-closed")

    page.get_by_role("button", name="计票").click()
    expect(page.locator("main h1 .ev-status")).to_have_text("已计票")
    assert Evaluation.objects.get(code="mz").status == "counted"
    page.get_by_role("link", name="测评结果统计表 →").click()
    expect(page.locator("#result-table")).to_contain_text("不足 5 票，不单独显示")  # 2 ballots
    shot(page, "evaluation-office-results")
    page.go_back()
    page.get_by_role("link", name="查看考核结果 →").click()
    expect(page).to_have_url(re.compile(r"/plans/2025-vote/$"))
