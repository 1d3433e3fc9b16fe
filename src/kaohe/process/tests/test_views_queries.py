"""The process pages run the same number of queries for 2 tasks and for 8 (with reports,
explanations, rectifications and ratings on each, and the added tasks public commitments, so
the board grows too): pinned here, so a page that starts to query per task, milestone or unit
fails."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kaohe.process import services
from kaohe.process.tests.util import PLAN
from kaohe.process.tests.views_util import WebWorld

pytestmark = pytest.mark.django_db

SESSION = 2  # the session and the account (none for an anonymous visitor)
BASE = f"/office/process/{PLAN}"
# Per page, after the session: the core selectors' queries (kaohe/process/selectors.py) and
# the page's own (kaohe/process/selectors_web.py), plus the policy's check of the URL's object.
PAGES: dict[str, tuple[str | None, str, int]] = {
    # process plan; office_dashboard (milestones, rectifications, schedule ×2); the matrix's
    # milestones and rectifications; the facts of P (milestones, ratings, reviews); schedule ×2;
    # the units' categories in the plan; the plan's computed results (the feed card); the
    # plan's name
    "dashboard": ("office", f"{BASE}/", 1 + 4 + 2 + 1 + 3 + 2 + 1 + 1),
    # process plan; unit_dashboard (milestones, rectifications, facts ×3); the reports
    "office unit": ("office", f"{BASE}/units/U1/", 1 + 1 + 2 + 3 + 1),
    # process plan; the schedule (targets, ratings); the lead bodies
    "inspections": ("office", f"{BASE}/inspections/", 1 + 2 + 1),
    # the policy's check; process plan; unit_dashboard (milestones, rectifications, facts ×3);
    # the account's unit (the layout's user menu and the heading)
    "unit plan": ("unit1", f"/progress/{PLAN}/", 1 + 1 + 2 + 3 + 1),
    # the board's plan; its units (one aggregate); the county's name
    "board index": (None, "/board/", 1 + 1 + 1),
    # the unit; the board's plan; milestones, rectifications, people, descriptions; the
    # county's name
    "board": (None, "/board/U1/", 1 + 1 + 4 + 1),
    # the plans
    "office index": ("office", "/office/process/", 1),
    # process plan; the unit; quarterly_feedback (unit, milestones, rectifications, schedule
    # ×2, facts ×3); the plan's process section (one query with a subquery); the plan's and
    # the county's names
    "office feedback": ("office", f"{BASE}/feedback/U1/", 1 + 1 + 8 + 1 + 1),
    # the policy's check; process plan; quarterly_feedback; the section; the names; the
    # account's unit
    "unit feedback": ("unit1", f"/progress/{PLAN}/feedback/", 1 + 1 + 8 + 1 + 1 + 1),
    # process plan; the frozen reviews
    "review": ("office", f"{BASE}/review/", 1 + 1),
    # process plan; the explanation; the unit's milestones and rectifications; the reports;
    # the effect of 免责 on P (milestones, ratings, reviews; the P fed)
    "explanation": ("office", f"{BASE}/explanations/{{explanation}}/", 1 + 1 + 2 + 1 + 4),
    # process plan; the milestone's unit; its unit's milestones and rectifications; reports;
    # the effect of 免责 on P (milestones, ratings, reviews; the P fed)
    "exempt": ("office", f"{BASE}/milestones/{{milestone}}/exempt/", 1 + 1 + 2 + 1 + 4),
    # the policy's check; process plan; the unit's milestones and rectifications; reports;
    # the account's unit
    "unit milestone": ("unit1", f"/progress/{PLAN}/milestones/{{milestone}}/", 1 + 1 + 2 + 1 + 1),
}


def _count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def _busy(world: WebWorld) -> None:
    """A report, an explanation (objective and subjective) and a rating on every task."""
    month = world.today.replace(day=1)
    for task in world.tasks:
        for code, cause in (("U1", "objective"), ("U2", "subjective")):
            unit = world.users["unit1" if code == "U1" else "unit2"]
            services.progress_report(
                actor=unit, milestone_id=world.ms[(task.code, code, 2)].id,
                status="on_schedule", percent=30, reported_on=world.today - timedelta(days=1),
            )  # fmt: skip
            services.explanation_file(
                actor=unit, milestone_id=world.ms[(task.code, code, 1)].id, cause=cause,
                text="原因", measures="措施",
            )  # fmt: skip
            services.inspection_record(
                actor=world.users["office"], target_id=world.targets[(task.code, code)].id,
                month=month, rating="good",
            )  # fmt: skip


@pytest.mark.parametrize("page", list(PAGES))
def test_process_pages_run_a_fixed_number_of_queries(page: str) -> None:
    role, url, expected = PAGES[page]
    world = WebWorld(tasks=2)
    _busy(world)
    first = world.ms[("K1", "U1", 1)]
    url = url.format(explanation=first.explanation.id, milestone=world.ms[("K1", "U1", 2)].id)
    small = _count(world.client(role), url)
    before = len(world.tasks)
    for _ in range(6):
        world.add_task(public=True)
    world.tasks = world.tasks[before:]
    _busy(world)
    large = _count(world.client(role), url)
    session = SESSION if role is not None else 0
    assert small == large == session + expected, (small, large)
