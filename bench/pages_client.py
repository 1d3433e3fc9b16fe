"""A minimal HTTP client for bench/pages.py: loopback only, cookies, no redirects followed.

Redirects are not followed on purpose: a page that answers 302 is reported as 302, not as
the 200 of wherever it leads. The time of a request runs from opening the connection to the
last byte of the body, as a browser would wait for the HTML.
"""

from __future__ import annotations

import http.client
import json
import re
import time
from dataclasses import dataclass
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import urlencode

HOST = "127.0.0.1"  # never anything else: the benchmark talks to its own server only
TIMEOUT_S = 60.0
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class ClientError(Exception):
    """A request that did not get the answer it needs (log-in, discovery)."""


@dataclass(frozen=True)
class Response:
    status: int
    headers: dict[str, str]
    body: bytes
    seconds: float


class Client:
    """One browser: its own cookies (session, CSRF) against 127.0.0.1:`port`."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> Response:
        sent = {"Host": f"{HOST}:{self.port}", "Accept-Language": "zh-hans"} | (headers or {})
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        started = time.perf_counter()
        conn = http.client.HTTPConnection(HOST, self.port, timeout=TIMEOUT_S)
        try:
            conn.request(method, path, body=body, headers=sent)
            answer = conn.getresponse()
            data = answer.read()
        except http.client.HTTPException as exc:  # a malformed answer; OSErrors pass as such
            raise ClientError(f"{method} {path}: {type(exc).__name__}: {exc}") from exc
        finally:
            conn.close()
        seconds = time.perf_counter() - started
        self._keep_cookies(answer.headers.get_all("Set-Cookie") or [])
        return Response(answer.status, dict(answer.headers.items()), data, seconds)

    def _keep_cookies(self, lines: list[str]) -> None:
        for line in lines:
            cookie: SimpleCookie = SimpleCookie()
            cookie.load(line)
            for name, morsel in cookie.items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)  # Django deletes a cookie this way
                else:
                    self.cookies[name] = morsel.value

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def get_json(self, path: str) -> Any:
        response = self.get(path)
        if response.status != 200:
            raise ClientError(f"GET {path}: {response.status}")
        return json.loads(response.body)

    def log_in(self, username: str, password: str) -> None:
        """The log-in form, as a browser posts it (CSRF token from the page and its cookie).

        Raises ClientError unless the answer is the redirect of a successful log-in."""
        page = self.get("/accounts/login/")
        token = CSRF_FIELD.search(page.body.decode("utf-8", errors="replace"))
        if page.status != 200 or token is None:
            raise ClientError(f"log-in page: {page.status}, CSRF token found: {bool(token)}")
        form = urlencode(
            {"csrfmiddlewaretoken": token.group(1), "username": username, "password": password}
        ).encode()
        answer = self.request(
            "POST",
            "/accounts/login/",
            body=form,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": f"http://{HOST}:{self.port}/accounts/login/",
            },
        )
        location = answer.headers.get("Location", "")
        if (
            answer.status != 302
            or "/accounts/login/" in location
            or "sessionid" not in self.cookies
        ):
            raise ClientError(f"log-in of {username}: {answer.status} {location!r}")
