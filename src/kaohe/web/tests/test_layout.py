"""The base layout: navigation per role, the user menu, the language switch (zh-hans by
default, English through set_language) and compiled catalogues that match their .po files."""

from __future__ import annotations

import gettext
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.test import Client

from kaohe.accounts.models import Role, User

pytestmark = pytest.mark.django_db
APPS = Path(__file__).resolve().parents[2]


def _client(role: str | None) -> Client:
    client = Client(HTTP_HOST="127.0.0.1")
    if role is not None:
        assessor = "县委办" if role == Role.ASSESSOR else None
        user = User.objects.create(username=f"u-{role}", name="张三", role=role, assessor=assessor)
        client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("role", "shown", "hidden"),
    [
        (None, ["首页", "考核结果", "登录"], ["工作台", "账号管理", "系统配置", "退出登录"]),
        (Role.ADMIN, ["首页", "账号管理", "系统配置", "退出登录"], ["工作台"]),
        (Role.OFFICE, ["工作台", "考核结果", "系统配置", "退出登录"], ["账号管理"]),
        (Role.ASSESSOR, ["工作台", "考核结果", "县委办"], ["账号管理", "系统配置"]),
        (Role.SUPERVISOR, ["工作台", "考核结果"], ["账号管理", "系统配置"]),
    ],
)
def test_navigation_offers_only_what_the_role_may_open(
    role: str | None, shown: list[str], hidden: list[str]
) -> None:
    html = _client(role).get("/").content.decode()
    nav = html[html.index("<nav") : html.index("</header>")]
    for label in shown:
        assert label in nav, label
    for label in hidden:
        assert label not in nav, label
    if role is not None:
        assert "张三" in nav and str(Role(role).label) in nav


def test_language_switch_to_english_and_back() -> None:
    client = _client(None)
    html = client.get("/").content.decode()
    assert '<html lang="zh-Hans">' in html and "登录" in html
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/plans/"})
    assert response.status_code == 302 and response["Location"] == "/plans/"
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    assert "Log in" in html and "No results have been published yet." in html
    html = client.get("/accounts/login/").content.decode()
    assert "The public sees published results without logging in." in html
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert "暂无已公布的考核结果" in client.get("/").content.decode()


# Every app's catalogue; the ones that must exist are named so a moved one is noticed.
CATALOGUES = sorted(APPS.glob("*/locale/*/LC_MESSAGES/django.po"))


def test_every_app_with_pages_has_an_english_catalogue() -> None:
    apps = {po.relative_to(APPS).parts[0] for po in CATALOGUES}
    assert {"accounts", "web", "results", "plans", "entry"} <= apps


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="gettext missing: make system-deps")
@pytest.mark.parametrize("po", CATALOGUES, ids=lambda po: po.relative_to(APPS).parts[0])
def test_compiled_catalogue_matches_its_po_file(po: Path, tmp_path: Path) -> None:
    """Every message is translated, and the shipped .mo is what `make messages` would compile
    from the .po (not stale)."""
    fresh = tmp_path / "django.mo"
    checked = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", fresh, po],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "LC_ALL": "C"},
    )
    # msgfmt reports "N translated messages, M untranslated messages, K fuzzy translations".
    assert "untranslated" not in checked.stderr and "fuzzy" not in checked.stderr, checked.stderr
    with po.with_suffix(".mo").open("rb") as shipped, fresh.open("rb") as compiled:
        assert (
            gettext.GNUTranslations(shipped)._catalog == gettext.GNUTranslations(compiled)._catalog
        )  # type: ignore[attr-defined]


def test_a_message_shared_by_catalogues_has_one_translation() -> None:
    """Django merges every app's catalogue into one per language (the first app in
    INSTALLED_APPS wins), so a msgid two apps share must read the same in both; a page
    would otherwise show the other app's wording. Different meanings take a context."""
    seen: dict[object, dict[str, str]] = {}
    for po in CATALOGUES:
        with po.with_suffix(".mo").open("rb") as shipped:
            catalog = gettext.GNUTranslations(shipped)._catalog  # type: ignore[attr-defined]
        for msgid, translation in catalog.items():
            if msgid:  # "" is the header
                seen.setdefault(msgid, {})[po.relative_to(APPS).parts[0]] = translation
    clashes = {msgid: apps for msgid, apps in seen.items() if len(set(apps.values())) > 1}
    assert not clashes, clashes
