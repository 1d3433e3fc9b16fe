"""Forms of the account pages: they parse and check the input's shape; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kaohe.accounts.models import Role
from kaohe.accounts.selectors import unit_choices


class BindingForm(forms.Form):
    """Name, role and what the role is bound to (unit or assessor body)."""

    name = forms.CharField(label=_("姓名或机构"), max_length=100, required=False)
    role = forms.ChoiceField(label=_("角色"), choices=Role.choices)
    unit = forms.ChoiceField(
        label=_("所属单位"), required=False, help_text=_("仅被考核单位账号填写")
    )
    assessor = forms.CharField(
        label=_("考核主体"),
        max_length=64,
        required=False,
        help_text=_("仅考核主体账号填写，与方案中指标的考核主体一致，如 县委办"),
        widget=forms.TextInput(attrs={"list": "assessor-names"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", "—"), *unit_choices()]  # type: ignore[attr-defined]


class PasswordPairForm(forms.Form):
    password1 = forms.CharField(
        label=_("新密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("再次输入新密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("两次输入的密码不一致"))
        return data


class AccountCreateForm(BindingForm, PasswordPairForm):
    username = forms.CharField(label=_("用户名"), max_length=150)
    field_order = ("username", "name", "role", "unit", "assessor", "password1", "password2")
