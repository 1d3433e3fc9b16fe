"""Writes of the office's set-up of a plan's process assessment (docs/process.md, "Setting up"):
edit and delete tasks, targets and milestones (``services.task_create`` & co. create them), and
the office's confirmation (销号) or reopening of a rectification the unit reported done.

Kept apart from ``services.py`` (the year's work) so the set-up pages and the import have one
module of their own; the same rules hold: keyword-only, one transaction and one audit record
each, ``ValidationError({field: [中文]})`` on bad input, office only.

Deleting is refused once the year has started on the thing: a task, target or milestone with a
progress report, an inspection, an explanation or a frozen stage review keeps the history that
P and the audit were computed from. The office then edits it (the name, a weight, a date) or
exempts the milestone (免责) instead — the message says which.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Q

from kaohe.audit.services import audit_record
from kaohe.org.models import Person
from kaohe.process.models import (
    Explanation,
    Inspection,
    Milestone,
    ProgressReport,
    Rectification,
    StageReview,
    Target,
    Task,
)
from kaohe.process.services import Account, _day, _invalid, _require_office, check_task


def _activity(milestones: Q, targets: Q) -> list[str]:
    """What the year has recorded under the milestones/targets selected (for refusing a delete)."""
    found = []
    reports = ProgressReport.objects.filter(milestone__in=Milestone.objects.filter(milestones))
    if reports.exists():
        found.append(f"{reports.count()} 条进度报告")
    explanations = Explanation.objects.filter(milestone__in=Milestone.objects.filter(milestones))
    if explanations.exists():
        found.append(f"{explanations.count()} 份书面说明")
    inspections = Inspection.objects.filter(target__in=Target.objects.filter(targets))
    if inspections.exists():
        found.append(f"{inspections.count()} 次月度督查评价")
    return found


def _refuse_delete(what: str, found: list[str]) -> None:
    if found:
        raise _invalid(
            "delete",
            f"{what}已有{'、'.join(found)}，不能删除（这些记录是日常考核得分的依据）；"
            "可以修改名称、权重或时限，或对节点办理免责",
        )


def _check_weight(weight: float) -> None:
    if not weight > 0:
        raise _invalid("weight", "权重必须大于 0")


# ---------------------------------------------------------------------------------------------
# Tasks


@transaction.atomic
def task_update(
    *,
    actor: Account,
    task: Task,
    name: str,
    lead_body: str,
    starts_on: date,
    ends_on: date,
    kind: str = Task.Kind.TASK,
    public: bool = False,
    weight: float = 1.0,
    description: str = "",
) -> Task:
    """Change a task (its code stays: reports, audit and imports name it)."""
    _require_office(actor)
    check_task(name=name, lead_body=lead_body, kind=kind, weight=weight,
               starts_on=starts_on, ends_on=ends_on)  # fmt: skip
    outside = (
        Milestone.objects.filter(target__task=task)
        .filter(Q(due_on__lt=starts_on) | Q(due_on__gt=ends_on))
        .order_by("due_on")
        .first()
    )
    if outside is not None:
        raise _invalid(
            "ends_on" if outside.due_on > ends_on else "starts_on",
            f"节点“{outside.name}”的时限 {outside.due_on:%Y-%m-%d} 将落在任务期限之外，"
            "请先调整该节点",
        )
    before = {
        "name": task.name, "lead_body": task.lead_body, "kind": task.kind,
        "public": task.public, "weight": task.weight, "starts_on": str(task.starts_on),
        "ends_on": str(task.ends_on),
    }  # fmt: skip
    task.name, task.lead_body, task.kind = name.strip(), lead_body.strip(), kind
    task.public, task.weight, task.description = public, weight, description.strip()
    task.starts_on, task.ends_on = starts_on, ends_on
    task.save()
    audit_record(
        actor=actor.username,
        action="process_task_update",
        plan=task.process_plan.plan_code,
        detail={"task": task.code, "before": before, "public": public, "weight": weight,
                "name": task.name, "lead_body": task.lead_body},
    )  # fmt: skip
    return task


@transaction.atomic
def task_delete(*, actor: Account, task: Task) -> None:
    """Delete a task with its targets and milestones, unless the year has started on it."""
    _require_office(actor)
    _refuse_delete(
        f"任务 {task.code}",
        _activity(Q(target__task=task), Q(task=task)),
    )
    plan = task.process_plan.plan_code
    counts = {
        "targets": task.targets.count(),
        "milestones": Milestone.objects.filter(target__task=task).count(),
    }
    code = task.code
    task.delete()
    audit_record(
        actor=actor.username,
        action="process_task_delete",
        plan=plan,
        detail={"task": code, **counts},
    )


# ---------------------------------------------------------------------------------------------
# Targets (a unit's share, a person's post responsibility)


@transaction.atomic
def target_update(
    *, actor: Account, target: Target, leader: str, weight: float = 1.0, goal: str = ""
) -> Target:
    """Change a target's leader, goal and weight (its unit and person stay: delete and add
    again to move it)."""
    _require_office(actor)
    if not leader.strip():
        raise _invalid("leader", "请填写责任领导")
    _check_weight(weight)
    before = {"leader": target.leader, "weight": target.weight}
    target.leader, target.goal, target.weight = leader.strip(), goal.strip(), weight
    target.save(update_fields=["leader", "goal", "weight"])
    audit_record(
        actor=actor.username,
        action="process_target_update",
        plan=target.task.process_plan.plan_code,
        detail={"task": target.task.code, "unit": target.unit.code,
                "person": target.person.code if target.person else None, "before": before,
                "leader": target.leader, "weight": weight},
    )  # fmt: skip
    return target


@transaction.atomic
def target_delete(*, actor: Account, target: Target) -> None:
    """Delete a unit's share (with its post responsibilities) or a post responsibility, with
    their milestones, unless the year has started on them."""
    _require_office(actor)
    ids = [target.id, *target.children.values_list("id", flat=True)]
    who = target.person.name if target.person else target.unit.name
    _refuse_delete(
        f"{who}承担的任务 {target.task.code}",
        _activity(Q(target_id__in=ids), Q(pk__in=ids)),
    )
    if (
        StageReview.objects.filter(
            Q(person_id=target.person_id) if target.person_id else Q(unit_id=target.unit_id),
            process_plan=target.task.process_plan,
        ).exists()
        and Milestone.objects.filter(target_id__in=ids).exists()
    ):
        raise _invalid("delete", f"{who}的半年考核已冻结，已计分的节点不能删除；可对节点办理免责")
    detail = {
        "task": target.task.code, "unit": target.unit.code,
        "person": target.person.code if target.person else None,
        "milestones": Milestone.objects.filter(target_id__in=ids).count(),
        "post_responsibilities": len(ids) - 1,
    }  # fmt: skip
    plan = target.task.process_plan.plan_code
    target.delete()
    audit_record(actor=actor.username, action="process_target_delete", plan=plan, detail=detail)


def person_of(code_or_name: str) -> Person | None:
    """A person by code, or by name when the name is unique."""
    text = code_or_name.strip()
    found = Person.objects.filter(code=text).first()
    if found is not None:
        return found
    named = list(Person.objects.filter(name=text)[:2])
    return named[0] if len(named) == 1 else None


# ---------------------------------------------------------------------------------------------
# Milestones


@transaction.atomic
def milestone_update(
    *, actor: Account, milestone: Milestone, name: str, due_on: date, weight: float = 1.0
) -> Milestone:
    """Change a milestone's name, due date or weight. A due date moved after a report or an
    explanation changes the lights of the past: allowed (a plan adjustment, 计划调整), and the
    audit keeps the old date."""
    _require_office(actor)
    if not name.strip():
        raise _invalid("name", "节点名称不能为空")
    _check_weight(weight)
    task = milestone.target.task
    if not task.starts_on <= due_on <= task.ends_on:
        raise _invalid(
            "due_on",
            f"节点时限应在任务期限 {task.starts_on:%Y-%m-%d} 至 {task.ends_on:%Y-%m-%d} 之内",
        )
    before = {"name": milestone.name, "due_on": str(milestone.due_on), "weight": milestone.weight}
    milestone.name, milestone.due_on, milestone.weight = name.strip(), due_on, weight
    milestone.save(update_fields=["name", "due_on", "weight"])
    audit_record(
        actor=actor.username,
        action="process_milestone_update",
        plan=task.process_plan.plan_code,
        detail={"milestone": milestone.id, "task": task.code, "unit": milestone.target.unit.code,
                "before": before, "name": milestone.name, "due_on": str(due_on),
                "weight": weight},
    )  # fmt: skip
    return milestone


@transaction.atomic
def milestone_delete(*, actor: Account, milestone: Milestone) -> None:
    _require_office(actor)
    _refuse_delete(f"节点“{milestone.name}”", _activity(Q(pk=milestone.pk), Q(pk__in=[])))
    if milestone.done_on is not None or milestone.exempted_on is not None:
        raise _invalid("delete", f"节点“{milestone.name}”已完成或已免责，不能删除")
    target = milestone.target
    detail = {"milestone": milestone.id, "task": target.task.code, "unit": target.unit.code,
              "name": milestone.name, "due_on": str(milestone.due_on)}  # fmt: skip
    milestone.delete()
    audit_record(
        actor=actor.username,
        action="process_milestone_delete",
        plan=target.task.process_plan.plan_code,
        detail=detail,
    )


# ---------------------------------------------------------------------------------------------
# 整改销号: the office confirms a rectification the unit reported done, or reopens it


@transaction.atomic
def rectification_confirm(
    *, actor: Account, rectification_id: int, note: str = "", confirmed_on: date | None = None
) -> Rectification:
    """销号: the office checks a rectification the unit reported done and closes it for good."""
    _require_office(actor)
    r = _rectification(rectification_id)
    if r.state != Rectification.State.DONE:
        raise _invalid("rectification", "单位尚未报告整改完成，不能销号")
    if r.confirmed_on is not None:
        raise _invalid("rectification", f"该整改已于 {r.confirmed_on:%Y-%m-%d} 销号")
    day = _day(confirmed_on, "confirmed_on", label="销号日期")
    assert r.done_on is not None
    if day < r.done_on:
        raise _invalid("confirmed_on", f"销号日期不能早于整改完成日期（{r.done_on:%Y-%m-%d}）")
    r.confirmed_on, r.confirmed_by, r.confirm_note = day, actor.username, note.strip()
    r.save(update_fields=["confirmed_on", "confirmed_by", "confirm_note"])
    _audit_rectification(actor, r, "process_rectification_confirm", {"confirmed_on": str(day)})
    return r


@transaction.atomic
def rectification_reopen(
    *, actor: Account, rectification_id: int, note: str, deadline: date
) -> Rectification:
    """The office finds the rectification not done after all: it is open again, with the
    reason and a new deadline (the unit reports it done again, and the office checks again)."""
    _require_office(actor)
    r = _rectification(rectification_id)
    if r.state != Rectification.State.DONE:
        raise _invalid("rectification", "该整改尚未报告完成，无需退回")
    if r.confirmed_on is not None:
        raise _invalid("rectification", "已销号的整改不能退回")
    if not note.strip():
        raise _invalid("note", "退回整改须写明理由")
    if deadline < _day(None, "deadline", label="整改期限"):
        raise _invalid("deadline", "新的整改期限不能早于今天")
    previous = {"done_on": str(r.done_on), "result": r.result, "deadline": str(r.deadline)}
    r.state, r.done_on, r.deadline = Rectification.State.OPEN, None, deadline
    r.confirm_note = note.strip()
    r.save(update_fields=["state", "done_on", "deadline", "confirm_note"])
    _audit_rectification(
        actor, r, "process_rectification_reopen",
        {"note": note.strip(), "deadline": str(deadline), "previous": previous},
    )  # fmt: skip
    return r


def _rectification(rectification_id: int) -> Rectification:
    r = (
        Rectification.objects.select_for_update(of=("self",))
        .select_related("milestone__target__task__process_plan", "milestone__target__unit")
        .filter(pk=rectification_id)
        .first()
    )
    if r is None:
        raise _invalid("rectification", "整改事项不存在")
    return r


def _audit_rectification(
    actor: Account, r: Rectification, action: str, extra: dict[str, Any]
) -> None:
    target = r.milestone.target
    audit_record(
        actor=actor.username,
        action=action,
        plan=target.task.process_plan.plan_code,
        detail={"rectification": r.id, "milestone": r.milestone_id, "task": target.task.code,
                "unit": target.unit.code, **extra},
    )  # fmt: skip


__all__ = [
    "milestone_delete",
    "milestone_update",
    "person_of",
    "rectification_confirm",
    "rectification_reopen",
    "target_delete",
    "target_update",
    "task_delete",
    "task_update",
]
