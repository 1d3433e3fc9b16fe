"""Property tests (hypothesis): capacities hold, input order never matters, monotonicity."""

from __future__ import annotations

import copy
import random
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kaohe.engine.grading import capacities
from kaohe.engine.model import Grade
from kaohe.engine.tests.util import by_code, direct, raw, run

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
GRADE_FORM = {"优秀": 100, "称职": 80, "基本称职": 60, "不称职": 0}
# Totals on a coarse grid so that ties (the interesting case) are frequent.
TOTAL = st.sampled_from([50.0, 60.0, 70.0, 75.0, 80.0, 85.0, 90.0, 95.0])


@st.composite
def graded_documents(draw: st.DrawFn) -> dict[str, Any]:
    n = draw(st.integers(1, 12))
    quotas = draw(st.lists(st.sampled_from([10, 15, 20, 25, 30, 40]), min_size=1, max_size=3))
    grades = [{"name": f"G{i}", "quota": q} for i, q in enumerate(quotas)]
    if draw(st.booleans()):
        grades[0]["min_score"] = draw(st.sampled_from([70, 85, 90]))
    grades.append({"name": "last"})
    units = [f"U{i:02d}" for i in range(n)]
    values = [(u, "D", draw(TOTAL)) for u in units]
    events = []
    for u in units:
        kind = draw(st.sampled_from([None, None, None, "lowest", "no_top", "downgrade"]))
        if kind == "downgrade":
            events.append({"assessee": u, "type": "downgrade"})
        elif kind is not None:
            item = "党风廉政" if kind == "lowest" else "评先"
            events.append({"assessee": u, "type": "veto", "item": item})
    return raw(units=units, values=values, grades=grades, events=events)


@SETTINGS
@given(graded_documents())
def test_no_grade_exceeds_its_cumulative_capacity(document: dict[str, Any]) -> None:
    results = run(document)
    grades_raw = document["plan"]["categories"][0]["grades"]
    grades = [Grade(g["name"], g.get("quota")) for g in grades_raw]
    order = {g.name: i for i, g in enumerate(grades)}
    assessees = results.to_dict()["assessees"]
    cap = capacities(grades, len(assessees))
    vetoed = {e["assessee"] for e in document["data"]["events"] if e.get("item") == "党风廉政"}
    for g in range(len(grades) - 1):
        holding = [a for a in assessees if order[a["grade"]] <= g]
        assert len(holding) <= cap[g]
    for a in assessees:
        if a["code"] in vetoed:
            assert a["grade"] == "last"


@st.composite
def full_documents(draw: st.DrawFn) -> dict[str, Any]:
    n = draw(st.integers(2, 6))
    units = [f"U{i}" for i in range(n)]
    rank_leaf = {"code": "R", "name": "R", "points": 10, "method": "rank"}
    sections = [
        {"code": "t", "name": "t", "points": 50, "indicators": [direct("A", 40), rank_leaf]},
        {"code": "d", "name": "d", "points": 50, "evaluation": "e"},
    ]
    values = []
    for u in units:
        values.append((u, "A", draw(st.sampled_from([None, "N/A", 0, 12.5, 30, 40]))))
        values.append((u, "R", draw(st.sampled_from([None, 1, 2, 3, 5.5]))))
    events = [
        {
            "assessee": draw(st.sampled_from(units)),
            "type": t,
            "points": draw(st.sampled_from([0.5, 1, 2.5])),
            "item": i,
        }
        for t, i in draw(
            st.lists(
                st.sampled_from(
                    [
                        ("bonus", None),
                        ("deduction", None),
                        ("veto", "评先"),
                        ("veto", "党风廉政"),
                        ("downgrade", None),
                    ]
                ),
                max_size=6,
            )
        )
    ]
    for event in events:
        if event["type"] in ("veto", "downgrade"):
            event.pop("points")
        if event["item"] is None:
            event.pop("item")
    ballots = []
    for b in range(draw(st.integers(0, 12))):
        marked = draw(st.lists(st.sampled_from(units), min_size=1, unique=True))
        marks = {u: draw(st.sampled_from([*GRADE_FORM, "优"])) for u in marked}
        group = draw(st.sampled_from(["g", "h"]))
        ballots.append({"evaluation": "e", "group": group, "ballot": f"B{b}", "marks": marks})
    evaluation = {
        "code": "e", "name": "e", "options": GRADE_FORM, "satisfied": ["优秀", "称职"],
        "max_top_share": 0.5,
        "groups": [{"code": "g", "name": "g", "weight": 2, "trim": 1}, {"code": "h", "name": "h", "min_ballots": 2}],  # noqa: E501
    }  # fmt: skip
    return raw(
        units=units, sections=sections, values=values, events=events, ballots=ballots,
        evaluations=[evaluation], bonus_cap=3,
    )  # fmt: skip


def normalised(results_dict: dict[str, Any]) -> dict[str, Any]:
    # Vetoes keep data order by rule (scoring.md §8); compare them as multisets here.
    out = copy.deepcopy(results_dict)
    for a in out["assessees"]:
        a["vetoes"] = sorted(a["vetoes"], key=lambda v: (v["item"], v["effect"]))
    return out


@SETTINGS
@given(full_documents(), st.randoms(use_true_random=False))
def test_input_order_never_changes_results(document: dict[str, Any], rnd: random.Random) -> None:
    expected = normalised(run(document).to_dict())
    shuffled = copy.deepcopy(document)
    rnd.shuffle(shuffled["organization"]["units"])
    for key in ("values", "events", "ballots"):
        rnd.shuffle(shuffled["data"][key])
    for b in shuffled["data"]["ballots"]:
        items = list(b["marks"].items())
        rnd.shuffle(items)
        b["marks"] = dict(items)
    assert normalised(run(shuffled).to_dict()) == expected


@SETTINGS
@given(
    st.lists(st.sampled_from([0.0, 10.0, 20.0, 35.0, 50.0, 70.0]), min_size=2, max_size=6),
    st.integers(0, 5),
    st.sampled_from([5.0, 10.0, 30.0]),
    st.sampled_from(["A", "R", "T", "G"]),
)
def test_raising_a_value_never_lowers_the_total(
    base: list[float], who: int, raise_by: float, leaf: str
) -> None:
    who %= len(base)
    units = [f"U{i}" for i in range(len(base))]
    indicators = [
        {"code": "A", "name": "A", "points": 25, "method": "ratio", "target": 60, "cap": 1.2},
        {"code": "R", "name": "R", "points": 25, "method": "rank"},
        {"code": "T", "name": "T", "points": 25, "method": "tiered", "target": 60,
         "tiers": [[1, 1], [0.5, 0.5]], "floor": 0.1},
        {"code": "G", "name": "G", "points": 25, "method": "direct"},
    ]  # fmt: skip
    sections = [{"code": "t", "name": "t", "points": 100, "indicators": indicators}]

    def document(bump: float) -> dict[str, Any]:
        values = []
        for i, u in enumerate(units):
            for code in ("A", "R", "T", "G"):
                v = min(base[i], 25.0) if code == "G" else base[i]
                if u == units[who] and code == leaf:
                    v = min(v + bump, 25.0) if code == "G" else v + bump
                values.append((u, code, v))
        return raw(units=units, sections=sections, values=values)

    before = by_code(run(document(0.0)))[units[who]]["total"]
    after = by_code(run(document(raise_by)))[units[who]]["total"]
    assert after >= before
