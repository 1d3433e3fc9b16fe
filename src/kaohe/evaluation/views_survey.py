"""第三方评估 import page (/office/evaluations/<plan>/<evaluation>/survey/): the office uploads
an outside agency's scores (``kaohe.evaluation.survey``); all rows or none.

Only 考核办 imports. The page shows what was stored per group (counts, never scores) and
the last import's file, rows and respondents (docs/evaluation-kinds.md).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.validators import FileExtensionValidator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse

from kaohe.accounts.models import Role
from kaohe.accounts.policy import allow, can_edit_plans
from kaohe.errors import InputError
from kaohe.evaluation import survey
from kaohe.evaluation.models import Evaluation, RaterGroup

MAX_BYTES = 5 * 1024 * 1024


class SurveyForm(forms.Form):
    file = forms.FileField(
        label="第三方评估得分文件",
        help_text="Excel 工作簿（.xlsx，工作表「第三方评估」或第一个工作表）或 CSV 文件",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
        validators=[FileExtensionValidator(["xlsx", "csv"])],
    )

    def clean_file(self) -> object:
        uploaded = self.cleaned_data["file"]
        if uploaded.size > MAX_BYTES:
            raise forms.ValidationError("文件不能超过 5 MB")
        return uploaded


def may_import(user: object, **_url: object) -> bool:
    """Import survey scores: the policy's ``can_edit_plans`` (考核办)."""
    return can_edit_plans(user)


def _evaluation(plan_code: str, evaluation_code: str) -> Evaluation:
    evaluation = (
        Evaluation.objects.select_related("plan")
        .filter(plan__code=plan_code, code=evaluation_code)
        .first()
    )
    if evaluation is None:
        raise Http404("没有这个测评")
    return evaluation


def _detail_url(evaluation: Evaluation) -> str | None:
    try:
        return reverse("evaluation_office:detail", args=[evaluation.plan.code, evaluation.code])
    except NoReverseMatch:  # the office's pages are mounted separately
        return None


@allow(Role.OFFICE, check=may_import)
def survey_import(request: HttpRequest, plan_code: str, evaluation_code: str) -> HttpResponse:
    evaluation = _evaluation(plan_code, evaluation_code)
    problems: list[str] = []
    form = SurveyForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data["file"]
        try:
            imported = survey.survey_import(
                evaluation=evaluation,
                name=uploaded.name,
                data=uploaded.read(),
                actor=request.user.get_username(),
            )
        except InputError as error:
            problems = [str(problem) for problem in error.problems]
        else:
            text = f"已导入 {imported.rows} 行第三方评估得分"
            if imported.replaced:
                text += f"，替换了此前导入的 {imported.replaced} 行"
            messages.success(request, text + "。测评已结束，计票后计入考核结果。")
            return redirect(request.path)
    groups = list(RaterGroup.objects.filter(evaluation=evaluation).order_by("order"))
    counts = survey.survey_counts(evaluation)
    return render(
        request,
        "evaluation/survey.html",
        {
            "evaluation": evaluation,
            "plan": evaluation.plan,
            "form": form,
            "problems": problems,
            "refusal": survey.refusal(evaluation),
            "groups": [(group, counts.get(group.code, 0)) for group in groups],
            "last": survey.last_import(evaluation),
            "detail_url": _detail_url(evaluation),
        },
    )
