"""The second factor (issue 11 #4): TOTP (django-otp) required of district admins and superusers when
OTP_REQUIRED is on, optional for others; enrolment with a QR code made on the server; a code after every login
for an enrolled account; /admin/ behind the same gate; API tokens unaffected. Codes are computed from the
device's key as an authenticator app would."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client, override_settings
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from welfare.models import AccessLog, ApiToken

PASSWORD = "pass-for-tests-1"
required = override_settings(OTP_REQUIRED=True)


def code(device: TOTPDevice, shift: int = 0) -> str:
    device.refresh_from_db()
    value = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift + shift)
    return f"{value:0{device.digits}d}"


def sign_in(user) -> Client:
    client = Client()
    response = client.post("/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    return client


def enrolled(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def test_the_requirement_is_off_in_tests_unless_a_test_turns_it_on(settings):
    # OTP_REQUIRED defaults to "not DEBUG" when the settings load; the test runs load them with DEBUG=True
    assert not settings.OTP_REQUIRED


@required
def test_a_district_admin_without_a_device_is_sent_to_enrolment_before_any_page(district_admin):
    client = sign_in(district_admin)

    for path in ("/", "/households/", "/district/staff/", "/security/"):
        response = client.get(path)
        assert response.status_code == 302 and response.url.startswith("/security/enrol/"), path


@required
def test_enrolment_shows_a_qr_code_and_the_key_and_a_code_confirms_it(district_admin):
    client = sign_in(district_admin)
    page = client.get("/security/enrol/?next=/district/staff/")
    text = page.content.decode()
    assert page.status_code == 200 and "<svg" in text and "<path" in text and "2단계 인증 등록" in text
    device = TOTPDevice.objects.get(user=district_admin, confirmed=False)
    secret = text.split("data-secret>")[1].split("<")[0].replace(" ", "")
    import base64

    assert base64.b32decode(secret + "=" * (-len(secret) % 8)) == device.bin_key
    # a reload shows the same key
    assert TOTPDevice.objects.get(user=district_admin, confirmed=False).pk == device.pk
    client.get("/security/enrol/")
    assert TOTPDevice.objects.filter(user=district_admin).count() == 1

    wrong = client.post("/security/enrol/", {"token": "000000" if code(device) != "000000" else "111111"})
    assert wrong.status_code == 200 and "인증 코드가 맞지 않습니다" in wrong.content.decode()

    response = client.post("/security/enrol/", {"token": code(device), "next": "/district/staff/"})

    assert response.status_code == 302 and response.url == "/district/staff/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/district/staff/").status_code == 200
    assert AccessLog.objects.filter(verb="auth.otp.enrolled", user=district_admin).exists()


@required
def test_an_enrolled_admin_gives_a_code_after_the_password(district_admin):
    device = enrolled(district_admin)
    client = sign_in(district_admin)

    response = client.get("/households/")
    assert response.status_code == 302 and response.url == "/security/verify/?next=%2Fhouseholds%2F"
    # with the password only, the enrolment page never replaces the device
    assert client.get("/security/enrol/").url.startswith("/security/verify/")

    wrong = client.post("/security/verify/", {"token": "12345"})
    assert wrong.status_code == 200 and "인증 코드가 맞지 않습니다" in wrong.content.decode()
    assert AccessLog.objects.filter(verb="auth.otp.failed", user=district_admin).exists()
    # an immediate retry waits (django-otp doubles the wait after each failure)
    hurried = client.post("/security/verify/", {"token": code(device)})
    assert hurried.status_code == 200 and "기다려야 합니다" in hurried.content.decode()
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - timedelta(minutes=5))

    ok = client.post("/security/verify/", {"token": code(device), "next": "/households/"})
    assert ok.status_code == 302 and ok.url == "/households/"
    assert client.get("/households/").status_code == 200
    # a code is single-use: the same one cannot open another session
    again = sign_in(district_admin)
    assert again.post("/security/verify/", {"token": code(device)}).status_code == 200


def test_an_enrolled_account_gives_a_code_even_when_not_required(official):
    device = enrolled(official)
    client = sign_in(official)
    assert client.get("/households/").url.startswith("/security/verify/")
    client.post("/security/verify/", {"token": code(device)})
    assert client.get("/households/").status_code == 200


@required
def test_the_second_factor_is_optional_for_an_official(official):
    client = sign_in(official)
    assert client.get("/households/").status_code == 200
    page = client.get("/security/").content.decode()
    assert "2단계 인증" in page and "/security/enrol/" in page

    client.get("/security/enrol/")
    device = TOTPDevice.objects.get(user=official)
    client.post("/security/enrol/", {"token": code(device)})
    assert TOTPDevice.objects.get(user=official).confirmed
    # and the official may turn it off again (verified in this session)
    client.post("/security/remove/")
    assert not TOTPDevice.objects.filter(user=official).exists()
    assert AccessLog.objects.filter(verb="auth.otp.removed").exists()


@required
def test_a_district_admin_may_not_turn_the_required_factor_off(district_admin):
    device = enrolled(district_admin)
    client = sign_in(district_admin)
    client.post("/security/verify/", {"token": code(device)})
    client.post("/security/remove/")
    assert TOTPDevice.objects.filter(user=district_admin).exists()


def test_without_the_requirement_a_district_admin_works_without_a_device(district_admin):
    client = sign_in(district_admin)
    assert client.get("/district/staff/").status_code == 200


@required
def test_the_admin_site_is_behind_the_second_factor_for_superusers(db):
    root = get_user_model().objects.create_superuser("root", "root@example.org", PASSWORD)
    client = Client()
    assert client.post("/admin/login/?next=/admin/", {"username": "root", "password": PASSWORD,
                                                     "next": "/admin/"}).status_code == 302
    response = client.get("/admin/")
    assert response.status_code == 302 and response.url.startswith("/security/enrol/")
    assert client.get("/admin/welfare/accesslog/").url.startswith("/security/enrol/")

    client.get("/security/enrol/")
    device = TOTPDevice.objects.get(user=root)
    client.post("/security/enrol/", {"token": code(device)})
    assert client.get("/admin/").status_code == 200


@required
def test_api_tokens_are_not_affected_but_unverified_sessions_are(district_admin):
    _token, key = ApiToken.issue(user=district_admin, name="대시보드")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert api.get("/api/v1/cases/").status_code == 200

    session = sign_in(district_admin)
    response = session.get("/api/v1/cases/")
    assert response.status_code == 403 and "2단계 인증" in response.json()["detail"]


@pytest.mark.parametrize("path", ["/security/verify/", "/security/enrol/"])
def test_the_pages_need_a_login(client, path):
    assert client.get(path).url.startswith("/login/")


def _setting(name: str, **env) -> str:
    import os
    import subprocess
    import sys
    from pathlib import Path

    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "OTP_REQUIRED", "LOGIN_FAILURE_LIMIT",
                                                               "LOGIN_COOLOFF_MINUTES", "DATABASE_URL", "REDIS_URL"}}
    clean.update({"SECRET_KEY": "x" * 50, "FIELD_ENCRYPTION_KEY": "S2V5LWZvci1kZXZlbG9wbWVudC1vbmx5LTAwMDAwMDA=",
                  "ALLOWED_HOSTS": "welfare.example", "DJANGO_SETTINGS_MODULE": "welfare.settings", **env})
    code = f"import django; django.setup(); from django.conf import settings; print(settings.{name})"
    result = subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).resolve().parents[2], env=clean,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


@pytest.mark.parametrize(("env", "expected"), [
    ({"DEBUG": "False"}, "True"),                         # production settings: required
    ({"DEBUG": "True"}, "False"),                         # development: optional
    ({"DEBUG": "False", "OTP_REQUIRED": "False"}, "False"),
    ({"DEBUG": "True", "OTP_REQUIRED": "True"}, "True"),
])
def test_the_requirement_follows_debug_unless_set(env, expected):
    assert _setting("OTP_REQUIRED", **env) == expected


def test_the_lockout_limits_come_from_the_environment():
    assert _setting("AXES_FAILURE_LIMIT", DEBUG="True", LOGIN_FAILURE_LIMIT="7") == "7"
    assert _setting("AXES_COOLOFF_TIME", DEBUG="True", LOGIN_COOLOFF_MINUTES="10") == "0:10:00"
