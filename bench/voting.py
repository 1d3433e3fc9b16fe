"""Online voting under load (issue 4): 500 simulated voters against gunicorn on PostgreSQL.

One run, one server, one database (`kaohe_bench_voting`, dropped and rebuilt each run):

  setup     untimed: migrate, load the demo county's units plan without ballots (its
            evaluations come in as drafts), open `mz2025` and issue codes for the group
            两代表一委员 (every one of the 52 units on each ballot) through the services
  trivial   baseline: USERS users request /healthz back to back (a tiny view: the whole
            middleware stack, no database, no template), TRIVIAL_REQUESTS requests in all
  page      the same with the log-in page (no database, the site layout): a reference
  capacity  USERS phones doing what the ballot page's script does (vote.js: the start page
            /v/ once, then per ballot POST /api/vote/form with the code → the group's form
            as JSON, POST /api/vote/ballots with the ballot → the receipt) vote back to back
            with fresh codes, CAPACITY ballots in all: the voting throughput (requests/s
            over all the voters' requests), compared with the trivial
  meeting   USERS voters open their ballots over ARRIVAL_S seconds (code → form), fill it
            in for READING_S seconds, confirm and send it once: the latency a voter sees
            (p95, p99) at a pace far above a real meeting hall's
  check     untimed: every accepted ballot is in the box (codes used = slots cast = ballots),
            then close and count through the services

Goals (issue 4): meeting p95 < 300 ms, 0 errors in every phase, capacity throughput at least
30 % of the trivial throughput. The server is gunicorn with WORKERS sync workers on
127.0.0.1; locust (one process) runs on the same 2-core machine, so its own CPU use is part of
every phase alike. Every phase is bounded by request count and by a hard time limit.
Nothing asserts: the table goes to stdout and bench/out/voting.json.

    .venv/bin/python bench/voting.py                       # or: bench/run.py --only voting
    .venv/bin/python bench/voting.py --users 100 --capacity 500   # quicker
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
OUT = BENCH / "out"
BIN = Path(sys.executable).parent
KAOHE = str(BIN / "kaohe")
LOCUST = str(BIN / "locust")
GUNICORN = str(BIN / "gunicorn")
SCRATCH = Path("/tmp/kaohe-bench-voting")
DATABASE = "kaohe_bench_voting"

USERS = 500
TRIVIAL_REQUESTS = 5_000
CAPACITY = 1_000  # ballots cast back to back (each: a form and a ballot request)
WORKERS = 4
PHASE_LIMIT_S = 180.0  # hard limit of one locust phase
ARRIVAL_S = 30.0  # meeting: the voters open their ballots over this many seconds
READING_S = (10.0, 30.0)  # a meeting voter fills in the 52-unit ballot in this many seconds
EVALUATION = "mz2025"
GROUP = "reps"
TRIVIAL_PATH = "/healthz"  # the goal's baseline: a genuinely trivial endpoint
PAGE_PATH = "/accounts/login/"  # a reference: a whole page of the site without the database
CONN_MAX_AGE = 600  # each gunicorn worker keeps its PostgreSQL connection, as deployed

WARMUP_BALLOTS = 24  # untimed ballots cast before the phases (see warm_up)

GOAL_P95_MS = 300.0
GOAL_RATIO = 0.30


# --- setup (in its own process, with Django) -------------------------------------------------


def setup(
    directory: Path, *, capacity: int, voters: int, reading: tuple[float, float] = READING_S
) -> dict[str, Any]:
    """Load the plan, open the evaluation, issue the codes; write what locust needs."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaohe.config.settings")
    import django

    django.setup()
    from kaohe.demo import demo_documents
    from kaohe.demo.voting import without_marks
    from kaohe.evaluation import ballot_form, codes, services
    from kaohe.evaluation.models import Evaluation, RaterGroup
    from kaohe.plans.services import plan_load
    from kaohe.workbook.build import build_document

    # the units plan without its ballots: the evaluations are drafts
    document = without_marks(build_document(demo_documents()[0]))
    plan_load(document=document, actor="bench")
    evaluation = Evaluation.objects.get(plan__code=document.plan.code, code=EVALUATION)
    services.evaluation_open(evaluation=evaluation, actor="bench")
    group = RaterGroup.objects.get(evaluation=evaluation, code=GROUP)
    started = time.perf_counter()
    issued = codes.issue_codes(group=group, count=capacity + voters + WARMUP_BALLOTS)
    issue_seconds = time.perf_counter() - started
    form = ballot_form.group_form(group)
    options = [label for label, _value in form.options]
    directory.mkdir(parents=True, exist_ok=True)
    paths = {
        "capacity": directory / "codes-capacity.txt",
        "meeting": directory / "codes-meeting.txt",
        "warmup": directory / "codes-warmup.txt",
    }
    paths["capacity"].write_text("\n".join(c.code for c in issued[:capacity]), encoding="utf-8")
    meeting = issued[capacity : capacity + voters]
    paths["meeting"].write_text("\n".join(c.code for c in meeting), encoding="utf-8")
    warmup = issued[capacity + voters :]
    paths["warmup"].write_text("\n".join(c.code for c in warmup), encoding="utf-8")
    info = {
        "plan": document.plan.code,
        "evaluation": EVALUATION,
        "group": GROUP,
        "codes": {phase: str(path) for phase, path in paths.items()},
        "codes_issued": len(issued),
        "issue_seconds": issue_seconds,
        "form": {
            "assessees": [code for code, _name, _detail in form.assessees],
            "options": options,
            "top": form.top_label,
            "top_limit": form.top_limit(len(form.assessees)),
        },
        "trivial_paths": {"trivial": TRIVIAL_PATH, "page": PAGE_PATH},
        "reading_seconds": list(reading),
    }
    (directory / "setup.json").write_text(json.dumps(info, ensure_ascii=False, indent=2))
    return info


def check(plan: str) -> dict[str, Any]:
    """Untimed, after the phases: what the box holds, then close and count."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaohe.config.settings")
    import django

    django.setup()
    from kaohe.evaluation import services
    from kaohe.evaluation.models import Ballot, Evaluation, SealedBallot, VotingCode

    evaluation = Evaluation.objects.get(plan__code=plan, code=EVALUATION)
    used = VotingCode.objects.filter(evaluation=evaluation, state=VotingCode.State.USED).count()
    cast = SealedBallot.objects.filter(evaluation=evaluation, cast=True).count()
    started = time.perf_counter()
    services.evaluation_close(evaluation=evaluation, actor="bench")
    close_seconds = time.perf_counter() - started
    online = Ballot.objects.filter(evaluation=evaluation, channel=Ballot.Channel.ONLINE).count()
    started = time.perf_counter()
    services.evaluation_count(evaluation=evaluation, actor="bench")
    count_seconds = time.perf_counter() - started
    evaluation.refresh_from_db()
    return {
        "codes_used": used,
        "slots_cast": cast,
        "online_ballots": online,
        "status": evaluation.status,
        "close_seconds": close_seconds,
        "count_seconds": count_seconds,
        "ok": used == cast == online and evaluation.status == Evaluation.Status.COUNTED,
    }


# --- the server and the phases ---------------------------------------------------------------


@dataclass
class Options:
    users: int = USERS
    trivial_requests: int = TRIVIAL_REQUESTS
    capacity: int = CAPACITY
    workers: int = WORKERS
    conn_max_age: int = CONN_MAX_AGE
    phase_limit: float = PHASE_LIMIT_S
    arrival: float = ARRIVAL_S
    reading: tuple[float, float] = READING_S
    scratch: Path = SCRATCH
    output: Path = OUT / "voting.json"


@dataclass
class Phase:
    name: str
    figures: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    cpu_ms: dict[str, float] = field(default_factory=dict)  # CPU per request, by process kind

    @property
    def all(self) -> dict[str, Any]:
        return dict(self.figures.get("all", {}))


def _env(database_url: str, scratch: Path, conn_max_age: int = CONN_MAX_AGE) -> dict[str, str]:
    """Production-like settings over plain HTTP (as bench/pages.py), with persistent database
    connections (``CONN_MAX_AGE``): without them every voting request starts a PostgreSQL
    backend process, which the trivial endpoint (no database) never does."""
    import pages

    env = pages.server_env(dict(os.environ), database_url, scratch)
    return env | {"CONN_MAX_AGE": str(conn_max_age)}


def _run(
    command: list[str], env: dict[str, str], timeout: float
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False
    )


@contextmanager
def gunicorn(env: dict[str, str], scratch: Path, workers: int) -> Iterator[tuple[int, int]]:
    import pages
    from pages_client import Client, ClientError

    port = pages.free_port()
    log = (scratch / "server.log").open("wb")
    command = [GUNICORN, "kaohe.config.wsgi:application", "--bind", f"127.0.0.1:{port}",
               "--workers", str(workers), "--timeout", "120", "--log-level", "warning",
               "--backlog", "2048"]  # fmt: skip
    proc = subprocess.Popen(
        command, env=env, cwd=scratch, stdin=subprocess.DEVNULL, stdout=log,
        stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.perf_counter() + pages.SERVER_START_S
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"gunicorn 未能启动：{pages._log_tail(scratch)}")
            try:
                Client(port).get(TRIVIAL_PATH)
                break
            except (ClientError, OSError):
                if time.perf_counter() > deadline:
                    raise RuntimeError("gunicorn 未在时限内应答") from None
                time.sleep(0.2)
        yield port, proc.pid
    finally:
        pages._stop(proc)
        log.close()


def warm_up(port: int, info: dict[str, Any], workers: int) -> int:
    """Untimed, before the phases: every kind of request, a few at a time so that every worker
    serves some (imports, translations, templates, the group's form are loaded on a worker's
    first requests). Without it the first phase — the trivial baseline — pays for the
    workers' start and looks slower than it is. Every fourth ballot goes through the plain
    pages (the flow without the script). Returns the number of failed requests."""
    import random
    from concurrent.futures import ThreadPoolExecutor
    from urllib.parse import urlencode

    from pages_client import CSRF_FIELD, Client, ClientError
    from voting_figures import marks_for

    codes = Path(info["codes"]["warmup"]).read_text(encoding="utf-8").split()

    def pages(client: Client, code: str, marks: dict[str, str]) -> int:
        start = client.get("/v/")
        token = CSRF_FIELD.search(start.body.decode("utf-8", errors="replace"))
        if start.status != 200 or token is None:
            return 1
        base = {"csrfmiddlewaretoken": token.group(1), "code": code}
        fields = {f"m.{a}": o for a, o in marks.items()}
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": f"http://127.0.0.1:{port}/v/",
        }
        failed = 0
        for path, data, status in (
            ("/v/", base, 200),
            ("/v/ballot/", base | fields | {"action": "review"}, 200),
            ("/v/ballot/", base | fields | {"action": "confirm"}, 303),  # → the receipt page
        ):
            answer = client.request("POST", path, urlencode(data).encode(), headers)
            failed += answer.status != status
        return failed

    def script(client: Client, code: str, marks: dict[str, str]) -> int:
        headers = {"Content-Type": "application/json"}
        ballot = {"code": code, "marks": [{"assessee": a, "value": o} for a, o in marks.items()]}
        failed = client.get("/v/").status != 200
        for path, data, status in (
            ("/api/vote/form", {"code": code}, 200),
            ("/api/vote/ballots", ballot, 201),
        ):
            answer = client.request("POST", path, json.dumps(data).encode(), headers)
            failed += answer.status != status
        return failed

    def vote(numbered: tuple[int, str]) -> int:
        number, code = numbered
        client = Client(port)
        failed = sum(client.get(path).status != 200 for path in (TRIVIAL_PATH, PAGE_PATH))
        marks = marks_for(info["form"], random.Random(code))
        try:
            return failed + (pages if number % 4 == 0 else script)(client, code, marks)
        except (ClientError, OSError):
            return failed + 1

    with ThreadPoolExecutor(max_workers=max(2, workers * 2)) as pool:
        return sum(pool.map(vote, enumerate(codes)))


def _cpu(pid: int) -> float:
    """CPU seconds (user + system) a process has used so far; 0 if it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii").rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(stat[11]) + int(stat[12])) / os.sysconf("SC_CLK_TCK")


def _children(parent: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text(encoding="ascii").rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            if int(stat[1]) == parent:
                found.append(int(entry.name))
    return found


def cpu_seconds(master: int, database_url: str) -> dict[str, float]:
    """CPU used so far by the server's processes — the gunicorn workers (Django), their
    PostgreSQL backends (persistent connections only: a backend that has exited is not
    counted) — and by the locust runs (this process's finished children). Unlike
    throughput, CPU per request hardly depends on what else the shared machine is doing."""
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as conn:
        backends = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
        ).fetchall()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "django": sum(_cpu(pid) for pid in _children(master)),
        "postgres": sum(_cpu(int(pid)) for (pid,) in backends),
        "locust": children.ru_utime + children.ru_stime,
    }


def run_phase(name: str, port: int, options: Options, env: dict[str, str]) -> Phase:
    """One locust run (headless, one process), bounded by count and by `phase_limit`."""
    scratch = options.scratch
    summary = scratch / f"{name}.json"
    summary.unlink(missing_ok=True)
    setup_info = json.loads((scratch / "setup.json").read_text(encoding="utf-8"))
    phase_env = env | {
        "KAOHE_BENCH_PHASE": name,
        "KAOHE_BENCH_SETUP": str(scratch / "setup.json"),
        "KAOHE_BENCH_CODES": setup_info["codes"].get(name, ""),
        "KAOHE_BENCH_REQUESTS": str(options.trivial_requests),
        "KAOHE_BENCH_SUMMARY": str(summary),
    }
    # capacity and trivial: every user at once; meeting: arriving over `arrival` seconds
    rate = options.users / options.arrival if name == "meeting" else float(options.users)
    command = [
        LOCUST, "-f", str(BENCH / "locustfile.py"), "--headless", "--only-summary",
        "--users", str(options.users), "--spawn-rate", f"{rate:g}",
        "--run-time", f"{int(options.phase_limit)}s", "--stop-timeout", "10",
        "--host", f"http://127.0.0.1:{port}", "--loglevel", "WARNING",
    ]  # fmt: skip
    phase = Phase(name)
    try:
        done = _run(command, phase_env, options.phase_limit + 60)
    except subprocess.TimeoutExpired:
        phase.error = "locust 超时"
        return phase
    if summary.exists():
        phase.figures = json.loads(summary.read_text(encoding="utf-8"))
    if not summary.exists() or done.returncode not in (0, 1):  # 1: some requests failed
        phase.error = f"locust exit {done.returncode}: {done.stderr[-1500:]}"
    return phase


# --- the report ------------------------------------------------------------------------------


def _fmt(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def table(phases: Sequence[Phase]) -> str:
    header = ("phase", "request", "n", "errors", "req/s", "p50 ms", "p95 ms", "p99 ms", "max ms",
              "cpu django", "cpu pg", "cpu locust")  # fmt: skip
    lines = [header]
    for phase in phases:
        rows = [("all", phase.all), *sorted(phase.figures.get("by_name", {}).items())]
        for name, f in rows if len(rows) > 2 else rows[:1]:
            cpu = phase.cpu_ms if name == "all" else {}
            lines.append((
                phase.name, name, str(f.get("requests", 0)), str(f.get("errors", 0)),
                _fmt(f.get("per_second")), _fmt(f.get("p50_ms")), _fmt(f.get("p95_ms")),
                _fmt(f.get("p99_ms")), _fmt(f.get("max_ms")), _fmt(cpu.get("django"), 2),
                _fmt(cpu.get("postgres"), 2), _fmt(cpu.get("locust"), 2),
            ))  # fmt: skip
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    return "\n".join(
        "  ".join(
            c.ljust(w) if i < 2 else c.rjust(w)
            for i, (c, w) in enumerate(zip(line, widths, strict=True))
        )
        for line in lines
    )


def _server_cpu(phase: Phase | None) -> float | None:
    """Server CPU per request (Django + PostgreSQL), ms."""
    if phase is None or not phase.cpu_ms:
        return None
    return phase.cpu_ms.get("django", 0.0) + phase.cpu_ms.get("postgres", 0.0)


def verdict(phases: dict[str, Phase]) -> dict[str, Any]:
    trivial = phases["trivial"].all.get("per_second")
    page = phases["page"].all.get("per_second") if "page" in phases else None
    trivial_cpu, voting_cpu = _server_cpu(phases["trivial"]), _server_cpu(phases["capacity"])
    voting = phases["capacity"].all.get("per_second")
    ballots = phases["capacity"].figures.get("by_name", {}).get("ballot", {}).get("per_second")
    p95 = phases["meeting"].all.get("p95_ms")
    errors = sum(int(p.all.get("errors", 0)) for p in phases.values())
    ratio = voting / trivial if voting and trivial else None
    return {
        "trivial_per_second": trivial,
        "voting_per_second": voting,
        "ballots_per_second": ballots,
        "ratio": ratio,
        "page_per_second": page,
        "ratio_to_page": voting / page if voting and page else None,
        "trivial_cpu_ms": trivial_cpu,
        "voting_cpu_ms": voting_cpu,
        "cpu_ratio": trivial_cpu / voting_cpu if trivial_cpu and voting_cpu else None,
        "meeting_p95_ms": p95,
        "meeting_p99_ms": phases["meeting"].all.get("p99_ms"),
        "errors": errors,
        "p95_met": p95 is not None and p95 < GOAL_P95_MS,
        "errors_met": errors == 0 and all(p.error is None for p in phases.values()),
        "ratio_met": ratio is not None and ratio >= GOAL_RATIO,
    }


def measure(options: Options) -> dict[str, Any]:
    import pg

    load_before = os.getloadavg()
    options.scratch.mkdir(parents=True, exist_ok=True)
    pg.drop_database(database=DATABASE)
    database_url = pg.ensure_database(database=DATABASE)
    env = _env(database_url, options.scratch, options.conn_max_age)
    migrated = _run([KAOHE, "migrate"], env, 600)
    if migrated.returncode != 0:
        raise RuntimeError(f"kaohe migrate 失败：{migrated.stderr[-2000:]}")
    voters = options.users
    prepared = _run(
        [sys.executable, str(BENCH / "voting.py"), "setup", "--scratch", str(options.scratch),
         "--capacity", str(options.capacity), "--voters", str(voters),
         "--reading", str(options.reading[0]), str(options.reading[1])],
        env, 900,
    )  # fmt: skip
    if prepared.returncode != 0:
        raise RuntimeError(f"准备失败：{prepared.stderr[-3000:]}")
    info = json.loads((options.scratch / "setup.json").read_text(encoding="utf-8"))
    print(
        f"setup: plan {info['plan']}, {EVALUATION}/{GROUP} open, {info['codes_issued']} codes "
        f"issued in {info['issue_seconds']:.1f} s; {len(info['form']['assessees'])} assessees "
        f"a ballot",
        flush=True,
    )
    phases: dict[str, Phase] = {}
    with gunicorn(env, options.scratch, options.workers) as (port, master):
        warmup_failed = warm_up(port, info, options.workers)
        print(f"warm-up: {WARMUP_BALLOTS} ballots, {warmup_failed} failed requests", flush=True)
        for name in ("trivial", "page", "capacity", "meeting"):
            print(f"phase {name} …", flush=True)
            before = cpu_seconds(master, database_url)
            phases[name] = run_phase(name, port, options, env)
            after = cpu_seconds(master, database_url)
            requests = int(phases[name].all.get("requests") or 0)
            if requests:
                phases[name].cpu_ms = {
                    kind: (after[kind] - before[kind]) * 1000 / requests for kind in after
                }
    checked = _run(
        [sys.executable, str(BENCH / "voting.py"), "check", "--plan", info["plan"]], env, 900
    )
    checks = (
        json.loads(checked.stdout)
        if checked.returncode == 0
        else {"ok": False, "error": checked.stderr[-2000:]}
    )
    return {
        "users": options.users,
        "workers": options.workers,
        "server": (
            f"gunicorn, {options.workers} sync workers, 127.0.0.1, "
            f"CONN_MAX_AGE={options.conn_max_age}"
        ),
        "trivial_path": TRIVIAL_PATH,
        "page_path": PAGE_PATH,
        "database": pg.server_version(database_url),
        "setup": {
            k: info[k] for k in ("plan", "evaluation", "group", "codes_issued", "issue_seconds")
        }
        | {"assessees_per_ballot": len(info["form"]["assessees"])},
        "phases": {
            name: {"figures": p.figures, "error": p.error, "cpu_ms_per_request": p.cpu_ms}
            for name, p in phases.items()
        },
        "verdict": verdict(phases),
        "checks": checks,
        "warmup": {"ballots": WARMUP_BALLOTS, "failed_requests": warmup_failed},
        "machine": {
            "cpus": os.cpu_count(),
            "load_average_before": load_before,
            "load_average_after": os.getloadavg(),
        },
        "_phases": phases,
    }


def print_report(report: dict[str, Any]) -> None:
    phases: dict[str, Phase] = report.pop("_phases")
    print()
    print(table(list(phases.values())))
    v = report["verdict"]
    print()
    print(
        f"voting {_fmt(v['voting_per_second'])} req/s ({_fmt(v['ballots_per_second'])} ballots/s) "
        f"vs trivial {_fmt(v['trivial_per_second'])} req/s: ratio "
        f"{_fmt(None if v['ratio'] is None else v['ratio'] * 100)} % "
        f"(goal ≥ {GOAL_RATIO * 100:g} %: {'yes' if v['ratio_met'] else 'NO'}); trivial = "
        f"{TRIVIAL_PATH}"
    )
    if v.get("ratio_to_page") is not None:
        print(
            f"  reference: the log-in page {_fmt(v['page_per_second'])} req/s, voting "
            f"{_fmt(v['ratio_to_page'] * 100)} % of it"
        )
    if v.get("cpu_ratio") is not None:
        print(
            f"  server CPU per request (Django + PostgreSQL): trivial "
            f"{_fmt(v['trivial_cpu_ms'], 2)} ms, voting {_fmt(v['voting_cpu_ms'], 2)} ms: "
            f"a voting request costs {_fmt(1 / v['cpu_ratio'])}× a trivial one "
            f"(CPU ratio {_fmt(v['cpu_ratio'] * 100)} %, load-independent)"
        )
    print(
        f"meeting of {report['users']} voters: p95 {_fmt(v['meeting_p95_ms'])} ms, p99 "
        f"{_fmt(v['meeting_p99_ms'])} ms (goal p95 < {GOAL_P95_MS:g} ms: "
        f"{'yes' if v['p95_met'] else 'NO'})"
    )
    print(f"errors: {v['errors']} (goal 0: {'yes' if v['errors_met'] else 'NO'})")
    for name, phase in phases.items():
        if phase.error:
            print(f"  {name}: {phase.error}")
        kinds = phase.all.get("error_kinds")
        if kinds:
            print(f"  {name}: {json.dumps(kinds, ensure_ascii=False)}")
    print(f"checks: {json.dumps(report['checks'], ensure_ascii=False)}")
    m = report["machine"]
    print(
        f"load average (1 min) before {m['load_average_before'][0]:.2f}, "
        f"after {m['load_average_after'][0]:.2f}; {m['cpus']} cores"
    )


def run(options: Options) -> dict[str, Any]:
    report = measure(options)
    print_report(report)
    options.output.parent.mkdir(parents=True, exist_ok=True)
    options.output.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"\nfigures written to {options.output}")
    return report


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["setup"]:
        parser = argparse.ArgumentParser()
        parser.add_argument("--scratch", type=Path, required=True)
        parser.add_argument("--capacity", type=int, required=True)
        parser.add_argument("--voters", type=int, required=True)
        parser.add_argument("--reading", type=float, nargs=2, default=READING_S)
        args = parser.parse_args(argv[1:])
        setup(args.scratch, capacity=args.capacity, voters=args.voters, reading=tuple(args.reading))
        return 0
    if argv[:1] == ["check"]:
        parser = argparse.ArgumentParser()
        parser.add_argument("--plan", required=True)
        args = parser.parse_args(argv[1:])
        print(json.dumps(check(args.plan)))
        return 0
    parser = argparse.ArgumentParser(description="网上测评压力测试（locust，本机回环）")
    parser.add_argument("--users", type=int, default=USERS, help="模拟投票人数")
    parser.add_argument("--trivial-requests", type=int, default=TRIVIAL_REQUESTS)
    parser.add_argument("--capacity", type=int, default=CAPACITY, help="连续投票的票数")
    parser.add_argument("--workers", type=int, default=WORKERS, help="gunicorn 进程数")
    parser.add_argument(
        "--conn-max-age",
        type=int,
        default=CONN_MAX_AGE,
        help="数据库连接保持秒数（0：每请求新连接）",
    )
    parser.add_argument("--phase-limit", type=float, default=PHASE_LIMIT_S, help="每阶段时限（秒）")
    parser.add_argument("--arrival", type=float, default=ARRIVAL_S, help="会场：到达用时（秒）")
    parser.add_argument(
        "--reading", type=float, nargs=2, default=READING_S, help="会场：填票用时范围（秒）"
    )
    parser.add_argument("--output", type=Path, default=OUT / "voting.json")
    args = parser.parse_args(argv)
    run(
        Options(
            users=max(1, args.users),
            trivial_requests=max(1, args.trivial_requests),
            capacity=max(1, args.capacity),
            workers=max(1, args.workers),
            conn_max_age=max(0, args.conn_max_age),
            phase_limit=args.phase_limit,
            arrival=max(0.1, args.arrival),
            reading=(args.reading[0], args.reading[1]),
            output=args.output,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
