"""单位、领导班子、人员. Units and people are shared by every plan and upserted by code."""

from __future__ import annotations

from django.db import models


class Unit(models.Model):
    """单位 (乡镇、县直部门、窗口单位、村) in the organisation tree."""

    code = models.CharField("代码", max_length=64, unique=True)
    name = models.CharField("名称", max_length=200)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级单位",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
    )
    category = models.CharField("默认考核类别", max_length=64, null=True, blank=True)

    class Meta:
        verbose_name = "单位"
        verbose_name_plural = "单位"
        ordering = ("code",)

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Team(models.Model):
    """领导班子: a unit's leadership team, assessed as a whole."""

    unit = models.OneToOneField(
        Unit, verbose_name="单位", on_delete=models.CASCADE, related_name="team"
    )
    name = models.CharField("名称", max_length=200)

    class Meta:
        verbose_name = "领导班子"
        verbose_name_plural = "领导班子"

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    CADRE = "cadre", "干部"
    VILLAGE_CADRE = "village_cadre", "村干部"
    PARTY_MEMBER = "party_member", "党员"
    REPRESENTATIVE = "representative", "村民代表"
    HOUSEHOLD = "household", "农户"


class Person(models.Model):
    """干部 / 村干部 / 党员 / 村民代表 / 农户."""

    code = models.CharField("代码", max_length=64, unique=True)
    name = models.CharField("姓名", max_length=100)
    unit = models.ForeignKey(
        Unit,
        verbose_name="单位",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="people",
    )
    position = models.CharField("职务", max_length=200, null=True, blank=True)
    role = models.CharField("身份", max_length=32, choices=Role.choices, null=True, blank=True)
    category = models.CharField("默认考核类别", max_length=64, null=True, blank=True)

    class Meta:
        verbose_name = "人员"
        verbose_name_plural = "人员"
        ordering = ("code",)

    def __str__(self) -> str:
        return f"{self.code} {self.name}"
