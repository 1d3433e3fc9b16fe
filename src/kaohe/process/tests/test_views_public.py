"""The public progress board (/board/): anonymous visitors see each unit's public commitments
(一承诺) with the responsible leader and cadres, stage goals, deadlines and progress (两公开),
and nothing else: no notes, evidence, explanations, ratings or scores."""

from __future__ import annotations

import pytest

from kaohe.org.models import Person, Unit
from kaohe.process import services
from kaohe.process.tests.views_util import WebWorld

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> WebWorld:
    return WebWorld()


def test_index_lists_the_units_with_public_commitments(world: WebWorld) -> None:
    html = world.client(None).get("/board/").content.decode()
    assert "/board/U1/" in html and "/board/U2/" in html and "1 项公开承诺" in html


def test_a_units_board_shows_its_commitments_and_nothing_private(world: WebWorld) -> None:
    unit = world.users["unit1"]
    soon = world.ms[("K1", "U1", 2)]
    services.progress_report(
        actor=unit, milestone_id=soon.id, status="on_schedule", percent=60, note="内部备注不公开"
    )
    services.explanation_file(
        actor=unit, milestone_id=world.ms[("K1", "U1", 1)].id, cause="objective",
        text="说明不公开",
    )  # fmt: skip
    person = Person.objects.create(code="P1", name="李四", unit=world.u1, position="副镇长")
    services.target_create(
        actor=world.users["office"], task=world.tasks[0], unit=world.u1, leader="甲镇书记",
        person=person,
    )  # fmt: skip
    html = world.client(None).get("/board/U1/").content.decode()
    # K1 is public; K2 is not.
    assert "重点任务1" in html and "重点任务2" not in html
    assert "甲镇书记" in html and "李四" in html and "年底完成" in html and "为民办实事" in html
    # Progress: three milestones of weight 1 at 0 %, 60 % and 0 %: (0 + 60 + 0) / 3 = 20 %.
    assert "data-percent>20%<" in html
    for private in ("内部备注不公开", "说明不公开", "日常考核得分", "督查"):
        assert private not in html, private


def test_unknown_unit_and_unit_without_commitments_are_404(world: WebWorld) -> None:
    client = world.client(None)
    assert client.get("/board/NOPE/").status_code == 404
    Unit.objects.create(code="U9", name="丙镇")
    assert client.get("/board/U9/").status_code == 404


def test_an_exempted_stage_reads_as_a_plan_adjustment_on_the_board(world: WebWorld) -> None:
    """U3/U4: the legend explains every colour (yellow includes done late; grey is 计划调整),
    and an exempted stage stopped at 30 % is 计划调整 with its 30 %, not 免责 or 100 %."""
    unit, office = world.users["unit1"], world.users["office"]
    ms = [world.ms[("K1", "U1", n)] for n in (1, 2, 3)]
    services.progress_report(actor=unit, milestone_id=ms[1].id, status="behind", percent=30)
    services.milestone_exempt(actor=office, milestone_id=ms[1].id, reason="项目调整")
    html = world.client(None).get("/board/U1/").content.decode()
    legend = html[html.index('id="legend"') :]
    assert "逾期后完成" in legend and "计划调整：" in legend
    assert "计划调整（完成 30%）" in html and "（不含计划调整的节点）" in html
    # The other two stages, at 0 %, make the commitment's progress.
    assert "data-percent>0%<" in html
    for m in (ms[0], ms[2]):
        services.milestone_exempt(actor=office, milestone_id=m.id, reason="项目取消")
    html = world.client(None).get("/board/U1/").content.decode()
    assert "data-percent>计划调整<" in html and "data-percent>100%<" not in html


def test_the_board_names_the_county_and_whom_to_contact(world: WebWorld) -> None:
    """U8: the public pages name the county (the plan's organisation), not only the brand."""
    client = world.client(None)
    index = client.get("/board/").content.decode()
    assert "<h1>示例县 进度公示栏" in index and "向示例县考核办反映" in index
    board = client.get("/board/U1/").content.decode()
    assert 'id="board-contact"' in board and "本栏由示例县考核办公布" in board
