"""Data-entry pages per role: an assessor body sees and saves only its own indicators, a unit
and the admin are refused, 监督 reads and writes nothing; the grid saves through HTMX, all
rows or none, with each message next to its row."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kaohe.accounts.models import User
from kaohe.engine.model import NA
from kaohe.entry.models import EventRecord
from kaohe.entry.selectors import stored_values
from kaohe.entry.tests.conftest import PLAN
from kaohe.plans.models import Event, Plan, Value

pytestmark = pytest.mark.django_db

GRID = f"/entry/{PLAN}/indicators/{{}}/"
HTMX = {"HTTP_HX_REQUEST": "true"}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def test_my_indicators_per_role(plan: Plan, users: dict[str, User], login: Any) -> None:
    page = login(users["xwb"]).get("/entry/").content.decode()
    assert "财政收入" in page and "党建工作" in page
    assert "重点项目" not in page  # 政府办's
    assert "已报 0 / 应报 6" in page  # T1 and T2 for the three towns
    page = login(users["zfb"]).get("/entry/").content.decode()
    assert "重点项目" in page and "党建工作" not in page
    assert "已报 0 / 应报 7" in page  # T1 for 2 departments, T3 for 5 assessees
    page = login(users["office"]).get("/entry/").content.decode()
    assert all(name in page for name in ("财政收入", "党建工作", "重点项目", "安全生产"))
    assert "上传指标值" in page
    page = login(users["supervisor"]).get("/entry/").content.decode()
    assert "安全生产" in page and "上传指标值" not in page
    for role in ("unit", "admin"):
        assert login(users[role]).get("/entry/").status_code == 403


def test_grid_access_per_role(plan: Plan, users: dict[str, User], login: Any) -> None:
    xwb, zfb = login(users["xwb"]), login(users["zfb"])
    assert xwb.get(GRID.format("T2")).status_code == 200
    assert xwb.get(GRID.format("T3")).status_code == 403  # another body's indicator
    assert xwb.post(GRID.format("T3"), {"v:A01": "5"}).status_code == 403
    # T1 is shared: each body sees the rows of its own categories only.
    page = xwb.get(GRID.format("T1")).content.decode()
    assert "城关镇" in page and "县财政局" not in page
    page = zfb.get(GRID.format("T1")).content.decode()
    assert "县财政局" in page and "城关镇" not in page
    assert login(users["unit"]).get(GRID.format("T1")).status_code == 403
    assert login(users["admin"]).get(GRID.format("T1")).status_code == 403
    supervisor = login(users["supervisor"])
    page = supervisor.get(GRID.format("T1")).content.decode()
    assert "readonly" in page and "保存</button>" not in page
    assert supervisor.post(GRID.format("T1"), {"v:A01": "5"}).status_code == 403
    assert not Value.objects.exists()
    assert login(users["office"]).get(GRID.format("T9")).status_code == 404


def test_grid_saves_through_htmx(plan: Plan, users: dict[str, User], login: Any) -> None:
    client = login(users["xwb"])
    response = client.post(
        GRID.format("T2"), {"v:A01": "A", "v:A02": "不涉及", "v:A03": ""}, **HTMX
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in page and 'id="grid"' in page  # the partial only
    assert "已保存：写入 2 个值" in page
    assert stored_values(PLAN, "T2") == {"A01": "A", "A02": NA}


def test_an_invalid_row_shows_its_message_and_saves_nothing(
    plan: Plan, users: dict[str, User], login: Any
) -> None:
    client = login(users["xwb"])
    response = client.post(
        GRID.format("T1"), {"v:A01": "95", "v:A02": "九五", "v:A03": "N/A"}, **HTMX
    )
    page = response.content.decode()
    assert "1 行不正确，本次没有保存任何值" in page
    assert 'id="err-A02"' in page and "指标 T1 的值应为数值（或 N/A），实为 “九五”" in page
    assert 'value="九五"' in page and 'value="95"' in page  # what was typed stays
    assert not Value.objects.exists()
    # Without HTMX the full page answers the same way; a valid save redirects (PRG).
    page = client.post(GRID.format("T1"), {"v:A02": "九五"}).content.decode()
    assert "<html" in page and "本次没有保存任何值" in page
    response = client.post(GRID.format("T1"), {"v:A02": "95"})
    assert response.status_code == 302
    assert stored_values(PLAN, "T1") == {"A02": 95.0}


def test_a_row_outside_the_grid_is_refused(plan: Plan, users: dict[str, User], login: Any) -> None:
    page = (
        login(users["xwb"])
        .post(GRID.format("T1"), {"v:A01": "1", "v:B01": "2"}, **HTMX)
        .content.decode()
    )
    assert "考核对象 B01 不在指标 T1 的填报范围内" in page
    assert not Value.objects.exists()


def test_upload(plan: Plan, users: dict[str, User], login: Any) -> None:
    client = login(users["xwb"])
    assert client.get(f"/entry/{PLAN}/upload/").status_code == 200
    bad = SimpleUploadedFile("县委办.csv", b"assessee,indicator,value\nA01,T1,95\nA01,T3,5\n")
    page = client.post(f"/entry/{PLAN}/upload/", {"file": bad}).content.decode()
    assert "县委办.csv 第 3 行「indicator」列: 指标 T3（类别 town）不是县委办负责填报的指标" in page
    assert "kaohe-upload-" not in page  # the temporary folder is not shown
    assert not Value.objects.exists()
    good = SimpleUploadedFile("values.csv", b"assessee,indicator,value\nA01,T1,95\n")
    response = client.post(f"/entry/{PLAN}/upload/", {"file": good})
    assert response.status_code == 302
    assert stored_values(PLAN, "T1") == {"A01": 95.0}
    assert login(users["supervisor"]).get(f"/entry/{PLAN}/upload/").status_code == 403
    assert login(users["unit"]).get(f"/entry/{PLAN}/upload/").status_code == 403


def test_events(
    plan: Plan, users: dict[str, User], login: Any, tmp_path: Path, settings: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    url = f"/entry/{PLAN}/events/"
    xwb, zfb = login(users["xwb"]), login(users["zfb"])
    page = xwb.get(url).content.decode()
    assert "城关镇（A01）" in page and "县财政局（B01）" not in page  # its categories only
    response = xwb.post(
        url,
        {
            "assessee": "A01",
            "type": "bonus",
            "points": "2",
            "reason": "获省级表彰",
            "evidence": SimpleUploadedFile("表彰.png", PNG),
        },
    )
    assert response.status_code == 302
    event = Event.objects.get()
    page = xwb.get(url).content.decode()
    assert "获省级表彰" in page and "表彰.png" in page
    # An assessee outside its categories: refused by the policy.
    response = xwb.post(url, {"assessee": "B01", "type": "downgrade", "reason": "x"})
    assert response.status_code == 403
    # The builder's rule, on the form.
    page = xwb.post(url, {"assessee": "A02", "type": "bonus", "points": "-3", "reason": ""})
    text = page.content.decode()
    assert "分数 points 应不小于 0，实为 -3" in text and "请填写事由" in text
    assert Event.objects.count() == 1
    # 政府办 does not see 县委办's entries, its evidence, nor may it delete them.
    assert "获省级表彰" not in zfb.get(url).content.decode()
    evidence = f"/entry/{PLAN}/events/{event.id}/evidence/"
    assert zfb.get(evidence).status_code == 403
    assert zfb.post(f"/entry/{PLAN}/events/{event.id}/delete/").status_code == 403
    download = login(users["supervisor"]).get(evidence)
    assert download.status_code == 200 and b"".join(download.streaming_content) == PNG
    assert login(users["supervisor"]).post(url, {"assessee": "A01"}).status_code == 403
    assert login(users["unit"]).get(url).status_code == 403
    assert xwb.post(f"/entry/{PLAN}/events/{event.id}/delete/").status_code == 302
    assert not Event.objects.exists() and not EventRecord.objects.exists()
