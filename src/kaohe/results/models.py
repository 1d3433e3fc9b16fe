"""考核结果 as computed by the engine, stored so that ``plan_results_dict`` rebuilds
``Results.to_dict()`` exactly and the pages read one assessee or one ranking in a constant
number of queries. Each row keeps the engine's dict (key order preserved) next to the columns
the pages filter and sort on.
"""

from __future__ import annotations

from django.db import models

from kaohe.plans.fields import OrderedJSONField
from kaohe.plans.models import Plan


class Computation(models.Model):
    """One run of the engine over a plan's stored document (the plan's current results)."""

    plan = models.OneToOneField(Plan, on_delete=models.CASCADE, related_name="computation")
    computed_at = models.DateTimeField("计算时间")
    engine_version = models.CharField("引擎版本", max_length=32)
    # Top-level key order of the results JSON, the worst-vote evaluations in order, and any
    # top-level entry the tables below do not hold, so the dict is rebuilt byte for byte.
    layout = OrderedJSONField("结构", default=dict)

    class Meta:
        verbose_name = "计算记录"
        verbose_name_plural = "计算记录"


class CategoryResult(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="+")
    order = models.PositiveIntegerField("顺序")
    code = models.CharField("类别", max_length=64)
    n = models.IntegerField("对象数")
    data = OrderedJSONField("结果")

    class Meta:
        verbose_name = "类别结果"
        verbose_name_plural = "类别结果"
        indexes = (models.Index(fields=["plan", "order"], name="results_category_plan_order"),)


class AssesseeResult(models.Model):
    """One assessee's results: the contract dict and its line-by-line explanation."""

    plan = models.ForeignKey(Plan, on_delete=models.DO_NOTHING, related_name="+", db_index=False)
    order = models.PositiveIntegerField("顺序")
    code = models.CharField("代码", max_length=64)
    name = models.CharField("名称", max_length=200)
    category = models.CharField("类别", max_length=64)
    rank = models.IntegerField("名次")
    total = models.FloatField("总分")
    grade = models.CharField("等次", max_length=32)
    data = OrderedJSONField("结果")
    explanation = OrderedJSONField("计分说明")

    class Meta:
        verbose_name = "考核对象结果"
        verbose_name_plural = "考核对象结果"
        indexes = (
            models.Index(fields=["plan", "order"], name="results_assessee_plan_order"),
            models.Index(fields=["plan", "code"], name="results_assessee_plan_code"),
        )


class IndicatorDiagnostic(models.Model):
    """指标区分度 of one indicator in one category (scoring.md §6)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="+", db_index=False)
    order = models.PositiveIntegerField("顺序")
    category = models.CharField("类别", max_length=64)
    indicator = models.CharField("指标", max_length=64)
    non_discriminating = models.BooleanField("区分度不足")
    data = OrderedJSONField("诊断")

    class Meta:
        verbose_name = "指标区分度"
        verbose_name_plural = "指标区分度"
        indexes = (models.Index(fields=["plan", "order"], name="results_indicator_plan_order"),)


class WorstResult(models.Model):
    """One assessee named in a worst vote (评选最差)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="+", db_index=False)
    order = models.PositiveIntegerField("顺序")
    evaluation = models.CharField("测评", max_length=64)
    assessee = models.CharField("考核对象", max_length=64)
    data = OrderedJSONField("结果")

    class Meta:
        verbose_name = "最差评选结果"
        verbose_name_plural = "最差评选结果"
        indexes = (models.Index(fields=["plan", "order"], name="results_worst_plan_order"),)


class Publication(models.Model):
    """公布: the office made this computation's results visible beyond the office.

    It belongs to the computation, not the plan: a recomputation replaces the computation and
    so withdraws the publication, and new figures are never shown before the office publishes
    them again (docs/roles.md).
    """

    computation = models.OneToOneField(
        Computation, on_delete=models.CASCADE, related_name="publication"
    )
    published_at = models.DateTimeField("公布时间")
    published_by = models.CharField("公布人", max_length=150)

    class Meta:
        verbose_name = "结果公布"
        verbose_name_plural = "结果公布"
