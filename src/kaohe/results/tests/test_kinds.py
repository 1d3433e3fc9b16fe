"""The ranking page's summary of worst, integrity and probation evaluations (kaohe.results.kinds),
from a plan whose figures are computed by hand below."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from kaohe.accounts.models import Role, User
from kaohe.plans.selectors import ranking
from kaohe.plans.services import plan_compute, plan_load
from kaohe.results.kinds import kind_summaries
from kaohe.workbook.build import build_document

pytestmark = pytest.mark.django_db

PLAN = "2025-kinds"


def _ballot(evaluation: str, serial: str, marks: dict[str, str]) -> dict[str, Any]:
    return {"evaluation": evaluation, "group": "g", "ballot": serial, "marks": marks}


def raw_document() -> dict[str, Any]:
    leaf = {"code": "T1", "name": "实绩", "points": 60, "method": "direct"}
    group = [{"code": "g", "name": "全体"}]
    ballots = [
        # 述廉评廉: U1 满意 (100), U2 不满意 (0: listed), U3 基本满意 (60: not below 60).
        _ballot("lz", "L1", {"U1": "满意", "U2": "不满意", "U3": "基本满意"}),
        # 试用期满: U1 优秀 称职 不称职 (2/3: 合格); U2 称职 不称职 不称职 (1/3: 不合格); U3 none.
        _ballot("sy", "S1", {"U1": "优秀", "U2": "称职"}),
        _ballot("sy", "S2", {"U1": "称职", "U2": "不称职"}),
        _ballot("sy", "S3", {"U1": "不称职", "U2": "不称职"}),
        # 评最差: U2 twice, U1 once, one empty ballot: valid 4, U2 named with 2/4 = 50%.
        {"evaluation": "zc", "group": "g", "ballot": "Z1", "picks": ["U2"]},
        {"evaluation": "zc", "group": "g", "ballot": "Z2", "picks": ["U2"]},
        {"evaluation": "zc", "group": "g", "ballot": "Z3", "picks": ["U1"]},
        {"evaluation": "zc", "group": "g", "ballot": "Z4", "picks": []},
    ]
    return {
        "version": 1,
        "organization": {
            "name": "示例县",
            "units": [
                {"code": c, "name": n, "category": "town"}
                for c, n in (("U1", "城关镇"), ("U2", "河口镇"), ("U3", "山前乡"))
            ],
        },
        "plan": {
            "code": PLAN,
            "name": "专项测评测试",
            "year": 2025,
            "categories": [
                {
                    "code": "town",
                    "name": "乡镇",
                    "sections": [
                        {"code": "t", "name": "目标", "points": 60, "indicators": [leaf]},
                        {"code": "lz", "name": "述廉评廉", "points": 20, "evaluation": "lz"},
                        {"code": "sy", "name": "试用期满", "points": 20, "evaluation": "sy"},
                    ],
                    "grades": [{"name": "优秀", "quota": 34}, {"name": "一般"}],
                }
            ],
        },
        "evaluations": [
            {"code": "zc", "name": "评选最差乡镇", "kind": "worst", "groups": group},
            {"code": "lz", "name": "述廉评廉", "kind": "integrity", "groups": group},
            {"code": "sy", "name": "试用期满测评", "kind": "probation", "groups": group},
        ],
        "data": {
            "values": [{"assessee": c, "indicator": "T1", "value": 50} for c in ("U1", "U2", "U3")],
            "ballots": ballots,
        },
    }


@pytest.fixture
def computed() -> None:
    plan_load(document=build_document(raw_document()))
    plan_compute(plan_code=PLAN)


def test_summaries_by_hand(computed: None) -> None:
    worst, integrity, probation = kind_summaries(PLAN, ranking(PLAN)["categories"])
    assert (worst["kind"], worst["named"]) == (
        "worst",
        [{"code": "U2", "name": "河口镇", "votes": 2, "share_percent": 50.0}],
    )
    assert integrity["threshold"] == "60" and integrity["reviewed"] == 3
    assert integrity["listed"] == [{"code": "U2", "name": "河口镇", "score": 0.0, "valid": 1}]
    assert probation["pass_percent"] == pytest.approx(200 / 3)
    assert probation["failed"] == 2
    rows = {row["code"]: row for row in probation["rows"]}
    assert [row["code"] for row in probation["rows"]] == ["U2", "U3", "U1"]  # 不合格 first
    assert (rows["U1"]["excellent"], rows["U1"]["competent"], rows["U1"]["valid"]) == (1, 1, 3)
    assert rows["U1"]["passed"] and rows["U1"]["rate_percent"] == pytest.approx(66.67)
    assert (rows["U2"]["competent"], rows["U2"]["passed"]) == (1, False)
    assert (rows["U3"]["valid"], rows["U3"]["rate_percent"], rows["U3"]["passed"]) == (
        0, None, False,
    )  # fmt: skip


def test_ranking_page_shows_the_summaries(computed: None) -> None:
    office = User.objects.create_user(username="office-kinds", password="x", role=Role.OFFICE)
    client = Client()
    client.force_login(office)
    html = client.get(f"/plans/{PLAN}/").content.decode()
    section = html[html.index('id="kinds"') :]
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", section))
    # 4 valid worst ballots: fewer than 5, so the page names U2 but hides votes and share
    # (docs/voting-office.md, no breakdown of fewer than 5 ballots on the web).
    assert "评选最差乡镇" in text and "河口镇 U2 不足5票 不足5票" in text
    assert "得分低于 60 分、列入组织处理名单：1 人" in text and "河口镇 U2 0.00 1" in text
    assert "达到 66.67% 为合格" in text and "不合格 2 人" in text
    assert "城关镇 U1 不足5票 不足5票 3 66.67% 合格" in text
    assert "山前乡 U3 0 0 0 — 不合格" in text
    # The rows' flags say it too.
    assert "试用期满测评不合格 sy" in html


def test_probation_survives_the_database() -> None:
    """pass_share is stored and read back; stored results equal `kaohe score`'s."""
    from kaohe.engine import score
    from kaohe.plans.selectors import plan_document, plan_results_dict

    raw = raw_document()
    raw["evaluations"][2]["pass_share"] = 0.3
    document = build_document(raw)
    plan_load(document=document)
    plan_compute(plan_code=PLAN)
    assert plan_document(PLAN).evaluation("sy").pass_share == 0.3
    stored = plan_results_dict(PLAN)
    assert stored == score(document).to_dict()
    passed = {a["code"]: a["evaluations"]["sy"]["passed"] for a in stored["assessees"]}
    assert passed == {"U1": True, "U2": True, "U3": False}  # 1/3 ≥ 0.3 now passes


def test_explanation_states_the_verdict(computed: None) -> None:
    office = User.objects.create_user(username="office-kinds2", password="x", role=Role.OFFICE)
    client = Client()
    client.force_login(office)
    u1 = client.get(f"/plans/{PLAN}/assessees/U1/").content.decode()
    # 3 valid marks: the counts per option are hidden, the rate and the verdict are not.
    assert (
        "试用期满测评：有效票不足5票，不显示各选项票数；"
        "称职以上比例 0.6667（通过比例 0.6667），合格。" in u1
    )
    u3 = client.get(f"/plans/{PLAN}/assessees/U3/").content.decode()
    assert "试用期满测评：无有效票，不合格（通过比例 0.6667）。" in u3
