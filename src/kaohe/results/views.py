"""Result pages: entry points only (check the rule, call a selector or service, render).

Who sees what is kaohe.accounts.policy's: the ranking once published (考核办 and 监督 before),
an explanation only for 考核办, 监督 and the assessee's own unit after publication.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kaohe.accounts.models import Role
from kaohe.accounts.policy import (
    EVERYONE,
    allow,
    can_publish_results,
    can_read_all,
    can_view_explanation,
    can_view_results,
    explainable_codes,
)
from kaohe.plans.models import Plan
from kaohe.process.selectors import process_lines
from kaohe.results import charts, selectors, services
from kaohe.results.models import AssesseeResult


@allow(EVERYONE)
def plan_list(request: HttpRequest) -> HttpResponse:
    plans = selectors.plan_list_with_status(published_only=not can_read_all(request.user))
    return render(request, "results/plan_list.html", {"plans": plans})


@allow(EVERYONE, check=can_view_results)
def ranking(request: HttpRequest, plan_code: str) -> HttpResponse:
    try:
        data = selectors.ranking_page(plan_code)
    except Plan.DoesNotExist as missing:
        raise Http404(_("没有这个考核方案")) from missing
    # Charts only for the page: the API reads the same ranking and needs no drawing.
    charts.ranking_charts(data)
    data["publication"] = selectors.publication_of(plan_code)
    data["can_publish"] = can_publish_results(request.user)
    # Links only to the explanations this user may open (None: all of them).
    data["explainable"] = explainable_codes(request.user, plan_code)
    return render(request, "results/ranking.html", data)


@allow(EVERYONE, check=can_view_explanation)
def explanation(request: HttpRequest, plan_code: str, assessee_code: str) -> HttpResponse:
    try:
        data = selectors.explanation_page(plan_code, assessee_code)
    except AssesseeResult.DoesNotExist as missing:
        raise Http404(_("没有这个考核对象的结果")) from missing
    # The process section's P line by line, when it came from process assessment (one query,
    # only for a plan with a process section).
    if any(s.get("source") == "process" for s in data["explanation"]["sections"]):
        data["process"] = process_lines(plan_code, assessee_code)
    return render(request, "results/explanation.html", data)


@allow(Role.OFFICE)
@require_POST
def publish(request: HttpRequest, plan_code: str) -> HttpResponse:
    """公布 (``publish=1``) or withdraw (``publish=0``) the plan's current results."""
    actor = request.user.get_username()
    try:
        if request.POST.get("publish") == "0":
            services.results_unpublish(plan_code=plan_code, actor=actor)
            messages.success(request, _("已撤回结果公布"))
        else:
            services.results_publish(plan_code=plan_code, actor=actor)
            messages.success(request, _("已公布考核结果"))
    except Plan.DoesNotExist as missing:
        raise Http404(_("没有这个考核方案")) from missing
    except services.NotComputedError as error:
        messages.error(request, str(error))
    return redirect("results:ranking", plan_code=plan_code)
