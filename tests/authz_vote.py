"""Authorization expectations of the public ballot pages (/v/) and the voting API
(docs/voting.md): open to everyone, the anonymous public first of all, with no log-in.

The requests name no usable code (the fixture plan issues none), so every role gets the same
answer: the page with its message (400 for a bad code) and nothing changes.
"""

from __future__ import annotations

import json

from django.http import HttpResponse
from django.test import Client

from authz_common import GO, OK, Case, everyone

BAD_REQUEST, NOT_FOUND, INVALID = "400", "404", "422"
CODE = "3467-ACDE-FGHJ"  # well-formed, issued to nobody

CASES: tuple[Case, ...] = (
    Case("evaluation_vote:start", "/v/", everyone(OK)),
    Case(
        "evaluation_vote:start",
        "/v/",
        everyone(BAD_REQUEST),
        method="post",
        data={"code": CODE},
        note="a code nobody was given: told so (and counted against the client)",
    ),
    Case("evaluation_vote:ballot", "/v/ballot/", everyone(GO), note="GET: back to the start"),
    Case(
        "evaluation_vote:ballot",
        "/v/ballot/",
        everyone(BAD_REQUEST),
        method="post",
        data={"code": "", "action": "review"},
    ),
    Case(
        "evaluation_vote:done",
        "/v/done/",
        everyone(GO),
        note="the receipt page after a cast; without its cookie: back to the start",
    ),
    Case("evaluation_vote:receipt", "/v/receipt/", everyone(OK)),
    Case(
        "evaluation_vote:receipt",
        "/v/receipt/",
        everyone(OK),
        method="post",
        data={"receipt": "3467-ACDE-FGHJ-KMNP"},
        note="an unknown receipt: the page says so",
    ),
    Case(
        "api:vote_form", "/api/vote/form", everyone(NOT_FOUND), method="post", data={"code": CODE}
    ),
    Case(
        "api:vote_cast",
        "/api/vote/ballots",
        everyone(NOT_FOUND),
        method="post",
        data={"code": CODE, "marks": []},
    ),
    Case(
        "api:vote_receipt",
        "/api/vote/receipts",
        everyone(NOT_FOUND),
        method="post",
        data={"receipt": "3467-ACDE-FGHJ-KMNP"},
    ),
)


def outcome(case: Case, client: Client) -> str:
    """Pages: the status, or GO for a redirect; API: the status of a JSON POST."""
    response: HttpResponse
    if case.name.startswith("api:"):
        response = client.post(
            case.url, data=json.dumps(case.data), content_type="application/json"
        )
    elif case.method == "post":
        response = client.post(case.url, case.data)
    else:
        response = client.get(case.url)
    if response.status_code in (301, 302):
        return GO
    return str(response.status_code)
