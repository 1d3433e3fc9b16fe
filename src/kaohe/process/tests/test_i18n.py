"""The English switch on the process pages (src/kaohe/process/locale): every fixed label,
sentence, light name, reason, status and the lines of P in English; the office's own data
(unit, task, milestone and leader names, notes, explanations) as written. Chinese is the
default and comes back unchanged."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from kaohe.process import services
from kaohe.process.lines import line_text
from kaohe.process.tests.util import PLAN
from kaohe.process.tests.views_util import WebWorld

pytestmark = pytest.mark.django_db
BASE = f"/office/process/{PLAN}"
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]+")
# What the world below writes as data (and the language switch's own name, 中文).
DATA = (
    "中文", "甲镇", "乙镇", "书记", "年底完成", "为民办实事", "县委办", "政府办", "重点任务",
    "节点", "上级资金未到位", "组织不力", "加派人手", "清运过半", "推进有力", "项目取消",
    "2025年度乡镇考核", "乡镇", "示例县",
)  # fmt: skip


@pytest.fixture
def world(settings: Any, tmp_path: Path) -> WebWorld:
    """Every kind of row: a report, an objective and a subjective explanation (with its
    rectification), a rating, a direct exemption and the frozen half-year review."""
    settings.MEDIA_ROOT = tmp_path
    w = WebWorld()
    unit = w.users["unit1"]
    services.progress_report(
        actor=unit, milestone_id=w.ms[("K1", "U1", 2)].id, status="behind", percent=50,
        note="清运过半",
    )  # fmt: skip
    services.explanation_file(
        actor=unit, milestone_id=w.ms[("K1", "U1", 1)].id, cause="objective", text="上级资金未到位"
    )
    services.explanation_file(
        actor=unit, milestone_id=w.ms[("K2", "U1", 1)].id, cause="subjective", text="组织不力",
        measures="加派人手",
    )  # fmt: skip
    services.inspection_record(
        actor=w.users["office"], target_id=w.targets[("K1", "U1")].id,
        month=w.today.replace(day=1), rating="fairly_good", note="推进有力",
    )  # fmt: skip
    services.milestone_exempt(
        actor=w.users["office"], milestone_id=w.ms[("K2", "U2", 1)].id, reason="项目取消"
    )
    services.stage_review_freeze(
        actor=w.users["office"], plan_code=PLAN, as_of=w.today - timedelta(days=1)
    )
    return w


def _english(client: Client) -> Client:
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    return client


def _untranslated(html: str) -> list[str]:
    html = re.sub(r"<svg\b.*?</svg>", "", html, flags=re.S)
    for text in DATA:
        html = html.replace(text, "")
    return CJK.findall(html)


def _pages(w: WebWorld) -> dict[str | None, list[str]]:
    objective = w.ms[("K1", "U1", 1)]
    subjective = w.ms[("K2", "U1", 1)]
    return {
        "office": [
            "/office/process/",
            f"{BASE}/",
            f"{BASE}/units/U1/",
            f"{BASE}/units/U2/",
            f"{BASE}/inspections/",
            f"{BASE}/review/",
            f"{BASE}/explanations/{objective.explanation.id}/",
            f"{BASE}/milestones/{w.ms[('K1', 'U1', 2)].id}/exempt/",
            f"{BASE}/feedback/U1/",
        ],
        "unit1": [
            f"/progress/{PLAN}/",
            f"/progress/{PLAN}/milestones/{w.ms[('K1', 'U1', 2)].id}/",
            f"/progress/{PLAN}/milestones/{subjective.id}/explain/",
            f"/progress/{PLAN}/rectifications/{subjective.rectifications.get().id}/",
            f"/progress/{PLAN}/feedback/",
        ],
        None: ["/board/", "/board/U1/"],
    }


def test_process_pages_in_english(world: WebWorld) -> None:
    for role, urls in _pages(world).items():
        client = _english(world.client(role))
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            html = response.content.decode()
            assert '<html lang="en">' in html, url
            assert _untranslated(html) == [], (url, _untranslated(html))


def test_english_labels_and_lines(world: WebWorld) -> None:
    office = _english(world.client("office"))
    html = office.get(f"{BASE}/units/U1/").content.decode()
    for text in (
        "Process score P",
        # K1's and K2's first milestones overdue; 较好 once; the review frozen yesterday.
        "Milestones 0: 2 due or done, 0 on time × 1, 0 late × 0.6, 2 not done × 0 (weighted)",
        "Monthly inspections 85: ratings 1 (Fairly good ×1); good 100, fairly good 85, fair 70,"
        " poor 50 (weighted mean)",
        "Half-year review 0: First half 0",
        "Process score P = (60×0 + 20×85 + 20×0) ÷ 100 = 17",
        "Outside cause (objective) · Pending",
        "Red (overdue) · 30 days overdue",
    ):
        assert text in html, text
    unit = _english(world.client("unit1"))
    page = unit.get(f"/progress/{PLAN}/").content.decode()
    assert "tap a milestone to report progress" in page and "3 days left" in page
    assert "explained (Own cause (subjective), Rectification)" in page


def test_chinese_is_unchanged_after_switching_back(world: WebWorld) -> None:
    client = world.client("office")
    url = f"{BASE}/units/U1/"

    def page() -> str:
        html = client.get(url).content.decode()
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)

    before = page()
    assert "日常考核得分 P = (60×" in before and "逾期 30 天" in before
    _english(client)
    assert "Process score P" in page()
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert page() == before


def test_every_line_of_the_engine_is_translated(world: WebWorld) -> None:
    """The lines P's explanation is made of (every sentence kaohe.engine.process and the feed
    write), matched in kaohe/process/lines.py: none is left in Chinese."""
    from kaohe.process import selectors

    services.process_feed(actor=world.users["office"], plan_code=PLAN, as_of=world.today)
    lines = [line for score in selectors.ProcessScore.objects.all() for line in score.lines]
    lines += [
        "节点完成：截至 2025-01-31 没有到期或已完成的节点，本项不计",
        "节点完成：截至 2025-01-31 没有到期或已完成的节点，本项不计（免责 2 个）",
        "月度督查：没有督查评价，本项不计",
        "半年考核：没有已冻结的阶段得分，本项不计",
        "日常考核得分：没有可计分的内容，得分缺失（按计分规则计 0 分并标记）",
        "日常考核得分 P = (60×40 + 20×80) ÷ 80 = 50；半年考核无数据，其权重按比例分给其他分项",
        "过程考核中没有该考核对象的任务，日常考核得分缺失",
    ]
    assert len(lines) > 10
    with translation.override("en"):
        for line in lines:
            assert not CJK.search(line_text(line)), (line, line_text(line))
    with translation.override("zh-hans"):
        assert [line_text(line) for line in lines] == lines
