"""A voter votes on a phone (390×844): opens the slip's link /v/#CODE, sees the ballot, is
warned that too many 优秀 would void it, fixes it, confirms, gets a receipt, and the receipt
lookup says received, then counted. Also the same without JavaScript (a plain form)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from browser.browsing import WAIT_MS, shot
from kaohe.evaluation.codes import issue_codes
from kaohe.evaluation.models import Evaluation, SealedBallot, VotingCode
from kaohe.evaluation.tests.ballot_fixtures import Voting, load_voting_plan

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def plan(transactional_db: None) -> Voting:
    return load_voting_plan()


def _phone(browser: Browser, server: str, *, script: bool = True) -> Iterator[Page]:
    context: BrowserContext = browser.new_context(
        base_url=server,
        locale="zh-CN",
        viewport=PHONE,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        java_script_enabled=script,
    )
    context.set_default_timeout(WAIT_MS)
    errors: list[str] = []
    page = context.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.requested = requests  # type: ignore[attr-defined]
    yield page
    context.close()
    assert not errors, f"JavaScript errors: {errors}"


@pytest.fixture
def phone(browser: Browser, server: str) -> Iterator[Page]:
    yield from _phone(browser, server)


@pytest.fixture
def plain_phone(browser: Browser, server: str) -> Iterator[Page]:
    yield from _phone(browser, server, script=False)


def _choose(page: Page, person: str, label: str) -> None:
    page.locator(f'.vote-item[data-code="{person}"] label', has_text=label).first.click()


def test_vote_on_a_phone(plan: Voting, phone: Page) -> None:
    code = issue_codes(group=plan.group("mz", "staff"), count=3)[1].code
    page = phone
    page.goto(f"/v/#{code}")
    expect(page.locator("main h1")).to_have_text("民主测评")
    expect(page.locator(".vote-item")).to_have_count(6)
    assert "#" not in page.url and code not in page.url  # the fragment is gone
    assert page.viewport_size == PHONE
    review = page.get_by_role("button", name="下一步：核对选票")
    expect(review).to_be_disabled()  # nothing marked yet
    for person, label in (("P01", "优秀"), ("P02", "优秀"), ("P03", "称职"), ("P04", "称职"),
                          ("P05", "基本称职"), ("P06", "称职")):  # fmt: skip
        _choose(page, person, label)
    warning = page.locator("#vote-warning")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("“优秀”过多")
    expect(warning).to_contain_text("最多可评 1 个")
    expect(review).to_be_disabled()
    shot(page, "vote-phone-warning")
    _choose(page, "P02", "称职")
    expect(warning).to_be_hidden()
    expect(review).to_be_enabled()
    expect(page.locator("#vote-progress")).to_contain_text("已评价 6 / 6 人")
    shot(page, "vote-phone-ballot")
    review.click()
    expect(page.locator("main h1")).to_have_text("核对选票")
    expect(page.locator("#review tbody tr")).to_have_count(6)
    expect(page.locator("#review")).to_contain_text("张三")
    shot(page, "vote-phone-review")
    assert SealedBallot.objects.filter(cast=True).count() == 0
    page.get_by_role("button", name="确认提交").click()
    expect(page.locator("main h1")).to_have_text("投票成功")
    receipt = page.locator("#receipt-id").inner_text().strip()
    assert len(receipt) == 19
    shot(page, "vote-phone-receipt")
    assert SealedBallot.objects.filter(cast=True).count() == 1
    assert VotingCode.objects.filter(state="used").count() == 1

    page.get_by_role("link", name="查询回执").click()
    page.locator("#receipt").fill(receipt)
    page.get_by_role("button", name="查询").click()
    expect(page.locator("#receipt-status")).to_contain_text("已收到")
    plan.set_status("mz", Evaluation.Status.COUNTED)
    page.locator("#receipt").fill(receipt.lower())
    page.get_by_role("button", name="查询").click()
    expect(page.locator("#receipt-status")).to_contain_text("已计票")
    shot(page, "vote-phone-lookup")
    # the code never left the page in a URL
    assert not any(code in url or code.replace("-", "") in url for url in page.requested)  # type: ignore[attr-defined]


def test_vote_without_javascript(plan: Voting, plain_phone: Page) -> None:
    code = issue_codes(group=plan.group("pf", "jury"), count=1)[0].code
    page = plain_phone
    page.goto("/v/")
    page.locator("#code").fill(code.lower().replace("-", " "))
    page.get_by_role("button", name="开始测评").click()
    expect(page.locator("main h1")).to_have_text("评委打分")
    page.locator('input[name="m.P01"]').fill("１００")  # full-width: the server refuses it
    page.locator('input[name="m.P02"]').fill("87.5")
    page.get_by_role("button", name="下一步：核对选票").click()
    expect(page.locator("#server-problems")).to_contain_text("全角")
    page.locator('input[name="m.P01"]').fill("100")
    page.get_by_role("button", name="下一步：核对选票").click()
    expect(page.locator("main h1")).to_have_text("核对选票")
    page.get_by_role("button", name="确认提交").click()
    expect(page.locator("main h1")).to_have_text("投票成功")
    assert SealedBallot.objects.filter(cast=True).count() == 1
