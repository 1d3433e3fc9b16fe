"""Throttling of code guessing (issue 4, item 9): per client, 10 bad codes per 10 minutes.

The client is a keyed digest of ``REMOTE_ADDR`` (the address itself is never stored), the
window a fixed 10-minute bucket. A client with 10 bad codes in the current window gets HTTP 429
for any further code until the window ends, whatever the code: a guesser cannot tell a right
code from a wrong one once throttled. Only well-formed codes that match nothing count (a typo
that cannot be a code — wrong length, a look-alike letter, full-width characters — is told so
and does not count), so a meeting room behind one address is not locked out by slips typed
carelessly. Rows older than a day are deleted as new ones are written.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.http import HttpRequest
from django.utils import timezone

from kaohe.evaluation.codes import keyed_digest
from kaohe.evaluation.models import CodeAttempt

LIMIT = 10
WINDOW = dt.timedelta(minutes=10)
MESSAGE = "输错测评码的次数过多，请 10 分钟后再试；如票签上的测评码无法使用，请联系工作人员"
_CLIENT_SALT = "kaohe.evaluation.throttle.client.v1"


def client_key(request: HttpRequest) -> str:
    """The keyed digest of the request's address (no address is stored)."""
    return keyed_digest(_CLIENT_SALT, str(request.META.get("REMOTE_ADDR") or "-"))


def current_window(now: dt.datetime | None = None) -> dt.datetime:
    """The start of the fixed 10-minute window ``now`` falls in, as the rows hold it."""
    now = now or timezone.now()
    seconds = int(WINDOW.total_seconds())
    return dt.datetime.fromtimestamp(int(now.timestamp()) // seconds * seconds, tz=dt.UTC)


def bad_codes(client: str, now: dt.datetime | None = None) -> int:
    """Bad codes of ``client`` in the current window."""
    total = CodeAttempt.objects.filter(client=client, window=current_window(now)).aggregate(
        n=Sum("count")
    )["n"]
    return int(total or 0)


def blocked(client: str, now: dt.datetime | None = None) -> bool:
    """True when ``client`` has used up its bad codes for this window (answer 429)."""
    return bad_codes(client, now) >= LIMIT


def record_bad(client: str, now: dt.datetime | None = None) -> None:
    """Count one bad code for ``client`` in the current window."""
    window = current_window(now)
    with transaction.atomic():
        if not CodeAttempt.objects.filter(client=client, window=window).update(
            count=F("count") + 1
        ):
            try:
                with transaction.atomic():
                    CodeAttempt.objects.create(client=client, window=window, count=1)
            except IntegrityError:  # another request created it meanwhile
                CodeAttempt.objects.filter(client=client, window=window).update(
                    count=F("count") + 1
                )
            CodeAttempt.objects.filter(window__lt=window - dt.timedelta(days=1)).delete()
