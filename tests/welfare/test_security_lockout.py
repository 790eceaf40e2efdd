"""Login lockout (issue 11 #1): django-axes on /login/ and /admin/login/, by account and by address, a Korean
lockout page, the district admin's unlock, and the events in the access log."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client

from tests.factories import staff_user
from welfare.models import AccessLog, Role

PASSWORD = "pass-for-tests-1"  # the factories' password
LOCKED_TEXT = "로그인 시도가 너무 많아 잠겼습니다"


def client_at(ip: str) -> Client:
    return Client(REMOTE_ADDR=ip)


def login(client: Client, username: str, password: str, path: str = "/login/"):
    return client.post(path, {"username": username, "password": password})


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def fail(client: Client, username: str, times: int | None = None, path: str = "/login/") -> None:
    for _ in range(times or settings.AXES_FAILURE_LIMIT):
        login(client, username, "wrong-password-1", path)
        assert not signed_in(client)


def test_the_settings_lock_by_account_and_by_address_from_the_shared_client_address():
    assert settings.AXES_LOCKOUT_PARAMETERS == ["username", "ip_address"]
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME.total_seconds() == 30 * 60
    assert settings.AXES_CLIENT_IP_CALLABLE == "welfare.audit.client_ip"
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"


def test_five_wrong_passwords_then_the_right_one_is_refused_on_the_login_page(official):
    client = client_at("10.0.0.1")

    # given four failures, the fifth locks: its answer is the Korean lockout page
    fail(client, official.username, settings.AXES_FAILURE_LIMIT - 1)
    fifth = login(client, official.username, "wrong-password-1")
    assert fifth.status_code == 429 and LOCKED_TEXT in fifth.content.decode()

    # when the right password follows
    response = login(client, official.username, PASSWORD)

    # then it is refused with the lockout page, telling what to do
    assert response.status_code == 429 and not signed_in(client)
    page = response.content.decode()
    assert LOCKED_TEXT in page and "30분 뒤에" in page and "구 관리자" in page


def test_five_wrong_passwords_then_the_right_one_is_refused_on_the_admin_login(db):
    root = get_user_model().objects.create_superuser("root", "root@example.org", PASSWORD)
    client = client_at("10.0.0.9")
    fail(client, root.username, path="/admin/login/?next=/admin/")

    response = login(client, root.username, PASSWORD, "/admin/login/?next=/admin/")

    assert response.status_code == 429 and LOCKED_TEXT in response.content.decode()
    assert not signed_in(client)
    assert client.get("/admin/").status_code == 302  # still the admin's login


def test_the_account_is_locked_from_any_address_and_the_address_for_any_account(official, lead):
    fail(client_at("10.0.0.1"), official.username)

    # the account, from another address
    elsewhere = client_at("10.0.0.2")
    assert login(elsewhere, official.username, PASSWORD).status_code == 429 and not signed_in(elsewhere)
    # another account, from the locked address
    same_place = client_at("10.0.0.1")
    assert login(same_place, lead.username, PASSWORD).status_code == 429 and not signed_in(same_place)
    # another account from another address still works
    other = client_at("10.0.0.3")
    assert login(other, lead.username, PASSWORD).status_code == 302 and signed_in(other)


def test_the_username_counts_whatever_its_case(official):
    # failures typed as "OFFICIAL" count against "official": case variants do not get fresh tries
    fail(client_at("10.0.0.1"), official.username.upper())

    assert login(client_at("10.0.0.5"), official.username, PASSWORD).status_code == 429


def test_a_successful_login_resets_the_count(official):
    client = client_at("10.0.0.1")
    fail(client, official.username, settings.AXES_FAILURE_LIMIT - 1)
    assert login(client, official.username, PASSWORD).status_code == 302
    client.post("/logout/")

    fail(client, official.username, settings.AXES_FAILURE_LIMIT - 1)
    assert login(client, official.username, PASSWORD).status_code == 302 and signed_in(client)


def test_failures_and_the_lockout_are_in_the_access_log(official):
    fail(client_at("10.0.0.1"), official.username)

    failed = AccessLog.objects.filter(verb="auth.login.failed")
    assert failed.count() == settings.AXES_FAILURE_LIMIT
    assert {e.changes["username"] for e in failed} == {official.username}
    assert {e.ip for e in failed} == {"10.0.0.1"} and {e.action for e in failed} == {"login"}
    locked = AccessLog.objects.get(verb="auth.locked_out")
    assert locked.changes["username"] == official.username and locked.changes["ip"] == "10.0.0.1"
    assert locked.user is None


def test_a_login_with_the_password_is_in_the_access_log(official):
    client = client_at("10.0.0.4")
    login(client, official.username, PASSWORD)

    entry = AccessLog.objects.get(verb="auth.login")
    assert entry.user == official and entry.ip == "10.0.0.4" and entry.action == "login"


# --- the district admin's unlock ------------------------------------------------------------------------------------


def test_the_district_admin_sees_the_lock_and_unlocks_the_account(client_for, district_admin, official):
    fail(client_at("10.0.0.1"), official.username)
    admin = client_for(district_admin)

    page = admin.get("/district/security/locked/")
    assert page.status_code == 200
    text = page.content.decode()
    assert official.username in text and "10.0.0.1" in text and "잠금 해제" in text

    response = admin.post("/district/security/unlock/", {
        "kind": "username", "value": official.username, "reason": "본인 전화 확인"})
    assert response.status_code == 302

    # the account gets in again (from an address that is not locked)
    person = client_at("10.0.0.7")
    assert login(person, official.username, PASSWORD).status_code == 302 and signed_in(person)
    entry = AccessLog.objects.get(verb="auth.unlocked")
    assert entry.user == district_admin and entry.changes["username"] == official.username
    assert entry.reason == "본인 전화 확인"
    assert f"<code>{official.username}</code>" not in admin.get("/district/security/locked/").content.decode()


def test_the_district_admin_unlocks_an_address(client_for, district_admin, official, lead):
    fail(client_at("10.0.0.1"), official.username)
    client_for(district_admin).post("/district/security/unlock/", {"kind": "ip", "value": "10.0.0.1"})
    client_for(district_admin).post("/district/security/unlock/", {"kind": "username", "value": official.username})

    same_place = client_at("10.0.0.1")
    assert login(same_place, lead.username, PASSWORD).status_code == 302 and signed_in(same_place)
    assert AccessLog.objects.filter(verb="auth.unlocked", changes__ip="10.0.0.1").exists()


def test_another_districts_admin_neither_sees_nor_unlocks_the_account(client, yeongdeungpo, official):
    other_admin = staff_user(Role.DISTRICT_ADMIN, district=yeongdeungpo)
    fail(client_at("10.0.0.1"), official.username)
    client.force_login(other_admin)

    assert f"<code>{official.username}</code>" not in client.get("/district/security/locked/").content.decode()
    response = client.post("/district/security/unlock/", {"kind": "username", "value": official.username},
                           follow=True)
    assert "이 구의 계정만" in response.content.decode()
    assert login(client_at("10.0.0.7"), official.username, PASSWORD).status_code == 429
    assert not AccessLog.objects.filter(verb="auth.unlocked").exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_others_may_not_open_the_locked_list(client_for, lead, method):
    url = "/district/security/locked/" if method == "get" else "/district/security/unlock/"
    assert getattr(client_for(lead), method)(url).status_code == 403
