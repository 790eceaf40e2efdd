"""A refused form token (CSRF) shows a Korean page that keeps what was typed and sends it again (issue 13 item 4)."""

from __future__ import annotations

import html
import re
import uuid

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from households.models import Visit

pytestmark = pytest.mark.django_db

FORM = "/report/"
NOTE = "냉장고가 비어 있음. 당뇨 약을 2주째 못 드심 <script>alert(1)</script>"


def csrf_client(user=None) -> Client:
    client = Client(enforce_csrf_checks=True)
    if user is not None:
        client.force_login(user)
    return client


def visit_data(token: str) -> dict:
    return {
        "submission_token": token, "visited_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "kind": "home", "contact_result": "met", "risk_level": "medium", "observations": NOTE,
        "next_contact_on": "", "need_health": "high", "need_health_note": "복약 중단", "need_income": "medium",
    }


def hidden_fields(body: str) -> list[tuple[str, str]]:
    """The resend form's fields, as a browser would send them (in order, repeated names kept)."""
    form = re.search(r'<form method="post" action="[^"]*" class="csrf-resend">(.*?)</form>', body, re.S).group(1)
    return [(html.unescape(n), html.unescape(v))
            for n, v in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form)]


def as_post(fields: list[tuple[str, str]]) -> dict[str, list[str]]:
    data: dict[str, list[str]] = {}
    for name, value in fields:
        data.setdefault(name, []).append(value)
    return data


def test_settings_point_at_the_page():
    assert settings.CSRF_FAILURE_VIEW == "welfare.views_csrf.csrf_failure"


def test_a_visit_with_a_stale_token_shows_the_korean_page_with_the_note_and_resending_saves_it(official, household):
    # given an official whose form carries a token that no longer matches (they logged in again in another tab)
    client = csrf_client(official)
    url = reverse("households:visit_add", args=[household.pk])
    client.get(url)  # the CSRF cookie
    token = str(uuid.uuid4())

    # when the visit is sent with the stale token
    response = client.post(url, {**visit_data(token), "csrfmiddlewaretoken": "x" * 64})

    # then a Korean page answers 403, with the note shown (escaped) and nothing saved yet
    assert response.status_code == 403
    body = response.content.decode()
    assert '<html lang="ko">' in body
    assert "보안 확인 시간이 지나 아직 저장하지 못했습니다" in body
    assert html.escape(NOTE) in body and "<script>alert(1)" not in body
    assert "다시 보내기" in body
    assert "no-store" in response["Cache-Control"]
    assert not Visit.objects.exists()
    fields = hidden_fields(body)
    names = [name for name, _value in fields]
    assert names.count("csrfmiddlewaretoken") == 1  # a fresh one, not the refused one
    assert ("csrfmiddlewaretoken", "x" * 64) not in fields
    assert ("observations", NOTE) in fields and ("submission_token", token) in fields

    # when "다시 보내기" sends the form as it is
    resent = client.post(url, as_post(fields))

    # then the visit is saved once, as typed
    assert resent.status_code == 302
    visit = Visit.objects.get(submission_token=token)
    assert visit.observations == NOTE
    assert {(n.domain, n.severity, n.note) for n in visit.needs.all()} == {
        ("health", "high", "복약 중단"), ("income", "medium", "")}
    # and a second resend (a double tap) saves nothing more
    again = client.post(url, as_post(fields))
    assert again.status_code == 302 and Visit.objects.count() == 1


def test_passwords_and_one_time_codes_are_never_sent_back(official):
    client = csrf_client(official)
    url = reverse("security:home")
    client.get(reverse("home"))

    response = client.post(url, {"old_password": "secret-1", "new_password1": "secret-2", "otp_token": "123456",
                                 "note": "보존할 내용", "csrfmiddlewaretoken": "bad"})

    assert response.status_code == 403
    body = response.content.decode()
    assert "secret-1" not in body and "secret-2" not in body and "123456" not in body
    assert "보존할 내용" in body
    assert "비밀번호와 인증 코드는 다시 보내지 않습니다" in body


def test_a_signed_out_user_gets_a_login_link_back_to_the_form_and_no_token_until_signed_in(official, household):
    # given the session ended (no one is signed in) and the post carries a stale token
    client = csrf_client()
    url = reverse("households:visit_add", args=[household.pk])
    client.get(reverse("login"))
    token = str(uuid.uuid4())

    response = client.post(url, {**visit_data(token), "csrfmiddlewaretoken": "y" * 64})

    # then the page keeps the note and offers a login whose next returns to the form
    assert response.status_code == 403
    body = response.content.decode()
    assert html.escape(NOTE) in body
    assert f'href="{reverse("login")}?next={url}"' in body
    assert "로그인 후 다시 보내기" in body
    fields = hidden_fields(body)
    assert "csrfmiddlewaretoken" not in [name for name, _value in fields]

    # when they send it before signing in, the same page comes back (the login redirect would drop it)
    early = client.post(url, as_post(fields))
    assert early.status_code == 403 and html.escape(NOTE) in early.content.decode()

    # when they sign in (elsewhere) and send it again, the page comes back with a fresh token…
    client.force_login(official)
    signed_in = client.post(url, as_post(hidden_fields(early.content.decode())))
    assert signed_in.status_code == 403
    fields = hidden_fields(signed_in.content.decode())
    assert "csrfmiddlewaretoken" in [name for name, _value in fields]

    # …and "다시 보내기" saves the visit
    assert client.post(url, as_post(fields)).status_code == 302
    assert Visit.objects.get(submission_token=token).observations == NOTE


def test_a_public_form_resends_without_asking_for_a_login(dong):
    client = csrf_client()
    client.get(FORM)

    response = client.post(FORM, {"description": "옆집 할머니가 며칠째 안 보이세요", "csrfmiddlewaretoken": "z"})

    assert response.status_code == 403
    body = response.content.decode()
    assert "/login/?next" not in body and "로그인" not in body
    assert "옆집 할머니가 며칠째 안 보이세요" in body
    assert "csrfmiddlewaretoken" in [name for name, _value in hidden_fields(body)]


def test_the_page_is_english_with_the_language_switch(official, household):
    client = csrf_client(official)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url = reverse("households:visit_add", args=[household.pk])
    client.get(url)

    response = client.post(url, {**visit_data(str(uuid.uuid4())), "csrfmiddlewaretoken": "x" * 64})

    body = response.content.decode()
    assert response.status_code == 403
    assert '<html lang="en">' in body
    assert "The security check expired" in body and "Send again" in body

