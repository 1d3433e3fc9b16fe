"""What data entry keeps next to the plan's own Value and Event rows (docs/data-entry.md).

``kaohe.plans`` stores the document as written; who entered a value or an event, and the
evidence file behind an event, are not part of the document, so they live here. Both tables
hang on the plan: when ``plan_load`` replaces a plan (``Plan.delete()``), they go with it.
"""

from __future__ import annotations

from django.db import models

from kaohe.plans.models import Plan


class ValueStamp(models.Model):
    """Who last entered (or cleared) one assessee's value of one indicator, and when."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="+")
    assessee = models.CharField("考核对象", max_length=64)
    indicator = models.CharField("指标", max_length=64)
    actor = models.CharField("填报人", max_length=150)
    assessor = models.CharField("考核主体", max_length=64, blank=True, default="")
    updated_at = models.DateTimeField("填报时间")

    class Meta:
        verbose_name = "指标值填报记录"
        verbose_name_plural = "指标值填报记录"
        constraints = (
            models.UniqueConstraint(
                fields=["plan", "indicator", "assessee"], name="entry_valuestamp_unique"
            ),
        )


class EventRecord(models.Model):
    """Who recorded an event (加分/扣分/一票否决/降档) and its evidence attachment.

    ``event_id`` names a ``plans.Event`` row without a database constraint: the plans app
    deletes its events in bulk (``plan_delete_data``), which a constraint would block.
    """

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="+")
    event_id = models.BigIntegerField("事件", unique=True)
    actor = models.CharField("录入人", max_length=150)
    assessor = models.CharField("考核主体", max_length=64, blank=True, default="")
    created_at = models.DateTimeField("录入时间")
    # Stored under MEDIA_ROOT with a random name; the original name is only shown.
    evidence_path = models.CharField("佐证材料路径", max_length=255, blank=True, default="")
    evidence_name = models.CharField("佐证材料文件名", max_length=255, blank=True, default="")
    evidence_size = models.PositiveIntegerField("佐证材料大小", default=0)

    class Meta:
        verbose_name = "加扣分录入记录"
        verbose_name_plural = "加扣分录入记录"
