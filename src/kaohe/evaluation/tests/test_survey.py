"""第三方评估 import (kaohe.evaluation.survey): rows become single-score ballots; every bad row
is reported with its place and nothing changes; the counted result is §4's (hand-computed,
and equal to `kaohe score` of a document holding the same ballots)."""

from __future__ import annotations

import copy
import io
from typing import Any

import polars as pl
import pytest
from django.test import Client
from openpyxl import Workbook

from kaohe.accounts.models import Role, User
from kaohe.audit.models import AuditRecord
from kaohe.engine import score
from kaohe.engine.model import MARK_SCHEMA
from kaohe.errors import InputError
from kaohe.evaluation import survey
from kaohe.evaluation.models import Ballot, Evaluation, RaterGroup
from kaohe.evaluation.tests.stored import stored_marks
from kaohe.plans.models import Plan
from kaohe.plans.selectors import plan_results_dict
from kaohe.plans.services import plan_compute, plan_load
from kaohe.workbook.build import build_document

pytestmark = pytest.mark.django_db

PLAN = "2025-survey"
UNITS = [("U1", "城关镇"), ("U2", "河口镇"), ("U3", "山前乡"), ("U4", "城关镇")]  # U4: same name


def raw_document() -> dict[str, Any]:
    leaf = {"code": "T1", "name": "实绩", "points": 80, "method": "direct"}
    target = {"code": "target", "name": "目标", "points": 80, "indicators": [leaf]}
    return copy.deepcopy(
        {
            "version": 1,
            "organization": {
                "name": "示例县",
                "units": [{"code": c, "name": n, "category": "town"} for c, n in UNITS],
            },
            "plan": {
                "code": PLAN,
                "name": "2025年度乡镇考核（第三方评估测试）",
                "year": 2025,
                "categories": [
                    {
                        "code": "town",
                        "name": "乡镇",
                        "sections": [
                            target,
                            {"code": "sv", "name": "群众满意度", "points": 20, "evaluation": "sv"},
                        ],
                        "grades": [{"name": "优秀", "quota": 25}, {"name": "良好"}],
                    }
                ],
            },
            "evaluations": [
                {
                    "code": "sv",
                    "name": "第三方满意度调查",
                    "form": "score",
                    "groups": [
                        {"code": "agency", "name": "第三方机构", "weight": 2},
                        {"code": "public", "name": "群众", "weight": 1},
                    ],
                },
                {
                    "code": "mz",
                    "name": "民主测评",
                    "options": {"优秀": 100, "称职": 80},
                    "groups": [{"code": "all", "name": "全体"}],
                },
                {
                    "code": "zc",
                    "name": "评选最差",
                    "kind": "worst",
                    "groups": [{"code": "all", "name": "全体"}],
                },
            ],
            "data": {"values": [{"assessee": c, "indicator": "T1", "value": 70} for c, _ in UNITS]},
        }
    )


@pytest.fixture
def plan() -> Plan:
    return plan_load(document=build_document(raw_document()))


def evaluation(code: str = "sv") -> Evaluation:
    return Evaluation.objects.select_related("plan").get(plan__code=PLAN, code=code)


def csv_bytes(text: str, encoding: str = "utf-8") -> bytes:
    return text.encode(encoding)


GOOD = """group,assessee,score,respondents
agency,U1,88.5,120
agency,U2,92,80
agency,U3,75.25,
agency,U4,60,40
public,U1,79,300
public,U2,95,
"""


def state() -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], str]:
    ballots = sorted(Ballot.objects.values_list("evaluation_id", "group_id", "serial", "channel"))
    marks = sorted(stored_marks("evaluation_id", "assessee", "option"))
    return ballots, marks, evaluation().status


def test_import_writes_one_single_score_ballot_per_row(plan: Plan) -> None:
    imported = survey.survey_import(
        evaluation=evaluation(), name="调查.csv", data=csv_bytes(GOOD), actor="office"
    )
    assert (imported.rows, imported.replaced) == (6, 0)
    assert imported.groups == {"agency": 4, "public": 2}
    assert imported.respondents == 120 + 80 + 40 + 300
    ballots = list(Ballot.objects.filter(evaluation=evaluation()))
    assert len(ballots) == 6 and {b.channel for b in ballots} == {"survey"}
    marks = stored_marks("ballot_id", "assessee", "option", evaluation=evaluation())
    assert sorted((assessee, option) for _, assessee, option in marks) == [
        ("U1", "79"), ("U1", "88.5"), ("U2", "92"), ("U2", "95"), ("U3", "75.25"), ("U4", "60"),
    ]  # fmt: skip
    assert sorted(ballot for ballot, _, _ in marks) == sorted(b.id for b in ballots)  # one each
    assert evaluation().status == Evaluation.Status.CLOSED
    record = AuditRecord.objects.get(action="survey_import")
    assert record.detail["rows"] == 6 and record.detail["file"] == "调查.csv"
    assert survey.last_import(evaluation())["respondents"] == 540
    assert survey.survey_counts(evaluation()) == {"agency": 4, "public": 2}


def test_counted_scores_are_the_group_means_by_hand(plan: Plan) -> None:
    survey.survey_import(evaluation=evaluation(), name="调查.csv", data=csv_bytes(GOOD))
    plan_compute(plan_code=PLAN)
    results = {a["code"]: a for a in plan_results_dict(PLAN)["assessees"]}
    # U1: E = (2·88.5 + 1·79) / 3 = 85.3333; section = 85.3333 × 20 / 100 = 17.07.
    u1 = results["U1"]
    assert u1["evaluations"]["sv"]["score"] == 85.33 and u1["sections"]["sv"] == 17.07
    assert u1["evaluations"]["sv"]["groups"]["agency"]["score"] == 88.5
    # U3: only the agency rated: E = 75.25 (the public group is absent and flagged).
    u3 = results["U3"]
    assert u3["evaluations"]["sv"]["score"] == 75.25 and u3["sections"]["sv"] == 15.05
    assert "missing_group:sv:public" in u3["flags"]
    # U2: (2·92 + 95) / 3 = 93.0; total 70 + 18.6 = 88.6.
    assert results["U2"]["total"] == 88.6


def test_results_equal_kaohe_score_of_the_same_ballots(plan: Plan) -> None:
    survey.survey_import(evaluation=evaluation(), name="调查.csv", data=csv_bytes(GOOD))
    plan_compute(plan_code=PLAN)
    rows = [line.split(",") for line in GOOD.strip().splitlines()[1:]]
    marks = pl.DataFrame(
        [("sv", g, f"b{i}", a, s) for i, (g, a, s, _) in enumerate(rows)],
        schema=MARK_SCHEMA,
        orient="row",
    )
    document = build_document(raw_document())
    expected = score(type(document)(**{**_fields(document), "marks": marks})).to_dict()
    assert plan_results_dict(PLAN) == expected


def _fields(document: Any) -> dict[str, Any]:
    return {name: getattr(document, name) for name in document.__dataclass_fields__}


def test_excel_with_chinese_headers_and_names(plan: Plan) -> None:
    book = Workbook()
    book.active.title = "说明"
    book.active.append(["这一页不是数据"])
    sheet = book.create_sheet("第三方评估")
    sheet.append(["测评主体", "考核对象代码", "得分", "样本量"])
    sheet.append(["第三方机构", "河口镇", 91.5, 60])  # group and assessee by name
    sheet.append(["agency", "U1", 80, None])
    sheet.append([None, None, None, None])  # a blank row is skipped
    sheet.append(["群众", "U3", 66, 15])
    out = io.BytesIO()
    book.save(out)
    imported = survey.survey_import(evaluation=evaluation(), name="评估.xlsx", data=out.getvalue())
    assert imported.rows == 3 and imported.respondents == 75
    assert sorted(stored_marks("assessee", "option")) == [
        ("U1", "80"), ("U2", "91.5"), ("U3", "66"),
    ]  # fmt: skip


BAD = """group,assessee,score,respondents
agency,U1,88.5,10
nobody,U2,70,
agency,U9,70,
agency,U2,１００,
agency,U3,101,
public,U3,七十,
agency,U1,90,
public,U4,80,0
agency,城关镇,80,
public,U2,,
"""


def test_every_bad_row_is_reported_with_its_place_and_nothing_changes(plan: Plan) -> None:
    before = state()
    with pytest.raises(InputError) as caught:
        survey.survey_import(evaluation=evaluation(), name="调查.csv", data=csv_bytes(BAD))
    found = [(p.where, p.message) for p in caught.value.problems]
    expected = [
        ("调查.csv 第3行 第1列「group」", "测评主体“nobody”不属于测评 sv"),
        ("调查.csv 第4行 第2列「assessee」", "考核对象“U9”不是本方案的考核对象"),
        ("调查.csv 第5行 第3列「score」", "全角字符"),
        ("调查.csv 第6行 第3列「score」", "得分应在 0–100 之间，实为 101"),
        ("调查.csv 第7行 第3列「score」", "得分应为 0–100 的数值，实为“七十”"),
        ("调查.csv 第8行 第2列「assessee」", "得分重复（第2行已有）"),
        ("调查.csv 第9行 第4列「respondents」", "样本量应为不小于 1 的整数"),
        ("调查.csv 第10行 第2列「assessee」", "考核对象名称“城关镇”有重名，请填考核对象代码"),
        ("调查.csv 第11行 第3列「score」", "缺少得分"),
    ]
    assert len(found) == len(expected), found
    for (where, message), (want_where, want) in zip(found, expected, strict=True):
        assert where == want_where and want in message, (where, message)
    assert state() == before


def test_gb18030_csv_and_header_problems(plan: Plan) -> None:
    data = csv_bytes("测评主体,考核对象,得分\n第三方机构,U1,80\n", "gb18030")
    assert survey.survey_import(evaluation=evaluation(), name="a.csv", data=data).rows == 1
    with pytest.raises(InputError) as caught:
        survey.survey_check(
            evaluation=evaluation(), name="b.csv", data=csv_bytes("group,who,score,note\n")
        )
    messages = [(p.where, p.message) for p in caught.value.problems]
    assert ("b.csv 第1行 第2列", messages[0][1]) == messages[0] and "“who”" in messages[0][1]
    assert any("缺少“考核对象”列" in m for _, m in messages)
    for name, data, message in [
        ("c.csv", b"group,assessee,score\n", "没有数据行"),
        ("d.csv", b"", "文件是空的"),
        ("e.txt", b"x", "只能导入 .xlsx 或 .csv 文件"),
        ("f.xlsx", b"not a zip", "不是有效的 Excel 工作簿"),
    ]:
        with pytest.raises(InputError) as caught:
            survey.survey_check(evaluation=evaluation(), name=name, data=data)
        assert message in caught.value.problems[0].message


def test_reimport_replaces_survey_ballots_only(plan: Plan) -> None:
    sv = evaluation()
    public = RaterGroup.objects.get(evaluation=sv, code="public")
    Ballot.objects.create(
        evaluation=sv,
        group=public,
        serial="P-001",
        channel="paper",
        assessees=["U4"],
        options=["50"],
    )
    survey.survey_import(evaluation=sv, name="1.csv", data=csv_bytes(GOOD))
    again = survey.survey_import(
        evaluation=sv, name="2.csv", data=csv_bytes("group,assessee,score\nagency,U1,70\n")
    )
    assert (again.rows, again.replaced) == (1, 6)
    assert sorted(Ballot.objects.values_list("channel", flat=True)) == ["paper", "survey"]
    assert sorted(stored_marks("assessee", "option")) == [("U1", "70"), ("U4", "50")]
    assert survey.last_import(sv)["file"] == "2.csv"


@pytest.mark.parametrize(
    ("code", "status", "message"),
    [
        ("mz", "draft", "只能导入“打分”形式的测评"),
        ("zc", "draft", "是评选最差"),
        ("sv", "open", "正在进行，结束测评后再导入"),
    ],
)
def test_refused_evaluations(plan: Plan, code: str, status: str, message: str) -> None:
    Evaluation.objects.filter(plan=plan, code=code).update(status=status)
    with pytest.raises(InputError) as caught:
        survey.survey_import(evaluation=evaluation(code), name="a.csv", data=csv_bytes(GOOD))
    assert message in caught.value.problems[0].message
    assert not Ballot.objects.exists()


def test_a_counted_evaluation_is_closed_again(plan: Plan) -> None:
    Evaluation.objects.filter(plan=plan, code="sv").update(status="counted")
    survey.survey_import(evaluation=evaluation(), name="a.csv", data=csv_bytes(GOOD))
    assert evaluation().status == Evaluation.Status.CLOSED


def _client(role: str) -> Client:
    user = User.objects.create_user(username=f"u-{role}", password="x", role=role)
    client = Client()
    client.force_login(user)
    return client


def test_page_imports_and_shows_problems(plan: Plan) -> None:
    client = _client(Role.OFFICE)
    url = f"/office/evaluations/{PLAN}/sv/survey/"
    page = client.get(url).content.decode()
    assert "导入第三方评估得分" in page and "agency（第三方机构）" in page
    upload = io.BytesIO(csv_bytes("group,assessee,score\nagency,U1,200\n"))
    upload.name = "bad.csv"
    page = client.post(url, {"file": upload}).content.decode()
    assert "没有导入任何数据" in page and "bad.csv 第2行 第3列「score」" in page
    assert not Ballot.objects.exists()
    upload = io.BytesIO(csv_bytes(GOOD))
    upload.name = "good.csv"
    response = client.post(url, {"file": upload}, follow=True)
    page = response.content.decode()
    assert "已导入 6 行第三方评估得分" in page and "样本量合计 540" in page
    assert Ballot.objects.filter(channel="survey").count() == 6
    refused = client.get(f"/office/evaluations/{PLAN}/mz/survey/").content.decode()
    assert "只能导入“打分”形式的测评" in refused and 'type="file"' not in refused
    assert client.get(f"/office/evaluations/{PLAN}/nope/survey/").status_code == 404
    assert _client(Role.SUPERVISOR).get(url).status_code == 403
