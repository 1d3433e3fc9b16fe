"""过程考核 (督考合一): central tasks, their decomposition, milestones, progress, inspections,
explanations, rectifications and the stage reviews (docs/process.md).

Process data is keyed by the plan's *code* (``ProcessPlan.plan_code``), not by a foreign key to
``plans.Plan``: the plan builder and ``kaohe load`` replace a plan row as a whole on every edit
(``plan_load``), and a year of progress reports must not go with it. Units and people are
shared by every plan and upserted by code, so foreign keys to them are stable.

Lights are never stored: they follow from the dates at any as-of date by the pure rule in
``kaohe.engine.process``. What is stored is what happened (a report, a rating, a decision) and
when.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from kaohe.engine.process import ProcessSettings
from kaohe.plans.fields import OrderedJSONField

# The engine's defaults are the new plan's: one place says what N, the weights, the credits
# and the rating values are until the office changes them.
DEFAULT = ProcessSettings()


class ProcessPlan(models.Model):
    """过程考核设置 of one plan: light colours and names, N, weights, credits, rating values."""

    plan_code = models.CharField("考核方案", max_length=64, unique=True)
    year = models.IntegerField("年度")
    # The three light slots keep their meaning (on schedule / attention / overdue); a county
    # names and colours them as it likes (红黄绿, or 红黄蓝 with a blue "green" slot).
    green_name = models.CharField("正常灯名称", max_length=16, default="绿灯")
    green_colour = models.CharField("正常灯颜色", max_length=7, default="#16a34a")
    yellow_name = models.CharField("预警灯名称", max_length=16, default="黄灯")
    yellow_colour = models.CharField("预警灯颜色", max_length=7, default="#ca8a04")
    red_name = models.CharField("逾期灯名称", max_length=16, default="红灯")
    red_colour = models.CharField("逾期灯颜色", max_length=7, default="#dc2626")
    warning_days = models.PositiveIntegerField("预警天数 N", default=DEFAULT.warning_days)
    weight_milestones = models.FloatField("节点完成权重", default=DEFAULT.weight_milestones)
    weight_inspections = models.FloatField("月度督查权重", default=DEFAULT.weight_inspections)
    weight_review = models.FloatField("半年考核权重", default=DEFAULT.weight_review)
    credit_on_time = models.FloatField("按时完成系数", default=DEFAULT.credit_on_time)
    credit_late = models.FloatField("逾期完成系数", default=DEFAULT.credit_late)
    credit_missed = models.FloatField("未完成系数", default=DEFAULT.credit_missed)
    explanation_days = models.PositiveIntegerField(
        "书面说明期限(天)", default=DEFAULT.explanation_days
    )
    rectification_days = models.PositiveIntegerField(
        "整改期限(天)", default=DEFAULT.rectification_days
    )
    rating_good = models.FloatField("督查“好”分值", default=DEFAULT.rating_good)
    rating_fairly_good = models.FloatField("督查“较好”分值", default=DEFAULT.rating_fairly_good)
    rating_fair = models.FloatField("督查“一般”分值", default=DEFAULT.rating_fair)
    rating_poor = models.FloatField("督查“差”分值", default=DEFAULT.rating_poor)
    # The as-of date of the last feed of P into the plan (None: never fed).
    fed_on = models.DateField("日常考核得分计算日期", null=True, blank=True)

    class Meta:
        verbose_name = "过程考核设置"
        verbose_name_plural = "过程考核设置"
        ordering = ("-year", "plan_code")
        constraints = (
            models.CheckConstraint(
                condition=Q(weight_milestones__gte=0)
                & Q(weight_inspections__gte=0)
                & Q(weight_review__gte=0),
                name="process_plan_weights_nonnegative",
            ),
        )

    def __str__(self) -> str:
        return f"{self.plan_code} 过程考核"


class Task(models.Model):
    """重点任务 / 重点项目 of the county; ``public`` marks a public commitment (一承诺)."""

    class Kind(models.TextChoices):
        TASK = "task", "重点任务"
        PROJECT = "project", "重点项目"

    process_plan = models.ForeignKey(ProcessPlan, on_delete=models.CASCADE, related_name="tasks")
    order = models.PositiveIntegerField("顺序")
    code = models.CharField("任务代码", max_length=64)
    name = models.CharField("任务名称", max_length=200)
    kind = models.CharField("类型", max_length=8, choices=Kind.choices, default=Kind.TASK)
    # 牵头单位 / 考核主体 by the name the plans and assessor accounts use (e.g. 县委办): the body
    # that inspects this task every month.
    lead_body = models.CharField("牵头督查主体", max_length=64)
    public = models.BooleanField("公开承诺", default=False)
    weight = models.FloatField("权重", default=1.0)
    description = models.TextField("任务内容", blank=True, default="")
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("完成时限")

    class Meta:
        verbose_name = "重点任务"
        verbose_name_plural = "重点任务"
        ordering = ("process_plan", "order")
        constraints = (
            models.UniqueConstraint(fields=["process_plan", "code"], name="process_task_code"),
            models.CheckConstraint(condition=Q(weight__gt=0), name="process_task_weight_pos"),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="process_task_period"
            ),
        )

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Target(models.Model):
    """目标分解: a task's share for one unit, or a person's post responsibility (岗位责任)
    under that unit's share (``person`` and ``parent`` set)."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="targets")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    order = models.PositiveIntegerField("顺序")
    unit = models.ForeignKey(
        "org.Unit", verbose_name="责任单位", on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        "org.Person",
        verbose_name="责任干部",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    leader = models.CharField("责任领导", max_length=100)
    goal = models.TextField("阶段目标", blank=True, default="")
    weight = models.FloatField("权重", default=1.0)

    class Meta:
        verbose_name = "目标分解"
        verbose_name_plural = "目标分解"
        ordering = ("task", "order")
        constraints = (
            # One share per unit and task; one post responsibility per person and task.
            models.UniqueConstraint(
                fields=["task", "unit"],
                condition=Q(person__isnull=True),
                name="process_target_unit_once",
            ),
            models.UniqueConstraint(
                fields=["task", "person"],
                condition=Q(person__isnull=False),
                name="process_target_person_once",
            ),
            # A post responsibility hangs under its unit's share; a unit's share under nothing.
            models.CheckConstraint(
                condition=Q(person__isnull=True, parent__isnull=True)
                | Q(person__isnull=False, parent__isnull=False),
                name="process_target_person_iff_parent",
            ),
            models.CheckConstraint(condition=Q(weight__gt=0), name="process_target_weight_pos"),
        )

    def __str__(self) -> str:
        who = f"{self.unit_id}/{self.person_id}" if self.person_id else str(self.unit_id)
        return f"{self.task.code} → {who}"


class Schedule(models.TextChoices):
    """A unit's own reading of a milestone's progress (the latest report)."""

    ON_SCHEDULE = "on_schedule", "正常推进"
    BEHIND = "behind", "进度滞后"
    DONE = "done", "已完成"


class Milestone(models.Model):
    """节点: a dated step of a target. ``status``/``percent`` are the latest report's (kept here
    so the dashboards read one row per milestone); ``done_on`` is set by a ``done`` report."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="milestones")
    order = models.PositiveIntegerField("顺序")
    name = models.CharField("节点", max_length=200)
    due_on = models.DateField("完成时限")
    weight = models.FloatField("权重", default=1.0)
    status = models.CharField(
        "进度状态", max_length=16, choices=Schedule.choices, default=Schedule.ON_SCHEDULE
    )
    percent = models.PositiveSmallIntegerField("完成进度(%)", default=0)
    done_on = models.DateField("完成日期", null=True, blank=True)
    exempted_on = models.DateField("免责日期", null=True, blank=True)
    exempt_reason = models.TextField("免责理由", blank=True, default="")

    class Meta:
        verbose_name = "节点"
        verbose_name_plural = "节点"
        ordering = ("target", "order")
        indexes = (models.Index(fields=["due_on"], name="process_milestone_due"),)
        constraints = (
            models.CheckConstraint(
                condition=Q(status=Schedule.DONE, done_on__isnull=False)
                | (~Q(status=Schedule.DONE) & Q(done_on__isnull=True)),
                name="process_milestone_done_iff_date",
            ),
            models.CheckConstraint(condition=Q(percent__lte=100), name="process_milestone_pct"),
            models.CheckConstraint(condition=Q(weight__gt=0), name="process_milestone_weight_pos"),
            models.CheckConstraint(
                condition=Q(exempted_on__isnull=True) | ~Q(exempt_reason=""),
                name="process_milestone_exempt_reason",
            ),
        )

    def __str__(self) -> str:
        return f"{self.name} ({self.due_on})"


class ProgressReport(models.Model):
    """A unit's report on a milestone (from a phone): status, percent, note, evidence."""

    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="reports")
    reported_on = models.DateField("报告日期")
    status = models.CharField("进度状态", max_length=16, choices=Schedule.choices)
    percent = models.PositiveSmallIntegerField("完成进度(%)")
    note = models.TextField("说明", blank=True, default="")
    # Stored under MEDIA_ROOT with a random name, as data entry stores an event's evidence;
    # the original name is only shown.
    evidence_path = models.CharField("佐证材料路径", max_length=255, blank=True, default="")
    evidence_name = models.CharField("佐证材料文件名", max_length=255, blank=True, default="")
    evidence_size = models.PositiveIntegerField("佐证材料大小", default=0)
    actor = models.CharField("报告人", max_length=150)
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        verbose_name = "进度报告"
        verbose_name_plural = "进度报告"
        ordering = ("milestone", "-reported_on", "-id")
        indexes = (
            models.Index(fields=["milestone", "reported_on"], name="process_report_ms_date"),
        )
        constraints = (
            models.CheckConstraint(condition=Q(percent__lte=100), name="process_report_pct"),
        )


class Rating(models.TextChoices):
    GOOD = "good", "好"
    FAIRLY_GOOD = "fairly_good", "较好"
    FAIR = "fair", "一般"
    POOR = "poor", "差"


class Inspection(models.Model):
    """月度督查: the lead body's rating of a unit's share of a task for one month."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="inspections")
    # The first day of the month inspected.
    month = models.DateField("督查月份")
    assessor = models.CharField("督查主体", max_length=64)
    rating = models.CharField("督查评价", max_length=16, choices=Rating.choices)
    note = models.TextField("督查意见", blank=True, default="")
    inspected_on = models.DateField("督查日期")
    actor = models.CharField("录入人", max_length=150)

    class Meta:
        verbose_name = "月度督查"
        verbose_name_plural = "月度督查"
        ordering = ("target", "month")
        constraints = (
            # ``month`` is always a month's first day (the service normalises it).
            models.UniqueConstraint(fields=["target", "month"], name="process_inspection_once"),
        )


class Cause(models.TextChoices):
    SUBJECTIVE = "subjective", "主观原因"
    OBJECTIVE = "objective", "客观原因"


class Explanation(models.Model):
    """情况说明: a red-lit unit's written explanation of a milestone and the office's decision.

    A 主观 cause opens a rectification (限期整改) at once; a 客观 cause waits for the office,
    which coordinates (协调) or exempts the milestone (免责)."""

    class Decision(models.TextChoices):
        PENDING = "pending", "待处理"
        RECTIFY = "rectify", "限期整改"
        COORDINATE = "coordinate", "协调解决"
        EXEMPT = "exempt", "免责"

    milestone = models.OneToOneField(
        Milestone, on_delete=models.CASCADE, related_name="explanation"
    )
    cause = models.CharField("原因类别", max_length=16, choices=Cause.choices)
    text = models.TextField("情况说明")
    measures = models.TextField("整改措施", blank=True, default="")
    # The deadline the unit had (the day after the due date + explanation_days), kept as filed.
    deadline = models.DateField("说明期限")
    filed_on = models.DateField("提交日期")
    filed_by = models.CharField("提交人", max_length=150)
    decision = models.CharField(
        "处理意见", max_length=16, choices=Decision.choices, default=Decision.PENDING
    )
    decision_note = models.TextField("处理说明", blank=True, default="")
    decided_on = models.DateField("处理日期", null=True, blank=True)
    decided_by = models.CharField("处理人", max_length=150, blank=True, default="")

    class Meta:
        verbose_name = "情况说明"
        verbose_name_plural = "情况说明"
        ordering = ("-filed_on", "-id")
        constraints = (
            # Only an objective cause may be exempted or coordinated; a subjective one is rectified.
            models.CheckConstraint(
                condition=Q(cause=Cause.SUBJECTIVE, decision="rectify")
                | Q(cause=Cause.OBJECTIVE, decision__in=["pending", "coordinate", "exempt"]),
                name="process_explanation_decision_by_cause",
            ),
        )


class Rectification(models.Model):
    """限期整改 of a milestone after a 主观 explanation."""

    class State(models.TextChoices):
        OPEN = "open", "整改中"
        DONE = "done", "已整改"

    milestone = models.ForeignKey(
        Milestone, on_delete=models.CASCADE, related_name="rectifications"
    )
    explanation = models.OneToOneField(
        Explanation, on_delete=models.CASCADE, related_name="rectification"
    )
    measures = models.TextField("整改措施")
    opened_on = models.DateField("下达日期")
    deadline = models.DateField("整改期限")
    state = models.CharField("状态", max_length=8, choices=State.choices, default=State.OPEN)
    done_on = models.DateField("完成日期", null=True, blank=True)
    result = models.TextField("整改情况", blank=True, default="")
    # 整改销号: the office checks the unit's "done" and closes it (or reopens it, with the
    # reason in ``confirm_note``); services_setup.rectification_confirm / _reopen.
    confirmed_on = models.DateField("销号日期", null=True, blank=True)
    confirmed_by = models.CharField("销号人", max_length=150, blank=True, default="")
    confirm_note = models.TextField("销号/退回意见", blank=True, default="")

    class Meta:
        verbose_name = "限期整改"
        verbose_name_plural = "限期整改"
        ordering = ("deadline", "id")
        constraints = (
            models.CheckConstraint(
                condition=Q(state="done", done_on__isnull=False)
                | Q(state="open", done_on__isnull=True),
                name="process_rectification_done_iff_date",
            ),
        )


class StageReview(models.Model):
    """半年考核: the stage score of one assessee (a unit or a person) at a stage date, frozen
    with its explanation lines; it is never recomputed."""

    process_plan = models.ForeignKey(
        ProcessPlan, on_delete=models.CASCADE, related_name="stage_reviews"
    )
    stage = models.CharField("阶段", max_length=16)  # e.g. "H1" (上半年)
    stage_name = models.CharField("阶段名称", max_length=32)
    as_of = models.DateField("考核截止日期")
    unit = models.ForeignKey(
        "org.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        "org.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    score = models.FloatField("阶段得分", null=True, blank=True)  # None: nothing to score yet
    parts = OrderedJSONField("分项", default=dict, blank=True)
    lines = OrderedJSONField("计算说明", default=list, blank=True)
    frozen_at = models.DateTimeField("冻结时间", auto_now_add=True)
    frozen_by = models.CharField("操作人", max_length=150)

    class Meta:
        verbose_name = "半年考核"
        verbose_name_plural = "半年考核"
        ordering = ("process_plan", "stage", "id")
        constraints = (
            models.CheckConstraint(
                condition=Q(unit__isnull=True) ^ Q(person__isnull=True),
                name="process_review_unit_xor_person",
            ),
            models.UniqueConstraint(
                fields=["process_plan", "stage", "unit"],
                condition=Q(unit__isnull=False),
                name="process_review_unit_once",
            ),
            models.UniqueConstraint(
                fields=["process_plan", "stage", "person"],
                condition=Q(person__isnull=False),
                name="process_review_person_once",
            ),
        )


class ProcessScore(models.Model):
    """The process score P of one assessee of a plan as last fed into ``PlanAssessee.process``,
    with the parts and lines the explanation page shows (a snapshot: the lines always match
    the P that was scored, whatever happened after the feed)."""

    process_plan = models.ForeignKey(ProcessPlan, on_delete=models.CASCADE, related_name="scores")
    plan_code = models.CharField("考核方案", max_length=64)
    assessee = models.CharField("考核对象", max_length=64)
    as_of = models.DateField("计算日期")
    score = models.FloatField("日常考核得分", null=True, blank=True)
    parts = OrderedJSONField("分项", default=dict, blank=True)
    lines = OrderedJSONField("计算说明", default=list, blank=True)

    class Meta:
        verbose_name = "日常考核得分"
        verbose_name_plural = "日常考核得分"
        ordering = ("plan_code", "assessee")
        constraints = (
            models.UniqueConstraint(
                fields=["plan_code", "assessee"], name="process_score_assessee_once"
            ),
        )
