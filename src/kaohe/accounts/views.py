"""Account pages: log in, log out, change one's password, and the admin's account pages.

Entry points only: parse, check the rule (``policy.allow``), call a service, render.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kaohe.accounts import selectors, services
from kaohe.accounts.forms import AccountCreateForm, BindingForm, PasswordPairForm
from kaohe.accounts.models import Role, User
from kaohe.accounts.policy import EVERYONE, SIGNED_IN, allow

login = allow(EVERYONE)(
    auth_views.LoginView.as_view(
        template_name="accounts/login.html", redirect_authenticated_user=True
    )
)
logout = allow(EVERYONE)(auth_views.LogoutView.as_view())


@allow(SIGNED_IN)
def password_change(request: HttpRequest) -> HttpResponse:
    """One's own password: the old one, then the new one twice."""
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = services.account_password_set(
            username=request.user.get_username(),
            password=form.cleaned_data["new_password1"],
            actor=request.user.get_username(),
        )
        update_session_auth_hash(request, user)
        messages.success(request, _("密码已修改"))
        return redirect("web:home")
    return render(request, "accounts/password_change.html", {"form": form})


@allow(Role.ADMIN)
def account_list(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/account_list.html", {"accounts": selectors.account_list()})


@allow(Role.ADMIN)
def account_create(request: HttpRequest) -> HttpResponse:
    form = AccountCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.account_create(
                username=data["username"],
                password=data["password1"],
                role=data["role"],
                name=data["name"],
                unit_code=data["unit"],
                assessor=data["assessor"],
                actor=request.user.get_username(),
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("已创建账号 %(username)s") % {"username": user.username})
            return redirect("accounts:account_list")
    return _render_form(request, form, title=_("新建账号"))


@allow(Role.ADMIN)
def account_edit(request: HttpRequest, username: str) -> HttpResponse:
    account = get_object_or_404(User.objects.select_related("unit"), username=username)
    initial = {
        "name": account.name,
        "role": account.role,
        "unit": account.unit.code if account.unit else "",
        "assessor": account.assessor or "",
    }
    form = BindingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.account_update(
                username=username,
                role=data["role"],
                name=data["name"],
                unit_code=data["unit"],
                assessor=data["assessor"],
                actor=request.user.get_username(),
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("已保存账号 %(username)s") % {"username": username})
            return redirect("accounts:account_list")
    return _render_form(request, form, title=_("修改账号 %(username)s") % {"username": username})


@allow(Role.ADMIN)
def account_password(request: HttpRequest, username: str) -> HttpResponse:
    """The admin sets a new password for an account (重置密码)."""
    get_object_or_404(User, username=username)
    form = PasswordPairForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.account_password_set(
                username=username,
                password=form.cleaned_data["password1"],
                actor=request.user.get_username(),
            )
        except ValidationError as error:
            _form_errors(form, error, rename={"password": "password1"})
        else:
            messages.success(request, _("已重置 %(username)s 的密码") % {"username": username})
            return redirect("accounts:account_list")
    return _render_form(request, form, title=_("重置密码：%(username)s") % {"username": username})


@allow(Role.ADMIN)
@require_POST
def account_active(request: HttpRequest, username: str) -> HttpResponse:
    """Deactivate (``active=0``) or reactivate (``active=1``) an account."""
    get_object_or_404(User, username=username)
    actor = request.user.get_username()
    try:
        if request.POST.get("active") == "1":
            services.account_activate(username=username, actor=actor)
            messages.success(request, _("已启用账号 %(username)s") % {"username": username})
        else:
            services.account_deactivate(username=username, actor=actor)
            messages.success(request, _("已停用账号 %(username)s") % {"username": username})
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect("accounts:account_list")


def _form_errors(
    form: BindingForm | PasswordPairForm,
    error: ValidationError,
    rename: dict[str, str] | None = None,
) -> None:
    """Show a service's ValidationError on the form, each message next to its field."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        target = (rename or {}).get(field, field)
        form.add_error(target if target in form.fields else None, errors)


def _render_form(
    request: HttpRequest, form: BindingForm | PasswordPairForm, *, title: str
) -> HttpResponse:
    return render(
        request,
        "accounts/account_form.html",
        {"form": form, "title": title, "assessor_names": selectors.assessor_names()},
    )
