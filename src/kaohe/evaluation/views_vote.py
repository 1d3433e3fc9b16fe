"""The public ballot pages under /v/ (docs/voting.md): no log-in, mobile first.

The code never appears in a URL path or query string (server logs keep those): the slip's QR
opens ``/v/#CODE`` (a fragment never reaches the server), the page's script moves it into the
form and POSTs it; without a script the voter types it. Every later step carries the code in
the POST body. The steps, all server-side so a plain form works without the script:

1. ``start``: type (or scan) the code → the ballot of the code's group;
2. ``ballot`` with ``action=review``: the server checks the ballot (the script already did,
   live) → the ballot again with the problems, or the confirmation page;
   ``action=edit`` goes back to the ballot with its values; ``action=confirm`` casts it →
   the receipt;
3. ``receipt``: look a receipt up (typed and POSTed too).

Bad codes are throttled per client (``throttle``): the 11th in 10 minutes answers 429.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from kaohe.accounts.policy import EVERYONE, allow
from kaohe.evaluation import throttle
from kaohe.evaluation.ballot_form import BallotForm, check_ballot, group_form
from kaohe.evaluation.casting import (
    BallotInvalid,
    CastError,
    CodeUnknown,
    cast_ballot,
    receipt_status,
    voting_code,
)
from kaohe.evaluation.codes import grouped, normalise_code

RECEIPT_LABELS = {
    "received": "已收到：您的选票已投入票箱，测评结束后计票",
    "counted": "已计票：您的选票已计入测评结果",
}


def _private(response: HttpResponse) -> HttpResponse:
    """No referrer leaves the site from the ballot pages (``no-referrer`` would make the
    browser send ``Origin: null`` and fail the CSRF check), and nothing is cached."""
    response["Referrer-Policy"] = "same-origin"
    return response


def _throttled(request: HttpRequest) -> HttpResponse:
    response = render(
        request, "evaluation/vote_start.html", {"error": throttle.MESSAGE}, status=429
    )
    return _private(response)


def _start(
    request: HttpRequest, error: str | None = None, code: str = "", status: int = 200
) -> HttpResponse:
    context = {"error": error, "code": code}
    return _private(render(request, "evaluation/vote_start.html", context, status=status))


def posted_marks(form: BallotForm, data: Any) -> list[tuple[str, Any]]:
    """The marks of a posted ballot form as (assessee, value) pairs, in the form's order
    (fields ``m.<code>``, ``m.<code>.<dimension>``, worst picks ``p``), plus any field naming
    an assessee outside the ballot, so the check reports it."""
    codes = [code for code, _, _ in form.assessees]
    pairs: list[tuple[str, Any]] = []
    if form.is_worst:
        picks = data.getlist("p")
        pairs = [(code, True) for code in codes if code in picks]
        pairs += [(code, True) for code in picks if code not in codes]
        return pairs
    dims = [name for name, _ in form.dimensions]
    for code in codes:
        if form.form == "dimensions":
            rated = {d: data.get(f"m.{code}.{d}", "") for d in dims}
            rated = {d: v for d, v in rated.items() if v.strip()}
            if rated:
                pairs.append((code, rated))
        else:
            value = data.get(f"m.{code}", "")
            if value.strip():
                pairs.append((code, value))
    strangers = {key.split(".")[1] for key in data if key.startswith("m.") and key.count(".") >= 1}
    pairs += [(code, data.get(f"m.{code}", "?")) for code in sorted(strangers - set(codes))]
    return pairs


def _ballot_context(form: BallotForm, code: str, data: Any = None) -> dict[str, Any]:
    """The form's rows with the values posted so far."""
    data = data or {}
    picks = set(data.getlist("p")) if hasattr(data, "getlist") else set()
    rows = []
    for assessee, name, detail in form.assessees:
        rows.append(
            {
                "code": assessee,
                "name": name,
                "detail": detail,
                "value": data.get(f"m.{assessee}", ""),
                "dims": [
                    {"name": d, "value": data.get(f"m.{assessee}.{d}", "")}
                    for d, _ in form.dimensions
                ],
                "picked": assessee in picks,
            }
        )
    return {
        "form": form,
        "code": grouped(code),
        "rows": rows,
        "form_json": form.as_json(),
        "top_share_percent": (
            f"{form.max_top_share * 100:g}%" if form.max_top_share is not None else None
        ),
    }


def _review(
    form: BallotForm, rows: tuple[tuple[str | None, str | None], ...]
) -> list[tuple[str, str]]:
    """(name, what was chosen) per mark, for the confirmation page."""
    names = form.names()
    if form.is_worst:
        return [(names[a], "评为最差") if a else ("（未选任何人）", "") for a, _ in rows]
    return [
        (names[a or ""], (option or "").replace("=", "：").replace(";", "，")) for a, option in rows
    ]


def _code_of(request: HttpRequest) -> tuple[str | None, HttpResponse | None]:
    """The posted code, checked (throttled, usable); or the page that answers instead."""
    client = throttle.client_key(request)
    if throttle.blocked(client):
        return None, _throttled(request)
    text = request.POST.get("code", "")
    try:
        code = normalise_code(text)
        voting_code(code)
    except ValueError as exc:
        return None, _start(request, str(exc), text, status=400)
    except CodeUnknown as exc:
        if exc.guess:
            throttle.record_bad(client)
        return None, _start(request, exc.message, text, status=400)
    except CastError as exc:
        return None, _start(request, exc.message, text, status=409)
    return code, None


@allow(EVERYONE)
@never_cache
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    """The code: typed, or put in by the script from the URL fragment."""
    if request.method == "GET":
        return _start(request)
    code, refusal = _code_of(request)
    if refusal is not None:
        return refusal
    assert code is not None
    form = group_form(voting_code(code).group)
    return _private(render(request, "evaluation/vote_ballot.html", _ballot_context(form, code)))


@allow(EVERYONE)
@never_cache
@require_http_methods(["GET", "POST"])
def ballot(request: HttpRequest) -> HttpResponse:
    """Review, edit or confirm a filled-in ballot (the code travels in the POST body)."""
    if request.method == "GET":
        return redirect("evaluation_vote:start")
    code, refusal = _code_of(request)
    if refusal is not None:
        return refusal
    assert code is not None
    form = group_form(voting_code(code).group)
    marks = posted_marks(form, request.POST)
    context = _ballot_context(form, code, request.POST)
    action = request.POST.get("action", "review")
    if action == "edit":
        return _private(render(request, "evaluation/vote_ballot.html", context))
    check = check_ballot(form, marks)
    if not check.ok:
        context["errors"] = check.errors
        context["void"] = check.void
        return _private(render(request, "evaluation/vote_ballot.html", context, status=400))
    if action != "confirm":
        context["review"] = _review(form, check.marks)
        context["unmarked"] = len(form.assessees) - len(
            [a for a, _ in check.marks if a is not None]
        )
        return _private(render(request, "evaluation/vote_review.html", context))
    try:
        receipt = cast_ballot(code=code, marks=marks)
    except BallotInvalid as exc:
        context["errors"] = exc.errors
        return _private(render(request, "evaluation/vote_ballot.html", context, status=400))
    except CastError as exc:
        return _start(request, exc.message, status=409)
    return _private(
        render(request, "evaluation/vote_done.html", {"receipt": receipt, "form": form})
    )


@allow(EVERYONE)
@never_cache
@require_http_methods(["GET", "POST"])
def receipt(request: HttpRequest) -> HttpResponse:
    """Look a receipt up: received or counted, nothing else."""
    context: dict[str, Any] = {}
    if request.method == "POST":
        text = request.POST.get("receipt", "")
        status = receipt_status(text)
        context = {
            "receipt": text,
            "status": status,
            "label": RECEIPT_LABELS.get(status or "", "没有找到该回执，请核对回执号"),
        }
    return _private(render(request, "evaluation/vote_receipt.html", context))
