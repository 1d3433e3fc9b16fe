"""The home page: each role's dashboard (工作台); the public sees the published plans."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from kaohe.accounts.models import Role
from kaohe.accounts.policy import EVERYONE, allow, can_publish_results, role_of
from kaohe.web import selectors


@allow(EVERYONE)
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    role = role_of(user)
    if role in (Role.OFFICE, Role.SUPERVISOR):
        context = selectors.office_dashboard()
        context["can_publish"] = can_publish_results(user)
        return render(request, "web/dashboard_office.html", context)
    if role == Role.ASSESSOR:
        context = selectors.assessor_dashboard(user.assessor)  # type: ignore[union-attr]
        return render(request, "web/dashboard_assessor.html", context)
    if role == Role.UNIT:
        context = selectors.unit_dashboard(user.unit_id)  # type: ignore[union-attr]
        return render(request, "web/dashboard_unit.html", context)
    return render(request, "web/dashboard_public.html", selectors.public_dashboard())


@allow(EVERYONE)
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness for a load balancer or monitor: the process answers (no database, no template).
    Also the trivial baseline of the voting benchmark (docs/benchmarks.md)."""
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")
