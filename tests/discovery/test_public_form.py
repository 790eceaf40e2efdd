"""The public tip-off form at /report/: no login, receipt code, anonymous by default, abuse protections."""

from __future__ import annotations

import pytest
from django.urls import reverse

from discovery.models import CrisisReport, ReporterIdentity

pytestmark = pytest.mark.django_db
FORM = reverse("report:create")


def tip(where, **extra) -> dict:
    return {"subject_description": "3층에 혼자 사시는 할아버지", "risk_signals": ["mail_piling", "isolation"],
            "details": "우편물이 일주일째 쌓여 있어요.", "where": where, **extra}


def test_the_form_opens_without_login_with_its_privacy_notice(client, dong):
    html = client.get(FORM).content.decode()
    assert "개인정보 수집·이용 안내" in html and "5년" in html and "거부" in html
    assert "왕십리도선동" in html and "잘 모르겠어요" in html
    assert 'name="csrfmiddlewaretoken"' in html and 'name="website"' in html


def test_an_anonymous_tip_lands_in_the_chosen_dong_and_shows_the_receipt_code(client, dong):
    # When someone sends a tip without giving their name
    response = client.post(FORM, tip(f"dong:{dong.pk}"))

    # Then they are sent to the receipt page (no personal data and no code in the URL)
    assert response.status_code == 302 and response["Location"] == reverse("report:done")
    report = CrisisReport.objects.get()
    assert report.dong == dong and report.channel == "web" and report.reporter_kind == "anonymous"
    assert report.risk_signals == ["isolation", "mail_piling"]
    assert not ReporterIdentity.objects.exists()
    done = client.get(reverse("report:done")).content.decode()
    assert report.receipt_code in done and "이제 어떻게 되나요" in done


def test_not_knowing_the_dong_sends_the_tip_to_the_district_queue(client, dong):
    client.post(FORM, tip(f"district:{dong.district_id}"))
    report = CrisisReport.objects.get()
    assert report.dong is None and report.district == dong.district


def test_with_two_districts_the_dongs_are_grouped_by_district(client, dong, other_district_dong):
    html = client.get(FORM).content.decode()
    assert "<optgroup" in html and "영등포구 — 잘 모르겠어요" in html


def test_contact_details_need_the_consent_box(client, dong):
    response = client.post(FORM, tip(f"dong:{dong.pk}", reporter_name="이웃", reporter_phone="010-2222-3333"))
    assert response.status_code == 200 and "동의해 주세요" in response.content.decode()
    assert not CrisisReport.objects.exists()

    client.post(FORM, tip(f"dong:{dong.pk}", reporter_name="이웃", reporter_phone="010-2222-3333", consent="on"))
    identity = ReporterIdentity.objects.get()
    assert identity.name == "이웃" and identity.phone == "01022223333"
    assert identity.report.reporter_kind == "named"


def test_the_honeypot_pretends_success_and_creates_nothing(client, dong):
    response = client.post(FORM, tip(f"dong:{dong.pk}", website="http://spam.example"))
    assert response.status_code == 302
    assert client.get(reverse("report:done")).status_code == 200
    assert not CrisisReport.objects.exists()


def test_the_rate_limit_answers_429_after_the_allowed_number(client, dong, settings):
    settings.PUBLIC_REPORT_RATE_PER_HOUR = 3
    for _ in range(3):
        assert client.post(FORM, tip(f"dong:{dong.pk}")).status_code == 302
    response = client.post(FORM, tip(f"dong:{dong.pk}"))
    assert response.status_code == 429 and "잠시 후 다시 시도해 주세요" in response.content.decode()
    assert CrisisReport.objects.count() == 3
    # Another address is not affected
    assert client.post(FORM, tip(f"dong:{dong.pk}"), REMOTE_ADDR="10.0.0.9").status_code == 302


def test_oversize_text_is_refused_with_a_clear_error(client, dong):
    response = client.post(FORM, tip(f"dong:{dong.pk}", details="가" * 2001))
    assert response.status_code == 200
    assert "내용은 2000자 이내로 적어 주세요." in response.content.decode()
    assert not CrisisReport.objects.exists()


def test_a_tip_must_say_who_it_is_about_and_where(client, dong):
    response = client.post(FORM, {"details": "힘들어 보여요", "where": ""})
    html = response.content.decode()
    assert "하나는 적어 주세요" in html and "동을 고르세요" in html
    assert not CrisisReport.objects.exists()


def test_typed_values_are_kept_when_the_form_comes_back(client, dong):
    html = client.post(FORM, tip("", subject_name="홍길순")).content.decode()
    assert 'value="홍길순"' in html


def test_a_forged_dong_is_refused(client, dong):
    response = client.post(FORM, tip("dong:999999"))
    assert response.status_code == 200 and not CrisisReport.objects.exists()


def test_the_form_needs_its_csrf_token(dong):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert strict.post(FORM, tip(f"dong:{dong.pk}")).status_code == 403
    assert not CrisisReport.objects.exists()


def test_the_receipt_page_without_a_tip_goes_back_to_the_form(client, dong):
    response = client.get(reverse("report:done"))
    assert response.status_code == 302 and response["Location"] == FORM


def test_script_in_a_tip_is_escaped_when_the_form_comes_back(client, dong):
    html = client.post(FORM, tip("", subject_name="<script>x()</script>")).content.decode()
    assert "<script>x()" not in html and "&lt;script&gt;x()" in html


def test_a_dong_of_another_district_keeps_its_district(client, dong, other_district_dong):
    client.post(FORM, tip(f"dong:{other_district_dong.pk}"))
    assert CrisisReport.objects.get().district == other_district_dong.district


