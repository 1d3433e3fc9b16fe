"""The process score P with hand-computed figures (docs/process.md). Pure: no database."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from kaohe.engine.process import (
    InspectionFact,
    MilestoneFact,
    ProcessSettings,
    ReviewFact,
    inspections_part,
    milestones_part,
    process_score,
)

T = date(2025, 12, 31)
S = ProcessSettings()


def ms(target: str, weight: float, due: date, done: date | None = None,
       exempt: date | None = None, tw: float = 1.0) -> MilestoneFact:  # fmt: skip
    return MilestoneFact(target, tw, weight, due, done, exempt)


def test_milestones_part_weights_within_target_and_task() -> None:
    # Task weight 2 (target A), task weight 1 (target B).
    # A: a1 weight 1 on time, a2 weight 3 late  → within A: 1/4 and 3/4 of weight 2.
    #    w(a1) = 2 × 1/4 = 0.5 (credit 1.0), w(a2) = 2 × 3/4 = 1.5 (credit 0.6)
    # B: b1 weight 1 not done, overdue          → w(b1) = 1 × 1/1 = 1 (credit 0)
    # M = 100 × (0.5×1 + 1.5×0.6 + 1×0) / (0.5 + 1.5 + 1) = 100 × 1.4 / 3 = 46.666… → 46.67
    facts = [
        ms("A", 1, date(2025, 3, 31), date(2025, 3, 20), tw=2),
        ms("A", 3, date(2025, 6, 30), date(2025, 8, 1), tw=2),
        ms("B", 1, date(2025, 9, 30), tw=1),
    ]
    m, counts, _ = milestones_part(facts, S, T)
    assert m == pytest.approx(140 / 3)
    assert counts == {"on_time": 1, "late": 1, "missed": 1, "exempt": 0, "not_yet": 0}
    r = process_score(milestones=facts, inspections=[], reviews=[], settings=S, as_of=T)
    assert r.score == 46.67  # only the milestones part has data: it takes all the weight


def test_exempted_milestone_is_left_out_and_the_rest_rescaled() -> None:
    # Target A: a1 (weight 1) on time, a2 (weight 1) not done → M = 100 × 0.5 / 1 = 50.
    # Exempting a2: A has a1 alone, weight 1/1 → M = 100.
    a1 = ms("A", 1, date(2025, 3, 31), date(2025, 3, 31))
    a2 = ms("A", 1, date(2025, 6, 30))
    assert milestones_part([a1, a2], S, T)[0] == 50.0
    exempted = replace(a2, exempted_on=date(2025, 7, 10))
    m, counts, line = milestones_part([a1, exempted], S, T)
    assert m == 100.0
    assert counts["exempt"] == 1
    assert "免责 1 个不计" in line


def test_not_yet_due_milestones_are_not_assessed() -> None:
    # At 2025-05-01, a2 (due 06-30, not done) is not assessable; a1 done late counts 0.6.
    facts = [ms("A", 1, date(2025, 3, 31), date(2025, 4, 10)), ms("A", 1, date(2025, 6, 30))]
    m, counts, _ = milestones_part(facts, S, date(2025, 5, 1))
    assert m == 60.0
    assert counts["not_yet"] == 1
    # A milestone due today and not done is not yet missed.
    m, counts, _ = milestones_part([ms("A", 1, date(2025, 5, 1))], S, date(2025, 5, 1))
    assert m is None and counts["not_yet"] == 1
    # Done early counts even before its due date.
    m, _, _ = milestones_part([ms("A", 1, date(2025, 6, 30), date(2025, 4, 1))], S,
                              date(2025, 5, 1))  # fmt: skip
    assert m == 100.0


def test_inspections_part() -> None:
    # 好 (weight 2) ×2, 较好 (weight 1), 差 (weight 1):
    # I = (2×100 + 2×100 + 85 + 50) / (2 + 2 + 1 + 1) = 535 / 6 = 89.1666… → 89.17 in P
    ins = [
        InspectionFact("good", 2, date(2025, 1, 1)),
        InspectionFact("good", 2, date(2025, 2, 1)),
        InspectionFact("fairly_good", 1, date(2025, 1, 1)),
        InspectionFact("poor", 1, date(2025, 2, 1)),
    ]
    value, line = inspections_part(ins, S, T)
    assert value == pytest.approx(535 / 6)
    assert "好 2 次、较好 1 次、差 1 次" in line


def test_full_formula() -> None:
    # M: one target, m1 on time, m2 late → (1 + 0.6) / 2 = 80
    # I: 好, 一般 (equal weights) → (100 + 70) / 2 = 85
    # R: H1 frozen at 72.5
    # P = (60×80 + 20×85 + 20×72.5) / 100 = (4800 + 1700 + 1450) / 100 = 79.5
    facts = [ms("A", 1, date(2025, 3, 31), date(2025, 3, 1)),
             ms("A", 1, date(2025, 9, 30), date(2025, 10, 8))]  # fmt: skip
    ins = [InspectionFact("good", 1, date(2025, 1, 1)), InspectionFact("fair", 1, date(2025, 2, 1))]
    rv = [ReviewFact("上半年", date(2025, 6, 30), 72.5)]
    r = process_score(milestones=facts, inspections=ins, reviews=rv, settings=S, as_of=T)
    assert r.parts == {"milestones": 80.0, "inspections": 85.0, "review": 72.5}
    assert r.score == 79.5
    assert r.lines[-1] == "日常考核得分 P = (60×80 + 20×85 + 20×72.5) ÷ 100 = 79.5"

    # Settings: weights 50/30/20, late credit 0.5, 一般 = 60.
    # M = (1 + 0.5)/2 = 75; I = (100 + 60)/2 = 80; P = (50×75 + 30×80 + 20×72.5)/100
    #   = (3750 + 2400 + 1450)/100 = 76
    s2 = replace(S, weight_milestones=50, weight_inspections=30, credit_late=0.5, rating_fair=60)
    assert process_score(milestones=facts, inspections=ins, reviews=rv, settings=s2,
                         as_of=T).score == 76.0  # fmt: skip


def test_missing_parts_are_rescaled_and_said() -> None:
    # No inspections: P = (60×80 + 20×72.5) / 80 = (4800 + 1450) / 80 = 78.125 → 78.13
    facts = [ms("A", 1, date(2025, 3, 31), date(2025, 3, 1)),
             ms("A", 1, date(2025, 9, 30), date(2025, 10, 8))]  # fmt: skip
    rv = [ReviewFact("上半年", date(2025, 6, 30), 72.5)]
    r = process_score(milestones=facts, inspections=[], reviews=rv, settings=S, as_of=T)
    assert r.score == 78.13
    assert r.parts["inspections"] is None
    assert "月度督查无数据" in r.lines[-1]
    # A stage review frozen after the as-of date does not count yet.
    r = process_score(milestones=facts, inspections=[], reviews=rv, settings=S,
                      as_of=date(2025, 6, 29))  # fmt: skip
    assert r.parts["review"] is None


def test_nothing_to_score_is_missing_not_zero() -> None:
    r = process_score(milestones=[], inspections=[], reviews=[], settings=S, as_of=T)
    assert r.score is None
    # Only future milestones: still nothing to score.
    r = process_score(milestones=[ms("A", 1, date(2026, 3, 1))], inspections=[], reviews=[],
                      settings=S, as_of=T)  # fmt: skip
    assert r.score is None


def test_stage_review_leaves_the_review_part_out() -> None:
    # M = 100, I = 50 → stage score = (60×100 + 20×50) / 80 = 87.5
    facts = [ms("A", 1, date(2025, 3, 31), date(2025, 3, 1))]
    ins = [InspectionFact("poor", 1, date(2025, 1, 1))]
    r = process_score(milestones=facts, inspections=ins, reviews=[], settings=S,
                      as_of=date(2025, 6, 30), with_review=False)  # fmt: skip
    assert r.score == 87.5
    assert "review" not in r.parts


def test_zero_weight_part_is_ignored() -> None:
    # Inspections weighted 0: P = M only even though ratings exist.
    s = replace(S, weight_inspections=0)
    facts = [ms("A", 1, date(2025, 3, 31), date(2025, 4, 1))]  # late: 60
    ins = [InspectionFact("good", 1, date(2025, 1, 1))]
    assert process_score(milestones=facts, inspections=ins, reviews=[], settings=s,
                         as_of=T).score == 60.0  # fmt: skip
