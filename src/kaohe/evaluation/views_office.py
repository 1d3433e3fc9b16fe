"""The office's evaluation pages (/office/evaluations/): per plan, set up an evaluation from a
preset, open it, issue codes (the answer is the slips PDF), reprint a lost slip, follow the
turnout live (an HTMX partial), close it (count summary) and count it into the plan.

Views are thin: reads through ``selectors``, writes through ``services`` (each a transaction).
考核办 does everything; 监督 reads the same pages (no forms) — both only ever see turnout while
an evaluation is open (docs/voting-office.md).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kaohe.accounts.models import Role
from kaohe.accounts.policy import allow, can_edit_plans, can_read_all
from kaohe.evaluation import presets, result_table, selectors, services, slips
from kaohe.evaluation.models import Evaluation, RaterGroup
from kaohe.plans.models import Plan

REASONS = {
    "duplicate": "同一对象重复评价",
    "too_many_picks": "所选人数超过上限",
    "too_many_top": "最高等次超过比例",
    "empty": "未填写",
    "unknown_label": "选项无法识别",
    "out_of_range": "分数超出范围",
    "missing_dimension": "维度不全",
}


def may_run(user: Any, **_url: Any) -> bool:
    """Run evaluations: the policy's ``can_edit_plans`` (考核办)."""
    return can_edit_plans(user)


def may_read(user: Any, **_url: Any) -> bool:
    """See evaluations and turnout: ``can_read_all`` (考核办, 监督)."""
    return can_read_all(user)


office_only = allow(Role.OFFICE, check=may_run)
readers = allow(Role.OFFICE, Role.SUPERVISOR, check=may_read)


def _actor(request: HttpRequest) -> str:
    return str(request.user.get_username())


def _plan(plan_code: str) -> Plan:
    try:
        return Plan.objects.get(code=plan_code)
    except Plan.DoesNotExist as missing:
        raise Http404("没有这个考核方案") from missing


def _evaluation(plan_code: str, evaluation_code: str) -> Evaluation:
    try:
        return selectors.evaluation_get(plan_code, evaluation_code)
    except Evaluation.DoesNotExist as missing:
        raise Http404("没有这个测评") from missing


def _group(evaluation: Evaluation, group_code: str) -> RaterGroup:
    group = evaluation.groups.filter(code=group_code).first()
    if group is None:
        raise Http404("没有这个测评主体")
    group.evaluation = evaluation
    return group


def _detail_url(evaluation: Evaluation) -> str:
    return reverse("evaluation_office:detail", args=[evaluation.plan.code, evaluation.code])


def _ballot_url(request: HttpRequest) -> str:
    """Where the slips' QR codes lead: the ballot page of this site (``/v/``)."""
    return request.build_absolute_uri("/v/")


# ---------------------------------------------------------------------------------------------
# Lists


@readers
def plan_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "evaluation/office_plans.html",
        {"plans": selectors.plans_with_evaluations(), "statuses": Evaluation.Status.choices},
    )


@readers
def evaluation_list(request: HttpRequest, plan_code: str) -> HttpResponse:
    plan = _plan(plan_code)
    return render(
        request,
        "evaluation/office_list.html",
        {
            "plan": plan,
            "evaluations": selectors.plan_evaluations(plan),
            "presets": presets.PRESETS,
            "can_run": can_edit_plans(request.user),
        },
    )


@office_only
@require_POST
def evaluation_create(request: HttpRequest, plan_code: str) -> HttpResponse:
    plan = _plan(plan_code)
    try:
        evaluation = services.evaluation_create(
            plan=plan,
            preset_key=request.POST.get("preset", ""),
            code=request.POST.get("code", ""),
            name=request.POST.get("name", ""),
            actor=_actor(request),
        )
    except services.SetupInvalid as invalid:
        return render(
            request,
            "evaluation/office_list.html",
            {
                "plan": plan,
                "evaluations": selectors.plan_evaluations(plan),
                "presets": presets.PRESETS,
                "can_run": True,
                "problems": invalid.problems,
                "posted": request.POST,
            },
            status=422,
        )
    messages.success(
        request, _("已新建测评“%(name)s”，请核对设置和测评主体。") % {"name": evaluation.name}
    )
    return redirect(_detail_url(evaluation))


# ---------------------------------------------------------------------------------------------
# One evaluation


def _detail_context(request: HttpRequest, evaluation: Evaluation) -> dict[str, Any]:
    groups = selectors.groups_of(evaluation)
    status = evaluation.status
    context: dict[str, Any] = {
        "plan": evaluation.plan,
        "evaluation": evaluation,
        "groups": groups,
        "scope_sizes": {g.code: len(selectors.group_scope(g)) for g in groups},
        "can_run": can_edit_plans(request.user),
        "editable": status == Evaluation.Status.DRAFT
        and not selectors.has_voting_material(evaluation),
        "issuable": status in (Evaluation.Status.DRAFT, Evaluation.Status.OPEN),
        "min_breakdown": selectors.MIN_BREAKDOWN,
    }
    turnout = selectors.turnout(evaluation)
    if status in (Evaluation.Status.DRAFT, Evaluation.Status.OPEN):
        context["turnout"] = turnout
    else:
        # The final turnout stays, in the summary: 应参评 per group next to its ballots.
        summary = selectors.count_summary(evaluation)
        expected = {g.code: g.expected for g in turnout.groups}
        context["summary"] = summary
        context["summary_rows"] = [(row, expected.get(row.code)) for row in summary.groups]
        context["expected"] = turnout.expected
        context["expected_all"] = turnout.rate is not None
        context["reasons"] = REASONS
    return context


@readers
def detail(request: HttpRequest, plan_code: str, evaluation_code: str) -> HttpResponse:
    evaluation = _evaluation(plan_code, evaluation_code)
    return render(request, "evaluation/office_detail.html", _detail_context(request, evaluation))


@readers
def turnout(request: HttpRequest, plan_code: str, evaluation_code: str) -> HttpResponse:
    """The turnout table alone (polled by HTMX while open): counts, never votes."""
    evaluation = _evaluation(plan_code, evaluation_code)
    if evaluation.status not in (Evaluation.Status.DRAFT, Evaluation.Status.OPEN):
        # Closed meanwhile: tell htmx to load the whole page (the summary replaces turnout).
        response = HttpResponse(status=204)
        response["HX-Redirect"] = _detail_url(evaluation)
        return response
    return render(
        request,
        "evaluation/office_turnout.html",
        {"evaluation": evaluation, "turnout": selectors.turnout(evaluation)},
    )


@readers
def results(request: HttpRequest, plan_code: str, evaluation_code: str) -> HttpResponse:
    """测评结果统计表 of a counted evaluation (small breakdowns masked); before counting the
    page says there is nothing yet."""
    evaluation = _evaluation(plan_code, evaluation_code)
    try:
        table = result_table.result_table(evaluation)
    except result_table.NotCounted:
        table = None
    return render(
        request,
        "evaluation/office_results.html",
        {
            "plan": evaluation.plan,
            "evaluation": evaluation,
            "table": table,
            "min_breakdown": selectors.MIN_BREAKDOWN,
        },
    )


@office_only
def setup(request: HttpRequest, plan_code: str, evaluation_code: str) -> HttpResponse:
    evaluation = _evaluation(plan_code, evaluation_code)
    problems: dict[str, list[str]] = {}
    values = _setup_values(evaluation)
    if request.method == "POST":
        values = {key: request.POST.get(key, "") for key in values}
        try:
            services.evaluation_update(evaluation=evaluation, data=values, actor=_actor(request))
        except services.EvaluationStateError as refused:
            messages.error(request, str(refused))
            return redirect(_detail_url(evaluation))
        except services.SetupInvalid as invalid:
            problems = invalid.problems
        else:
            messages.success(request, _("测评设置已保存。"))
            return redirect(_detail_url(evaluation))
    return render(
        request,
        "evaluation/office_setup.html",
        {
            "plan": evaluation.plan,
            "evaluation": evaluation,
            "values": values,
            "problems": problems,
            "kinds": Evaluation.Kind.choices,
            "forms": Evaluation.Form.choices,
        },
        status=422 if problems else 200,
    )


def _setup_values(evaluation: Evaluation) -> dict[str, str]:
    def number(value: float | int | None) -> str:
        return "" if value is None else f"{value:g}"

    return {
        "name": evaluation.name,
        "kind": evaluation.kind,
        "form": evaluation.form,
        "options": "\n".join(f"{k}={v:g}" for k, v in evaluation.options.items()),
        "satisfied": "、".join(evaluation.satisfied),
        "dimensions": "\n".join(f"{k}={v:g}" for k, v in evaluation.dimensions.items()),
        "max": number(evaluation.max),
        "max_top_share": number(evaluation.max_top_share),
        "max_picks": number(evaluation.max_picks),
        "threshold": number(evaluation.threshold),
        "handling_below": evaluation.handling_below_text,
        "pass_share": "" if evaluation.pass_share is None else f"{evaluation.pass_share:.4g}",
    }


GROUP_FIELDS = ("code", "name", "weight", "trim", "min_ballots", "expected")


@office_only
def groups(request: HttpRequest, plan_code: str, evaluation_code: str) -> HttpResponse:
    evaluation = _evaluation(plan_code, evaluation_code)
    problems: dict[str, list[str]] = {}
    if request.method == "POST":
        count = _int(request.POST.get("rows"), default=0, high=50)
        rows = [
            {field: request.POST.get(f"{i}-{field}", "") for field in GROUP_FIELDS}
            for i in range(1, count + 1)
        ]
        try:
            services.groups_update(evaluation=evaluation, groups=rows, actor=_actor(request))
        except services.EvaluationStateError as refused:
            messages.error(request, str(refused))
            return redirect(_detail_url(evaluation))
        except services.SetupInvalid as invalid:
            problems = invalid.problems
        else:
            messages.success(request, _("测评主体已保存。"))
            return redirect(_detail_url(evaluation))
    else:
        rows = [
            {
                "code": g.code,
                "name": g.name,
                "weight": f"{g.weight:g}",
                "trim": str(g.trim),
                "min_ballots": str(g.min_ballots),
                "expected": "" if g.expected is None else str(g.expected),
            }
            for g in selectors.groups_of(evaluation)
        ]
    rows = [row for row in rows if row.get("code") or row.get("name")]
    rows += [dict.fromkeys(GROUP_FIELDS, "") for _ in range(2)]  # room for new groups
    numbered = [
        {
            "index": i,
            "values": row,
            "problems": [m for f in GROUP_FIELDS for m in problems.get(f"{i}.{f}", [])],
        }
        for i, row in enumerate(rows, start=1)
    ]
    return render(
        request,
        "evaluation/office_groups.html",
        {
            "plan": evaluation.plan,
            "evaluation": evaluation,
            "rows": numbered,
            "count": len(rows),
            "general": problems.get("", []),
        },
        status=422 if problems else 200,
    )


@office_only
def scope(
    request: HttpRequest, plan_code: str, evaluation_code: str, group_code: str
) -> HttpResponse:
    """Who the group rates (测评对象): the default (by the sections using the evaluation)
    or a chosen list of the plan's assessees."""
    evaluation = _evaluation(plan_code, evaluation_code)
    group = _group(evaluation, group_code)
    problems: dict[str, list[str]] = {}
    selected = set(selectors.group_scope(group))
    own_list = bool(group.assessees)
    everyone = selectors.plan_assessees(evaluation.plan)
    bulk = request.POST.get("select") if request.method == "POST" else None
    if bulk in ("all", "none"):
        # 全选 / 全不选 without JavaScript: the form again, ticked so, nothing saved yet.
        selected = {a["code"] for a in everyone} if bulk == "all" else set()
        own_list = True
    elif request.method == "POST":
        chosen = None if request.POST.get("mode") == "default" else request.POST.getlist("a")
        try:
            services.scope_update(group=group, assessees=chosen, actor=_actor(request))
        except services.EvaluationStateError as refused:
            messages.error(request, str(refused))
            return redirect(_detail_url(evaluation))
        except services.SetupInvalid as invalid:
            problems = invalid.problems
        else:
            messages.success(request, _("“%(group)s”的测评对象已保存。") % {"group": group.name})
            return redirect(_detail_url(evaluation))
    return render(
        request,
        "evaluation/office_scope.html",
        {
            "plan": evaluation.plan,
            "evaluation": evaluation,
            "group": group,
            "assessees": everyone,
            "selected": selected,
            "own_list": own_list,
            "default_size": len(selectors.default_scope(evaluation)),
            "problems": problems.get("assessees", []),
        },
        status=422 if problems else 200,
    )


def _int(text: Any, *, default: int, high: int) -> int:
    try:
        value = int(str(text).strip())
    except (TypeError, ValueError):
        return default
    return max(0, min(value, high))


def _lifecycle(request: HttpRequest, evaluation: Evaluation, step: str) -> HttpResponse:
    actor = _actor(request)
    try:
        if step == "open":
            services.evaluation_open(evaluation=evaluation, actor=actor)
            messages.success(request, _("测评已开始：测评码可以投票了。测评期间只显示参评情况。"))
        elif step == "close":
            unsealed = services.evaluation_close(evaluation=evaluation, actor=actor)
            messages.success(request, _("测评已结束，网上投票 %(n)s 张已开箱。") % {"n": unsealed})
        else:
            services.evaluation_count(evaluation=evaluation, actor=actor)
            messages.success(request, _("已计票：方案结果已重新计算，可在考核结果中查看。"))
    except (services.EvaluationStateError, services.SetupInvalid) as refused:
        messages.error(request, str(refused))
    return redirect(_detail_url(evaluation))


@office_only
@require_POST
def open_evaluation(request: HttpRequest, plan_code: str, evaluation_code: str) -> HttpResponse:
    return _lifecycle(request, _evaluation(plan_code, evaluation_code), "open")


@office_only
@require_POST
def close_evaluation(request: HttpRequest, plan_code: str, evaluation_code: str) -> HttpResponse:
    return _lifecycle(request, _evaluation(plan_code, evaluation_code), "close")


@office_only
@require_POST
def count_evaluation(request: HttpRequest, plan_code: str, evaluation_code: str) -> HttpResponse:
    return _lifecycle(request, _evaluation(plan_code, evaluation_code), "count")


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # The codes exist in clear only in this answer: no cache may keep it.
    response["Cache-Control"] = "no-store"
    return response


@office_only
@require_POST
def issue(request: HttpRequest, plan_code: str, evaluation_code: str) -> HttpResponse:
    """Issue N codes to a group; the answer is the slips PDF (the only copy of the codes)."""
    return _slips(
        request,
        plan_code,
        evaluation_code,
        "count",
        lambda group, count, actor: services.codes_issue(group=group, count=count, actor=actor),
    )


@office_only
@require_POST
def reprint(request: HttpRequest, plan_code: str, evaluation_code: str) -> HttpResponse:
    """补发: a new code for slip N of a group (the old one is revoked), as a one-slip PDF."""
    return _slips(
        request,
        plan_code,
        evaluation_code,
        "number",
        lambda group, number, actor: [
            services.code_reissue(group=group, number=number, actor=actor)
        ],
        reprint=True,
    )


def _slips(
    request: HttpRequest,
    plan_code: str,
    evaluation_code: str,
    field: str,
    write: Callable[[RaterGroup, int, str], list[Any]],
    *,
    reprint: bool = False,
) -> HttpResponse:
    """Codes for the posted group: ``write(group, <the posted field>, actor)`` issues them and
    the answer is their slips PDF; a refusal goes back to the evaluation's page."""
    evaluation = _evaluation(plan_code, evaluation_code)
    group = _group(evaluation, request.POST.get("group", ""))
    given = _int(request.POST.get(field), default=0, high=10**6)
    try:
        issued = write(group, given, _actor(request))
    except services.EvaluationStateError as refused:
        messages.error(request, f"{group.name}：{refused}")
        return redirect(_detail_url(evaluation))
    pdf = slips.slips_pdf(
        evaluation=evaluation,
        group=group,
        codes=issued,
        ballot_url=_ballot_url(request),
        reprint=reprint,
    )
    name = slips.slips_filename(evaluation, group, issued[0].number, issued[-1].number)
    return _pdf(pdf, name)
