"""The demo county's year of process assessment (过程考核, issue 5; docs/process.md).

青山县's county committee and government set ten central tasks for 2025 (重点任务 / 重点项目,
three of them public commitments, 一承诺); each is decomposed to the units that carry it (目标
分解), with four dated milestones (节点) a year, and the township heads answer in person for
the public ones (岗位责任). Through the year the units report progress, 县委办 and 政府办
inspect each share every month (月度督查), milestones that slip turn red, the units explain
them (主观 → 限期整改, 客观 → the office coordinates or exempts), and the half-year review (半年
考核) is frozen on 30 June. A unit's hidden quality (``County.quality``) drives all of it.

The year is generated as plain data (``demo_year``, deterministic in the seed, no database),
and the units plan's ``process`` values are the process scores P of that year computed by the
engine (``process_scores``) — so the plan's document and the stored process records tell the
same story: ``demo_process_load`` stores the year and feeds P into the loaded plan through
``process_feed``, which then finds exactly the document's values (a test checks it).
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from kaohe.demo.county import County
from kaohe.engine.process import (
    InspectionFact,
    MilestoneFact,
    ProcessResult,
    ProcessSettings,
    ReviewFact,
    process_score,
)

YEAR = 2025
YEAR_END = date(YEAR, 12, 31)
H1_END = date(YEAR, 6, 30)
SETTINGS = ProcessSettings()  # the documented defaults: 60/20/20, N = 7, 1.0/0.6/0

# code, name, kind, lead body (the demo's assessor names), public (一承诺), weight,
# the unit kinds that carry it, its stage goals (the four milestones' names).
TASKS: tuple[tuple[str, str, str, str, bool, float, tuple[str, ...], tuple[str, ...]], ...] = (
    ("K01", "农村人居环境整治提升", "task", "县委办", True, 1.0, ("township",),
     ("制定整治方案", "完成垃圾污水治理五成", "完成改厕和村容村貌整治", "全面完成并通过验收")),
    ("K02", "高标准农田建设", "project", "政府办", True, 1.0, ("township",),
     ("完成规划设计", "完成土地平整", "完成灌排和田间道路", "竣工验收")),
    ("K03", "招商引资“一号工程”", "task", "政府办", False, 2.0, ("township", "JJ"),
     ("签约项目一个", "签约项目累计三个", "到位资金过半", "完成全年到位资金")),
    ("K04", "优化营商环境", "task", "政府办", False, 1.0, ("ZF", "ZW", "window"),
     ("梳理事项清单", "压缩办理时限三成", "实现一网通办", "第三方评估达标")),
    ("K05", "基层党建“三化”建设", "task", "县委办", False, 1.0, ("township", "DQ"),
     ("制定年度计划", "完成支部标准化建设五成", "完成软弱涣散支部整顿", "考评验收")),
    ("K06", "安全生产专项整治", "task", "政府办", False, 1.0, ("township", "ZF"),
     ("排查隐患", "整改重大隐患", "开展专项执法", "建立长效机制")),
    ("K07", "为民办实事", "task", "县委办", True, 1.0, ("township", "ZW", "window"),
     ("公开承诺实事清单", "完成实事三成", "完成实事七成", "全部兑现并接受评议")),
    ("K08", "重点项目建设", "project", "政府办", False, 2.0, ("ZW", "JJ"),
     ("完成前期手续", "开工建设", "完成年度投资七成", "完成年度投资")),
    ("K09", "干部作风建设年", "task", "县委办", False, 1.0, ("DQ", "ZF", "ZW", "JJ", "window"),
     ("制定活动方案", "开展查摆", "集中整改", "总结评估")),
    ("K10", "乡村振兴驻村帮扶", "task", "县委办", False, 1.0, ("DQ", "ZW", "JJ"),
     ("选派驻村工作队", "完成帮扶项目立项", "帮扶项目过半", "帮扶项目完工")),
)  # fmt: skip

# Milestones: due dates of the four steps and their weights (the last counts double).
STEPS: tuple[tuple[date, float], ...] = (
    (date(YEAR, 3, 31), 1.0),
    (date(YEAR, 6, 30), 1.0),
    (date(YEAR, 9, 30), 1.0),
    (date(YEAR, 12, 15), 2.0),
)
SUBJECTIVE = ("组织推进不力，工作进度滞后", "前期准备不足，统筹安排不当", "责任未压实到人")
OBJECTIVE = ("上级政策调整，项目审批暂缓", "汛期持续强降雨，无法施工", "上级资金未按期下达")
MEASURES = ("主要领导包抓，倒排工期，每周调度", "增派专班力量，加班推进", "压实责任到人，限期补齐")
NOTES = ("按计划推进", "已召开专题调度会", "资料已上传", "正在组织实施", "进展顺利")
BEHIND = ("受天气影响进度滞后", "资金尚未到位", "协调难度大，进度滞后")
INSPECTION_NOTES = {
    "good": "推进有力，成效明显",
    "fairly_good": "推进较好",
    "fair": "进度一般，需加快",
    "poor": "进度滞后，责令整改",
}


@dataclass
class DemoExplanation:
    cause: str  # subjective | objective
    text: str
    measures: str
    filed_on: date
    decision: str  # rectify | pending | coordinate | exempt
    decided_on: date | None = None
    decision_note: str = ""
    # 限期整改 (subjective): opened on filing, due 30 days later; done_on None = still open.
    rectification_done_on: date | None = None
    rectification_result: str = ""


@dataclass
class DemoMilestone:
    name: str
    due_on: date
    weight: float
    done_on: date | None
    # (reported_on, status, percent, note), in date order
    reports: list[tuple[date, str, int, str]] = field(default_factory=list)
    explanation: DemoExplanation | None = None
    exempted_on: date | None = None
    exempt_reason: str = ""


@dataclass
class DemoTarget:
    task: str
    unit: str
    leader: str
    goal: str
    weight: float
    milestones: list[DemoMilestone]
    inspections: list[tuple[date, str, str, date]]  # (month, rating, note, inspected_on)
    # 岗位责任 (person codes); stored with the first POST_STEPS milestones (_store_post_milestones)
    people: list[str] = field(default_factory=list)


@dataclass
class DemoYear:
    targets: list[DemoTarget]
    reviews: dict[str, float | None]  # H1 stage score per unit
    results: dict[str, ProcessResult]  # P at the year's end per unit

    @property
    def scores(self) -> dict[str, float | None]:
        return {code: r.score for code, r in self.results.items()}


def _leaders(county: County) -> dict[str, str]:
    """The name of who answers for each unit (党委书记 of a township, the head elsewhere)."""
    leaders: dict[str, str] = {}
    for p in county.people:
        if p.role == "cadre" and p.unit not in leaders:
            leaders[p.unit] = p.name
    return leaders


def _heads(county: County) -> dict[str, str]:
    """The township heads (镇长/乡长): the person codes answering for public commitments."""
    return {
        p.unit: p.code
        for p in county.people
        if p.role == "cadre" and p.position in ("镇长", "乡长")
    }


def _milestone(rng: random.Random, q: float, name: str, due: date, weight: float) -> DemoMilestone:
    """One milestone's year: done on time, late, or not at all (by quality), with its reports
    and, when it turned red, the unit's explanation and what came of it."""
    roll = rng.random()
    on_time = 0.6 + 0.37 * q
    done_on: date | None
    if roll < on_time:
        done_on = due - timedelta(days=rng.randint(0, 20))
    elif roll < on_time + (1 - on_time) * 0.65:
        done_on = due + timedelta(days=rng.randint(3, 45))
        if done_on > YEAR_END:
            done_on = None
    else:
        done_on = None
    m = DemoMilestone(name, due, weight, done_on)
    # A progress report a month before the due date; a "behind" one when it is slipping.
    first = due - timedelta(days=rng.randint(25, 40))
    late = done_on is None or done_on > due
    if late and rng.random() < 0.7:
        m.reports.append((first, "behind", rng.randint(20, 50), rng.choice(BEHIND)))
    else:
        m.reports.append((first, "on_schedule", rng.randint(40, 70), rng.choice(NOTES)))
    if done_on is not None:
        m.reports.append((max(done_on, first), "done", 100, "已完成，佐证材料已上传"))
    if late:
        _explain(rng, m)
    return m


def _explain(rng: random.Random, m: DemoMilestone) -> None:
    """A red milestone: most units explain within the 5 days, some late, a few never."""
    roll = rng.random()
    if roll < 0.75:
        filed = m.due_on + timedelta(days=rng.randint(1, 5))
    elif roll < 0.9:
        filed = m.due_on + timedelta(days=rng.randint(8, 20))
    else:
        return  # never explained: an overdue explanation on the office's dashboard
    if filed > YEAR_END or (m.done_on is not None and filed >= m.done_on):
        return  # done before it had to be explained
    if rng.random() < 0.3:
        e = DemoExplanation("objective", rng.choice(OBJECTIVE), "", filed, "pending")
        if rng.random() < 0.85:
            e.decided_on = min(filed + timedelta(days=rng.randint(2, 10)), YEAR_END)
            # Only a milestone still not done can be exempted; a late one was coordinated.
            if m.done_on is None and rng.random() < 0.6:
                e.decision, e.decision_note = "exempt", "经核实属客观原因，予以免责"
                m.exempted_on = e.decided_on
                m.exempt_reason = f"客观原因免责：{e.decision_note}"
            else:
                e.decision, e.decision_note = "coordinate", "县里协调相关部门解决"
    else:
        e = DemoExplanation(
            "subjective", rng.choice(SUBJECTIVE), rng.choice(MEASURES), filed, "rectify"
        )
        if rng.random() < 0.85:
            done = filed + timedelta(days=rng.randint(10, 40))  # some after the 30 days
            if done <= YEAR_END:
                e.rectification_done_on = done
                e.rectification_result = "已按整改措施落实到位"
    m.explanation = e


def _inspections(rng: random.Random, q: float) -> list[tuple[date, str, str, date]]:
    out = []
    for month in range(1, 13):
        if rng.random() < 0.03:
            continue  # the lead body missed a month: shown as missing on the schedule
        x = rng.random()
        good = 0.15 + 0.5 * q
        rating = (
            "good" if x < good
            else "fairly_good" if x < good + 0.35
            else "fair" if x < 0.97 - 0.1 * q
            else "poor"
        )  # fmt: skip
        first = date(YEAR, month, 1)
        end = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        out.append(
            (first, rating, INSPECTION_NOTES[rating], end - timedelta(days=rng.randint(0, 6)))
        )
    return out


def demo_year(county: County, assessees: Iterable[str]) -> DemoYear:
    """The county's year of process assessment for the units plan's assessees. Its random
    stream is its own, seeded by the county itself (so by the demo's seed), so the plans'
    other draws are untouched and the same county always has the same year."""
    rng = random.Random(repr(sorted(county.quality.items())))
    codes = set(assessees)
    leaders = _leaders(county)
    heads = _heads(county)
    targets: list[DemoTarget] = []
    for code, name, _kind, _lead, public, _weight, kinds, steps in TASKS:
        for unit in county.units:
            if unit.kind not in kinds or unit.code not in codes:
                continue
            q = county.quality[unit.code]
            milestones = [
                _milestone(rng, q, step, due, weight)
                for step, (due, weight) in zip(steps, STEPS, strict=True)
            ]
            target = DemoTarget(
                task=code,
                unit=unit.code,
                leader=leaders.get(unit.code, f"{unit.name}主要负责人"),
                goal=f"{unit.name}{name}:{steps[-1]}",
                weight=1.0,
                milestones=milestones,
                inspections=_inspections(rng, q),
            )
            if public and unit.code in heads:
                target.people = [heads[unit.code]]
            targets.append(target)
    reviews = {
        unit: _score(ts, H1_END, [], with_review=False).score
        for unit, ts in _by_unit(targets).items()
    }
    results = {
        unit: _score(ts, YEAR_END, [ReviewFact("上半年", H1_END, reviews[unit])])
        for unit, ts in _by_unit(targets).items()
    }
    return DemoYear(targets, reviews, results)


def _by_unit(targets: list[DemoTarget]) -> dict[str, list[DemoTarget]]:
    out: dict[str, list[DemoTarget]] = {}
    for t in targets:
        out.setdefault(t.unit, []).append(t)
    return out


def _known(day: date | None, as_of: date) -> date | None:
    return day if day is not None and day <= as_of else None


def _score(
    targets: list[DemoTarget], as_of: date, reviews: list[ReviewFact], *, with_review: bool = True
) -> ProcessResult:
    weights = {code: weight for code, _n, _k, _l, _p, weight, _ks, _s in TASKS}
    milestones = [
        MilestoneFact(
            f"{t.task}/{t.unit}", weights[t.task] * t.weight, m.weight, m.due_on,
            _known(m.done_on, as_of), _known(m.exempted_on, as_of), m.name,
        )
        for t in targets
        for m in t.milestones
    ]  # fmt: skip
    inspections = [
        InspectionFact(rating, weights[t.task] * t.weight, month)
        for t in targets
        for month, rating, _note, inspected_on in t.inspections
        if inspected_on <= as_of
    ]
    return process_score(
        milestones=milestones, inspections=inspections, reviews=reviews, settings=SETTINGS,
        as_of=as_of, with_review=with_review,
    )  # fmt: skip


def process_scores(county: County, assessees: Iterable[str]) -> dict[str, float]:
    """日常考核 P of each units-plan assessee at the year's end, from the demo's year (the
    units plan's ``data.process``); an assessee with nothing to score is left out (missing)."""
    return {
        code: score for code, score in demo_year(county, assessees).scores.items()
        if score is not None
    }  # fmt: skip


# ---------------------------------------------------------------------------------------------
# Into the database


@dataclass(frozen=True)
class DemoOffice:
    """The office acting for the demo's build (the accounts are created after the plans)."""

    username: str = "demo"
    role: str = "office"
    unit_id: int | None = None
    assessor: str | None = None


def demo_process_load(
    *, plan_code: str = "2025-units", seed: int = 2025, actor: str = "demo"
) -> dict[str, Any]:
    """Store the demo's year for the loaded units plan, freeze its half-year review and feed P
    into the plan. The year is bulk-inserted in one transaction with one audit record (a
    demo's build, not a county's work); the review and the feed go through their services.
    Returns counts for the demo's printout and its tests."""
    from django.db import transaction

    from kaohe.audit.services import audit_record
    from kaohe.demo.county import build_county
    from kaohe.org.models import Person, Unit
    from kaohe.plans.models import PlanAssessee
    from kaohe.process import models as pm
    from kaohe.process.services import process_feed, stage_review_freeze

    county = build_county(random.Random(seed))
    assessees = list(
        PlanAssessee.objects.filter(plan__code=plan_code).values_list("code", flat=True)
    )
    year = demo_year(county, assessees)
    office = DemoOffice(username=actor)
    with transaction.atomic():
        pm.ProcessPlan.objects.filter(plan_code=plan_code).delete()
        pp = pm.ProcessPlan.objects.create(plan_code=plan_code, year=YEAR)
        units = dict(Unit.objects.values_list("code", "id"))
        people = dict(Person.objects.values_list("code", "id"))
        tasks = {
            code: pm.Task.objects.create(
                process_plan=pp, order=i, code=code, name=name, kind=kind, lead_body=lead,
                public=public, weight=weight, starts_on=date(YEAR, 1, 1), ends_on=YEAR_END,
                description="、".join(steps),
            )
            for i, (code, name, kind, lead, public, weight, _kinds, steps) in enumerate(TASKS, 1)
        }  # fmt: skip
        order: dict[str, int] = {}
        rows: list[tuple[DemoTarget, pm.Target]] = []
        for t in year.targets:
            order[t.task] = order.get(t.task, 0) + 1
            rows.append((t, pm.Target(
                task=tasks[t.task], order=order[t.task], unit_id=units[t.unit], leader=t.leader,
                goal=t.goal, weight=t.weight,
            )))  # fmt: skip
        pm.Target.objects.bulk_create([row for _, row in rows])
        saved = {(t.task, t.unit): row for t, row in rows}
        post: list[tuple[DemoTarget, pm.Target]] = []
        for t, parent in rows:
            for n, person in enumerate(t.people, start=1):
                post.append((t, pm.Target(
                    task=parent.task, parent=parent, order=order[t.task] + n,
                    unit_id=parent.unit_id, person_id=people[person], leader=t.leader,
                    goal=t.goal, weight=1.0,
                )))  # fmt: skip
            order[t.task] += len(t.people)
        pm.Target.objects.bulk_create([row for _, row in post])
        _store_milestones(pm, year, saved)
        _store_post_milestones(pm, post)
        _store_inspections(pm, year, saved)
        audit_record(
            actor=actor, action="process_demo_load", plan=plan_code,
            detail={"tasks": len(tasks), "targets": len(rows), "seed": seed},
        )  # fmt: skip
    stage_review_freeze(actor=office, plan_code=plan_code, as_of=H1_END)
    fed = process_feed(actor=office, plan_code=plan_code, as_of=YEAR_END)
    milestones = [m for t in year.targets for m in t.milestones]
    return {
        "tasks": len(TASKS),
        "targets": len(year.targets),
        "milestones": len(milestones),
        "red": sum(1 for m in milestones if m.done_on is None and m.exempted_on is None),
        "late": sum(1 for m in milestones if m.done_on is not None and m.done_on > m.due_on),
        "explanations": sum(1 for m in milestones if m.explanation is not None),
        "exempted": sum(1 for m in milestones if m.exempted_on is not None),
        "inspections": sum(len(t.inspections) for t in year.targets),
        "fed": fed,
        "expected": year.scores,
    }


# A township head's post responsibility (岗位责任) for a public commitment: the head leads the
# first POST_STEPS steps in person (督导), due and done with the unit's. They score the head's
# own P (a person's P counts only its post responsibilities) and never the unit's, whose P
# counts its shares only — so the fed unit P stays the document's.
POST_STEPS = 2


def _store_post_milestones(pm: Any, post: list[tuple[DemoTarget, Any]]) -> None:
    rows = []
    for t, target in post:
        for i, m in enumerate(t.milestones[:POST_STEPS], start=1):
            rows.append(pm.Milestone(
                target=target, order=i, name=f"督导推进：{m.name}", due_on=m.due_on,
                weight=m.weight, status="done" if m.done_on else "on_schedule",
                percent=100 if m.done_on else 0, done_on=m.done_on,
                exempted_on=m.exempted_on, exempt_reason=m.exempt_reason,
            ))  # fmt: skip
    pm.Milestone.objects.bulk_create(rows)


def _store_milestones(pm: Any, year: DemoYear, saved: dict[tuple[str, str], Any]) -> None:
    ms, reports, explanations = [], [], []
    for t in year.targets:
        for i, m in enumerate(t.milestones, start=1):
            status, percent = (
                (m.reports[-1][1], m.reports[-1][2]) if m.reports else ("on_schedule", 0)
            )
            row = pm.Milestone(
                target=saved[(t.task, t.unit)], order=i, name=m.name, due_on=m.due_on,
                weight=m.weight, status=status, percent=percent, done_on=m.done_on,
                exempted_on=m.exempted_on, exempt_reason=m.exempt_reason,
            )  # fmt: skip
            ms.append((m, row))
    pm.Milestone.objects.bulk_create([row for _, row in ms])
    for m, row in ms:
        for day, status, percent, note in m.reports:
            reports.append(pm.ProgressReport(
                milestone=row, reported_on=day, status=status, percent=percent, note=note,
                actor="demo",
            ))  # fmt: skip
        e = m.explanation
        if e is not None:
            explanations.append((e, row, pm.Explanation(
                milestone=row, cause=e.cause, text=e.text, measures=e.measures,
                deadline=m.due_on + timedelta(days=1 + SETTINGS.explanation_days),
                filed_on=e.filed_on, filed_by="demo", decision=e.decision,
                decision_note=e.decision_note, decided_on=e.decided_on,
                decided_by="demo" if e.decided_on else "",
            )))  # fmt: skip
    pm.ProgressReport.objects.bulk_create(reports, batch_size=2000)
    pm.Explanation.objects.bulk_create([x for _, _, x in explanations])
    pm.Rectification.objects.bulk_create([
        pm.Rectification(
            milestone=row, explanation=x, measures=e.measures, opened_on=e.filed_on,
            deadline=e.filed_on + timedelta(days=SETTINGS.rectification_days),
            state="done" if e.rectification_done_on else "open",
            done_on=e.rectification_done_on, result=e.rectification_result,
        )
        for e, row, x in explanations
        if e.cause == "subjective"
    ])  # fmt: skip


def _store_inspections(pm: Any, year: DemoYear, saved: dict[tuple[str, str], Any]) -> None:
    lead = {code: body for code, _n, _k, body, _p, _w, _ks, _s in TASKS}
    pm.Inspection.objects.bulk_create(
        [
            pm.Inspection(
                target=saved[(t.task, t.unit)], month=month, assessor=lead[t.task],
                rating=rating, note=note, inspected_on=inspected_on, actor="demo",
            )
            for t in year.targets
            for month, rating, note, inspected_on in t.inspections
        ],
        batch_size=2000,
    )  # fmt: skip
