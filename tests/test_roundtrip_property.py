"""Property: for any valid document, `kaohe score` prints exactly what `kaohe load` +
`compute` + `results` print (issue 2), on the database of this run (SQLite, then PostgreSQL).

The documents are generated to touch every stored feature: all six indicator methods, a
nested indicator, N/A and missing values, scale and process, bonus / deduction / veto /
downgrade events, a grade-form evaluation with trimmed groups and void ballots, and a worst
vote. What is compared is the CLI's output text, byte for byte.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kaohe import cli

pytestmark = pytest.mark.django_db

OPTIONS = {"优秀": 100, "称职": 80, "基本称职": 60, "不称职": 0}
LEAVES: list[dict[str, Any]] = [
    {"code": "A", "name": "完成率", "points": 10, "method": "ratio", "target": 80, "cap": 1.2},
    {
        "code": "B",
        "name": "分档",
        "points": 10,
        "method": "tiered",
        "target": 100,
        "tiers": [[1.0, 1.0], [0.8, 0.6]],
        "floor": 0.2,
    },
    {
        "code": "C",
        "name": "定性",
        "points": 10,
        "method": "grade",
        "grades": {"好": 1, "较好": 0.85, "一般": 0.7},
    },
    {"code": "D", "name": "扣分", "points": 10, "method": "deduct", "per": 1.5},
    {"code": "E", "name": "排名", "points": 10, "method": "rank", "direction": "lower"},
]
NUMBER = st.one_of(
    st.integers(0, 150), st.floats(0, 150, allow_nan=False).map(lambda x: round(x, 3))
)
VALUE_OF = {
    "A": NUMBER,
    "B": NUMBER,
    "C": st.sampled_from(["好", "较好", "一般"]),
    "D": st.integers(0, 8),
    "E": NUMBER,
    "F1": st.sampled_from([0, 1, 2.5, 4]),
    "F2": st.sampled_from([0, 0.75, 1]),
}


def _value(draw: st.DrawFn, indicator: str) -> Any:
    kind = draw(st.sampled_from(["value"] * 6 + ["N/A", "missing"]))
    return kind if kind != "value" else draw(VALUE_OF[indicator])


@st.composite
def documents(draw: st.DrawFn) -> dict[str, Any]:
    n = draw(st.integers(2, 9))
    units = [f"U{i:02d}" for i in range(n)]
    nested = {
        "code": "F",
        "name": "嵌套",
        "points": 5,
        "indicators": [
            {"code": "F1", "name": "嵌套一", "points": 4, "method": "direct"},
            {"code": "F2", "name": "嵌套二", "points": 1, "method": "direct"},
        ],
    }
    grades = [
        {
            "name": "优秀",
            "quota": draw(st.sampled_from([10, 20, 30])),
            "min_score": draw(st.sampled_from([0, 60, 80])),
        },
        {"name": "良好", "quota": draw(st.sampled_from([30, 50]))},
        {"name": "一般"},
    ]
    values = []
    for unit in units:
        for indicator in ("A", "B", "C", "D", "E", "F1", "F2"):
            value = _value(draw, indicator)
            if value != "missing":
                values.append({"assessee": unit, "indicator": indicator, "value": value})
    events: list[dict[str, Any]] = []
    for unit in units:
        for kind in draw(
            st.lists(st.sampled_from(["bonus", "deduction", "veto", "downgrade"]), max_size=2)
        ):
            event: dict[str, Any] = {"assessee": unit, "type": kind, "reason": "依据"}
            if kind in ("bonus", "deduction"):
                event["points"] = draw(st.sampled_from([0.5, 1, 2.25, 3]))
            if kind == "veto":
                event["item"] = draw(st.sampled_from(["党风廉政", "取消评先评优"]))
            events.append(event)
    ballots: list[dict[str, Any]] = []
    for b in range(draw(st.integers(0, 12))):
        marked = draw(st.lists(st.sampled_from(units), min_size=1, max_size=n, unique=True))
        labels = st.sampled_from([*OPTIONS, "弃权"])  # an unknown label is a void mark
        ballots.append(
            {
                "evaluation": "mz",
                "group": draw(st.sampled_from(["leaders", "staff"])),
                "ballot": f"B{b:03d}",
                "marks": {u: draw(labels) for u in marked},
            }
        )
    for b in range(draw(st.integers(0, 6))):
        picks = draw(st.lists(st.sampled_from(units), max_size=2))
        ballots.append(
            {"evaluation": "zc", "group": "assembly", "ballot": f"W{b:03d}", "picks": picks}
        )
    return {
        "version": 1,
        "organization": {
            "name": "测试县",
            "units": [{"code": u, "name": f"单位{u}", "category": "dept"} for u in units],
        },
        "plan": {
            "code": "prop",
            "name": "性质测试",
            "year": 2025,
            "assessees": "units",
            "bonus_cap": draw(st.sampled_from([None, 2, 4])),
            "vetoes": [
                {"item": "党风廉政", "effect": "lowest"},
                {"item": "取消评先评优", "effect": "no_top"},
            ],
            "categories": [
                {
                    "code": "dept",
                    "name": "部门",
                    "sections": [
                        {
                            "code": "target",
                            "name": "目标",
                            "points": 55,
                            "indicators": [*LEAVES, nested],
                        },
                        {"code": "process", "name": "日常", "points": 20, "source": "process"},
                        {"code": "democratic", "name": "民主", "points": 25, "evaluation": "mz"},
                    ],
                    "grades": grades,
                }
            ],
        },
        "evaluations": [
            {
                "code": "mz",
                "name": "民主测评",
                "kind": "standard",
                "form": "grade",
                "options": OPTIONS,
                "satisfied": ["优秀", "称职"],
                "max_top_share": 0.5,
                "groups": [
                    {"code": "leaders", "name": "领导", "weight": 40},
                    {"code": "staff", "name": "干部", "weight": 60, "trim": 1},
                ],
            },
            {
                "code": "zc",
                "name": "评最差",
                "kind": "worst",
                "max_picks": 1,
                "veto": "取消评先评优",
                "groups": [{"code": "assembly", "name": "代表"}],
            },
        ],
        "data": {
            "scale": {u: draw(st.sampled_from([0.9, 1, 1.15])) for u in units},
            "process": {u: draw(st.sampled_from([70, 85.5, 92.25, 100])) for u in units},
            "values": values,
            "events": events,
            "ballots": ballots,
        },
    }


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(documents())
def test_score_equals_load_compute_results(
    capsys: pytest.CaptureFixture[str], document: dict[str, Any]
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "plan.yaml"
        path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
        scored = _run(capsys, "score", str(path))
        _run(capsys, "load", str(path))
        _run(capsys, "compute", "prop")
        assert _run(capsys, "results", "prop") == scored
        assert _run(capsys, "results", "prop", "--format", "csv") == _run(
            capsys, "score", str(path), "--format", "csv"
        )
