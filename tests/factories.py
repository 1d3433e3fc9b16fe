"""Documents built directly from the engine's dataclasses, of any size, for storage tests.

They exercise every column the database stores (nested indicators, each method, N/A and text
values, all event types, a grade evaluation with groups and a worst vote) without depending
on the workbook readers.
"""

from __future__ import annotations

import polars as pl

from kaohe.engine.model import (
    MARK_SCHEMA,
    NA,
    Assessee,
    Category,
    Document,
    Evaluation,
    Event,
    Grade,
    Group,
    Indicator,
    Organization,
    Plan,
    Section,
    Unit,
    Value,
    VetoItem,
)

OPTIONS = ("优秀", "称职", "基本称职", "不称职")


def _category(code: str, name: str) -> Category:
    return Category(
        code=code,
        name=name,
        sections=(
            Section(
                code="target",
                name="目标考核",
                points=60,
                indicators=(
                    Indicator(code="T1", name="农业发展", points=20, method="ratio", target=100),
                    Indicator(
                        code="T2",
                        name="民生社保",
                        points=20,
                        children=(
                            Indicator(
                                code="T2.1",
                                name="社保",
                                points=10,
                                method="tiered",
                                target=100,
                                tiers=((1.0, 1.0), (0.9, 0.8), (0.8, 0.6)),
                            ),
                            Indicator(
                                code="T2.2",
                                name="民生",
                                points=10,
                                method="grade",
                                grades={"A": 1.0, "B": 0.85, "C": 0.7},
                                assessor="县委办",
                            ),
                        ),
                    ),
                    Indicator(code="T3", name="安全", points=10, method="deduct", per=0.5),
                    Indicator(code="T4", name="项目", points=10, method="rank", floor=0.5),
                ),
            ),
            Section(code="process", name="日常考核", points=20, source="process"),
            Section(
                code="democratic", name="民主评价", points=20, source="evaluation", evaluation="mz"
            ),
        ),
        grades=(
            Grade(name="优秀", quota=20, min_score=60),
            Grade(name="良好", quota=40),
            Grade(name="一般", quota=30),
            Grade(name="较差"),
        ),
        tiebreak=("target",) if code == "township" else None,
    )


def make_document(n: int, *, code: str = "2025-test", ballots_per_group: int = 6) -> Document:
    """A units plan with ``n`` assessees in two categories and ballots for all of them."""
    codes = [f"U{i:04d}" for i in range(n)]
    categories = ("township", "dept")
    units = [Unit(code="COUNTY", name="示例县")] + [
        Unit(code=c, name=f"单位{c}", category=categories[i % 2], parent="COUNTY")
        for i, c in enumerate(codes)
    ]
    assessees = tuple(
        Assessee(code=c, name=f"单位{c}", category=categories[i % 2]) for i, c in enumerate(codes)
    )
    values: dict[tuple[str, str], Value] = {}
    for i, c in enumerate(codes):
        values[(c, "T1")] = 70.0 + (i * 7) % 40
        values[(c, "T2.1")] = NA if i % 5 == 0 else 80.0 + (i * 3) % 25
        values[(c, "T2.2")] = "ABC"[i % 3]
        values[(c, "T3")] = float(i % 4)
        if i % 7 != 3:  # some missing values
            values[(c, "T4")] = float((i * 13) % 17)
    events = [
        Event(assessee=codes[0], type="bonus", points=3.0, reason="获省级表彰"),
        Event(assessee=codes[0], type="bonus", points=4.5, reason="获市级表彰"),
    ]
    if n > 2:
        events.append(Event(assessee=codes[1], type="deduction", points=1.25, reason="弄虚作假"))
        events.append(
            Event(assessee=codes[2], type="veto", item="党风廉政", effect="lowest", reason="违纪")
        )
    if n > 3:
        events.append(Event(assessee=codes[3], type="downgrade", reason="干部违纪"))
    rows: list[tuple[str, str, str, str | None, str | None]] = []
    for group in ("leaders", "staff"):
        for b in range(ballots_per_group):
            serial = f"{group}-{b:03d}"
            for i, c in enumerate(codes):
                rows.append(("mz", group, serial, c, OPTIONS[(i + b) % 4]))
    for b in range(ballots_per_group):
        serial = f"zc-{b:03d}"
        if b == 0:
            rows.append(("zc", "all", serial, None, None))  # an empty worst ballot
        else:
            rows.append(("zc", "all", serial, codes[b % min(n, 3)], None))
    marks = pl.DataFrame(rows, schema=MARK_SCHEMA, orient="row")
    return Document(
        organization=Organization(name="示例县", units=tuple(units)),
        plan=Plan(
            code=code,
            name="测试方案",
            year=2025,
            categories=tuple(
                _category(k, name) for k, name in zip(categories, ("乡镇", "部门"), strict=True)
            ),
            bonus_cap=5.0,
            non_discriminating_share=0.85,
            vetoes=(VetoItem(item="党风廉政"), VetoItem(item="最差部门", effect="no_top")),
        ),
        assessees=assessees,
        evaluations=(
            Evaluation(
                code="mz",
                name="民主测评",
                groups=(
                    Group(code="leaders", name="县领导", weight=30),
                    Group(code="staff", name="干部职工", weight=70, trim=1, min_ballots=2),
                ),
                options={"优秀": 100.0, "称职": 80.0, "基本称职": 60.0, "不称职": 0.0},
                satisfied=("优秀", "称职"),
                max_top_share=0.5,
            ),
            Evaluation(
                code="zc",
                name="评选最差部门",
                groups=(Group(code="all", name="全体"),),
                kind="worst",
                max_picks=1,
                veto=VetoItem(item="最差部门", effect="no_top"),
            ),
        ),
        values=values,
        scale={codes[0]: 1.05} if n else {},
        process={c: 80.0 + i % 20 for i, c in enumerate(codes) if i % 6 != 5},
        events=tuple(events),
        marks=marks,
    )
