"""季度反馈: the quarterly feedback report of one unit, as a page and as a PDF (WeasyPrint,
Chinese, A4). Both render from the same context, built here from the core selector
``quarterly_feedback``: the unit's tasks and milestones with their lights, the quarter's
inspection ratings, the process score so far with the points lost per part, and the open
rectifications and escalations.

The quarter is ``?q=YYYY-Q`` (e.g. ``2025-2``); by default the running quarter of the plan's
year (a finished year shows its fourth quarter, a year not begun its first).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kaohe.plans.models import PlanAssessee, Section
from kaohe.process import selectors, selectors_web
from kaohe.process.models import ProcessPlan
from kaohe.process.templatetags.process_tags import PARTS

QUARTER_NAMES = {
    1: gettext_lazy("第一季度"),
    2: gettext_lazy("第二季度"),
    3: gettext_lazy("第三季度"),
    4: gettext_lazy("第四季度"),
}


def quarter_asked(request: HttpRequest, pp: ProcessPlan) -> tuple[int, int, str]:
    """(year, quarter, problem): the quarter asked for, else the plan year's running one."""
    today = selectors_web.today()
    if today.year < pp.year:
        default = (pp.year, 1)
    elif today.year > pp.year:
        default = (pp.year, 4)
    else:
        default = (pp.year, (today.month - 1) // 3 + 1)
    text = request.GET.get("q", "").strip()
    if not text:
        return (*default, "")
    year, _dash, quarter = text.partition("-")
    if year.isdigit() and quarter in ("1", "2", "3", "4"):
        return int(year), int(quarter), ""
    return (
        *default,
        _("季度“%(text)s”无效（应为 年-季度，如 %(year)s-2），已按当前季度显示。")
        % {"text": text, "year": pp.year},
    )


def _section_points(plan_code: str, unit_id: int) -> float | None:
    """The points of the plan's process section in the unit's category (to say what the lost
    points of P cost in the annual total); None when the unit has no such section."""
    category = PlanAssessee.objects.filter(plan__code=plan_code, unit_id=unit_id).values(
        "category_id"
    )
    points = (
        Section.objects.filter(category_id__in=category, source="process")
        .values_list("points", flat=True)
        .first()
    )
    return float(points) if points is not None else None


def feedback_context(request: HttpRequest, pp: ProcessPlan, unit_id: int) -> dict[str, Any]:
    year, quarter, problem = quarter_asked(request, pp)
    report = selectors.quarterly_feedback(pp, unit_id, year, quarter, today=selectors_web.today())
    lost = [
        {"name": PARTS[key], "part": report.score.parts.get(key), "lost": value}
        for key, value in report.lost.items()
        if key != "total"
    ]
    points = _section_points(pp.plan_code, unit_id)
    lost_section = (
        round(report.lost["total"] * points / 100, 2)
        if points is not None and report.score.score is not None
        else None
    )
    # The quarters begun so far (a quarter to come has nothing to report yet).
    today = selectors_web.today()
    quarters = [
        {"value": f"{pp.year}-{q}", "name": QUARTER_NAMES[q], "current": q == quarter}
        for q in (1, 2, 3, 4)
        if selectors.quarter_bounds(pp.year, q)[0] <= today or q == quarter
    ]
    return {
        "pp": pp,
        "report": report,
        "groups": selectors_web.grouped(report.rows),
        "styles": report.styles,
        "lost": lost,
        "section_points": points,
        "lost_section": lost_section,
        "quarter_name": QUARTER_NAMES[report.quarter],
        "quarter_value": f"{report.year}-{report.quarter}",
        "quarters": quarters,
        "problem": problem,
        "generated_on": selectors_web.today(),
        "names": selectors_web.plan_names(pp),
    }


def feedback_pdf_response(request: HttpRequest, pp: ProcessPlan, unit_id: int) -> HttpResponse:
    """The same report as an A4 PDF, drawn by WeasyPrint with the Noto CJK fonts."""
    from weasyprint import HTML  # heavy: imported only when a PDF is asked for

    context = feedback_context(request, pp, unit_id)
    html = render_to_string("process/feedback_pdf.html", context, request=request)
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    report = context["report"]
    name = f"{report.unit_code}-{report.year}Q{report.quarter}-feedback.pdf"
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response
