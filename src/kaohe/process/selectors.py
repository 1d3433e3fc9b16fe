"""Reads for process assessment (docs/process.md): lights at an as-of date, dashboards, the
inspection schedule, the quarterly feedback, the public board and the facts the score needs.

Every selector runs a fixed number of SQL queries whatever the number of tasks, targets,
milestones or reports (``tests`` pin the counts): rows are fetched per table for the whole
process plan (or one unit) and put together in Python. Lights are never stored; they follow
from the dates by ``kaohe.engine.process.light`` at the as-of date asked for, and a report,
explanation or rectification dated after the as-of date is not yet known at that date.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from dataclasses import dataclass, field, fields
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, OuterRef, Q, Subquery

from kaohe.engine.process import (
    InspectionFact,
    LightState,
    MilestoneFact,
    ProcessResult,
    ProcessSettings,
    ReviewFact,
    light,
    process_score,
)
from kaohe.engine.rounding import round2
from kaohe.org.models import Unit
from kaohe.process.models import (
    Explanation,
    Inspection,
    Milestone,
    ProcessPlan,
    ProcessScore,
    ProgressReport,
    Rectification,
    Schedule,
    StageReview,
    Target,
    Task,
)

LIGHTS = ("green", "yellow", "red", "exempt")


# ---------------------------------------------------------------------------------------------
# Settings and display


@dataclass(frozen=True)
class LightStyle:
    name: str
    colour: str


def process_plan_for(plan_code: str) -> ProcessPlan | None:
    return ProcessPlan.objects.filter(plan_code=plan_code).first()


def settings_of(pp: ProcessPlan) -> ProcessSettings:
    """The engine's frozen settings from the stored row."""
    return ProcessSettings(**{f.name: getattr(pp, f.name) for f in fields(ProcessSettings)})


def light_styles(pp: ProcessPlan) -> dict[str, LightStyle]:
    """The plan's names and colours of the lights (``exempt`` is always grey 免责)."""
    return {
        "green": LightStyle(pp.green_name, pp.green_colour),
        "yellow": LightStyle(pp.yellow_name, pp.yellow_colour),
        "red": LightStyle(pp.red_name, pp.red_colour),
        "exempt": LightStyle("免责", "#9ca3af"),
    }


def explanation_deadline(due_on: date, explanation_days: int) -> date:
    """The last day to file a written explanation: a milestone turns red the day after it is
    due, and the unit has ``explanation_days`` from then.

    >>> explanation_deadline(date(2025, 6, 30), 5)
    datetime.date(2025, 7, 6)
    """
    return due_on + timedelta(days=1 + explanation_days)


# ---------------------------------------------------------------------------------------------
# Milestones with their lights


@dataclass
class ExplanationInfo:
    id: int
    cause: str
    cause_label: str
    decision: str
    decision_label: str
    text: str
    measures: str
    filed_on: date
    deadline: date
    late: bool  # filed after its deadline
    decision_note: str
    decided_on: date | None


@dataclass
class RectificationInfo:
    id: int
    measures: str
    opened_on: date
    deadline: date
    done: bool
    done_on: date | None
    result: str
    overdue: bool  # open after its deadline at the as-of date
    # 整改销号 by the office (services_setup.rectification_confirm), as known at the as-of date.
    confirmed_on: date | None = None
    confirmed_by: str = ""


@dataclass
class MilestoneRow:
    """One milestone as the pages show it at the as-of date."""

    id: int
    name: str
    order: int
    due_on: date
    weight: float
    done_on: date | None  # None when not done by the as-of date
    exempted_on: date | None
    exempt_reason: str
    status: str  # latest report up to the as-of date (Schedule value; on_schedule if none)
    percent: int
    last_reported_on: date | None
    task_id: int
    task_code: str
    task_name: str
    task_public: bool
    task_weight: float
    lead_body: str
    target_id: int
    target_weight: float
    unit_id: int
    unit_code: str
    unit_name: str
    person_id: int | None
    person_name: str
    leader: str
    goal: str
    state: LightState
    explanation: ExplanationInfo | None = None
    # The deadline to explain (set when the milestone is red and unexplained).
    explain_by: date | None = None
    explanation_overdue: bool = False
    rectification: RectificationInfo | None = None

    @property
    def light(self) -> str:
        return self.state.light

    @property
    def exemptable(self) -> bool:
        """The office may still exempt it (免责): not exempted, not done on time."""
        return self.exempted_on is None and not (
            self.done_on is not None and self.done_on <= self.due_on
        )


def milestone_rows(
    pp: ProcessPlan,
    as_of: date,
    *,
    unit_id: int | None = None,
    public_only: bool = False,
    include_people: bool = True,
) -> list[MilestoneRow]:
    """Every milestone of the plan (or of one unit's targets) with its light at ``as_of``,
    in task, target and milestone order. Three queries."""
    latest = ProgressReport.objects.filter(
        milestone=OuterRef("pk"), reported_on__lte=as_of
    ).order_by("-reported_on", "-id")
    qs = Milestone.objects.filter(target__task__process_plan=pp)
    if unit_id is not None:
        qs = qs.filter(target__unit_id=unit_id)
    if public_only:
        qs = qs.filter(target__task__public=True)
    if not include_people:
        qs = qs.filter(target__person__isnull=True)
    qs = (
        qs.select_related("target__task", "target__unit", "target__person", "explanation")
        .annotate(
            as_of_status=Subquery(latest.values("status")[:1]),
            as_of_percent=Subquery(latest.values("percent")[:1]),
            as_of_reported=Subquery(latest.values("reported_on")[:1]),
        )
        .order_by("target__task__order", "target__order", "order", "id")
    )
    milestones = list(qs)
    rectifications: dict[int, Rectification] = {}
    for r in Rectification.objects.filter(
        milestone_id__in=[m.id for m in milestones], opened_on__lte=as_of
    ).order_by("id"):
        rectifications[r.milestone_id] = r  # the latest one of a milestone
    rows = []
    for m in milestones:
        target = m.target
        task = target.task
        done_on = m.done_on if m.done_on is not None and m.done_on <= as_of else None
        exempted_on = (
            m.exempted_on if m.exempted_on is not None and m.exempted_on <= as_of else None
        )
        status = m.as_of_status or Schedule.ON_SCHEDULE
        state = light(
            due_on=m.due_on,
            done_on=done_on,
            behind=status == Schedule.BEHIND,
            exempted_on=exempted_on,
            as_of=as_of,
            warning_days=pp.warning_days,
        )
        row = MilestoneRow(
            id=m.id,
            name=m.name,
            order=m.order,
            due_on=m.due_on,
            weight=m.weight,
            done_on=done_on,
            exempted_on=exempted_on,
            exempt_reason=m.exempt_reason if exempted_on else "",
            status=status,
            percent=m.as_of_percent or 0,
            last_reported_on=m.as_of_reported,
            task_id=task.id,
            task_code=task.code,
            task_name=task.name,
            task_public=task.public,
            task_weight=task.weight,
            lead_body=task.lead_body,
            target_id=target.id,
            target_weight=target.weight,
            unit_id=target.unit_id,
            unit_code=target.unit.code,
            unit_name=target.unit.name,
            person_id=target.person_id,
            person_name=target.person.name if target.person is not None else "",
            leader=target.leader,
            goal=target.goal,
            state=state,
        )
        explanation = _explanation(m)
        if explanation is not None and explanation.filed_on <= as_of:
            row.explanation = _explanation_info(explanation, as_of)
        if state.light == "red" and row.explanation is None:
            row.explain_by = explanation_deadline(m.due_on, pp.explanation_days)
            row.explanation_overdue = as_of > row.explain_by
        r = rectifications.get(m.id)
        if r is not None:
            done = r.done_on is not None and r.done_on <= as_of
            row.rectification = RectificationInfo(
                id=r.id,
                measures=r.measures,
                opened_on=r.opened_on,
                deadline=r.deadline,
                done=done,
                done_on=r.done_on if done else None,
                result=r.result if done else "",
                overdue=not done and as_of > r.deadline,
                confirmed_on=_known(r.confirmed_on, as_of) if done else None,
                confirmed_by=r.confirmed_by if done and _known(r.confirmed_on, as_of) else "",
            )
        rows.append(row)
    return rows


def _known(day: date | None, as_of: date) -> date | None:
    """A date of something that happened, if it had happened by ``as_of``."""
    return day if day is not None and day <= as_of else None


def _explanation(m: Milestone) -> Explanation | None:
    try:
        return m.explanation
    except Explanation.DoesNotExist:
        return None


def _explanation_info(e: Explanation, as_of: date) -> ExplanationInfo:
    decided = e.decided_on is not None and e.decided_on <= as_of
    decision = e.decision if decided or e.decision == Explanation.Decision.RECTIFY else "pending"
    return ExplanationInfo(
        id=e.id,
        cause=e.cause,
        cause_label=e.get_cause_display(),
        decision=decision,
        decision_label=str(Explanation.Decision(decision).label),
        text=e.text,
        measures=e.measures,
        filed_on=e.filed_on,
        deadline=e.deadline,
        late=e.filed_on > e.deadline,
        decision_note=e.decision_note if decided else "",
        decided_on=e.decided_on if decided else None,
    )


# ---------------------------------------------------------------------------------------------
# Dashboards


@dataclass
class Escalation:
    """An overdue explanation or an overdue rectification (escalated to the office)."""

    kind: str  # "explanation" | "rectification"
    label: str
    row: MilestoneRow
    deadline: date
    days_overdue: int


@dataclass
class UnitSummary:
    unit_id: int
    unit_code: str
    unit_name: str
    counts: dict[str, int]
    to_explain: int = 0  # red, unexplained, still within the deadline
    overdue_explanations: int = 0
    open_rectifications: int = 0
    overdue_rectifications: int = 0
    pending_decisions: int = 0


@dataclass
class OfficeDashboard:
    as_of: date
    styles: dict[str, LightStyle]
    counts: dict[str, int]
    units: list[UnitSummary]
    escalations: list[Escalation]
    pending: list[MilestoneRow]  # objective explanations awaiting the office's decision
    red: list[MilestoneRow]
    missing_inspections: int


def _escalations(rows: list[MilestoneRow], as_of: date) -> list[Escalation]:
    out = []
    for row in rows:
        if row.explanation_overdue and row.explain_by is not None:
            out.append(
                Escalation(
                    "explanation", "逾期未提交书面说明", row, row.explain_by,
                    (as_of - row.explain_by).days,
                )
            )  # fmt: skip
        if row.rectification is not None and row.rectification.overdue:
            out.append(
                Escalation(
                    "rectification", "逾期未完成整改", row, row.rectification.deadline,
                    (as_of - row.rectification.deadline).days,
                )
            )  # fmt: skip
    out.sort(key=lambda e: (-e.days_overdue, e.row.unit_code, e.row.task_code))
    return out


def _counts(rows: list[MilestoneRow]) -> dict[str, int]:
    counts = dict.fromkeys(LIGHTS, 0)
    for row in rows:
        counts[row.light] += 1
    return counts


def office_dashboard(pp: ProcessPlan, as_of: date) -> OfficeDashboard:
    """The office's view at ``as_of``: lights per unit, escalations, decisions to take.

    The lights are counted on the units' shares; what must be explained or rectified counts
    on post responsibilities too (the unit answers for its people's milestones)."""
    rows = milestone_rows(pp, as_of)
    by_unit: dict[int, UnitSummary] = {}
    for row in rows:
        summary = by_unit.get(row.unit_id)
        if summary is None:
            summary = by_unit[row.unit_id] = UnitSummary(
                row.unit_id, row.unit_code, row.unit_name, dict.fromkeys(LIGHTS, 0)
            )
        if row.person_id is None:
            summary.counts[row.light] += 1
        if row.explain_by is not None:
            if row.explanation_overdue:
                summary.overdue_explanations += 1
            else:
                summary.to_explain += 1
        if row.rectification is not None and not row.rectification.done:
            summary.open_rectifications += 1
            summary.overdue_rectifications += row.rectification.overdue
        if row.explanation is not None and row.explanation.decision == "pending":
            summary.pending_decisions += 1
    slots = inspection_schedule(pp, as_of)
    return OfficeDashboard(
        as_of=as_of,
        styles=light_styles(pp),
        counts=_counts([r for r in rows if r.person_id is None]),
        units=sorted(by_unit.values(), key=lambda s: s.unit_code),
        escalations=_escalations(rows, as_of),
        pending=[
            r for r in rows if r.explanation is not None and r.explanation.decision == "pending"
        ],
        red=[r for r in rows if r.light == "red"],  # shares and post responsibilities
        missing_inspections=sum(1 for s in slots if s.state == "missing"),
    )


@dataclass
class UnitDashboard:
    as_of: date
    styles: dict[str, LightStyle]
    counts: dict[str, int]
    rows: list[MilestoneRow]
    to_explain: list[MilestoneRow]  # red and unexplained (overdue or not)
    open_rectifications: list[MilestoneRow]
    escalations: list[Escalation]
    score: ProcessResult


def unit_dashboard(pp: ProcessPlan, unit_id: int, as_of: date) -> UnitDashboard:
    """A unit's own view at ``as_of``: its milestones (and its people's), what it must do,
    and its process score so far."""
    rows = milestone_rows(pp, as_of, unit_id=unit_id)
    unit_rows = [r for r in rows if r.person_id is None]
    facts = assessee_facts(pp, as_of, unit_ids=[unit_id], person_ids=[])
    score = score_of(pp, facts.get(("unit", unit_id), Facts()), as_of)
    return UnitDashboard(
        as_of=as_of,
        styles=light_styles(pp),
        counts=_counts(unit_rows),
        rows=rows,
        to_explain=[r for r in rows if r.explain_by is not None],
        open_rectifications=[
            r for r in rows if r.rectification is not None and not r.rectification.done
        ],
        escalations=_escalations(rows, as_of),
        score=score,
    )


# ---------------------------------------------------------------------------------------------
# The inspection schedule


@dataclass
class InspectionSlot:
    target_id: int
    task_code: str
    task_name: str
    lead_body: str
    unit_id: int
    unit_code: str
    unit_name: str
    month: date
    state: str  # "done" | "due" (this month) | "missing" (a past month without a rating)
    rating: str = ""
    rating_label: str = ""
    note: str = ""
    inspected_on: date | None = None


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_end(month: date) -> date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def _months(start: date, end: date) -> list[date]:
    """First days of the months from ``start``'s to ``end``'s (both included).

    >>> [m.month for m in _months(date(2025, 11, 15), date(2026, 2, 1))]
    [11, 12, 1, 2]
    """
    months, m = [], month_start(start)
    while m <= end:
        months.append(m)
        m = (m + timedelta(days=32)).replace(day=1)
    return months


def inspection_schedule(
    pp: ProcessPlan, as_of: date, *, assessor: str | None = None, unit_id: int | None = None
) -> list[InspectionSlot]:
    """Every (unit share, month) an inspection is due for, from the task's first month to the
    as-of month (or the task's last month): ``done``, ``due`` (the as-of month, still open) or
    ``missing`` (a past month without a rating). Two queries."""
    targets = Target.objects.filter(task__process_plan=pp, person__isnull=True).select_related(
        "task", "unit"
    )
    if assessor is not None:
        targets = targets.filter(task__lead_body=assessor)
    if unit_id is not None:
        targets = targets.filter(unit_id=unit_id)
    targets = list(targets.order_by("task__order", "order"))
    done = {
        (i.target_id, i.month): i
        for i in Inspection.objects.filter(
            target_id__in=[t.id for t in targets], inspected_on__lte=as_of
        )
    }
    slots = []
    for t in targets:
        task = t.task
        if task.starts_on > as_of:
            continue
        for month in _months(task.starts_on, min(task.ends_on, as_of)):
            i = done.get((t.id, month))
            state = "done" if i else ("missing" if month_end(month) < as_of else "due")
            slots.append(
                InspectionSlot(
                    t.id, task.code, task.name, task.lead_body, t.unit_id, t.unit.code,
                    t.unit.name, month, state,
                    rating=i.rating if i else "",
                    rating_label=i.get_rating_display() if i else "",
                    note=i.note if i else "",
                    inspected_on=i.inspected_on if i else None,
                )
            )  # fmt: skip
    return slots


# ---------------------------------------------------------------------------------------------
# Facts for the score, and the score


@dataclass
class Facts:
    milestones: list[MilestoneFact] = field(default_factory=list)
    inspections: list[InspectionFact] = field(default_factory=list)
    reviews: list[ReviewFact] = field(default_factory=list)


AssesseeKey = tuple[str, int]  # ("unit", unit id) or ("person", person id)


def assessee_facts(
    pp: ProcessPlan,
    as_of: date,
    *,
    unit_ids: list[int] | None = None,
    person_ids: list[int] | None = None,
) -> dict[AssesseeKey, Facts]:
    """The score's facts per unit (its own shares of tasks) and per person (its post
    responsibilities), as known at ``as_of``. ``None`` means every one. Three queries."""
    facts: dict[AssesseeKey, Facts] = defaultdict(Facts)
    ms = Milestone.objects.filter(target__task__process_plan=pp)
    if unit_ids is not None or person_ids is not None:
        q = Q(pk__in=[])
        if unit_ids:
            q |= Q(target__person__isnull=True, target__unit_id__in=unit_ids)
        if person_ids:
            q |= Q(target__person_id__in=person_ids)
        ms = ms.filter(q)
    for target_id, unit_id, person_id, tw, kw, weight, due_on, done_on, exempted_on, name in (
        ms.order_by("target__task__order", "target__order", "order").values_list(
            "target_id", "target__unit_id", "target__person_id", "target__weight",
            "target__task__weight", "weight", "due_on", "done_on", "exempted_on", "name",
        )
    ):  # fmt: skip
        key: AssesseeKey = ("person", person_id) if person_id else ("unit", unit_id)
        facts[key].milestones.append(
            MilestoneFact(
                target=str(target_id),
                target_weight=tw * kw,
                weight=weight,
                due_on=due_on,
                done_on=done_on if done_on is not None and done_on <= as_of else None,
                exempted_on=exempted_on
                if exempted_on is not None and exempted_on <= as_of
                else None,
                name=name,
            )
        )
    ins = Inspection.objects.filter(target__task__process_plan=pp, inspected_on__lte=as_of)
    if unit_ids is not None:
        ins = ins.filter(target__unit_id__in=unit_ids)
    for unit_id, rating, month, tw, kw in ins.values_list(
        "target__unit_id", "rating", "month", "target__weight", "target__task__weight"
    ):
        facts[("unit", unit_id)].inspections.append(InspectionFact(rating, tw * kw, month))
    reviews = StageReview.objects.filter(process_plan=pp, as_of__lte=as_of)
    for unit_id, person_id, stage_name, review_as_of, score in reviews.order_by(
        "as_of", "stage"
    ).values_list("unit_id", "person_id", "stage_name", "as_of", "score"):
        key = ("person", person_id) if person_id else ("unit", unit_id)
        if (unit_ids is None and person_ids is None) or (
            (key[0] == "unit" and key[1] in (unit_ids or []))
            or (key[0] == "person" and key[1] in (person_ids or []))
        ):
            facts[key].reviews.append(ReviewFact(stage_name, review_as_of, score))
    return dict(facts)


def score_of(
    pp: ProcessPlan, facts: Facts, as_of: date, *, with_review: bool = True
) -> ProcessResult:
    return process_score(
        milestones=facts.milestones,
        inspections=facts.inspections,
        reviews=facts.reviews,
        settings=settings_of(pp),
        as_of=as_of,
        with_review=with_review,
    )


def feed_results(pp: ProcessPlan, assessees: list[Any], as_of: date) -> list[ProcessResult]:
    """P at ``as_of`` for each of a plan's assessees (``PlanAssessee`` rows, in order), as
    ``process_feed`` writes it and as the feed's confirmation previews it. Three queries."""
    facts = assessee_facts(pp, as_of)
    out = []
    for a in assessees:
        key: AssesseeKey = ("unit", a.unit_id) if a.unit_id else ("person", a.person_id)
        found = facts.get(key)
        result = score_of(pp, found or Facts(), as_of)
        if found is None:
            result.lines = ["过程考核中没有该考核对象的任务，日常考核得分缺失"]
        out.append(result)
    return out


def process_lines(plan_code: str, assessee_code: str) -> ProcessScore | None:
    """The P last fed into ``plan_code`` for one assessee, with its parts and Chinese lines
    (``score``, ``parts``, ``lines``, ``as_of``), for the explanation page; None when the
    plan's process values were never fed from process assessment (typed in as data)."""
    return ProcessScore.objects.filter(plan_code=plan_code, assessee=assessee_code).first()


# ---------------------------------------------------------------------------------------------
# Quarterly feedback and the public board


@dataclass
class Feedback:
    """季度反馈 of one unit: everything as of the quarter's last day (or ``as_of`` if earlier)."""

    unit_id: int
    unit_code: str
    unit_name: str
    year: int
    quarter: int
    start: date
    as_of: date
    styles: dict[str, LightStyle]
    counts: dict[str, int]
    rows: list[MilestoneRow]
    inspections: list[InspectionSlot]  # the quarter's months
    score: ProcessResult
    lost: dict[str, float]  # points of P lost so far per part and in total
    open_rectifications: list[MilestoneRow]
    escalations: list[Escalation]


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    """
    >>> quarter_bounds(2025, 2)
    (datetime.date(2025, 4, 1), datetime.date(2025, 6, 30))
    """
    if quarter not in (1, 2, 3, 4):
        raise ValueError(f"quarter {quarter} is not 1–4")
    start = date(year, 3 * quarter - 2, 1)
    return start, month_end(date(year, 3 * quarter, 1))


def quarterly_feedback(
    pp: ProcessPlan, unit_id: int, year: int, quarter: int, *, today: date | None = None
) -> Feedback:
    """One unit's quarterly feedback; for the running quarter it is as of ``today``."""
    start, end = quarter_bounds(year, quarter)
    as_of = min(end, today) if today is not None else end
    unit = Unit.objects.get(pk=unit_id)
    rows = [r for r in milestone_rows(pp, as_of, unit_id=unit_id) if r.person_id is None]
    slots = [
        s for s in inspection_schedule(pp, as_of, unit_id=unit_id) if start <= s.month <= as_of
    ]
    facts = assessee_facts(pp, as_of, unit_ids=[unit_id], person_ids=[])
    score = score_of(pp, facts.get(("unit", unit_id), Facts()), as_of)
    return Feedback(
        unit_id=unit.id,
        unit_code=unit.code,
        unit_name=unit.name,
        year=year,
        quarter=quarter,
        start=start,
        as_of=as_of,
        styles=light_styles(pp),
        counts=_counts(rows),
        rows=rows,
        inspections=slots,
        score=score,
        lost=lost_points(pp, score),
        open_rectifications=[
            r for r in rows if r.rectification is not None and not r.rectification.done
        ],
        escalations=_escalations(rows, as_of),
    )


def lost_points(pp: ProcessPlan, score: ProcessResult) -> dict[str, float]:
    """Points of P (out of 100) lost so far, per part: a part's share of the weights present
    times what it lacks of 100. They add up to ``100 - P``: here P = (60×80 + 20×60) ÷ 80 = 75.

    >>> pp = ProcessPlan(weight_milestones=60, weight_inspections=20, weight_review=20)
    >>> lost_points(pp, ProcessResult(75.0, {"milestones": 80.0, "inspections": 60.0,
    ...                                      "review": None}))
    {'milestones': 15.0, 'inspections': 10.0, 'total': 25.0}
    """
    weights = {
        "milestones": pp.weight_milestones,
        "inspections": pp.weight_inspections,
        "review": pp.weight_review,
    }
    present = {k: v for k, v in score.parts.items() if v is not None and weights[k] > 0}
    total = sum(weights[k] for k in present)
    lost: dict[str, float] = {}
    for k, v in present.items():
        lost[k] = round2(weights[k] / total * (100.0 - v))
    lost["total"] = round2(100.0 - score.score) if score.score is not None else 0.0
    return lost


@dataclass
class BoardMilestone:
    name: str
    due_on: date
    percent: int
    done_on: date | None
    light: str
    reason: str


@dataclass
class BoardRow:
    """One public commitment (一承诺) of a unit: who answers for it and how far it is."""

    task_code: str
    task_name: str
    description: str
    leader: str
    people: list[str]
    goal: str
    ends_on: date
    # Weighted by the milestones' weights, over those not exempted; None when every one was
    # exempted (计划调整): not 100 %, nothing was done.
    percent: int | None
    milestones: list[BoardMilestone]

    @property
    def adjusted(self) -> bool:
        """Some stage was taken out of the commitment (免责, shown publicly as 计划调整)."""
        return any(m.light == "exempt" for m in self.milestones)


@dataclass
class BoardUnit:
    unit_id: int
    unit_code: str
    unit_name: str
    commitments: int


def board_units(pp: ProcessPlan) -> list[BoardUnit]:
    """Townships and departments with public commitments (the board's index). One query."""
    rows = (
        Target.objects.filter(task__process_plan=pp, task__public=True, person__isnull=True)
        .values("unit_id", "unit__code", "unit__name")
        .annotate(n=Count("id"))
        .order_by("unit__code")
    )
    return [BoardUnit(r["unit_id"], r["unit__code"], r["unit__name"], r["n"]) for r in rows]


def public_board(pp: ProcessPlan, unit_id: int, as_of: date) -> list[BoardRow]:
    """进度公示栏 of one unit: its public commitments, responsible leader and cadres, stage
    goals, deadlines and progress (nothing else: no notes, no evidence, no explanations)."""
    rows = milestone_rows(pp, as_of, unit_id=unit_id, public_only=True)
    by_target: dict[int, BoardRow] = {}
    people: dict[int, list[str]] = defaultdict(list)
    weights: dict[int, list[tuple[float, int]]] = defaultdict(list)
    tasks: dict[int, Any] = {}
    for r in rows:
        if r.person_id is not None:
            continue
        if r.target_id not in by_target:
            by_target[r.target_id] = BoardRow(
                r.task_code, r.task_name, "", r.leader, [], r.goal, r.due_on, 0, []
            )
            tasks[r.target_id] = r.task_id
        board = by_target[r.target_id]
        board.ends_on = max(board.ends_on, r.due_on)
        percent = 100 if r.done_on is not None else r.percent
        if r.light != "exempt":
            weights[r.target_id].append((r.weight, percent))
        board.milestones.append(
            BoardMilestone(r.name, r.due_on, percent, r.done_on, r.light, r.state.reason)
        )
    # Post responsibilities (具体责任干部) under each share, and the tasks' descriptions.
    for t in Target.objects.filter(parent_id__in=list(by_target), person__isnull=False).values(
        "parent_id", "person__name"
    ):
        people[t["parent_id"]].append(t["person__name"])
    descriptions = dict(
        Task.objects.filter(id__in=set(tasks.values())).values_list("id", "description")
    )
    for target_id, board in by_target.items():
        board.people = people.get(target_id, [])
        board.description = descriptions.get(tasks[target_id], "")
        w = weights.get(target_id, [])
        total = sum(x for x, _ in w)
        board.percent = round(sum(x * p for x, p in w) / total) if total else None
    return list(by_target.values())
