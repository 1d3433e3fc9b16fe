"""A voter votes on a phone (390×844): opens the slip's link /v/#CODE, sees the ballot (drawn by
the page's script from POST /api/vote/form), is warned that too many 优秀 would void it, fixes
it, goes back from the confirmation to change a choice, confirms (one POST /api/vote/ballots),
gets a receipt, and the receipt lookup says received, then counted. The server's refusals
reach the voter in Chinese. Also without JavaScript (the plain form flow of /v/)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from browser.browsing import WAIT_MS, shot
from kaohe.evaluation.codes import code_digest, issue_codes
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
    page.on("request", lambda request: requests.append(f"{request.method} {request.url}"))
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


def _posted(page: Page) -> list[str]:
    """The paths the page POSTed, in order."""
    return [
        "/" + url.split("/", 3)[3]
        for url in (r.split(" ", 1)[1] for r in page.requested if r.startswith("POST "))  # type: ignore[attr-defined]
    ]


def test_vote_on_a_phone(plan: Voting, phone: Page) -> None:
    code = issue_codes(group=plan.group("mz", "staff"), count=3)[1].code
    page = phone
    page.goto(f"/v/#{code}")
    expect(page.locator("main h1")).to_have_text("民主测评")
    expect(page.locator(".vote-item")).to_have_count(6)
    assert "#" not in page.url and code not in page.url  # the fragment is gone
    assert page.viewport_size == PHONE
    expect(page.locator(".vote-limit")).to_have_text(
        "“优秀”不得超过所评价人数的 30%（至少可评 1 个），超过即为废票。"
    )
    review = page.get_by_role("button", name="下一步：核对选票")
    expect(review).to_be_disabled()  # nothing marked yet
    for person, label in (("P01", "优秀"), ("P02", "优秀"), ("P03", "称职"), ("P04", "称职"),
                          ("P05", "基本称职")):  # fmt: skip
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
    expect(page.locator("#vote-progress")).to_contain_text("已评价 5 / 6 人")
    shot(page, "vote-phone-ballot")
    review.click()
    expect(page.locator("main h1")).to_have_text("核对选票")
    expect(page.locator("#review tbody tr")).to_have_count(5)
    expect(page.locator("#unmarked")).to_have_text("有 1 名对象未评价（视为对其弃权）。")
    # back to the ballot (the button, then the phone's back gesture): the choices are kept
    page.get_by_role("button", name="返回修改").click()
    expect(page.locator("main h1")).to_have_text("民主测评")
    _choose(page, "P06", "称职")
    expect(page.locator("#vote-progress")).to_contain_text("已评价 6 / 6 人")
    review.click()
    expect(page.locator("#review tbody tr")).to_have_count(6)
    page.go_back()
    expect(page.locator("main h1")).to_have_text("民主测评")
    expect(page.locator('input[name="m.P01"][value="优秀"]')).to_be_checked()
    page.go_forward()
    expect(page.locator("main h1")).to_have_text("核对选票")
    expect(page.locator("#review")).to_contain_text("张三")
    expect(page.locator("#review tbody tr").first).to_have_text("张三优秀")
    expect(page.locator("#unmarked")).to_have_count(0)
    shot(page, "vote-phone-review")
    assert SealedBallot.objects.filter(cast=True).count() == 0
    page.get_by_role("button", name="确认提交").click()
    expect(page.locator("main h1")).to_have_text("投票成功")
    receipt = page.locator("#receipt-id").inner_text().strip()
    assert len(receipt) == 19
    shot(page, "vote-phone-receipt")
    assert SealedBallot.objects.filter(cast=True).count() == 1
    assert VotingCode.objects.filter(state="used").count() == 1
    # the script's flow: the form and the ballot as JSON, no page posted
    assert _posted(page) == ["/api/vote/form", "/api/vote/ballots"]

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


def test_the_servers_refusals_reach_the_voter(plan: Voting, phone: Page) -> None:
    """A typed code with a look-alike letter, a used code, a ballot the server finds void
    (the options changed after the ballot was drawn: back to the ballot with the problem), an
    evaluation closed before the confirmation; then a second slip on the same phone."""
    group = plan.group("mz", "staff")
    first, second, third = (c.code for c in issue_codes(group=group, count=3))
    page = phone
    page.goto("/v/")
    page.locator("#code").fill(first.replace("-", "")[:11] + "O")
    page.get_by_role("button", name="开始测评").click()
    expect(page.locator("#vote-error")).to_contain_text("测评码中不会出现")
    VotingCode.objects.filter(digest=code_digest(second)).update(state="used")
    page.locator("#code").fill(second)
    page.get_by_role("button", name="开始测评").click()
    expect(page.locator("#vote-error")).to_have_text("该测评码已经投过票，每个测评码只能投一次")
    shot(page, "vote-phone-code-used")
    page.locator("#code").fill(first.lower())
    page.get_by_role("button", name="开始测评").click()
    expect(page.locator("main h1")).to_have_text("民主测评")
    _choose(page, "P01", "称职")
    page.get_by_role("button", name="下一步：核对选票").click()
    expect(page.locator("main h1")).to_have_text("核对选票")
    evaluation = plan.evaluation("mz")
    options = evaluation.options
    Evaluation.objects.filter(pk=evaluation.pk).update(options={"好": 100, "差": 0})
    page.get_by_role("button", name="确认提交").click()
    expect(page.locator("#server-problems")).to_contain_text("“称职”不是本票的选项")
    expect(page.locator("main h1")).to_have_text("民主测评")
    expect(page.locator('input[name="m.P01"][value="称职"]')).to_be_checked()
    shot(page, "vote-phone-server-problems")
    Evaluation.objects.filter(pk=evaluation.pk).update(options=options)
    page.get_by_role("button", name="下一步：核对选票").click()
    plan.set_status("mz", Evaluation.Status.CLOSED)
    page.get_by_role("button", name="确认提交").click()
    expect(page.locator("#vote-error")).to_have_text("该测评目前不在投票时间内")
    expect(page.locator("#code")).to_have_value("")
    assert SealedBallot.objects.filter(cast=True).count() == 0
    # a second slip's link opened on this page: only the fragment changes
    plan.set_status("mz", Evaluation.Status.OPEN)
    page.evaluate("code => { location.hash = code; }", third)
    expect(page.locator("main h1")).to_have_text("民主测评")
    assert "#" not in page.url
    _choose(page, "P03", "称职")
    page.get_by_role("button", name="下一步：核对选票").click()
    page.get_by_role("button", name="确认提交").click()
    expect(page.locator("main h1")).to_have_text("投票成功")
    assert SealedBallot.objects.filter(cast=True).count() == 1
    assert VotingCode.objects.get(digest=code_digest(third)).state == "used"


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
    assert "/api/vote/ballots" not in _posted(page)


def test_a_grade_ballot_without_javascript(plan: Voting, plain_phone: Page) -> None:
    """The plain pages of the same ballot as test_vote_on_a_phone (their screenshots are the
    reference the script's pages are compared with): 返回修改 keeps the choices."""
    code = issue_codes(group=plan.group("mz", "staff"), count=1)[0].code
    page = plain_phone
    page.goto("/v/")
    page.locator("#code").fill(code)
    page.get_by_role("button", name="开始测评").click()
    expect(page.locator("main h1")).to_have_text("民主测评")
    for person, label in (("P01", "优秀"), ("P02", "称职"), ("P03", "称职"), ("P04", "称职"),
                          ("P05", "基本称职")):  # fmt: skip
        _choose(page, person, label)
    shot(page, "vote-plain-ballot")
    page.get_by_role("button", name="下一步：核对选票").click()
    expect(page.locator("#unmarked")).to_have_text("有 1 名对象未评价（视为对其弃权）。")
    page.get_by_role("button", name="返回修改").click()
    expect(page.locator('input[name="m.P01"][value="优秀"]')).to_be_checked()
    _choose(page, "P06", "称职")
    page.get_by_role("button", name="下一步：核对选票").click()
    expect(page.locator("#review tbody tr")).to_have_count(6)
    shot(page, "vote-plain-review")
    page.get_by_role("button", name="确认提交").click()
    expect(page.locator("main h1")).to_have_text("投票成功")
    shot(page, "vote-plain-receipt")
    assert _posted(page) == ["/v/", "/v/ballot/", "/v/ballot/", "/v/ballot/", "/v/ballot/"]


def test_no_answer_keeps_the_confirmation_for_another_try(plan: Voting, phone: Page) -> None:
    """The network fails, then the server answers with an error page: the voter stays on the
    confirmation, told so in Chinese, and the next try casts the ballot once."""
    code = issue_codes(group=plan.group("pf", "jury"), count=1)[0].code
    page = phone
    page.goto(f"/v/#{code}")
    expect(page.locator("main h1")).to_have_text("评委打分")
    page.locator('input[name="m.P01"]').fill("１００")  # the script refuses full-width digits
    expect(page.locator("#vote-warning")).to_contain_text("全角")
    page.locator('input[name="m.P01"]').fill("95.5")
    page.get_by_role("button", name="下一步：核对选票").click()
    expect(page.locator("#review tbody tr")).to_have_text(["张三95.5"])
    page.route("**/api/vote/ballots", lambda route: route.abort())
    page.get_by_role("button", name="确认提交").click()
    expect(page.locator("#cast-error")).to_have_text("网络连接失败，请检查网络后重试")
    page.unroute("**/api/vote/ballots")
    page.route(
        "**/api/vote/ballots",
        lambda route: route.fulfill(status=502, body="<html>Bad Gateway</html>"),
    )
    page.get_by_role("button", name="确认提交").click()
    expect(page.locator("#cast-error")).to_have_text("服务器暂时无法处理，请稍后重试")
    expect(page.locator("main h1")).to_have_text("核对选票")
    assert SealedBallot.objects.filter(cast=True).count() == 0
    page.unroute("**/api/vote/ballots")
    page.get_by_role("button", name="确认提交").click()
    expect(page.locator("main h1")).to_have_text("投票成功")
    assert SealedBallot.objects.filter(cast=True).count() == 1
