"""Reads for the process pages (docs/process-pages.md) on top of ``kaohe.process.selectors``:
who may open which page (the ``check`` functions the views declare), the as-of date of a
request, and the page data the core selectors do not assemble (the office's light matrix,
a milestone's report history, the frozen stage reviews).

Like the core selectors, every function here runs a fixed number of queries whatever the
number of tasks, targets, milestones or reports (process/tests/test_views_queries.py).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from kaohe.accounts.models import Role
from kaohe.accounts.policy import READ_ALL, role_of
from kaohe.org.models import Person
from kaohe.process import selectors
from kaohe.process.models import (
    Milestone,
    ProcessPlan,
    ProcessScore,
    ProgressReport,
    Rectification,
    StageReview,
    Target,
    Task,
)
from kaohe.process.selectors import LIGHTS, MilestoneRow

# The worst light of a cell (a unit's share of a task) is the one the office must see first.
SEVERITY = {"red": 3, "yellow": 2, "green": 1, "exempt": 0}


# ---------------------------------------------------------------------------------------------
# Access checks (the ``check=`` of the views' ``@allow``; called with the URL's arguments)


def is_unit_of_plan(user: Any, plan_code: str, **_: Any) -> bool:
    """A unit account whose unit has a share of a task of the plan's process assessment."""
    if role_of(user) != Role.UNIT or user.unit_id is None:
        return False
    return Target.objects.filter(
        task__process_plan__plan_code=plan_code, unit_id=user.unit_id
    ).exists()


def owns_milestone(user: Any, plan_code: str, milestone_id: int, **_: Any) -> bool:
    """The unit account of the milestone's unit (its own share or its people's)."""
    if role_of(user) != Role.UNIT or user.unit_id is None:
        return False
    return Milestone.objects.filter(
        pk=milestone_id,
        target__task__process_plan__plan_code=plan_code,
        target__unit_id=user.unit_id,
    ).exists()


def owns_rectification(user: Any, plan_code: str, rectification_id: int, **_: Any) -> bool:
    if role_of(user) != Role.UNIT or user.unit_id is None:
        return False
    return Rectification.objects.filter(
        pk=rectification_id,
        milestone__target__task__process_plan__plan_code=plan_code,
        milestone__target__unit_id=user.unit_id,
    ).exists()


def can_view_report_evidence(user: Any, plan_code: str, report_id: int, **_: Any) -> bool:
    """A progress report's evidence: 考核办 and 监督, and the reporting unit itself."""
    if role_of(user) in READ_ALL:
        return True
    if role_of(user) != Role.UNIT or user.unit_id is None:
        return False
    return ProgressReport.objects.filter(
        pk=report_id,
        milestone__target__task__process_plan__plan_code=plan_code,
        milestone__target__unit_id=user.unit_id,
    ).exists()


def can_open_inspections(user: Any, plan_code: str, **_: Any) -> bool:
    """The inspection grid: 考核办 and 监督; an assessor body that leads a task of the plan."""
    role = role_of(user)
    if role in READ_ALL:
        return True
    return (
        role == Role.ASSESSOR
        and Task.objects.filter(process_plan__plan_code=plan_code, lead_body=user.assessor).exists()
    )


def can_rate(user: Any) -> bool:
    """Record ratings: 考核办 for every task, an assessor body for the tasks it leads (the
    service refuses the others); 监督 reads only."""
    return role_of(user) in (Role.OFFICE, Role.ASSESSOR)


# ---------------------------------------------------------------------------------------------
# The as-of date


def today() -> date:
    return timezone.localdate()


def default_as_of(pp: ProcessPlan | None) -> date:
    """Today within the plan's year, for the office's and the unit's pages alike: a finished
    year is shown as it stood on its last day (the day its P is fed into the plan), a year not
    begun on its first day; without a plan, today."""
    day = today()
    if pp is None:
        return day
    return min(max(day, date(pp.year, 1, 1)), date(pp.year, 12, 31))


def year_over(pp: ProcessPlan) -> bool:
    """The plan's year has ended: the unit's pages show 31 December and take no more work."""
    return today() > date(pp.year, 12, 31)


def as_of_of(request: HttpRequest, pp: ProcessPlan | None = None) -> tuple[date, str]:
    """The as-of date asked for (``?on=YYYY-MM-DD``), ``default_as_of(pp)`` otherwise; with a
    Chinese problem when the parameter is not a date (the page then shows the default)."""
    text = request.GET.get("on", "").strip()
    if not text:
        return default_as_of(pp), ""
    try:
        return date.fromisoformat(text), ""
    except ValueError:
        return default_as_of(pp), _(
            "查看日期“%(text)s”不是有效日期（应为 YYYY-MM-DD），已按默认日期显示。"
        ) % {"text": text}


def month_of(text: str, default: date) -> tuple[date, str]:
    """``YYYY-MM`` → the month's first day; ``default``'s month when empty or invalid."""
    text = text.strip()
    if text:
        try:
            return date.fromisoformat(f"{text}-01"), ""
        except ValueError:
            return default.replace(day=1), _(
                "督查月份“%(text)s”无效（应为 YYYY-MM），已按本月显示。"
            ) % {"text": text}
    return default.replace(day=1), ""


# ---------------------------------------------------------------------------------------------
# Page data


@dataclass
class MatrixCell:
    light: str
    milestones: int
    red: int


@dataclass
class MatrixRow:
    unit_id: int
    unit_code: str
    unit_name: str
    cells: list[MatrixCell | None]
    score: float | None = None
    red: int = 0  # red milestones over all its shares
    category: str = ""  # the unit's assessment category in the plan (乡镇, 县直部门 …)
    category_order: int = 0


@dataclass
class DashboardPage:
    board: selectors.OfficeDashboard
    tasks: list[dict[str, Any]]
    matrix: list[MatrixRow]
    month_slots: dict[str, dict[str, int]] = field(default_factory=dict)


# How the office may order the matrix (U5): by unit code, lowest P first, most red first.
MATRIX_SORTS = ("code", "p", "red")


def dashboard_page(pp: ProcessPlan, as_of: date, sort: str = "code") -> DashboardPage:
    """The office dashboard: the core selector's figures, the unit × task light matrix with
    each unit's P at ``as_of`` (grouped by the units' categories in the plan, ordered by
    ``sort``), and the month's inspections per lead body."""
    from kaohe.plans.models import PlanAssessee

    board = selectors.office_dashboard(pp, as_of)
    rows = selectors.milestone_rows(pp, as_of, include_people=False)
    tasks: dict[int, dict[str, Any]] = {}
    cells: dict[tuple[int, int], MatrixCell] = {}
    units: dict[int, MatrixRow] = {}
    for row in rows:
        if row.task_id not in tasks:
            tasks[row.task_id] = {
                "id": row.task_id,
                "code": row.task_code,
                "name": row.task_name,
                "lead_body": row.lead_body,
            }
        units.setdefault(row.unit_id, MatrixRow(row.unit_id, row.unit_code, row.unit_name, []))
        cell = cells.get((row.unit_id, row.task_id))
        if cell is None:
            cell = cells[(row.unit_id, row.task_id)] = MatrixCell(row.light, 0, 0)
        cell.milestones += 1
        cell.red += row.light == "red"
        units[row.unit_id].red += row.light == "red"
        if SEVERITY[row.light] > SEVERITY[cell.light]:
            cell.light = row.light
    categories = {
        a["unit_id"]: a
        for a in PlanAssessee.objects.filter(
            plan__code=pp.plan_code, unit_id__in=list(units)
        ).values("unit_id", "category__name", "category__order")
    }
    for unit in units.values():
        found_category = categories.get(unit.unit_id)
        if found_category is not None:
            unit.category = found_category["category__name"] or ""
            unit.category_order = found_category["category__order"] or 0
        else:
            unit.category_order = 10**6  # not assessed in the plan: last
    facts = selectors.assessee_facts(pp, as_of)
    for unit in units.values():
        unit.cells = [cells.get((unit.unit_id, task_id)) for task_id in tasks]
        found = facts.get(("unit", unit.unit_id))
        if found is not None:
            unit.score = selectors.score_of(pp, found, as_of).score
    month = as_of.replace(day=1)
    month_slots: dict[str, dict[str, int]] = defaultdict(lambda: {"done": 0, "due": 0})
    missing: dict[str, int] = defaultdict(int)
    for slot in selectors.inspection_schedule(pp, as_of):
        if slot.month == month:
            month_slots[slot.lead_body]["done" if slot.state == "done" else "due"] += 1
        elif slot.state == "missing":
            missing[slot.lead_body] += 1
    for body, count in missing.items():
        month_slots[body]["missing"] = count
    return DashboardPage(
        board=board,
        tasks=list(tasks.values()),
        matrix=sorted(units.values(), key=lambda u: _matrix_key(u, sort)),
        month_slots={
            body: {"missing": 0, **counts} for body, counts in sorted(month_slots.items())
        },
    )


@dataclass
class FeedPreview:
    """What feeding P at a date would do to a plan that has computed results: how many P
    change, when the results were computed and whether (when) they are published."""

    changed: int
    computed_at: Any
    published_at: Any | None


def feed_preview(pp: ProcessPlan, plan_code: str, as_of: date) -> FeedPreview | None:
    """The consequence the feed's confirmation states (B1 of the review): None when the plan
    has no computed results or no P would change, i.e. when feeding drops nothing."""
    from kaohe.plans.models import PlanAssessee
    from kaohe.results.models import Computation, Publication

    computation = Computation.objects.filter(plan__code=plan_code).first()
    if computation is None:
        return None
    assessees = list(PlanAssessee.objects.filter(plan__code=plan_code).order_by("order"))
    results = selectors.feed_results(pp, assessees, as_of)
    changed = sum(1 for a, r in zip(assessees, results, strict=True) if a.process != r.score)
    if not changed:
        return None
    publication = Publication.objects.filter(computation=computation).first()
    return FeedPreview(
        changed=changed,
        computed_at=computation.computed_at,
        published_at=publication.published_at if publication else None,
    )


def plan_names(pp: ProcessPlan | None) -> dict[str, str]:
    """The plan's name and its county (organisation) name, for the headings, the public
    board and the PDF's signature (U5, U8): ``{"name", "county"}``, the plan code and "" when
    the plan row is gone. One query."""
    from kaohe.plans.models import Plan

    if pp is None:
        return {"name": "", "county": ""}
    found = Plan.objects.filter(code=pp.plan_code).values("name", "organization_name").first()
    if found is None:
        return {"name": pp.plan_code, "county": ""}
    return {"name": found["name"], "county": found["organization_name"]}


def results_state(plan_code: str) -> dict[str, Any] | None:
    """The plan's computed results as the dashboard's feed card shows them: ``computed_at``
    and ``published_at`` (None if not published); None when there are none. One query."""
    from kaohe.results.models import Computation

    return (
        Computation.objects.filter(plan__code=plan_code)
        .values("computed_at", "publication__published_at")
        .first()
    )


@dataclass
class ExemptEffect:
    """What exempting one milestone does to its assessee's P at a date, and what was fed."""

    before: float | None
    after: float | None
    fed: float | None  # the P last fed into the plan for that assessee (None: never fed)
    fed_on: date | None


def exempt_effect(pp: ProcessPlan, row: MilestoneRow, as_of: date) -> ExemptEffect:
    """P of the milestone's assessee (its unit, or the person of a post responsibility) at
    ``as_of`` as it is and with the milestone exempted from ``as_of``, for the decision and
    exemption pages (U7): the office sees the consequence before it acts. Four queries."""
    key: selectors.AssesseeKey = (
        ("person", row.person_id) if row.person_id else ("unit", row.unit_id)
    )
    facts = selectors.assessee_facts(
        pp,
        as_of,
        unit_ids=[row.unit_id] if not row.person_id else [],
        person_ids=[row.person_id] if row.person_id else [],
    ).get(key, selectors.Facts())
    before = selectors.score_of(pp, facts, as_of).score
    exempted = selectors.Facts(
        milestones=[
            replace(m, exempted_on=as_of)
            if m.target == str(row.target_id) and m.name == row.name and m.due_on == row.due_on
            else m
            for m in facts.milestones
        ],
        inspections=facts.inspections,
        reviews=facts.reviews,
    )
    after = selectors.score_of(pp, exempted, as_of).score
    code = row.unit_code
    if row.person_id:
        code = Person.objects.filter(pk=row.person_id).values_list("code", flat=True).first() or ""
    fed = (
        ProcessScore.objects.filter(process_plan=pp, plan_code=pp.plan_code, assessee=code)
        .values("score")
        .first()
    )
    return ExemptEffect(
        before=before,
        after=after,
        fed=fed["score"] if fed else None,
        fed_on=pp.fed_on if fed else None,
    )


def _matrix_key(unit: MatrixRow, sort: str) -> tuple[Any, ...]:
    """Within its category: lowest P first (no P last), most red first, or by code."""
    if sort == "p":
        rank: tuple[Any, ...] = (unit.score is None, unit.score or 0.0)
    elif sort == "red":
        rank = (-unit.red,)
    else:
        rank = ()
    return (unit.category_order, *rank, unit.unit_code)


def reports_of(
    milestone_ids: list[int], as_of: date | None = None
) -> dict[int, list[ProgressReport]]:
    """The progress reports of some milestones, newest first, per milestone. One query."""
    found: dict[int, list[ProgressReport]] = defaultdict(list)
    reports = ProgressReport.objects.filter(milestone_id__in=milestone_ids)
    if as_of is not None:
        reports = reports.filter(reported_on__lte=as_of)
    for report in reports.order_by("-reported_on", "-id"):
        found[report.milestone_id].append(report)
    return found


def milestone_of(rows: list[MilestoneRow], milestone_id: int) -> MilestoneRow | None:
    return next((row for row in rows if row.id == milestone_id), None)


def grouped(rows: list[MilestoneRow]) -> list[dict[str, Any]]:
    """Milestones grouped by target (a task's share, or a person's post responsibility), in
    the plan's order, for the unit's pages and the feedback report."""
    groups: dict[int, dict[str, Any]] = {}
    for row in rows:
        group = groups.get(row.target_id)
        if group is None:
            group = groups[row.target_id] = {
                "task_code": row.task_code,
                "task_name": row.task_name,
                "lead_body": row.lead_body,
                "public": row.task_public,
                "leader": row.leader,
                "person_name": row.person_name,
                "goal": row.goal,
                "rows": [],
                "counts": dict.fromkeys(LIGHTS, 0),
            }
        group["rows"].append(row)
        group["counts"][row.light] += 1
    return list(groups.values())


def stage_reviews(pp: ProcessPlan) -> list[StageReview]:
    """The frozen stage reviews of the plan, by stage and unit. One query."""
    return list(
        StageReview.objects.filter(process_plan=pp)
        .select_related("unit", "person")
        .order_by("stage", "unit__code", "person__code")
    )


def plans_with_process() -> list[ProcessPlan]:
    return list(ProcessPlan.objects.order_by("-year", "plan_code"))


def unit_plans(unit_id: int) -> list[ProcessPlan]:
    """The process plans in which a unit has a share of a task, newest first."""
    return list(
        ProcessPlan.objects.filter(tasks__targets__unit_id=unit_id)
        .distinct()
        .order_by("-year", "plan_code")
    )


def board_plan(plan_code: str | None) -> ProcessPlan | None:
    """The plan a public board shows: the one asked for, else the newest with a public
    commitment."""
    plans = ProcessPlan.objects.filter(tasks__public=True).distinct().order_by("-year", "plan_code")
    if plan_code:
        plans = plans.filter(plan_code=plan_code)
    return plans.first()


def rectification_row(
    pp: ProcessPlan, unit_id: int, rectification_id: int, as_of: date
) -> MilestoneRow | None:
    """The milestone row carrying a rectification, as its unit sees it at ``as_of``."""
    milestone_id = (
        Rectification.objects.filter(pk=rectification_id)
        .values_list("milestone_id", flat=True)
        .first()
    )
    if milestone_id is None:
        return None
    return milestone_of(selectors.milestone_rows(pp, as_of, unit_id=unit_id), milestone_id)
