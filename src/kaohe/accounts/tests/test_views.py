"""Log-in (with django-axes throttling), log-out, the admin's account pages, one's password."""

from __future__ import annotations

import pytest
from django.test import Client

from kaohe.accounts.models import Role, User
from kaohe.accounts.services import account_create
from kaohe.org.models import Unit

pytestmark = pytest.mark.django_db
PASSWORD = "qingshan-2025-kh"


@pytest.fixture
def client() -> Client:
    return Client(HTTP_HOST="127.0.0.1")


def _login(client: Client, username: str, password: str, **extra: str) -> int:
    response = client.post(
        "/accounts/login/", {"username": username, "password": password}, **extra
    )
    return response.status_code


def test_login_page_is_chinese_and_logs_in_and_out(client: Client) -> None:
    account_create(username="office", password=PASSWORD, role=Role.OFFICE, actor="test")
    html = client.get("/accounts/login/").content.decode()
    assert "登录" in html and "用户名" in html and "密码" in html
    assert _login(client, "office", "wrong-password") == 200  # the form again, with an error
    response = client.post("/accounts/login/", {"username": "office", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
    assert "退出登录" in client.get("/").content.decode()
    client.post("/accounts/logout/")
    assert "退出登录" not in client.get("/").content.decode()


def test_five_failures_lock_that_username_from_that_ip_for_a_while(client: Client) -> None:
    account_create(username="office", password=PASSWORD, role=Role.OFFICE, actor="test")
    account_create(username="renda", password=PASSWORD, role=Role.SUPERVISOR, actor="test")
    for _ in range(4):
        assert _login(client, "office", "wrong-password") == 200
    assert _login(client, "office", "wrong-password") == 429  # the fifth failure locks
    response = client.post("/accounts/login/", {"username": "office", "password": PASSWORD})
    assert response.status_code == 429 and "锁定" in response.content.decode()
    # Another username from the same address, and the same username elsewhere, still work.
    assert _login(Client(HTTP_HOST="127.0.0.1"), "renda", PASSWORD) == 302
    assert _login(Client(HTTP_HOST="127.0.0.1"), "office", PASSWORD, REMOTE_ADDR="10.0.0.9") == 302


def test_inactive_accounts_cannot_log_in(client: Client) -> None:
    account_create(username="office", password=PASSWORD, role=Role.OFFICE, actor="test")
    User.objects.filter(username="office").update(is_active=False)
    assert _login(client, "office", PASSWORD) == 200


def _admin(client: Client) -> Client:
    admin = User(username="root", role=Role.ADMIN)
    admin.set_unusable_password()
    admin.save()
    client.force_login(admin)
    return client


def test_the_admin_creates_edits_resets_and_deactivates_accounts(client: Client) -> None:
    Unit.objects.create(code="XZ01", name="城关镇")
    _admin(client)
    form = {
        "username": "xz01", "name": "城关镇", "role": "unit", "unit": "XZ01", "assessor": "",
        "password1": PASSWORD, "password2": PASSWORD,
    }  # fmt: skip
    response = client.post("/accounts/manage/create/", form)
    assert response.status_code == 302
    listed = client.get("/accounts/manage/").content.decode()
    assert "xz01" in listed and "XZ01 城关镇" in listed and "已创建账号 xz01" in listed
    # The service's check shows next to the field, and nothing is saved.
    html = client.post("/accounts/manage/create/", {**form, "username": "x2", "unit": ""})
    assert "被考核单位账号必须绑定所属单位" in html.content.decode()
    assert not User.objects.filter(username="x2").exists()
    edit = {"name": "县委办公室", "role": "assessor", "unit": "", "assessor": "县委办"}
    assert client.post("/accounts/manage/users/xz01/", edit).status_code == 302
    assert User.objects.get(username="xz01").assessor == "县委办"
    reset = {"password1": "new-pass-2025-kh", "password2": "new-pass-2025-kh"}
    assert client.post("/accounts/manage/users/xz01/password/", reset).status_code == 302
    assert User.objects.get(username="xz01").check_password("new-pass-2025-kh")
    mismatch = {"password1": "new-pass-2025-kh", "password2": "other"}
    assert (
        "两次输入的密码不一致"
        in client.post("/accounts/manage/users/xz01/password/", mismatch).content.decode()
    )
    client.post("/accounts/manage/users/xz01/active/", {"active": "0"})
    assert not User.objects.get(username="xz01").is_active
    client.post("/accounts/manage/users/root/active/", {"active": "0"})
    assert User.objects.get(username="root").is_active  # never oneself
    assert client.get("/accounts/manage/users/nobody/").status_code == 404


def test_changing_ones_own_password_keeps_the_session(client: Client) -> None:
    account_create(username="renda", password=PASSWORD, role=Role.SUPERVISOR, actor="test")
    assert _login(client, "renda", PASSWORD) == 302
    new = "renda-new-2025"
    form = {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    assert client.post("/accounts/password/", form).status_code == 302
    assert client.get("/accounts/password/").status_code == 200  # still logged in
    assert User.objects.get(username="renda").check_password("renda-new-2025")
