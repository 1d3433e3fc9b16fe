"""Template context for the base layout (kaohe/web/templates/web/base.html)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from kaohe.accounts.models import Role
from kaohe.accounts.policy import ANONYMOUS, role_of
from kaohe.web.navigation import navigation


def layout(request: HttpRequest) -> dict[str, Any]:
    # Lazy: pages that never render the layout (API, redirects) never pay for it.
    user = getattr(request, "user", None)
    role = role_of(user)
    return {
        "role": role,
        "role_label": Role(role).label if role != ANONYMOUS else "",
        "nav": navigation(role, request.path),
    }
