"""The office's flow for an evaluation (docs/voting-office.md): setup from a preset, scope,
open, codes and slips, reprint, turnout, close with the count summary, count into the plan;
secrecy while open; plan_compute refused while an evaluation of the plan is open."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from kaohe.accounts.models import Role, User
from kaohe.audit.models import AuditRecord
from kaohe.evaluation import selectors, services
from kaohe.evaluation.casting import CodeUnknown, cast_ballot
from kaohe.evaluation.models import Ballot, Evaluation, RaterGroup, SealedBallot, VotingCode
from kaohe.evaluation.result_table import result_table
from kaohe.plans.services import EvaluationOpen, plan_compute
from kaohe.results.models import AssesseeResult

from .ballot_fixtures import PEOPLE, Voting, load_voting_plan

pytestmark = pytest.mark.django_db

CODES = [code for code, _, _ in PEOPLE]
# 6 assessees, max_top_share 0.3: at most one 优秀 per ballot.
BALLOT_A = {"P01": "优秀", "P02": "称职", "P03": "称职", "P04": "基本称职", "P05": "称职",
            "P06": "不称职"}  # fmt: skip
BALLOT_B = {"P01": "称职", "P02": "优秀", "P03": "基本称职", "P04": "称职", "P05": "称职",
            "P06": "称职"}  # fmt: skip


@pytest.fixture
def plan() -> Voting:
    """The voting test plan with every evaluation a draft."""
    return load_voting_plan(open_all=False)


def _client(role: str) -> Client:
    user = User.objects.create_user(username=f"u-{role}", password="x", role=role)
    client = Client()
    client.force_login(user)
    return client


def _mz(plan: Voting) -> Evaluation:
    return plan.evaluation("mz")


def _group(plan: Voting, code: str) -> RaterGroup:
    return plan.group("mz", code)


def _assessee_mz(code: str) -> dict[str, Any]:
    data = AssesseeResult.objects.get(plan__code="2025-vote", code=code).data
    return data["evaluations"]["mz"]


# ---------------------------------------------------------------------------------------------
# The whole flow through the services


def test_whole_flow_open_issue_cast_close_count(plan: Voting) -> None:
    mz = services.evaluation_open(evaluation=_mz(plan), actor="office")
    assert mz.status == "open" and mz.opened_at is not None
    # Every group's scope is frozen at opening (the sections using mz: all six people).
    assert all(g.assessees == CODES for g in selectors.groups_of(mz))

    leaders = services.codes_issue(group=_group(plan, "leaders"), count=6, actor="office")
    staff = services.codes_issue(group=_group(plan, "staff"), count=8, actor="office")
    assert [c.number for c in leaders] == [1, 2, 3, 4, 5, 6]
    # Plaintext codes are never stored: only digests, none equal to a code.
    stored = set(VotingCode.objects.values_list("digest", flat=True))
    assert not stored & {c.code for c in leaders + staff}
    assert not stored & {c.code.replace("-", "") for c in leaders + staff}
    assert SealedBallot.objects.filter(evaluation=mz).count() == 14

    for issued in leaders[:5]:
        cast_ballot(code=issued.code, marks=BALLOT_A)
    for issued in staff[:7]:
        cast_ballot(code=issued.code, marks=BALLOT_B)

    turnout = selectors.turnout(mz)
    assert [(g.code, g.issued, g.used, g.paper, g.expected) for g in turnout.groups] == [
        ("leaders", 6, 5, 0, 6),
        ("staff", 8, 7, 0, 8),
    ]
    assert turnout.returned == 12 and turnout.rate == pytest.approx(12 / 14)

    # While open: no counting, no summary, no partial results anywhere.
    with pytest.raises(EvaluationOpen, match="正在进行"):
        plan_compute(plan_code="2025-vote")
    with pytest.raises(services.EvaluationStateError, match="结束测评后才能计票"):
        services.evaluation_count(evaluation=mz)
    with pytest.raises(selectors.NotYetClosed):
        selectors.count_summary(mz)
    assert Ballot.objects.filter(evaluation=mz).count() == 0  # still sealed

    assert services.evaluation_close(evaluation=mz, actor="office") == 12
    mz.refresh_from_db()
    assert mz.status == "closed" and mz.closed_at is not None
    assert Ballot.objects.filter(evaluation=mz, channel="online").count() == 12
    summary = selectors.count_summary(mz)
    assert (summary.whole.ballots, summary.whole.valid, summary.whole.blank) == (12, 12, 0)
    assert summary.whole.void == {} and summary.online == 12 and summary.paper == 0
    assert [(g.code, g.ballots, g.shown) for g in summary.groups] == [
        ("leaders", 5, True),
        ("staff", 7, True),
    ]
    with pytest.raises(services.EvaluationStateError, match="只有测评中的测评可以结束"):
        services.evaluation_close(evaluation=mz)

    services.evaluation_count(evaluation=mz, actor="office")
    mz.refresh_from_db()
    assert mz.status == "counted" and mz.counted_at is not None
    # The plan's results carry the ballots: P01 got 优秀 from 5 leaders, 称职 from 7 staff.
    result = _assessee_mz("P01")
    assert result["valid"] == 12
    assert result["score"] == pytest.approx(0.4 * 100 + 0.6 * 80)
    actions = list(AuditRecord.objects.values_list("action", flat=True))
    for action in ("evaluation_open", "codes_issue", "evaluation_close", "evaluation_count"):
        assert action in actions


def test_plan_compute_refuses_while_any_evaluation_of_the_plan_is_open(plan: Voting) -> None:
    plan_compute(plan_code="2025-vote")  # all drafts: fine
    services.evaluation_open(evaluation=plan.evaluation("pf"))
    with pytest.raises(EvaluationOpen) as refused:
        plan_compute(plan_code="2025-vote")
    assert "评委打分" in str(refused.value)
    # The API and the CLI answer it clearly too (409 / a one-line error).
    client = _client(Role.OFFICE)
    response = client.post("/api/plans/2025-vote/compute")
    assert response.status_code == 409 and response.json()["code"] == "evaluation_open"


def test_counting_marks_every_closed_evaluation_of_the_plan(plan: Voting) -> None:
    plan.set_status("zc", "closed")
    services.evaluation_open(evaluation=_mz(plan))
    services.evaluation_close(evaluation=_mz(plan))
    services.evaluation_open(evaluation=plan.evaluation("pf"))
    with pytest.raises(services.EvaluationStateError, match="评委打分”正在进行"):
        services.evaluation_count(evaluation=_mz(plan))
    assert _mz(plan).status == "closed"
    services.evaluation_close(evaluation=plan.evaluation("pf"))
    plan.set_status("pf", "draft")
    services.evaluation_count(evaluation=_mz(plan))
    statuses = dict(Evaluation.objects.values_list("code", "status"))
    assert statuses == {"mz": "counted", "zc": "counted", "dn": "draft", "pf": "draft"}
    # Counting again (after late paper ballots, say) is allowed and recomputes.
    services.evaluation_count(evaluation=_mz(plan))


# ---------------------------------------------------------------------------------------------
# Setup: presets, validation, scope


def test_create_from_preset_and_refuse_bad_codes(plan: Voting) -> None:
    jury = services.evaluation_create(
        plan=plan.plan, preset_key="jury", code="jury2025", name="", actor="office"
    )
    assert (jury.kind, jury.form, jury.name, jury.status) == (
        "standard",
        "score",
        "评委团打分",
        "draft",
    )
    groups = [(g.name, g.weight, g.trim) for g in selectors.groups_of(jury)]
    assert groups[0] == ("公众评委团", 30.0, 1) and len(groups) == 4
    assert jury.order == 4  # after the four evaluations of the document
    with pytest.raises(services.SetupInvalid) as invalid:
        services.evaluation_create(plan=plan.plan, preset_key="jury", code="jury2025", name="")
    assert "已有代码" in invalid.value.problems["code"][0]
    with pytest.raises(services.SetupInvalid) as invalid:
        services.evaluation_create(plan=plan.plan, preset_key="nope", code="a b", name="")
    assert set(invalid.value.problems) == {"preset", "code"}
    # The probation preset needs the probation kind (KINDS helper) and keeps its pass share.
    probation = services.evaluation_create(
        plan=plan.plan, preset_key="probation", code="syq", name="试用期满测评"
    )
    assert probation.kind == "probation" and probation.pass_share == pytest.approx(2 / 3)


def test_update_is_validated_field_by_field_and_changes_nothing_when_bad(plan: Voting) -> None:
    mz = _mz(plan)
    before = (mz.name, mz.options, mz.max_top_share)
    bad = {
        "name": "",
        "kind": "standard",
        "form": "grade",
        "options": "优秀=100\n称职=八十\n良好",
        "satisfied": "优秀、满意",
        "max_top_share": "1.5",
    }
    with pytest.raises(services.SetupInvalid) as invalid:
        services.evaluation_update(evaluation=mz, data=bad)
    problems = invalid.value.problems
    assert problems["name"] == ["请填写测评名称"]
    assert problems["options"] == [
        "选项第3行“良好”应写成 名称=数值",
        "选项“称职”的数值应为数字，实为“八十”",
    ]
    assert "满意" in problems["satisfied"][0]
    assert "不大于 1" in problems["max_top_share"][0]
    mz.refresh_from_db()
    assert (mz.name, mz.options, mz.max_top_share) == before

    good = {**bad, "name": "民主测评（修订）", "options": "好=100\n一般=60", "satisfied": "好",
            "max_top_share": "0.2"}  # fmt: skip
    services.evaluation_update(evaluation=mz, data=good)
    mz.refresh_from_db()
    assert mz.options == {"好": 100.0, "一般": 60.0} and mz.max_top_share == 0.2
    with pytest.raises(services.SetupInvalid) as invalid:
        services.evaluation_update(
            evaluation=mz, data={**good, "kind": "integrity", "form": "score"}
        )
    assert "等次" in invalid.value.problems["form"][0]


def test_groups_update_validates_rows_and_keeps_scope_of_kept_groups(plan: Voting) -> None:
    mz = _mz(plan)
    services.scope_update(group=_group(plan, "staff"), assessees=["P02", "P01"])
    rows = [
        {"code": "staff", "name": "干部职工", "weight": "50", "trim": "1", "min_ballots": "3"},
        {"code": "public", "name": "服务对象", "weight": "0"},
        {"code": "staff", "name": "重复"},
        {"code": "", "name": ""},  # an empty row is skipped
    ]
    with pytest.raises(services.SetupInvalid) as invalid:
        services.groups_update(evaluation=mz, groups=rows)
    assert "第2行权重应大于 0" in invalid.value.problems["2.weight"][0]
    assert "重复" in invalid.value.problems["3.code"][0]
    assert [g.code for g in selectors.groups_of(mz)] == ["leaders", "staff"]  # unchanged

    rows[1]["weight"] = "20"
    rows[2] = {"code": "public2", "name": "群众代表", "expected": "40"}
    services.groups_update(evaluation=mz, groups=rows)
    groups = selectors.groups_of(mz)
    assert [(g.code, g.weight, g.trim, g.min_ballots) for g in groups] == [
        ("staff", 50.0, 1, 3),
        ("public", 20.0, 0, 1),
        ("public2", 1.0, 0, 1),
    ]
    assert groups[0].assessees == ["P01", "P02"]  # kept, in the plan's order
    assert groups[2].expected == 40
    with pytest.raises(services.SetupInvalid):
        services.groups_update(evaluation=mz, groups=[{"code": "", "name": ""}])


def test_scope_is_checked_and_setup_freezes_once_codes_exist(plan: Voting) -> None:
    group = _group(plan, "leaders")
    with pytest.raises(services.SetupInvalid, match="P99"):
        services.scope_update(group=group, assessees=["P01", "P99"])
    with pytest.raises(services.SetupInvalid, match="至少选择一个"):
        services.scope_update(group=group, assessees=[])
    services.scope_update(group=group, assessees=["P03"])
    assert selectors.group_scope(RaterGroup.objects.get(pk=group.pk)) == ["P03"]
    services.scope_update(group=group, assessees=None)
    assert selectors.group_scope(RaterGroup.objects.get(pk=group.pk)) == CODES

    services.codes_issue(group=group, count=2)  # codes can be issued to a draft
    with pytest.raises(services.EvaluationStateError, match="已发放测评码"):
        services.scope_update(group=group, assessees=["P01"])
    with pytest.raises(services.EvaluationStateError):
        services.evaluation_update(evaluation=_mz(plan), data={"name": "x"})
    with pytest.raises(services.EvaluationStateError):
        services.groups_update(evaluation=_mz(plan), groups=[{"code": "a", "name": "A"}])


def test_open_requires_groups_and_only_from_draft(plan: Voting) -> None:
    jury = services.evaluation_create(plan=plan.plan, preset_key="grade", code="x", name="")
    RaterGroup.objects.filter(evaluation=jury).delete()
    with pytest.raises(services.SetupInvalid, match="没有测评主体"):
        services.evaluation_open(evaluation=jury)
    assert Evaluation.objects.get(pk=jury.pk).status == "draft"
    services.evaluation_open(evaluation=_mz(plan))
    with pytest.raises(services.EvaluationStateError, match="只有草稿"):
        services.evaluation_open(evaluation=_mz(plan))


# ---------------------------------------------------------------------------------------------
# Codes: reprint, turnout with paper ballots, closed evaluations refuse


def test_reprint_revokes_the_old_code_and_keeps_the_number(plan: Voting) -> None:
    services.evaluation_open(evaluation=_mz(plan))
    group = _group(plan, "staff")
    issued = services.codes_issue(group=group, count=3)
    new = services.code_reissue(group=group, number=2, actor="office")
    assert new.number == 2 and new.code != issued[1].code
    with pytest.raises(CodeUnknown):
        cast_ballot(code=issued[1].code, marks=BALLOT_A)
    cast_ballot(code=new.code, marks=BALLOT_A)
    states = sorted(
        VotingCode.objects.filter(group=group, number=2).values_list("state", flat=True)
    )
    assert states == ["revoked", "used"]
    with pytest.raises(services.EvaluationStateError, match="已经投票"):
        services.code_reissue(group=group, number=2)
    turnout = selectors.turnout(_mz(plan)).groups[1]
    assert (turnout.issued, turnout.used, turnout.revoked) == (3, 1, 1)
    assert SealedBallot.objects.filter(group=group).count() == 3  # no slot for the reprint


def test_turnout_counts_paper_ballots_and_uses_expected_without_codes(plan: Voting) -> None:
    mz = _mz(plan)
    RaterGroup.objects.filter(pk=_group(plan, "leaders").pk).update(expected=10)
    services.evaluation_open(evaluation=mz)
    for serial in ("Z1", "Z2", "Z3"):
        Ballot.objects.create(evaluation=mz, group=_group(plan, "leaders"), serial=serial,
                              channel="paper")  # fmt: skip
    leaders, staff = selectors.turnout(mz).groups
    assert (leaders.issued, leaders.paper, leaders.expected, leaders.rate) == (0, 3, 10, 0.3)
    assert staff.expected is None and staff.rate is None
    whole = selectors.turnout(mz)  # 10 expected, but not the staff's: no total rate
    assert whole.expected == 10 and whole.rate is None


def test_closed_or_counted_evaluations_take_no_new_codes(plan: Voting) -> None:
    services.evaluation_open(evaluation=_mz(plan))
    services.evaluation_close(evaluation=_mz(plan))
    with pytest.raises(services.EvaluationStateError, match="不能再发放"):
        services.codes_issue(group=_group(plan, "leaders"), count=1)


# ---------------------------------------------------------------------------------------------
# The summary: void by reason, blank, and breakdowns under 5 ballots hidden


def _paper(evaluation: Evaluation, group: RaterGroup, serial: str, marks: dict[str, Any]) -> None:
    Ballot.objects.create(evaluation=evaluation, group=group, serial=serial, channel="paper",
                          assessees=list(marks), options=list(marks.values()))  # fmt: skip


def test_summary_by_reason_and_small_groups_hidden(plan: Voting) -> None:
    """Leaders 1 ballot, staff 6: hiding the leaders alone would leave 合计 − staff = the
    leaders' ballot (its void reason too), so the staff's line is hidden as well."""
    mz = _mz(plan)
    services.evaluation_open(evaluation=mz)
    staff, leaders = _group(plan, "staff"), _group(plan, "leaders")
    two_top = {**BALLOT_A, "P02": "优秀"}  # 2 优秀 of 6 > max(1, ⌊1.8⌋): void
    for i in range(3):
        _paper(mz, staff, f"S{i}", BALLOT_A)
    _paper(mz, staff, "S3", two_top)
    _paper(mz, staff, "S4", {**BALLOT_B, "P03": "良好"})  # one unknown label: a void mark
    _paper(mz, staff, "S5", dict.fromkeys(CODES, ""))  # blank
    _paper(mz, leaders, "L1", two_top)  # the leader's ballot is void too
    services.evaluation_close(evaluation=mz)
    summary = selectors.count_summary(_mz(plan))
    leaders_row, staff_row = summary.groups
    assert (staff_row.ballots, staff_row.valid, staff_row.blank) == (6, 4, 1)
    assert staff_row.void == {"too_many_top": 1} and staff_row.void_marks == {"unknown_label": 1}
    assert not leaders_row.shown and not staff_row.shown and summary.whole.shown
    assert summary.whole.void == {"too_many_top": 2}

    client = _client(Role.OFFICE)
    page = client.get("/office/evaluations/2025-vote/mz/").content.decode()
    # the reasons only on the 合计 line: no group line to subtract from it
    assert page.count("最高等次超过比例 2") == 1 and "最高等次超过比例 1" not in page
    assert "选项无法识别 1" in page
    assert "不足 5 张，不单独显示" in page  # the leaders' single ballot
    assert "否则可由合计推算出票数较少的分组" in page  # the staff's six


def test_summary_group_without_ballots_and_final_turnout(plan: Voting) -> None:
    mz = _mz(plan)
    RaterGroup.objects.filter(pk=_group(plan, "staff").pk).update(expected=8)
    services.evaluation_open(evaluation=mz)
    staff = _group(plan, "staff")
    for i in range(6):
        _paper(mz, staff, f"S{i}", BALLOT_A)
    services.evaluation_close(evaluation=mz)
    leaders_row, staff_row = selectors.count_summary(_mz(plan)).groups
    assert leaders_row.empty and not leaders_row.shown and staff_row.shown
    page = _client(Role.OFFICE).get("/office/evaluations/2025-vote/mz/").content.decode()
    leaders_line = page[page.index('data-group="leaders"') :].split("</tr>")[0]
    assert "未收到选票" in leaders_line and "不足" not in leaders_line
    staff_line = page[page.index('data-group="staff"') :].split("</tr>")[0]
    # the final turnout stays: 应参评 8, 实参评 6, 75%
    assert [cell.split(">")[-1] for cell in staff_line.split("</td>")[1:4]] == ["8", "6", "75%"]


def test_draft_turnout_total_shows_no_expected_when_no_group_has_one(plan: Voting) -> None:
    turnout = selectors.turnout(_mz(plan))
    assert turnout.expected is None and turnout.rate is None
    page = _client(Role.OFFICE).get("/office/evaluations/2025-vote/mz/").content.decode()
    total = page[page.index("turnout-table") :].split('class="section-row"')[1].split("</tr>")[0]
    assert total.split("</td>")[1].endswith('<td class="num">—')  # 应参评, as on the rows


def test_result_table_after_counting_hides_small_breakdowns(plan: Voting) -> None:
    mz = services.evaluation_open(evaluation=_mz(plan))
    staff, leaders = _group(plan, "staff"), _group(plan, "leaders")
    for i in range(5):
        _paper(mz, staff, f"S{i}", BALLOT_A)
    for i in range(2):
        _paper(mz, leaders, f"L{i}", BALLOT_B)
    services.evaluation_close(evaluation=mz)
    office = _client(Role.OFFICE)
    url = "/office/evaluations/2025-vote/mz/results/"
    assert "计票后才有测评结果" in office.get(url).content.decode()
    services.evaluation_count(evaluation=_mz(plan))
    assert url in office.get("/office/evaluations/2025-vote/mz/").content.decode()
    page = office.get(url).content.decode()
    row = page[page.index('data-assessee="P01"') :].split("</tr>")[0]
    cells = [cell.split(">")[-1] for cell in row.split("</td>")[1:]]
    # 优秀 5 (staff), 称职 2 (leaders), 基本称职 0, 不称职 0; valid 7, void 0; 优秀率 71%
    assert cells[:7] == ["5", "2", "0", "0", "7", "0", "71%"]
    assert "不足 5 票" not in page

    # fewer than 5 valid marks for one assessee: no votes, no rates
    Ballot.objects.filter(evaluation=mz, serial__in=["S0", "S1", "S2"]).delete()
    services.evaluation_count(evaluation=_mz(plan))
    table = result_table(_mz(plan))
    p01 = next(r for r in table.rows if r.code == "P01")
    assert p01.valid == 4 and p01.hidden and p01.votes is None and p01.top_rate is None
    assert p01.score is not None
    page = office.get(url).content.decode()
    row = page[page.index('data-assessee="P01"') :].split("</tr>")[0]
    assert "不足 5 票，不单独显示" in row and ">2<" not in row


# ---------------------------------------------------------------------------------------------
# The pages


def test_office_pages_run_the_flow(plan: Voting) -> None:
    office = _client(Role.OFFICE)
    page = office.get("/office/evaluations/2025-vote/")
    assert page.status_code == 200 and "民主测评" in page.content.decode()
    created = office.post(
        "/office/evaluations/2025-vote/new/", {"preset": "worst", "code": "zc2", "name": ""}
    )
    assert created.status_code == 302 and created["Location"].endswith("/2025-vote/zc2/")
    assert Evaluation.objects.get(code="zc2").kind == "worst"

    base = "/office/evaluations/2025-vote/mz/"
    setup = office.post(f"{base}setup/", {"name": "", "kind": "standard", "form": "grade"})
    assert setup.status_code == 422 and "请填写测评名称" in setup.content.decode()
    assert office.post(f"{base}open/").status_code == 302
    response = office.post(f"{base}codes/", {"group": "staff", "count": "9"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF") and response["Cache-Control"] == "no-store"
    assert "slips-2025-vote-mz-staff-1-9.pdf" in response["Content-Disposition"]
    assert VotingCode.objects.filter(group__code="staff", evaluation__code="mz").count() == 9
    reprint = office.post(f"{base}reprint/", {"group": "staff", "number": "4"})
    assert reprint.status_code == 200 and reprint.content.startswith(b"%PDF")
    refused = office.post(f"{base}codes/", {"group": "staff", "count": "0"}, follow=True)
    assert "发放数量应为" in refused.content.decode()

    detail = office.get(base).content.decode()
    assert 'hx-get="/office/evaluations/2025-vote/mz/turnout/"' in detail
    assert "计票汇总" not in detail and "废票原因" not in detail and "空白票" not in detail
    partial = office.get(f"{base}turnout/").content.decode()
    assert "<html" not in partial and 'data-group="staff"' in partial

    supervisor = _client(Role.SUPERVISOR)
    seen = supervisor.get(base).content.decode()
    assert "参评情况" in seen and "发放并下载票签" not in seen and "结束测评" not in seen
    assert supervisor.post(f"{base}close/").status_code == 403

    office.post(f"{base}close/")
    assert office.get(f"{base}turnout/").status_code == 204
    office.post(f"{base}count/")
    assert Evaluation.objects.get(code="mz").status == "counted"
    assert "查看考核结果" in office.get(base).content.decode()


def test_plan_compute_page_shows_the_refusal(plan: Voting) -> None:
    services.evaluation_open(evaluation=_mz(plan))
    office = _client(Role.OFFICE)
    response = office.post("/office/plans/2025-vote/compute/", follow=True)
    assert "正在进行，结束测评后才能计算结果" in response.content.decode()


def test_scope_page_selects_all_or_none_without_javascript(plan: Voting) -> None:
    office = _client(Role.OFFICE)
    url = "/office/evaluations/2025-vote/mz/groups/leaders/scope/"
    page = office.get(url).content.decode()
    assert 'name="select" value="all"' in page and 'name="select" value="none"' in page
    ticked = office.post(url, {"mode": "default", "select": "all"})
    html = ticked.content.decode()
    assert ticked.status_code == 200 and html.count("checked>") == len(CODES) + 1  # + the radio
    assert 'value="list" checked' in html
    assert _group(plan, "leaders").assessees == []  # nothing saved yet
    cleared = office.post(url, {"mode": "list", "a": CODES[:2], "select": "none"}).content.decode()
    assert cleared.count("checked>") == 1 and 'value="list" checked' in cleared
    saved = office.post(url, {"mode": "list", "a": CODES[:2]})
    assert saved.status_code == 302 and _group(plan, "leaders").assessees == CODES[:2]
