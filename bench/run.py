"""`make bench`: time kaohe on a province-scale year against bare baselines from the same run,
and the pages of the demo county on a warm server.

Three measurements, each command in a fresh process (wall time and peak RSS):

  score    `kaohe score plan.json values.csv events.csv ballots.csv -o /dev/null`
           vs polars read_csv(ballots.csv) + group_by(...).len()            goal ≤ 3×
  load     `kaohe load …` into PostgreSQL vs a raw COPY of ballots.csv       goal ≤ 2×
  compute  `kaohe compute PLAN` vs the SQL GROUP BY over the raw table       goal ≤ 2×

And `pages` (bench/pages.py): every page of every role of the demo county on a real server on
127.0.0.1, p50/p95/max per page, goal p95 under 300 ms (issue 3). And `voting`
(bench/voting.py): 500 simulated voters (locust) on the ballot pages against gunicorn on
PostgreSQL, beside a trivial page in the same run (issue 4).

Nothing here asserts: the figures are printed as tables and written to bench/out/results.json
(the commands) and bench/out/pages.json (the pages).

    .venv/bin/python bench/run.py --scale 0.02 --only score
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

# generate, pg and measure are bench/'s sibling modules: bench/ is not a package, and
# Python puts the script's own directory on the path.
import generate
import pages
import pg
import polars as pl
import voting
from measure import Run, best_run, run_once

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
PYTHON = sys.executable
KAOHE = str(Path(sys.executable).with_name("kaohe"))
MEMORY_LIMIT_MB = 2048.0
GOALS = {"score": 3.0, "load": 2.0, "compute": 2.0}
STATE = generate.OUT / "db-state.json"


@dataclass
class Row:
    """One line of the table: kaohe's figures, the baseline's, and how they compare."""

    measurement: str
    command: str
    baseline_command: str
    goal: float
    seconds: float | None = None
    peak_mb: float | None = None
    baseline_seconds: float | None = None
    baseline_peak_mb: float | None = None
    error: str | None = None  # why kaohe's figure is missing
    baseline_error: str | None = None
    checks: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        if self.seconds is None or not self.baseline_seconds:
            return None
        return self.seconds / self.baseline_seconds

    @property
    def met(self) -> bool | None:
        ratio = self.ratio
        return None if ratio is None else ratio <= self.goal

    def to_dict(self) -> dict[str, Any]:
        return asdict(self) | {"ratio": self.ratio, "met": self.met}


@dataclass(frozen=True)
class Context:
    workbook: generate.Workbook
    repeat: int
    timeout: float
    kaohe: bool  # does `kaohe score --help` work?
    verify: bool
    env: dict[str, str]
    database_url: str | None = None

    @property
    def key(self) -> str:
        """What is in the database, so `--only compute` knows whether to load first."""
        return f"{self.workbook.scale:g}/{self.workbook.seed}/{self.workbook.version}"


def _shown(command: Sequence[str]) -> str:
    """A command as a reader would type it: paths relative to the repository."""
    parts = []
    for part in command:
        path = Path(part)
        parts.append(
            str(path.relative_to(ROOT)) if path.is_absolute() and ROOT in path.parents else part
        )
    return " ".join(parts)


def _failure(run: Run) -> str:
    return f"exit {run.exit_status}: {run.stderr.strip() or run.stdout.strip() or '(no output)'}"


def _state() -> dict[str, str]:
    try:
        return json.loads(STATE.read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return {}


def _remember(what: str, key: str | None) -> None:
    state = _state()
    if key is None:
        state.pop(what, None)
    else:
        state[what] = key
    STATE.write_text(json.dumps(state, indent=2), encoding="utf-8")


def kaohe_ready(env: dict[str, str]) -> tuple[bool, str]:
    """Is the CLI there yet? (It is written by other engineers at the same time.)"""
    if not Path(KAOHE).exists():
        return False, f"{KAOHE} 不存在"
    run = run_once([KAOHE, "score", "--help"], env=env, cwd=ROOT, timeout=120)
    return run.ok, "" if run.ok else _failure(run)


def _settle(ctx: Context, database: bool) -> None:
    """Untimed, before each run of a pair that uses the database: a checkpoint, so no run pays
    for the log the one before it wrote (the baseline and kaohe alike)."""
    if database and ctx.database_url is not None:
        pg.checkpoint()


def _measure_pair(
    ctx: Context,
    row: Row,
    command: list[str],
    base: list[str],
    base_env: dict[str, str],
    *,
    database: bool = False,
) -> tuple[Run | None, Run]:
    """Baseline and kaohe in turns (kaohe skipped when the CLI is missing), the best of each;
    fills in the row.

    Alternating (baseline, kaohe, baseline, kaohe …) rather than all baseline runs first keeps
    the two under the same load when other work comes and goes on the machine: the ratio is
    the figure that matters.
    """
    base_runs: list[Run] = []
    runs: list[Run] = []
    for _ in range(max(1, ctx.repeat)):
        if not base_runs or base_runs[-1].ok:
            _settle(ctx, database)
            base_runs.append(run_once(base, env=base_env, cwd=ROOT, timeout=ctx.timeout))
        if ctx.kaohe and (not runs or runs[-1].ok):
            _settle(ctx, database)
            runs.append(run_once(command, env=ctx.env, cwd=ROOT, timeout=ctx.timeout))
    base_run = best_run(base_runs)
    if base_run.ok:
        row.baseline_seconds, row.baseline_peak_mb = base_run.seconds, base_run.peak_mb
    else:
        row.baseline_error = _failure(base_run)
    if not ctx.kaohe:
        row.error = "kaohe 命令行尚不可用"
        return None, base_run
    run = best_run(runs)
    if run.ok:
        row.seconds, row.peak_mb = run.seconds, run.peak_mb
    else:
        row.error = _failure(run)
    return run, base_run


def _warm(paths: Sequence[Path]) -> None:
    """Read the inputs once so every measured command finds them in the page cache alike."""
    for path in paths:
        with path.open("rb") as f:
            while f.read(1 << 24):
                pass


def bench_score(ctx: Context) -> Row:
    wb = ctx.workbook
    command = [KAOHE, "score", *map(str, wb.files), "-o", os.devnull]
    base = [PYTHON, str(BENCH / "baseline.py"), "group-by", str(wb.ballots_path)]
    row = Row("score", _shown(command), _shown(base), GOALS["score"])
    _warm(wb.files)
    _measure_pair(ctx, row, command, base, ctx.env)
    if ctx.verify and ctx.kaohe and row.error is None:
        row.checks = verify_score(ctx)
    return row


def verify_score(ctx: Context) -> dict[str, Any]:
    """Untimed: score into a file and check it covers the whole province, every mark counted."""
    wb = ctx.workbook
    out = Path(wb.directory) / "score.json"
    run = run_once(
        [KAOHE, "score", *map(str, wb.files), "-o", str(out)],
        env=ctx.env,
        cwd=ROOT,
        timeout=ctx.timeout,
    )
    if not run.ok:
        return {"ok": False, "error": _failure(run)}
    results = json.loads(out.read_text(encoding="utf-8"))
    counted = sum(
        entry["valid"] + entry["void"]
        for assessee in results["assessees"]
        for code, entry in assessee.get("evaluations", {}).items()
        if code == generate.EVALUATION
    )
    checks = {
        "assessees": len(results["assessees"]),
        "expected_assessees": wb.assessees,
        "marks_counted": counted,
        "expected_marks": wb.marks,
    }
    checks["ok"] = counted == wb.marks and checks["assessees"] == wb.assessees
    return checks


def _load_command(ctx: Context) -> list[str]:
    return [KAOHE, "load", *map(str, ctx.workbook.files)]


def _migrate(ctx: Context) -> str | None:
    """Untimed: give a new database its schema, so `load` is timed on loading alone."""
    run = run_once([KAOHE, "migrate"], env=ctx.env, cwd=ROOT, timeout=ctx.timeout)
    return None if run.ok else _failure(run)


def bench_load(ctx: Context) -> Row:
    command = _load_command(ctx)
    base = [PYTHON, str(BENCH / "baseline.py"), "copy", str(ctx.workbook.ballots_path)]
    row = Row("load", _shown(command), _shown(base), GOALS["load"])
    _warm(ctx.workbook.files)
    migrate_error = _migrate(ctx) if ctx.kaohe else None
    if migrate_error:
        row.checks["migrate"] = migrate_error
    _remember("kaohe", None)
    run, base_run = _measure_pair(ctx, row, command, base, ctx.env, database=True)
    _remember("raw", ctx.key if base_run.ok else None)
    _remember("kaohe", ctx.key if run is not None and run.ok else None)
    return row


def bench_compute(ctx: Context) -> Row:
    plan = ctx.workbook.plan_code
    command = [KAOHE, "compute", plan]
    base = [PYTHON, str(BENCH / "baseline.py"), "group-sql"]
    row = Row("compute", _shown(command), _shown(base), GOALS["compute"])
    state = _state()
    if state.get("raw") != ctx.key:  # `--only compute`: the raw table must hold this scale
        copied = run_once(
            [PYTHON, str(BENCH / "baseline.py"), "copy", str(ctx.workbook.ballots_path)],
            env=ctx.env,
            cwd=ROOT,
            timeout=ctx.timeout,
        )
        _remember("raw", ctx.key if copied.ok else None)
    if ctx.kaohe and state.get("kaohe") != ctx.key:
        _migrate(ctx)
        loaded = run_once(_load_command(ctx), env=ctx.env, cwd=ROOT, timeout=ctx.timeout)
        _remember("kaohe", ctx.key if loaded.ok else None)
        if not loaded.ok:
            _measure_pair(replace(ctx, kaohe=False), row, command, base, ctx.env, database=True)
            row.error = "先要载入数据，但 kaohe load 失败：" + _failure(loaded)
            return row
    _measure_pair(ctx, row, command, base, ctx.env, database=True)
    if ctx.verify and ctx.kaohe and row.error is None:
        row.checks = verify_compute(ctx)
    return row


def verify_compute(ctx: Context) -> dict[str, Any]:
    """Untimed: `kaohe results` must print the same JSON as `kaohe score` (workbook.md)."""
    directory = Path(ctx.workbook.directory)
    out = directory / "results-db.json"
    run = run_once(
        [KAOHE, "results", ctx.workbook.plan_code, "-o", str(out)],
        env=ctx.env,
        cwd=ROOT,
        timeout=ctx.timeout,
    )
    if not run.ok:
        return {"ok": False, "error": _failure(run)}
    scored = directory / "score.json"
    if not scored.exists():
        return {"ok": None, "note": "无 score.json 可比（先运行 score 测量）"}
    same = json.loads(out.read_text(encoding="utf-8")) == json.loads(
        scored.read_text(encoding="utf-8")
    )
    return {"ok": same, "same_as_score": same}


def machine() -> dict[str, Any]:
    model = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpus": os.cpu_count(),
        "cpu": model,
        "load_average": os.getloadavg(),  # at the end of the run
        "python": platform.python_version(),
        "polars": pl.__version__,
        "platform": platform.platform(),
    }


def _fmt(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def table(rows: Sequence[Row]) -> str:
    header = (
        "measurement",
        "seconds",
        "peak MB",
        "baseline s",
        "baseline MB",
        "ratio",
        "goal",
        "met?",
    )
    lines = [header]
    for row in rows:
        met = row.met
        lines.append(
            (
                row.measurement,
                _fmt(row.seconds),
                _fmt(row.peak_mb, 0),
                _fmt(row.baseline_seconds),
                _fmt(row.baseline_peak_mb, 0),
                "—" if row.ratio is None else f"{row.ratio:.2f}×",
                f"≤ {row.goal:g}×",
                "—" if met is None else ("yes" if met else "NO"),
            )
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    return "\n".join(
        "  ".join(
            cell.ljust(w) if i == 0 else cell.rjust(w)
            for i, (cell, w) in enumerate(zip(line, widths, strict=True))
        )
        for line in lines
    )


def peaks(rows: Sequence[Row]) -> list[float]:
    return [p for row in rows for p in (row.peak_mb, row.baseline_peak_mb) if p is not None]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="kaohe 基准测试（make bench）")
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = 20,000 对象、500 万票")
    parser.add_argument("--only", choices=(*GOALS, "pages", "voting"))
    parser.add_argument("--repeat", type=int, default=1, help="每项运行 N 次，取最快")
    parser.add_argument("--timeout", type=float, default=3600.0, help="单条命令的时限（秒）")
    parser.add_argument("--verify", action="store_true", help="另行（不计时）核对结果")
    parser.add_argument(
        "--fresh-db", action="store_true", help="先删除并重建基准数据库 kaohe_bench"
    )
    parser.add_argument("--output", type=Path, default=generate.OUT / "results.json")
    parser.add_argument(
        "--page-requests", type=int, default=pages.REQUESTS, help="pages：每页计时请求数"
    )
    args = parser.parse_args(argv)
    wanted = [args.only] if args.only else [*GOALS, "pages", "voting"]
    commands = [name for name in wanted if name in GOALS]
    if commands:
        measure_commands(args, commands)
    if "pages" in wanted:
        print("\nmeasuring pages (demo county, warm server) …", flush=True)
        pages.run(pages.Options(requests=max(1, args.page_requests)))
    if "voting" in wanted:  # bench/voting.py: 500 voters (locust) against gunicorn + PostgreSQL
        print("\nmeasuring online voting (locust, 500 voters) …", flush=True)
        voting.run(voting.Options())
    return 0


def measure_commands(args: argparse.Namespace, wanted: Sequence[str]) -> None:
    """score, load and compute against their baselines; writes `args.output`."""
    started = time.perf_counter()
    load_before = os.getloadavg()  # the machine is shared: say how busy it was
    workbook = generate.generate(args.scale)
    print(
        f"workbook: {workbook.assessees} assessees, {workbook.values} values, "
        f"{workbook.events} events, {workbook.ballots} ballots, {workbook.marks} marks "
        f"({_shown([workbook.directory])}, ready in {time.perf_counter() - started:.1f} s)",
        flush=True,
    )
    env = dict(os.environ)
    database_url = None
    if {"load", "compute"} & set(wanted):
        if args.fresh_db:
            pg.drop_database()
            STATE.unlink(missing_ok=True)
        database_url = pg.ensure_database()
        env["DATABASE_URL"] = database_url
    ready, why = kaohe_ready(env)
    if not ready:
        print(f"kaohe CLI not usable yet, measuring the baselines only: {why}", flush=True)
    ctx = Context(workbook, args.repeat, args.timeout, ready, args.verify, env, database_url)

    steps: dict[str, Callable[[Context], Row]] = {
        "score": bench_score,
        "load": bench_load,
        "compute": bench_compute,
    }
    rows = []
    for name in wanted:
        print(f"measuring {name} …", flush=True)
        rows.append(steps[name](ctx))

    all_peaks = peaks(rows)
    under = all(p < MEMORY_LIMIT_MB for p in all_peaks)
    print()
    print(table(rows))
    print()
    print(
        f"peak memory under 2 GB: {'yes' if under else 'NO'} "
        f"(highest {max(all_peaks, default=0.0):.0f} MB; database server memory not included)"
    )
    after = os.getloadavg()
    print(f"load average (1 min) before {load_before[0]:.2f}, after {after[0]:.2f}; 2 cores")
    for row in rows:
        for label, error in (("kaohe", row.error), ("baseline", row.baseline_error)):
            if error:
                print(f"\n{row.measurement} — {label} failed:\n{error}")
        if row.checks:
            print(f"\n{row.measurement} checks: {json.dumps(row.checks, ensure_ascii=False)}")

    report = {
        "scale": args.scale,
        "repeat": args.repeat,
        "workbook": asdict(workbook),
        "machine": machine() | {"load_average_before": load_before},
        "database": pg.server_version(database_url) if database_url else None,
        "measurements": [row.to_dict() for row in rows],
        "peak_under_2gb": under,
        "memory_limit_mb": MEMORY_LIMIT_MB,
    }
    text = json.dumps(report, ensure_ascii=False, indent=2)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    # and a copy beside the workbook, so a quick run does not hide the last full-scale figures
    (Path(workbook.directory) / "results.json").write_text(text, encoding="utf-8")
    print(f"\nfigures written to {_shown([str(args.output.resolve())])}")


if __name__ == "__main__":
    sys.exit(main())
