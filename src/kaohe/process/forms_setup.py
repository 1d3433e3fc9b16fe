"""Forms of the office's set-up pages (views_setup.py). They check the shape of what was typed;
the rules are the services' (``services`` and ``services_setup``), whose
``ValidationError({field: [中文]})`` comes back onto the fields (``ServiceErrorsMixin``)."""

from __future__ import annotations

from typing import Any

from django import forms

from kaohe.org.models import Unit
from kaohe.process.forms import ServiceErrorsMixin
from kaohe.process.models import ProcessPlan, Task
from kaohe.process.services import SETTING_FIELDS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MAX_IMPORT_BYTES = 5 * 1024 * 1024


class SettingsForm(ServiceErrorsMixin, forms.ModelForm):
    """过程考核设置: the lights' names and colours, N, weights, credits, ratings, deadlines."""

    class Meta:
        model = ProcessPlan
        fields = SETTING_FIELDS
        widgets = {  # noqa: RUF012 - Django's Meta
            "green_colour": forms.TextInput(attrs={"type": "color"}),
            "yellow_colour": forms.TextInput(attrs={"type": "color"}),
            "red_colour": forms.TextInput(attrs={"type": "color"}),
        }

    def values(self) -> dict[str, Any]:
        return {key: self.cleaned_data[key] for key in SETTING_FIELDS}


class TaskForm(ServiceErrorsMixin, forms.Form):
    code = forms.CharField(label="任务代码", max_length=64, help_text="如 K01；保存后不再修改")
    name = forms.CharField(label="任务名称", max_length=200)
    kind = forms.ChoiceField(label="类型", choices=Task.Kind.choices)
    lead_body = forms.CharField(
        label="牵头督查主体", max_length=64, help_text="每月督查此任务的考核主体，如 县委办"
    )
    public = forms.BooleanField(label="公开承诺（一承诺，在进度公示栏公开）", required=False)
    weight = forms.FloatField(label="权重", initial=1.0)
    starts_on = forms.DateField(label="开始日期", widget=DATE)
    ends_on = forms.DateField(label="完成时限", widget=DATE)
    description = forms.CharField(
        label="任务内容", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["code"]

    def values(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class TargetForm(ServiceErrorsMixin, forms.Form):
    """A unit's share (unit chosen) or a person's post responsibility (person given)."""

    unit = forms.ModelChoiceField(label="责任单位", queryset=Unit.objects.order_by("code"))
    person = forms.CharField(
        label="责任干部（岗位责任）",
        required=False,
        max_length=100,
        help_text="落实到个人时填写人员代码或姓名；留空即为单位承担的任务",
    )
    leader = forms.CharField(label="责任领导", max_length=100)
    goal = forms.CharField(
        label="阶段目标", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    weight = forms.FloatField(label="权重", initial=1.0)

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].label_from_instance = lambda u: f"{u.code} {u.name}"  # type: ignore[attr-defined]
        if editing:
            del self.fields["unit"]
            del self.fields["person"]


class MilestoneForm(ServiceErrorsMixin, forms.Form):
    name = forms.CharField(label="节点名称", max_length=200)
    due_on = forms.DateField(label="完成时限", widget=DATE)
    weight = forms.FloatField(label="权重", initial=1.0)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern): a list of uploads."""

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)]


class ImportForm(forms.Form):
    """One .xlsx with the sheets 重点任务, 目标分解, 节点; or the three tables as .csv files
    named after them."""

    files = MultipleFileField(
        label="任务计划文件",
        help_text="Excel 工作簿（.xlsx，含工作表「重点任务」「目标分解」「节点」），"
        "或三个 CSV 文件（重点任务.csv、目标分解.csv、节点.csv，可同时选择）",
        widget=MultipleFileInput(attrs={"accept": ".xlsx,.csv"}),
    )


class RectificationForm(ServiceErrorsMixin, forms.Form):
    """整改销号 (confirm) or 退回 (reopen, with the reason and a new deadline)."""

    action = forms.ChoiceField(
        label="处理",
        choices=[("confirm", "确认整改到位，销号"), ("reopen", "整改不到位，退回重新整改")],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label="意见", required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="退回时必填：哪里没有整改到位",
    )  # fmt: skip
    deadline = forms.DateField(
        label="新的整改期限", required=False, widget=DATE, help_text="退回时必填"
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("action") == "reopen" and not data.get("deadline"):
            self.add_error("deadline", "退回重新整改须给出新的整改期限")
        return data
