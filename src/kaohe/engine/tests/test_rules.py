"""One test per rule of scoring.md, each with its figure worked out by hand in a comment."""

from __future__ import annotations

import pytest

from kaohe.engine.tests.util import by_code, direct, raw, run, totals


def one_leaf(indicator: dict, value: object, units: int = 1, extra_values=()) -> dict:
    section = {
        "code": "t",
        "name": "目标",
        "points": indicator["points"],
        "indicators": [indicator],
    }
    others = [] if indicator["points"] == 100 else [direct("Z", 100 - indicator["points"])]
    section_z = (
        [{"code": "z", "name": "其他", "points": 100 - indicator["points"], "indicators": others}]
        if others
        else []
    )
    return raw(
        units=units,
        sections=[section, *section_z],
        values=[("U1", indicator["code"], value), *extra_values],
    )


# ---- §2 methods -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("indicator", "value", "expected"),
    [
        # ratio: 20 * clamp(95 / 100, 0, 1) = 19
        ({"method": "ratio", "target": 100}, 95, 19.0),
        # ratio with cap 1.2: 20 * min(130 / 100, 1.2) = 24 (a cap lifts over the points)
        ({"method": "ratio", "target": 100, "cap": 1.2}, 130, 24.0),
        # ratio lower: 20 * clamp(5 / 4, 0, 1) = 20; 20 * (5 / 8) = 12.5; v <= 0 → 20 * cap
        ({"method": "ratio", "target": 5, "direction": "lower"}, 8, 12.5),
        ({"method": "ratio", "target": 5, "direction": "lower", "cap": 1.1}, 0, 22.0),
        # tiered: r = 85 / 100 = 0.85 → tier 0.8 → 20 * 0.6 = 12
        (
            {"method": "tiered", "target": 100, "tiers": [[1.0, 1], [0.9, 0.8], [0.8, 0.6]]},
            85,
            12.0,
        ),
        # tiered below all tiers with floor 0.1: 20 * 0.1 = 2
        ({"method": "tiered", "target": 100, "tiers": [[1.0, 1]], "floor": 0.1}, 50, 2.0),
        # tiered without target: r = v = 92 → tier 90 → 20 * 0.9 = 18
        ({"method": "tiered", "tiers": [[95, 1], [90, 0.9]]}, 92, 18.0),
        # grade: 20 * 0.85 = 17
        ({"method": "grade", "grades": {"A": 1, "B": 0.85}}, "B", 17.0),
        # direct: the value
        ({"method": "direct"}, 13.5, 13.5),
        # deduct: max(0, 20 - 1.5 * 3) = 15.5; 20 - 2 * 30 < 0 → 0
        ({"method": "deduct", "per": 1.5}, 3, 15.5),
        ({"method": "deduct", "per": 2}, 30, 0.0),
        # numeric strings count as numbers: 20 * 0.95
        ({"method": "ratio", "target": 100}, "95", 19.0),
    ],
)
def test_method(indicator: dict, value: object, expected: float) -> None:
    leaf = {"code": "I", "name": "指标", "points": 20, **indicator}
    result = by_code(run(one_leaf(leaf, value)))["U1"]
    assert result["sections"]["t"] == pytest.approx(expected)


def test_rank_method_competition_ranks_and_floor() -> None:
    # 5 points, floor 0.6, values 9, 7, 7, 3 → k = 1, 2, 2, 4 and n = 4:
    # 5 * (1 - 0.4 * (k - 1) / 3) = 5, 4.3333, 4.3333, 3; unranked U5 (missing) scores 0.
    leaf = {"code": "R", "name": "排名", "points": 5, "method": "rank"}
    values = [("U1", "R", 9), ("U2", "R", 7), ("U3", "R", 7), ("U4", "R", 3)]
    document = raw(
        units=5,
        sections=[
            {"code": "t", "name": "t", "points": 5, "indicators": [leaf]},
            {"code": "z", "name": "z", "points": 95, "indicators": [direct("Z", 95)]},
        ],
        values=values,
    )
    result = by_code(run(document))
    assert [result[u]["sections"]["t"] for u in ("U1", "U2", "U3", "U4", "U5")] == [
        5.0, 4.33, 4.33, 3.0, 0.0,
    ]  # fmt: skip
    assert "missing:R" in result["U5"]["flags"]


def test_rank_lower_direction_and_single() -> None:
    # lower first: 3 → k 1, 9 → k 2; n = 2: 5 and 5 * (1 - 0.4) = 3. One ranked: p.
    leaf = {"code": "R", "name": "排名", "points": 5, "method": "rank", "direction": "lower"}
    sections = [
        {"code": "t", "name": "t", "points": 5, "indicators": [leaf]},
        {"code": "z", "name": "z", "points": 95, "indicators": [direct("Z", 95)]},
    ]
    result = by_code(run(raw(sections=sections, values=[("U1", "R", 9), ("U2", "R", 3)])))
    assert (result["U1"]["sections"]["t"], result["U2"]["sections"]["t"]) == (3.0, 5.0)
    result = by_code(run(raw(sections=sections, values=[("U1", "R", 9), ("U2", "R", "N/A")])))
    assert result["U1"]["sections"]["t"] == 5.0


def test_missing_value_scores_zero_and_flags() -> None:
    # D missing: 0 points, flag missing:D; null and "" are missing too. (All three tie at 0
    # with 0 places at 良好 for n = 3: C_2 = floor(1.8) = 1, one place, so the tie is flagged.)
    result = by_code(run(raw(units=3, values=[("U2", "D", None), ("U3", "D", "")])))
    for unit in ("U1", "U2", "U3"):
        assert result[unit]["total"] == 0.0
        assert result[unit]["flags"] == ["missing:D", "tie_at_boundary"]


def test_exempt_rescales_the_section_over_leaves() -> None:
    # Section 40 = A 10 + parent P 30 (B 10 + C 20). A = 8, B = N/A, C = 15:
    # (8 + 15) * 40 / (10 + 20) = 30.6667 → 30.67.
    parent = {
        "code": "P",
        "name": "P",
        "points": 30,
        "indicators": [direct("B", 10), direct("C", 20)],
    }
    sections = [
        {"code": "t", "name": "t", "points": 40, "indicators": [direct("A", 10), parent]},
        {"code": "z", "name": "z", "points": 60, "indicators": [direct("Z", 60)]},
    ]
    values = [("U1", "A", 8), ("U1", "B", "n/a"), ("U1", "C", 15), ("U1", "Z", 60)]
    result = by_code(run(raw(units=1, sections=sections, values=values)))["U1"]
    assert result["sections"]["t"] == 30.67
    assert result["flags"] == ["exempt:B"]


def test_all_exempt_scores_full_points() -> None:
    # Every leaf N/A (不涉及): the section scores its full 100 points, each flagged.
    sections = [
        {"code": "t", "name": "t", "points": 100, "indicators": [direct("A", 40), direct("B", 60)]}
    ]
    values = [("U1", "A", "不涉及"), ("U1", "B", "N/A")]
    result = by_code(run(raw(units=1, sections=sections, values=values)))["U1"]
    assert result["total"] == 100.0
    assert result["flags"] == ["exempt:A", "exempt:B"]


def test_process_and_evaluation_sections() -> None:
    # process P = 92.5 on 20 points: 18.5; missing P: 0 and missing:p.
    sections = [
        {"code": "t", "name": "t", "points": 80, "indicators": [direct("D", 80)]},
        {"code": "p", "name": "日常", "points": 20, "source": "process"},
    ]
    document = raw(
        sections=sections, values=[("U1", "D", 80), ("U2", "D", 80)], process={"U1": 92.5}
    )
    result = by_code(run(document))
    assert result["U1"]["sections"]["p"] == 18.5
    assert result["U2"]["sections"]["p"] == 0.0
    assert "missing:p" in result["U2"]["flags"]


# ---- §3 totals --------------------------------------------------------------------------


def test_scale_bonus_cap_and_deduction() -> None:
    # base 80, scale 1.1 → 88; bonus 3 + 4 = 7 capped at 5; deduction 1.5: 88 + 5 - 1.5 = 91.5
    events = [
        {"assessee": "U1", "type": "bonus", "points": 3, "reason": "省级表彰"},
        {"assessee": "U1", "type": "bonus", "points": 4, "reason": "国家级表彰"},
        {"assessee": "U1", "type": "deduction", "points": 1.5, "reason": "通报批评"},
    ]
    document = totals({"U1": 80}, scale={"U1": 1.1}, events=events, bonus_cap=5)
    result = by_code(run(document))["U1"]
    assert (result["base"], result["scale"], result["bonus"], result["deduction"]) == (
        80.0, 1.1, 5.0, 1.5,
    )  # fmt: skip
    assert result["total"] == 91.5


def test_total_never_below_zero() -> None:
    # 2 - 5 → max(0, -3) = 0
    events = [{"assessee": "U1", "type": "deduction", "points": 5}]
    assert by_code(run(totals({"U1": 2}, events=events)))["U1"]["total"] == 0.0


def test_rounding_half_away_from_zero_on_repr() -> None:
    # 2.675 is stored as 2.67499999…; rounded as written: 2.68 (not Python's round → 2.67).
    result = by_code(run(totals({"U1": 2.675})))["U1"]
    assert (result["base"], result["total"]) == (2.68, 2.68)


def test_ranks_are_competition_ranks_on_rounded_totals() -> None:
    # 90, 85.004 and 84.996 both round to 85.00, 70 → ranks 1, 2, 2, 4.
    result = by_code(run(totals({"U1": 90, "U2": 85.004, "U3": 84.996, "U4": 70})))
    assert [result[u]["rank"] for u in ("U1", "U2", "U3", "U4")] == [1, 2, 2, 4]
    assert {result[u]["rank_of"] for u in result} == {4}


# ---- §5 grades ----------------------------------------------------------------------------


def grades_of(result: dict) -> list[str]:
    return [result[u]["grade"] for u in sorted(result, key=lambda c: int(c[1:]))]


def test_cumulative_capacities() -> None:
    # n = 10, quotas 20/40: C_1 = floor(2) = 2, C_2 = floor(6) = 6 → 2 优秀, 4 良好, 4 一般.
    result = by_code(run(totals({f"U{i}": 100 - i for i in range(1, 11)})))
    assert grades_of(result) == ["优秀"] * 2 + ["良好"] * 4 + ["一般"] * 4


def test_min_score_on_rounded_total() -> None:
    # 优秀 needs 90: 89.995 rounds to 90.00 and qualifies; 89.9 does not (goes to 良好).
    grades = [{"name": "优秀", "quota": 50, "min_score": 90}, {"name": "良好"}]
    result = by_code(run(totals({"U1": 89.995, "U2": 89.9}, grades=grades)))
    assert grades_of(result) == ["优秀", "良好"]


def test_veto_lowest_uses_no_capacity_and_no_top() -> None:
    # n = 5: C_1 = 1, C_2 = 3. U1 (best) vetoed lowest → 一般 and takes no place;
    # U2 has no_top → 良好; U3 takes the one 优秀 place; U4 良好 (2 at 良好 or better + U3 = 3).
    events = [
        {"assessee": "U1", "type": "veto", "item": "党风廉政"},
        {"assessee": "U2", "type": "veto", "item": "评先"},
    ]
    result = by_code(run(totals({f"U{i}": 100 - i for i in range(1, 6)}, events=events)))
    assert grades_of(result) == ["一般", "良好", "优秀", "良好", "一般"]
    assert result["U1"]["vetoes"] == [{"item": "党风廉政", "effect": "lowest"}]
    assert result["U1"]["rank"] == 1  # a veto never changes the rank


def test_tiebreak_sections_order_grading_only() -> None:
    # n = 5: C_1 = 1. U1 and U2 both total 90; tiebreak [b]: U2 has b = 50 > 40 → U2 优秀.
    sections = [
        {"code": "a", "name": "a", "points": 50, "indicators": [direct("A", 50)]},
        {"code": "b", "name": "b", "points": 50, "indicators": [direct("B", 50)]},
    ]
    values = [("U1", "A", 50), ("U1", "B", 40), ("U2", "A", 40), ("U2", "B", 50)]
    values += [(f"U{i}", "A", 10) for i in range(3, 6)]
    result = by_code(run(raw(units=5, sections=sections, values=values, tiebreak=["b"])))
    assert (result["U1"]["grade"], result["U2"]["grade"]) == ("良好", "优秀")
    assert result["U1"]["rank"] == result["U2"]["rank"] == 1


def test_tie_at_boundary_leaves_the_grade_vacant() -> None:
    # n = 5, quota 40 → C_1 = 2. U1 95 takes 优秀; U2, U3 tied at 90 with 1 place left:
    # neither takes it (tie_at_boundary), and U4 (85) may not take the vacant place either.
    grades = [{"name": "优秀", "quota": 40}, {"name": "良好"}]
    result = by_code(run(totals({"U1": 95, "U2": 90, "U3": 90, "U4": 85, "U5": 80}, grades=grades)))
    assert grades_of(result) == ["优秀", "良好", "良好", "良好", "良好"]
    assert result["U2"]["flags"] == result["U3"]["flags"] == ["tie_at_boundary"]
    assert result["U4"]["flags"] == []


def test_full_grade_is_no_boundary() -> None:
    # n = 5, C_1 = 1: U1 takes it; U2, U3 tied with 0 places left → no flag.
    result = by_code(run(totals({"U1": 95, "U2": 90, "U3": 90, "U4": 85, "U5": 80})))
    assert result["U2"]["flags"] == []


def test_downgrade_after_quotas_without_refill() -> None:
    # n = 5: C_1 = 1, C_2 = 3. U1 优秀 then downgraded twice → 一般 (never below the last);
    # its 优秀 place is not refilled: U2 stays 良好.
    events = [{"assessee": "U1", "type": "downgrade"}] * 2
    result = by_code(run(totals({f"U{i}": 100 - i for i in range(1, 6)}, events=events)))
    assert grades_of(result) == ["一般", "良好", "良好", "一般", "一般"]
    assert result["U1"]["downgrades"] == 2


# ---- §4 democratic evaluation -----------------------------------------------------------

GRADE_FORM = {"优秀": 100, "称职": 80, "基本称职": 60, "不称职": 0}


def evaluation_doc(evaluation: dict, ballots: list[dict], units: int = 4) -> dict:
    evaluation = {"code": "e", "name": "测评", **evaluation}
    sections = [{"code": "d", "name": "民主", "points": 100, "evaluation": "e"}]
    return raw(units=units, sections=sections, evaluations=[evaluation], ballots=ballots)


def ballot(i: int, marks: dict, group: str = "g") -> dict:
    return {"evaluation": "e", "group": group, "ballot": f"B{i}", "marks": marks}


def test_void_ballot_by_max_top_share() -> None:
    # k = 4 marks, share 0.5 → limit max(1, floor(2)) = 2. Ballot 1 gives 3 top marks: void.
    # U1 valid marks: ballot 2 (称职 80) only → G = 80; void 1.
    evaluation = {
        "options": GRADE_FORM,
        "max_top_share": 0.5,
        "groups": [{"code": "g", "name": "g"}],
    }
    ballots = [
        ballot(1, {"U1": "优秀", "U2": "优秀", "U3": "优秀", "U4": "称职"}),
        ballot(2, {"U1": "称职", "U2": "优秀", "U3": "优秀", "U4": "称职"}),
    ]
    result = by_code(run(evaluation_doc(evaluation, ballots)))["U1"]["evaluations"]["e"]
    assert (result["score"], result["valid"], result["void"]) == (80.0, 1, 1)


def test_void_rule_floor_on_share_as_written() -> None:
    # k = 100, share 0.29: 100 * 0.29 = 28.999999999999996 in doubles, but floor is 29 as
    # written, so 29 top marks keep the ballot valid.
    units = 100
    evaluation = {
        "options": GRADE_FORM,
        "max_top_share": 0.29,
        "groups": [{"code": "g", "name": "g"}],
    }
    marks = {f"U{i}": ("优秀" if i <= 29 else "称职") for i in range(1, units + 1)}
    result = by_code(run(evaluation_doc(evaluation, [ballot(1, marks)], units=units)))
    assert result["U1"]["evaluations"]["e"]["void"] == 0
    assert result["U1"]["evaluations"]["e"]["score"] == 100.0


def test_void_marks_are_counted() -> None:
    # "优" is no option: a void mark. U1: valid 1 (称职), void 1.
    evaluation = {"options": GRADE_FORM, "groups": [{"code": "g", "name": "g"}]}
    ballots = [ballot(1, {"U1": "优"}), ballot(2, {"U1": "称职"})]
    result = by_code(run(evaluation_doc(evaluation, ballots)))["U1"]["evaluations"]["e"]
    assert (result["valid"], result["void"], result["score"]) == (1, 1, 80.0)
    assert result["groups"]["g"]["counts"] == {"称职": 1}


def test_trim_drops_highest_and_lowest_only_above_2t() -> None:
    # trim 1, marks 100, 80, 80, 60, 0: drop 100 and 0 → mean(80, 80, 60) = 73.33.
    # exactly 2 marks (100, 60) with trim 1: untrimmed mean 80.
    evaluation = {"options": GRADE_FORM, "groups": [{"code": "g", "name": "g", "trim": 1}]}
    labels = ["优秀", "称职", "称职", "基本称职", "不称职"]
    ballots = [ballot(i, {"U1": label}) for i, label in enumerate(labels)]
    ballots += [ballot(10, {"U2": "优秀"}), ballot(11, {"U2": "基本称职"})]
    result = by_code(run(evaluation_doc(evaluation, ballots)))
    assert result["U1"]["evaluations"]["e"]["groups"]["g"]["score"] == 73.33
    assert result["U1"]["evaluations"]["e"]["groups"]["g"]["marks"] == 5
    assert result["U2"]["evaluations"]["e"]["score"] == 80.0


def test_min_ballots_and_renormalised_weights() -> None:
    # a (weight 30) 优秀 → 100; b (weight 70, min_ballots 2) has 1 mark: absent.
    # E = 30 * 100 / 30 = 100; flag missing_group:e:b; b reported with score null.
    groups = [
        {"code": "a", "name": "a", "weight": 30},
        {"code": "b", "name": "b", "weight": 70, "min_ballots": 2},
    ]
    ballots = [ballot(1, {"U1": "优秀"}, "a"), ballot(2, {"U1": "不称职"}, "b")]
    result = by_code(run(evaluation_doc({"options": GRADE_FORM, "groups": groups}, ballots)))["U1"]
    assert result["evaluations"]["e"]["score"] == 100.0
    assert result["evaluations"]["e"]["groups"]["b"] == {
        "score": None,
        "marks": 1,
        "counts": {"不称职": 1},
    }
    assert result["flags"] == ["missing_group:e:b"]
    # Weighted: both present → (30 * 100 + 70 * 40) / 100 = 58.
    ballots.append(ballot(3, {"U1": "称职"}, "b"))
    result = by_code(run(evaluation_doc({"options": GRADE_FORM, "groups": groups}, ballots)))["U1"]
    assert result["evaluations"]["e"]["score"] == 58.0


def test_no_ballots() -> None:
    # Nobody marked U2: E = 0, every missing_group flag and no_ballots:e.
    evaluation = {"options": GRADE_FORM, "groups": [{"code": "g", "name": "g"}]}
    marks = {"U1": "优秀", "U3": "称职", "U4": "不称职"}
    result = by_code(run(evaluation_doc(evaluation, [ballot(1, marks)])))["U2"]
    assert result["evaluations"]["e"]["score"] == 0.0
    assert result["flags"] == ["missing_group:e:g", "no_ballots:e"]
    assert result["evaluations"]["e"]["top_rate"] is None


def test_dimensions_form() -> None:
    # weights 德 1, 能 3; options 优秀 100, 称职 80: (1*100 + 3*80) / 4 = 85.
    # A mark leaving 能 out is void. Counts count each dimension rating; top needs every
    # dimension top: top_rate 0, satisfaction (both satisfied) 1.
    evaluation = {
        "form": "dimensions",
        "options": {"优秀": 100, "称职": 80},
        "satisfied": ["优秀", "称职"],
        "dimensions": {"德": 1, "能": 3},
        "groups": [{"code": "g", "name": "g"}],
    }
    ballots = [ballot(1, {"U1": {"德": "优秀", "能": "称职"}}), ballot(2, {"U1": {"德": "优秀"}})]
    result = by_code(run(evaluation_doc(evaluation, ballots)))["U1"]["evaluations"]["e"]
    assert (result["score"], result["valid"], result["void"]) == (85.0, 1, 1)
    assert result["groups"]["g"]["counts"] == {"优秀": 1, "称职": 1}
    assert (result["top_rate"], result["satisfaction_rate"]) == (0.0, 1.0)


def test_score_form() -> None:
    # max 10: 8.5 → 85 and 10 → 100 (top); 11 out of range: void. E = 92.5, top_rate 0.5.
    evaluation = {"form": "score", "max": 10, "groups": [{"code": "g", "name": "g"}]}
    ballots = [ballot(1, {"U1": 8.5}), ballot(2, {"U1": 10}), ballot(3, {"U1": 11})]
    result = by_code(run(evaluation_doc(evaluation, ballots)))["U1"]["evaluations"]["e"]
    assert (result["score"], result["valid"], result["void"]) == (92.5, 2, 1)
    assert (result["top_rate"], result["satisfaction_rate"]) == (0.5, None)
    assert result["groups"]["g"]["counts"] == {}


def test_rates_over_valid_untrimmed_marks() -> None:
    # 优秀, 称职, 不称职 (satisfied 优秀/称职): top 1/3 = 0.3333, satisfaction 2/3 = 0.6667.
    evaluation = {
        "options": GRADE_FORM,
        "satisfied": ["优秀", "称职"],
        "groups": [{"code": "g", "name": "g", "trim": 1}],
    }
    ballots = [ballot(i, {"U1": label}) for i, label in enumerate(["优秀", "称职", "不称职"])]
    result = by_code(run(evaluation_doc(evaluation, ballots)))["U1"]["evaluations"]["e"]
    assert (result["top_rate"], result["satisfaction_rate"]) == (0.3333, 0.6667)
    assert result["score"] == 80.0  # trimmed: only 称职 left


def worst_doc(picks: list[list[str]], **evaluation) -> dict:
    document = evaluation_doc({"options": GRADE_FORM, "groups": [{"code": "g", "name": "g"}]}, [])
    document["evaluations"].append(
        {
            "code": "w",
            "name": "评最差",
            "kind": "worst",
            "groups": [{"code": "v", "name": "v"}],
            **evaluation,
        }
    )
    document["data"]["ballots"] = [
        {"evaluation": "w", "group": "v", "ballot": f"W{i}", "picks": p}
        for i, p in enumerate(picks)
    ]
    return document


def test_worst_vote() -> None:
    # max_picks 1: ["U1", "U2"] void; ["U2", "U2"] void (named twice); [] valid and counted.
    # Valid: [U1], [U1], [U2], [] → 4; U1 2 votes, share 0.5 → worst, effect no_top.
    picks = [["U1"], ["U1"], ["U2"], [], ["U1", "U2"], ["U2", "U2"]]
    results = run(worst_doc(picks, max_picks=1))
    assert results.to_dict()["worst"] == {"w": [{"assessee": "U1", "votes": 2, "share": 0.5}]}
    assert by_code(results)["U1"]["vetoes"] == [{"item": "w", "effect": "no_top"}]
    assert "w" not in by_code(results)["U1"]["evaluations"]


def test_worst_threshold_and_plan_item() -> None:
    # share 2/4 = 0.5 below threshold 0.6: nobody named. With veto 党风廉政 (plan: lowest):
    # the named assessee gets the last grade.
    picks = [["U1"], ["U1"], ["U2"], ["U3"]]
    assert run(worst_doc(picks, threshold=0.6)).to_dict()["worst"] == {"w": []}
    result = by_code(run(worst_doc(picks, veto="党风廉政")))["U1"]
    assert result["vetoes"] == [{"item": "党风廉政", "effect": "lowest"}]
    assert result["grade"] == "一般"


def test_vetoes_events_first_then_worst() -> None:
    document = worst_doc([["U1"]], veto={"item": "最差", "effect": "no_top"})
    document["data"]["events"] = [{"assessee": "U1", "type": "veto", "item": "评先"}]
    assert by_code(run(document))["U1"]["vetoes"] == [
        {"item": "评先", "effect": "no_top"}, {"item": "最差", "effect": "no_top"},
    ]  # fmt: skip


def test_integrity_flag_text_as_written_and_no_ballots() -> None:
    # E = 60 < 62.5 → integrity_below:62.5; U2 has no ballot: E = 0, flagged as well.
    evaluation = {
        "kind": "integrity",
        "handling_below": 62.5,
        "groups": [{"code": "g", "name": "g"}],
    }
    ballots = [ballot(1, {"U1": "基本满意"})]
    document = evaluation_doc(evaluation, ballots)
    result = by_code(run(document))
    assert result["U1"]["evaluations"]["e"]["score"] == 60.0
    assert "integrity_below:62.5" in result["U1"]["flags"]
    assert "integrity_below:62.5" in result["U2"]["flags"]


def test_evaluation_coverage() -> None:
    # e2 is no section of c: only U1 (marked on its ballot) gets an entry and flags.
    document = totals({"U1": 50, "U2": 40})
    document["evaluations"] = [
        {
            "code": "e2",
            "name": "e2",
            "options": GRADE_FORM,
            "groups": [{"code": "g", "name": "g"}, {"code": "h", "name": "h"}],
        }
    ]
    document["data"]["ballots"] = [
        {"evaluation": "e2", "group": "g", "ballot": "1", "marks": {"U1": "优秀"}}
    ]
    result = by_code(run(document))
    assert list(result["U1"]["evaluations"]) == ["e2"]
    assert result["U1"]["flags"] == ["missing_group:e2:h"]
    assert result["U2"]["evaluations"] == {} and result["U2"]["flags"] == []


# ---- §6 diagnostics ------------------------------------------------------------------------


def test_diagnostics() -> None:
    # D (100 points): 100, 100, 80, missing (0), N/A (excluded) → n 4, mean 70,
    # std sqrt((900 + 900 + 100 + 4900) / 4) = 41.23, cv 0.589, full_share 0.5.
    values = [("U1", "D", 100), ("U2", "D", 100), ("U3", "D", 80), ("U5", "D", "N/A")]
    results = run(raw(units=5, values=values, non_discriminating_share=0.5))
    line = results.to_dict()["indicators"][0]
    assert line == {
        "category": "c", "indicator": "D", "n": 4, "mean": 70.0, "std": 41.23,
        "cv": 0.589, "full_share": 0.5, "non_discriminating": True,
    }  # fmt: skip
    assert results.to_dict()["categories"] == {"c": {"n": 5, "non_discriminating": ["D"]}}


def test_order_and_flags_sorted() -> None:
    # Assessees by rank then code; flags de-duplicated and sorted by code point.
    document = totals({"U2": 50, "U1": 50, "U3": 60})
    assert [a["code"] for a in run(document).to_dict()["assessees"]] == ["U3", "U1", "U2"]
