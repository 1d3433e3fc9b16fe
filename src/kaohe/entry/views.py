"""Data entry pages (数据录入): entry points only — check the rule, call a selector or a
service, render. One view answers both the full page and its HTMX partial (``request.htmx``).

Access (kaohe.accounts.policy): 考核办 enters everything; an assessor body only its own
indicators (``can_enter_values``) and events on the assessees of its categories
(``can_enter_events``); 监督 reads everything and writes nothing; units and the public see
none of it.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kaohe.accounts.models import Role
from kaohe.accounts.policy import (
    allow,
    can_enter_events,
    can_enter_values,
    can_view_entries,
    require,
    role_of,
)
from kaohe.entry import selectors, services
from kaohe.entry.forms import EventForm, UploadForm
from kaohe.errors import InputError
from kaohe.plans.models import Event, Plan
from kaohe.web.evidence import evidence_download

ENTERERS = frozenset({Role.OFFICE, Role.ASSESSOR})
VIEWERS = ENTERERS | {Role.SUPERVISOR}
ROW_PREFIX = "v:"  # grid inputs are named v:<assessee code>


@allow(VIEWERS)
def indicators(request: HttpRequest) -> HttpResponse:
    """我的指标: the indicators the account enters, per plan, with completeness."""
    return render(
        request,
        "entry/indicators.html",
        {"plans": selectors.my_indicators(request.user), "can_enter": _enters(request)},
    )


@allow(VIEWERS, check=can_view_entries)
def grid(request: HttpRequest, plan_code: str, indicator_code: str) -> HttpResponse:
    """The grid of one indicator; POST saves every row at once, or nothing."""
    entered: dict[str, str] = {}
    problems: dict[str, list[str]] = {}
    saved: services.SaveResult | None = None
    if request.method == "POST":
        require(can_enter_values(request.user, plan_code, indicator_code))
        entered = {
            key.removeprefix(ROW_PREFIX): value
            for key, value in request.POST.items()
            if key.startswith(ROW_PREFIX)
        }
        try:
            saved = services.values_save(
                plan_code=plan_code, indicator=indicator_code, rows=entered, actor=request.user
            )
        except Plan.DoesNotExist as missing:
            raise Http404(_("没有这个考核方案")) from missing
        except InputError as error:
            for problem in error.problems:
                problems.setdefault(problem.where, []).append(problem.message)
        else:
            entered = {}
            if not request.htmx:
                messages.success(request, _saved_text(saved))
                return redirect(request.path)
    try:
        data = selectors.grid(
            plan_code, indicator_code, request.user, entered=entered, problems=problems
        )
    except Plan.DoesNotExist as missing:
        raise Http404(_("没有这个考核方案")) from missing
    if data is None:
        raise Http404(_("没有这个可填报的指标"))
    data["can_enter"] = can_enter_values(request.user, plan_code, indicator_code)
    data["saved"] = _saved_text(saved) if saved is not None else ""
    codes = {row["code"] for row in data["rows"]}
    data["stray"] = [
        text for code, found in problems.items() if code not in codes for text in found
    ]
    template = "entry/_grid.html" if request.htmx else "entry/grid.html"
    return render(request, template, data)


@allow(ENTERERS, check=selectors.can_enter_plan)
def upload(request: HttpRequest, plan_code: str) -> HttpResponse:
    """Upload the 指标值 sheet (or values.csv): all rows, or none."""
    problems: list[str] = []
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data["file"]
        with tempfile.TemporaryDirectory(prefix="kaohe-upload-") as folder:
            # The reader names the file in every message: keep the name the user knows.
            target = Path(folder) / (Path(uploaded.name).name or "upload")
            with target.open("wb") as out:
                for chunk in uploaded.chunks():
                    out.write(chunk)
            try:
                saved = services.values_import(plan_code=plan_code, path=target, actor=request.user)
            except Plan.DoesNotExist as missing:
                raise Http404(_("没有这个考核方案")) from missing
            except InputError as error:
                problems = [str(problem).replace(f"{folder}/", "") for problem in error.problems]
            else:
                messages.success(request, _saved_text(saved))
                return redirect("entry:indicators")
    plan = Plan.objects.filter(code=plan_code).values("code", "name", "year").first()
    if plan is None:
        raise Http404(_("没有这个考核方案"))
    return render(request, "entry/upload.html", {"plan": plan, "form": form, "problems": problems})


@allow(VIEWERS, check=selectors.can_open_plan_entry)
def events(request: HttpRequest, plan_code: str) -> HttpResponse:
    """The plan's events and, for those who may record them, the form to add one."""
    try:
        data = selectors.events_page(plan_code, request.user)
    except Plan.DoesNotExist as missing:
        raise Http404(_("没有这个考核方案")) from missing
    form = EventForm(
        request.POST or None,
        request.FILES or None,
        assessees=data["assessees"],
        vetoes=data["vetoes"],
    )
    if request.method == "POST":
        require(_enters(request))
        # The policy decides for the assessee named, before the form looks at anything.
        # (None chosen: the form says so.)
        assessee = request.POST.get("assessee", "")
        if assessee:
            require(can_enter_events(request.user, plan_code, assessee))
        if form.is_valid():
            values = form.cleaned_data
            try:
                services.event_add(
                    plan_code=plan_code,
                    assessee=values["assessee"],
                    type=values["type"],
                    points=values["points"],
                    item=values["item"],
                    reason=values["reason"],
                    evidence=values["evidence"],
                    actor=request.user,
                )
            except InputError as error:
                form.add_problems(error)
            else:
                messages.success(request, _("已录入。该方案的计算结果已失效，需重新计算。"))
                return redirect("entry:events", plan_code=plan_code)
    data["form"] = form
    data["can_enter"] = _enters(request) and bool(data["assessees"])
    return render(request, "entry/events.html", data)


@allow(ENTERERS, check=selectors.can_delete_event)
@require_POST
def event_delete(request: HttpRequest, plan_code: str, event_id: int) -> HttpResponse:
    try:
        services.event_delete(plan_code=plan_code, event_id=event_id, actor=request.user)
    except Event.DoesNotExist as missing:
        raise Http404(_("没有这条记录")) from missing
    messages.success(request, _("已删除。该方案的计算结果已失效，需重新计算。"))
    return redirect("entry:events", plan_code=plan_code)


@allow(VIEWERS, check=selectors.can_view_evidence)
def evidence(request: HttpRequest, plan_code: str, event_id: int) -> HttpResponse:
    """Download an event's evidence file (never served as a public static file)."""
    record = selectors.evidence_record(plan_code, event_id)
    if record is None:
        raise Http404(_("没有佐证材料"))
    return evidence_download(record.evidence_path, record.evidence_name)


def _enters(request: HttpRequest) -> bool:
    return role_of(request.user) in ENTERERS


def _saved_text(saved: services.SaveResult) -> str:
    if not saved.changed:
        return _("没有改动。")
    return _(
        "已保存：写入 %(written)d 个值，清除 %(cleared)d 个值。该方案的计算结果已失效，需重新计算。"
    ) % {"written": saved.written, "cleared": saved.cleared}
