"""操作记录. Plans are referred to by code, not by key, so the trail outlives a deleted plan."""

from __future__ import annotations

from django.db import models

from kaohe.plans.fields import OrderedJSONField


class AuditRecord(models.Model):
    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    actor = models.CharField("操作人", max_length=150)
    action = models.CharField("操作", max_length=64)
    plan = models.CharField("考核方案", max_length=64, blank=True, default="", db_index=True)
    detail = OrderedJSONField("详情", default=dict, blank=True)

    class Meta:
        verbose_name = "操作记录"
        verbose_name_plural = "操作记录"
        ordering = (
            "-at",
            "-id",
        )

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor} {self.action} {self.plan}"
