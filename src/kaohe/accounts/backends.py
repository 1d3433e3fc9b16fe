"""Django admin permissions from the account's role (kaohe.accounts.policy.ADMIN_PERMISSIONS),
so nobody has to hand out per-model permissions and the role stays the single source."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from kaohe.accounts.policy import admin_actions


class RoleBackend(ModelBackend):
    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        app_label, _, codename = perm.partition(".")
        action = codename.split("_", 1)[0]
        if action in admin_actions(user_obj, app_label):
            return True
        return super().has_perm(user_obj, perm, obj)

    def has_module_perms(self, user_obj: Any, app_label: str) -> bool:
        return bool(admin_actions(user_obj, app_label)) or super().has_module_perms(
            user_obj, app_label
        )
