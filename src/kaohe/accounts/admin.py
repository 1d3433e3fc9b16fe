"""Accounts in the Django admin: for looking only. Accounts are created and changed through
the account pages (/accounts/manage/), whose services check the role binding and audit."""

from __future__ import annotations

from django.contrib import admin

from kaohe.accounts.models import User
from kaohe.plans.admin import ReadOnlyAdmin


@admin.register(User)
class UserAdmin(ReadOnlyAdmin):
    list_display = ("username", "name", "role", "unit", "assessor", "is_active", "last_login")
    list_filter = ("role", "is_active")
    list_select_related = ("unit",)
    search_fields = ("username", "name")
    exclude = ("password", "groups", "user_permissions")
