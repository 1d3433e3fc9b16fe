"""Tests of bench/pages.py, the page response-time benchmark (nothing here asserts a timing).

.venv/bin/pytest bench/test_pages_bench.py -p no:django -q
"""

from __future__ import annotations

import socket
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pages
import pytest
from pages_client import Client, ClientError

TESTS = Path(__file__).resolve().parent.parent / "tests"
sys.path.insert(0, str(TESTS))  # the authorization tables: tests/authz_*.py

import authz_api  # noqa: E402
import authz_entry  # noqa: E402
import authz_plans  # noqa: E402

DEMO_OUTPUT = """\
2025年度领导干部政绩考核（2025-cadres）
  类别  人数

已公布考核方案 2025-units 的结果。示例账号（仅用于示例，密码均为 kaohe-demo-2025）：
  admin    系统管理员（admin）
  office   县委考核办（office）
  xwb      县委办公室（assessor）县委办
  zfb      县政府办公室（assessor）政府办
  xz01     城关镇（unit）XZ01
  dq01     县委组织部（unit）DQ01
  renda    县人大常委会（supervisor）
"""


def test_parse_demo_output_takes_the_first_account_of_each_role() -> None:
    password, accounts = pages.parse_demo_output(DEMO_OUTPUT)
    assert password == "kaohe-demo-2025"
    assert set(accounts) == {"admin", "office", "assessor", "unit", "supervisor"}
    assert accounts["assessor"] == pages.Account("xwb", "assessor", "县委办")
    assert accounts["unit"] == pages.Account("xz01", "unit", "XZ01")
    assert accounts["office"].binding == ""


def test_parse_demo_output_without_password_fails() -> None:
    with pytest.raises(RuntimeError):
        pages.parse_demo_output("示例账号：\n  admin    系统管理员（admin）\n")


def _indicator(code: str, assessor: str | None = None, children: list | None = None) -> dict:
    return {"code": code, "assessor": assessor, "children": children or []}


DETAIL = {
    "code": "p",
    "published_at": "2026-01-01T00:00:00Z",
    "categories": [
        {
            "sections": [
                {"indicators": []},  # an evaluation section: no indicators
                {
                    "indicators": [
                        _indicator(
                            "T1", children=[_indicator("T1.1", "县委办"), _indicator("T1.2")]
                        ),
                        _indicator("T2", "政府办"),
                    ]
                },
            ]
        },
        {"sections": [{"indicators": [_indicator("T2", "政府办"), _indicator("T3", "县委办")]}]},
    ],
}
RANKING = {
    "categories": [
        {"assessees": [{"code": "A1"}, {"code": "A2"}]},
        {"assessees": [{"code": "B1"}]},
    ]
}


def test_plan_info_lists_leaves_once_and_the_first_indicator_reference() -> None:
    info = pages.plan_info(DETAIL, RANKING)
    assert info.published
    assert info.assessees == ("A1", "A2", "B1")
    assert info.leaves == (("T1.1", "县委办"), ("T1.2", None), ("T2", "政府办"), ("T3", "县委办"))
    assert (info.first_section, info.first_indicator) == ("0.1", "0.1.0")


def test_percentile_is_nearest_rank() -> None:
    values = [float(v) for v in range(20, 0, -1)]
    assert pages.percentile(values, 50) == 10.0
    assert pages.percentile(values, 95) == 19.0
    assert pages.percentile(values, 100) == 20.0
    assert pages.percentile([7.0], 95) == 7.0


def test_timing_flags_slow_pages_and_other_statuses() -> None:
    fast = pages.Timing("office", "web:home", "/", [10.0] * 20, {"200": 20})
    slow = pages.Timing("office", "web:home", "/", [10.0] * 18 + [400.0] * 2, {"200": 20})
    redirected = pages.Timing("unit", "web:home", "/", [1.0], {"200": 1, "302": 1})
    failed = pages.Timing("unit", "web:home", "/", error="ConnectionRefusedError")
    assert (fast.slow, fast.not_ok) == (False, False)
    assert (slow.slow, slow.p95) == (True, 400.0)
    assert redirected.not_ok and failed.not_ok and not failed.slow
    report = pages.summary([fast, slow, redirected, failed])
    assert report["over_limit"] == ["office /"]
    assert len(report["not_200"]) == 2 and not report["all_200"]
    assert "office" in pages.table([fast, slow]) and "SLOW" in pages.table([slow])
    (row,) = report["by_pattern"]  # the failed page has no figures
    assert (row["pages"], row["p50_min_ms"], row["p95_worst_ms"]) == (3, 1.0, 400.0)
    assert row["worst"] == "office /"
    assert "| `web:home` | 3 | 1.0–10.0 | 400.0 | 400.0 | office / |" in pages.pattern_table(
        report["by_pattern"]
    )


def test_slowest_pages_keeps_one_page_per_url_pattern_by_median() -> None:
    spiky = pages.Timing("admin", "results:plan_list", "/plans/", [5.0] * 19 + [900.0])
    editor = pages.Timing("office", "plans:editor", "/office/plans/p/", [40.0] * 20)
    api = pages.Timing("unit", "api:openapi-json", "/api/openapi.json", [60.0] * 20)
    api_slower = pages.Timing("admin", "api:openapi-json", "/api/openapi.json", [90.0] * 20)
    ordered = pages.slowest_pages([spiky, editor, api, api_slower, pages.Timing("a", "b", "/")])
    assert ordered == [api_slower, editor, spiky]


# --- the pages of each role cover the authorization tables -----------------------------------

DEMO = pages.Demo(
    "sqlite:///x",
    "pw",
    {
        "admin": pages.Account("admin", "admin", ""),
        "office": pages.Account("office", "office", ""),
        "assessor": pages.Account("xwb", "assessor", "县委办"),
        "unit": pages.Account("xz01", "unit", "A1"),
        "supervisor": pages.Account("renda", "supervisor", ""),
    },
)
PLANS = [
    pages.plan_info(DETAIL, RANKING),
    pages.plan_info(DETAIL | {"code": "q", "published_at": None}, RANKING),
]
# GET pages no demo run can open: a stored event with evidence; the API's empty root (404)
NEEDS_MORE = {"entry:evidence", "api:api-root"}
CORE_GET_OK = {  # tests/test_authorization.py CORE_CASES (importing it needs Django)
    "anonymous": {"web:home", "results:plan_list", "results:ranking", "accounts:login"},
    "admin": {
        "web:home",
        "results:plan_list",
        "results:ranking",
        "accounts:password_change",
        "accounts:account_list",
        "accounts:account_create",
        "accounts:account_edit",
        "accounts:account_password",
    },
}


def _get_ok_names(role: str) -> set[str]:
    cases = [*authz_plans.CASES, *authz_entry.CASES, *authz_api.CASES]
    return {
        case.name
        for case in cases
        if case.method == "get" and case.expected[role] == "200" and case.name not in NEEDS_MORE
    }


@pytest.mark.parametrize("role", pages.ROLES)
def test_every_page_a_role_may_open_is_timed(role: str) -> None:
    names = {page.name for page in pages.pages_of(role, DEMO, PLANS)}
    missing = (_get_ok_names(role) | CORE_GET_OK.get(role, set())) - names
    assert not missing


def test_pages_respect_publication() -> None:
    public = {page.path for page in pages.pages_of("anonymous", DEMO, PLANS)}
    assert "/plans/p/" in public and "/plans/q/" not in public
    office = {page.path for page in pages.pages_of("office", DEMO, PLANS)}
    assert {"/plans/q/", "/plans/q/assessees/A2/", "/office/plans/q/nodes/0.1.0/"} <= office
    unit = {page.path for page in pages.pages_of("unit", DEMO, PLANS)}
    assert "/plans/p/assessees/A1/" in unit and "/plans/p/assessees/A2/" not in unit
    assessor = {page.path for page in pages.pages_of("assessor", DEMO, PLANS)}
    assert "/entry/p/indicators/T1.1/" in assessor and "/entry/p/indicators/T2/" not in assessor


# --- the client ----------------------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/set":
            self.send_response(302)
            self.send_header("Location", "/elsewhere")
            self.send_header("Set-Cookie", "sessionid=abc; Path=/; HttpOnly")
            self.send_header("Set-Cookie", "csrftoken=t1; Path=/")
        elif self.path == "/forget":
            self.send_response(200)
            self.send_header("Set-Cookie", 'sessionid=""; Max-Age=0; Path=/')
        else:
            self.send_response(200)
        body = self.headers.get("Cookie", "").encode()
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def port() -> Iterator[int]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def test_client_keeps_cookies_and_does_not_follow_redirects(port: int) -> None:
    client = Client(port)
    answer = client.get("/set")
    assert answer.status == 302 and answer.headers["Location"] == "/elsewhere"
    assert client.cookies == {"sessionid": "abc", "csrftoken": "t1"}
    assert client.get("/echo").body == b"sessionid=abc; csrftoken=t1"
    client.get("/forget")
    assert client.cookies == {"csrftoken": "t1"}


def test_log_in_without_a_form_is_an_error(port: int) -> None:
    with pytest.raises(ClientError):
        Client(port).log_in("office", "wrong")


# --- a real, short run ------------------------------------------------------------------------


def test_a_short_run_logs_in_times_every_page_and_stops_the_server(tmp_path: Path) -> None:
    options = pages.Options(
        requests=1, warmup=0, roles=("anonymous", "unit"), profile=1, scratch=tmp_path / "s"
    )
    report = pages.measure(options, {k: v for k, v in pages.os.environ.items()})
    assert report["logins"]["office"].startswith("ok") and report["logins"]["unit"].startswith("ok")
    assert report["summary"]["all_200"], report["summary"]["not_200"]
    assert {page["role"] for page in report["pages"]} == {"anonymous", "unit"}
    assert all(len(page["samples_ms"]) == 1 for page in report["pages"])
    assert report["plans"] and all(plan["assessees"] > 0 for plan in report["plans"])
    profile = report["profiles"][0]
    assert profile["status"] == 200 and profile["own_time"], profile
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", report["port"]), 1):
        pass  # the server is gone


def test_the_server_is_stopped_when_the_measurement_fails(tmp_path: Path) -> None:
    env = pages.server_env(dict(pages.os.environ), f"sqlite:///{tmp_path / 'db.sqlite3'}", tmp_path)
    seen: list[int] = []
    with (
        pytest.raises(RuntimeError, match="boom"),
        pages.running_server(env, tmp_path) as (
            port,
            _kind,
        ),
    ):
        seen.append(port)
        Client(port).get("/accounts/login/")  # it answers (a page, an error page: any answer)
        raise RuntimeError("boom")
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", seen[0]), 1):
        pass
