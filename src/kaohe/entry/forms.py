"""Forms of data entry. They only collect what was typed: every rule is the builder's and is
applied by the services (``kaohe.entry.services``), whose problems come back onto the fields."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.core.validators import FileExtensionValidator
from django.utils.translation import gettext_lazy as _

from kaohe.errors import InputError
from kaohe.results.formulas import EFFECT_NAMES, EVENT_NAMES
from kaohe.web.evidence import ACCEPT as EVIDENCE_ACCEPT

FIELDS = ("assessee", "type", "points", "item", "reason", "evidence")


class EventForm(forms.Form):
    # Not required here: the builder reports a missing assessee with every other problem.
    assessee = forms.ChoiceField(label=_("考核对象"), required=False)
    type = forms.ChoiceField(
        label=_("类型"), choices=[(code, name) for code, name in EVENT_NAMES.items()]
    )
    points = forms.CharField(
        label=_("分值"), required=False, help_text=_("加分、扣分时填写，如 2 或 0.5")
    )
    item = forms.ChoiceField(label=_("否决事项"), required=False)
    reason = forms.CharField(
        label=_("事由"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    evidence = forms.FileField(
        label=_("佐证材料"),
        required=False,
        help_text=_("pdf、jpg、png、docx 或 xlsx，不超过 10 MB"),
        widget=forms.ClearableFileInput(attrs={"accept": EVIDENCE_ACCEPT}),
    )

    def __init__(
        self,
        *args: Any,
        assessees: Sequence[tuple[str, str]],
        vetoes: Sequence[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assessee"].choices = [("", "—")] + [
            (code, _("%(name)s（%(code)s）") % {"name": name, "code": code})
            for code, name in assessees
        ]
        self.fields["item"].choices = [("", "—")] + [
            (
                item,
                _("%(item)s（%(effect)s）")
                % {"item": item, "effect": EFFECT_NAMES.get(effect, effect)},
            )
            for item, effect in vetoes
        ]

    def add_problems(self, error: InputError) -> None:
        """Put each problem of the service on its field (``where`` is the field name)."""
        for problem in error.problems:
            field = problem.where if problem.where in FIELDS else None
            self.add_error(field, problem.message)


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("指标值文件"),
        help_text=_("Excel 工作簿的「指标值」工作表（.xlsx），或 values.csv"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
        # Only the two formats the page offers: the readers also take YAML and JSON, whose
        # whole documents have no place in an assessor's upload.
        validators=[FileExtensionValidator(["xlsx", "csv"])],
    )
