"""The paper-ballot pages: starting a batch, the keyboard grid (full page and HTMX), the void
warning, refusals at the field, double-entry comparison, commit and file import."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from kaohe.accounts.models import User
from kaohe.evaluation.models import Ballot, Evaluation, PaperBatch, PaperEntry
from kaohe.evaluation.tests import paper_fixtures
from kaohe.evaluation.tests.paper_fixtures import PLAN, group
from kaohe.plans.models import Plan

pytestmark = pytest.mark.django_db
plan, clerks = paper_fixtures.plan, paper_fixtures.clerks  # fixtures
HTMX = {"HTTP_HX_REQUEST": "true"}


def _client(user: User) -> Client:
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    return client


def _start(client: Client, evaluation: str, code: str, *, double: bool = False) -> str:
    data = {"group": str(group(evaluation, code).pk)} | ({"double_entry": "on"} if double else {})
    response = client.post("/paper/batches/new/", data)
    assert response.status_code == 302
    return str(response["Location"])


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_home_lists_open_evaluations_and_starts_a_batch(
    plan: Plan, clerks: tuple[User, User]
) -> None:
    client = _client(clerks[0])
    Evaluation.objects.filter(code="sc").update(status=Evaluation.Status.COUNTED)
    page = client.get("/paper/").content.decode()
    assert "民主测评" in page and "德能勤绩廉测评" in page and "评委团打分" not in page
    url = _start(client, "mz", "leaders")
    batch = PaperBatch.objects.get()
    assert url == f"/paper/batches/{batch.pk}/" and batch.number == 1
    page = client.get("/paper/").content.decode()
    assert f'href="/paper/batches/{batch.pk}/"' in page


def test_the_grid_saves_warns_of_void_and_refuses_at_the_field(
    plan: Plan, clerks: tuple[User, User]
) -> None:
    client = _client(clerks[0])
    url = _start(client, "mz", "leaders")
    page = client.get(url).content.decode()
    for text in ("城关镇", "青山镇", "<kbd>1</kbd>", "优秀", "不称职", 'name="k3"'):
        assert text in page

    # A refusal: the message at its field, the keys typed kept, nothing stored.
    response = client.post(url, {"serial": "7", "k0": "1", "k1": "９"}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="f-k1"' in html and 'aria-describedby="err-k1"' in html
    assert "全角" in _text(html) and 'value="1"' in html
    assert not PaperEntry.objects.exists()

    # A void ballot (three 优秀 of four): stored, with a visible warning; the next serial.
    response = client.post(url, {"serial": "7", "k0": "1", "k1": "1", "k2": "1"}, **HTMX)
    html = response.content.decode()
    assert 'class="notice warning"' in html and "废票" in _text(html)
    assert 'id="f-serial" name="serial" value="8"' in html
    assert PaperEntry.objects.get().serial == "7"

    # Without HTMX: saved, then the page again with the message.
    response = client.post(url, {"serial": "8", "k0": "2", "k1": "3"})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "已保存票号 8" in page and "<code>2 3 · ·</code>" in page
    # A duplicate serial is refused at the serial.
    html = client.post(url, {"serial": "8", "k0": "2"}, **HTMX).content.decode()
    assert 'aria-describedby="err-serial"' in html and "本批已录入过" in _text(html)

    # Correcting an entry: the grid comes back with its keys.
    entry = PaperEntry.objects.get(serial="8")
    page = client.get(f"{url}?edit={entry.pk}").content.decode()
    assert f'name="replace" value="{entry.pk}"' in page and 'name="k1" value="3"' in page
    client.post(url, {"serial": "8", "k0": "4", "replace": str(entry.pk)})
    entry.refresh_from_db()
    assert entry.marks == {"A01": "不称职"}

    response = client.post(f"/paper/batches/{entry.batch_id}/commit/")
    assert response.status_code == 302
    assert Ballot.objects.filter(channel="paper").count() == 2


def test_double_entry_pages(plan: Plan, clerks: tuple[User, User]) -> None:
    one, two = (_client(clerk) for clerk in clerks)
    url = _start(one, "zc", "all", double=True)
    batch = PaperBatch.objects.get()
    one.post(url, {"serial": "1", "picks": "2"})
    two.post(url, {"serial": "1", "picks": "3"})
    page = two.get(url).content.decode()
    assert "您录入第 2 轮" in page
    compare = f"/paper/batches/{batch.pk}/compare/"
    text = _text(one.get(compare).content.decode())
    assert "2 处不一致" in text
    assert "河口镇 A02 选 —" in text and "石桥乡 A03 — 选" in text
    # Each clerk is linked to the entry to correct in their own round, and to no one else's.
    mine = PaperEntry.objects.get(round=2)
    theirs = PaperEntry.objects.get(round=1)
    html = two.get(compare).content.decode()
    assert f"?edit={mine.pk}" in html and f"?edit={theirs.pk}" not in html
    onlooker = _client(User.objects.create(username="c4", role="office")).get(compare)
    assert onlooker.status_code == 200 and "2 处不一致" in _text(onlooker.content.decode())
    assert "修改我的录入" not in onlooker.content.decode()
    response = one.post(f"/paper/batches/{batch.pk}/commit/", follow=True)
    assert "不一致" in response.content.decode() and not Ballot.objects.exists()
    entry = PaperEntry.objects.get(round=2)
    two.post(url, {"serial": "1", "picks": "2", "replace": str(entry.pk)})
    assert "完全一致" in one.get(compare).content.decode()
    one.post(f"/paper/batches/{batch.pk}/commit/")
    assert list(Ballot.objects.values_list("serial", "channel")) == [("1", "paper")]
    third = User.objects.create(username="clerk3", role="office")
    assert "已入库" in _client(third).get(url).content.decode()


def test_a_counted_evaluation_refuses_entry_on_the_page(
    plan: Plan, clerks: tuple[User, User]
) -> None:
    client = _client(clerks[0])
    url = _start(client, "mz", "leaders")
    Evaluation.objects.filter(code="mz").update(status=Evaluation.Status.COUNTED)
    page = client.get(url).content.decode()
    assert "已计票，不能再录入" in page and 'name="serial"' not in page
    client.post(url, {"serial": "1", "k0": "1"})
    assert not PaperEntry.objects.exists()


def test_upload_page(plan: Plan, clerks: tuple[User, User]) -> None:
    client = _client(clerks[0])
    url = f"/paper/{PLAN}/sc/import/"
    assert "公众评委团" in client.get(url).content.decode()
    bad = SimpleUploadedFile("评委打分.csv", b"group,ballot,assessee,option\njury,1,A09,90\n")
    page = client.post(url, {"file": bad}).content.decode()
    assert "评委打分.csv 第 2 行「assessee」列" in page and "没有导入任何票" in page
    good = SimpleUploadedFile("评委打分.csv", b"group,ballot,assessee,option\njury,1,A01,90\n")
    response = client.post(url, {"file": good}, follow=True)
    assert "已导入 1 张票" in response.content.decode()
    assert Ballot.objects.filter(channel="paper").count() == 1
    other = SimpleUploadedFile("x.pdf", b"%PDF")
    assert "只能上传" in client.post(url, {"file": other}).content.decode()
    assert client.get(f"/paper/{PLAN}/nope/import/").status_code == 404


def test_dimension_and_score_grids(plan: Plan, clerks: tuple[User, User]) -> None:
    client = _client(clerks[0])
    url = _start(client, "dd", "all")
    page = client.get(url).content.decode()
    assert "<th>德</th>" in page and "<th>廉</th>" in page and 'name="k3.4"' in page
    keys = {f"k0.{d}": "1" for d in range(5)} | {"k1.0": "2"}
    html = client.post(url, {"serial": "1", **keys}, **HTMX).content.decode()
    assert "缺少" in _text(html) and 'class="notice warning"' in html  # a dimension left out
    assert "<code>11111 2···· ····· ·····</code>" in html
    url = _start(client, "sc", "jury")
    page = client.get(url).content.decode()
    assert 'inputmode="decimal"' in page and "<kbd>0–100</kbd>" in page
    html = client.post(url, {"serial": "1", "k0": "95", "k1": "9.999"}, **HTMX).content.decode()
    assert 'aria-describedby="err-k1"' in html and "格式不正确" in _text(html)
