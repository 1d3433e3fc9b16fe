"""Data entry in English: the grid's labels, its status texts for grid.js (data-* attributes)
and the services' messages are English, and the only Chinese left is the plan's data."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from kaohe.accounts.models import User
from kaohe.entry.tests.conftest import PLAN, raw_document
from kaohe.plans.models import Plan, Value

pytestmark = pytest.mark.django_db
GRID = f"/entry/{PLAN}/indicators/T2/"
HTMX = {"HTTP_HX_REQUEST": "true"}
CJK = re.compile(r"[\u4e00-\u9fff]+")


def _english(client: Client) -> Client:
    assert client.post("/i18n/setlang/", {"language": "en", "next": "/"}).status_code == 302
    return client


def _data_runs() -> set[str]:
    """Chinese runs of the plan's data (names of the plan, units, categories, indicators,
    assessor bodies), the value 不涉及 that a cell accepts, and the language switch's 中文."""
    raw = raw_document()
    texts = [raw["plan"]["name"], "不涉及", "中文"]
    texts += [unit["name"] for unit in raw["organization"]["units"]]
    for category in raw["plan"]["categories"]:
        texts.append(category["name"])
        for section in category["sections"]:
            for indicator in section.get("indicators", []):
                texts += [indicator["name"], indicator.get("assessor") or ""]
    return {run for text in texts for run in CJK.findall(text)}


def test_grid_in_english_has_no_chinese_label(
    plan: Plan, users: dict[str, User], login: Any
) -> None:
    client = _english(login(users["xwb"]))
    html = client.get(GRID).content.decode()
    for label in (
        "Data entry",
        "Qualitative grade",
        "Grades: A / B / C",
        "Assessor body: 县委办",
        "Entered 0 of 3",
        "Assessee",
        "Category",
        "Value",
        "Last entered",
        "Save",
        "Ctrl+Enter saves",
    ):
        assert label in html, label
    # grid.js reads its status texts from the form: translated here, {count} filled there.
    for attribute in (
        'data-msg-pasted-one="Pasted {count} row, not saved yet"',
        'data-msg-pasted="Pasted {count} rows, not saved yet"',
        'data-msg-overflow-one="; {count} more row did not fit in the grid and was not pasted"',
        'data-msg-overflow="; {count} more rows did not fit in the grid and were not pasted"',
    ):
        assert attribute in html, attribute
    leftover = set(CJK.findall(html)) - _data_runs()
    assert not leftover, leftover


def test_grid_messages_in_english(plan: Plan, users: dict[str, User], login: Any) -> None:
    client = _english(login(users["xwb"]))
    page = client.post(GRID, {"v:A01": "A", "v:B01": "B"}, **HTMX).content.decode()
    assert "Assessee B01 is not reported under indicator T2" in page
    assert not Value.objects.exists()
    page = client.post(GRID, {"v:A01": "A", "v:A02": "B"}, **HTMX).content.decode()
    assert "Saved: 2 values written, 0 cleared." in page


def test_grid_in_chinese_by_default(plan: Plan, users: dict[str, User], login: Any) -> None:
    html = login(users["xwb"]).get(GRID).content.decode()
    assert 'data-msg-pasted="已粘贴 {count} 行，尚未保存"' in html and "最后填报" in html
