"""Data-entry services: all-or-nothing saves checked by the builder's rules, stored exactly as
a document's values, results made stale, imports located like `kaohe load`, events."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from kaohe.accounts.models import User
from kaohe.audit.models import AuditRecord
from kaohe.engine import score
from kaohe.engine.model import NA
from kaohe.entry import services
from kaohe.entry.models import EventRecord, ValueStamp
from kaohe.entry.selectors import stored_values
from kaohe.entry.tests.conftest import PLAN, raw_document
from kaohe.errors import InputError
from kaohe.plans.models import Event, Plan, Value
from kaohe.plans.selectors import plan_document
from kaohe.plans.services import plan_compute
from kaohe.results.models import AssesseeResult, Computation, Publication
from kaohe.results.services import results_publish
from kaohe.web.evidence import MAX_BYTES as EVIDENCE_MAX_BYTES
from kaohe.workbook.build import build_document

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _problems(error: pytest.ExceptionInfo[InputError]) -> list[tuple[str, str]]:
    return [(problem.where, problem.message) for problem in error.value.problems]


# ---------------------------------------------------------------------------------------------
# values_save


def test_save_stores_numbers_labels_and_na_as_a_document_would(
    plan: Plan, users: dict[str, User]
) -> None:
    office = users["office"]
    services.values_save(
        plan_code=PLAN,
        indicator="T1",
        rows={"A01": "95.5", "A02": " 102 ", "A03": "N/A", "B01": "不涉及", "B02": "88"},
        actor=office,
    )
    services.values_save(
        plan_code=PLAN, indicator="T2", rows={"A01": "A", "A02": " B", "A03": ""}, actor=office
    )
    assert stored_values(PLAN, "T1") == {"A01": 95.5, "A02": 102.0, "A03": NA, "B01": NA, "B02": 88}
    assert stored_values(PLAN, "T2") == {"A01": "A", "A02": "B"}
    # What the engine computes from the stored plan equals what it computes from a YAML
    # document with the same values, as `kaohe export` would write them.
    written = [
        {"assessee": "A01", "indicator": "T1", "value": 95.5},
        {"assessee": "A02", "indicator": "T1", "value": 102},
        {"assessee": "A03", "indicator": "T1", "value": "N/A"},
        {"assessee": "B01", "indicator": "T1", "value": "N/A"},
        {"assessee": "B02", "indicator": "T1", "value": 88},
        {"assessee": "A01", "indicator": "T2", "value": "A"},
        {"assessee": "A02", "indicator": "T2", "value": "B"},
    ]
    expected = build_document(raw_document(written))
    stored = plan_document(PLAN)
    assert dict(stored.values) == dict(expected.values)
    assert list(stored.values) == list(expected.values)  # the document's order too
    assert score(stored).to_dict() == score(expected).to_dict()


def test_an_invalid_row_saves_nothing_and_says_which_row(
    plan: Plan, users: dict[str, User]
) -> None:
    office = users["office"]
    services.values_save(plan_code=PLAN, indicator="T1", rows={"A01": "90"}, actor=office)
    before = list(Value.objects.order_by("id").values_list("assessee", "indicator", "number"))
    with pytest.raises(InputError) as error:
        services.values_save(
            plan_code=PLAN,
            indicator="T1",
            rows={"A01": "70", "A02": "九十", "A03": "80", "B01": "abc"},
            actor=office,
        )
    assert _problems(error) == [
        ("A02", "指标 T1 的值应为数值（或 N/A），实为 “九十”"),
        ("B01", "指标 T1 的值应为数值（或 N/A），实为 “abc”"),
    ]
    after = list(Value.objects.order_by("id").values_list("assessee", "indicator", "number"))
    assert after == before  # A01 still 90, A03 not written
    assert not ValueStamp.objects.filter(assessee="A03").exists()


@pytest.mark.parametrize(
    ("indicator", "text", "message"),
    [
        ("T2", "D", "指标 T2 的等级应为 A/B/C 之一，实为 “D”"),
        ("T3", "25", "指标 T3 直接赋分应在 0 到 20 之间，实为 25"),
        ("T4", "-1", "指标 T4 的扣分次数应不小于 0，实为 -1"),
    ],
)
def test_each_method_is_checked_by_the_builder_rule(
    plan: Plan, users: dict[str, User], indicator: str, text: str, message: str
) -> None:
    with pytest.raises(InputError) as error:
        services.values_save(
            plan_code=PLAN, indicator=indicator, rows={"A01": text}, actor=users["office"]
        )
    assert _problems(error) == [("A01", message)]
    assert not Value.objects.exists()


def test_blank_clears_and_a_changed_value_keeps_its_place(
    plan: Plan, users: dict[str, User]
) -> None:
    office = users["office"]
    services.values_save(
        plan_code=PLAN, indicator="T1", rows={"A01": "1", "A02": "2", "A03": "3"}, actor=office
    )
    first = ValueStamp.objects.get(assessee="A03").updated_at
    result = services.values_save(
        plan_code=PLAN,
        indicator="T1",
        rows={"A01": "10", "A02": "", "A03": "3", "B01": "4"},
        actor=office,
    )
    assert (result.written, result.cleared) == (2, 1)
    # Only what changed is stamped again (A03 was saved with the same value).
    assert ValueStamp.objects.get(assessee="A03").updated_at == first
    assert ValueStamp.objects.get(assessee="A01").updated_at > first
    rows = list(Value.objects.filter(plan=plan).order_by("order").values_list("assessee", "number"))
    assert rows == [("A01", 10.0), ("A03", 3.0), ("B01", 4.0)]


def test_an_assessor_body_saves_only_its_own_categories(plan: Plan, users: dict[str, User]) -> None:
    # T1 is 县委办's in the towns and 政府办's in the departments.
    with pytest.raises(InputError) as error:
        services.values_save(
            plan_code=PLAN, indicator="T1", rows={"A01": "90", "B01": "90"}, actor=users["xwb"]
        )
    assert _problems(error) == [("B01", "考核对象 B01 不在指标 T1 的填报范围内")]
    assert not Value.objects.exists()
    services.values_save(plan_code=PLAN, indicator="T1", rows={"B01": "90"}, actor=users["zfb"])
    stamp = ValueStamp.objects.get(assessee="B01", indicator="T1")
    assert (stamp.actor, stamp.assessor) == ("zfb", "政府办")


def test_a_change_makes_the_stored_results_stale_and_withdraws_publication(
    plan: Plan, users: dict[str, User]
) -> None:
    plan_compute(plan_code=PLAN)
    results_publish(plan_code=PLAN, actor="test")
    services.values_save(plan_code=PLAN, indicator="T1", rows={"A01": "90"}, actor=users["xwb"])
    assert not Computation.objects.filter(plan=plan).exists()
    assert not Publication.objects.exists()
    assert not AssesseeResult.objects.filter(plan=plan).exists()
    record = AuditRecord.objects.filter(action="values_save").get()
    assert (record.actor, record.plan, record.detail["written"]) == ("xwb", PLAN, 1)


def test_saving_the_same_values_again_keeps_the_results(plan: Plan, users: dict[str, User]) -> None:
    services.values_save(plan_code=PLAN, indicator="T1", rows={"A01": "90"}, actor=users["xwb"])
    plan_compute(plan_code=PLAN)
    result = services.values_save(
        plan_code=PLAN, indicator="T1", rows={"A01": "90.0"}, actor=users["xwb"]
    )
    assert result.changed == 0
    assert Computation.objects.filter(plan=plan).exists()


# ---------------------------------------------------------------------------------------------
# values_import


def _csv(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "values.csv"
    path.write_text(text, encoding="utf-8")
    return path


def _xlsx(tmp_path: Path, rows: list[tuple[Any, ...]], *, extra_sheet: str | None = None) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "指标值"
    sheet.append(("考核对象代码", "指标代码", "值"))
    for row in rows:
        sheet.append(row)
    if extra_sheet:
        extra = book.create_sheet(extra_sheet)
        extra.append(("考核对象代码", "过程考核分"))
        extra.append(("A01", 90))
    path = tmp_path / "指标值.xlsx"
    book.save(path)
    return path


def test_import_a_values_csv(plan: Plan, users: dict[str, User], tmp_path: Path) -> None:
    path = _csv(tmp_path, "assessee,indicator,value\nA01,T1,95\nA02,T2,B\nA03,T1,N/A\nA03,T2,\n")
    result = services.values_import(plan_code=PLAN, path=path, actor=users["xwb"])
    assert result.written == 3
    assert stored_values(PLAN, "T1") == {"A01": 95.0, "A03": NA}
    assert stored_values(PLAN, "T2") == {"A02": "B"}


def test_import_problems_are_located_like_kaohe_load_and_nothing_is_saved(
    plan: Plan, users: dict[str, User], tmp_path: Path
) -> None:
    path = _xlsx(tmp_path, [("A01", "T1", 95), ("A02", "T2", "E"), ("A03", "T9", 1)])
    with pytest.raises(InputError) as error:
        services.values_import(plan_code=PLAN, path=path, actor=users["office"])
    assert _problems(error) == [
        (f"{path} 工作表「指标值」第 3 行「值」列", "指标 T2 的等级应为 A/B/C 之一，实为 “E”"),
        (f"{path} 工作表「指标值」第 4 行「指标代码」列", "类别 town 中没有指标 T9"),
    ]
    assert not Value.objects.exists()


def test_import_refuses_indicators_not_assigned_to_the_uploader(
    plan: Plan, users: dict[str, User], tmp_path: Path
) -> None:
    # 县委办 has T1 and T2 in the towns; T3 is 政府办's, and T1 of the departments too.
    path = _csv(tmp_path, "assessee,indicator,value\nA01,T1,95\nA01,T3,10\nB01,T1,80\n")
    with pytest.raises(InputError) as error:
        services.values_import(plan_code=PLAN, path=path, actor=users["xwb"])
    assert _problems(error) == [
        (f"{path} 第 3 行「indicator」列", "指标 T3（类别 town）不是县委办负责填报的指标"),
        (f"{path} 第 4 行「indicator」列", "指标 T1（类别 dept）不是县委办负责填报的指标"),
    ]
    assert not Value.objects.exists()


def test_import_refuses_a_file_with_more_than_values(
    plan: Plan, users: dict[str, User], tmp_path: Path
) -> None:
    path = _xlsx(tmp_path, [("A01", "T1", 95)], extra_sheet="过程考核分")
    with pytest.raises(InputError) as error:
        services.values_import(plan_code=PLAN, path=path, actor=users["office"])
    assert _problems(error) == [
        (str(path), "只能上传「指标值」工作表或 values.csv；文件中还有：data.process")
    ]
    assert not Value.objects.exists()


# ---------------------------------------------------------------------------------------------
# Events


@pytest.fixture
def media(tmp_path: Path, settings: Any) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_event_with_evidence(
    plan: Plan, users: dict[str, User], media: Path, django_capture_on_commit_callbacks: Any
) -> None:
    plan_compute(plan_code=PLAN)
    evidence = SimpleUploadedFile("表彰文件.png", PNG, content_type="image/png")
    event = services.event_add(
        plan_code=PLAN,
        assessee="A01",
        type="bonus",
        points="2.5",
        reason="获省级表彰",
        evidence=evidence,
        actor=users["xwb"],
    )
    assert (event.type, event.points, event.reason, event.order) == ("bonus", 2.5, "获省级表彰", 0)
    record = EventRecord.objects.get(event_id=event.id)
    stored = media / record.evidence_path
    assert stored.read_bytes() == PNG
    assert stored.name != "表彰文件.png" and stored.suffix == ".png"
    assert (record.evidence_name, record.assessor) == ("表彰文件.png", "县委办")
    assert not Computation.objects.filter(plan=plan).exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.event_delete(plan_code=PLAN, event_id=event.id, actor=users["xwb"])
    assert not Event.objects.exists() and not EventRecord.objects.exists()
    assert not stored.exists()


def test_veto_takes_its_effect_from_the_plan(plan: Plan, users: dict[str, User]) -> None:
    services.event_add(
        plan_code=PLAN,
        assessee="A02",
        type="bonus",
        points=1,
        reason="表彰",
        evidence=None,
        actor=users["office"],
    )
    event = services.event_add(
        plan_code=PLAN,
        assessee="A02",
        type="veto",
        item="取消评优",
        reason="违反规定",
        evidence=None,
        actor=users["office"],
    )
    assert (event.item, event.effect, event.order) == ("取消评优", "no_top", 1)
    document = plan_document(PLAN)
    assert [e.type for e in document.events] == ["bonus", "veto"]
    assert score(document).to_dict()["assessees"]  # the engine takes the stored events


def test_invalid_events_save_nothing(plan: Plan, users: dict[str, User], media: Path) -> None:
    cases: list[tuple[dict[str, Any], list[tuple[str, str]]]] = [
        (
            {"assessee": "A01", "type": "deduction", "points": "-1", "reason": "x"},
            [("points", "分数 points 应不小于 0，实为 -1")],
        ),
        (
            {"assessee": "A01", "type": "veto", "item": "不存在", "reason": "x"},
            [("item", "一票否决项 不存在 不在方案 vetoes 中，且未给出 effect")],
        ),
        (
            {"assessee": "Z99", "type": "downgrade", "reason": " "},
            [
                ("assessee", "考核对象 Z99 不存在（或不属于本方案的任何类别）"),
                ("reason", "请填写事由"),
            ],
        ),
        (
            {
                "assessee": "A01",
                "type": "bonus",
                "points": 1,
                "reason": "x",
                "evidence": SimpleUploadedFile("a.exe", b"MZ\x90\x00"),
            },
            [("evidence", "佐证材料只能是 pdf、jpg、png、docx 或 xlsx 文件")],
        ),
        (
            {
                "assessee": "A01",
                "type": "bonus",
                "points": 1,
                "reason": "x",
                "evidence": SimpleUploadedFile("a.pdf", b"MZ\x90\x00 not a pdf"),
            },
            [("evidence", "佐证材料的内容不是 pdf 文件")],
        ),
        (
            {
                "assessee": "A01",
                "type": "bonus",
                "points": 1,
                "reason": "x",
                "evidence": SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * EVIDENCE_MAX_BYTES),
            },
            [("evidence", "佐证材料不能超过 10 MB")],
        ),
    ]
    for given, expected in cases:
        arguments = {"evidence": None, **given}
        with pytest.raises(InputError) as error:
            services.event_add(plan_code=PLAN, actor=users["office"], **arguments)
        assert _problems(error) == expected, given
    assert not Event.objects.exists()
    assert not EventRecord.objects.exists()
    assert not media.exists() or not any(media.rglob("*.*"))


def test_import_scope_reads_codes_as_the_builder_does(
    users: dict[str, User], tmp_path: Path
) -> None:
    """The number 105.0 is the assessee "105" for the builder; the scope check must read it
    the same way, or 县委办 could write 政府办's T3 (found in review)."""
    from kaohe.plans.services import plan_load

    raw = raw_document()
    units = raw["organization"]["units"]
    units[1]["code"] = "105"  # 城关镇, in the towns
    for table in ("process", "scale"):
        if "A01" in (raw["data"].get(table) or {}):
            raw["data"][table]["105"] = raw["data"][table].pop("A01")
    plan_load(document=build_document(raw), actor="test")
    path = tmp_path / "values.json"  # the service reads every format the loader reads
    path.write_text(
        '{"data": {"values": [{"assessee": 105.0, "indicator": "T3", "value": 10}]}}',
        encoding="utf-8",
    )
    with pytest.raises(InputError) as error:
        services.values_import(plan_code=PLAN, path=path, actor=users["xwb"])
    assert _problems(error) == [
        (f"{path}: data.values[0].indicator", "指标 T3（类别 town）不是县委办负责填报的指标")
    ]
    assert not Value.objects.filter(plan__code=PLAN, indicator="T3").exists()
    # The office may enter any indicator: the same file is accepted for it.
    assert services.values_import(plan_code=PLAN, path=path, actor=users["office"]).written == 1
