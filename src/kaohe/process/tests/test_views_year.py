"""A finished plan year on the unit's pages (docs/process-pages.md, "The as-of date"): like the
office's pages they show the year as it closed on 31 December — not today's "a year of days
overdue" — say so, and take no more reports, explanations or rectifications (the services
refuse them too). The process plan of ``util.World`` is 2025's; today is later."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from kaohe.accounts.models import User
from kaohe.audit.models import AuditRecord
from kaohe.process import services
from kaohe.process.models import ProgressReport
from kaohe.process.tests.util import PLAN, World

pytestmark = pytest.mark.django_db
YEAR_END = date(2025, 12, 31)


@pytest.fixture
def w() -> World:
    return World()


def _client(user: User) -> Client:
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    return client


def test_unit_page_shows_the_year_as_it_closed(w: World) -> None:
    html = _client(w.unit1).get(f"/progress/{PLAN}/").content.decode()
    assert 'data-as-of="2025-12-31"' in html and "截至 2025-12-31" in html
    assert "2025 年度已结束" in html
    # 节点2 was due on 2025-06-30: 184 days overdue at the year's end, whatever today is.
    assert "逾期 184 天" in html
    overdue = [int(days) for days in re.findall(r"逾期 (\d+) 天", html)]
    assert overdue and max(overdue) == (YEAR_END - date(2025, 3, 31)).days
    # The counts are those of 31 December: all four milestones red.
    assert dict(re.findall(r'data-count="(\w+)">(\d+)<', html))["red"] == "4"


def test_milestone_page_takes_no_more_reports_after_the_year(w: World) -> None:
    client = _client(w.unit1)
    ms = w.ms[("K1", "U1", 2)]
    url = f"/progress/{PLAN}/milestones/{ms.id}/"
    html = client.get(url).content.decode()
    assert "data-year-over" in html and "data-progress" not in html
    assert "逾期 184 天" in html
    # A report sent anyway is refused by the service, on the page, and nothing is stored.
    response = client.post(url, {"status": "done", "percent": "100"})
    assert response.status_code == 200
    assert "2025 年度过程考核已于 2025-12-31 结束" in response.content.decode()
    assert not ProgressReport.objects.exists()


def test_explanation_and_rectification_after_the_year_are_refused(w: World) -> None:
    ms = w.ms[("K1", "U1", 1)]
    html = _client(w.unit1).get(f"/progress/{PLAN}/milestones/{ms.id}/explain/").content
    assert "data-year-over" in html.decode() and b'name="cause"' not in html
    with pytest.raises(ValidationError, match="2025 年度过程考核已于 2025-12-31 结束"):
        services.explanation_file(actor=w.unit1, milestone_id=ms.id, cause="objective", text="x")
    # Within the year it was possible (the date the unit filed it).
    e = services.explanation_file(
        actor=w.unit1, milestone_id=ms.id, cause="subjective", text="慢", measures="加快",
        filed_on=date(2025, 4, 3),
    )  # fmt: skip
    rect = e.rectification
    with pytest.raises(ValidationError, match="不再报告整改完成"):
        services.rectification_complete(actor=w.unit1, rectification_id=rect.id, result="完成")
    page = _client(w.unit1).get(f"/progress/{PLAN}/rectifications/{rect.id}/").content.decode()
    assert "data-year-over" in page and 'name="result"' not in page


def test_the_public_board_of_a_finished_year_is_as_of_its_end(w: World) -> None:
    html = Client().get("/board/U1/").content.decode()
    assert "截至 2025-12-31" in html


def test_office_exempts_a_milestone_after_the_year_within_the_year(w: World) -> None:
    """After the year, the office dates an exemption within it (the default is 31 December),
    so the P fed at the year's end leaves the milestone out; a date outside is refused."""
    ms = w.ms[("K2", "U1", 2)]
    url = f"/office/process/{PLAN}/milestones/{ms.id}/exempt/"
    client = _client(w.office)
    assert 'value="2025-12-31"' in client.get(url).content.decode()
    bad = client.post(url, {"reason": "项目取消", "exempted_on": "2026-01-05"})
    assert "免责日期应在 2025 年度之内" in bad.content.decode()
    response = client.post(url, {"reason": "县政府调整计划，项目取消", "exempted_on": "2025-12-31"})
    assert response.status_code == 302
    ms.refresh_from_db()
    assert ms.exempted_on == YEAR_END and ms.exempt_reason == "县政府调整计划，项目取消"
    assert AuditRecord.objects.filter(action="process_milestone_exempt").count() == 1


def test_a_decision_after_the_year_is_dated_at_its_end(w: World) -> None:
    """An objective explanation filed in the year and decided after it: the decision (and the
    exemption) is dated 31 December, so the year as it closed shows it."""
    ms = w.ms[("K1", "U1", 1)]
    e = services.explanation_file(
        actor=w.unit1, milestone_id=ms.id, cause="objective", text="上级资金未到位",
        filed_on=date(2025, 4, 3),
    )  # fmt: skip
    client = _client(w.office)
    response = client.post(
        f"/office/process/{PLAN}/explanations/{e.id}/", {"decision": "exempt", "note": "资金延期"}
    )
    assert response.status_code == 302
    e.refresh_from_db()
    ms.refresh_from_db()
    assert e.decided_on == ms.exempted_on == YEAR_END
    html = client.get(f"/office/process/{PLAN}/").content.decode()
    assert 'data-count="exempt">1<' in html and "没有待决定的说明" in html


def test_the_inspection_grid_of_a_finished_year_opens_on_its_december(w: World) -> None:
    """B3: the grid uses the plan year's last day, not the real today: no month of the next
    year is listed or opened."""
    html = _client(w.office).get(f"/office/process/{PLAN}/inspections/").content.decode()
    assert '月度督查 <span class="muted">2025-12' in html
    months = re.findall(r'<option value="(\d{4}-\d\d)"', html)
    assert months and months[-1] == "2025-12" and all(m.startswith("2025-") for m in months)
    assert 'id="year-closed"' in html


def test_a_rating_after_the_year_is_refused_for_bodies_and_dated_in_it_for_the_office(
    w: World,
) -> None:
    """B4: a rating entered after the year would be dated in the next year and never counted.
    The lead body's is refused (its work ended with the year, like the unit's); the office's
    correction is dated 31 December, so it counts at the year's end."""
    target = w.targets[("K1", "U1")]
    with pytest.raises(ValidationError, match="2025 年度过程考核已于 2025-12-31 结束"):
        services.inspection_record(
            actor=w.xwb, target_id=target.id, month=date(2025, 12, 1), rating="good"
        )
    grid = _client(w.xwb).get(f"/office/process/{PLAN}/inspections/?month=2025-12")
    assert b"disabled" in grid.content and "保存本月督查评价" not in grid.content.decode()
    refused = _client(w.xwb).post(
        f"/office/process/{PLAN}/inspections/?month=2025-12", {f"r:{target.id}": "good"}
    )
    assert refused.status_code == 403
    done = services.inspection_record(
        actor=w.office, target_id=target.id, month=date(2025, 12, 1), rating="poor"
    )
    assert done.inspected_on == YEAR_END
    # An explicit date after the year is refused for the office too.
    with pytest.raises(ValidationError, match="2025-12-31 结束"):
        services.inspection_record(
            actor=w.office, target_id=target.id, month=date(2025, 12, 1), rating="good",
            inspected_on=date(2026, 1, 2),
        )  # fmt: skip


def test_a_finished_year_at_an_earlier_date_says_that_date(w: World) -> None:
    """B2: with ?on= inside a finished year, the banner names the date shown, not 31 December."""
    html = _client(w.unit1).get(f"/progress/{PLAN}/?on=2025-09-20").content.decode()
    assert "截至 2025-09-20" in html and "以下为截至 2025-09-20 的情况" in html
    assert "2025-12-31" not in html


def test_the_dashboard_and_the_grid_agree_on_december_of_a_finished_year(w: World) -> None:
    """B5: both read the schedule at 31 December: December is still the month being rated
    (本月待督查) on both, not 待督查 on one and 逾期未督查 on the other."""
    client = _client(w.office)
    dashboard = client.get(f"/office/process/{PLAN}/").content.decode()
    table = dashboard[dashboard.index('id="month-inspections"') :]
    due = sum(
        int(n)
        for n in re.findall(r'<td class="num">(\d+)</td><td class="num[^"]*">\d+</td></tr>', table)
    )
    grid = client.get(f"/office/process/{PLAN}/inspections/?month=2025-12").content.decode()
    assert (
        due == 4
        and "本月待督查 4" in grid
        and "逾期未督查" not in grid.split('<form method="post"')[0]
    )
