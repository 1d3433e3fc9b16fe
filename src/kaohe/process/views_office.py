"""The office's process pages (/office/process/): the dashboard of lights at an as-of date, a
unit's record, the inspection grid of the assessor bodies, the decision on an objective
explanation, the quarterly feedback, the half-year review and the feed of P into the plan.
Entry points only: check the rule, call a selector or a service, render.

Access (kaohe.accounts.policy): 考核办 reads and decides everything; 监督 reads everything and
writes nothing; an assessor body opens the inspection grid of the tasks it leads and rates
them; units and the public see none of it.
"""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from kaohe.accounts.models import Role
from kaohe.accounts.policy import READ_ALL, allow, can_edit_plans, require, role_of
from kaohe.org.models import Unit
from kaohe.process import selectors, selectors_web, services
from kaohe.process.feedback import feedback_context, feedback_pdf_response
from kaohe.process.forms import RATING_CHOICES, DecisionForm, ExemptForm, FeedForm, FreezeForm
from kaohe.process.models import Explanation, Milestone, ProcessPlan, Rating, Task

OFFICE = frozenset({Role.OFFICE})
INSPECTORS = READ_ALL | {Role.ASSESSOR}


def _plan(plan_code: str) -> ProcessPlan:
    pp = selectors.process_plan_for(plan_code)
    if pp is None:
        raise Http404("没有这个过程考核方案")
    return pp


def _unit(unit_code: str) -> Unit:
    unit = Unit.objects.filter(code=unit_code).first()
    if unit is None:
        raise Http404("没有这个单位")
    return unit


@allow(INSPECTORS)
def index(request: HttpRequest) -> HttpResponse:
    """过程考核: the plans with process assessment (an assessor body: those it inspects)."""
    plans = selectors_web.plans_with_process()
    if role_of(request.user) == Role.ASSESSOR:
        led = set(
            Task.objects.filter(lead_body=request.user.assessor).values_list(  # type: ignore[union-attr]
                "process_plan_id", flat=True
            )
        )
        plans = [pp for pp in plans if pp.id in led]
    return render(
        request,
        "process/office_index.html",
        {"plans": plans, "reads_all": role_of(request.user) in READ_ALL},
    )


@allow(READ_ALL)
def dashboard(request: HttpRequest, plan_code: str) -> HttpResponse:
    """Lights per unit and task at an as-of date, escalations, decisions, inspections due."""
    pp = _plan(plan_code)
    as_of, problem = selectors_web.as_of_of(request, pp)
    sort = request.GET.get("sort", "code")
    sort = sort if sort in selectors_web.MATRIX_SORTS else "code"
    page = selectors_web.dashboard_page(pp, as_of, sort)
    return render(
        request,
        "process/office_dashboard.html",
        {
            "pp": pp,
            "page": page,
            "board": page.board,
            "styles": page.board.styles,
            "as_of": as_of,
            "problem": problem,
            "can_decide": can_edit_plans(request.user),
            "feed_form": FeedForm(initial={"as_of": min(as_of, selectors_web.today())}),
            "results": selectors_web.results_state(plan_code),
            "names": selectors_web.plan_names(pp),
            "sort": sort,
            "sort_choices": [
                ("code", _("按单位")),
                ("p", _("P 从低到高")),
                ("red", _("红灯从多到少")),
            ],
        },
    )


@allow(READ_ALL)
def unit(request: HttpRequest, plan_code: str, unit_code: str) -> HttpResponse:
    """One unit's record: its milestones with lights, reports and evidence, explanations,
    rectifications and its process score so far."""
    pp = _plan(plan_code)
    found = _unit(unit_code)
    as_of, problem = selectors_web.as_of_of(request, pp)
    board = selectors.unit_dashboard(pp, found.id, as_of)
    return render(
        request,
        "process/office_unit.html",
        {
            "pp": pp,
            "unit": found,
            "board": board,
            "groups": selectors_web.grouped(board.rows),
            "reports": selectors_web.reports_of([row.id for row in board.rows], as_of),
            "styles": board.styles,
            "as_of": as_of,
            "problem": problem,
            "can_decide": can_edit_plans(request.user),
        },
    )


@allow(INSPECTORS, check=selectors_web.can_open_inspections)
def inspections(request: HttpRequest, plan_code: str) -> HttpResponse:
    """月度督查: one month's grid of the unit shares to rate (好/较好/一般/差 + note)."""
    pp = _plan(plan_code)
    # Today within the plan year, as on every process page: a finished year opens on its
    # December and lists only its own months.
    today = selectors_web.default_as_of(pp)
    month, problem = selectors_web.month_of(
        request.GET.get("month", "") or request.POST.get("month", ""), today
    )
    assessor = request.user.assessor if role_of(request.user) == Role.ASSESSOR else None  # type: ignore[union-attr]
    body = assessor or request.GET.get("body", "").strip() or None
    slots = selectors.inspection_schedule(pp, today, assessor=body)
    months = sorted({slot.month for slot in slots})
    rows = [slot for slot in slots if slot.month == month]
    problems: dict[int, list[str]] = {}
    entered: dict[int, dict[str, str]] = {}
    # After the year the lead bodies' work is over (the service refuses it too); the office
    # may still correct, dated 31 December.
    closed = selectors_web.year_over(pp)
    can_rate = selectors_web.can_rate(request.user) and (
        not closed or role_of(request.user) == Role.OFFICE
    )
    if request.method == "POST":
        require(can_rate)
        entered = {
            slot.target_id: {
                "rating": request.POST.get(f"r:{slot.target_id}", ""),
                "note": request.POST.get(f"n:{slot.target_id}", "").strip(),
            }
            for slot in rows
        }
        saved = _save_ratings(request, rows, month, entered, problems)
        if saved is not None:
            messages.success(
                request,
                ngettext("已保存 %(n)d 条督查评价。", "已保存 %(n)d 条督查评价。", saved)
                % {"n": saved}
                if saved
                else _("没有改动。"),
            )
            url = reverse("process_office:inspections", args=[plan_code])
            query = f"?month={month:%Y-%m}" + (f"&body={body}" if body and not assessor else "")
            return redirect(url + query)
    bodies = sorted(set(Task.objects.filter(process_plan=pp).values_list("lead_body", flat=True)))
    counts = {"done": 0, "due": 0, "missing": 0}
    for slot in rows:
        counts[slot.state] += 1
    return render(
        request,
        "process/office_inspections.html",
        {
            "pp": pp,
            "month": month,
            "months": months,
            "rows": [
                {
                    "slot": slot,
                    "rating": entered.get(slot.target_id, {}).get("rating", slot.rating),
                    "note": entered.get(slot.target_id, {}).get("note", slot.note),
                    "problems": problems.get(slot.target_id, []),
                }
                for slot in rows
            ],
            "counts": counts,
            "problem": problem,
            "problems": problems,
            "choices": RATING_CHOICES,
            "body": body,
            "bodies": bodies if assessor is None else [],
            "can_rate": can_rate,
            "closed": closed,
            "future": month > today,
        },
    )


class _Rollback(Exception):
    """Raised inside the grid's transaction when a row is refused: nothing is saved."""


def _save_ratings(
    request: HttpRequest,
    rows: list[selectors.InspectionSlot],
    month: date,
    entered: dict[int, dict[str, str]],
    problems: dict[int, list[str]],
) -> int | None:
    """Every changed row of the grid, or none: the number saved, or None when refused."""
    saved = 0
    try:
        with transaction.atomic():
            for slot in rows:
                rating, note = entered[slot.target_id]["rating"], entered[slot.target_id]["note"]
                if not rating:
                    if note and note != slot.note:
                        problems[slot.target_id] = [_("请先选择督查评价")]
                    elif slot.rating:
                        problems[slot.target_id] = [_("已录入的评价不能清空，可改为其他评价")]
                    continue
                if rating == slot.rating and note == slot.note:
                    continue
                if rating not in Rating.values:
                    problems[slot.target_id] = [_("督查评价只能是好、较好、一般或差")]
                    continue
                try:
                    services.inspection_record(
                        actor=request.user,
                        target_id=slot.target_id,
                        month=month,
                        rating=rating,
                        note=note,
                    )
                except ValidationError as error:
                    problems[slot.target_id] = error.messages
                else:
                    saved += 1
            if problems:
                raise _Rollback
    except _Rollback:
        return None
    return saved


@allow(READ_ALL)
def explanation(request: HttpRequest, plan_code: str, explanation_id: int) -> HttpResponse:
    """A unit's written explanation; for an objective cause, 考核办 decides (POST): coordinate
    (协调解决) or exempt the milestone (免责, left out of the score)."""
    pp = _plan(plan_code)
    found = (
        Explanation.objects.filter(pk=explanation_id, milestone__target__task__process_plan=pp)
        .values("milestone_id", "milestone__target__unit_id")
        .first()
    )
    if found is None:
        raise Http404("没有这份书面说明")
    # Today within the plan year: after the year, the decision is dated 31 December, so the
    # year as it closed (and the P fed at its end) shows it, as on every process page.
    as_of = selectors_web.default_as_of(pp)
    rows = selectors.milestone_rows(pp, as_of, unit_id=found["milestone__target__unit_id"])
    row = selectors_web.milestone_of(rows, found["milestone_id"])
    if row is None or row.explanation is None:
        raise Http404("没有这份书面说明")
    form = DecisionForm(request.POST or None)
    if request.method == "POST":
        require(can_edit_plans(request.user))
        if form.is_valid():
            try:
                services.explanation_decide(
                    actor=request.user,
                    explanation_id=explanation_id,
                    decision=form.cleaned_data["decision"],
                    note=form.cleaned_data["note"],
                    decided_on=as_of,
                )
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                if form.cleaned_data["decision"] == Explanation.Decision.EXEMPT:
                    text = _("已免责：“%(name)s”不再计入%(unit)s的日常考核得分。") % {
                        "name": row.name,
                        "unit": row.unit_name,
                    }
                else:
                    text = _("已决定协调解决：“%(name)s”仍计入得分。") % {"name": row.name}
                messages.success(request, text)
                return redirect("process_office:unit", plan_code=plan_code, unit_code=row.unit_code)
    decidable = (
        row.explanation.cause == "objective"
        and row.explanation.decision in ("pending", "coordinate")
        and can_edit_plans(request.user)
    )
    return render(
        request,
        "process/office_explanation.html",
        {
            "pp": pp,
            "row": row,
            "styles": selectors.light_styles(pp),
            "form": form,
            "decidable": decidable,
            "effect": selectors_web.exempt_effect(pp, row, as_of) if decidable else None,
            "as_of": as_of,
            "reports": selectors_web.reports_of([row.id]).get(row.id, []),
        },
    )


@allow(OFFICE)
def exempt(request: HttpRequest, plan_code: str, milestone_id: int) -> HttpResponse:
    """免责 of one milestone by 考核办 directly (e.g. a cancelled project), with a required
    reason and a date within the plan year; audited by the service. The office then lands on
    the unit's record, where P is shown without the milestone."""
    pp = _plan(plan_code)
    unit_id = (
        Milestone.objects.filter(pk=milestone_id, target__task__process_plan=pp)
        .values_list("target__unit_id", flat=True)
        .first()
    )
    if unit_id is None:
        raise Http404("没有这个节点")
    as_of = selectors_web.default_as_of(pp)
    row = selectors_web.milestone_of(
        selectors.milestone_rows(pp, as_of, unit_id=unit_id), milestone_id
    )
    if row is None:
        raise Http404("没有这个节点")
    form = ExemptForm(request.POST or None, initial={"exempted_on": as_of})
    if request.method == "POST" and form.is_valid():
        try:
            services.milestone_exempt(
                actor=request.user,
                milestone_id=milestone_id,
                reason=form.cleaned_data["reason"],
                exempted_on=form.cleaned_data["exempted_on"],
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request,
                _("已免责：“%(name)s”不再计入%(unit)s的日常考核得分。")
                % {"name": row.name, "unit": row.unit_name},
            )
            url = reverse("process_office:unit", args=[plan_code, row.unit_code])
            return redirect(f"{url}?on={max(as_of, form.cleaned_data['exempted_on']):%Y-%m-%d}")
    return render(
        request,
        "process/office_exempt.html",
        {
            "pp": pp,
            "row": row,
            "styles": selectors.light_styles(pp),
            "form": form,
            "as_of": as_of,
            "effect": selectors_web.exempt_effect(pp, row, as_of) if row.exemptable else None,
            "reports": selectors_web.reports_of([row.id], as_of).get(row.id, []),
        },
    )


@allow(READ_ALL)
def feedback(request: HttpRequest, plan_code: str, unit_code: str) -> HttpResponse:
    """季度反馈 of one unit (page; the PDF is the next view)."""
    pp = _plan(plan_code)
    context = feedback_context(request, pp, _unit(unit_code).id)
    context["pdf_url"] = "process_office:feedback_pdf"
    return render(request, "process/feedback.html", context)


@allow(READ_ALL)
def feedback_pdf(request: HttpRequest, plan_code: str, unit_code: str) -> HttpResponse:
    pp = _plan(plan_code)
    return feedback_pdf_response(request, pp, _unit(unit_code).id)


@allow(READ_ALL)
def review(request: HttpRequest, plan_code: str) -> HttpResponse:
    """半年考核: the frozen stage scores; 考核办 freezes the half year once (POST)."""
    pp = _plan(plan_code)
    today = selectors_web.today()
    reviews = selectors_web.stage_reviews(pp)
    frozen = any(r.stage == "H1" for r in reviews)
    form = FreezeForm(request.POST or None, initial={"as_of": min(date(pp.year, 6, 30), today)})
    if request.method == "POST":
        require(can_edit_plans(request.user))
        if form.is_valid():
            try:
                done = services.stage_review_freeze(
                    actor=request.user, plan_code=plan_code, as_of=form.cleaned_data["as_of"]
                )
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                messages.success(
                    request, _("上半年考核已冻结：%(n)d 个考核对象。") % {"n": len(done)}
                )
                return redirect("process_office:review", plan_code=plan_code)
    return render(
        request,
        "process/office_review.html",
        {
            "pp": pp,
            "reviews": reviews,
            "frozen": frozen,
            "form": form,
            "can_freeze": can_edit_plans(request.user) and not frozen,
        },
    )


@allow(OFFICE)
@require_POST
def feed(request: HttpRequest, plan_code: str) -> HttpResponse:
    """Compute P at a date for the plan's assessees and write it into its process source.

    When the plan has computed (perhaps published) results and a P would change, the feed
    drops them (``process_feed``): the office is first shown what will happen and confirms
    (``confirm``); nothing is withdrawn silently. Afterwards the dashboard offers 重新计算."""
    pp = _plan(plan_code)
    form = FeedForm(request.POST)
    dashboard_url = reverse("process_office:dashboard", args=[plan_code])
    if not form.is_valid():
        messages.error(request, _("计算日期无效（应为 YYYY-MM-DD）。"))
        return redirect(dashboard_url)
    as_of = form.cleaned_data["as_of"]
    preview = (
        selectors_web.feed_preview(pp, plan_code, as_of) if as_of <= selectors_web.today() else None
    )
    if preview is not None and request.POST.get("confirm") != "1":
        return render(
            request,
            "process/office_feed_confirm.html",
            {"pp": pp, "as_of": as_of, "preview": preview},
        )
    try:
        scores = services.process_feed(actor=request.user, plan_code=plan_code, as_of=as_of)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
        return redirect(dashboard_url)
    scored = sum(1 for value in scores.values() if value is not None)
    text = _(
        "已按 %(day)s 计算日常考核得分 P：%(scored)d / %(total)d 个考核对象有得分，已写入考核方案。"
    ) % {
        "day": f"{as_of:%Y-%m-%d}",
        "scored": scored,
        "total": len(scores),
    }
    if preview is not None:
        text += (
            _("方案原有计算结果已失效")
            + (_("，公布已撤回") if preview.published_at else "")
            + _("：请重新计算（见下方“考核方案计算结果”）。")
        )
    messages.success(request, text)
    return redirect(f"{dashboard_url}?on={as_of:%Y-%m-%d}")
