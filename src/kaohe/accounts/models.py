"""账号: every person who logs in has exactly one role (docs/roles.md).

A unit account is bound to its unit (``org.Unit``), an assessor account to its assessor body
by the name the plans use on their indicators (``Indicator.assessor``, e.g. 县委办), because
that is the only place an assessor body is named. What each role may do is decided in one
place, ``kaohe.accounts.policy``; the model only keeps the binding consistent.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("系统管理员")
    OFFICE = "office", _("考核办")
    ASSESSOR = "assessor", _("考核主体")
    UNIT = "unit", _("被考核单位")
    SUPERVISOR = "supervisor", _("监督")


# Roles that may open the Django admin (the office's configuration; accounts for the admin).
STAFF_ROLES = frozenset({Role.ADMIN, Role.OFFICE})


class AccountManager(UserManager["User"]):
    def create_superuser(
        self, username: str, email: str | None = None, password: str | None = None, **extra: Any
    ) -> User:
        # `manage.py createsuperuser` knows nothing of roles: a superuser administers accounts.
        extra.setdefault("role", Role.ADMIN)
        return super().create_superuser(username, email, password, **extra)


class User(AbstractUser):
    role = models.CharField("角色", max_length=16, choices=Role.choices)
    unit = models.ForeignKey(
        "org.Unit",
        verbose_name="所属单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="accounts",
    )
    assessor = models.CharField("考核主体", max_length=64, null=True, blank=True)
    # One field for a Chinese name (姓名); first_name/last_name stay unused.
    name = models.CharField("姓名", max_length=100, blank=True, default="")

    objects: ClassVar[AccountManager] = AccountManager()  # type: ignore[assignment]

    REQUIRED_FIELDS: ClassVar[list[str]] = ["email"]

    class Meta:
        verbose_name = "账号"
        verbose_name_plural = "账号"
        ordering = ("username",)
        constraints = (
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="accounts_user_role_valid"
            ),
            # A unit account has a unit and nothing else has one; same for assessor bodies.
            models.CheckConstraint(
                condition=models.Q(role=Role.UNIT, unit__isnull=False)
                | (~models.Q(role=Role.UNIT) & models.Q(unit__isnull=True)),
                name="accounts_user_unit_iff_unit_role",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(role=Role.ASSESSOR, assessor__isnull=False) & ~models.Q(assessor="")
                )
                | (~models.Q(role=Role.ASSESSOR) & models.Q(assessor__isnull=True)),
                name="accounts_user_assessor_iff_assessor_role",
            ),
        )

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The Django admin's door is derived from the role, never set by hand. Nobody is a
        # superuser: Django lets a superuser past every permission check, which would put a
        # `createsuperuser` account above the role rules (unpublished results in the admin).
        self.is_staff = self.role in STAFF_ROLES
        self.is_superuser = False
        super().save(*args, **kwargs)

    @property
    def display_name(self) -> str:
        return self.name or self.username

    def __str__(self) -> str:
        return f"{self.username}（{self.get_role_display()}）"
