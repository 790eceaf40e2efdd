"""Passwords (issue 11 #4): a Korean public institution's rule (10+ characters of two kinds or 8+ of three; not
the username; not common), Korean messages, and the change forced after a district admin sets a password."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import translation

from welfare.models import AccessLog, AccountSecurity, Role, StaffMembership
from welfare.services import NewStaff, staff_create, staff_set_password

NEW = "봄날-산책-2024-welfare"
PASSWORD = "pass-for-tests-1"


def errors(password: str, username: str = "kimofficial") -> list[str]:
    user = get_user_model()(username=username, first_name="김민수", email="minsu@example.org")
    with translation.override("ko"):
        try:
            validate_password(password, user=user)
        except ValidationError as error:
            return error.messages
    return []


@pytest.mark.parametrize("password", [
    "demo-pass-2026",      # the demo password: letters, digits, a symbol, 14 characters
    "gwanak7road",         # 11 of two kinds
    "welfare!?go",         # 11 of two kinds (letters, symbols)
    "ab1!cd2@",            # 8 of three kinds
    "봄날산책하기2024",      # Korean letters count as letters (10 of two kinds)
])
def test_passwords_the_rule_accepts(password, db):
    assert errors(password) == []


@pytest.mark.parametrize("password", [
    "abcdefghijkl",        # one kind
    "abcde1234",           # 9 of two kinds
    "ab1!cd2",             # 7 of three kinds
    "1234567890123",       # digits only
])
def test_too_simple_passwords_are_refused_in_korean(password, db):
    messages = errors(password)
    assert any("두 종류 이상으로 10자 이상" in m and "세 종류 모두로 8자 이상" in m for m in messages), messages


def test_the_username_is_refused_inside_the_password(db):
    messages = errors("kimofficial-2026!")
    assert "비밀번호에 아이디를 넣을 수 없습니다." in messages


def test_a_common_password_is_refused_in_korean(db):
    messages = errors("qwerty123456")
    assert messages and all(any("\uac00" <= ch <= "\ud7a3" for ch in m) for m in messages), messages


def test_a_password_like_the_name_or_email_is_refused(db):
    assert errors("minsu@example.org1") != []


# --- forced change after an admin set the password ------------------------------------------------------------------


def staff_of(user) -> StaffMembership:
    return StaffMembership.objects.get(user=user)


def must_change(user) -> bool:
    return AccountSecurity.objects.filter(user=user, must_change_password=True).exists()


def test_after_an_admin_reset_every_page_leads_to_the_password_change(client, district_admin, official):
    staff_set_password(staff=staff_of(official), by=district_admin, password=NEW)
    assert must_change(official)

    client.post("/login/", {"username": official.username, "password": NEW})
    response = client.get("/households/")
    assert response.status_code == 302 and response.url == "/security/password/?next=%2Fhouseholds%2F"
    assert client.get("/").url.startswith("/security/password/")
    assert client.get("/district/security/locked/").url.startswith("/security/password/")
    assert client.get("/security/password/").status_code == 200
    # logging out is still possible
    assert client.post("/logout/").status_code == 302


def test_the_person_changes_it_and_may_work_again(client, district_admin, official):
    staff_set_password(staff=staff_of(official), by=district_admin, password=NEW)
    client.post("/login/", {"username": official.username, "password": NEW})

    # the same password again is refused, as is a weak one
    same = client.post("/security/password/", {"old_password": NEW, "new_password": NEW,
                                                "new_password_confirm": NEW})
    assert same.status_code == 200 and "달라야 합니다" in same.content.decode()
    weak = client.post("/security/password/", {"old_password": NEW, "new_password": "abc12345",
                                                "new_password_confirm": "abc12345"})
    assert weak.status_code == 200 and "10자 이상" in weak.content.decode()

    response = client.post("/security/password/?next=/households/", {
        "old_password": NEW, "new_password": "나만-아는-비밀-77", "new_password_confirm": "나만-아는-비밀-77",
        "next": "/households/"})

    assert response.status_code == 302 and response.url == "/households/"
    assert client.get("/households/").status_code == 200  # still signed in, and free to work
    official.refresh_from_db()
    assert official.check_password("나만-아는-비밀-77") and not must_change(official)
    assert AccessLog.objects.filter(verb="auth.password.changed", user=official).exists()


def test_the_old_password_is_needed(client, district_admin, official):
    staff_set_password(staff=staff_of(official), by=district_admin, password=NEW)
    client.post("/login/", {"username": official.username, "password": NEW})
    response = client.post("/security/password/", {"old_password": "nope-nope-1", "new_password": "나만-아는-비밀-77",
                                                    "new_password_confirm": "나만-아는-비밀-77"})
    assert response.status_code == 200 and "현재 비밀번호가 맞지 않습니다" in response.content.decode()
    assert must_change(official)


def test_the_reset_page_of_the_district_admin_forces_the_change(client_for, district_admin, official):
    url = f"/district/staff/{staff_of(official).pk}/password/"
    client_for(district_admin).post(url, {"password": NEW, "password_confirm": NEW})
    assert must_change(official)


def test_an_account_created_with_a_password_changes_it_at_the_first_login(district_admin, seongdong, dong):
    user = staff_create(district=seongdong, by=district_admin, data=NewStaff(
        username="newcomer", first_name="신입", role=Role.DONG_OFFICIAL, password=NEW, dongs=(dong,)))
    assert must_change(user)


def test_an_admin_setting_their_own_password_is_not_forced(district_admin):
    staff_set_password(staff=staff_of(district_admin), by=district_admin, password=NEW)
    assert not must_change(district_admin)


def test_api_session_requests_are_refused_until_changed(client, district_admin, official):
    staff_set_password(staff=staff_of(official), by=district_admin, password=NEW)
    client.post("/login/", {"username": official.username, "password": NEW})
    response = client.get("/api/v1/cases/")
    assert response.status_code == 403 and "비밀번호" in response.json()["detail"]


def test_others_are_not_sent_to_the_change_page(client_for, official):
    assert client_for(official).get("/households/").status_code == 200
    assert PASSWORD  # the factories' password passes the rule (it is used by every other test)
    assert errors(PASSWORD, username=official.username) == []
