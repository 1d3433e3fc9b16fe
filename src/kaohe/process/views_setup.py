"""The office's set-up pages of process assessment (/office/process/<plan>/setup/…): the plan's
settings, tasks (重点任务), their decomposition to units and people (目标分解, 岗位责任) and
milestones (节点); the import of a whole task plan from Excel/CSV and its template; a person's
post responsibilities with the person's P; and 整改销号 (confirm or reopen a rectification).
Entry points only: check the rule, call a service or a selector, render (docs/process-pages.md).

Access: 考核办 sets up, imports and confirms; 监督 reads a person's record and a
rectification; nobody else sees these pages.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from kaohe.accounts.models import Role
from kaohe.accounts.policy import READ_ALL, allow, can_edit_plans, require
from kaohe.errors import InputError
from kaohe.org.models import Person
from kaohe.plans.models import Plan
from kaohe.process import plan_import, selectors, selectors_web, services, services_setup
from kaohe.process.forms_setup import (
    MAX_IMPORT_BYTES,
    ImportForm,
    MilestoneForm,
    RectificationForm,
    SettingsForm,
    TargetForm,
    TaskForm,
)
from kaohe.process.models import Milestone, ProcessPlan, Rectification, Target, Task

OFFICE = frozenset({Role.OFFICE})


def _plan(plan_code: str) -> ProcessPlan:
    pp = selectors.process_plan_for(plan_code)
    if pp is None:
        raise Http404("没有这个过程考核方案")
    return pp


def _task(pp: ProcessPlan, task_id: int) -> Task:
    task = Task.objects.filter(process_plan=pp, pk=task_id).first()
    if task is None:
        raise Http404("没有这个任务")
    return task


def _target(pp: ProcessPlan, target_id: int) -> Target:
    target = (
        Target.objects.select_related("task", "unit", "person", "parent")
        .filter(task__process_plan=pp, pk=target_id)
        .first()
    )
    if target is None:
        raise Http404("没有这个目标分解")
    return target


def _milestone(pp: ProcessPlan, milestone_id: int) -> Milestone:
    m = (
        Milestone.objects.select_related("target__task", "target__unit", "target__person")
        .filter(target__task__process_plan=pp, pk=milestone_id)
        .first()
    )
    if m is None:
        raise Http404("没有这个节点")
    return m


def _service(form: Any, call: Any, **kwargs: Any) -> Any:
    """Call a service; its refusal goes onto the form (None returned)."""
    try:
        return call(actor=form.actor, **kwargs)
    except ValidationError as error:
        form.add_service_errors(error)
        return None


def _with_actor(form: forms.Form, request: HttpRequest) -> Any:
    form.actor = request.user  # type: ignore[attr-defined]
    return form


# ---------------------------------------------------------------------------------------------
# Settings and the task list


@allow(OFFICE)
def setup(request: HttpRequest, plan_code: str) -> HttpResponse:
    """过程考核设置: the settings form and the plan's tasks. A plan without process assessment
    gets one here (with the default settings) on the first save."""
    pp = selectors.process_plan_for(plan_code)
    plan = Plan.objects.filter(code=plan_code).first()
    if pp is None and plan is None:
        raise Http404("没有这个考核方案")
    form = _with_actor(SettingsForm(request.POST or None, instance=pp), request)
    if request.method == "POST" and form.is_valid():
        year = pp.year if pp is not None else plan.year  # type: ignore[union-attr]
        saved = _service(
            form, services.process_plan_setup, plan_code=plan_code, year=year, **form.values()
        )
        if saved is not None:
            messages.success(request, "过程考核设置已保存。")
            return redirect("process_office:setup", plan_code=plan_code)
    tasks = (
        list(
            Task.objects.filter(process_plan=pp)
            .annotate(
                units=Count("targets", filter=Q(targets__person__isnull=True), distinct=True),
                people=Count("targets", filter=Q(targets__person__isnull=False), distinct=True),
                steps=Count("targets__milestones", distinct=True),
            )
            .order_by("order")
        )
        if pp is not None
        else []
    )
    return render(
        request,
        "process/setup_plan.html",
        {"pp": pp, "plan": plan, "plan_code": plan_code, "form": form, "tasks": tasks},
    )


# ---------------------------------------------------------------------------------------------
# Tasks


@allow(OFFICE)
def task_new(request: HttpRequest, plan_code: str) -> HttpResponse:
    pp = _plan(plan_code)
    form = _with_actor(
        TaskForm(
            request.POST or None,
            initial={"starts_on": f"{pp.year}-01-01", "ends_on": f"{pp.year}-12-31"},
        ),
        request,
    )
    if request.method == "POST" and form.is_valid():
        task = _service(form, services.task_create, process_plan=pp, **form.values())
        if task is not None:
            messages.success(request, f"已添加任务 {task.code} {task.name}。")
            return redirect("process_office:setup_task", plan_code=plan_code, task_id=task.id)
    return render(request, "process/setup_task.html", {"pp": pp, "form": form, "task": None})


@allow(OFFICE)
def task(request: HttpRequest, plan_code: str, task_id: int) -> HttpResponse:
    """A task: edit it, its units' shares and people's post responsibilities."""
    pp = _plan(plan_code)
    found = _task(pp, task_id)
    initial = {key: getattr(found, key) for key in TaskForm.base_fields if key != "code"}
    form = _with_actor(TaskForm(request.POST or None, initial=initial, editing=True), request)
    if request.method == "POST" and form.is_valid():  # noqa: SIM102 - a refusal falls through
        if _service(form, services_setup.task_update, task=found, **form.values()) is not None:
            messages.success(request, f"任务 {found.code} 已保存。")
            return redirect("process_office:setup_task", plan_code=plan_code, task_id=found.id)
    targets = list(
        found.targets.select_related("unit", "person")
        .annotate(steps=Count("milestones"))
        .order_by("unit__code", "person__code")
    )
    return render(
        request,
        "process/setup_task.html",
        {
            "pp": pp,
            "task": found,
            "form": form,
            "targets": targets,
            "target_form": TargetForm(initial={"weight": 1.0}),
        },
    )


@allow(OFFICE)
@require_POST
def task_delete(request: HttpRequest, plan_code: str, task_id: int) -> HttpResponse:
    pp = _plan(plan_code)
    found = _task(pp, task_id)
    try:
        services_setup.task_delete(actor=request.user, task=found)  # type: ignore[arg-type]
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
        return redirect("process_office:setup_task", plan_code=plan_code, task_id=task_id)
    messages.success(request, f"已删除任务 {found.code} {found.name}。")
    return redirect("process_office:setup", plan_code=plan_code)


# ---------------------------------------------------------------------------------------------
# Targets: a unit's share, a person's post responsibility


@allow(OFFICE)
def target_new(request: HttpRequest, plan_code: str, task_id: int) -> HttpResponse:
    pp = _plan(plan_code)
    found = _task(pp, task_id)
    initial = {"weight": 1.0, "unit": request.GET.get("unit") or None}
    form = _with_actor(TargetForm(request.POST or None, initial=initial), request)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        person = None
        if data["person"]:
            person = services_setup.person_of(data["person"])
            if person is None:
                form.add_error("person", f"人员“{data['person']}”不存在或重名，请填写人员代码")
        if not form.errors:
            target = _service(
                form, services.target_create, task=found, unit=data["unit"], person=person,
                leader=data["leader"], goal=data["goal"], weight=data["weight"],
            )  # fmt: skip
            if target is not None:
                messages.success(request, "已添加目标分解，请为其设置节点。")
                return redirect(
                    "process_office:setup_target", plan_code=plan_code, target_id=target.id
                )
    return render(
        request,
        "process/setup_target.html",
        {"pp": pp, "task": found, "target": None, "form": form},
    )


@allow(OFFICE)
def target(request: HttpRequest, plan_code: str, target_id: int) -> HttpResponse:
    """A target: edit its leader, goal and weight; its milestones; its post responsibilities."""
    pp = _plan(plan_code)
    found = _target(pp, target_id)
    initial = {"leader": found.leader, "goal": found.goal, "weight": found.weight}
    form = _with_actor(TargetForm(request.POST or None, initial=initial, editing=True), request)
    if request.method == "POST" and form.is_valid():  # noqa: SIM102 - a refusal falls through
        if _service(form, services_setup.target_update, target=found, **form.cleaned_data):
            messages.success(request, "目标分解已保存。")
            return redirect("process_office:setup_target", plan_code=plan_code, target_id=found.id)
    return render(
        request,
        "process/setup_target.html",
        {
            "pp": pp,
            "task": found.task,
            "target": found,
            "form": form,
            "milestones": list(found.milestones.order_by("order")),
            "children": list(found.children.select_related("person").order_by("person__code")),
            "milestone_form": MilestoneForm(initial={"weight": 1.0}),
        },
    )


@allow(OFFICE)
@require_POST
def target_delete(request: HttpRequest, plan_code: str, target_id: int) -> HttpResponse:
    pp = _plan(plan_code)
    found = _target(pp, target_id)
    try:
        services_setup.target_delete(actor=request.user, target=found)  # type: ignore[arg-type]
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
        return redirect("process_office:setup_target", plan_code=plan_code, target_id=target_id)
    messages.success(request, "已删除目标分解。")
    return redirect("process_office:setup_task", plan_code=plan_code, task_id=found.task_id)


# ---------------------------------------------------------------------------------------------
# Milestones


@allow(OFFICE)
def milestone_new(request: HttpRequest, plan_code: str, target_id: int) -> HttpResponse:
    pp = _plan(plan_code)
    found = _target(pp, target_id)
    form = _with_actor(MilestoneForm(request.POST or None, initial={"weight": 1.0}), request)
    if request.method == "POST" and form.is_valid():
        m = _service(form, services.milestone_create, target=found, **form.cleaned_data)
        if m is not None:
            messages.success(request, f"已添加节点“{m.name}”。")
            return redirect("process_office:setup_target", plan_code=plan_code, target_id=found.id)
    return render(
        request,
        "process/setup_milestone.html",
        {"pp": pp, "target": found, "milestone": None, "form": form},
    )


@allow(OFFICE)
def milestone(request: HttpRequest, plan_code: str, milestone_id: int) -> HttpResponse:
    pp = _plan(plan_code)
    found = _milestone(pp, milestone_id)
    initial = {"name": found.name, "due_on": found.due_on, "weight": found.weight}
    form = _with_actor(MilestoneForm(request.POST or None, initial=initial), request)
    if request.method == "POST" and form.is_valid():  # noqa: SIM102 - a refusal falls through
        if _service(form, services_setup.milestone_update, milestone=found, **form.cleaned_data):
            messages.success(request, f"节点“{found.name}”已保存。")
            return redirect(
                "process_office:setup_target", plan_code=plan_code, target_id=found.target_id
            )
    return render(
        request,
        "process/setup_milestone.html",
        {"pp": pp, "target": found.target, "milestone": found, "form": form},
    )


@allow(OFFICE)
@require_POST
def milestone_delete(request: HttpRequest, plan_code: str, milestone_id: int) -> HttpResponse:
    pp = _plan(plan_code)
    found = _milestone(pp, milestone_id)
    try:
        services_setup.milestone_delete(actor=request.user, milestone=found)  # type: ignore[arg-type]
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
        return redirect(
            "process_office:setup_milestone", plan_code=plan_code, milestone_id=found.id
        )
    messages.success(request, f"已删除节点“{found.name}”。")
    return redirect("process_office:setup_target", plan_code=plan_code, target_id=found.target_id)


# ---------------------------------------------------------------------------------------------
# Import of a whole task plan, and its template


@allow(OFFICE)
def import_plan(request: HttpRequest, plan_code: str) -> HttpResponse:
    pp = _plan(plan_code)
    form = ImportForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        uploads = form.cleaned_data["files"]
        if any(u.size > MAX_IMPORT_BYTES for u in uploads):
            form.add_error("files", "文件不能超过 5 MB")
        else:
            try:
                done = plan_import.plan_import(
                    actor=request.user, pp=pp, files=[(u.name, u.read()) for u in uploads]
                )
            except InputError as error:
                problems = [str(p) for p in error.problems]
            else:
                text = (
                    f"已导入 {done.tasks} 项任务、{done.targets} 条目标分解、"
                    f"{done.milestones} 个节点"
                )
                if done.replaced:
                    text += f"，替换了原有的 {done.replaced} 项任务"
                messages.success(request, text + "。")
                return redirect("process_office:setup", plan_code=plan_code)
    return render(
        request,
        "process/setup_import.html",
        {
            "pp": pp,
            "form": form,
            "problems": problems,
            "columns": plan_import.COLUMNS,
            "started": plan_import.started(pp),
        },
    )


@allow(OFFICE)
def import_template(request: HttpRequest, plan_code: str) -> HttpResponse:
    _plan(plan_code)
    response = HttpResponse(
        plan_import.template_xlsx(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = (
        "attachment; filename*=UTF-8''%E4%BB%BB%E5%8A%A1%E8%AE%A1%E5%88%92.xlsx"
    )
    return response


# ---------------------------------------------------------------------------------------------
# A person's post responsibilities and P


@allow(READ_ALL)
def person(request: HttpRequest, plan_code: str, person_code: str) -> HttpResponse:
    """岗位责任: a person's post responsibilities with lights, and the person's P so far (the
    engine scores a person's own milestones and the stage reviews frozen for the person)."""
    pp = _plan(plan_code)
    found = Person.objects.select_related("unit").filter(code=person_code).first()
    if found is None:
        raise Http404("没有这个人员")
    as_of, problem = selectors_web.as_of_of(request, pp)
    unit_ids = sorted(
        set(
            Target.objects.filter(task__process_plan=pp, person=found).values_list(
                "unit_id", flat=True
            )
        )
    )
    rows = [
        row
        for unit_id in unit_ids
        for row in selectors.milestone_rows(pp, as_of, unit_id=unit_id)
        if row.person_id == found.id
    ]
    facts = selectors.assessee_facts(pp, as_of, unit_ids=[], person_ids=[found.id])
    score = selectors.score_of(pp, facts.get(("person", found.id), selectors.Facts()), as_of)
    return render(
        request,
        "process/setup_person.html",
        {
            "pp": pp,
            "person": found,
            "groups": selectors_web.grouped(rows),
            "rows": rows,
            "score": score,
            "styles": selectors.light_styles(pp),
            "as_of": as_of,
            "problem": problem,
        },
    )


# ---------------------------------------------------------------------------------------------
# 整改销号


@allow(READ_ALL)
def rectification(request: HttpRequest, plan_code: str, rectification_id: int) -> HttpResponse:
    """A rectification: what the unit reported; 考核办 confirms it (销号) or reopens it."""
    pp = _plan(plan_code)
    r = (
        Rectification.objects.select_related(
            "explanation", "milestone__target__task", "milestone__target__unit"
        )
        .filter(milestone__target__task__process_plan=pp, pk=rectification_id)
        .first()
    )
    if r is None:
        raise Http404("没有这个整改事项")
    form = _with_actor(RectificationForm(request.POST or None), request)
    if request.method == "POST":
        require(can_edit_plans(request.user))
        if form.is_valid():
            data = form.cleaned_data
            if data["action"] == "confirm":
                done = _service(
                    form, services_setup.rectification_confirm, rectification_id=r.id,
                    note=data["note"],
                )  # fmt: skip
                text = "已销号。"
            else:
                done = _service(
                    form, services_setup.rectification_reopen, rectification_id=r.id,
                    note=data["note"], deadline=data["deadline"],
                )  # fmt: skip
                text = "已退回，单位须在新的期限内重新整改。"
            if done is not None:
                messages.success(request, text)
                unit_url = reverse(
                    "process_office:unit", args=[plan_code, r.milestone.target.unit.code]
                )
                return redirect(f"{unit_url}#milestone-{r.milestone_id}")
    return render(
        request,
        "process/setup_rectification.html",
        {"pp": pp, "r": r, "form": form, "can_decide": can_edit_plans(request.user)},
    )
