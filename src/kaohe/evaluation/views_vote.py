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
   A cast answers 303 to ``done`` (Post/Redirect/Get): the receipt travels in a short-lived
   signed cookie of that path alone, never in the URL, so reloading the receipt page shows it
   again instead of resubmitting the ballot;
3. ``receipt``: look a receipt up (typed and POSTed too).

A used code posted to the ballot step (the voter went back and resubmitted, or tapped
确认提交 twice) gets the page saying that this code's ballot is in the box, not an error: a
used code always has exactly one ballot in the box.

Every view hides the POST body from Django's error reports (``sensitive_post_parameters``):
it holds the code and the voter's choices.

Bad codes are throttled per client (``throttle``): the 11th in 10 minutes answers 429.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, QueryDict
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html_join, json_script
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from kaohe.accounts.policy import EVERYONE, allow
from kaohe.evaluation import throttle
from kaohe.evaluation.ballot_form import BallotForm, check_ballot, group_form
from kaohe.evaluation.casting import (
    BallotInvalid,
    CastError,
    CodeUnknown,
    CodeUsed,
    Throttled,
    cast_with,
    receipt_status,
    voting_code,
)
from kaohe.evaluation.codes import grouped, normalise_code
from kaohe.evaluation.models import RaterGroup, VotingCode

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


# The start page as every voter first gets it (no error, no code), rendered once per process
# with a stand-in for the CSRF token: with the script it is the whole voting page, opened once
# by every voter, and nothing on it depends on the request but the token.
_TOKEN_STAND_IN = "kaohe-csrf-token-stand-in"
_START_PAGE: list[str] = []


def _start_page(request: HttpRequest) -> str:
    if not _START_PAGE:
        context = {"error": None, "code": "", "csrf_token": _TOKEN_STAND_IN}
        _START_PAGE.append(render_to_string("evaluation/vote_start.html", context))
    return _START_PAGE[0].replace(_TOKEN_STAND_IN, get_token(request))


def posted_marks(form: BallotForm, data: QueryDict) -> list[tuple[str, Any]]:
    """The marks of a posted ballot form as (assessee, value) pairs, in the form's order
    (fields ``m.<code>``, ``m.<code>.<dimension>``, worst picks ``p``), plus any field naming
    an assessee outside the ballot, so the check reports it. A field posted twice gives two
    pairs, so the check refuses the duplicate instead of the last value silently winning."""
    codes = [code for code, _, _ in form.assessees]
    pairs: list[tuple[str, Any]] = []
    if form.is_worst:
        picks = data.getlist("p")
        pairs = [(code, True) for code in codes for _ in range(picks.count(code))]
        pairs += [(code, True) for code in picks if code not in codes]
        return pairs
    dims = [name for name, _ in form.dimensions]
    for code in codes:
        if form.form == "dimensions":
            posted = {d: [v for v in data.getlist(f"m.{code}.{d}") if v.strip()] for d in dims}
            rated = {d: values[-1] for d, values in posted.items() if values}
            if rated:
                copies = max(len(values) for values in posted.values())
                pairs.extend((code, rated) for _ in range(copies))
        else:
            values = [v for v in data.getlist(f"m.{code}") if v.strip()]
            pairs.extend((code, value) for value in values)
    strangers = {key.split(".")[1] for key in data if key.startswith("m.") and key.count(".") >= 1}
    pairs += [(code, data.get(f"m.{code}", "?")) for code in sorted(strangers - set(codes))]
    return pairs


# Per form, what every voter of the group gets alike: a blank ballot's rows and the form's
# data for the page's script (see _rows_html).
_BLANK_ROWS: dict[BallotForm, tuple[str, str]] = {}
_BLANK_ROWS_KEPT = 256


def _rows(form: BallotForm, data: Any) -> list[dict[str, Any]]:
    """The form's rows with the values posted so far."""
    picks = set(data.getlist("p")) if hasattr(data, "getlist") else set()
    return [
        {
            "code": assessee,
            "name": name,
            "detail": detail,
            "value": data.get(f"m.{assessee}", ""),
            "dims": [
                {"name": d, "value": data.get(f"m.{assessee}.{d}", "")} for d, _ in form.dimensions
            ],
            "picked": assessee in picks,
        }
        for assessee, name, detail in form.assessees
    ]


def _rows_html(form: BallotForm, data: Any = None) -> tuple[str, str]:
    """The ballot's rows (``_vote_rows.html``) and the form's data for the page's script.

    A blank ballot's rows and the script's data are the same for every voter of the group,
    so they are made once per form and kept (the form is only kept while the evaluation is
    open, and a changed form is another key): rendering 52 rows of options was most of a
    ballot request. A ballot with values (edit, problems) is rendered each time.
    """
    if data:
        rows = render_to_string(
            "evaluation/_vote_rows.html", {"form": form, "rows": _rows(form, data)}
        )
        return rows, json_script(form.as_json(), "ballot-data")
    kept = _BLANK_ROWS.get(form)
    if kept is None:
        rows = render_to_string(
            "evaluation/_vote_rows.html", {"form": form, "rows": _rows(form, {})}
        )
        kept = (rows, json_script(form.as_json(), "ballot-data"))
        if len(_BLANK_ROWS) >= _BLANK_ROWS_KEPT:
            _BLANK_ROWS.clear()
        _BLANK_ROWS[form] = kept
    return kept


def _ballot_context(form: BallotForm, code: str, data: Any = None) -> dict[str, Any]:
    """The ballot page of ``form`` for ``code``, with the values posted so far."""
    rows, script = _rows_html(form, _values(data))
    return {
        "form": form,
        "code": grouped(code),
        "rows_html": rows,
        "form_script": script,
        "top_share_percent": (
            f"{form.max_top_share * 100:g}%" if form.max_top_share is not None else None
        ),
    }


def _values(data: Any) -> Any:
    """``data`` if it carries any of the ballot's fields (``m.…``, ``p``), else None."""
    if not data:
        return None
    return data if any(key == "p" or key.startswith("m.") for key in data) else None


def _carried(data: Any) -> str:
    """The ballot's posted fields as the confirmation page's hidden inputs."""
    return format_html_join(
        "",
        '<input type="hidden" name="{}" value="{}">',
        (
            (key, value)
            for key, values in data.lists()
            if key not in ("code", "action", "csrfmiddlewaretoken")
            for value in values
        ),
    )


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


def _code_of(
    request: HttpRequest, *, used_page: bool = False
) -> tuple[str, VotingCode] | HttpResponse:
    """The posted code and its row, checked (throttled, usable) with one look-up for the whole
    request; or the page that answers instead (with ``used_page``, a used code gets the page
    saying its ballot is in the box)."""
    client = throttle.client_key(request)
    text = request.POST.get("code", "")
    try:
        row = voting_code(text, client=client)
    except Throttled:
        return _throttled(request)
    except CodeUnknown as exc:
        if exc.guess:
            throttle.record_bad(client)
        return _start(request, exc.message, text, status=400)
    except CodeUsed as exc:
        if used_page:
            return _already_in(request)
        return _start(request, exc.message, text, status=409)
    except CastError as exc:
        return _start(request, exc.message, text, status=409)
    code = normalise_code(text)  # it was a code of the box: cannot fail
    return code, row


# The receipt between the cast (POST) and the receipt page (GET): a signed cookie of the
# receipt page's path alone, gone when the browser closes and after ten minutes, replaced or
# removed when the next code is entered on this browser. Never in a URL or a server log.
_RECEIPT_COOKIE = "kaohe_vote_receipt"
_RECEIPT_SALT = "kaohe.evaluation.views_vote.receipt"
_RECEIPT_SECONDS = 600


def _done_path() -> str:
    return reverse("evaluation_vote:done")


def _cast_answer(request: HttpRequest, receipt: str, group_id: int) -> HttpResponse:
    """303 to the receipt page, the receipt and the group in the cookie."""
    response = _private(redirect("evaluation_vote:done"))
    response.status_code = 303
    response.set_signed_cookie(
        _RECEIPT_COOKIE,
        f"{receipt}|{group_id}",
        salt=_RECEIPT_SALT,
        max_age=_RECEIPT_SECONDS,
        path=_done_path(),
        secure=request.is_secure(),
        httponly=True,
        samesite="Strict",
    )
    return response


def _already_in(request: HttpRequest) -> HttpResponse:
    """A used code's ballot is in the box (what a voter going back or tapping twice sees)."""
    return _private(render(request, "evaluation/vote_done.html", {"already": True}, status=409))


@allow(EVERYONE)
@sensitive_post_parameters()
@never_cache
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    """The code: typed, or put in by the script from the URL fragment."""
    if request.method == "GET":
        return _private(HttpResponse(_start_page(request)))
    checked = _code_of(request)
    if isinstance(checked, HttpResponse):
        return checked
    code, row = checked
    form = group_form(row.group)
    response = render(request, "evaluation/vote_ballot.html", _ballot_context(form, code))
    # another voter on this browser: the previous voter's receipt page is gone
    response.delete_cookie(_RECEIPT_COOKIE, path=_done_path(), samesite="Strict")
    return _private(response)


@allow(EVERYONE)
@sensitive_post_parameters()
@never_cache
@require_http_methods(["GET", "POST"])
def ballot(request: HttpRequest) -> HttpResponse:
    """Review, edit or confirm a filled-in ballot (the code travels in the POST body)."""
    if request.method == "GET":
        return redirect("evaluation_vote:start")
    checked = _code_of(request, used_page=True)
    if isinstance(checked, HttpResponse):
        return checked
    code, row = checked
    form = group_form(row.group)
    marks = posted_marks(form, request.POST)

    def again(status: int = 200, **problems: Any) -> HttpResponse:
        """The ballot again, with the voter's values (and the problems, if any)."""
        context = _ballot_context(form, code, request.POST) | problems
        return _private(render(request, "evaluation/vote_ballot.html", context, status=status))

    action = request.POST.get("action", "review")
    if action == "edit":
        return again()
    check = check_ballot(form, marks)
    if not check.ok:
        return again(400, errors=check.errors, void=check.void)
    if action != "confirm":
        context = {
            "form": form,
            "code": grouped(code),
            "review": format_html_join(
                "\n", "<tr><td>{}</td><td>{}</td></tr>", _review(form, check.marks)
            ),
            "carried": _carried(request.POST),
            "unmarked": len(form.assessees) - len([a for a, _ in check.marks if a is not None]),
        }
        return _private(render(request, "evaluation/vote_review.html", context))
    try:
        receipt = cast_with(row, marks, form)
    except BallotInvalid as exc:
        return again(400, errors=exc.errors)
    except CodeUsed:  # a second tap's request, the first one cast it
        return _already_in(request)
    except CastError as exc:
        return _start(request, exc.message, status=409)
    return _cast_answer(request, receipt, row.group_id)


@allow(EVERYONE)
@never_cache
@require_http_methods(["GET"])
def done(request: HttpRequest) -> HttpResponse:
    """The receipt of the ballot this browser just cast (the cookie ``_cast_answer`` set);
    without it (expired, or another voter started since) the start page."""
    kept = request.get_signed_cookie(
        _RECEIPT_COOKIE, default=None, salt=_RECEIPT_SALT, max_age=_RECEIPT_SECONDS
    )
    receipt, _, group_id = (kept or "").partition("|")
    group = (
        RaterGroup.objects.select_related("evaluation").filter(pk=group_id).first()
        if group_id.isdigit()
        else None
    )
    if group is None:
        return redirect("evaluation_vote:start")
    context = {"receipt": receipt, "group": group, "evaluation": group.evaluation}
    return _private(render(request, "evaluation/vote_done.html", context))


@allow(EVERYONE)
@sensitive_post_parameters()
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
