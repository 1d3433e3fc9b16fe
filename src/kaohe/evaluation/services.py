"""The office's writes for an evaluation's life: draft → open → closed → counted.

Every service is keyword-only, runs in one transaction, locks the evaluation row first (so
opening, issuing, closing and counting never interleave) and writes an audit record. Bad
input raises ``SetupInvalid`` with Chinese messages per field and changes nothing; a step
that the evaluation's state does not allow raises ``EvaluationStateError``.

- setup (``evaluation_create`` from a preset, ``evaluation_update``, ``groups_update``,
  ``scope_update``): only while a draft with no voting material (codes, paper batches,
  ballots), because a printed slip and the sealed slots' length depend on the form;
- ``evaluation_open``: freezes every group's scope (its list of assessees);
- ``codes_issue`` / ``code_reissue``: ``kaohe.evaluation.codes`` (draft or open);
- ``evaluation_close``: unseals the online ballot box (``casting.unseal``) and rewrites the
  codes and slots so no cast order or transaction id links them (``unlink.rewrite_box``);
- ``evaluation_count``: ``plan_compute`` for the plan, then its closed evaluations are counted.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from kaohe.audit.services import audit_record
from kaohe.engine.model import Group
from kaohe.evaluation import presets
from kaohe.evaluation.models import Evaluation, RaterGroup
from kaohe.evaluation.selectors import default_scope, has_voting_material, plan_assessees
from kaohe.plans.models import Plan
from kaohe.results.models import Computation

_CODE_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")


class EvaluationStateError(Exception):
    """The step is not allowed in the evaluation's present state (Chinese message)."""


class SetupInvalid(Exception):
    """Bad setup input: ``problems`` maps a field name (``""`` for the whole) to messages."""

    def __init__(self, problems: Mapping[str, Sequence[str]]) -> None:
        self.problems = {key: list(value) for key, value in problems.items()}
        super().__init__(
            "；".join(message for messages in self.problems.values() for message in messages)
        )


class _Problems:
    def __init__(self) -> None:
        self.items: dict[str, list[str]] = {}

    def add(self, key: str, message: str) -> None:
        self.items.setdefault(key, []).append(message)

    def raise_any(self) -> None:
        if self.items:
            raise SetupInvalid(self.items)


def _locked(evaluation: Evaluation) -> Evaluation:
    """The evaluation re-read under a row lock (with its plan)."""
    return Evaluation.objects.select_for_update().select_related("plan").get(pk=evaluation.pk)


def _require_editable(evaluation: Evaluation) -> None:
    if evaluation.status != Evaluation.Status.DRAFT:
        raise EvaluationStateError(
            f"测评“{evaluation.name}”{evaluation.get_status_display()}，设置不能再修改"
        )
    if has_voting_material(evaluation):
        raise EvaluationStateError(
            f"测评“{evaluation.name}”已发放测评码或录入纸质票，测评形式、选项和测评主体不能再修改"
        )


def _audit(evaluation: Evaluation, action: str, actor: str | None, **detail: Any) -> None:
    audit_record(
        actor=actor,
        action=action,
        plan=evaluation.plan.code,
        detail={"evaluation": evaluation.code, **detail},
    )


# ---------------------------------------------------------------------------------------------
# Setup


@dataclass(frozen=True, slots=True)
class GroupData(Group):
    """One rater group as the office sets it: the engine's group and ``expected`` (应参评人数,
    optional)."""

    expected: int | None = None


def _check_code(code: str, key: str, what: str, problems: _Problems) -> str:
    code = (code or "").strip()
    if not code:
        problems.add(key, f"请填写{what}代码")
    elif len(code) > 64 or not set(code) <= _CODE_CHARS:
        problems.add(key, f"{what}代码“{code}”只能用字母、数字和 - _ .，不超过64个字符")
    return code


@transaction.atomic
def evaluation_create(
    *, plan: Plan, preset_key: str, code: str, name: str, actor: str | None = None
) -> Evaluation:
    """A new draft evaluation of ``plan`` from a preset (kind, form, options, groups)."""
    problems = _Problems()
    try:
        chosen = presets.preset(preset_key)
    except KeyError as unknown:
        problems.add("preset", str(unknown.args[0]))
        chosen = None
    code = _check_code(code, "code", "测评", problems)
    name = (name or "").strip() or (chosen.label if chosen else "")
    if code and Evaluation.objects.filter(plan=plan, code=code).exists():
        problems.add("code", f"方案中已有代码为“{code}”的测评")
    problems.raise_any()
    assert chosen is not None
    last = Evaluation.objects.filter(plan=plan).aggregate(last=Max("order"))["last"]
    evaluation = Evaluation.objects.create(
        plan=plan,
        order=0 if last is None else last + 1,
        code=code,
        name=name[:200],
        status=Evaluation.Status.DRAFT,
        **chosen.fields(),
    )
    RaterGroup.objects.bulk_create(
        RaterGroup(
            evaluation=evaluation,
            order=i,
            code=g.code,
            name=g.name,
            weight=g.weight,
            trim=g.trim,
            min_ballots=g.min_ballots,
        )
        for i, g in enumerate(chosen.groups)
    )
    _audit(evaluation, "evaluation_create", actor, preset=chosen.key)
    return evaluation


def _number(
    raw: Any,
    key: str,
    what: str,
    problems: _Problems,
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    integer: bool = False,
    required: bool = True,
) -> float | None:
    text = "" if raw is None else str(raw).strip()
    if not text:
        if required:
            problems.add(key, f"请填写{what}")
        return None
    try:
        value = float(text)
    except ValueError:
        problems.add(key, f"{what}应为数字，实为“{text}”")
        return None
    if not math.isfinite(value) or (integer and value != int(value)):
        problems.add(key, f"{what}应为{'整数' if integer else '有限的数'}，实为“{text}”")
        return None
    if low is not None and (value <= low if low_open else value < low):
        problems.add(key, f"{what}应{'大于' if low_open else '不小于'} {low:g}，实为 {text}")
        return None
    if high is not None and value > high:
        problems.add(key, f"{what}应不大于 {high:g}，实为 {text}")
        return None
    return value


def parse_table(text: str, key: str, what: str, problems: _Problems) -> dict[str, str]:
    """``label=value`` lines (or ``label：value``) into an ordered dict of texts.

    >>> p = _Problems()
    >>> parse_table("优秀=100\\n称职：80\\n\\n", "options", "选项", p), p.items
    ({'优秀': '100', '称职': '80'}, {})
    >>> parse_table("优秀\\n优秀=1\\n优秀=2", "options", "选项", p) and p.items["options"]
    ['选项第1行“优秀”应写成 名称=数值', '选项第3行：“优秀”重复']
    """
    table: dict[str, str] = {}
    for number, line in enumerate((text or "").splitlines(), start=1):
        line = line.strip().replace("：", "=").replace(":", "=")
        if not line:
            continue
        label, sep, value = line.partition("=")
        label = label.strip()
        if not sep or not label:
            problems.add(key, f"{what}第{number}行“{line}”应写成 名称=数值")
            continue
        if label in table:
            problems.add(key, f"{what}第{number}行：“{label}”重复")
            continue
        table[label] = value.strip()
    return table


def _values(
    table: Mapping[str, str], key: str, what: str, problems: _Problems, **bounds: Any
) -> dict[str, float]:
    values: dict[str, float] = {}
    for label, text in table.items():
        value = _number(text, key, f"{what}“{label}”的数值", problems, **bounds)
        if value is not None:
            values[label] = value
    return values


@transaction.atomic
def evaluation_update(
    *, evaluation: Evaluation, data: Mapping[str, Any], actor: str | None = None
) -> Evaluation:
    """Change a draft's name, kind, form, options and rules (the code stays: sections and
    ballots refer to it). ``data`` holds the setup form's texts:

    ``name``, ``kind``, ``form``, ``options`` (``label=value`` lines), ``satisfied`` (labels
    separated by spaces, commas or 、), ``dimensions`` (``name=weight`` lines), ``max``,
    ``max_top_share``, ``max_picks``, ``threshold``, ``handling_below``, ``pass_share``.
    """
    evaluation = _locked(evaluation)
    _require_editable(evaluation)
    p = _Problems()
    name = str(data.get("name") or "").strip()
    if not name:
        p.add("name", "请填写测评名称")
    kind = str(data.get("kind") or evaluation.kind)
    if kind not in Evaluation.Kind.values:
        p.add("kind", f"没有这种测评类型：{kind}")
    form = str(data.get("form") or evaluation.form)
    if form not in Evaluation.Form.values:
        p.add("form", f"没有这种测评形式：{form}")
    worst = kind == Evaluation.Kind.WORST
    if kind in (Evaluation.Kind.INTEGRITY, Evaluation.Kind.PROBATION) and form != "grade":
        p.add("form", f"{Evaluation.Kind(kind).label}应为“等次”形式")
    options: dict[str, float] = {}
    if not worst and form in ("grade", "dimensions"):
        table = parse_table(str(data.get("options") or ""), "options", "选项", p)
        options = _values(table, "options", "选项", p, low=0, high=100)
        if not table and "options" not in p.items:
            p.add("options", "请至少填写一个选项（每行 名称=分值，分值0–100）")
    satisfied = [
        label
        for label in str(data.get("satisfied") or "").replace("、", " ").replace(",", " ").split()
        if label
    ]
    for label in satisfied:
        if label not in options:
            p.add("satisfied", f"满意选项“{label}”不是本测评的选项")
    dimensions: dict[str, float] = {}
    if not worst and form == "dimensions":
        table = parse_table(str(data.get("dimensions") or ""), "dimensions", "维度", p)
        dimensions = _values(table, "dimensions", "维度", p, low=0, low_open=True)
        if not table and "dimensions" not in p.items:
            p.add("dimensions", "分维度测评至少需要一个维度（每行 维度=权重）")
    maximum = _number(data.get("max") or "100", "max", "满分", p, low=0, low_open=True)
    share = _number(
        data.get("max_top_share"), "max_top_share", "最高等次比例上限", p, low=0, high=1,
        required=False,
    )  # fmt: skip
    picks = _number(
        data.get("max_picks"), "max_picks", "最多可选人数", p, low=1, integer=True,
        required=False,
    )  # fmt: skip
    threshold = _number(data.get("threshold") or "0", "threshold", "得票率阈值", p, low=0, high=1)
    handling_text = str(data.get("handling_below") or "60").strip()
    handling = _number(handling_text, "handling_below", "组织处理线", p, low=0, high=100)
    pass_share = _number(
        data.get("pass_share"), "pass_share", "通过比例", p, low=0, high=1, low_open=True,
        required=kind == Evaluation.Kind.PROBATION,
    )  # fmt: skip
    p.raise_any()
    evaluation.name = name[:200]
    evaluation.kind = kind
    evaluation.form = "grade" if worst else form
    evaluation.options = options
    evaluation.satisfied = satisfied
    evaluation.dimensions = dimensions
    evaluation.max = maximum if maximum is not None else 100.0
    evaluation.max_top_share = None if worst else share
    evaluation.max_picks = int(picks) if worst and picks is not None else None
    evaluation.threshold = threshold if worst and threshold is not None else 0.0
    evaluation.handling_below = handling if handling is not None else 60.0
    evaluation.handling_below_text = handling_text
    evaluation.pass_share = pass_share if kind == Evaluation.Kind.PROBATION else None
    evaluation.save()
    _audit(evaluation, "evaluation_update", actor)
    return evaluation


@transaction.atomic
def groups_update(
    *, evaluation: Evaluation, groups: Sequence[Mapping[str, Any]], actor: str | None = None
) -> list[RaterGroup]:
    """Replace the draft's rater groups by ``groups`` (the form's rows, texts, in order;
    a row without code and name is skipped). Problem keys: ``"<row>.<field>"``, rows from 1.

    A group that keeps its code keeps its row (and its scope); the others are created or
    deleted.
    """
    evaluation = _locked(evaluation)
    _require_editable(evaluation)
    p = _Problems()
    rows: list[GroupData] = []
    seen: set[str] = set()
    for index, raw in enumerate(groups, start=1):
        code_text = str(raw.get("code") or "").strip()
        name = str(raw.get("name") or "").strip()
        if not code_text and not name:
            continue
        here = f"第{index}行"
        code = _check_code(code_text, f"{index}.code", f"{here}测评主体", p)
        if code in seen:
            p.add(f"{index}.code", f"{here}：测评主体代码“{code}”重复")
        seen.add(code)
        if not name:
            p.add(f"{index}.name", f"{here}：请填写测评主体名称")
        weight = _number(
            raw.get("weight") or "1", f"{index}.weight", f"{here}权重", p, low=0, low_open=True
        )
        trim = _number(
            raw.get("trim") or "0", f"{index}.trim", f"{here}去掉最高最低分个数", p, low=0,
            integer=True,
        )  # fmt: skip
        minimum = _number(
            raw.get("min_ballots") or "1", f"{index}.min_ballots", f"{here}最少有效票", p,
            low=1, integer=True,
        )  # fmt: skip
        expected = _number(
            raw.get("expected"), f"{index}.expected", f"{here}应参评人数", p, low=0,
            integer=True, required=False,
        )  # fmt: skip
        rows.append(
            GroupData(
                code=code,
                name=name[:200],
                weight=weight or 1.0,
                trim=int(trim or 0),
                min_ballots=int(minimum or 1),
                expected=int(expected) if expected is not None else None,
            )
        )
    if not rows and not p.items:
        p.add("", "至少需要一个测评主体")
    p.raise_any()
    existing = {group.code: group for group in evaluation.groups.all()}
    RaterGroup.objects.filter(evaluation=evaluation).exclude(
        code__in=[row.code for row in rows]
    ).delete()
    saved: list[RaterGroup] = []
    for order, row in enumerate(rows):
        group = existing.get(row.code) or RaterGroup(evaluation=evaluation, code=row.code)
        group.order = order
        group.name = row.name
        group.weight = row.weight
        group.trim = row.trim
        group.min_ballots = row.min_ballots
        group.expected = row.expected
        group.save()
        saved.append(group)
    _audit(evaluation, "evaluation_groups_update", actor, groups=[row.code for row in rows])
    return saved


@transaction.atomic
def scope_update(
    *, group: RaterGroup, assessees: Sequence[str] | None, actor: str | None = None
) -> RaterGroup:
    """Who the group rates: these assessee codes (in the plan's order), or None for the
    default (the assessees of the categories whose sections use the evaluation)."""
    evaluation = _locked(group.evaluation)
    _require_editable(evaluation)
    group = RaterGroup.objects.get(pk=group.pk)
    if assessees is None:
        group.assessees = []
    else:
        known = [row["code"] for row in plan_assessees(evaluation.plan)]
        unknown = sorted(set(assessees) - set(known))
        if unknown:
            raise SetupInvalid({"assessees": [f"方案中没有考核对象：{'、'.join(unknown)}"]})
        chosen = set(assessees)
        if not chosen:
            raise SetupInvalid({"assessees": ["请至少选择一个测评对象"]})
        group.assessees = [code for code in known if code in chosen]
    group.save(update_fields=["assessees"])
    _audit(evaluation, "evaluation_scope_update", actor, group=group.code, n=len(group.assessees))
    return group


# ---------------------------------------------------------------------------------------------
# Lifecycle


@transaction.atomic
def evaluation_open(*, evaluation: Evaluation, actor: str | None = None) -> Evaluation:
    """Open a draft for voting; every group's scope is frozen into its own list."""
    evaluation = _locked(evaluation)
    if evaluation.status != Evaluation.Status.DRAFT:
        raise EvaluationStateError(
            f"测评“{evaluation.name}”{evaluation.get_status_display()}，只有草稿可以开始测评"
        )
    groups = list(evaluation.groups.order_by("order"))
    problems = _Problems()
    if not groups:
        problems.add("", "测评还没有测评主体")
    graded = evaluation.form in ("grade", "dimensions")
    if evaluation.kind != Evaluation.Kind.WORST and graded and not evaluation.options:
        problems.add("", "测评还没有选项")
    if evaluation.form == "dimensions" and not evaluation.dimensions:
        problems.add("", "分维度测评还没有维度")
    fallback = default_scope(evaluation)
    for group in groups:
        if not group.assessees:
            if not fallback:
                problems.add("", f"测评主体“{group.name}”没有测评对象")
            group.assessees = list(fallback)
    problems.raise_any()
    for group in groups:
        group.save(update_fields=["assessees"])
    evaluation.status = Evaluation.Status.OPEN
    evaluation.opened_at = timezone.now()
    evaluation.save(update_fields=["status", "opened_at"])
    _audit(evaluation, "evaluation_open", actor)
    return evaluation


def codes_issue(*, group: RaterGroup, count: int, actor: str | None = None) -> list[Any]:
    """Issue ``count`` codes to ``group`` (``codes.issue_codes``), audited; returns the
    ``IssuedCode`` list, the only copy of the codes in clear."""
    from kaohe.evaluation.codes import issue_codes

    with transaction.atomic():
        evaluation = _locked(group.evaluation)
        try:
            issued = issue_codes(group=group, count=count)
        except ValueError as refused:
            raise EvaluationStateError(str(refused)) from refused
        _audit(
            evaluation,
            "codes_issue",
            actor,
            group=group.code,
            count=len(issued),
            numbers=[issued[0].number, issued[-1].number] if issued else [],
        )
        return issued


def code_reissue(*, group: RaterGroup, number: int, actor: str | None = None) -> Any:
    """Reprint slip ``number`` of ``group`` with a new code; the old one is revoked."""
    from kaohe.evaluation.codes import reissue_code

    with transaction.atomic():
        evaluation = _locked(group.evaluation)
        try:
            issued = reissue_code(group=group, number=number)
        except ValueError as refused:
            raise EvaluationStateError(str(refused)) from refused
        _audit(evaluation, "code_reissue", actor, group=group.code, number=number)
        return issued


@transaction.atomic
def evaluation_close(*, evaluation: Evaluation, actor: str | None = None) -> int:
    """Close an open evaluation: no more ballots; the online box is unsealed into ballots.

    Returns the number of online ballots unsealed.
    """
    from kaohe.evaluation.casting import unseal
    from kaohe.evaluation.unlink import rewrite_box

    evaluation = _locked(evaluation)
    if evaluation.status != Evaluation.Status.OPEN:
        raise EvaluationStateError(
            f"测评“{evaluation.name}”{evaluation.get_status_display()}，只有测评中的测评可以结束"
        )
    evaluation.status = Evaluation.Status.CLOSED
    evaluation.closed_at = timezone.now()
    evaluation.save(update_fields=["status", "closed_at"])
    unsealed = unseal(evaluation=evaluation)
    # The cast transactions' ids and order stay in the codes' and slots' row versions: rewrite
    # them in this transaction, vacuum after the commit (kaohe.evaluation.unlink).
    rewrite_box(evaluation=evaluation)
    _audit(evaluation, "evaluation_close", actor, online=unsealed)
    return unsealed


@transaction.atomic
def evaluation_count(*, evaluation: Evaluation, actor: str | None = None) -> Computation:
    """Count: compute the evaluation's plan (``plan_compute``: it refuses while any evaluation
    of the plan is open), then every closed evaluation of the plan is counted."""
    from kaohe.plans.services import EvaluationOpen, plan_compute

    evaluation = _locked(evaluation)
    if evaluation.status not in (Evaluation.Status.CLOSED, Evaluation.Status.COUNTED):
        raise EvaluationStateError(
            f"测评“{evaluation.name}”{evaluation.get_status_display()}，结束测评后才能计票"
        )
    try:
        computation = plan_compute(plan_code=evaluation.plan.code, actor=actor)
    except EvaluationOpen as refused:
        raise EvaluationStateError(str(refused)) from refused
    now = timezone.now()
    counted = Evaluation.objects.filter(
        plan=evaluation.plan, status=Evaluation.Status.CLOSED
    ).update(status=Evaluation.Status.COUNTED, counted_at=now)
    Evaluation.objects.filter(pk=evaluation.pk).update(counted_at=now)
    _audit(evaluation, "evaluation_count", actor, counted=counted)
    return computation
