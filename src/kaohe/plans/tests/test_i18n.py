"""The plan builder in English: with English active, the editor shows English labels, and the
only Chinese left on the page is the plan's own data (names the office typed)."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from kaohe.accounts.models import Role, User
from kaohe.plans.tests.util import SMALL, load_small, small_raw

pytestmark = pytest.mark.django_db
EDITOR = f"/office/plans/{SMALL}/"
CJK = re.compile(r"[\u4e00-\u9fff]+")


@pytest.fixture
def office() -> Client:
    load_small()
    user = User(username="office", role=Role.OFFICE)
    user.set_unusable_password()
    user.save()
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    return client


def _english(client: Client) -> None:
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302


def _data_runs() -> set[str]:
    """Chinese runs of the plan's data (plan, category, section and indicator names) and of
    the language switch's own name for Chinese: what may stay Chinese on an English page."""
    plan = small_raw()["plan"]
    texts = [plan["name"], "中文"]
    for category in plan["categories"]:
        texts.append(category["name"])
        for section in category["sections"]:
            texts += [section["name"], *(i["name"] for i in section.get("indicators", []))]
    return {run for text in texts for run in CJK.findall(text)}


def test_editor_in_english_has_no_chinese_label(office: Client) -> None:
    _english(office)
    html = office.get(EDITOR).content.decode()
    for label in (
        "Plan design",
        "Year 2025",
        "Assessed units",
        "Plan settings",
        "Veto items (1)",
        "Add a category",
        "Compute scores",
        "Method and parameters",
        "Assessor body",
        "Grades and quotas",
        "Add sub-indicator",
        "Completion ratio (actual / target)",
        "Direct score",
        "Save points",
        "Points check",
        "All totals match",
    ):
        assert label in html, label
    leftover = set(CJK.findall(html)) - _data_runs()
    assert not leftover, leftover
    # Back in Chinese, the same page speaks Chinese again (the catalogue is not forced).
    office.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert "计算得分" in office.get(EDITOR).content.decode()


def test_builder_messages_in_english(office: Client) -> None:
    _english(office)
    page = office.get(f"{EDITOR}categories/0/grades/").content.decode()
    assert "Grades and quotas: township" in page and "Minimum score" in page
    response = office.post(
        "/office/plans/copy/",
        {"source": SMALL, "code": SMALL, "year": "2026", "name": "复制"},
    )
    assert "Plan code 2025-small is already in use; choose another code" in response.text
