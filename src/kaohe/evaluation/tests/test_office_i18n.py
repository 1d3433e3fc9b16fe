"""The office's evaluation pages with the English switch: every fixed label, button, help
text and message in English; the office's own data (plan, evaluation, group, people and
option names) as written; the Chinese pages unchanged (the other tests read them)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from kaohe.accounts.models import Role, User
from kaohe.evaluation import services
from kaohe.evaluation.casting import cast_ballot

from .ballot_fixtures import PLAN, Voting, load_voting_plan, raw_document

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]+")
NATIVE_NAMES = ("中文",)  # the language switch names Chinese in Chinese
BALLOT = {"P01": "优秀", "P02": "称职", "P03": "称职", "P04": "基本称职", "P05": "称职",
          "P06": "称职"}  # fmt: skip


@pytest.fixture
def english() -> Client:
    user = User.objects.create(username="office", role=Role.OFFICE)
    client = Client()
    client.force_login(user)
    assert client.post("/i18n/setlang/", {"language": "en", "next": "/"}).status_code == 302
    return client


def _strings(node: Any) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _strings(key)
            yield from _strings(value)
    elif isinstance(node, list | tuple):
        for item in node:
            yield from _strings(item)


def _untranslated(html: str) -> list[str]:
    """Chinese left on a page once the office's data is taken out (form fields hold it as
    the office writes it, e.g. 优秀、称职)."""
    html = re.sub(r'value="[^"]*"', "", html)
    html = re.sub(r"<textarea([^>]*)>[^<]*</textarea>", "", html)
    data = {s for s in _strings(raw_document()) if CJK.search(s)} | set(NATIVE_NAMES)
    for text in sorted(data, key=len, reverse=True):  # longest first
        html = html.replace(text, "")
    return CJK.findall(html)


def _page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_office_pages_in_english(english: Client) -> None:
    voting: Voting = load_voting_plan(open_all=False)
    base = f"/office/evaluations/{PLAN}/"
    pages = {
        "/office/evaluations/": ["Democratic evaluation", "Year", "Draft"],
        base: ["New evaluation", "Evaluation code", "Jury scoring", "Probation review"],
        f"{base}mz/": ["Evaluation settings", "Options and values", "Voting codes and slips",
                       "Open voting", "6 people"],
        f"{base}mz/setup/": ["Top grade share limit", "Save", "Cancel"],
        f"{base}mz/groups/": ["Min. valid ballots", "Row 1 weight"],
        f"{base}mz/groups/leaders/scope/": ["Whom 县领导 rates", "Only the people ticked below:"],
    }  # fmt: skip
    for url, labels in pages.items():
        html = _page(english, url)
        for label in labels:
            assert label in html, (url, label)
        assert _untranslated(html) == [], url

    # Open: the turnout; closed: the count summary with its void reasons; the messages.
    opened = english.post(f"{base}mz/open/", follow=True).content.decode()
    assert "Voting is open: the codes can be used now." in opened
    issued = services.codes_issue(group=voting.group("mz", "staff"), count=6, actor="office")
    for slip in issued:
        cast_ballot(code=slip.code, marks=BALLOT)
    html = _page(english, f"{base}mz/")
    assert "Turnout" in html and "Cast online" in html and "Close voting" in html
    assert _untranslated(html) == []
    closed = english.post(f"{base}mz/close/", follow=True).content.decode()
    assert "Voting closed: 6 online ballots unsealed." in closed
    assert "Count summary" in closed and "Online 6, paper 0" in closed
    assert "No ballots received" in closed and "Returned" in closed  # 县领导: none cast
    assert _untranslated(closed) == []
    counted = english.post(f"{base}mz/count/", follow=True).content.decode()
    assert "Counted: the plan&#x27;s results were computed again" in counted
    assert "Count again" in counted and _untranslated(counted) == []
    table = _page(english, f"{base}mz/results/")
    assert "Result table" in table and "Top rate" in table and _untranslated(table) == []


def test_chinese_pages_stay_chinese(english: Client) -> None:
    load_voting_plan(open_all=False)
    english.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    html = _page(english, f"/office/evaluations/{PLAN}/mz/")
    for label in ("测评设置", "选项及分值", "测评码与票签", "开始测评", "6 名", "草稿"):
        assert label in html, label
