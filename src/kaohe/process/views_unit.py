"""The unit's process pages (/progress/), made for a phone: its milestones with their lights,
a report in a few taps, the written explanation of a red light, the rectification, its
quarterly feedback. Entry points only: check the rule, call a selector or a service, render.

Access (kaohe.accounts.policy + kaohe.process.selectors_web): a unit account, for its own
unit's targets only; evidence also for 考核办 and 监督. Everyone else is refused.
"""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kaohe.accounts.models import Role
from kaohe.accounts.policy import READ_ALL, allow
from kaohe.process import selectors, selectors_web, services
from kaohe.process.feedback import feedback_context, feedback_pdf_response
from kaohe.process.forms import ExplanationForm, ProgressForm, RectificationForm
from kaohe.process.models import ProcessPlan, ProgressReport
from kaohe.process.templatetags.process_tags import status_label
from kaohe.web.evidence import evidence_download

UNIT = frozenset({Role.UNIT})


def _plan(plan_code: str) -> ProcessPlan:
    pp = selectors.process_plan_for(plan_code)
    if pp is None:
        raise Http404("没有这个过程考核方案")
    return pp


@allow(UNIT)
def home(request: HttpRequest) -> HttpResponse:
    """进度填报: straight to the unit's newest process plan, or the list when it has several."""
    plans = selectors_web.unit_plans(request.user.unit_id)  # type: ignore[union-attr]
    if len(plans) == 1:
        return redirect("process_unit:plan", plan_code=plans[0].plan_code)
    return render(request, "process/unit_home.html", {"plans": plans})


@allow(UNIT, check=selectors_web.is_unit_of_plan)
def plan(request: HttpRequest, plan_code: str) -> HttpResponse:
    """The unit's milestones with their lights, what it must do first, its score so far."""
    pp = _plan(plan_code)
    # Like the office's pages: today within the plan's year, so a finished year shows its
    # last day (the state its P was fed at), not a year of days overdue.
    as_of, problem = selectors_web.as_of_of(request, pp)
    board = selectors.unit_dashboard(pp, request.user.unit_id, as_of)  # type: ignore[union-attr]
    quarter = (as_of.month - 1) // 3 + 1
    return render(
        request,
        "process/unit_plan.html",
        {
            "pp": pp,
            "board": board,
            "groups": selectors_web.grouped(board.rows),
            "styles": board.styles,
            "as_of": as_of,
            "is_today": as_of == selectors_web.today(),
            "year_over": selectors_web.year_over(pp),
            "year_end": as_of == date(pp.year, 12, 31),
            "problem": problem,
            "quarter": f"{as_of.year}-{quarter}",
        },
    )


@allow(UNIT, check=selectors_web.owns_milestone)
def milestone(request: HttpRequest, plan_code: str, milestone_id: int) -> HttpResponse:
    """One milestone: what kaohe knows of it, its reports, and the report form (POST)."""
    pp = _plan(plan_code)
    today = selectors_web.today()
    as_of = selectors_web.default_as_of(pp)
    rows = selectors.milestone_rows(pp, as_of, unit_id=request.user.unit_id)  # type: ignore[union-attr]
    row = selectors_web.milestone_of(rows, milestone_id)
    if row is None:
        raise Http404("没有这个节点")
    year_over = selectors_web.year_over(pp)
    initial = {"status": row.status, "percent": row.percent}
    form = ProgressForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.progress_report(
                actor=request.user,
                milestone_id=milestone_id,
                status=data["status"],
                percent=data["percent"],
                note=data["note"],
                evidence=data["evidence"],
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request,
                _("已报告“%(name)s”：%(status)s，%(percent)d%%。")
                % {
                    "name": row.name,
                    "status": status_label(data["status"]),
                    "percent": data["percent"],
                },
            )
            return redirect("process_unit:plan", plan_code=plan_code)
    return render(
        request,
        "process/unit_milestone.html",
        {
            "pp": pp,
            "row": row,
            "styles": selectors.light_styles(pp),
            "reports": selectors_web.reports_of([milestone_id]).get(milestone_id, []),
            "form": form,
            "can_report": row.done_on is None and row.exempted_on is None and not year_over,
            "year_over": year_over,
            "as_of": as_of,
            "today": today,
        },
    )


@allow(UNIT, check=selectors_web.owns_milestone)
def explain(request: HttpRequest, plan_code: str, milestone_id: int) -> HttpResponse:
    """情况说明 of a red-lit milestone: the cause (主观 → 限期整改; 客观 → the office decides)."""
    pp = _plan(plan_code)
    rows = selectors.milestone_rows(
        pp,
        selectors_web.default_as_of(pp),
        unit_id=request.user.unit_id,  # type: ignore[union-attr]
    )
    row = selectors_web.milestone_of(rows, milestone_id)
    if row is None:
        raise Http404("没有这个节点")
    form = ExplanationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.explanation_file(
                actor=request.user,
                milestone_id=milestone_id,
                cause=data["cause"],
                text=data["text"],
                measures=data["measures"],
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("已提交“%(name)s”的书面说明。") % {"name": row.name})
            return redirect(
                "process_unit:milestone", plan_code=plan_code, milestone_id=milestone_id
            )
    return render(
        request,
        "process/unit_explain.html",
        {
            "pp": pp,
            "row": row,
            "styles": selectors.light_styles(pp),
            "form": form,
            "year_over": selectors_web.year_over(pp),
        },
    )


@allow(UNIT, check=selectors_web.owns_rectification)
def rectification(request: HttpRequest, plan_code: str, rectification_id: int) -> HttpResponse:
    """限期整改: the unit reports it done, with what it did."""
    pp = _plan(plan_code)
    as_of = selectors_web.default_as_of(pp)
    row = selectors_web.rectification_row(pp, request.user.unit_id, rectification_id, as_of)  # type: ignore[arg-type, union-attr]
    if row is None or row.rectification is None:
        raise Http404("没有这个整改事项")
    form = RectificationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.rectification_complete(
                actor=request.user,
                rectification_id=rectification_id,
                result=form.cleaned_data["result"],
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("已报告“%(name)s”整改完成。") % {"name": row.name})
            return redirect("process_unit:plan", plan_code=plan_code)
    return render(
        request,
        "process/unit_rectification.html",
        {
            "pp": pp,
            "row": row,
            "styles": selectors.light_styles(pp),
            "form": form,
            "year_over": selectors_web.year_over(pp),
        },
    )


@allow(UNIT, check=selectors_web.is_unit_of_plan)
def feedback(request: HttpRequest, plan_code: str) -> HttpResponse:
    """季度反馈 of the unit itself (the office's page shows the same report)."""
    pp = _plan(plan_code)
    context = feedback_context(request, pp, request.user.unit_id)  # type: ignore[arg-type, union-attr]
    context["pdf_url"] = "process_unit:feedback_pdf"
    return render(request, "process/feedback.html", context)


@allow(UNIT, check=selectors_web.is_unit_of_plan)
def feedback_pdf(request: HttpRequest, plan_code: str) -> HttpResponse:
    pp = _plan(plan_code)
    return feedback_pdf_response(request, pp, request.user.unit_id)  # type: ignore[arg-type, union-attr]


@allow(READ_ALL | UNIT, check=selectors_web.can_view_report_evidence)
def evidence(request: HttpRequest, plan_code: str, report_id: int) -> HttpResponse:
    """A progress report's evidence file (never served as a public static file)."""
    report = ProgressReport.objects.filter(
        pk=report_id, milestone__target__task__process_plan__plan_code=plan_code
    ).first()
    if report is None or not report.evidence_path:
        raise Http404("没有佐证材料")
    return evidence_download(report.evidence_path, report.evidence_name)
