"""Result pages: entry points only (parse, call a selector, render)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from kaohe.plans.models import Plan
from kaohe.results import selectors
from kaohe.results.models import AssesseeResult


def plan_list(request: HttpRequest) -> HttpResponse:
    return render(request, "results/plan_list.html", {"plans": selectors.plan_list()})


def ranking(request: HttpRequest, plan_code: str) -> HttpResponse:
    try:
        data = selectors.ranking_page(plan_code)
    except Plan.DoesNotExist as missing:
        raise Http404("没有这个考核方案") from missing
    return render(request, "results/ranking.html", data)


def explanation(request: HttpRequest, plan_code: str, code: str) -> HttpResponse:
    try:
        data = selectors.explanation_page(plan_code, code)
    except AssesseeResult.DoesNotExist as missing:
        raise Http404("没有这个考核对象的结果") from missing
    return render(request, "results/explanation.html", data)
