"""Authentication of API calls: the Django session of the log-in page, nothing else.

``signed_in`` admits an active account (an inactive one is anonymous, as on the pages) and
checks the CSRF token on unsafe methods, like every form of the site. Operations the public
may call when the policy allows it (published plans and rankings) take no ``auth``: the
named permission decides, and a refused anonymous caller gets 401 (log in), an account 403.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import SessionAuth

from kaohe.accounts.policy import ANONYMOUS, role_of


class SignedIn(SessionAuth):
    """The session's account, if it is active (``kaohe.accounts.policy.role_of``)."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        if role_of(request.user) == ANONYMOUS:
            return None
        return request.user


signed_in = SignedIn(csrf=True)


def actor(request: HttpRequest) -> str:
    """The name the audit trail records for the caller."""
    return str(request.user.get_username())
