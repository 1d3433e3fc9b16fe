"""方案设计 pages (考核办 only): plan list, create and copy, the plan editor (tree, points,
grades, vetoes, 考核主体). Each view checks the rule through kaohe.accounts.policy, edits the
raw document through kaohe.plans.builder and shows the builder's problems at their fields.

A view returns its whole page, or for an HTMX request its partial: the live points check
(``_check`` posted) or the method's parameters (``method`` changed).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import wraps
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from kaohe.accounts.models import Role
from kaohe.accounts.policy import allow, can_edit_plans
from kaohe.plans import builder, forms
from kaohe.plans.builder import BuildFailed, NodeNotFound, Ref
from kaohe.plans.models import Plan
from kaohe.plans.selectors import plan_list as stored_plans
from kaohe.plans.services import EvaluationOpen, plan_compute

Raw = dict[str, Any]


def may_edit_plans(user: Any, **_url: Any) -> bool:
    """The policy's ``can_edit_plans`` for a view's URL (the plan code does not matter)."""
    return can_edit_plans(user)


office_only = allow(Role.OFFICE, check=may_edit_plans)


def _actor(request: HttpRequest) -> str:
    return str(request.user.get_username())


def _raw(plan_code: str) -> Raw:
    """The plan to show or check, without its ballot marks (saving reads the whole plan)."""
    try:
        return builder.plan_raw(plan_code, marks=False)
    except Plan.DoesNotExist as missing:
        raise Http404(_("没有这个考核方案")) from missing


def _node(raw: Raw, ref: Ref) -> dict[str, Any]:
    try:
        return builder.node_at(raw["plan"], ref)
    except NodeNotFound as missing:
        raise Http404(_("没有这个节点")) from missing


def _ref(text: str) -> Ref:
    try:
        return builder.parse_ref(text)
    except NodeNotFound as missing:
        raise Http404(_("没有这个节点")) from missing


def _editor_url(plan_code: str, ref: Ref | None = None) -> str:
    url = reverse("plans:editor", args=[plan_code])
    return f"{url}#n-{builder.ref_text(ref)}" if ref else url


def refused_while_live(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A plan edit refused because an evaluation of the plan is live (open, or holding codes
    or ballots not yet counted: ``refuse_live_evaluations``) shows the reason on the editor;
    ``plan_change`` has written nothing."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except EvaluationOpen as refused:
            messages.error(request, str(refused))
            return redirect(_editor_url(kwargs["plan_code"]))

    return wrapped


# ---------------------------------------------------------------------------------------------
# Plan list, create, copy


@office_only
def plan_list(request: HttpRequest) -> HttpResponse:
    plans = stored_plans()
    return render(
        request,
        "plans/plan_list.html",
        {"plans": plans, "create_form": forms.PlanCreateForm(), "copy_ready": bool(plans)},
    )


@office_only
def plan_create(request: HttpRequest) -> HttpResponse:
    form = forms.PlanCreateForm(request.POST or None)
    others: list[builder.PathProblem] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            plan = builder.plan_create(
                code=data["code"],
                name=data["name"],
                year=forms.value(data["year"]),
                assessees=data["assessees"],
                organization_name=data["organization_name"],
                category_code=data["category_code"],
                category_name=data["category_name"],
                actor=_actor(request),
            )
        except BuildFailed as failed:
            others = forms.attach_problems(form, failed.problems, ("plan",), form.FIELDS)
            others = forms.attach_problems(
                form, others, ("plan", "categories", 0), {"code": "category_code"}
            )
        else:
            messages.success(request, _("已新建方案 %(code)s") % {"code": plan.code})
            return redirect(_editor_url(plan.code))
    return render(request, "plans/plan_create.html", {"form": form, "others": others})


@office_only
def plan_copy(request: HttpRequest) -> HttpResponse:
    plans = stored_plans()
    choices = [(p["code"], f"{p['year']} · {p['name']}") for p in plans]
    initial: dict[str, Any] = {}
    source = request.GET.get("source") or (plans[0]["code"] if plans else "")
    chosen = next((p for p in plans if p["code"] == source), None)
    if chosen is not None:
        year = int(chosen["year"])
        initial = {
            "source": chosen["code"],
            "year": str(year + 1),
            "code": builder.next_year_name(chosen["code"], year),
            "name": builder.next_year_name(chosen["name"], year),
        }
    form = forms.PlanCopyForm(request.POST or None, initial=initial, plans=choices)
    others: list[builder.PathProblem] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            plan = builder.plan_copy(
                source_code=data["source"],
                code=data["code"],
                year=forms.value(data["year"]),
                name=data["name"],
                actor=_actor(request),
            )
        except BuildFailed as failed:
            others = forms.attach_problems(form, failed.problems, ("plan",), form.FIELDS)
        except Plan.DoesNotExist:
            form.add_error("source", _("没有这个考核方案"))
        else:
            messages.success(request, _("已复制为新方案 %(code)s") % {"code": plan.code})
            return redirect(_editor_url(plan.code))
    return render(request, "plans/plan_copy.html", {"form": form, "others": others})


# ---------------------------------------------------------------------------------------------
# The editor


def _tree_rows(plan_raw: Mapping[str, Any]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for ref, node in builder.walk(plan_raw):
        kind = builder.node_kind(ref)
        siblings = builder.node_at(plan_raw, ref[:-1])[builder.children_key(ref[:-1])]
        method = node.get("method")
        rows.append(
            {
                "ref": builder.ref_text(ref),
                "ref_tuple": ref,
                "kind": kind,
                "depth": len(ref) - 1,
                "code": node.get("code", ""),
                "name": node.get("name", ""),
                "points": node.get("full_score", 100) if kind == "category" else node.get("points"),
                "method": forms.METHOD_LABELS.get(method, method) if method else "",
                "params": _params_summary(node),
                "assessor": node.get("assessor") or "",
                "source": node.get("source") or ("evaluation" if "evaluation" in node else ""),
                "evaluation": node.get("evaluation") or "",
                "can_add": kind == "category"
                or (kind == "section" and "indicators" in node)
                or kind == "indicator",
                "first": ref[-1] == 0,
                "last": ref[-1] == len(siblings) - 1,
                "parent": kind == "indicator" and "indicators" in node,
            }
        )
    return rows


def _params_summary(node: Mapping[str, Any]) -> str:
    method = node.get("method")
    if method is None:
        return ""
    parts = []
    for key in forms.METHOD_PARAMS.get(str(method), ()):
        if key not in node:
            continue
        shown = node[key]
        if key == "tiers":
            shown = forms.tiers_text(shown).replace("\n", str(pgettext("separator", "；")))
        elif key == "grades":
            shown = pgettext("separator", "，").join(f"{k}={v}" for k, v in node[key].items())
        parts.append(f"{key}: {shown}")
    return pgettext("separator", "；").join(parts)


def _points_context(
    plan_raw: Mapping[str, Any], problems: list[builder.PathProblem], focus: Ref = ()
) -> dict[str, Any]:
    """The points check; ``focus`` (a category) keeps only that category's sums."""
    groups = [g for g in builder.points_report(plan_raw, problems) if g.ref[: len(focus)] == focus]
    group_paths = {(*builder.node_path(g.ref), builder.children_key(g.ref)) for g in groups}
    return {
        "groups": groups,
        "all_ok": all(g.ok for g in groups) and not problems,
        "plan_problems": [p for p in problems if p.path not in group_paths],
    }


@office_only
def editor(request: HttpRequest, plan_code: str) -> HttpResponse:
    raw = _raw(plan_code)
    plan_raw = raw["plan"]
    context = {
        "plan": plan_raw,
        "plan_code": plan_code,
        "rows": _tree_rows(plan_raw),
        "categories": [
            (i, c.get("code"), c.get("name")) for i, c in enumerate(plan_raw["categories"])
        ],
        "vetoes": plan_raw.get("vetoes") or [],
        "effects": forms.EFFECT_LABELS,
        **_points_context(plan_raw, builder.check_plan(plan_raw)),
    }
    return render(request, "plans/editor.html", context)


@office_only
@require_POST
def compute(request: HttpRequest, plan_code: str) -> HttpResponse:
    """Score the stored plan now (计算) and show its ranking."""
    try:
        plan_compute(plan_code=plan_code, actor=_actor(request))
    except Plan.DoesNotExist as missing:
        raise Http404(_("没有这个考核方案")) from missing
    except EvaluationOpen as refused:
        messages.error(request, str(refused))
        return redirect(_editor_url(plan_code))
    messages.success(request, _("已计算，排名和等次已更新（如需公开，请重新公布）。"))
    return redirect("results:ranking", plan_code=plan_code)


@office_only
@refused_while_live
@require_POST
def points(request: HttpRequest, plan_code: str) -> HttpResponse:
    """The points table: live check (HTMX, ``_check``) or save all points at once."""
    raw = _raw(plan_code)
    try:
        typed = forms.posted_points(request.POST)
        if request.htmx and "_check" in request.POST:
            proposed = builder.preview(raw, lambda r: builder.set_points(r, typed))
            problems = builder.check_plan(proposed["plan"])
            return render(
                request, "plans/_points_check.html", _points_context(proposed["plan"], problems)
            )
        builder.plan_change(
            plan_code=plan_code,
            change=lambda r: builder.set_points(r, typed),
            actor=_actor(request),
            action="points",
        )
    except NodeNotFound as missing:
        raise Http404(_("没有这个节点")) from missing
    except BuildFailed as failed:
        for problem in failed.problems:
            messages.error(request, f"{problem.where}：{problem.message}")
        return redirect(_editor_url(plan_code))
    messages.success(request, _("分值已保存"))
    return redirect(_editor_url(plan_code))


@office_only
@refused_while_live
def settings(request: HttpRequest, plan_code: str) -> HttpResponse:
    raw = _raw(plan_code)
    plan_raw = raw["plan"]
    initial = {key: _shown(plan_raw.get(key)) for key in forms.PlanSettingsForm.FIELDS}
    form = forms.PlanSettingsForm(request.POST or None, initial=initial)
    others: list[builder.PathProblem] = []
    if request.method == "POST" and form.is_valid():
        fields = {key: forms.value(form.cleaned_data[key]) for key in form.FIELDS}

        def change(r: Raw) -> None:
            for key, typed in fields.items():
                if typed is None:
                    r["plan"].pop(key, None)
                else:
                    r["plan"][key] = typed

        try:
            builder.plan_change(
                plan_code=plan_code, change=change, actor=_actor(request), action="settings"
            )
        except BuildFailed as failed:
            others = forms.attach_problems(form, failed.problems, ("plan",), form.FIELDS)
        else:
            messages.success(request, _("方案设置已保存"))
            return redirect(_editor_url(plan_code))
    return render(
        request,
        "plans/settings.html",
        {"form": form, "others": others, "plan": plan_raw, "plan_code": plan_code},
    )


@office_only
@refused_while_live
def members(request: HttpRequest, plan_code: str) -> HttpResponse:
    """考核对象: which units (or people) the plan assesses, and in which category."""
    raw = _raw(plan_code)
    kind = builder.member_kind(raw)
    categories = [(c.get("code"), c.get("name")) for c in raw["plan"]["categories"]]
    rows = list(raw["organization"].get(kind) or [])
    others: list[builder.PathProblem] = []
    if request.method == "POST":
        chosen = {str(row["code"]): request.POST.get(f"cat-{row['code']}") or None for row in rows}
        try:
            changed = builder.plan_change(
                plan_code=plan_code,
                change=lambda r: builder.set_members(r, chosen),
                actor=_actor(request),
                action="members",
            )
        except BuildFailed as failed:
            others = failed.problems
            for row in rows:  # show what was posted, next to the problems it caused
                row["category"] = chosen[str(row["code"])]
        else:
            messages.success(request, _("考核对象已保存（%(n)s 处变动）") % {"n": changed})
            return redirect(_editor_url(plan_code))
    counts = {code: 0 for code, _name in categories}
    for row in rows:
        if row.get("category") in counts:
            counts[row["category"]] += 1
    return render(
        request,
        "plans/members.html",
        {
            "plan": raw["plan"],
            "plan_code": plan_code,
            "kind": kind,
            "rows": rows,
            "categories": [(code, name, counts[code]) for code, name in categories],
            "others": others,
        },
    )


def _shown(value: Any) -> str:
    return "" if value is None else str(value)


# ---------------------------------------------------------------------------------------------
# Nodes: add, edit, delete, move


def _node_form(kind: str, data: Any, initial: Mapping[str, Any], raw: Raw) -> Any:
    if kind == "category":
        return forms.CategoryForm(data, initial=initial)
    if kind == "section":
        evaluations = [
            (str(e.get("code")), f"{e.get('code')} {e.get('name', '')}")
            for e in raw.get("evaluations") or []
            if e.get("kind") != "worst"
        ]
        return forms.SectionForm(data, initial=initial, evaluations=evaluations)
    return forms.IndicatorForm(data, initial=initial)


def _initial(kind: str, node: Mapping[str, Any]) -> dict[str, Any]:
    initial = {key: _shown(val) for key, val in node.items() if not isinstance(val, list | dict)}
    if kind == "category":
        initial["tiebreak"] = " ".join(str(c) for c in node.get("tiebreak") or [])
    elif kind == "section":
        initial["source"] = (
            "process"
            if node.get("source") == "process"
            else "evaluation"
            if "evaluation" in node
            else "indicators"
        )
    else:
        initial["tiers"] = forms.tiers_text(node.get("tiers"))
        initial["grades"] = forms.grades_text(node.get("grades"))
        initial.setdefault("method", "ratio")
        initial.setdefault("direction", "higher")
    return initial


def _points_table(
    plan_raw: Mapping[str, Any], parent: Ref, posted: Mapping[str, Any]
) -> list[dict[str, Any]]:
    """The points edited together with a node: every category's full score for a category,
    else every node of its category (a sum that no longer adds up is fixed in the same save)."""
    if parent == ():
        rows = [((i,), c) for i, c in enumerate(plan_raw.get("categories") or [])]
    else:
        rows = [(ref, node) for ref, node in builder.walk(plan_raw) if ref[0] == parent[0]]
    return [
        {
            "ref": builder.ref_text(ref),
            "depth": len(ref) - 1,
            "code": node.get("code", ""),
            "name": node.get("name", ""),
            "points": _shown(
                posted.get(f"pts-{builder.ref_text(ref)}")
                if f"pts-{builder.ref_text(ref)}" in posted
                else node.get("full_score", 100)
                if len(ref) == 1
                else node.get("points")
            ),
        }
        for ref, node in rows
        if isinstance(node, Mapping) and (len(ref) == 1 or "points" in node)
    ]


def _node_page(
    request: HttpRequest,
    plan_code: str,
    *,
    raw: Raw,
    kind: str,
    parent: Ref,
    ref: Ref | None,
    node: Mapping[str, Any],
) -> HttpResponse:
    """The add / edit form of a category, section or indicator (shared by both views)."""
    is_parent = kind == "indicator" and isinstance(node.get("indicators"), list)
    if request.htmx and request.method == "GET" and "method" in request.GET:
        form = forms.IndicatorForm(initial={**_initial(kind, node), **request.GET.dict()})
        return render(
            request, "plans/_method_params.html", _params_context(form, request.GET["method"])
        )
    form = _node_form(kind, request.POST or None, _initial(kind, node), raw)
    adding = ref is None
    focus = (ref or parent)[:1]
    others: list[builder.PathProblem] = []
    check: dict[str, Any] | None = None
    if request.method == "POST" and form.is_valid():
        typed = forms.posted_points(request.POST)
        if kind == "section":
            fields = form.raw_fields(adding=adding)
        elif kind == "indicator":
            fields = form.raw_fields(parent=is_parent)
        else:
            fields = form.raw_fields()
        new_ref: list[Ref] = []

        def change(r: Raw) -> None:
            builder.set_points(r, typed)
            if adding:
                new_ref.append(builder.add_node(r, parent, fields))
            else:
                assert ref is not None
                builder.update_node(r, ref, fields)

        try:
            if request.htmx and "_check" in request.POST:
                proposed = builder.preview(raw, change)
                problems = builder.check_plan(proposed["plan"])
                return render(
                    request,
                    "plans/_points_check.html",
                    _points_context(proposed["plan"], problems, focus),
                )
            builder.plan_change(
                plan_code=plan_code,
                change=change,
                actor=_actor(request),
                action=f"{kind}_{'add' if adding else 'edit'}",
                detail={"node": builder.ref_text(ref or parent), "code": fields.get("code")},
            )
        except NodeNotFound as missing:
            raise Http404(_("没有这个节点")) from missing
        except BuildFailed as failed:
            owner = raw["plan"] if parent == () else builder.node_at(raw["plan"], parent)
            count = len(owner.get(builder.children_key(parent)) or [])
            target = (*parent, count) if adding else ref
            assert target is not None
            base = builder.node_path(target)
            others = forms.attach_problems(form, failed.problems, base, form.FIELDS)
            proposed = builder.preview(raw, change)
            check = _points_context(proposed["plan"], builder.check_plan(proposed["plan"]), focus)
            # Those shown at their fields are not listed again beside the form.
            check["plan_problems"] = [
                p for p in check["plan_problems"] if p.path[: len(base)] != base
            ]
        else:
            messages.success(request, _("已保存 %(code)s") % {"code": fields.get("code") or ""})
            return redirect(_editor_url(plan_code, new_ref[0] if new_ref else ref))
    if check is None:
        check = _points_context(raw["plan"], builder.check_plan(raw["plan"]), focus)
    method = (form.data.get("method") if form.is_bound else None) or form.initial.get("method")
    context = {
        "plan_code": plan_code,
        "plan": raw["plan"],
        "kind": kind,
        "adding": adding,
        "is_parent": is_parent,
        "form": form,
        "others": others,
        "siblings": [
            row
            for row in _points_table(raw["plan"], parent, request.POST)
            if ref is None or row["ref"] != builder.ref_text(ref)
        ],
        "parent_node": None if parent == () else builder.node_at(raw["plan"], parent),
        "node_ref": builder.ref_text(ref) if ref is not None else "",
        "parent_ref": builder.ref_text(parent),
        **check,
        **_params_context(form, method),
    }
    return render(request, "plans/node_form.html", context)


def _params_context(form: Any, method: str | None) -> dict[str, Any]:
    shown = forms.METHOD_PARAMS.get(method or "", ())
    return {"param_fields": [form[name] for name in shown], "method_value": method}


@office_only
@refused_while_live
def node_add(request: HttpRequest, plan_code: str) -> HttpResponse:
    """Add a category (no ``parent``), a section (``parent`` a category) or an indicator."""
    raw = _raw(plan_code)
    parent = _ref(request.GET.get("parent", request.POST.get("parent", "")))
    if parent:
        owner = _node(raw, parent)
        if len(parent) == 2 and not isinstance(owner.get("indicators"), list):
            raise Http404(_("此一级指标的得分来自日常考核或测评，不能添加指标"))
    kind = builder.node_kind((*parent, 0))
    return _node_page(request, plan_code, raw=raw, kind=kind, parent=parent, ref=None, node={})


@office_only
@refused_while_live
def node_edit(request: HttpRequest, plan_code: str, ref: str) -> HttpResponse:
    raw = _raw(plan_code)
    node_ref = _ref(ref)
    if not node_ref:
        raise Http404(_("没有这个节点"))
    node = _node(raw, node_ref)
    return _node_page(
        request,
        plan_code,
        raw=raw,
        kind=builder.node_kind(node_ref),
        parent=node_ref[:-1],
        ref=node_ref,
        node=node,
    )


@office_only
@refused_while_live
def node_delete(request: HttpRequest, plan_code: str, ref: str) -> HttpResponse:
    raw = _raw(plan_code)
    node_ref = _ref(ref)
    if not node_ref:
        raise Http404(_("没有这个节点"))
    node = _node(raw, node_ref)
    others: list[builder.PathProblem] = []
    parent = node_ref[:-1]
    if request.method == "POST":
        typed = forms.posted_points(request.POST)

        def change(r: Raw) -> int:
            builder.set_points(r, typed)
            return builder.delete_node(r, node_ref)

        try:
            if request.htmx and "_check" in request.POST:
                proposed = builder.preview(raw, change)
                problems = builder.check_plan(proposed["plan"])
                return render(
                    request,
                    "plans/_points_check.html",
                    _points_context(proposed["plan"], problems),
                )
            removed = builder.plan_change(
                plan_code=plan_code,
                change=change,
                actor=_actor(request),
                action=f"{builder.node_kind(node_ref)}_delete",
                detail={"node": ref, "code": node.get("code")},
            )
        except BuildFailed as failed:
            others = failed.problems
        else:
            messages.success(
                request,
                _("已删除 %(code)s（同时删除指标值 %(n)d 条）")
                % {"code": node.get("code", ""), "n": removed},
            )
            return redirect(_editor_url(plan_code, parent or None))
    counted = builder.preview(raw, lambda r: None)
    counted["data"] = {"values": list((raw.get("data") or {}).get("values") or [])}
    values = builder.delete_node(counted, node_ref) if len(node_ref) >= 2 else 0
    context = {
        "plan_code": plan_code,
        "plan": raw["plan"],
        "node": node,
        "kind": builder.node_kind(node_ref),
        "node_ref": ref,
        "values": values,
        "others": others,
        "siblings": [
            row
            for row in _points_table(raw["plan"], parent, request.POST)
            if row["ref"] != ref and not row["ref"].startswith(f"{ref}.")
        ],
        "parent_node": None if parent == () else builder.node_at(raw["plan"], parent),
        **_points_context(raw["plan"], builder.check_plan(raw["plan"])),
    }
    return render(request, "plans/node_delete.html", context)


@office_only
@refused_while_live
@require_POST
def node_move(request: HttpRequest, plan_code: str, ref: str) -> HttpResponse:
    node_ref = _ref(ref)
    offset = -1 if request.POST.get("direction") == "up" else 1
    if not node_ref:
        raise Http404(_("没有这个节点"))
    try:
        moved = builder.plan_change(
            plan_code=plan_code,
            change=lambda r: builder.move_node(r, node_ref, offset),
            actor=_actor(request),
            action="move",
            detail={"node": ref, "offset": offset},
        )
    except Plan.DoesNotExist as missing:
        raise Http404(_("没有这个考核方案")) from missing
    except NodeNotFound as missing:
        raise Http404(_("没有这个节点")) from missing
    except BuildFailed as failed:
        for problem in failed.problems:
            messages.error(request, f"{problem.where}：{problem.message}")
        moved = node_ref
    return redirect(_editor_url(plan_code, moved))


# ---------------------------------------------------------------------------------------------
# Grades, vetoes, assessors


def _table_page(
    request: HttpRequest,
    plan_code: str,
    *,
    template: str,
    base: tuple[str | int, ...],
    rows_of: Callable[[Raw], list[dict[str, str]]],
    change_of: Callable[[list[dict[str, str]]], Callable[[Raw], object]],
    action: str,
    saved: str,
    extra: Callable[[Raw], dict[str, Any]],
) -> HttpResponse:
    raw = _raw(plan_code)
    rows = rows_of(raw)
    problems: dict[int, list[str]] = {}
    others: list[builder.PathProblem] = []
    if request.method == "POST":
        rows = forms.posted_rows(request.POST, *(rows[0].keys() if rows else ()))
        try:
            builder.plan_change(
                plan_code=plan_code,
                change=change_of(rows),
                actor=_actor(request),
                action=action,
            )
        except NodeNotFound as missing:
            raise Http404(_("没有这个节点")) from missing
        except BuildFailed as failed:
            for problem in failed.problems:
                path = problem.path
                if path[: len(base)] == base and len(path) > len(base):
                    problems.setdefault(int(path[len(base)]), []).append(problem.message)
                else:
                    others.append(problem)
        else:
            messages.success(request, saved)
            return redirect(_editor_url(plan_code))
    table = [{**row, "problems": problems.get(i, [])} for i, row in enumerate(rows)]
    return render(
        request,
        template,
        {
            "plan_code": plan_code,
            "plan": raw["plan"],
            "rows": table,
            "others": others,
            "blank_rows": range(3),
            **extra(raw),
        },
    )


def _category(raw: Raw, index: int) -> dict[str, Any]:
    return _node(raw, (index,))


@office_only
@refused_while_live
def grades(request: HttpRequest, plan_code: str, index: int) -> HttpResponse:
    """等次 and 名额: name, quota (% of the category), min_score; the last takes the rest."""
    names = ("name", "quota", "min_score")

    def rows_of(raw: Raw) -> list[dict[str, str]]:
        return [
            {key: _shown(grade.get(key)) for key in names}
            for grade in _category(raw, index).get("grades") or []
        ] or [dict.fromkeys(names, "")]

    def change_of(rows: list[dict[str, str]]) -> Callable[[Raw], object]:
        def change(r: Raw) -> None:
            _category(r, index)["grades"] = [
                {key: cell for key, cell in row.items() if cell} for row in rows
            ]

        return change

    return _table_page(
        request,
        plan_code,
        template="plans/grades.html",
        base=(*builder.node_path((index,)), "grades"),
        rows_of=rows_of,
        change_of=change_of,
        action="grades",
        saved=_("等次和名额已保存"),
        extra=lambda raw: {"category": _category(raw, index), "index": index},
    )


@office_only
@refused_while_live
def vetoes(request: HttpRequest, plan_code: str) -> HttpResponse:
    """一票否决 items and their effect."""

    def rows_of(raw: Raw) -> list[dict[str, str]]:
        return [
            {"item": _shown(v.get("item")), "effect": _shown(v.get("effect"))}
            for v in raw["plan"].get("vetoes") or []
        ] or [{"item": "", "effect": ""}]

    def change_of(rows: list[dict[str, str]]) -> Callable[[Raw], object]:
        def change(r: Raw) -> None:
            r["plan"]["vetoes"] = [{key: cell for key, cell in row.items() if cell} for row in rows]

        return change

    return _table_page(
        request,
        plan_code,
        template="plans/vetoes.html",
        base=("plan", "vetoes"),
        rows_of=rows_of,
        change_of=change_of,
        action="vetoes",
        saved=_("一票否决事项已保存"),
        extra=lambda raw: {"effects": forms.EFFECT_LABELS},
    )


@office_only
@refused_while_live
def assessors(request: HttpRequest, plan_code: str, index: int) -> HttpResponse:
    """考核主体 of every indicator of a category, and the category's default for the rest."""
    raw = _raw(plan_code)
    category = _category(raw, index)
    rows = [
        {"ref": builder.ref_text(ref), "depth": len(ref) - 3, **node}
        for ref, node in builder.walk(raw["plan"])
        if len(ref) >= 3 and ref[0] == index
    ]
    others: list[builder.PathProblem] = []
    if request.method == "POST":
        default = request.POST.get("default", "").strip()
        overwrite = request.POST.get("overwrite") == "1"
        typed = {
            builder.parse_ref(key[3:]): value.strip()
            for key, value in request.POST.items()
            if key.startswith("as-")
        }

        def change(r: Raw) -> int:
            for ref, typed_assessor in typed.items():
                node = builder.node_at(r["plan"], ref)
                if typed_assessor:
                    node["assessor"] = typed_assessor
                else:
                    node.pop("assessor", None)
            if default:
                return builder.set_category_assessor(r, (index,), default, overwrite=overwrite)
            return 0

        try:
            builder.plan_change(
                plan_code=plan_code,
                change=change,
                actor=_actor(request),
                action="assessors",
                detail={"category": category.get("code"), "default": default},
            )
        except NodeNotFound as missing:
            raise Http404(_("没有这个节点")) from missing
        except BuildFailed as failed:
            others = failed.problems
        else:
            messages.success(request, _("考核主体已保存"))
            return redirect(_editor_url(plan_code))
    return render(
        request,
        "plans/assessors.html",
        {
            "plan_code": plan_code,
            "plan": raw["plan"],
            "category": category,
            "index": index,
            "rows": rows,
            "others": others,
        },
    )
