"""What keeps a voting request cheap (docs/voting.md "Cost of a request"): one code look-up per
request, the group's form kept while the evaluation is open (and rebuilt when anything it is
made of changes), a blank ballot's rows rendered once per form. The secrecy and
one-code-one-ballot tests are test_secrecy.py and test_casting.py; these check that the
shortcuts never serve something stale."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client

from kaohe.api import voting as voting_api
from kaohe.evaluation import ballot_form, casting, throttle, views_vote
from kaohe.evaluation.codes import code_digest, issue_codes
from kaohe.evaluation.models import Evaluation, RaterGroup, SealedBallot, VotingCode
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
    voting_api._FORM_JSON.clear()
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
    assert done.status_code == 303 and SealedBallot.objects.filter(cast=True).count() == 1


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


def _fields_of(instance: Any) -> dict[str, Any]:
    return {f.attname: getattr(instance, f.attname) for f in type(instance)._meta.concrete_fields}


def test_the_written_out_look_up_gives_what_the_orm_gives(opened: Voting) -> None:
    """``casting._lookup`` (one statement written once per process) reads the code, its group,
    evaluation and plan with every value as the ORM converts it (JSON, dates, decimals), and
    the client's bad codes of the current window."""
    issued = issue_codes(group=opened.group("mz", "staff"), count=1)[0]
    digest = code_digest(issued.code)
    client = "client-digest"
    row, bad = casting._lookup(digest, client)
    orm = VotingCode.objects.select_related("group__evaluation__plan").get(digest=digest)
    for mine, theirs in (
        (row, orm),
        (row.group, orm.group),
        (row.group.evaluation, orm.group.evaluation),
        (row.group.evaluation.plan, orm.group.evaluation.plan),
    ):
        assert type(mine) is type(theirs) and _fields_of(mine) == _fields_of(theirs)
        assert not mine.get_deferred_fields()
    assert isinstance(row.group.assessees, list) and row.group.evaluation.options["优秀"] == 100
    assert bad is None and casting._lookup(digest, None) == (row, None)
    for _ in range(3):
        throttle.record_bad(client)
    assert casting._lookup(digest, client)[1] == 3 == throttle.bad_codes(client)
    assert casting._lookup(code_digest("3467-ACDE-FGHJ"), client) is None


def test_the_form_json_is_made_once_per_form_and_follows_the_form(opened: Voting) -> None:
    issued = issue_codes(group=opened.group("mz", "staff"), count=2)
    client = Client()
    answer = client.post("/api/vote/form", {"code": issued[0].code}, "application/json")
    data = answer.json()
    assert answer.status_code == 200 and answer["Content-Type"].startswith("application/json")
    assert data["plan_name"] == opened.plan.name and data["top_num_den"] == [3, 10]
    assert [a["code"] for a in data["assessees"]] == ["P01", "P02", "P03", "P04", "P05", "P06"]
    form = ballot_form.group_form(opened.group("mz", "staff"))
    assert voting_api._FORM_JSON[form] == answer.content  # kept, and what was sent
    again = client.post("/api/vote/form", {"code": issued[1].code}, "application/json")
    assert again.content == answer.content and len(voting_api._FORM_JSON) == 1
    Evaluation.objects.filter(pk=form.evaluation_id).update(max_top_share=0.25)
    changed = client.post("/api/vote/form", {"code": issued[1].code}, "application/json").json()
    assert changed["top_num_den"] == [1, 4] and changed["max_top_share"] == 0.25


def test_the_kept_start_page_carries_each_visitors_own_token(opened: Voting) -> None:
    """The start page is rendered once per process; its CSRF token is the visitor's, so the
    plain form (without the script) still posts."""
    code = issue_codes(group=opened.group("mz", "staff"), count=1)[0].code
    tokens = []
    for _ in range(2):
        client = Client(enforce_csrf_checks=True)
        page = client.get("/v/")
        html = page.content.decode()
        assert page.status_code == 200 and "no-store" in page["Cache-Control"]
        assert views_vote._TOKEN_STAND_IN not in html and "csrftoken" in page.cookies
        token = html.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
        tokens.append(token)
        ballot = client.post("/v/", {"code": code, "csrfmiddlewaretoken": token})
        assert ballot.status_code == 200 and 'id="ballot-form"' in ballot.content.decode()
    assert tokens[0] != tokens[1]
    refused = Client(enforce_csrf_checks=True).post("/v/", {"code": code})
    assert refused.status_code == 403


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements: PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_the_voting_statements_are_prepared_once_per_session() -> None:
    """Prepared on first use in a session, kept through a rollback, made again on a new
    connection; the answers are those of plain statements."""
    voting = ballot_fixtures.load_voting_plan()
    issued = issue_codes(group=voting.group("mz", "staff"), count=3)

    def prepared() -> set[str]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT name FROM pg_prepared_statements")
            return {name for (name,) in cursor.fetchall() if name.startswith("kaohe_vote_")}

    connection.close()  # a session of its own (earlier tests' session prepared them too)
    with transaction.atomic():
        casting.voting_code(issued[0].code)
        transaction.set_rollback(True)
    assert prepared() == {"kaohe_vote_code"}
    casting.cast_ballot(code=issued[0].code, marks=GOOD)
    assert prepared() == {"kaohe_vote_code", "kaohe_vote_used", "kaohe_vote_fill"}
    with pytest.raises(casting.CodeUsed):
        casting.cast_ballot(code=issued[0].code, marks=GOOD)
    connection.close()
    assert casting.voting_code(issued[1].code).group.code == "staff"
    assert prepared() == {"kaohe_vote_code"}  # a new session: made again
    casting.cast_ballot(code=issued[1].code, marks=GOOD)
    assert SealedBallot.objects.filter(cast=True).count() == 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements: PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_a_migration_under_a_kept_statement_does_not_stop_the_voting() -> None:
    """A migration widening a column the look-up returns (a changed max_length) while a worker
    keeps its session: PostgreSQL then refuses the kept statement on every execution ("cached
    plan must not change result type"); the statement is made again instead — at once outside
    a transaction, by the next request after a failed transaction."""
    voting = ballot_fixtures.load_voting_plan()
    issued = issue_codes(group=voting.group("mz", "staff"), count=2)
    table = connection.ops.quote_name(Plan._meta.db_table)

    def widen(length: int) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f'ALTER TABLE {table} ALTER COLUMN "name" TYPE varchar({length})')

    assert casting.voting_code(issued[0].code).group.code == "staff"  # prepared and kept
    try:
        widen(201)
        assert casting.voting_code(issued[0].code).group.evaluation.plan.name == voting.plan.name
        widen(202)
        with pytest.raises(DatabaseError), transaction.atomic():
            casting.voting_code(issued[0].code)  # the failed transaction cannot retry
        with transaction.atomic():
            assert casting.voting_code(issued[0].code).group.code == "staff"
        casting.cast_ballot(code=issued[1].code, marks=GOOD)
    finally:
        widen(200)
    assert SealedBallot.objects.filter(cast=True).count() == 1
