"""Online voting through the API (docs/voting.md): the ballot form of a code, casting a ballot,
looking a receipt up. Open to everyone without log-in (voters are anonymous), so no session and
no CSRF token; the code travels in the JSON body only, never in the path or query string.

Bad codes are throttled per client as on the pages (``kaohe.evaluation.throttle``): 429.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema, Status
from pydantic import BaseModel, Field, StrictBool, StrictFloat, StrictInt, StrictStr

from kaohe.api.errors import responses
from kaohe.evaluation import throttle
from kaohe.evaluation.ballot_form import BallotForm, group_form
from kaohe.evaluation.casting import (
    BallotInvalid,
    CastError,
    CodeUnknown,
    Throttled,
    cast_with,
    receipt_status,
    voting_code,
)
from kaohe.evaluation.codes import normalise_code

router = Router(tags=["voting"])

VOTE = (400, 404, 409, 422, 429)
Text = Annotated[str, Field(max_length=200)]
MarkValue = (
    StrictBool
    | StrictInt
    | StrictFloat
    | Annotated[StrictStr, Field(max_length=50)]
    | Annotated[dict[Text, Annotated[StrictStr, Field(max_length=50)]], Field(max_length=20)]
    | None
)


class CodeIn(Schema):
    """A 测评码 as printed (``XXXX-XXXX-XXXX``; case, dashes and spaces do not matter)."""

    code: Text


class MarkIn(BaseModel):
    """One mark: the assessee's code and the value — a grade label (``"优秀"``), a score
    (``92.5`` or ``"92.5"``), ``{"德": "优秀", …}`` for the dimensions form, ``true`` to pick
    the assessee on a worst ballot."""

    # A plain pydantic model, not a ninja Schema: a Schema runs its Django-object validator
    # for every mark (≈ 1 ms for a 52-mark ballot); a JSON body never needs it.
    assessee: Text
    value: MarkValue = None


class BallotIn(BaseModel):
    code: Text
    marks: list[MarkIn] = Field(max_length=1000)


class ReceiptIn(Schema):
    receipt: Text


class AssesseeOut(Schema):
    code: str
    name: str
    detail: str


class OptionOut(Schema):
    label: str
    value: float


class DimensionOut(Schema):
    name: str
    weight: float


class VoteFormOut(Schema):
    """The ballot of the code's group: what to mark and the rules checked on casting.
    ``top_num_den``: ``max_top_share`` as an exact fraction (numerator, denominator) — the
    top-grade limit is ``max(1, floor(k × numerator / denominator))`` for ``k`` marks."""

    evaluation: str
    evaluation_name: str
    plan_name: str
    kind: str
    form: str
    group: str
    group_name: str
    assessees: list[AssesseeOut]
    options: list[OptionOut]
    top: list[str]
    dimensions: list[DimensionOut]
    max: float
    max_top_share: float | None
    top_num_den: list[int] | None
    max_picks: int | None


class ReceiptOut(Schema):
    receipt: str


class ReceiptStatusOut(Schema):
    status: Literal["received", "counted"]


def _refusal(request: HttpRequest, exc: CastError | ValueError) -> HttpResponse:
    from kaohe.api.api import api
    from kaohe.api.errors import error

    if isinstance(exc, ValueError):
        return error(api, request, 422, "invalid", "测评码格式不正确", [("code", str(exc))])
    if isinstance(exc, BallotInvalid):
        return error(api, request, 422, exc.code, exc.message, [("marks", e) for e in exc.errors])
    if isinstance(exc, CodeUnknown):
        return error(api, request, 404, exc.code, exc.message)
    status = 409 if isinstance(exc, CastError) else 422
    return error(api, request, status, exc.code, exc.message)


def _throttled(request: HttpRequest) -> HttpResponse:
    from kaohe.api.api import api
    from kaohe.api.errors import error

    return error(api, request, 429, "throttled", throttle.MESSAGE)


def _with_code(request: HttpRequest, text: str) -> Any:
    """The code's row, or the error answer: 429 for a throttled client whatever the code, and
    a guessed code counted against the client. The client's count comes with the code's
    look-up (``voting_code(client=)``): one query for a usable code."""
    client = throttle.client_key(request)
    try:
        code = normalise_code(text)
    except ValueError as exc:
        return _throttled(request) if throttle.blocked(client) else _refusal(request, exc)
    try:
        return voting_code(code, client=client)
    except Throttled:
        return _throttled(request)
    except CodeUnknown as exc:
        if exc.guess:
            throttle.record_bad(client)
        return _refusal(request, exc)
    except CastError as exc:
        return _refusal(request, exc)


@router.post(
    "/vote/form", response=responses({200: VoteFormOut}, VOTE), auth=None, url_name="vote_form"
)
def vote_form(request: HttpRequest, body: CodeIn) -> Any:
    """The ballot form of a usable code (the code is not used up by asking)."""
    row = _with_code(request, body.code)
    if isinstance(row, HttpResponse):
        return row
    return HttpResponse(_form_json(group_form(row.group)), content_type=JSON)


JSON = "application/json; charset=utf-8"
# The JSON of each form, made once: every voter of a group gets the same (the page's script
# renders the ballot from it). Keyed by the form's value, so a changed form is another key.
_FORM_JSON: dict[BallotForm, bytes] = {}
_FORM_JSON_KEPT = 256


def _form_json(form: BallotForm) -> bytes:
    """``VoteFormOut`` of ``form`` as JSON: validated and serialised once per form and server
    process (for a 52-unit ballot that was ≈ 1 ms of a 2 ms request)."""
    kept = _FORM_JSON.get(form)
    if kept is None:
        data = form.as_json()
        out = VoteFormOut(
            evaluation=form.evaluation_code,
            evaluation_name=form.evaluation_name,
            plan_name=form.plan_name,
            kind=form.kind,
            form=form.form,
            group=form.group_code,
            group_name=form.group_name,
            assessees=data["assessees"],
            options=data["options"],
            top=data["top"],
            dimensions=data["dimensions"],
            max=form.max,
            max_top_share=form.max_top_share,
            top_num_den=data["top_num_den"],
            max_picks=form.max_picks,
        )
        kept = out.model_dump_json().encode()
        if len(_FORM_JSON) >= _FORM_JSON_KEPT:
            _FORM_JSON.clear()
        _FORM_JSON[form] = kept
    return kept


@router.post(
    "/vote/ballots", response=responses({201: ReceiptOut}, VOTE), auth=None, url_name="vote_cast"
)
def vote_cast(request: HttpRequest, body: BallotIn) -> Any:
    """Cast a ballot: 201 with the receipt; 422 with every problem when the ballot is not
    acceptable (nothing is stored); 409 when the code was already used or voting is closed."""
    row = _with_code(request, body.code)
    if isinstance(row, HttpResponse):
        return row
    marks = [(mark.assessee, mark.value) for mark in body.marks]
    try:
        receipt = cast_with(row, marks)
    except CastError as exc:
        return _refusal(request, exc)
    return Status(201, {"receipt": receipt})


@router.post(
    "/vote/receipts",
    response=responses({200: ReceiptStatusOut}, (400, 404, 422)),
    auth=None,
    url_name="vote_receipt",
)
def vote_receipt(request: HttpRequest, body: ReceiptIn) -> Any:
    """Whether the ballot with this receipt was received or counted (nothing else)."""
    from kaohe.api.api import api
    from kaohe.api.errors import error

    status = receipt_status(body.receipt)
    if status is None:
        return error(api, request, 404, "not_found", "没有找到该回执，请核对回执号")
    return {"status": status}
