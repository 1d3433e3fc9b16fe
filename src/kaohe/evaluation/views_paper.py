"""纸质票录入 pages (/paper/): the clerks' keyboard entry of paper ballots, double-entry
comparison, commit, and import of a CSV/Excel file. Entry points only: check the rule, call
``paper`` / ``paper_import`` (writes) or ``paper_selectors`` (reads), render.

Clerks are office accounts (考核办): paper ballots become part of the count, which only the
office runs. The supervisor does not see typed ballots one by one (docs/paper-ballots.md).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from kaohe.accounts.models import Role
from kaohe.accounts.policy import allow
from kaohe.errors import InputError
from kaohe.evaluation import paper, paper_import, paper_selectors
from kaohe.evaluation.models import Evaluation, PaperBatch, PaperEntry, RaterGroup

CLERKS = frozenset({Role.OFFICE})
MAX_UPLOAD = 20 * 1024 * 1024


class UploadForm(forms.Form):
    file = forms.FileField(
        label="文件",
        help_text="测评票 CSV（group,ballot,assessee,option）或 Excel 工作簿的「测评票」工作表",
    )

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in (".csv", ".xlsx"):
            raise forms.ValidationError("只能上传 .csv 或 .xlsx 文件")
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError("文件过大（最大 20 MB）")
        return upload


def _problems(error: InputError) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for problem in error.problems:
        found.setdefault(problem.where, []).append(problem.message)
    return found


def _batch(batch_id: int) -> PaperBatch:
    return get_object_or_404(
        PaperBatch.objects.select_related("evaluation__plan", "group"), pk=batch_id
    )


@allow(CLERKS)
def home(request: HttpRequest) -> HttpResponse:
    """纸质票录入: the evaluations open to entry, their batches, and starting a batch."""
    return render(request, "evaluation/paper_home.html", {"evaluations": paper_selectors.home()})


@allow(CLERKS)
@require_POST
def batch_new(request: HttpRequest) -> HttpResponse:
    """Start a batch for the group chosen (single or double entry)."""
    group_id = request.POST.get("group", "")
    group = (
        RaterGroup.objects.select_related("evaluation").filter(pk=group_id).first()
        if group_id.isdigit()
        else None
    )
    if group is None:
        messages.error(request, "请选择测评主体")
        return redirect("evaluation_paper:home")
    try:
        batch = paper.batch_create(
            group=group, double_entry=request.POST.get("double_entry") == "on", actor=request.user
        )
    except InputError as error:
        messages.error(request, "；".join(p.message for p in error.problems))
        return redirect("evaluation_paper:home")
    return redirect("evaluation_paper:batch", batch_id=batch.pk)


@allow(CLERKS)
def batch(request: HttpRequest, batch_id: int) -> HttpResponse:
    """The keyboard grid of one batch; POST saves one ballot and answers with the next."""
    record = _batch(batch_id)
    notice: tuple[str, str] | None = None
    values: dict[str, str] = {}
    problems: dict[str, list[str]] = {}
    serial = ""
    replace: int | None = None
    if request.method == "POST":
        values = {k: v for k, v in request.POST.items() if k.startswith("k") or k == "picks"}
        serial = request.POST.get(paper.SERIAL_FIELD, "")
        raw = request.POST.get("replace", "")
        replace = int(raw) if raw.isdigit() else None
        try:
            saved = paper.entry_save(
                batch_id=record.pk,
                clerk=request.user,
                serial=serial,
                keys=values,
                replace=replace,
            )
        except InputError as error:
            problems = _problems(error)
            notice = ("error", "本票没有保存：请改正标出的项，再按 Enter 保存")
        else:
            text = f"已保存票号 {saved.entry.serial}"
            if saved.void:
                notice = ("warning", f"{text}。注意：这是废票（{saved.void}），将按废票计入")
            else:
                notice = ("ok", text)
            if not request.htmx:
                getattr(messages, "warning" if saved.void else "success")(request, notice[1])
                return redirect("evaluation_paper:batch", batch_id=record.pk)
            values, serial, replace = {}, "", None
    elif request.GET.get("edit", "").isdigit():
        entry = PaperEntry.objects.filter(
            pk=int(request.GET["edit"]), batch=record, clerk_id=request.user.pk
        ).first()
        if entry is None:
            raise Http404("没有这条录入")
        replace, serial = entry.pk, entry.serial
    data = paper_selectors.batch_page(record, request.user)
    form = data["form"]
    if replace is not None and not values and request.method == "GET":
        values = paper_selectors.keys_of(form, PaperEntry.objects.get(pk=replace).marks)
    data["grid"] = paper_selectors.grid(
        form, values, problems, serial=serial or (data["next_serial"] if not problems else "")
    )
    data["replace"] = replace
    data["notice"] = notice
    template = "evaluation/_paper_grid.html" if request.htmx else "evaluation/paper_batch.html"
    return render(request, template, data)


@allow(CLERKS)
@require_POST
def entry_delete(request: HttpRequest, batch_id: int, entry_id: int) -> HttpResponse:
    record = _batch(batch_id)
    try:
        paper.entry_delete(batch_id=record.pk, entry_id=entry_id, clerk=request.user)
    except InputError as error:
        messages.error(request, "；".join(p.message for p in error.problems))
    else:
        messages.success(request, "已删除该录入")
    return redirect("evaluation_paper:batch", batch_id=record.pk)


@allow(CLERKS)
def compare(request: HttpRequest, batch_id: int) -> HttpResponse:
    """两次录入核对: where the rounds differ, by serial and assessee."""
    record = _batch(batch_id)
    if not record.double_entry:
        raise Http404("该批次为单人录入，无需核对")
    form = paper_selectors.batch_page(record, request.user)["form"]
    names = form.names()
    # The clerk's own entries: a difference links to the entry to correct in their round.
    mine = dict(
        PaperEntry.objects.filter(batch=record, clerk_id=request.user.pk).values_list(
            "serial", "pk"
        )
    )
    differences = [
        {
            "serial": d.serial,
            "assessee": names.get(d.assessee, d.assessee) if d.assessee else "",
            "code": d.assessee or "",
            "first": d.first,
            "second": d.second,
            "edit": mine.get(d.serial),
        }
        for d in paper.batch_compare(record)
    ]
    return render(
        request,
        "evaluation/paper_compare.html",
        {
            "batch": record,
            "evaluation": record.evaluation,
            "differences": differences,
            "counts": {n: PaperEntry.objects.filter(batch=record, round=n).count() for n in (1, 2)},
            "open": record.state == PaperBatch.State.ENTERING,
        },
    )


@allow(CLERKS)
@require_POST
def commit(request: HttpRequest, batch_id: int) -> HttpResponse:
    """入库: the batch's ballots join the count (double entry: only when both rounds agree)."""
    record = _batch(batch_id)
    try:
        done = paper.batch_commit(batch_id=record.pk, actor=request.user)
    except InputError as error:
        messages.error(request, "；".join(p.message for p in error.problems))
        if record.double_entry:
            return redirect("evaluation_paper:compare", batch_id=record.pk)
        return redirect("evaluation_paper:batch", batch_id=record.pk)
    messages.success(
        request,
        f"第 {record.number} 批已入库：{done.ballots} 张票，其中废票 {done.void} 张、"
        f"空白票 {done.blank} 张",
    )
    return redirect("evaluation_paper:home")


@allow(CLERKS)
@require_POST
def batch_delete(request: HttpRequest, batch_id: int) -> HttpResponse:
    record = _batch(batch_id)
    try:
        paper.batch_delete(batch_id=record.pk, actor=request.user)
    except InputError as error:
        messages.error(request, "；".join(p.message for p in error.problems))
        return redirect("evaluation_paper:batch", batch_id=record.pk)
    messages.success(request, f"已删除第 {record.number} 批及其录入")
    return redirect("evaluation_paper:home")


@allow(CLERKS)
def upload(request: HttpRequest, plan_code: str, evaluation_code: str) -> HttpResponse:
    """Import a file of paper ballots into one evaluation: all of it, or nothing."""
    evaluation = get_object_or_404(
        Evaluation.objects.select_related("plan"), plan__code=plan_code, code=evaluation_code
    )
    problems: list[str] = []
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data["file"]
        with tempfile.TemporaryDirectory(prefix="kaohe-paper-") as folder:
            name = Path(uploaded.name).name
            target = Path(folder) / ("upload" + Path(name).suffix.lower())
            with target.open("wb") as out:
                for chunk in uploaded.chunks():
                    out.write(chunk)
            try:
                done = paper_import.import_ballots(
                    evaluation_id=evaluation.pk, path=target, actor=request.user, name=name
                )
            except InputError as error:
                problems = [str(problem) for problem in error.problems]
            else:
                messages.success(
                    request,
                    f"已导入 {done.ballots} 张票（{done.marks} 条评价），其中废票 {done.void} 张、"
                    f"空白票 {done.blank} 张",
                )
                return redirect("evaluation_paper:home")
    groups = list(evaluation.groups.order_by("order").values_list("code", "name"))
    return render(
        request,
        "evaluation/paper_upload.html",
        {
            "evaluation": evaluation,
            "groups": groups,
            "form": form,
            "problems": problems,
            "refusal": paper.refusal(evaluation),
        },
    )
