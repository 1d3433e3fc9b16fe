"""The builder's services: create, copy, edit, and an invalid edit that changes nothing."""

from __future__ import annotations

import pytest

from kaohe.audit.models import AuditRecord
from kaohe.plans import builder
from kaohe.plans.builder import BuildFailed
from kaohe.plans.models import Plan
from kaohe.plans.selectors import plan_document, plan_results_dict
from kaohe.plans.services import plan_compute
from kaohe.plans.tests.util import SMALL, load_small, small_raw

pytestmark = pytest.mark.django_db


def test_starter_document_is_valid_for_the_builder() -> None:
    document = builder.check_document(
        builder.starter_document(
            code="x",
            name="x",
            year=2026,
            assessees="units",
            organization_name="县",
            category_code="c",
            category_name="类",
        )
    )
    assert [s.points for s in document.plan.categories[0].sections] == [100]


def test_plan_create_over_registered_units() -> None:
    load_small()
    plan = builder.plan_create(
        code="2026-new",
        name="2026年度方案",
        year="2026",
        assessees="units",
        organization_name="示例县",
        category_code="township",
        category_name="乡镇",
        actor="office",
    )
    assert plan.year == 2026
    document = plan_document("2026-new")
    assert {u.code for u in document.organization.units} == {"U1", "U2"}
    assert document.assessees == ()  # nobody is assessed until assigned to a category
    assert AuditRecord.objects.filter(action="plan_create", plan="2026-new").exists()


def test_plan_create_refuses_a_code_in_use_and_bad_year() -> None:
    load_small()
    with pytest.raises(BuildFailed) as taken:
        builder.plan_create(
            code=SMALL,
            name="x",
            year=2026,
            assessees="units",
            organization_name="县",
            category_code="c",
            category_name="类",
            actor=None,
        )
    assert taken.value.problems[0].path == ("plan", "code")
    with pytest.raises(BuildFailed) as bad:
        builder.plan_create(
            code="2026-x",
            name="x",
            year="二〇二六",
            assessees="units",
            organization_name="县",
            category_code="c",
            category_name="类",
            actor=None,
        )
    assert [p.path for p in bad.value.problems] == [("plan", "year")]
    assert not Plan.objects.filter(code="2026-x").exists()


def test_plan_copy_keeps_structure_and_clears_data() -> None:
    load_small()
    builder.plan_copy(source_code=SMALL, code="2026-small", year=2026, name="2026年度", actor="o")
    copied = plan_document("2026-small")
    source = plan_document(SMALL)
    assert copied.plan.categories == source.plan.categories
    assert copied.plan.vetoes == source.plan.vetoes
    assert copied.assessees == source.assessees
    assert (copied.plan.year, copied.values, copied.events) == (2026, {}, ())
    assert len(source.values) == 3  # the source is untouched


def test_edit_indicator_stores_it_and_drops_stale_results() -> None:
    load_small()
    plan_compute(plan_code=SMALL)
    assert plan_results_dict(SMALL) is not None

    def change(raw: dict) -> None:
        builder.set_points(raw, {(0, 0, 0): "50"})
        builder.update_node(
            raw,
            (0, 0, 1),
            {
                "code": "T2x",
                "points": "50",
                "method": "tiered",
                "tiers": [["1", "1"], ["0.8", "0.5"]],
            },
        )

    builder.plan_change(plan_code=SMALL, change=change, actor="office", action="edit")
    document = plan_document(SMALL)
    t2 = document.plan.categories[0].sections[0].indicators[1]
    assert (t2.code, t2.points, t2.method, t2.tiers, t2.target) == (
        "T2x",
        50.0,
        "tiered",
        ((1.0, 1.0), (0.8, 0.5)),
        None,  # the ratio's target went with the old method
    )
    assert document.values[("U1", "T2x")] == 90.0  # the value follows the renamed code
    assert plan_results_dict(SMALL) is None  # results of the old plan are gone (stale)
    assert AuditRecord.objects.filter(action="plan_edit", plan=SMALL).exists()


def test_invalid_edit_changes_nothing_and_names_the_path() -> None:
    load_small()
    before = plan_document(SMALL)
    audits = AuditRecord.objects.count()
    with pytest.raises(BuildFailed) as failed:
        builder.plan_change(
            plan_code=SMALL,
            change=lambda raw: builder.update_node(raw, (0, 0, 1), {"points": "30"}),
            actor="office",
            action="edit",
        )
    assert [(p.path, p.message) for p in failed.value.problems] == [
        (
            ("plan", "categories", 0, "sections", 0, "indicators"),
            "一级指标 target 的二级指标分值之和为 90，应为 100",
        )
    ]
    with pytest.raises(BuildFailed) as method:
        builder.plan_change(
            plan_code=SMALL,
            change=lambda raw: builder.update_node(raw, (0, 0, 1), {"method": "ratio"}),
            actor="office",
            action="edit",
        )
    assert [p.path for p in method.value.problems] == [
        ("plan", "categories", 0, "sections", 0, "indicators", 1, "target")
    ]
    after = plan_document(SMALL)
    assert (after.plan, after.values, after.events) == (before.plan, before.values, before.events)
    assert AuditRecord.objects.count() == audits


def test_add_delete_and_move_nodes() -> None:
    load_small()

    def add(raw: dict) -> builder.Ref:
        builder.set_points(raw, {(0, 0, 0): 50})
        return builder.add_node(
            raw, (0, 0), {"code": "T3", "name": "安全", "points": 10, "method": "deduct", "per": 1}
        )

    assert builder.plan_change(plan_code=SMALL, change=add, actor="o", action="add") == (0, 0, 2)
    moved = builder.plan_change(
        plan_code=SMALL,
        change=lambda raw: builder.move_node(raw, (0, 0, 2), -1),
        actor="o",
        action="move",
    )
    assert moved == (0, 0, 1)
    codes = [i.code for i in plan_document(SMALL).plan.categories[0].sections[0].indicators]
    assert codes == ["T1", "T3", "T2"]

    def delete(raw: dict) -> int:
        builder.set_points(raw, {(0, 0, 0): 60})
        return builder.delete_node(raw, (0, 0, 1))

    assert builder.plan_change(plan_code=SMALL, change=delete, actor="o", action="del") == 0

    def delete_t1(raw: dict) -> int:
        builder.set_points(raw, {(0, 0, 1): 100})
        return builder.delete_node(raw, (0, 0, 0))

    assert builder.plan_change(plan_code=SMALL, change=delete_t1, actor="o", action="del") == 2
    document = plan_document(SMALL)
    assert set(document.values) == {("U1", "T2")}


def test_child_of_a_leaf_makes_it_a_parent() -> None:
    raw = small_raw()
    ref = builder.add_node(raw, (0, 0, 1), {"code": "T2.1", "points": 40, "method": "direct"})
    assert ref == (0, 0, 1, 0)
    parent = builder.node_at(raw["plan"], (0, 0, 1))
    assert "method" not in parent and "target" not in parent
    with pytest.raises(BuildFailed) as failed:  # T2 has a value: only leaves have values
        builder.check_document(raw)
    assert [p.path for p in failed.value.problems] == [("data", "values", 2, "indicator")]


def test_category_default_assessor_fills_the_blanks() -> None:
    raw = small_raw()
    builder.node_at(raw["plan"], (0, 0, 0))["assessor"] = "县委办"
    assert builder.set_category_assessor(raw, (0,), "政府办", overwrite=False) == 1
    assessors = [n.get("assessor") for n in builder.indicators_of(raw["plan"]["categories"][0])]
    assert assessors == ["县委办", "政府办"]
    assert builder.set_category_assessor(raw, (0,), "政府办", overwrite=True) == 1


def test_points_report_follows_the_builder() -> None:
    raw = small_raw()
    builder.set_points(raw, {(0, 0, 1): "45", (0,): "100"})
    groups = builder.points_report(raw["plan"], builder.check_plan(raw["plan"]))
    by_code = {g.code: g for g in groups}
    assert (by_code["township"].ok, by_code["township"].total) == (True, 100.0)
    section = by_code["target"]
    assert (section.ok, section.total, section.expected) == (False, 105.0, 100.0)
    assert section.problems == ("一级指标 target 的二级指标分值之和为 105，应为 100",)
    builder.set_points(raw, {(0, 0, 1): "四十"})
    unknown = {g.code: g for g in builder.points_report(raw["plan"], [])}["target"]
    assert (unknown.total, unknown.ok) == (None, False)


def test_unknown_node_and_plan() -> None:
    load_small()
    with pytest.raises(builder.NodeNotFound):
        builder.plan_change(
            plan_code=SMALL,
            change=lambda raw: builder.update_node(raw, (0, 5), {"name": "x"}),
            actor=None,
            action="edit",
        )
    with pytest.raises(Plan.DoesNotExist):
        builder.plan_raw("no-such-plan")
