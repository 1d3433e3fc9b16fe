"""Replacing a plan never destroys a live evaluation (docs/voting-office.md, "Replacing a
plan"): ``plan_load`` of the same code, every plan builder edit (``plan_change``), the CLI's
``kaohe load``, the editor pages and the builder API refuse while an evaluation of the plan
is open, or is not counted and holds codes, paper batches or collected ballots; and after a
refusal nothing has changed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.test import Client

from kaohe.accounts.models import Role, User
from kaohe.audit.models import AuditRecord
from kaohe.cli import main
from kaohe.evaluation import services
from kaohe.evaluation.casting import cast_ballot
from kaohe.evaluation.models import (
    Ballot,
    Evaluation,
    PaperBatch,
    RaterGroup,
    SealedBallot,
    VotingCode,
)
from kaohe.evaluation.tests.ballot_fixtures import PLAN, Voting, load_voting_plan, raw_document
from kaohe.plans import builder
from kaohe.plans.models import Plan, Value
from kaohe.plans.services import EvaluationOpen, plan_load
from kaohe.workbook.build import build_document

pytestmark = pytest.mark.django_db

# One ballot for the six people of the fixture (优秀 ≤ 30%: one 优秀).
BALLOT = {"P01": "优秀", "P02": "称职", "P03": "称职", "P04": "基本称职", "P05": "称职",
          "P06": "称职"}  # fmt: skip


@pytest.fixture
def plan() -> Voting:
    return load_voting_plan(open_all=False)


def _snapshot() -> dict[str, Any]:
    """Everything a replacement would touch: row ids, states and counts."""
    return {
        "plan": list(Plan.objects.values_list("id", "code", "name")),
        "evaluations": list(
            Evaluation.objects.order_by("id").values_list("id", "code", "status", "name")
        ),
        "groups": list(RaterGroup.objects.order_by("id").values_list("id", "assessees")),
        "codes": list(VotingCode.objects.order_by("id").values_list("id", "state")),
        "slots": list(SealedBallot.objects.order_by("id").values_list("id", "cast", "content")),
        "batches": list(PaperBatch.objects.values_list("id", "state")),
        "ballots": sorted(Ballot.objects.values_list("id", "channel", "assessees", "options")),
        "values": list(Value.objects.order_by("id").values_list("id", "number")),
        "audit": AuditRecord.objects.count(),
    }


def _renamed_document() -> Any:
    raw = raw_document()
    raw["plan"]["name"] = "改名后的方案"
    return build_document(raw)


def _rename(raw: dict[str, Any]) -> None:
    raw["plan"]["name"] = "改名后的方案"


def _assert_refused(expected: str) -> None:
    """Both ways of replacing the plan refuse with ``expected`` and change nothing."""
    before = _snapshot()
    with pytest.raises(EvaluationOpen, match=expected):
        plan_load(document=_renamed_document(), actor="test")
    assert _snapshot() == before
    with pytest.raises(EvaluationOpen, match=expected):
        builder.plan_change(plan_code=PLAN, change=_rename, actor="test", action="settings")
    assert _snapshot() == before


def _open_with_votes(plan: Voting) -> Evaluation:
    mz = services.evaluation_open(evaluation=plan.evaluation("mz"), actor="office")
    issued = services.codes_issue(group=plan.group("mz", "staff"), count=3, actor="office")
    cast_ballot(code=issued[0].code, marks=BALLOT)
    return mz


# ---------------------------------------------------------------------------------------------
# The rule, through the services


def test_an_open_evaluation_refuses_load_and_builder_edits(plan: Voting) -> None:
    _open_with_votes(plan)
    _assert_refused("测评“民主测评”正在进行，不能修改或重新导入方案")


def test_an_open_evaluation_without_any_vote_refuses_too(plan: Voting) -> None:
    services.evaluation_open(evaluation=plan.evaluation("pf"), actor="office")
    _assert_refused("测评“评委打分”正在进行")


def test_a_draft_with_issued_codes_refuses(plan: Voting) -> None:
    # Slips printed before the meeting: replacing the plan would make every one of them dead.
    services.codes_issue(group=plan.group("mz", "leaders"), count=2, actor="office")
    _assert_refused("测评“民主测评”已发放测评码或收到选票，尚未计票")


def test_a_draft_with_a_paper_batch_refuses(plan: Voting) -> None:
    PaperBatch.objects.create(
        evaluation=plan.evaluation("dn"), group=plan.group("dn", "all"), number=1
    )
    _assert_refused("测评“德能勤绩廉测评”已发放测评码或收到选票")


@pytest.mark.parametrize("channel", ["paper", "survey", "online"])
def test_closed_with_collected_ballots_refuses_until_counted(plan: Voting, channel: str) -> None:
    Ballot.objects.create(
        evaluation=plan.evaluation("pf"), group=plan.group("pf", "jury"), serial="1",
        channel=channel,
    )  # fmt: skip
    plan.set_status("pf", Evaluation.Status.CLOSED)
    _assert_refused("测评“评委打分”已发放测评码或收到选票，尚未计票")


def test_closed_online_evaluation_refuses_then_counting_allows_the_edit(plan: Voting) -> None:
    mz = _open_with_votes(plan)
    services.evaluation_close(evaluation=mz, actor="office")
    _assert_refused("测评“民主测评”已发放测评码或收到选票，尚未计票")
    services.evaluation_count(evaluation=mz, actor="office")
    builder.plan_change(plan_code=PLAN, change=_rename, actor="test", action="settings")
    replaced = Plan.objects.get(code=PLAN)
    assert replaced.name == "改名后的方案"
    # The counted ballot travelled in the plan's document (as a document ballot now).
    mz = Evaluation.objects.get(plan=replaced, code="mz")
    assert mz.status == Evaluation.Status.CLOSED
    assert Ballot.objects.filter(evaluation=mz).count() == 1


def test_drafts_and_document_ballots_do_not_refuse(plan: Voting) -> None:
    # Scope set on a draft, no codes, no ballots: nothing would be lost that voters hold.
    services.scope_update(group=plan.group("mz", "leaders"), assessees=["P01"], actor="office")
    builder.plan_change(plan_code=PLAN, change=_rename, actor="test", action="settings")
    assert Plan.objects.get(code=PLAN).name == "改名后的方案"
    # The office's setup no document carries (scope, 应参评人数) is kept across the edit.
    assert Voting(Plan.objects.get(code=PLAN)).group("mz", "leaders").assessees == ["P01"]
    # A document that brings its own ballots (closed) is replaced by the next document.
    raw = raw_document()
    raw["data"]["ballots"] = [
        {"evaluation": "pf", "group": "jury", "ballot": "b1", "marks": {"P01": 90}}
    ]
    plan_load(document=build_document(raw), actor="test")
    assert Evaluation.objects.get(plan__code=PLAN, code="pf").status == "closed"
    plan_load(document=_renamed_document(), actor="test")
    assert not Ballot.objects.exists()


def test_another_plans_live_evaluation_does_not_refuse(plan: Voting) -> None:
    _open_with_votes(plan)
    raw = raw_document()
    raw["plan"]["code"] = "2025-other"
    plan_load(document=build_document(raw), actor="test")
    plan_load(document=build_document(raw), actor="test")  # replaced: its own are drafts
    assert Plan.objects.filter(code="2025-other").exists()


# ---------------------------------------------------------------------------------------------
# Where people meet the refusal: CLI, editor pages, API


def test_cli_load_refuses_in_one_line_with_exit_status_1(
    plan: Voting, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _open_with_votes(plan)
    path = tmp_path / "plan.yaml"
    path.write_text(yaml.safe_dump(raw_document(), allow_unicode=True), encoding="utf-8")
    before = _snapshot()
    assert main(["load", str(path)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("kaohe: 测评“民主测评”正在进行，不能修改或重新导入方案")
    assert _snapshot() == before


def _office() -> Client:
    user = User.objects.create(username="office", role=Role.OFFICE)
    client = Client()
    client.force_login(user)
    return client


def test_editor_pages_show_the_refusal_and_save_nothing(plan: Voting) -> None:
    _open_with_votes(plan)
    client = _office()
    before = _snapshot()
    editor = f"/office/plans/{PLAN}/"
    posts = [
        (f"{editor}points/", {"pts-0.0.0": "80", "pts-0.0": "80"}),
        (f"{editor}nodes/0.0.0/", {"code": "T1", "name": "实绩", "points": "80",
                                   "method": "ratio", "target": "100"}),
        (f"{editor}nodes/0.0.0/move/", {"direction": "down"}),
        (f"{editor}vetoes/", {"item": "党风廉政", "effect": "lowest"}),
    ]  # fmt: skip
    for url, data in posts:
        response = client.post(url, data)
        assert response.status_code == 302, url
        assert response["Location"] == editor, url
        page = client.get(editor)
        assert "测评“民主测评”正在进行，不能修改或重新导入方案" in page.text, url
    assert _snapshot() == before


def test_builder_api_answers_409(plan: Voting) -> None:
    _open_with_votes(plan)
    client = _office()
    before = _snapshot()
    answer = client.put(
        f"/api/plans/{PLAN}/points",
        data=json.dumps({"points": {"0.0.0": 80}}),
        content_type="application/json",
    )
    assert answer.status_code == 409
    assert answer.json()["code"] == "evaluation_open"
    assert "正在进行" in answer.json()["message"]
    deleted = client.delete(f"/api/plans/{PLAN}/nodes/0.0.0")
    assert deleted.status_code == 409
    assert _snapshot() == before


def test_group_setup_survives_a_replacement_where_codes_match(plan: Voting) -> None:
    services.scope_update(group=plan.group("mz", "staff"), assessees=["P01", "P02"], actor="o")
    RaterGroup.objects.filter(pk=plan.group("pf", "jury").pk).update(expected=12)
    raw = raw_document()
    raw["organization"]["people"] = [p for p in raw["organization"]["people"] if p["code"] != "P02"]
    raw["data"]["values"] = [v for v in raw["data"]["values"] if v["assessee"] != "P02"]
    plan_load(document=build_document(raw), actor="test")
    plan = Voting(Plan.objects.get(code=PLAN))  # the replaced plan's rows are new
    staff = plan.group("mz", "staff")
    assert staff.assessees == ["P01"]  # P02 left the plan, so it left the scope
    assert plan.group("pf", "jury").expected == 12
    assert (
        plan.group("mz", "leaders").assessees == [] and plan.group("mz", "leaders").expected is None
    )
