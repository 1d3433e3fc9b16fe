"""考核方案 and everything a plan's document says, stored as written (docs/database.md).

Each row keeps its declared order in ``order`` so that the document rebuilt by
``selectors.plan_document`` equals the one that was loaded, and ``kaohe score`` and
``load`` + ``compute`` + ``results`` print the same bytes. Data tables (values, events) carry
``plan_id`` and are only ever read or deleted by it.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from kaohe.plans.fields import OrderedJSONField


class Plan(models.Model):
    class AssesseeKind(models.TextChoices):
        UNITS = "units", "单位"
        PEOPLE = "people", "人员"

    code = models.CharField("方案代码", max_length=64, unique=True)
    name = models.CharField("方案名称", max_length=200)
    year = models.IntegerField("年度")
    assessees = models.CharField(
        "考核对象类型", max_length=16, choices=AssesseeKind.choices, default=AssesseeKind.UNITS
    )
    bonus_cap = models.FloatField("加分上限", null=True, blank=True)
    non_discriminating_share = models.FloatField("区分度阈值", default=0.9)
    organization_name = models.CharField("组织名称", max_length=200)
    loaded_at = models.DateTimeField("导入时间", auto_now=True)

    class Meta:
        verbose_name = "考核方案"
        verbose_name_plural = "考核方案"
        ordering = (
            "-year",
            "code",
        )

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class VetoItem(models.Model):
    """一票否决 item of a plan and its effect."""

    class Effect(models.TextChoices):
        LOWEST = "lowest", "定为最低等次"
        NO_TOP = "no_top", "取消评优资格"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="veto_items")
    order = models.PositiveIntegerField("顺序")
    item = models.CharField("否决事项", max_length=200)
    effect = models.CharField("效果", max_length=16, choices=Effect.choices)

    class Meta:
        verbose_name = "一票否决事项"
        verbose_name_plural = "一票否决事项"
        ordering = (
            "plan",
            "order",
        )


class Category(models.Model):
    """考核类别: its own sections, grades, quotas and ranking."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="categories")
    order = models.PositiveIntegerField("顺序")
    code = models.CharField("类别代码", max_length=64)
    name = models.CharField("类别名称", max_length=200)
    full_score = models.FloatField("满分", default=100.0)
    # None: every section in declared order (scoring.md §5.3).
    tiebreak = OrderedJSONField("同分排序指标", null=True, blank=True)

    class Meta:
        verbose_name = "考核类别"
        verbose_name_plural = "考核类别"
        ordering = (
            "plan",
            "order",
        )
        constraints = (
            models.UniqueConstraint(fields=["plan", "code"], name="plans_category_code_unique"),
        )

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Section(models.Model):
    """一级指标: indicators, or a single source (process score or an evaluation)."""

    class Source(models.TextChoices):
        INDICATORS = "indicators", "指标"
        PROCESS = "process", "日常考核"
        EVALUATION = "evaluation", "民主测评"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="sections")
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="sections")
    order = models.PositiveIntegerField("顺序")
    code = models.CharField("代码", max_length=64)
    name = models.CharField("名称", max_length=200)
    points = models.FloatField("分值")
    source = models.CharField("来源", max_length=16, choices=Source.choices)
    evaluation = models.CharField("测评代码", max_length=64, null=True, blank=True)

    class Meta:
        verbose_name = "一级指标"
        verbose_name_plural = "一级指标"
        ordering = (
            "category",
            "order",
        )


class Indicator(models.Model):
    """二级/三级指标; a parent has children and no method."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="indicators")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="indicators")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    order = models.PositiveIntegerField("顺序")
    code = models.CharField("代码", max_length=64)
    name = models.CharField("名称", max_length=200)
    points = models.FloatField("分值")
    method = models.CharField("计分方法", max_length=16, null=True, blank=True)
    # Method parameters (scoring.md §2), as the document gave them.
    target = models.FloatField("目标值", null=True, blank=True)
    cap = models.FloatField("封顶系数", default=1.0)
    direction = models.CharField("方向", max_length=8, default="higher")
    tiers = OrderedJSONField("分档", default=list, blank=True)
    floor = models.FloatField("保底系数", null=True, blank=True)
    grades = OrderedJSONField("定性等次", default=dict, blank=True)
    per = models.FloatField("每项扣分", default=0.0)
    assessor = models.CharField("考核主体", max_length=64, null=True, blank=True)

    class Meta:
        verbose_name = "指标"
        verbose_name_plural = "指标"
        ordering = (
            "section",
            "order",
        )

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Grade(models.Model):
    """等次, best first; the last takes everyone else."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="grades")
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="grades")
    order = models.PositiveIntegerField("顺序")
    name = models.CharField("等次", max_length=32)
    quota = models.FloatField("名额比例(%)", null=True, blank=True)
    min_score = models.FloatField("最低分", null=True, blank=True)

    class Meta:
        verbose_name = "等次"
        verbose_name_plural = "等次"
        ordering = (
            "category",
            "order",
        )


def _organisation_key(to: str) -> models.ForeignKey[Any, Any]:
    """A plan row's optional reference to a unit or person: no database constraint (see
    PlanMember); deleting the unit or person deletes the row through Django's collector."""
    return models.ForeignKey(
        to, null=True, blank=True, on_delete=models.CASCADE, related_name="+", db_constraint=False
    )


class PlanMember(models.Model):
    """A unit or person as the plan's document listed it (order and category as written)."""

    # No database constraints on the keys (docs/database.md): Django's collector still
    # cascades deletes; plan_load writes rows for the plan, units and people it has just
    # stored. The per-row deferred checks each locked the referenced row (a WAL record per
    # lock): about 1.5 s of a province's load for 20,000 members and 20,000 assessees.
    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="members", db_constraint=False
    )
    order = models.PositiveIntegerField("顺序")
    unit = _organisation_key("org.Unit")
    person = _organisation_key("org.Person")
    # A snapshot of the member as this document wrote it: a later plan may rename a unit,
    # but this plan's document and its published results stay as they were.
    code = models.CharField("代码", max_length=64)
    name = models.CharField("名称", max_length=200)
    category = models.CharField("考核类别", max_length=64, null=True, blank=True)
    parent = models.CharField("上级单位/所在单位", max_length=64, null=True, blank=True)
    position = models.CharField("职务", max_length=200, null=True, blank=True)
    role = models.CharField("身份", max_length=32, null=True, blank=True)

    class Meta:
        verbose_name = "方案组织成员"
        verbose_name_plural = "方案组织成员"
        ordering = (
            "plan",
            "order",
        )
        constraints = (
            models.CheckConstraint(
                condition=models.Q(unit__isnull=True) ^ models.Q(person__isnull=True),
                name="plans_member_unit_xor_person",
            ),
        )


class PlanAssessee(models.Model):
    """考核对象 of a plan: a unit or a person, its category, 规模系数 and process score."""

    # No database constraints on the keys, as on PlanMember.
    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="assessees_set", db_constraint=False
    )
    order = models.PositiveIntegerField("顺序")
    code = models.CharField("代码", max_length=64)
    unit = _organisation_key("org.Unit")
    person = _organisation_key("org.Person")
    category = models.ForeignKey(
        Category, on_delete=models.CASCADE, related_name="assessees", db_constraint=False
    )
    # Snapshot as the document gave it (see PlanMember).
    name = models.CharField("名称", max_length=200)
    unit_code = models.CharField("所在单位", max_length=64, null=True, blank=True)
    position = models.CharField("职务", max_length=200, null=True, blank=True)
    # Null: not given in the document (scale defaults to 1; process is missing).
    scale = models.FloatField("规模系数", null=True, blank=True)
    process = models.FloatField("日常考核得分", null=True, blank=True)

    class Meta:
        verbose_name = "考核对象"
        verbose_name_plural = "考核对象"
        ordering = (
            "plan",
            "order",
        )
        constraints = (
            models.UniqueConstraint(fields=["plan", "code"], name="plans_assessee_code_unique"),
            models.CheckConstraint(
                condition=models.Q(unit__isnull=True) ^ models.Q(person__isnull=True),
                name="plans_assessee_unit_xor_person",
            ),
        )

    def __str__(self) -> str:
        return self.code


class Value(models.Model):
    """指标值 of one assessee for one leaf indicator: a number, a label or N/A (不涉及)."""

    class Kind(models.TextChoices):
        NUMBER = "number", "数值"
        TEXT = "text", "文字"
        NA = "na", "不涉及"

    # No database constraint (docs/database.md): the writers (plan_load, entry) write rows of a
    # plan they hold, plan_delete_data deletes them before the plan, and plan ids are never
    # reused; the per-row deferred check cost seconds at a province's load commit.
    plan = models.ForeignKey(
        Plan, on_delete=models.DO_NOTHING, related_name="+", db_index=False, db_constraint=False
    )
    order = models.PositiveIntegerField("顺序")
    assessee = models.CharField("考核对象", max_length=64)
    indicator = models.CharField("指标", max_length=64)
    kind = models.CharField("类型", max_length=8, choices=Kind.choices)
    number = models.FloatField("数值", null=True, blank=True)
    text = models.CharField("文字", max_length=200, null=True, blank=True)

    class Meta:
        verbose_name = "指标值"
        verbose_name_plural = "指标值"
        indexes = (models.Index(fields=["plan", "order"], name="plans_value_plan_order"),)


class Event(models.Model):
    """加分 / 扣分 / 一票否决 / 降档, in data order."""

    # No database constraint (docs/database.md): the writers (plan_load, entry) write rows of a
    # plan they hold, plan_delete_data deletes them before the plan, and plan ids are never
    # reused; the per-row deferred check cost seconds at a province's load commit.
    plan = models.ForeignKey(
        Plan, on_delete=models.DO_NOTHING, related_name="+", db_index=False, db_constraint=False
    )
    order = models.PositiveIntegerField("顺序")
    assessee = models.CharField("考核对象", max_length=64)
    type = models.CharField("类型", max_length=16)
    points = models.FloatField("分值", default=0.0)
    item = models.CharField("否决事项", max_length=200, null=True, blank=True)
    effect = models.CharField("效果", max_length=16, null=True, blank=True)
    reason = models.TextField("事由", blank=True, default="")

    class Meta:
        verbose_name = "加扣分与否决"
        verbose_name_plural = "加扣分与否决"
        indexes = (models.Index(fields=["plan", "order"], name="plans_event_plan_order"),)
