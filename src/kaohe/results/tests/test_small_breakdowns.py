"""No breakdown of fewer than 5 ballots is shown on the web (kaohe.results.breakdowns): the
explanation page, its charts, the ranking page's special kinds and the API; while the CLI's
``kaohe results`` keeps the office's full record (workbook.md) and stored results are never
changed.

The plan, by hand. 民主测评 ``mz`` of U1: 县领导 3 ballots (优秀 2, 基本称职 1: hidden),
服务对象 6 ballots (称职 6: hidden too, or E would give 县领导 away by difference), 干部职工
8 ballots (优秀 3, 称职 5: shown). 德能勤绩廉 ``dn``: 4 ballots in all (everything split is
hidden, the radar too). 试用期满 ``sy``: 3 ballots (vote counts hidden; rate and verdict
shown). 评选最差 ``zc``: 4 ballots, U2 named with 2 votes (hidden).
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from kaohe.accounts.models import Role, User
from kaohe.cli import main
from kaohe.plans.services import plan_compute, plan_load
from kaohe.results.breakdowns import hidden_groups, mask_result
from kaohe.results.models import AssesseeResult
from kaohe.workbook.build import build_document

pytestmark = pytest.mark.django_db

PLAN = "2025-secret"
UNITS = (("U1", "城关镇"), ("U2", "河口镇"), ("U3", "山前乡"))
GRADES = {"优秀": 100, "称职": 80, "基本称职": 60, "不称职": 0}
DIMS = {"德": 20, "能": 20, "勤": 20, "绩": 20, "廉": 20}


def _ballots(evaluation: str, group: str, marks: list[Any]) -> list[dict[str, Any]]:
    return [
        {"evaluation": evaluation, "group": group, "ballot": f"{group}{i}", "marks": mark}
        for i, mark in enumerate(marks, start=1)
    ]


def raw_document() -> dict[str, Any]:
    others = {"U2": "称职", "U3": "称职"}
    ballots = [
        *_ballots("mz", "leaders", [{"U1": "优秀", **others}, {"U1": "优秀", **others},
                                    {"U1": "基本称职", **others}]),
        *_ballots("mz", "public", [{"U1": "称职", **others}] * 6),
        *_ballots("mz", "staff", [{"U1": "优秀", **others}] * 3 + [{"U1": "称职", **others}] * 5),
        *_ballots("dn", "all", [{u: dict.fromkeys(DIMS, "优秀") for u, _ in UNITS}] * 2
                  + [{u: dict.fromkeys(DIMS, "称职") for u, _ in UNITS}] * 2),
        *_ballots("sy", "all", [{"U1": "优秀", "U2": "不称职", "U3": "称职"},
                                {"U1": "称职", "U2": "不称职", "U3": "称职"},
                                {"U1": "不称职", "U2": "称职", "U3": "称职"}]),
        {"evaluation": "zc", "group": "all", "ballot": "Z1", "picks": ["U2"]},
        {"evaluation": "zc", "group": "all", "ballot": "Z2", "picks": ["U2"]},
        {"evaluation": "zc", "group": "all", "ballot": "Z3", "picks": ["U1"]},
        {"evaluation": "zc", "group": "all", "ballot": "Z4", "picks": []},
    ]  # fmt: skip
    everyone = [{"code": "all", "name": "全体"}]
    return {
        "version": 1,
        "organization": {
            "name": "示例县",
            "units": [{"code": c, "name": n, "category": "town"} for c, n in UNITS],
        },
        "plan": {
            "code": PLAN,
            "name": "小票数测试",
            "year": 2025,
            "categories": [
                {
                    "code": "town",
                    "name": "乡镇",
                    "sections": [
                        {
                            "code": "t",
                            "name": "目标",
                            "points": 50,
                            "indicators": [
                                {"code": "T1", "name": "实绩", "points": 50, "method": "direct"}
                            ],
                        },
                        {"code": "mz", "name": "民主测评", "points": 20, "evaluation": "mz"},
                        {"code": "dn", "name": "德能勤绩廉", "points": 15, "evaluation": "dn"},
                        {"code": "sy", "name": "试用期满", "points": 15, "evaluation": "sy"},
                    ],
                    "grades": [{"name": "优秀", "quota": 34}, {"name": "一般"}],
                }
            ],
        },
        "evaluations": [
            {
                "code": "mz",
                "name": "民主测评",
                "kind": "standard",
                "form": "grade",
                "options": GRADES,
                "satisfied": ["优秀", "称职"],
                "groups": [
                    {"code": "leaders", "name": "县领导", "weight": 30},
                    {"code": "staff", "name": "干部职工", "weight": 50},
                    {"code": "public", "name": "服务对象", "weight": 20},
                ],
            },
            {
                "code": "dn",
                "name": "德能勤绩廉测评",
                "kind": "standard",
                "form": "dimensions",
                "options": GRADES,
                "dimensions": DIMS,
                "groups": everyone,
            },
            {
                "code": "sy",
                "name": "试用期满测评",
                "kind": "probation",
                "form": "grade",
                "options": GRADES,
                "satisfied": ["优秀", "称职"],
                "groups": everyone,
            },
            {"code": "zc", "name": "评选最差乡镇", "kind": "worst", "groups": everyone},
        ],
        "data": {
            "values": [{"assessee": c, "indicator": "T1", "value": 40} for c, _ in UNITS],
            "ballots": ballots,
        },
    }


@pytest.fixture
def office() -> Client:
    plan_load(document=build_document(raw_document()))
    plan_compute(plan_code=PLAN)
    user = User.objects.create(username="office", role=Role.OFFICE)
    client = Client()
    client.force_login(user)
    return client


def _text(html: str) -> str:
    """The page's text with tags and runs of white space reduced to single spaces."""
    import re

    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


# ---------------------------------------------------------------------------------------------
# The rule


def test_hidden_groups_never_leave_a_small_breakdown_to_be_worked_out() -> None:
    """Over random group sizes: no group of 1–4 is shown, and what is hidden together holds
    at least 5 marks unless it is everything there is (then only the result E is shown)."""
    rng = random.Random(4)
    for _ in range(2000):
        marks = {
            f"g{i}": rng.choice([0, 1, 2, 3, 4, 5, 6, 9, 30]) for i in range(rng.randint(1, 5))
        }
        hidden = hidden_groups(marks)
        assert all(code in hidden for code, n in marks.items() if 0 < n < 5), marks
        assert all(marks[code] > 0 for code in hidden), marks
        together = sum(marks[code] for code in hidden)
        everything = sum(marks.values())
        assert not hidden or together >= 5 or together == everything, marks
        # Only as much is hidden as needed: at most one group of 5 or more (the smallest shown
        # one), and only when the small ones alone hold fewer than 5 marks.
        big = [code for code in hidden if marks[code] >= 5]
        assert len(big) <= 1, marks
        if big:
            assert together - marks[big[0]] < 5, marks
            assert marks[big[0]] == min(n for n in marks.values() if n >= 5), marks


def test_mask_result_copies_and_keeps_the_result() -> None:
    stored = {"score": 84.0, "valid": 11, "void": 0, "top_rate": 0.27, "satisfaction_rate": 1.0,
              "groups": {"a": {"score": 90.0, "marks": 3, "counts": {"优秀": 2, "称职": 1}},
                         "b": {"score": 80.0, "marks": 8, "counts": {"称职": 8}}}}  # fmt: skip
    masked = mask_result(stored)
    assert masked["score"] == 84.0 and masked["top_rate"] == 0.27
    assert masked["groups"]["a"] == {"score": None, "marks": 3, "counts": None, "hidden": True}
    assert masked["groups"]["b"]["hidden"] and masked["groups"]["b"]["counts"] is None
    assert stored["groups"]["a"]["counts"] == {"优秀": 2, "称职": 1}  # the stored dict is intact


# ---------------------------------------------------------------------------------------------
# Pages


def test_explanation_page_hides_small_groups_and_keeps_the_big_one(office: Client) -> None:
    html = office.get(f"/plans/{PLAN}/assessees/U1/").content.decode()
    text = _text(html)
    # 干部职工 (8 ballots) is shown; 县领导 (3) and 服务对象 (6, by difference) are not.
    assert "干部职工 50 8 0 0 87.50 优秀 3，称职 5" in text
    assert "县领导 30 3 0 0 不足5票 不足5票" in text
    assert "服务对象 20 6 0 0 不单独显示 不单独显示" in text
    assert "优秀 2，基本称职 1" not in text and "称职 6" not in text
    assert "不足5票的测评主体" in text
    # E stays: (30 × 86.67 + 50 × 87.5 + 20 × 80) ÷ 100 = 85.75.
    assert "得分 E = 85.75" in text
    # 德能勤绩廉 with 4 ballots in all: no split, no radar, rates hidden.
    assert 'id="radar-dn"' not in html
    assert "有效票不足5票，不显示各选项的比例和票数。" in text
    # Probation with 3 ballots: rate and verdict, no vote counts.
    assert "试用期满测评：有效票不足5票，不显示各选项票数；称职以上比例 0.6667" in text
    assert "优秀 1 票" not in text


def test_explanation_page_masks_a_small_worst_vote(office: Client) -> None:
    text = _text(office.get(f"/plans/{PLAN}/assessees/U2/").content.decode())
    assert "评选最差：票数不足5票，不单独显示" in text
    assert "2票" not in text and "50.00%" not in text


def test_ranking_page_masks_worst_votes_and_probation_counts(office: Client) -> None:
    text = _text(office.get(f"/plans/{PLAN}/").content.decode())
    assert "河口镇 U2 不足5票 不足5票" in text  # named worst; votes and share hidden
    assert "城关镇 U1 不足5票 不足5票 3 66.67% 合格" in text


def test_english_page_says_it_in_english(office: Client) -> None:
    office.cookies["django_language"] = "en"
    response = office.get(f"/plans/{PLAN}/assessees/U1/", HTTP_ACCEPT_LANGUAGE="en")
    text = _text(response.content.decode())
    assert "fewer than 5 ballots" in text
    assert "Fewer than 5 valid ballots: shares and votes per option are not shown." in text


# ---------------------------------------------------------------------------------------------
# API and CLI


def test_api_explanation_and_worst_lists_are_masked(office: Client) -> None:
    data = office.get(f"/api/plans/{PLAN}/assessees/U1").json()
    mz = data["result"]["evaluations"]["mz"]
    assert mz["groups"]["leaders"] == {"score": None, "marks": 3, "counts": None, "hidden": True}
    assert mz["groups"]["public"]["counts"] is None
    assert mz["groups"]["staff"]["counts"] == {"优秀": 3, "称职": 5}
    assert mz["score"] == 85.75
    dn = data["result"]["evaluations"]["dn"]
    assert dn["top_rate"] is None and dn["satisfaction_rate"] is None
    sy = data["result"]["evaluations"]["sy"]
    assert sy["excellent"] is None and sy["competent"] is None and sy["passed"] is True
    explained = data["explanation"]["evaluations"]
    leaders = next(g for g in explained["mz"]["groups"] if g["group"] == "leaders")
    assert leaders["hidden"] and leaders["counts"] is None and leaders["score"] is None
    assert explained["dn"]["dimensions"] is None
    assert explained["sy"]["probation"]["excellent"] is None
    worst = office.get(f"/api/plans/{PLAN}/worst").json()
    assert worst == [
        {"evaluation": "zc", "entries": [
            {"assessee": "U2", "name": "河口镇", "votes": None, "share": None, "hidden": True}]}
    ]  # fmt: skip
    u2 = office.get(f"/api/plans/{PLAN}/assessees/U2").json()
    reasons = [event["reason"] for event in u2["explanation"]["events"]]
    assert reasons == ["评选最差：票数不足5票，不单独显示"]


def test_cli_results_keep_the_full_record_and_storage_is_unchanged(
    office: Client, tmp_path: Path
) -> None:
    office.get(f"/plans/{PLAN}/assessees/U1/")  # masking a page changes nothing stored
    out = tmp_path / "results.json"
    assert main(["results", PLAN, "--output", str(out)]) == 0
    results = json.loads(out.read_text(encoding="utf-8"))
    u1 = next(a for a in results["assessees"] if a["code"] == "U1")
    assert u1["evaluations"]["mz"]["groups"]["leaders"]["counts"] == {"优秀": 2, "基本称职": 1}
    assert u1["evaluations"]["sy"]["excellent"] == 1
    assert results["worst"]["zc"][0]["votes"] == 2
    stored = AssesseeResult.objects.get(plan__code=PLAN, code="U1")
    assert stored.data["evaluations"]["mz"]["groups"]["leaders"]["score"] is not None
    assert stored.explanation["evaluations"]["dn"]["dimensions"]["德"] is not None
