"""Profile one page in-process: where a slow page of bench/pages.py spends its time.

Django's test client against the database the benchmark served (the settings come from the
environment, as for the server: DEBUG off), logged in as the page's account. It reports the
median time of a few requests, every SQL query of one request (count, time, the most
repeated shapes, so an N+1 shows at once) and a cProfile of one more request: the functions
with the most time of their own, and kaohe's own functions by cumulative time. (Query times
are left to the profile: Django records them rounded to the millisecond.)

    .venv/bin/python bench/pages_profile.py --user office /plans/2025-units/ \\
        --database-url sqlite:////tmp/kaohe-bench-pages/kaohe.sqlite3
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Sequence
from typing import Any

RUNS = 5
TOP = 12
SITE = re.compile(r"^.*?/(site-packages|src)/")


def _where(key: tuple[str, int, str]) -> str:
    """`django/db/models/query.py:123(_fetch_all)` rather than the full path."""
    filename, line, function = key
    if filename == "~":  # a built-in
        return function
    return f"{SITE.sub('', filename)}:{line}({function})"


def _top(stats: pstats.Stats, *, own: bool, only: str | None = None) -> list[str]:
    rows = []
    for key, (_cc, calls, tottime, cumtime, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        if only is not None and only not in key[0]:
            continue
        rows.append((tottime if own else cumtime, calls, _where(key)))
    rows.sort(reverse=True)
    return [f"{ms * 1000:8.1f} ms {calls:7d}×  {where}" for ms, calls, where in rows[:TOP]]


def profile_page(database_url: str, username: str, path: str, runs: int = RUNS) -> dict[str, Any]:
    """Time, count the queries of, and cProfile GET `path` as `username` ("" = anonymous)."""
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaohe.config.settings")
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("SECRET_KEY", "kaohe-bench-profile-" + os.urandom(16).hex())
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    setup_test_environment()  # the test client's host, "testserver", must be allowed
    client = Client()
    if username:
        user = get_user_model().objects.get(username=username)
        client.force_login(user, backend="kaohe.accounts.backends.RoleBackend")
    client.get(path)  # warm: imports, templates, caches — as the server's warm-up
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as context:
        client.get(path)
    # copied now: the next request's request_started signal empties Django's query log
    queries = list(context.captured_queries)
    shapes: Counter[str] = Counter(
        re.sub(r"\b\d+\b|'[^']*'", "?", query["sql"])[:200] for query in queries
    )
    profiler = cProfile.Profile()
    profiler.enable()
    client.get(path)
    profiler.disable()
    stats = pstats.Stats(profiler)
    return {
        "path": path,
        "user": username,
        "status": response.status_code,
        "runs": runs,
        "ms": statistics.median(times),
        "queries": len(queries),
        # the shapes run more than once (an N+1 shows here), most repeated first
        "repeated": [[sql, n] for sql, n in shapes.most_common(5) if n > 1],
        "own_time": _top(stats, own=True),
        "kaohe_cumulative": _top(stats, own=False, only="/kaohe/"),
    }


def profile_text(profile: dict[str, Any]) -> str:
    if "error" in profile:
        return f"profile of {profile['path']} failed:\n{profile['error']}"
    lines = [
        f"profile: {profile.get('role', profile['user'] or 'anonymous')} {profile['path']} — "
        f"status {profile['status']}, {profile['ms']:.1f} ms in-process (median of "
        f"{profile['runs']}), {profile['queries']} SQL queries",
    ]
    if profile["repeated"]:
        lines.append("  query shapes run more than once:")
        lines += [f"    {n}× {sql}" for sql, n in profile["repeated"]]
    else:
        lines.append("  no query shape runs twice")
    lines.append("  most time of their own (one profiled request):")
    lines += [f"    {row}" for row in profile["own_time"]]
    if profile["kaohe_cumulative"]:
        lines.append("  kaohe's functions, cumulative:")
        lines += [f"    {row}" for row in profile["kaohe_cumulative"]]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="剖析单个页面（进程内）")
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--user", default="", help="用户名；空为匿名")
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument("--json", action="store_true", help="输出 JSON")
    parser.add_argument("path")
    args = parser.parse_args(argv)
    profile = profile_page(args.database_url, args.user, args.path, max(1, args.runs))
    print(json.dumps(profile, ensure_ascii=False) if args.json else profile_text(profile))
    return 0


if __name__ == "__main__":
    sys.exit(main())
