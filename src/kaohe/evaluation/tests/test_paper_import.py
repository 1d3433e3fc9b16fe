"""Importing paper ballots from CSV and Excel: all or nothing, every error located by file,
sheet, row and column; void ballots imported and counted void (kaohe.evaluation.paper_import)."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from kaohe.accounts.models import User
from kaohe.errors import InputError
from kaohe.evaluation import paper
from kaohe.evaluation.models import Ballot, Evaluation
from kaohe.evaluation.paper_import import Imported, import_ballots
from kaohe.evaluation.tests import paper_fixtures
from kaohe.evaluation.tests.stored import stored_marks
from kaohe.plans.models import Plan
from kaohe.plans.selectors import plan_document

pytestmark = pytest.mark.django_db
plan, clerks = paper_fixtures.plan, paper_fixtures.clerks  # fixtures

GOOD = """group,ballot,assessee,option
leaders,L-1,A01,优秀
leaders,L-1,A02,称职
leaders,L-2,A01,优秀
leaders,L-2,A02,优秀
leaders,L-2,A03,优秀
staff,S-1,A04,不称职
staff,S-2,,
"""


def _evaluation(code: str) -> Evaluation:
    return Evaluation.objects.get(plan__code=paper_fixtures.PLAN, code=code)


def _write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def _import(code: str, path: Path, clerk: User) -> Imported:
    return import_ballots(evaluation_id=_evaluation(code).pk, path=path, actor=clerk)


def test_a_csv_file_is_imported_with_void_and_blank_ballots(
    plan: Plan, clerks: tuple[User, User], tmp_path: Path
) -> None:
    done = _import("mz", _write(tmp_path, "ballots.csv", GOOD, "gb18030"), clerks[0])
    assert (done.ballots, done.marks, done.void, done.blank) == (4, 7, 1, 1)
    assert set(Ballot.objects.values_list("serial", "channel")) == {
        ("L-1", "paper"),
        ("L-2", "paper"),
        ("S-1", "paper"),
        ("S-2", "paper"),
    }
    marks = plan_document(paper_fixtures.PLAN).marks
    assert marks.filter(marks["ballot"] == "L-2").height == 3
    # The serials are the evaluation's now: the same file again is refused as a whole.
    with pytest.raises(InputError) as error:
        _import("mz", _write(tmp_path, "ballots.csv", GOOD), clerks[0])
    assert (
        str(error.value.problems[0])
        == "ballots.csv 第 2 行「ballot」列: 票号 L-1 在本测评中已录入或已入库"
    )
    assert Ballot.objects.count() == 4


def test_dimensions_score_and_worst_files(
    plan: Plan, clerks: tuple[User, User], tmp_path: Path
) -> None:
    dims = (
        "evaluation,group,ballot,assessee,option\ndd,all,1,A01,德=好;能=较好;勤=一般;绩=差;廉=好\n"
    )
    dims += "dd,all,1,A02,德=好\n"
    assert _import("dd", _write(tmp_path, "dd.csv", dims), clerks[0]).void == 1
    scores = "group,ballot,assessee,option\njury,1,A01,95\njury,1,A02,120\njury,2,A01,88.5\n"
    assert _import("sc", _write(tmp_path, "sc.csv", scores), clerks[0]).void == 1
    worst = "group,ballot,assessee,option\nall,1,A02,\nall,2,,\nall,3,A01,\nall,3,A02,\n"
    done = _import("zc", _write(tmp_path, "zc.csv", worst), clerks[0])
    assert (done.ballots, done.void, done.blank) == (3, 1, 1)
    assert stored_marks("assessee", evaluation__code="zc").count((None,)) == 1


def test_every_error_is_located_and_nothing_is_stored(
    plan: Plan, clerks: tuple[User, User], tmp_path: Path
) -> None:
    bad = """evaluation,group,ballot,assessee,option
mz,leaders,1,A01,优秀
dd,leaders,2,A01,优秀
mz,nobody,3,A01,优秀
mz,leaders,４,A01,优秀
mz,leaders,5,Z99,优秀
mz,leaders,6,A01,
mz,leaders,7,A01,称职
mz,leaders,7,A01,优秀
mz,staff,1,A02,称职
"""
    with pytest.raises(InputError) as error:
        _import("mz", _write(tmp_path, "bad.csv", bad), clerks[0])
    found = [str(problem) for problem in error.value.problems]
    assert found[:4] == [
        "bad.csv 第 3 行「evaluation」列: 测评代码应为 mz（本次导入的测评），不是「dd」",
        "bad.csv 第 4 行「group」列: 测评主体「nobody」不在本测评中（应为：leaders、staff）",
        "bad.csv 第 5 行「ballot」列: 票号含全角字符，请切换到半角（英文）输入后重新输入",
        "bad.csv 第 10 行「group」列: 票号 1 在 bad.csv 第 2 行 属于测评主体「leaders」，"
        "同一张票不能属于两个测评主体",
    ]
    assert any(p.startswith("bad.csv 第 6 行「assessee」列") and "Z99" in p for p in found)
    assert "bad.csv 第 7 行「option」列: 缺少选项" in found
    assert "bad.csv 第 9 行「assessee」列: 考核对象 A01 在本票中重复" in found
    assert len(found) == 7
    assert not Ballot.objects.exists()


def test_score_numbers_are_checked_at_their_cell(
    plan: Plan, clerks: tuple[User, User], tmp_path: Path
) -> None:
    scores = "group,ballot,assessee,option\njury,1,A01,９５\njury,2,A01,9x\n"
    with pytest.raises(InputError) as error:
        _import("sc", _write(tmp_path, "sc.csv", scores), clerks[0])
    found = [str(problem) for problem in error.value.problems]
    assert found[0].startswith("sc.csv 第 2 行「option」列:") and "全角" in found[0]
    assert found[1].startswith("sc.csv 第 3 行「option」列:") and "格式不正确" in found[1]


def test_an_excel_sheet_with_chinese_headers(
    plan: Plan, clerks: tuple[User, User], tmp_path: Path
) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "测评票"
    sheet.append(["测评主体代码", "票号", "考核对象代码", "选项"])
    sheet.append(["jury", 1, "A01", 90])
    sheet.append(["jury", 1, "A02", 85.5])
    sheet.append(["jury", 2, "A01", "abc"])
    path = tmp_path / "纸质票.xlsx"
    book.save(path)
    with pytest.raises(InputError) as error:
        _import("sc", path, clerks[0])
    [problem] = error.value.problems
    assert problem.where == "纸质票.xlsx 工作表「测评票」第 4 行「选项」列"
    sheet.delete_rows(4)
    book.save(path)
    assert _import("sc", path, clerks[0]).ballots == 1
    rows = plan_document(paper_fixtures.PLAN).marks.select("assessee", "option").rows()
    assert sorted(rows) == [("A01", "90"), ("A02", "85.5")]


def test_wrong_files_are_refused(plan: Plan, clerks: tuple[User, User], tmp_path: Path) -> None:
    cases = [
        ("x.txt", "group,ballot\n", "只能导入 .csv 或 .xlsx"),
        ("h.csv", "group,ballot,who\n", "未知列「who」"),
        ("m.csv", "group,ballot,option\nleaders,1,优秀\n", "缺少列「考核对象代码」"),
        ("e.csv", "group,ballot,assessee,option\n", "没有测评票"),
        ("z.xlsx", "not a zip", "不是有效的 Excel"),
    ]
    for name, text, needle in cases:
        with pytest.raises(InputError) as error:
            _import("mz", _write(tmp_path, name, text), clerks[0])
        assert needle in str(error.value), name
    book = Workbook()
    book.active.title = "Sheet1"
    book.save(tmp_path / "s.xlsx")
    with pytest.raises(InputError, match="没有「测评票」工作表"):
        _import("mz", tmp_path / "s.xlsx", clerks[0])


def test_import_only_before_counting_and_serials_shared_with_batches(
    plan: Plan, clerks: tuple[User, User], tmp_path: Path
) -> None:
    batch = paper.batch_create(
        group=paper_fixtures.group("mz", "staff"), double_entry=False, actor=clerks[0]
    )
    paper.entry_save(batch_id=batch.pk, clerk=clerks[0], serial="S-1", keys={"k0": "2"})
    with pytest.raises(InputError, match="S-1 在本测评中已录入"):
        _import("mz", _write(tmp_path, "b.csv", GOOD), clerks[0])
    Evaluation.objects.filter(code="mz").update(status=Evaluation.Status.COUNTED)
    with pytest.raises(InputError, match="已计票"):
        _import("mz", _write(tmp_path, "b.csv", GOOD.replace("S-1", "S-9")), clerks[0])
    assert not Ballot.objects.exists()
