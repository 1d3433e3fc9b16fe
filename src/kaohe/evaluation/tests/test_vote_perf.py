"""What keeps a voting request cheap (docs/voting.md "Cost of a request"): one code look-up per
request, the group's form kept while the evaluation is open (and rebuilt when anything it is
made of changes), a blank ballot's rows rendered once per form. The secrecy and
one-code-one-ballot tests are test_secrecy.py and test_casting.py; these check that the
shortcuts never serve something stale."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from kaohe.evaluation import ballot_form, views_vote
from kaohe.evaluation.codes import issue_codes
from kaohe.evaluation.models import Evaluation, RaterGroup, SealedBallot
from kaohe.evaluation.services import evaluation_open
from kaohe.plans.models import Plan, PlanAssessee

from . import ballot_fixtures
from .ballot_fixtures import Voting

GOOD = {"P01": "优秀", "P02": "称职", "P03": "称职", "P04": "基本称职", "P05": "称职"}


@pytest.fixture
def opened(db: None) -> Voting:
    """The voting plan with ``mz`` opened by the office's service (scopes frozen)."""
    voting = ballot_fixtures.load_voting_plan(open_all=False)
    evaluation_open(evaluation=voting.evaluation("mz"), actor="test")
    ballot_form._FORMS.clear()
    views_vote._BLANK_ROWS.clear()
    return voting


def _fields(code: str, action: str, marks: dict[str, str] = GOOD) -> dict[str, str]:
    return {"code": code, "action": action, **{f"m.{a}": v for a, v in marks.items()}}


def test_an_open_evaluations_form_is_kept_and_equals_a_fresh_one(opened: Voting) -> None:
    group = opened.group("mz", "staff")
    first = ballot_form.group_form(group)
    assert ballot_form.group_form(opened.group("mz", "staff")) is first
    assert first == ballot_form._build_form(opened.group("mz", "staff"))
    # a draft's form is never kept: its settings may still change
    draft = opened.group("dn", "all")
    assert ballot_form.group_form(draft) is not ballot_form.group_form(draft)


def test_a_kept_form_is_rebuilt_when_what_it_shows_changes(opened: Voting) -> None:
    first = ballot_form.group_form(opened.group("mz", "staff"))
    # the assessees' names live in the plan: saving or replacing the plan changes loaded_at
    PlanAssessee.objects.filter(plan=opened.plan, code="P01").update(name="张三丰")
    Plan.objects.get(pk=opened.plan.pk).save()
    renamed = ballot_form.group_form(opened.group("mz", "staff"))
    assert renamed is not first and renamed.names()["P01"] == "张三丰"
    # other options, another scope (the services refuse both while open; rows can change)
    Evaluation.objects.filter(pk=renamed.evaluation_id).update(options={"好": 1, "差": 0})
    reoptioned = ballot_form.group_form(opened.group("mz", "staff"))
    assert [label for label, _ in reoptioned.options] == ["好", "差"]
    RaterGroup.objects.filter(pk=renamed.group_id).update(assessees=["P02"])
    narrowed = ballot_form.group_form(opened.group("mz", "staff"))
    assert [code for code, _, _ in narrowed.assessees] == ["P02"]


def test_a_ballot_request_looks_the_code_up_once(
    opened: Voting, django_assert_max_num_queries: Any
) -> None:
    code = issue_codes(group=opened.group("mz", "staff"), count=1)[0].code
    client = Client()
    client.post("/v/", {"code": code})  # the form is built and kept in this process
    # throttle + code (its group, evaluation and plan in one query), nothing else
    with django_assert_max_num_queries(2):
        page = client.post("/v/", {"code": code})
    assert page.status_code == 200 and "张三" in page.content.decode()
    with django_assert_max_num_queries(2):
        review = client.post("/v/ballot/", _fields(code, "review"))
    assert review.status_code == 200 and "确认提交" in review.content.decode()
    # + the transaction (savepoint and release in a test): the evaluation still open, the code
    # used, a free slot drawn and filled
    with django_assert_max_num_queries(8):
        done = client.post("/v/ballot/", _fields(code, "confirm"))
    assert done.status_code == 200 and SealedBallot.objects.filter(cast=True).count() == 1


def test_the_kept_blank_rows_never_carry_a_voters_values(opened: Voting) -> None:
    issued = issue_codes(group=opened.group("mz", "staff"), count=2)
    client = Client()
    blank = client.post("/v/", {"code": issued[0].code}).content.decode()
    assert "checked" not in blank and len(views_vote._BLANK_ROWS) == 1
    edit = client.post("/v/ballot/", _fields(issued[0].code, "edit")).content.decode()
    assert 'value="优秀" checked' in edit
    again = client.post("/v/", {"code": issued[1].code}).content.decode()
    assert "checked" not in again and issued[1].code in again
    assert issued[0].code not in again  # nor the other voter's code
