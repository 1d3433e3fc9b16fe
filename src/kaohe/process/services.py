"""Writes for process assessment (docs/process.md).

Every service is keyword-only, runs in one transaction and writes one audit record in it.
Bad input raises ``ValidationError({field: [中文]})`` naming the field and changes nothing; an
account acting outside its unit or assessor body raises ``PermissionDenied`` (the views check
the same rules first; this is the second lock). ``actor`` is the account acting (a
``kaohe.accounts.models.User``).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, Protocol

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from kaohe.audit.services import audit_record
from kaohe.engine.process import light
from kaohe.org.models import Person, Unit
from kaohe.plans.models import Plan, PlanAssessee
from kaohe.process import selectors
from kaohe.process.models import (
    Cause,
    Explanation,
    Inspection,
    Milestone,
    ProcessPlan,
    ProcessScore,
    ProgressReport,
    Rating,
    Rectification,
    Schedule,
    StageReview,
    Target,
    Task,
)
from kaohe.web.evidence import (
    evidence_discard,
    evidence_fields,
    evidence_problem,
    evidence_store,
)

# A progress report's evidence (a phone photo, a scan) is checked and stored like an
# event's (kaohe.web.evidence), in a folder of its own.
EVIDENCE_DIR = "process-evidence"


class Account(Protocol):
    username: str
    role: str
    unit_id: int | None
    assessor: str | None


def today() -> date:
    return timezone.localdate()


def _invalid(field: str, message: str) -> ValidationError:
    return ValidationError({field: [message]})


def _require_office(actor: Account) -> None:
    if actor.role != "office":
        raise PermissionDenied("只有考核办可以进行此操作")


def _require_unit_of(actor: Account, target: Target) -> None:
    if actor.role != "unit" or actor.unit_id != target.unit_id:
        raise PermissionDenied("只能处理本单位的节点")


def _day(value: date | None, field: str, *, label: str) -> date:
    """A date given or today; never in the future."""
    day = value or today()
    if day > today():
        raise _invalid(field, f"{label}不能晚于今天({today():%Y-%m-%d})")
    return day


def _within_year(pp: ProcessPlan, day: date, field: str, *, what: str) -> None:
    """The unit's work of a plan year ends with the year: its P is fed as of 31 December and
    the pages then show the year as it closed (docs/process.md, "The plan year")."""
    if day > date(pp.year, 12, 31):
        raise _invalid(
            field,
            f"{pp.year} 年度过程考核已于 {pp.year}-12-31 结束,不再{what};如需更正请联系考核办",
        )


# ---------------------------------------------------------------------------------------------
# Set-up (the office)


SETTING_FIELDS = (
    "green_name", "green_colour", "yellow_name", "yellow_colour", "red_name", "red_colour",
    "warning_days", "weight_milestones", "weight_inspections", "weight_review",
    "credit_on_time", "credit_late", "credit_missed", "explanation_days",
    "rectification_days", "rating_good", "rating_fairly_good", "rating_fair", "rating_poor",
)  # fmt: skip


def _check_settings(values: dict[str, Any]) -> None:
    for key in values:
        if key not in SETTING_FIELDS:
            raise _invalid(key, f"未知的设置项 {key}")
    for key in ("green_colour", "yellow_colour", "red_colour"):
        colour = values.get(key)
        if colour is not None and not (
            len(colour) == 7
            and colour[0] == "#"
            and all(c in "0123456789abcdefABCDEF" for c in colour[1:])
        ):
            raise _invalid(key, f"颜色应写成 #RRGGBB,而不是“{colour}”")
    for key in ("weight_milestones", "weight_inspections", "weight_review"):
        if key in values and not values[key] >= 0:
            raise _invalid(key, "权重不能为负数")
    for key in ("credit_on_time", "credit_late", "credit_missed"):
        if key in values and not 0 <= values[key] <= 1:
            raise _invalid(key, "完成系数应在 0 到 1 之间")
    for key in ("rating_good", "rating_fairly_good", "rating_fair", "rating_poor"):
        if key in values and not 0 <= values[key] <= 100:
            raise _invalid(key, "督查评价分值应在 0 到 100 之间")
    for key in ("warning_days", "explanation_days", "rectification_days"):
        if key in values and not (isinstance(values[key], int) and 0 <= values[key] <= 366):
            raise _invalid(key, "天数应为 0 到 366 的整数")


@transaction.atomic
def process_plan_setup(*, actor: Account, plan_code: str, year: int, **values: Any) -> ProcessPlan:
    """Create the process settings of a plan, or change them (only the settings given)."""
    _require_office(actor)
    _check_settings(values)
    pp, created = ProcessPlan.objects.get_or_create(plan_code=plan_code, defaults={"year": year})
    pp.year = year
    for key, value in values.items():
        setattr(pp, key, value)
    if pp.weight_milestones + pp.weight_inspections + pp.weight_review <= 0:
        raise _invalid("weight_milestones", "三项权重之和必须大于 0")
    pp.save()
    audit_record(
        actor=actor.username,
        action="process_setup",
        plan=plan_code,
        detail={"created": created, "year": year, **values},
    )
    return pp


def check_task(
    *, name: str, lead_body: str, kind: str, weight: float, starts_on: date, ends_on: date
) -> None:
    """The fields a task must have, the same when it is made and when it is changed."""
    if not name.strip():
        raise _invalid("name", "任务名称不能为空")
    if not lead_body.strip():
        raise _invalid("lead_body", "请填写牵头督查主体")
    if kind not in Task.Kind.values:
        raise _invalid("kind", f"类型只能是{'、'.join(str(k.label) for k in Task.Kind)}")
    if not weight > 0:
        raise _invalid("weight", "权重必须大于 0")
    if ends_on < starts_on:
        raise _invalid("ends_on", "完成时限不能早于开始日期")


@transaction.atomic
def task_create(
    *,
    actor: Account,
    process_plan: ProcessPlan,
    code: str,
    name: str,
    lead_body: str,
    starts_on: date,
    ends_on: date,
    kind: str = Task.Kind.TASK,
    public: bool = False,
    weight: float = 1.0,
    description: str = "",
) -> Task:
    _require_office(actor)
    if not code.strip():
        raise _invalid("code", "任务代码不能为空")
    check_task(name=name, lead_body=lead_body, kind=kind, weight=weight,
               starts_on=starts_on, ends_on=ends_on)  # fmt: skip
    if Task.objects.filter(process_plan=process_plan, code=code).exists():
        raise _invalid("code", f"任务代码 {code} 已存在")
    order = Task.objects.filter(process_plan=process_plan).count() + 1
    task = Task.objects.create(
        process_plan=process_plan, order=order, code=code, name=name, kind=kind,
        lead_body=lead_body, public=public, weight=weight, description=description,
        starts_on=starts_on, ends_on=ends_on,
    )  # fmt: skip
    audit_record(
        actor=actor.username,
        action="process_task_create",
        plan=process_plan.plan_code,
        detail={"task": code, "name": name, "public": public, "weight": weight},
    )
    return task


@transaction.atomic
def target_create(
    *,
    actor: Account,
    task: Task,
    unit: Unit,
    leader: str,
    weight: float = 1.0,
    goal: str = "",
    person: Person | None = None,
) -> Target:
    """A unit's share of a task; with ``person``, that person's post responsibility under the
    unit's share (which must exist)."""
    _require_office(actor)
    if not leader.strip():
        raise _invalid("leader", "请填写责任领导")
    if not weight > 0:
        raise _invalid("weight", "权重必须大于 0")
    parent = None
    if person is not None:
        parent = Target.objects.filter(task=task, unit=unit, person__isnull=True).first()
        if parent is None:
            raise _invalid("person", f"请先把任务 {task.code} 分解到 {unit.name},再落实到个人")
        if Target.objects.filter(task=task, person=person).exists():
            raise _invalid("person", f"{person.name} 已承担任务 {task.code} 的岗位责任")
    elif Target.objects.filter(task=task, unit=unit, person__isnull=True).exists():
        raise _invalid("unit", f"任务 {task.code} 已分解到 {unit.name}")
    order = Target.objects.filter(task=task).count() + 1
    target = Target.objects.create(
        task=task, parent=parent, order=order, unit=unit, person=person, leader=leader,
        goal=goal, weight=weight,
    )  # fmt: skip
    audit_record(
        actor=actor.username,
        action="process_target_create",
        plan=task.process_plan.plan_code,
        detail={
            "task": task.code,
            "unit": unit.code,
            "person": person.code if person else None,
            "leader": leader,
            "weight": weight,
        },
    )
    return target


@transaction.atomic
def milestone_create(
    *, actor: Account, target: Target, name: str, due_on: date, weight: float = 1.0
) -> Milestone:
    _require_office(actor)
    if not name.strip():
        raise _invalid("name", "节点名称不能为空")
    if not weight > 0:
        raise _invalid("weight", "权重必须大于 0")
    task = target.task
    if not task.starts_on <= due_on <= task.ends_on:
        raise _invalid(
            "due_on",
            f"节点时限应在任务期限 {task.starts_on:%Y-%m-%d} 至 {task.ends_on:%Y-%m-%d} 之内",
        )
    order = Milestone.objects.filter(target=target).count() + 1
    m = Milestone.objects.create(
        target=target, order=order, name=name, due_on=due_on, weight=weight
    )
    audit_record(
        actor=actor.username,
        action="process_milestone_create",
        plan=task.process_plan.plan_code,
        detail={
            "task": task.code,
            "unit": target.unit.code,
            "milestone": name,
            "due_on": str(due_on),
        },
    )
    return m


# ---------------------------------------------------------------------------------------------
# Progress (the unit)


def _milestone(milestone_id: int) -> Milestone:
    m = (
        Milestone.objects.select_for_update(of=("self",))
        .select_related("target__task__process_plan", "target__unit")
        .filter(pk=milestone_id)
        .first()
    )
    if m is None:
        raise _invalid("milestone", "节点不存在")
    return m


def progress_report(
    *,
    actor: Account,
    milestone_id: int,
    status: str,
    percent: int,
    note: str = "",
    evidence: UploadedFile | None = None,
    reported_on: date | None = None,
) -> ProgressReport:
    """A unit reports a milestone: on schedule, behind, or done (done sets ``done_on`` to the
    report's date and the percent to 100). Reports are dated today unless ``reported_on`` is
    given (never in the future, never before the milestone's latest report)."""
    problem = evidence_problem(evidence) if evidence is not None else None
    if problem is not None:
        raise _invalid("evidence", problem)
    stored: list[str] = []
    try:
        with transaction.atomic():
            return _progress_report(
                actor, milestone_id, status, percent, note, evidence, reported_on, stored
            )
    except BaseException:
        # Nothing was written: the evidence file goes too.
        for path in stored:
            evidence_discard(path)
        raise


def _progress_report(
    actor: Account,
    milestone_id: int,
    status: str,
    percent: int,
    note: str,
    evidence: UploadedFile | None,
    reported_on: date | None,
    stored: list[str],
) -> ProgressReport:
    m = _milestone(milestone_id)
    _require_unit_of(actor, m.target)
    if status not in Schedule.values:
        raise _invalid("status", "进度状态只能是正常推进、进度滞后或已完成")
    if not isinstance(percent, int) or not 0 <= percent <= 100:
        raise _invalid("percent", "完成进度应为 0 到 100 的整数")
    day = _day(reported_on, "reported_on", label="报告日期")
    _within_year(m.target.task.process_plan, day, "reported_on", what="报告进度")
    if m.exempted_on is not None:
        raise _invalid("milestone", "该节点已免责,不再报告进度")
    if m.done_on is not None:
        raise _invalid("milestone", f"该节点已于 {m.done_on:%Y-%m-%d} 完成")
    last = m.reports.order_by("-reported_on").values_list("reported_on", flat=True).first()
    if last is not None and day < last:
        raise _invalid("reported_on", f"报告日期不能早于上一次报告({last:%Y-%m-%d})")
    if day < m.target.task.starts_on:
        raise _invalid("reported_on", "报告日期不能早于任务开始日期")
    if status == Schedule.DONE:
        percent = 100
    path = evidence_store(evidence, EVIDENCE_DIR) if evidence is not None else ""
    if path:
        stored.append(path)
    report = ProgressReport.objects.create(
        milestone=m, reported_on=day, status=status, percent=percent, note=note.strip(),
        **evidence_fields(evidence, path), actor=actor.username,
    )  # fmt: skip
    m.status = status
    m.percent = percent
    m.done_on = day if status == Schedule.DONE else None
    m.save(update_fields=["status", "percent", "done_on"])
    audit_record(
        actor=actor.username,
        action="process_progress_report",
        plan=m.target.task.process_plan.plan_code,
        detail={
            "milestone": m.id,
            "task": m.target.task.code,
            "unit": m.target.unit.code,
            "status": status,
            "percent": percent,
            "reported_on": str(day),
            "evidence": report.evidence_name,
        },
    )
    return report


# ---------------------------------------------------------------------------------------------
# Inspections (the assessor body in charge)


@transaction.atomic
def inspection_record(
    *,
    actor: Account,
    target_id: int,
    month: date,
    rating: str,
    note: str = "",
    inspected_on: date | None = None,
) -> Inspection:
    """Rate a unit's share of a task for one month; a second rating of the same month
    replaces the first (the audit keeps both)."""
    target = (
        Target.objects.select_related("task__process_plan", "unit").filter(pk=target_id).first()
    )
    if target is None:
        raise _invalid("target", "督查对象不存在")
    task = target.task
    if not (
        actor.role == "office" or (actor.role == "assessor" and actor.assessor == task.lead_body)
    ):
        raise PermissionDenied(f"任务 {task.code} 由{task.lead_body}督查")
    if target.person_id is not None:
        raise _invalid("target", "月度督查针对单位承担的任务,不针对个人岗位责任")
    if rating not in Rating.values:
        raise _invalid("rating", "督查评价只能是好、较好、一般或差")
    month = selectors.month_start(month)
    pp = task.process_plan
    if inspected_on is None and actor.role == "office" and today() > date(pp.year, 12, 31):
        # After the year the office's correction is dated inside it (31 December), like its
        # decisions and exemptions, so the year as it closed (and the P fed at its end)
        # counts it; a rating dated in the next year would never be counted.
        inspected_on = date(pp.year, 12, 31)
    day = _day(inspected_on, "inspected_on", label="督查日期")
    # The lead bodies' monthly work ends with the year, as the units' does.
    _within_year(pp, day, "inspected_on", what="录入督查评价")
    if not selectors.month_start(task.starts_on) <= month <= task.ends_on:
        raise _invalid("month", f"{month:%Y年%m月} 不在任务期限之内")
    if month > day:
        raise _invalid("month", f"{month:%Y年%m月} 尚未开始,不能督查")
    previous = Inspection.objects.filter(target=target, month=month).first()
    values = {
        "assessor": task.lead_body if actor.role == "assessor" else (actor.assessor or "考核办"),
        "rating": rating,
        "note": note.strip(),
        "inspected_on": day,
        "actor": actor.username,
    }
    if previous is None:
        inspection = Inspection.objects.create(target=target, month=month, **values)
    else:
        for key, value in values.items():
            setattr(inspection := previous, key, value)
        inspection.save()
    audit_record(
        actor=actor.username,
        action="process_inspection",
        plan=task.process_plan.plan_code,
        detail={
            "task": task.code,
            "unit": target.unit.code,
            "month": f"{month:%Y-%m}",
            "rating": rating,
            "replaced": previous.rating if previous is not None else None,
        },
    )
    return inspection


# ---------------------------------------------------------------------------------------------
# Red lights: explanation, decision, rectification


@transaction.atomic
def explanation_file(
    *,
    actor: Account,
    milestone_id: int,
    cause: str,
    text: str,
    measures: str = "",
    filed_on: date | None = None,
) -> Explanation:
    """A red-lit unit explains a milestone in writing. 主观 (its own cause): the measures are
    required and a rectification (限期整改) opens at once, due ``rectification_days`` later.
    客观: the office decides (``explanation_decide``)."""
    m = _milestone(milestone_id)
    _require_unit_of(actor, m.target)
    pp = m.target.task.process_plan
    day = _day(filed_on, "filed_on", label="提交日期")
    _within_year(pp, day, "filed_on", what="提交书面说明")
    state = light(
        due_on=m.due_on, done_on=m.done_on, behind=False, exempted_on=m.exempted_on,
        as_of=day, warning_days=pp.warning_days,
    )  # fmt: skip
    if state.light != "red":
        raise _invalid("milestone", "只有亮红灯(逾期未完成)的节点需要书面说明")
    if Explanation.objects.filter(milestone=m).exists():
        raise _invalid("milestone", "该节点已提交过书面说明")
    if cause not in Cause.values:
        raise _invalid("cause", "请选择原因类别:主观原因或客观原因")
    if not text.strip():
        raise _invalid("text", "请填写情况说明")
    if cause == Cause.SUBJECTIVE and not measures.strip():
        raise _invalid("measures", "主观原因须提出整改措施")
    explanation = Explanation.objects.create(
        milestone=m, cause=cause, text=text.strip(), measures=measures.strip(),
        deadline=selectors.explanation_deadline(m.due_on, pp.explanation_days),
        filed_on=day, filed_by=actor.username,
        decision=(Explanation.Decision.RECTIFY if cause == Cause.SUBJECTIVE
                  else Explanation.Decision.PENDING),
    )  # fmt: skip
    detail: dict[str, Any] = {
        "milestone": m.id,
        "task": m.target.task.code,
        "unit": m.target.unit.code,
        "cause": cause,
        "late": day > explanation.deadline,
    }
    if cause == Cause.SUBJECTIVE:
        r = Rectification.objects.create(
            milestone=m, explanation=explanation, measures=explanation.measures, opened_on=day,
            deadline=day + timedelta(days=pp.rectification_days),
        )  # fmt: skip
        detail["rectification_deadline"] = str(r.deadline)
    audit_record(
        actor=actor.username, action="process_explanation_file", plan=pp.plan_code, detail=detail
    )
    return explanation


@transaction.atomic
def explanation_decide(
    *,
    actor: Account,
    explanation_id: int,
    decision: str,
    note: str = "",
    decided_on: date | None = None,
) -> Explanation:
    """The office decides on an objective cause: coordinate (协调解决: the milestone stays and
    counts) or exempt (免责: the milestone is left out of the score from that day). A
    coordinated case may be exempted later; an exemption is final."""
    _require_office(actor)
    e = (
        Explanation.objects.select_for_update(of=("self",))
        .select_related("milestone__target__task__process_plan", "milestone__target__unit")
        .filter(pk=explanation_id)
        .first()
    )
    if e is None:
        raise _invalid("explanation", "书面说明不存在")
    if e.cause != Cause.OBJECTIVE:
        raise _invalid("decision", "主观原因由单位限期整改,不能免责或协调")
    if decision not in (Explanation.Decision.COORDINATE, Explanation.Decision.EXEMPT):
        raise _invalid("decision", "处理意见只能是协调解决或免责")
    if e.decision == Explanation.Decision.EXEMPT:
        raise _invalid("decision", "该节点已免责")
    if e.decision == decision:
        raise _invalid("decision", "处理意见未改变")
    day = _day(decided_on, "decided_on", label="处理日期")
    if day < e.filed_on:
        raise _invalid("decided_on", "处理日期不能早于说明提交日期")
    if decision == Explanation.Decision.EXEMPT and not note.strip():
        raise _invalid("note", "免责须写明理由")
    previous = e.decision
    e.decision = decision
    e.decision_note = note.strip()
    e.decided_on = day
    e.decided_by = actor.username
    e.save()
    m = e.milestone
    if decision == Explanation.Decision.EXEMPT:
        _exempt(m, f"客观原因免责：{note.strip()}", day)
    audit_record(
        actor=actor.username,
        action="process_explanation_decide",
        plan=m.target.task.process_plan.plan_code,
        detail={
            "milestone": m.id,
            "task": m.target.task.code,
            "unit": m.target.unit.code,
            "decision": decision,
            "previous": previous,
            "note": note.strip(),
        },
    )
    return e


def _exempt(m: Milestone, reason: str, day: date) -> None:
    if m.exempted_on is not None:
        raise _invalid("milestone", "该节点已免责")
    if m.done_on is not None and m.done_on <= m.due_on:
        raise _invalid("milestone", "按时完成的节点无需免责")
    m.exempted_on = day
    m.exempt_reason = reason
    m.save(update_fields=["exempted_on", "exempt_reason"])


@transaction.atomic
def milestone_exempt(
    *, actor: Account, milestone_id: int, reason: str, exempted_on: date | None = None
) -> Milestone:
    """The office exempts a milestone directly (免责, e.g. the county cancelled the project):
    from ``exempted_on`` (default today; within the plan year, never in the future) it is left
    out of P and its target's other milestones take its weight. An objective explanation still
    awaiting a decision (or coordinated) is decided 免责 with the same reason, so nothing is
    left pending; a subjective one keeps its rectification."""
    _require_office(actor)
    m = _milestone(milestone_id)
    if not reason.strip():
        raise _invalid("reason", "免责须写明理由")
    day = _day(exempted_on, "exempted_on", label="免责日期")
    pp = m.target.task.process_plan
    if day.year != pp.year:
        raise _invalid("exempted_on", f"免责日期应在 {pp.year} 年度之内")
    _exempt(m, reason.strip(), day)
    decided = (
        Explanation.objects.filter(
            milestone=m,
            cause=Cause.OBJECTIVE,
            decision__in=(Explanation.Decision.PENDING, Explanation.Decision.COORDINATE),
            filed_on__lte=day,
        ).update(
            decision=Explanation.Decision.EXEMPT, decision_note=reason.strip(), decided_on=day,
            decided_by=actor.username,
        )
    )  # fmt: skip
    audit_record(
        actor=actor.username,
        action="process_milestone_exempt",
        plan=pp.plan_code,
        detail={"milestone": m.id, "task": m.target.task.code, "unit": m.target.unit.code,
                "name": m.name, "reason": reason.strip(), "exempted_on": str(day),
                "explanation_decided": bool(decided)},
    )  # fmt: skip
    return m


@transaction.atomic
def rectification_complete(
    *, actor: Account, rectification_id: int, result: str, done_on: date | None = None
) -> Rectification:
    """The unit reports its rectification done (the office may record it too)."""
    r = (
        Rectification.objects.select_for_update(of=("self",))
        .select_related("milestone__target__task__process_plan", "milestone__target__unit")
        .filter(pk=rectification_id)
        .first()
    )
    if r is None:
        raise _invalid("rectification", "整改事项不存在")
    if actor.role != "office":
        _require_unit_of(actor, r.milestone.target)
    if r.state == Rectification.State.DONE:
        raise _invalid("rectification", f"该整改已于 {r.done_on:%Y-%m-%d} 完成")
    if not result.strip():
        raise _invalid("result", "请填写整改情况")
    day = _day(done_on, "done_on", label="完成日期")
    if actor.role != "office":
        _within_year(r.milestone.target.task.process_plan, day, "done_on", what="报告整改完成")
    if day < r.opened_on:
        raise _invalid("done_on", "完成日期不能早于整改下达日期")
    r.state = Rectification.State.DONE
    r.done_on = day
    r.result = result.strip()
    r.save()
    target = r.milestone.target
    audit_record(
        actor=actor.username,
        action="process_rectification_complete",
        plan=target.task.process_plan.plan_code,
        detail={"milestone": r.milestone_id, "task": target.task.code, "unit": target.unit.code,
                "late": day > r.deadline},
    )  # fmt: skip
    return r


# ---------------------------------------------------------------------------------------------
# Half-year review and the feed of P into the plan


@transaction.atomic
def stage_review_freeze(
    *,
    actor: Account,
    plan_code: str,
    as_of: date,
    stage: str = "H1",
    stage_name: str = "上半年",
) -> list[StageReview]:
    """半年考核: score every unit (its shares) and person (its post responsibilities) of the
    process plan at ``as_of`` — milestones and inspections, rescaled — and freeze the scores
    with their lines. A stage is frozen once; it is never recomputed."""
    _require_office(actor)
    pp = ProcessPlan.objects.select_for_update().filter(plan_code=plan_code).first()
    if pp is None:
        raise _invalid("plan", f"方案 {plan_code} 没有过程考核设置")
    if not stage.strip() or not stage_name.strip():
        raise _invalid("stage", "请填写阶段代码和名称")
    if as_of > today():
        raise _invalid("as_of", "阶段考核截止日期不能晚于今天")
    if StageReview.objects.filter(process_plan=pp, stage=stage).exists():
        raise _invalid("stage", f"{stage_name}考核已冻结,不能重新计算")
    facts = selectors.assessee_facts(pp, as_of)
    reviews = []
    for (kind, key), f in sorted(facts.items()):
        result = selectors.score_of(pp, f, as_of, with_review=False)
        reviews.append(
            StageReview(
                process_plan=pp, stage=stage, stage_name=stage_name, as_of=as_of,
                unit_id=key if kind == "unit" else None,
                person_id=key if kind == "person" else None,
                score=result.score, parts=result.parts, lines=result.lines,
                frozen_by=actor.username,
            )
        )  # fmt: skip
    StageReview.objects.bulk_create(reviews)
    audit_record(
        actor=actor.username,
        action="process_stage_freeze",
        plan=plan_code,
        detail={"stage": stage, "as_of": str(as_of), "assessees": len(reviews)},
    )
    return reviews


@transaction.atomic
def process_feed(
    *,
    actor: Account | None,
    plan_code: str,
    as_of: date,
    source_plan_code: str | None = None,
) -> dict[str, float | None]:
    """Compute P at ``as_of`` for every assessee of ``plan_code`` from the process plan
    ``source_plan_code`` (default: the same code) and write it into the plan's ``process``
    values (``PlanAssessee.process``), with the lines for the explanation page
    (``ProcessScore``). A unit assessee takes its shares of the tasks, a person its post
    responsibilities; one with nothing to score gets no P (missing, as scoring.md says).

    The plan's stored results are dropped when a P changed (they were computed from the old
    values), as data entry does. Returns P per assessee code."""
    from kaohe.entry.services import results_mark_stale

    if actor is not None:
        _require_office(actor)
    if as_of > today():
        # Milestones due before a future date would count as missed before they could be done.
        raise _invalid("as_of", f"计算日期不能晚于今天({today():%Y-%m-%d})")
    plan = Plan.objects.select_for_update().filter(code=plan_code).first()
    if plan is None:
        raise _invalid("plan", f"考核方案 {plan_code} 不存在")
    source = source_plan_code or plan_code
    pp = ProcessPlan.objects.filter(plan_code=source).first()
    if pp is None:
        raise _invalid("plan", f"方案 {source} 没有过程考核设置")
    assessees = list(PlanAssessee.objects.filter(plan=plan).order_by("order"))
    out: dict[str, float | None] = {}
    scores = []
    changed = []
    for a, result in zip(assessees, selectors.feed_results(pp, assessees, as_of), strict=True):
        out[a.code] = result.score
        scores.append(
            ProcessScore(
                process_plan=pp, plan_code=plan_code, assessee=a.code, as_of=as_of,
                score=result.score, parts=result.parts, lines=result.lines,
            )
        )  # fmt: skip
        if a.process != result.score:
            a.process = result.score
            changed.append(a)
    PlanAssessee.objects.bulk_update(changed, ["process"], batch_size=1000)
    ProcessScore.objects.filter(plan_code=plan_code).delete()
    ProcessScore.objects.bulk_create(scores, batch_size=1000)
    pp.fed_on = as_of
    pp.save(update_fields=["fed_on"])
    stale = results_mark_stale(plan=plan) if changed else False
    audit_record(
        actor=actor.username if actor is not None else None,
        action="process_feed",
        plan=plan_code,
        detail={
            "source": source,
            "as_of": str(as_of),
            "assessees": len(assessees),
            "scored": sum(1 for v in out.values() if v is not None),
            "changed": len(changed),
            "results_dropped": stale,
        },
    )
    return out
