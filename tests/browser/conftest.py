"""Browser tests: Playwright drives Debian's chromium (headless) against pytest-django's
live server, on SQLite and on PostgreSQL like the rest of the suite (docs/testing.md).

No browser is ever downloaded (`playwright install` is never run): chromium comes from the
Debian package (`make system-deps`); the Python package ``playwright`` is a dev dependency.
Without chromium the tests are skipped with the reason, except with ``CI=true``, where a
missing chromium fails them.

Playwright's synchronous API keeps an asyncio loop running in the test thread while a browser
is open, and Django refuses ORM calls from a thread with a running loop. The module-scoped
``browser`` fixture therefore allows them (``DJANGO_ALLOW_ASYNC_UNSAFE``) only while it is
open and restores the environment when it closes, so no other test runs with that setting.
The ORM calls of these tests are ordinary synchronous calls in the test thread.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from playwright.sync_api import sync_playwright

from browser.browsing import WAIT_MS

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

CHROMIUM = Path(os.environ.get("KAOHE_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "browser: drives Debian's chromium through Playwright (tests/browser/)"
    )


def _unavailable(reason: str) -> None:
    """Skip on a developer machine without chromium; with CI=true that is a failure."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: the browser tests are required; make system-deps)")
    pytest.skip(f"{reason}; install it with `make system-deps` (as root) to run these tests")


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} is missing (Debian package chromium)")
    before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            launched = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            try:
                yield launched
            finally:
                launched.close()
    finally:
        if before is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = before


@pytest.fixture
def server(live_server: Any) -> str:
    """The live server's base URL (``live_server`` brings ``transactional_db``: what a test
    writes is committed, so the server's threads see it, and is flushed afterwards)."""
    return str(live_server.url)


@pytest.fixture
def new_page(browser: Browser, server: str) -> Iterator[Callable[..., Page]]:
    """Opens a page in a fresh context (its own cookies: one log-in per context); keyword
    arguments are the context's options in place of the desktop's (a phone's viewport, touch).

    A JavaScript error on any page fails the test: the grid and the live checks are scripts.
    """
    contexts: list[Any] = []
    errors: list[str] = []

    def open_page(**options: Any) -> Page:
        # zh-CN like the county's browsers: the pages are Chinese until the switch is used.
        context = browser.new_context(
            **{"locale": "zh-CN", "viewport": {"width": 1280, "height": 860}, **options},
            base_url=server,
        )
        context.set_default_timeout(WAIT_MS)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert not errors, f"JavaScript errors: {errors}"


@pytest.fixture
def page(new_page: Callable[..., Page]) -> Page:
    return new_page()
