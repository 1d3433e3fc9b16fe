"""Tests of the benchmark tooling itself (not of kaohe's speed; nothing here times anything).

.venv/bin/pytest bench -p no:django -q
"""

from __future__ import annotations

import json
import math
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import baseline
import generate
import measure
import pg
import polars as pl
import psycopg
import pytest
import run
import yaml

SCALE = 0.01  # 200 assessees, 50,000 marks


@pytest.fixture(scope="module")
def workbook(tmp_path_factory: pytest.TempPathFactory) -> generate.Workbook:
    return generate.generate(SCALE, out=tmp_path_factory.mktemp("out"))


@pytest.fixture(scope="module")
def document(workbook: generate.Workbook) -> dict[str, Any]:
    return yaml.safe_load(workbook.plan_path.read_text(encoding="utf-8"))


def _read(path: Path) -> pl.DataFrame:
    return pl.read_csv(path, infer_schema=False)


def _leaves(indicators: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for indicator in indicators:
        out.extend(_leaves(indicator["indicators"]) if "indicators" in indicator else [indicator])
    return out


def _points_add_up(indicators: list[dict[str, Any]], points: float) -> bool:
    total = sum(i["points"] for i in indicators)
    nested = all(
        _points_add_up(i["indicators"], i["points"]) for i in indicators if "indicators" in i
    )
    return abs(total - points) < 1e-6 and nested


def test_counts_match_the_manifest(workbook: generate.Workbook) -> None:
    assert workbook.assessees == 200
    assert sum(workbook.categories.values()) == 200
    assert workbook.marks == 50_000
    assert _read(workbook.ballots_path).height == 50_000
    assert _read(workbook.values_path).height == workbook.values
    assert _read(workbook.events_path).height == workbook.events
    manifest = json.loads((Path(workbook.directory) / "manifest.json").read_text())
    assert manifest["marks"] == 50_000


def test_generation_is_deterministic_and_reused(tmp_path: Path) -> None:
    first = generate.generate(0.005, out=tmp_path / "a")
    second = generate.generate(0.005, out=tmp_path / "b")
    for a, b in zip(first.files, second.files, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name
    stamp = first.ballots_path.stat().st_mtime_ns
    again = generate.generate(0.005, out=tmp_path / "a")
    assert again == first
    assert first.ballots_path.stat().st_mtime_ns == stamp  # reused, not rewritten
    other_seed = generate.generate(0.005, out=tmp_path / "a", seed=7)
    assert other_seed.ballots_path.read_bytes() != second.ballots_path.read_bytes()


def test_full_scale_sizes() -> None:
    sizes = generate.category_sizes(1.0)
    assert sum(sizes.values()) == 20_000
    assert list(sizes) == ["township", "dept_party", "dept_gov"]


def test_plan_follows_the_spec(document: dict[str, Any]) -> None:
    """scoring.md §1, §2, §5 and §8 checked on the generated plan by reading it."""
    plan = document["plan"]
    assert plan["assessees"] == "units"
    assert len(plan["categories"]) == 3
    veto_items = {v["item"] for v in plan["vetoes"]}
    for category in plan["categories"]:
        sections = category["sections"]
        assert [s["code"] for s in sections] == ["target", "process", "democratic"]
        assert sum(s["points"] for s in sections) == category["full_score"]
        target = sections[0]
        assert _points_add_up(target["indicators"], target["points"])
        leaves = _leaves(target["indicators"])
        assert len(leaves) == 40
        assert {leaf["method"] for leaf in leaves} == set(generate.METHODS)
        assert any("indicators" in i for i in target["indicators"])  # nesting is exercised
        for leaf in leaves:
            if leaf["method"] == "ratio":
                assert leaf["target"] > 0 and leaf.get("cap", 1) >= 0
            if leaf["method"] == "tiered":
                thresholds = [t[0] for t in leaf["tiers"]]
                assert thresholds == sorted(thresholds, reverse=True)
            if leaf["method"] == "deduct":
                assert leaf["per"] >= 0
            if leaf["method"] == "rank":
                assert 0 <= leaf.get("floor", 0.6) <= 1
        assert sections[1]["source"] == "process"
        assert sections[2]["evaluation"] == generate.EVALUATION
        grades = category["grades"]
        assert "quota" not in grades[-1] and "min_score" not in grades[-1]
        with_quota = [("quota" in g) for g in grades[:-1]]
        assert with_quota == sorted(with_quota, reverse=True)  # a run from the top
        assert set(category["tiebreak"]) <= {s["code"] for s in sections}
    (evaluation,) = document["evaluations"]
    assert evaluation["form"] == "grade" and len(evaluation["groups"]) == 3
    assert set(evaluation["satisfied"]) <= set(evaluation["options"])
    assert all(0 <= v <= 100 for v in evaluation["options"].values())
    units = document["organization"]["units"]
    assert len({u["code"] for u in units}) == len(units) == 200
    assert {u["category"] for u in units} == {c["code"] for c in plan["categories"]}
    process = document["data"]["process"]
    assert all(0 <= p <= 100 for p in process.values())
    assert set(process) <= {u["code"] for u in units}
    assert set(document["data"]["scale"]) <= {u["code"] for u in units}
    assert veto_items >= {"党风廉政", "安全生产"}


def test_values_cover_every_assessee_and_indicator(
    workbook: generate.Workbook, document: dict[str, Any]
) -> None:
    values = _read(workbook.values_path)
    assert values.columns == ["assessee", "indicator", "value"]
    category_of = {u["code"]: u["category"] for u in document["organization"]["units"]}
    leaves = {
        c["code"]: {leaf["code"]: leaf for leaf in _leaves(c["sections"][0]["indicators"])}
        for c in document["plan"]["categories"]
    }
    pairs = list(zip(values["assessee"], values["indicator"], strict=True))
    assert len(set(pairs)) == len(pairs)  # no duplicate (assessee, indicator)
    expected = sum(len(leaves[c]) for c in category_of.values())
    assert expected * 0.99 < len(pairs) < expected  # a few rows left out: missing
    raw = values["value"].to_list()
    assert 0 < raw.count("N/A") < 0.02 * len(raw)
    assert 0 < raw.count("") + raw.count(None) < 0.01 * len(raw)
    for (assessee, indicator), value in zip(pairs, raw, strict=True):
        leaf = leaves[category_of[assessee]][indicator]
        if value in ("N/A", "", None):
            continue
        if leaf["method"] == "grade":
            assert value in leaf["grades"]
            continue
        number = float(value)
        assert math.isfinite(number)
        if leaf["method"] == "direct":
            assert 0 <= number <= leaf["points"]
        if leaf["method"] == "deduct":
            assert number >= 0 and number == int(number)


def test_events_are_valid(workbook: generate.Workbook, document: dict[str, Any]) -> None:
    events = _read(workbook.events_path)
    assert events.columns == ["assessee", "type", "points", "item", "reason"]
    assert set(events["type"]) <= {"bonus", "deduction", "veto", "downgrade"}
    items = {v["item"] for v in document["plan"]["vetoes"]}
    codes = {u["code"] for u in document["organization"]["units"]}
    for row in events.iter_rows(named=True):
        assert row["assessee"] in codes and row["reason"]
        if row["type"] in ("bonus", "deduction"):
            assert float(row["points"]) >= 0
        if row["type"] == "veto":
            assert row["item"] in items


def test_ballots_are_realistic(workbook: generate.Workbook, document: dict[str, Any]) -> None:
    ballots = _read(workbook.ballots_path)
    assert ballots.columns == ["evaluation", "group", "ballot", "assessee", "option"]
    assert set(ballots["evaluation"]) == {generate.EVALUATION}
    groups = {g["code"] for g in document["evaluations"][0]["groups"]}
    assert set(ballots["group"]) == groups
    category_of = {u["code"]: u["category"] for u in document["organization"]["units"]}
    per_ballot = (
        ballots.with_columns(pl.col("assessee").replace_strict(category_of).alias("category"))
        .group_by("ballot")
        .agg(
            pl.len(),
            pl.col("assessee").n_unique().alias("distinct"),
            pl.col("group").n_unique().alias("groups"),
            pl.col("category").n_unique().alias("categories"),
            (pl.col("option") == "优秀").sum().alias("top"),
        )
    )
    assert per_ballot.height == workbook.ballots
    assert (per_ballot["len"] == per_ballot["distinct"]).all()  # nobody marked twice
    assert (per_ballot["groups"] == 1).all() and (per_ballot["categories"] == 1).all()
    assert 18 <= per_ballot["len"].mean() <= 22  # type: ignore[operator]
    # Some ballots break max_top_share (void as a whole), most do not.
    share = document["evaluations"][0]["max_top_share"]
    limit = (per_ballot["len"] * share).floor().clip(lower_bound=1)
    void = (per_ballot["top"] > limit).mean()
    assert 0.005 < void < 0.2  # type: ignore[operator]
    options = Counter(ballots["option"].to_list())
    assert set(options) == {*generate.OPTIONS, generate.UNKNOWN_OPTION}
    assert options[generate.UNKNOWN_OPTION] < 0.001 * ballots.height


def test_group_by_baseline(workbook: generate.Workbook) -> None:
    ballots = _read(workbook.ballots_path)
    distinct = ballots.unique(["evaluation", "group", "assessee", "option"]).height
    assert baseline.group_by(workbook.ballots_path) == distinct


def _postgres() -> str:
    try:
        return pg.ensure_database()
    except psycopg.OperationalError as exc:  # pragma: no cover - no server on this machine
        pytest.skip(f"PostgreSQL not reachable: {exc}")


def test_database_baselines(workbook: generate.Workbook) -> None:
    dsn = _postgres()
    assert pg.ensure_database() == dsn  # idempotent
    # a table of its own, so the benchmark's raw table is left as the last run made it
    table = "bench_raw_marks_test"
    assert baseline.copy(workbook.ballots_path, dsn, table=table) == workbook.marks
    ballots = _read(workbook.ballots_path)
    distinct = ballots.unique(["evaluation", "group", "assessee", "option"]).height
    assert baseline.group_sql(dsn, table=table) == distinct
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f"DROP TABLE {table}")


def test_fresh_database(workbook: generate.Workbook) -> None:
    """A scratch database of its own: dropped, recreated empty, dropped again."""
    _postgres()
    name = "kaohe_bench_test"
    dsn = pg.ensure_database(database=name)
    assert baseline.copy(workbook.ballots_path, dsn) == workbook.marks
    pg.drop_database(database=name)
    dsn = pg.ensure_database(database=name)
    with psycopg.connect(dsn) as conn:
        assert conn.execute("SELECT to_regclass(%s)", [baseline.RAW_TABLE]).fetchone() == (None,)
    pg.drop_database(database=name)
    pg.drop_database(database=name)  # idempotent


def test_measure_reports_time_memory_and_failure() -> None:
    big = measure.run_once(
        [sys.executable, "-c", "b = bytearray(300 * 2**20); b[::4096] = b'x' * len(b[::4096])"]
    )
    small = measure.run_once([sys.executable, "-c", "print('hi')"])
    assert big.ok and small.ok and small.stdout == "hi"
    assert big.peak_mb > 300 > small.peak_mb
    failed = measure.run_once([sys.executable, "-c", "import sys; sys.exit('坏了')"])
    assert failed.exit_status == 1 and "坏了" in failed.stderr
    slow = measure.run_once([sys.executable, "-c", "import time; time.sleep(30)"], timeout=0.5)
    assert not slow.ok and slow.seconds < 10 and "超时" in slow.stderr


def test_best_of_keeps_the_fastest_time_and_highest_memory() -> None:
    best = measure.best_of([sys.executable, "-c", "pass"], 3)
    assert best.ok and best.seconds > 0


def test_best_run_takes_the_fastest_time_the_highest_memory_or_the_failure() -> None:
    fast = measure.Run(("k",), 1.0, 500.0, 0, "", "")
    slow = measure.Run(("k",), 2.0, 900.0, 0, "", "")
    best = measure.best_run([slow, fast])
    assert (best.seconds, best.peak_mb, best.ok) == (1.0, 900.0, True)
    failed = measure.Run(("k",), 0.5, 100.0, 1, "", "坏了")
    assert measure.best_run([fast, failed]) is failed


def test_measure_pair_alternates_baseline_and_kaohe(
    workbook: generate.Workbook, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []

    def fake_run_once(command: list[str], **_: Any) -> measure.Run:
        calls.append(command[0])
        seconds = {"base": 1.0, "kaohe": 3.0}[command[0]] + len(calls) / 100
        return measure.Run(tuple(command), seconds, 100.0, 0, "", "")

    monkeypatch.setattr(run, "run_once", fake_run_once)
    ctx = run.Context(workbook, 2, 60.0, True, False, {})
    row = run.Row("score", "kaohe", "base", 3.0)
    run._measure_pair(ctx, row, ["kaohe"], ["base"], {})
    assert calls == ["base", "kaohe", "base", "kaohe"]
    assert row.baseline_seconds == pytest.approx(1.01) and row.seconds == pytest.approx(3.02)


def test_table_and_ratios() -> None:
    met = run.Row("score", "kaohe score", "polars", 3.0, 6.0, 900.0, 2.5, 1300.0)
    missed = run.Row("load", "kaohe load", "COPY", 2.0, 9.0, 200.0, 3.0, 80.0)
    absent = run.Row("compute", "kaohe compute", "SQL", 2.0, baseline_seconds=5.0, error="x")
    assert met.ratio == pytest.approx(2.4) and met.met is True
    assert missed.ratio == pytest.approx(3.0) and missed.met is False
    assert absent.ratio is None and absent.met is None
    text = run.table([met, missed, absent])
    lines = text.splitlines()
    assert lines[0].split()[:3] == ["measurement", "seconds", "peak"]
    assert "2.40×" in lines[1] and lines[1].endswith("yes")
    assert "3.00×" in lines[2] and lines[2].endswith("NO")
    assert lines[3].endswith("—")
    assert run.peaks([met, missed, absent]) == [900.0, 1300.0, 200.0, 80.0]
    assert json.dumps(met.to_dict())  # JSON-serialisable for results.json


def test_kaohe_reads_the_generated_workbook(workbook: generate.Workbook) -> None:
    """Once the workbook reader exists: it accepts the generated files without a problem."""
    read = pytest.importorskip("kaohe.workbook.read")
    document = read.read_document(workbook.files)
    assert len(document.assessees) == workbook.assessees
    assert document.marks.height == workbook.marks
    assert len(document.plan.categories) == 3
