"""进度公示栏 (/board/): the public progress board of seed 004's 一承诺、两公开 — per township or
department, its public commitments, the responsible leader and cadres, the stage goals,
deadlines and progress. Open to everyone, anonymous visitors included, by design; it shows
nothing else (no notes, evidence, explanations, inspection ratings or scores).
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from kaohe.accounts.policy import EVERYONE, allow
from kaohe.org.models import Unit
from kaohe.process import selectors, selectors_web


@allow(EVERYONE)
def index(request: HttpRequest) -> HttpResponse:
    """The townships and departments with public commitments."""
    pp = selectors_web.board_plan(request.GET.get("plan"))
    units = selectors.board_units(pp) if pp is not None else []
    return render(
        request,
        "process/board_index.html",
        {
            "pp": pp,
            "units": units,
            "as_of": selectors_web.default_as_of(pp),
            "names": selectors_web.plan_names(pp),
        },
    )


@allow(EVERYONE)
def unit(request: HttpRequest, unit_code: str) -> HttpResponse:
    """One unit's board: its public commitments and how far they are today (a finished
    year: as it closed on 31 December, like every process page)."""
    found = Unit.objects.filter(code=unit_code).values("id", "code", "name").first()
    pp = selectors_web.board_plan(request.GET.get("plan"))
    if found is None or pp is None:
        raise Http404("没有这个单位的公开承诺")
    as_of = selectors_web.default_as_of(pp)
    rows = selectors.public_board(pp, found["id"], as_of)
    if not rows:
        raise Http404("没有这个单位的公开承诺")
    return render(
        request,
        "process/board_unit.html",
        {
            "pp": pp,
            "unit": found,
            "rows": rows,
            "styles": selectors.light_styles(pp),
            "as_of": as_of,
            "names": selectors_web.plan_names(pp),
        },
    )
