"""测评, 测评主体, 测评票 and marks; 测评码, the sealed online ballot box and paper entry.

Ballots are the big table (hundreds of thousands of rows a year, millions of marks): each
holds its marks, carries ``evaluation_id`` and is only read or deleted by it. Their primary
keys are random 63-bit integers, never a sequence: the stored order of ballots must not reveal
the order in which people voted. Ballots reference their evaluation and group without database
constraints: their writers check the references, and the per-row constraint checks would
otherwise dominate a bulk COPY and its commit (docs/database.md).

Online voting (docs/voting.md): a 测评码 is stored only as a keyed digest and knows nothing of
the ballot it was used for. An online ballot is written into a *sealed slot* made when the
codes were issued (one per code, in random order, same size before and after): casting fills a
random free slot in place, so neither the key nor the physical order of the slots follows the
order in which people voted. Closing the evaluation unseals the slots into ``Ballot``
rows in key order, the same rows the counting reads for paper and imported ballots.
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
        PROBATION = "probation", "试用期满测评"

    class Status(models.TextChoices):
        """The lifecycle: draft → open → closed → counted (docs/voting.md)."""

        DRAFT = "draft", "草稿"
        OPEN = "open", "测评中"
        CLOSED = "closed", "已结束"
        COUNTED = "counted", "已计票"

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
    # Probation review (试用期满测评): the share of 优秀+称职 votes needed to pass.
    pass_share = models.FloatField("通过比例", null=True, blank=True)
    # A document's evaluation with ballots comes in closed; one without starts as a draft.
    status = models.CharField(
        "状态", max_length=16, choices=Status.choices, default=Status.DRAFT, db_default="draft"
    )
    opened_at = models.DateTimeField("开始时间", null=True, blank=True)
    closed_at = models.DateTimeField("结束时间", null=True, blank=True)
    counted_at = models.DateTimeField("计票时间", null=True, blank=True)

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
    # Who this group rates (assessee codes, in ballot order); empty: every assessee of the
    # categories whose sections use the evaluation. Frozen when the evaluation opens.
    assessees = OrderedJSONField("测评对象", default=list, blank=True)
    # 应参评人数 for turnout when no codes are issued (paper only); codes issued count otherwise.
    expected = models.IntegerField("应参评人数", null=True, blank=True)

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
    """测评票: one rater's ballot, with the serial written on it (or the import's ballot id).

    No code, voter, address, browser or time is kept: the channel is all it says of its origin.
    """

    class Channel(models.TextChoices):
        IMPORT = "import", "导入"
        PAPER = "paper", "纸质票"
        ONLINE = "online", "网上"
        SURVEY = "survey", "第三方评估"

    id = models.BigIntegerField(primary_key=True, default=random_id, editable=False)
    # No database constraint: the writers (plan_load, closing, paper entry, survey
    # import) write ballots of an evaluation they hold, and ballots are deleted by evaluation
    # before it; the per-row deferred check cost about a second at a province's load commit.
    evaluation = models.ForeignKey(
        Evaluation,
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    group = models.ForeignKey(
        RaterGroup,
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    serial = models.CharField("票号", max_length=64)
    # The marks, in their order on the ballot: the i-th assessee with the i-th option as
    # written (label, number or dimensions), as JSON lists of texts and nulls. A ballot that
    # marks nobody holds one null pair, so it keeps its place; a worst-kind pick has a null
    # option. One row per ballot, not per mark: a province's 5 million marks load and read as
    # 250,000 rows (docs/database.md).
    assessees = OrderedJSONField("考核对象", default=list)
    options = OrderedJSONField("选项", default=list)
    channel = models.CharField(
        "来源", max_length=8, choices=Channel.choices, default=Channel.IMPORT, db_default="import"
    )

    class Meta:
        verbose_name = "测评票"
        verbose_name_plural = "测评票"
        constraints = (
            models.UniqueConstraint(
                fields=["evaluation", "serial"], name="evaluation_ballot_serial_unique"
            ),
        )
        # The ballots kaohe collected itself (online, paper, survey), which a plan reload
        # must not destroy (plans.services.refuse_live_evaluations): a few thousand among a
        # province's loaded ones, found without scanning them.
        indexes = (
            models.Index(
                fields=["evaluation"],
                condition=~models.Q(channel="import"),
                name="evaluation_ballot_collected",
            ),
        )


class VotingCode(models.Model):
    """测评码: a one-time code printed on a slip; only its keyed digest is stored.

    ``number`` is the slip's printed number within its group (第 n 号), so a lost slip can be
    named and revoked; it is not on the ballot, and the ballot is not linked to the code.
    """

    class State(models.TextChoices):
        ISSUED = "issued", "未使用"
        USED = "used", "已使用"
        REVOKED = "revoked", "已作废"

    id = models.BigIntegerField(primary_key=True, default=random_id, editable=False)
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="codes")
    group = models.ForeignKey(RaterGroup, on_delete=models.CASCADE, related_name="codes")
    number = models.PositiveIntegerField("票签号")
    digest = models.CharField("摘要", max_length=64, unique=True)
    state = models.CharField(
        "状态", max_length=8, choices=State.choices, default=State.ISSUED, db_index=True
    )

    class Meta:
        verbose_name = "测评码"
        verbose_name_plural = "测评码"
        indexes = (models.Index(fields=["group", "state"], name="voting_code_group_state"),)


class SealedBallot(models.Model):
    """A slot of the online ballot box; filled in place when a code is used (docs/voting.md).

    ``content`` is the ballot, encoded and padded to the group's fixed length, so filling a slot
    never moves it. ``receipt`` is the keyed digest of the receipt the voter was given.
    """

    id = models.BigIntegerField(primary_key=True, default=random_id, editable=False)
    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    group = models.ForeignKey(RaterGroup, on_delete=models.CASCADE, related_name="+")
    cast = models.BooleanField("已投", default=False)
    cast_on = models.DateField("投票日期", null=True, blank=True)
    receipt = models.CharField("回执摘要", max_length=64, null=True, blank=True, unique=True)
    content = models.TextField("票面", default="", blank=True)

    class Meta:
        verbose_name = "网上测评票"
        verbose_name_plural = "网上测评票"
        # No index on ``cast``: filling a slot must change no indexed column (a HOT update).
        indexes = (models.Index(fields=["evaluation", "group"], name="sealed_ballot_group"),)


class PaperBatch(models.Model):
    """A bundle of paper ballots entered by clerks; with ``double_entry`` two clerks enter it
    and nothing counts until both entries agree."""

    class State(models.TextChoices):
        ENTERING = "entering", "录入中"
        COMMITTED = "committed", "已入库"

    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.CASCADE, related_name="paper_batches"
    )
    group = models.ForeignKey(RaterGroup, on_delete=models.CASCADE, related_name="+")
    number = models.PositiveIntegerField("批次号")
    double_entry = models.BooleanField("双人录入", default=False)
    state = models.CharField("状态", max_length=12, choices=State.choices, default=State.ENTERING)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "纸质票批次"
        verbose_name_plural = "纸质票批次"
        constraints = (
            models.UniqueConstraint(
                fields=["evaluation", "number"], name="paper_batch_number_unique"
            ),
        )


class PaperEntry(models.Model):
    """One paper ballot as one clerk typed it (``round`` 1 or 2 of a double entry)."""

    batch = models.ForeignKey(PaperBatch, on_delete=models.CASCADE, related_name="entries")
    round = models.PositiveSmallIntegerField("录入轮次", default=1)
    clerk = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    serial = models.CharField("票号", max_length=64)
    # {assessee: option} as typed (dimensions: {assessee: {dimension: label}}; worst: picks).
    marks = OrderedJSONField("票面", default=dict, blank=True)
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        verbose_name = "纸质票录入"
        verbose_name_plural = "纸质票录入"
        constraints = (
            models.UniqueConstraint(
                fields=["batch", "round", "serial"], name="paper_entry_serial_unique"
            ),
        )


class CodeAttempt(models.Model):
    """Bad-code attempts per client and window, for throttling guesses (keyed digest only)."""

    client = models.CharField("客户端摘要", max_length=64)
    window = models.DateTimeField("时间窗")
    count = models.PositiveIntegerField("次数", default=0)

    class Meta:
        verbose_name = "测评码尝试"
        verbose_name_plural = "测评码尝试"
        constraints = (
            models.UniqueConstraint(fields=["client", "window"], name="code_attempt_unique"),
        )
