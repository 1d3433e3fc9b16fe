"""Forms of the process pages. They collect what was typed and check its shape; every rule
(who may, which milestone, deadlines, cause → decision) is the services' (kaohe.process.
services), whose ``ValidationError({field: [中文]})`` comes back onto the fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kaohe.process.labels import CAUSES, DECISIONS, RATINGS, STATUSES
from kaohe.process.models import Cause, Explanation, Rating, Schedule
from kaohe.web import evidence

# Evidence from a phone: ``image/*`` lets it offer the camera; the service checks the bytes.
EVIDENCE_ACCEPT = f"image/*,{evidence.ACCEPT}"


class ServiceErrorsMixin:
    """Put a service's ``ValidationError`` on the form's fields (unknown keys: the form)."""

    def add_service_errors(self, error: ValidationError) -> None:
        form: forms.Form = self  # type: ignore[assignment]
        if hasattr(error, "error_dict"):
            for name, errors in error.error_dict.items():
                target = name if name in form.fields else None
                for item in errors:
                    for message in item.messages:
                        form.add_error(target, message)
        else:
            for message in error.messages:
                form.add_error(None, message)


class ProgressForm(ServiceErrorsMixin, forms.Form):
    """进度报告 from a phone: three taps (status, percent, save), note and photo optional."""

    status = forms.ChoiceField(
        label=_("进度状态"),
        choices=[(value, STATUSES[value]) for value in Schedule.values],
        widget=forms.RadioSelect,
    )
    percent = forms.IntegerField(
        label=_("完成进度（%）"),
        min_value=0,
        max_value=100,
        widget=forms.NumberInput(attrs={"type": "range", "step": 5, "min": 0, "max": 100}),
    )
    note = forms.CharField(
        label=_("进展说明"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": _("可选：做了什么、还差什么")}),
    )
    evidence = forms.FileField(
        label=_("佐证材料（照片或文件）"),
        required=False,
        help_text=_("可选：拍照或选择 pdf、jpg、png、docx、xlsx 文件，不超过 10 MB"),
        widget=forms.ClearableFileInput(attrs={"accept": EVIDENCE_ACCEPT}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # 已完成 means 100 %: the unit need not drag the slider to the end as well.
        if data.get("status") == Schedule.DONE:
            data["percent"] = 100
        return data


class ExplanationForm(ServiceErrorsMixin, forms.Form):
    """情况说明 of a red-lit milestone: the cause (主观/客观) and what happened."""

    cause = forms.ChoiceField(
        label=_("原因类别"),
        choices=[(value, CAUSES[value]) for value in Cause.values],
        widget=forms.RadioSelect,
    )
    text = forms.CharField(
        label=_("情况说明"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5, "placeholder": _("未按期完成的原因")}),
    )
    measures = forms.CharField(
        label=_("整改措施"),
        required=False,
        max_length=4000,
        help_text=_("主观原因必填：将限期整改"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("cause") == Cause.SUBJECTIVE and not (data.get("measures") or "").strip():
            self.add_error("measures", _("主观原因须填写整改措施"))
        return data


DECISION_CHOICES = [
    (decision.value, DECISIONS[decision.value])
    for decision in (Explanation.Decision.COORDINATE, Explanation.Decision.EXEMPT)
]


class DecisionForm(ServiceErrorsMixin, forms.Form):
    """考核办's decision on an objective cause: coordinate (协调解决) or exempt (免责)."""

    decision = forms.ChoiceField(
        label=_("处理意见"), choices=DECISION_CHOICES, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("处理说明"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("免责的理由，或协调的安排"),
    )


class ExemptForm(ServiceErrorsMixin, forms.Form):
    """考核办 exempts a milestone directly (免责): the reason is required and audited."""

    reason = forms.CharField(
        label=_("免责理由"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": _("如：县里调整计划，项目取消")}),
    )
    exempted_on = forms.DateField(
        label=_("免责日期"),
        help_text=_("从这一天起不计入得分；应在方案年度之内，不晚于今天"),
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )


class RectificationForm(ServiceErrorsMixin, forms.Form):
    result = forms.CharField(
        label=_("整改情况"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )


class FreezeForm(ServiceErrorsMixin, forms.Form):
    """半年考核: freeze the stage scores at a date (once; never recomputed)."""

    as_of = forms.DateField(
        label=_("考核截止日期"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )


class FeedForm(ServiceErrorsMixin, forms.Form):
    """Compute P at a date and write it into the plan's ``process`` source."""

    as_of = forms.DateField(
        label=_("计算日期"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )


RATING_CHOICES = [("", "—"), *((value, RATINGS[value]) for value in Rating.values)]
