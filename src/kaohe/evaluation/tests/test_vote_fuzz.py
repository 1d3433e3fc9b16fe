"""schemathesis against the voting operations of /api/openapi.json (tag ``voting``), as an
anonymous voter: no server error, only declared statuses, every answer as its schema says.

Generated codes name nothing, so each generated request is sent a second time with the code
replaced by a fresh issued code of one of the four ballot forms: the fuzzed marks then reach
the ballot check and the ballot box (a refusal must be a 422 and store nothing; an accepted
ballot a 201). Throttling is lifted for the run (it would answer 429 after ten guesses).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from kaohe.evaluation import throttle
from kaohe.evaluation.codes import issue_codes
from kaohe.evaluation.models import SealedBallot, VotingCode

from .ballot_fixtures import load_voting_plan

EXAMPLES = 60
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]
GROUPS = itertools.cycle([("mz", "staff"), ("dn", "all"), ("pf", "jury"), ("zc", "all")])

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", WSGIHandler()).include(tag="voting")


@pytest.fixture
def ballot_box(db: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    voting = load_voting_plan()
    monkeypatch.setattr(throttle, "LIMIT", 10**9)
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)

    def fresh_code() -> str:
        evaluation, group = next(GROUPS)
        return issue_codes(group=voting.group(evaluation, group), count=1)[0].code

    try:
        yield fresh_code
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_voting_api(case: Any, ballot_box: Any) -> None:
    case.call_and_validate(checks=CHECKS)
    if isinstance(case.body, dict) and "code" in case.body:
        case.body["code"] = ballot_box()
        used = VotingCode.objects.filter(state="used").count()
        cast = SealedBallot.objects.filter(cast=True).count()
        response = case.call_and_validate(checks=CHECKS)
        accepted = response.status_code == 201
        assert VotingCode.objects.filter(state="used").count() == used + accepted
        assert SealedBallot.objects.filter(cast=True).count() == cast + accepted
