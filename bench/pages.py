"""Page response times on a warm server (issue 3): every page of every role, demo county.

The demo county (`kaohe demo`) is built into a scratch SQLite database, a real WSGI server
(gunicorn, one sync worker; `kaohe serve` if gunicorn is missing) is started on 127.0.0.1 with
DEBUG off, each demo account logs in once through the log-in form, and every page its role may
open is requested WARMUP times untimed, then REQUESTS times one after the other. Per page: p50,
p95 and max in ms and the status codes; a page over 300 ms at p95 or answering anything but
200 is flagged. Nothing asserts: the table goes to stdout and bench/out/pages.json.

    .venv/bin/python bench/pages.py                   # or: bench/run.py --only pages
    .venv/bin/python bench/pages.py --profile 3       # profile the 3 slowest pages (default 2)
    .venv/bin/python bench/pages.py profile --user office /plans/2025-units/ \
        --database-url sqlite:////tmp/kaohe-bench-pages/kaohe.sqlite3   # one page, after a run

The pages come from the demo itself (the API, read as 考核办, names the plans, assessees and
indicators), following the authorization tables (tests/authz_*.py, docs/roles.md).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pages_profile
from pages_client import Client, ClientError

BENCH = Path(__file__).resolve().parent
OUT = BENCH / "out"
BIN = Path(sys.executable).parent
KAOHE = str(BIN / "kaohe")
GUNICORN = BIN / "gunicorn"
LIMIT_MS = 300.0  # issue 3: every page under 300 ms
WARMUP = 3
REQUESTS = 20
PROFILE = 2  # the slowest pages profiled in-process after the run
PAGE_BUDGET_S = 20.0  # measured requests of one page stop after this much time
SERVER_START_S = 60.0
SCRATCH = Path("/tmp/kaohe-bench-pages")
ROLES = ("anonymous", "admin", "office", "assessor", "unit", "supervisor")


# --- the demo county ------------------------------------------------------------------------


@dataclass(frozen=True)
class Account:
    username: str
    role: str
    binding: str  # the unit code of a unit account, the assessor body of an assessor account


@dataclass(frozen=True)
class Demo:
    database_url: str
    password: str
    accounts: dict[str, Account]  # the first demo account of each role


# `  xz01     城关镇（unit）XZ01` — the account lines `kaohe demo` prints at its end
ACCOUNT_LINE = re.compile(r"^\s+(\S+)\s+\S.*?（(\w+)）(.*)$")
PASSWORD = re.compile(r"密码均为\s*(\S+?)[）)]")


def parse_demo_output(text: str) -> tuple[str, dict[str, Account]]:
    """The demo password and the first account of each role, from `kaohe demo`'s output."""
    password = PASSWORD.search(text)
    if password is None:
        raise RuntimeError("kaohe demo 的输出中没有示例账号密码")
    accounts: dict[str, Account] = {}
    for line in text[password.end() :].splitlines():
        match = ACCOUNT_LINE.match(line)
        if match and match.group(2) in ROLES:
            username, role, binding = match.groups()
            accounts.setdefault(role, Account(username, role, binding.strip()))
    return password.group(1), accounts


def build_demo(scratch: Path, env: dict[str, str]) -> tuple[Demo, float]:
    """A fresh demo county in `scratch`/kaohe.sqlite3 (and no log-in failures on record)."""
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    database_url = f"sqlite:///{scratch / 'kaohe.sqlite3'}"
    started = time.perf_counter()
    done = subprocess.run(
        [KAOHE, "demo"],
        env=env | {"DATABASE_URL": database_url},
        cwd=scratch,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"kaohe demo 失败（{done.returncode}）：{done.stderr[-2000:]}")
    password, accounts = parse_demo_output(done.stdout)
    return Demo(database_url, password, accounts), time.perf_counter() - started


# --- the server -----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_env(base: dict[str, str], database_url: str, scratch: Path) -> dict[str, str]:
    """Production-like settings, on plain HTTP: DEBUG off, so the cookies must not be
    `Secure` (the client would not send them back over http://127.0.0.1)."""
    return base | {
        "DATABASE_URL": database_url,
        "DEBUG": "0",
        "SECRET_KEY": "kaohe-bench-pages-" + os.urandom(16).hex(),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "STATIC_ROOT": str(scratch / "static"),
        "MEDIA_ROOT": str(scratch / "media"),
    }


def server_command(port: int) -> tuple[list[str], str]:
    if GUNICORN.exists():
        command = [
            str(GUNICORN),
            "kaohe.config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",  # requests are sequential: one sync worker times one request at a time
            "--timeout",
            "120",
            "--log-level",
            "warning",
        ]
        return command, "gunicorn, 1 sync worker"
    return [KAOHE, "serve", "--port", str(port)], "kaohe serve (Django runserver)"


@contextmanager
def running_server(env: dict[str, str], scratch: Path) -> Iterator[tuple[int, str]]:
    """Start the server, wait until it answers, and stop it at the end, also on errors."""
    port = free_port()
    command, kind = server_command(port)
    log = (scratch / "server.log").open("wb")
    proc = subprocess.Popen(
        command,
        env=env,
        cwd=scratch,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: the workers are stopped with it
    )
    try:
        deadline = time.perf_counter() + SERVER_START_S
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"服务未能启动：{_log_tail(scratch)}")
            try:
                Client(port).get("/accounts/login/")
                break
            except (ClientError, OSError):
                if time.perf_counter() > deadline:
                    raise RuntimeError(
                        f"服务 {SERVER_START_S:g} 秒内未应答：{_log_tail(scratch)}"
                    ) from None
                time.sleep(0.2)
        yield port, kind
    finally:
        _stop(proc)
        log.close()


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)  # gunicorn: graceful stop of the master and workers
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=15)


def _log_tail(scratch: Path) -> str:
    path = scratch / "server.log"
    text = path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""
    return "\n".join(text.splitlines()[-20:]) or "(无输出)"


# --- which pages ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    role: str
    name: str  # the URL pattern's name, as in the authorization tables
    path: str


@dataclass(frozen=True)
class PlanInfo:
    code: str
    published: bool
    assessees: tuple[str, ...]  # in ranking order, categories one after the other
    leaves: tuple[tuple[str, str | None], ...]  # (code, assessor body) of each leaf indicator
    first_indicator: str  # the builder's node reference of the first indicator, "c.s.i"
    first_section: str  # the builder's reference of the section holding it, "c.s"


def _walk_leaves(indicators: list[dict[str, Any]]) -> Iterator[tuple[str, str | None]]:
    for indicator in indicators:
        if indicator["children"]:
            yield from _walk_leaves(indicator["children"])
        else:
            yield indicator["code"], indicator["assessor"]


def plan_info(detail: dict[str, Any], ranking: dict[str, Any]) -> PlanInfo:
    """What the pages need of one plan, from the API's plan detail and ranking."""
    leaves: dict[tuple[str, str | None], None] = {}  # ordered, each code once per body
    first: tuple[int, int] | None = None
    for c, category in enumerate(detail["categories"]):
        for s, section in enumerate(category["sections"]):
            if section["indicators"] and first is None:
                first = (c, s)
            for leaf in _walk_leaves(section["indicators"]):
                leaves.setdefault(leaf)
    if first is None:
        raise RuntimeError(f"方案 {detail['code']} 没有指标")
    return PlanInfo(
        code=detail["code"],
        published=detail["published_at"] is not None,
        assessees=tuple(
            row["code"] for category in ranking["categories"] for row in category["assessees"]
        ),
        leaves=tuple(leaves),
        first_indicator=f"{first[0]}.{first[1]}.0",
        first_section=f"{first[0]}.{first[1]}",
    )


def discover(client: Client) -> list[PlanInfo]:
    """Every plan, as 考核办 sees it through the API."""
    plans = []
    for plan in client.get_json("/api/plans"):
        code = plan["code"]
        plans.append(
            plan_info(
                client.get_json(f"/api/plans/{code}"),
                client.get_json(f"/api/plans/{code}/ranking"),
            )
        )
    return plans


def _three(codes: Sequence[str]) -> list[str]:
    """First, middle and last assessee: explanations of a top, a middling and a low result."""
    picks = [codes[0], codes[len(codes) // 2], codes[-1]] if codes else []
    return list(dict.fromkeys(picks))


def public_pages(role: str, plans: Sequence[PlanInfo]) -> list[Page]:
    pages = [
        Page(role, "web:home", "/"),
        Page(role, "results:plan_list", "/plans/"),
        Page(role, "api:plan_list", "/api/plans"),
        Page(role, "api:openapi-json", "/api/openapi.json"),
    ]
    if role == "anonymous":
        pages.append(Page(role, "accounts:login", "/accounts/login/"))
    else:
        pages.append(Page(role, "accounts:password_change", "/accounts/password/"))
    for plan in plans:
        if plan.published or role in ("office", "supervisor"):
            pages += [
                Page(role, "results:ranking", f"/plans/{plan.code}/"),
                Page(role, "api:plan_detail", f"/api/plans/{plan.code}"),
                Page(role, "api:ranking", f"/api/plans/{plan.code}/ranking"),
                Page(role, "api:diagnostics", f"/api/plans/{plan.code}/indicators"),
            ]
    return pages


def reader_pages(role: str, plans: Sequence[PlanInfo]) -> list[Page]:
    """What 考核办 and 监督 both read: every plan, published or not."""
    pages = [
        Page(role, "api:dashboard_office", "/api/dashboard/office"),
        Page(role, "entry:indicators", "/entry/"),
    ]
    for plan in plans:
        code = plan.code
        for assessee in _three(plan.assessees):
            pages.append(Page(role, "results:explanation", f"/plans/{code}/assessees/{assessee}/"))
        if plan.assessees:
            pages.append(
                Page(role, "api:explanation", f"/api/plans/{code}/assessees/{plan.assessees[0]}")
            )
        pages.append(Page(role, "api:worst", f"/api/plans/{code}/worst"))
        if plan.leaves:
            leaf = plan.leaves[0][0]
            pages += [
                Page(role, "entry:grid", f"/entry/{code}/indicators/{leaf}/"),
                Page(role, "api:values", f"/api/plans/{code}/indicators/{leaf}/values"),
            ]
        pages += [
            Page(role, "entry:events", f"/entry/{code}/events/"),
            Page(role, "api:events", f"/api/plans/{code}/events"),
        ]
    return pages


def office_pages(plans: Sequence[PlanInfo]) -> list[Page]:
    role = "office"
    pages = [
        Page(role, "plans:list", "/office/plans/"),
        Page(role, "plans:create", "/office/plans/new/"),
        Page(role, "plans:copy", "/office/plans/copy/"),
        Page(role, "admin:index", "/admin/"),
        Page(role, "admin:org_unit_changelist", "/admin/org/unit/"),
        Page(role, "admin:plans_plan_changelist", "/admin/plans/plan/"),
        Page(role, "admin:results_assesseeresult_changelist", "/admin/results/assesseeresult/"),
    ]
    for plan in plans:
        base = f"/office/plans/{plan.code}"
        ref = plan.first_indicator
        pages += [
            Page(role, "plans:editor", f"{base}/"),
            Page(role, "plans:settings", f"{base}/settings/"),
            Page(role, "plans:members", f"{base}/members/"),
            Page(role, "plans:vetoes", f"{base}/vetoes/"),
            Page(role, "plans:node_add", f"{base}/nodes/add/?parent={plan.first_section}"),
            Page(role, "plans:node_edit", f"{base}/nodes/{ref}/"),
            Page(role, "plans:node_delete", f"{base}/nodes/{ref}/delete/"),
            Page(role, "plans:grades", f"{base}/categories/0/grades/"),
            Page(role, "plans:assessors", f"{base}/categories/0/assessors/"),
            Page(role, "entry:upload", f"/entry/{plan.code}/upload/"),
        ]
    return pages


def admin_pages(demo: Demo) -> list[Page]:
    role = "admin"
    other = demo.accounts.get("unit", demo.accounts["admin"]).username
    return [
        Page(role, "accounts:account_list", "/accounts/manage/"),
        Page(role, "accounts:account_create", "/accounts/manage/create/"),
        Page(role, "accounts:account_edit", f"/accounts/manage/users/{other}/"),
        Page(role, "accounts:account_password", f"/accounts/manage/users/{other}/password/"),
        Page(role, "api:account_list", "/api/accounts"),
        Page(role, "admin:index", "/admin/"),
        Page(role, "admin:accounts_user_changelist", "/admin/accounts/user/"),
        Page(role, "admin:axes_accessattempt_changelist", "/admin/axes/accessattempt/"),
    ]


def assessor_pages(body: str, plans: Sequence[PlanInfo]) -> list[Page]:
    role = "assessor"
    pages = [
        Page(role, "api:dashboard_assessor", "/api/dashboard/assessor"),
        Page(role, "entry:indicators", "/entry/"),
    ]
    for plan in plans:
        own = [code for code, assessor in plan.leaves if assessor == body]
        if not own:
            continue
        if not plan.published:  # its assessor bodies see a plan before publication
            pages.append(Page(role, "api:plan_detail", f"/api/plans/{plan.code}"))
        pages += [
            Page(role, "entry:grid", f"/entry/{plan.code}/indicators/{own[0]}/"),
            Page(role, "api:values", f"/api/plans/{plan.code}/indicators/{own[0]}/values"),
            Page(role, "entry:events", f"/entry/{plan.code}/events/"),
            Page(role, "api:events", f"/api/plans/{plan.code}/events"),
            Page(role, "entry:upload", f"/entry/{plan.code}/upload/"),
        ]
    return pages


def unit_pages(unit: str, plans: Sequence[PlanInfo]) -> list[Page]:
    role = "unit"
    pages = [Page(role, "api:dashboard_unit", "/api/dashboard/unit")]
    for plan in plans:
        if not plan.published and unit in plan.assessees:  # its units see it unpublished
            pages.append(Page(role, "api:plan_detail", f"/api/plans/{plan.code}"))
        if plan.published and unit in plan.assessees:
            pages += [
                Page(role, "results:explanation", f"/plans/{plan.code}/assessees/{unit}/"),
                Page(role, "api:explanation", f"/api/plans/{plan.code}/assessees/{unit}"),
            ]
    return pages


def pages_of(role: str, demo: Demo, plans: Sequence[PlanInfo]) -> list[Page]:
    """Every page `role` may open in the demo (docs/roles.md), each with its expected 200."""
    pages = public_pages(role, plans)
    if role == "admin":
        pages += admin_pages(demo)
    elif role == "office":
        pages += reader_pages(role, plans) + office_pages(plans)
    elif role == "supervisor":
        pages += reader_pages(role, plans)
    elif role == "assessor":
        pages += assessor_pages(demo.accounts[role].binding, plans)
    elif role == "unit":
        pages += unit_pages(demo.accounts[role].binding, plans)
    return pages


# --- timing ---------------------------------------------------------------------------------


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile: with 20 samples, p95 is the 19th fastest."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


@dataclass
class Timing:
    role: str
    name: str
    path: str
    samples_ms: list[float] = field(default_factory=list)
    statuses: dict[str, int] = field(default_factory=dict)  # status code -> requests
    bytes: int = 0
    error: str | None = None

    @property
    def p50(self) -> float | None:
        return percentile(self.samples_ms, 50) if self.samples_ms else None

    @property
    def p95(self) -> float | None:
        return percentile(self.samples_ms, 95) if self.samples_ms else None

    @property
    def max(self) -> float | None:
        return max(self.samples_ms) if self.samples_ms else None

    @property
    def slow(self) -> bool:
        return self.p95 is not None and self.p95 > LIMIT_MS

    @property
    def not_ok(self) -> bool:
        return self.error is not None or set(self.statuses) != {"200"}

    def to_dict(self) -> dict[str, Any]:
        return asdict(self) | {
            "p50_ms": self.p50,
            "p95_ms": self.p95,
            "max_ms": self.max,
            "over_limit": self.slow,
            "not_200": self.not_ok,
        }


def time_page(client: Client, page: Page, requests: int, warmup: int) -> Timing:
    timing = Timing(page.role, page.name, page.path)
    statuses: Counter[str] = Counter()
    try:
        for _ in range(warmup):
            client.get(page.path)
        started = time.perf_counter()
        for _ in range(requests):
            response = client.get(page.path)
            timing.samples_ms.append(response.seconds * 1000)
            statuses[str(response.status)] += 1
            timing.bytes = len(response.body)
            if time.perf_counter() - started > PAGE_BUDGET_S:
                break
    except (ClientError, OSError) as exc:
        timing.error = f"{type(exc).__name__}: {exc}"
    timing.statuses = dict(statuses)
    return timing


# --- the report -----------------------------------------------------------------------------


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def table(timings: Sequence[Timing]) -> str:
    header = ("role", "page", "path", "n", "p50 ms", "p95 ms", "max ms", "KB", "status", "flag")
    lines = [header]
    for t in timings:
        flags = [f for f, on in (("SLOW", t.slow), ("NOT-200", t.not_ok)) if on]
        status = ",".join(f"{code}×{n}" for code, n in sorted(t.statuses.items()))
        lines.append(
            (
                t.role,
                t.name,
                t.path,
                str(len(t.samples_ms)),
                _ms(t.p50),
                _ms(t.p95),
                _ms(t.max),
                f"{t.bytes / 1024:.0f}",
                t.error or status,
                " ".join(flags),
            )
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    numeric = {3, 4, 5, 6, 7}
    return "\n".join(
        "  ".join(
            cell.rjust(w) if i in numeric else cell.ljust(w)
            for i, (cell, w) in enumerate(zip(line, widths, strict=True))
        ).rstrip()
        for line in lines
    )


def by_pattern(timings: Sequence[Timing]) -> list[dict[str, Any]]:
    """One line per URL pattern over its pages (roles, plans): the range of the medians and
    the worst p95, slowest median first — the figures docs/benchmarks.md quotes."""
    groups: dict[str, list[Timing]] = {}
    for timing in timings:
        if timing.p50 is not None:
            groups.setdefault(timing.name, []).append(timing)
    rows = []
    for name, group in groups.items():
        worst = max(group, key=lambda t: t.p95 or 0.0)
        rows.append(
            {
                "name": name,
                "pages": len(group),
                "p50_min_ms": min(t.p50 or 0.0 for t in group),
                "p50_max_ms": max(t.p50 or 0.0 for t in group),
                "p95_worst_ms": worst.p95,
                "max_ms": max(t.max or 0.0 for t in group),
                "worst": f"{worst.role} {worst.path}",
            }
        )
    return sorted(rows, key=lambda row: row["p50_max_ms"], reverse=True)


def pattern_table(rows: Sequence[dict[str, Any]]) -> str:
    """`by_pattern` as a Markdown table."""
    lines = [
        "| URL pattern | pages | p50 ms (min–max) | worst p95 ms | max ms | worst page |",
        "|---|---|---|---|---|---|",
    ]
    lines += [
        f"| `{r['name']}` | {r['pages']} | {r['p50_min_ms']:.1f}–{r['p50_max_ms']:.1f} | "
        f"{_ms(r['p95_worst_ms'])} | {r['max_ms']:.1f} | {r['worst']} |"
        for r in rows
    ]
    return "\n".join(lines)


def summary(timings: Sequence[Timing]) -> dict[str, Any]:
    measured = [t for t in timings if t.p95 is not None]
    slowest = sorted(measured, key=lambda t: t.p95 or 0.0, reverse=True)
    return {
        "pages": len(timings),
        "requests": sum(len(t.samples_ms) for t in timings),
        "over_limit": [f"{t.role} {t.path}" for t in timings if t.slow],
        "not_200": [f"{t.role} {t.path} {t.error or t.statuses}" for t in timings if t.not_ok],
        "slowest": [
            {"role": t.role, "path": t.path, "p50_ms": t.p50, "p95_ms": t.p95} for t in slowest[:10]
        ],
        "by_pattern": by_pattern(timings),
        "all_under_limit": not any(t.slow for t in timings),
        "all_200": not any(t.not_ok for t in timings),
    }


# --- the run --------------------------------------------------------------------------------


@dataclass
class Options:
    requests: int = REQUESTS
    warmup: int = WARMUP
    roles: tuple[str, ...] = ROLES
    profile: int = PROFILE  # profile the N slowest pages in-process afterwards
    scratch: Path = SCRATCH
    output: Path = OUT / "pages.json"


def log_in(port: int, account: Account, password: str) -> Client:
    client = Client(port)
    client.log_in(account.username, password)
    return client


def measure(options: Options, env: dict[str, str]) -> dict[str, Any]:
    """Build the demo, serve it, time every page of every role; the report as a dict."""
    load_before = os.getloadavg()
    demo, demo_seconds = build_demo(options.scratch, env)
    print(f"demo county built in {demo_seconds:.1f} s ({demo.database_url})", flush=True)
    senv = server_env(env, demo.database_url, options.scratch)
    timings: list[Timing] = []
    logins: dict[str, str] = {}
    with running_server(senv, options.scratch) as (port, kind):
        print(f"server: {kind} on 127.0.0.1:{port}", flush=True)
        clients: dict[str, Client] = {"anonymous": Client(port)}
        # 考核办 logs in even when not measured: it reads the plans through the API
        for role in dict.fromkeys(["office", *options.roles]):
            if role == "anonymous":
                continue
            account = demo.accounts.get(role)
            if account is None:
                logins[role] = "demo 中没有此角色的账号"
                continue
            try:  # one attempt per account: a retry could only add log-in failures
                clients[role] = log_in(port, account, demo.password)
                logins[role] = f"ok ({account.username})"
            except ClientError as exc:
                logins[role] = f"失败 ({account.username}): {exc}"
        if "office" not in clients:
            raise RuntimeError(f"考核办未能登录：{logins.get('office')}")
        plans = discover(clients["office"])
        print(f"plans: {', '.join(p.code for p in plans)}", flush=True)
        for role in options.roles:
            if role not in clients:
                continue
            pages = pages_of(role, demo, plans)
            print(f"{role}: {len(pages)} pages …", flush=True)
            for page in pages:
                timings.append(time_page(clients[role], page, options.requests, options.warmup))
    report = {
        "limit_ms": LIMIT_MS,
        "requests_per_page": options.requests,
        "warmup_per_page": options.warmup,
        "server": kind,
        "port": port,
        "database": "SQLite (scratch copy of `kaohe demo`)",
        "plans": [asdict(p) | {"assessees": len(p.assessees)} for p in plans],
        "accounts": {role: asdict(a) for role, a in demo.accounts.items()},
        "logins": logins,
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_average_before": load_before,
            "load_average_after": os.getloadavg(),
        },
        "summary": summary(timings),
        "pages": [t.to_dict() for t in timings],
    }
    if options.profile:
        report["profiles"] = profile_slowest(timings, demo, options.profile, senv)
    return report


def slowest_pages(timings: Sequence[Timing]) -> list[Timing]:
    """The slowest page (by p50) of each URL pattern, slowest first."""
    by_name: dict[str, Timing] = {}
    for timing in timings:
        if timing.p50 is None:
            continue
        kept = by_name.get(timing.name)
        if kept is None or (kept.p50 or 0.0) < timing.p50:
            by_name[timing.name] = timing
    return sorted(by_name.values(), key=lambda t: t.p50 or 0.0, reverse=True)


def profile_slowest(
    timings: Sequence[Timing], demo: Demo, count: int, env: dict[str, str]
) -> list[dict[str, Any]]:
    """cProfile and query counts of the `count` slowest pages, in a fresh process each.

    Slowest by median, one page per URL pattern: a p95 of 20 requests on a shared machine can
    be one unlucky request, and the same page for another role would mostly repeat itself."""
    profiles = []
    for timing in slowest_pages(timings)[:count]:
        user = demo.accounts[timing.role].username if timing.role != "anonymous" else ""
        done = subprocess.run(
            [
                sys.executable,
                str(BENCH / "pages_profile.py"),
                "--database-url",
                demo.database_url,
                "--user",
                user,
                "--json",
                timing.path,
            ],
            env=env,
            cwd=BENCH,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        if done.returncode != 0:
            profiles.append({"path": timing.path, "error": done.stderr[-2000:]})
        else:
            profiles.append(json.loads(done.stdout) | {"role": timing.role})
    return profiles


def print_report(report: dict[str, Any], timings: Sequence[Timing]) -> None:
    print()
    print(table(timings))
    s = report["summary"]
    print()
    print(pattern_table(s["by_pattern"]))
    print()
    print(
        f"{s['pages']} pages, {s['requests']} timed requests; "
        f"server {report['server']}; limit p95 ≤ {LIMIT_MS:g} ms"
    )
    print(f"log-ins: {json.dumps(report['logins'], ensure_ascii=False)}")
    print(f"over {LIMIT_MS:g} ms at p95: {len(s['over_limit'])}")
    for line in s["over_limit"]:
        print(f"  {line}")
    print(f"not 200: {len(s['not_200'])}")
    for line in s["not_200"]:
        print(f"  {line}")
    print("slowest (p95):")
    for row in s["slowest"][:5]:
        print(f"  {_ms(row['p95_ms'])} ms  {row['role']}  {row['path']}")
    print("slowest (p50, one page per URL pattern):")
    for t in slowest_pages(timings)[:5]:
        print(f"  {_ms(t.p50)} ms (p95 {_ms(t.p95)})  {t.role}  {t.path}")
    for profile in report.get("profiles", []):
        print()
        print(pages_profile.profile_text(profile))
    load = report["machine"]
    print(
        f"load average (1 min) before {load['load_average_before'][0]:.2f}, "
        f"after {load['load_average_after'][0]:.2f}; {load['cpus']} cores"
    )


def timings_of(report: dict[str, Any]) -> list[Timing]:
    keys = {f.name for f in Timing.__dataclass_fields__.values()}
    return [Timing(**{k: v for k, v in page.items() if k in keys}) for page in report["pages"]]


def run(options: Options, env: dict[str, str] | None = None) -> dict[str, Any]:
    """Measure, print the table and write `options.output`; the report."""
    report = measure(options, dict(os.environ) if env is None else env)
    print_report(report, timings_of(report))
    options.output.parent.mkdir(parents=True, exist_ok=True)
    options.output.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"\nfigures written to {options.output}")
    return report


# --- command line ---------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["profile"]:
        return pages_profile.main(argv[1:])
    parser = argparse.ArgumentParser(description="页面响应时间（热服务，示例县）")
    parser.add_argument("--requests", type=int, default=REQUESTS, help="每页计时请求数")
    parser.add_argument("--warmup", type=int, default=WARMUP, help="每页预热请求数")
    parser.add_argument("--roles", nargs="+", choices=ROLES, default=list(ROLES))
    parser.add_argument("--profile", type=int, default=PROFILE, help="剖析最慢的 N 个页面")
    parser.add_argument("--output", type=Path, default=OUT / "pages.json")
    args = parser.parse_args(argv)
    options = Options(
        requests=max(1, args.requests),
        warmup=max(0, args.warmup),
        roles=tuple(r for r in ROLES if r in args.roles),
        profile=args.profile,
        output=args.output,
    )
    run(options)
    return 0  # nothing asserts a timing: the flags in the table are the verdict


if __name__ == "__main__":
    sys.exit(main())
