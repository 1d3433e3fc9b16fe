"""测评, 测评主体, 测评票 and marks.

Ballots and marks are the big tables (millions of rows a year). They carry ``evaluation_id``
and are only read or deleted by it. Their primary keys are random 63-bit integers, never a
sequence: the stored order of ballots must not reveal the order in which people voted.
Marks reference their ballot and evaluation without database constraints: the service that
loads them is their only writer and checks the references, and the constraint triggers would
otherwise dominate a bulk COPY (docs/database.md).
"""

from __future__ import annotations

import secrets

from django.db import models

from kaohe.plans.fields import OrderedJSONField
from kaohe.plans.models import Plan


def random_id() -> int:
    """A random positive 63-bit primary key (fits a signed BIGINT)."""
    return secrets.randbits(63) or 1


class Evaluation(models.Model):
    class Kind(models.TextChoices):
        STANDARD = "standard", "民主测评"
        WORST = "worst", "评选最差"
        INTEGRITY = "integrity", "述廉评廉"

    class Form(models.TextChoices):
        GRADE = "grade", "等次"
        DIMENSIONS = "dimensions", "分维度"
        SCORE = "score", "打分"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="evaluations")
    order = models.PositiveIntegerField("顺序")
    code = models.CharField("测评代码", max_length=64)
    name = models.CharField("测评名称", max_length=200)
    kind = models.CharField("类型", max_length=16, choices=Kind.choices)
    form = models.CharField("形式", max_length=16, choices=Form.choices)
    options = OrderedJSONField("选项及分值", default=dict, blank=True)
    satisfied = OrderedJSONField("满意选项", default=list, blank=True)
    dimensions = OrderedJSONField("维度及权重", default=dict, blank=True)
    max = models.FloatField("满分", default=100.0)
    max_top_share = models.FloatField("最高等次比例上限", null=True, blank=True)
    max_picks = models.IntegerField("最多可选", null=True, blank=True)
    threshold = models.FloatField("得票率阈值", default=0.0)
    veto_item = models.CharField("否决事项", max_length=200, null=True, blank=True)
    veto_effect = models.CharField("否决效果", max_length=16, null=True, blank=True)
    handling_below = models.FloatField("组织处理线", default=60.0)
    handling_below_text = models.CharField("组织处理线(原文)", max_length=32, default="60")

    class Meta:
        verbose_name = "测评"
        verbose_name_plural = "测评"
        ordering = (
            "plan",
            "order",
        )
        constraints = (
            models.UniqueConstraint(fields=["plan", "code"], name="evaluation_code_unique"),
        )

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class RaterGroup(models.Model):
    """测评主体: a group of raters with its weight, trimming and minimum of valid marks."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="groups")
    order = models.PositiveIntegerField("顺序")
    code = models.CharField("代码", max_length=64)
    name = models.CharField("名称", max_length=200)
    weight = models.FloatField("权重", default=1.0)
    trim = models.IntegerField("去掉最高最低分个数", default=0)
    min_ballots = models.IntegerField("最少有效票", default=1)

    class Meta:
        verbose_name = "测评主体"
        verbose_name_plural = "测评主体"
        ordering = (
            "evaluation",
            "order",
        )
        constraints = (
            models.UniqueConstraint(fields=["evaluation", "code"], name="evaluation_group_unique"),
        )

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Ballot(models.Model):
    """测评票: one rater's ballot, with the serial written on it (or the import's ballot id)."""

    id = models.BigIntegerField(primary_key=True, default=random_id, editable=False)
    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.DO_NOTHING, related_name="+", db_index=False
    )
    group = models.ForeignKey(
        RaterGroup,
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    serial = models.CharField("票号", max_length=64)

    class Meta:
        verbose_name = "测评票"
        verbose_name_plural = "测评票"
        constraints = (
            models.UniqueConstraint(
                fields=["evaluation", "serial"], name="evaluation_ballot_serial_unique"
            ),
        )


class Mark(models.Model):
    """One mark on a ballot: the assessee and the option as written (label, number, dims).

    The primary key is (evaluation, id): the hot filter (every read and delete is by
    evaluation) and the distribution key come first, and the bulk load appends in key order,
    so this one index is all the table has (docs/database.md).
    """

    pk = models.CompositePrimaryKey("evaluation", "id")
    evaluation = models.ForeignKey(
        Evaluation,
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    id = models.BigIntegerField(default=random_id, editable=False)
    ballot = models.ForeignKey(
        Ballot, on_delete=models.DO_NOTHING, related_name="+", db_constraint=False, db_index=False
    )
    order = models.IntegerField("票内顺序")
    # Null assessee: a ballot that marks nobody (an empty worst ballot keeps its place).
    assessee = models.CharField("考核对象", max_length=64, null=True, blank=True)
    # Null option: a worst-kind pick.
    option = models.CharField("选项", max_length=500, null=True, blank=True)

    class Meta:
        verbose_name = "测评标记"
        verbose_name_plural = "测评标记"
