"""The public ballot pages (/v/) and the voting API: the whole flow without a script, the
server's checks, throttling of bad codes (docs/voting.md)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from kaohe.evaluation import throttle
from kaohe.evaluation.codes import issue_codes
from kaohe.evaluation.models import CodeAttempt, Evaluation, SealedBallot, VotingCode

from . import ballot_fixtures
from .ballot_fixtures import PEOPLE, Voting

voting = ballot_fixtures.voting  # the fixture

CODES = [code for code, _, _ in PEOPLE]
GOOD = {"P01": "优秀", "P02": "称职", "P03": "称职", "P04": "基本称职", "P05": "称职"}


def fields(code: str, marks: dict[str, str], action: str) -> dict[str, str]:
    return {"code": code, "action": action, **{f"m.{a}": v for a, v in marks.items()}}


def cast_count() -> int:
    return SealedBallot.objects.filter(cast=True).count()


def test_the_whole_flow_without_a_script(voting: Voting) -> None:
    code = issue_codes(group=voting.group("mz", "staff"), count=2)[0].code
    client = Client()
    page = client.get("/v/")
    assert page.status_code == 200 and 'name="code"' in page.content.decode()
    assert page["Referrer-Policy"] == "same-origin" and "no-store" in page["Cache-Control"]
    ballot = client.post("/v/", {"code": code.lower()}).content.decode()
    assert "干部职工" in ballot and "张三" in ballot and 'name="m.P01"' in ballot
    assert code in ballot  # the code goes on in the POST body (hidden field)
    # too many 优秀: refused by the server, with the reason, nothing stored
    bad = client.post("/v/ballot/", fields(code, {**GOOD, "P02": "优秀"}, "review"))
    assert bad.status_code == 400 and "“优秀”过多" in bad.content.decode()
    assert 'value="优秀" checked' in bad.content.decode()  # the voter's choices are kept
    review = client.post("/v/ballot/", fields(code, GOOD, "review")).content.decode()
    assert "核对选票" in review and "确认提交" in review and "有 1 名对象未评价" in review
    assert cast_count() == 0
    edit = client.post("/v/ballot/", fields(code, GOOD, "edit")).content.decode()
    assert 'value="基本称职" checked' in edit
    cast = client.post("/v/ballot/", fields(code, GOOD, "confirm"))
    # Post/Redirect/Get: the receipt page is a GET (a reload or going back to it never
    # resubmits), the receipt in a cookie of that page alone, never in the URL
    assert cast.status_code == 303 and cast["Location"] == "/v/done/" and cast_count() == 1
    cookie = cast.cookies["kaohe_vote_receipt"]
    assert cookie["path"] == "/v/done/" and cookie["httponly"] and cookie["samesite"] == "Strict"
    done = client.get("/v/done/")
    assert done.status_code == 200 and "no-store" in done["Cache-Control"]
    receipt = done.context["receipt"]
    assert len(receipt) == 19 and receipt in done.content.decode()
    assert "民主测评 · 干部职工" in done.content.decode()
    assert receipt in client.get("/v/done/").content.decode()  # a reload shows it again
    # going back and resubmitting (or a second tap): the code's ballot is in the box, no error
    for action in ("review", "confirm"):
        again = client.post("/v/ballot/", fields(code, GOOD, action))
        assert again.status_code == 409 and "选票已投入票箱" in again.content.decode()
        assert "error" not in again.content.decode()
    assert cast_count() == 1
    # on the start page a used code is still refused as such
    assert "已经投过票" in client.post("/v/", {"code": code}).content.decode()
    found = client.post("/v/receipt/", {"receipt": receipt}).content.decode()
    assert "已收到" in found
    voting.set_status("mz", Evaluation.Status.COUNTED)
    assert "已计票" in client.post("/v/receipt/", {"receipt": receipt}).content.decode()
    assert "没有找到" in client.post("/v/receipt/", {"receipt": "X"}).content.decode()
    assert client.get("/v/ballot/").status_code == 302


@pytest.mark.parametrize(
    ("evaluation", "group", "posted", "message"),
    [
        ("pf", "jury", {"m.P01": "９５"}, "全角"),
        ("pf", "jury", {"m.P01": "101"}, "超出"),
        ("pf", "jury", {"m.P01": "abc"}, "格式不正确"),
        ("mz", "staff", {"m.P01": "很好"}, "不是本票的选项"),
        ("mz", "staff", {"m.P99": "优秀"}, "不在本测评主体"),
        ("mz", "staff", {}, "空白票"),
        ("dn", "all", {"m.P01.德": "优秀", "m.P01.能": "称职"}, "缺少"),
        ("zc", "all", {"p": ["P01", "P02", "P03"]}, "最多可选 2 个"),
        # A field posted twice is a duplicate, never "the last value wins" (found in review).
        ("pf", "jury", {"m.P01": ["90", "80"]}, "重复出现"),
        ("mz", "staff", {"m.P01": ["优秀", "称职"]}, "重复出现"),
        ("zc", "all", {"p": ["P01", "P01"]}, "重复出现"),
        ("dn", "all", {f"m.P01.{d}": ["称职", "优秀"] for d in "德能勤绩廉"}, "重复出现"),
    ],
)
def test_invalid_ballots_are_refused_and_never_stored(
    voting: Voting, evaluation: str, group: str, posted: dict[str, Any], message: str
) -> None:
    code = issue_codes(group=voting.group(evaluation, group), count=1)[0].code
    client = Client()
    for action in ("review", "confirm"):
        answer = client.post("/v/ballot/", {"code": code, "action": action, **posted})
        assert answer.status_code == 400 and message in answer.content.decode()
    assert cast_count() == 0
    assert VotingCode.objects.get().state == "issued"


def test_other_forms_cast_through_the_pages(voting: Voting) -> None:
    client = Client()
    cases = [
        ("dn", "all", {f"m.P01.{d}": "称职" for d in "德能勤绩廉"}),
        ("pf", "jury", {"m.P01": "95", "m.P02": "88.5"}),
        ("zc", "all", {"p": ["P03"]}),
        ("zc", "all", {}),  # an empty worst ballot is valid
    ]
    for evaluation, group, posted in cases:
        code = issue_codes(group=voting.group(evaluation, group), count=1)[0].code
        answer = client.post(
            "/v/ballot/", {"code": code, "action": "confirm", **posted}, follow=True
        )
        assert answer.status_code == 200 and "投票成功" in answer.content.decode(), posted
    assert cast_count() == 4


def test_closed_evaluation_and_bad_codes(voting: Voting) -> None:
    code = issue_codes(group=voting.group("mz", "staff"), count=1)[0].code
    client = Client()
    voting.set_status("mz", Evaluation.Status.CLOSED)
    answer = client.post("/v/", {"code": code})
    assert answer.status_code == 409 and "不在投票时间内" in answer.content.decode()
    answer = client.post("/v/", {"code": "３467"})
    assert answer.status_code == 400 and "全角" in answer.content.decode()


def test_the_eleventh_bad_code_in_ten_minutes_gets_429(voting: Voting) -> None:
    good = issue_codes(group=voting.group("mz", "staff"), count=1)[0].code
    client = Client(REMOTE_ADDR="10.0.0.7")
    # typos that cannot be codes do not count
    for text in ("1234", "ABCD-EFGH-JKL0", "３467-ACDE-FGHJ"):
        assert client.post("/v/", {"code": text}).status_code == 400
    for i in range(throttle.LIMIT):
        answer = client.post("/v/", {"code": f"3467-ACDE-FG{'HJKMNPQRTU'[i]}{'V'}"})
        assert answer.status_code == 400 and "测评码不正确" in answer.content.decode()
    blocked = client.post("/v/", {"code": "3467-ACDE-FGWW"})
    assert blocked.status_code == 429 and "10 分钟" in blocked.content.decode()
    # once throttled, even a right code is not looked at; the API says the same
    assert client.post("/v/", {"code": good}).status_code == 429
    api = client.post("/api/vote/form", json.dumps({"code": good}), content_type="application/json")
    assert api.status_code == 429
    cast = {"code": good, "marks": [{"assessee": "P01", "value": "优秀"}]}
    assert post_json(client, "/api/vote/ballots", cast).status_code == 429
    assert SealedBallot.objects.filter(cast=True).count() == 0
    # another client is not affected; the address itself is not stored
    assert Client(REMOTE_ADDR="10.0.0.8").post("/v/", {"code": good}).status_code == 200
    assert not CodeAttempt.objects.filter(client__contains="10.0.0").exists()
    assert CodeAttempt.objects.get().count == throttle.LIMIT


def post_json(client: Client, url: str, body: Any) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def test_the_voting_api(voting: Voting) -> None:
    code = issue_codes(group=voting.group("dn", "all"), count=1)[0].code
    client = Client()
    form = post_json(client, "/api/vote/form", {"code": code})
    assert form.status_code == 200
    data = form.json()
    assert data["form"] == "dimensions" and [a["code"] for a in data["assessees"]] == CODES
    assert data["group_name"] == "全体" and data["top"] == ["优秀"]
    top = dict.fromkeys("德能勤绩廉", "优秀")
    invalid = post_json(client, "/api/vote/ballots", {"code": code, "marks": [
        {"assessee": "P01", "value": top}, {"assessee": "P02", "value": top},
        {"assessee": "P01", "value": top}, {"assessee": "P09", "value": top},
    ]})  # fmt: skip
    assert invalid.status_code == 422
    problems = [p["message"] for p in invalid.json()["problems"]]
    assert any("重复" in p for p in problems) and any("P09" in p for p in problems)
    void = post_json(client, "/api/vote/ballots", {"code": code, "marks": [
        {"assessee": "P01", "value": top}, {"assessee": "P02", "value": top}]})  # fmt: skip
    assert void.status_code == 422 and "过多" in void.json()["problems"][0]["message"]
    assert cast_count() == 0
    ok = post_json(client, "/api/vote/ballots", {"code": code, "marks": [
        {"assessee": "P01", "value": top},
        {"assessee": "P02", "value": dict.fromkeys("德能勤绩廉", "称职")}]})  # fmt: skip
    assert ok.status_code == 201
    receipt = ok.json()["receipt"]
    used = post_json(client, "/api/vote/ballots", {"code": code, "marks": []})
    assert used.status_code == 409 and used.json()["code"] == "code_used"
    assert post_json(client, "/api/vote/receipts", {"receipt": receipt}).json() == {
        "status": "received"
    }
    assert post_json(client, "/api/vote/receipts", {"receipt": "nope"}).status_code == 404
    assert post_json(client, "/api/vote/form", {"code": "x"}).status_code == 422
    assert post_json(client, "/api/vote/form", {"code": "3467-ACDE-FGHJ"}).status_code == 404


def test_the_receipt_page_shows_only_this_browsers_latest_ballot(voting: Voting) -> None:
    """Without the cookie (another browser, a forged one, or a new code entered since) the
    receipt page is the start page: no other voter's receipt."""
    first, second = (c.code for c in issue_codes(group=voting.group("mz", "staff"), count=2))
    client = Client()
    client.post("/v/ballot/", fields(first, GOOD, "confirm"))
    assert client.get("/v/done/").status_code == 200
    assert Client().get("/v/done/").status_code == 302
    forged = Client()
    forged.cookies["kaohe_vote_receipt"] = "AAAA-AAAA-AAAA-AAAA|1"
    assert forged.get("/v/done/").status_code == 302
    client.post("/v/", {"code": second})  # the next voter on this phone
    assert client.get("/v/done/").status_code == 302


def test_error_reports_never_show_the_posted_code_or_choices(voting: Voting) -> None:
    """Django's error reports (the debug page, mails to ADMINS) list a request's POST data
    unless the view says it is sensitive: the ballot pages carry the code and the choices."""
    from django.views.debug import SafeExceptionReporterFilter

    code = issue_codes(group=voting.group("mz", "staff"), count=1)[0].code
    client = Client()
    for path, data in (
        ("/v/", {"code": code}),
        ("/v/ballot/", fields(code, GOOD, "review")),
        ("/v/receipt/", {"receipt": "AAAA-AAAA-AAAA-AAAA"}),
    ):
        request = client.post(path, data).wsgi_request
        shown = SafeExceptionReporterFilter().get_post_parameters(request)
        assert code not in str(dict(shown)) and "优秀" not in str(dict(shown)), path
        assert "AAAA" not in str(dict(shown))
