"""Reporting channels (issue 17 item 5): businesses with memo pads and posters, the QR code opening /report/?src=,
tips counted per business and channel, and the KakaoTalk chatbot skill webhook checked by its shared secret
(recorded request bodies in the shape of Kakao i Open Builder's skill payload)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.urls import reverse

from discovery.models import CrisisReport
from discovery.services import channels as services
from welfare.errors import RuleError

pytestmark = pytest.mark.django_db

KAKAO = Path(__file__).parent / "kakao"


@pytest.fixture
def store(official, dong):
    return services.source_save(by=official, district=dong.district, name="행복편의점 왕십리점", kind="convenience_store",
                                dong=dong, pads_given=200)


def test_only_network_keepers_register_businesses(planner, official, dong, second_dong):
    with pytest.raises(RuleError):
        services.source_save(by=planner, district=dong.district, name="약국", kind="pharmacy")
    with pytest.raises(RuleError) as refused:
        services.source_save(by=official, district=dong.district, name="", kind="bakery", dong=second_dong)
    assert set(refused.value.message_dict) == {"name", "kind", "dong"}


def test_the_qr_sheet_opens_the_form_tagged_with_the_business(client_for, official, dong, store, client):
    page = client_for(official).get(reverse("discovery:source_print", args=[store.pk]) + "?size=a6")
    html = page.content.decode()
    assert page.status_code == 200 and "<svg" in html and f"/report/?src={store.token}" in html
    assert "sheet-a6" in html
    a4 = client_for(official).get(reverse("discovery:source_print", args=[store.pk]) + "?size=a4").content.decode()
    assert "sheet-a4" in a4
    client.logout()
    form = client.get(f"/report/?src={store.token}").content.decode()
    assert f'value="{store.token}"' in form
    response = client.post("/report/", {"where": f"dong:{dong.pk}", "subject_address": "왕십리로 5",
                                        "details": "할머니가 며칠째 안 보여요", "src": store.token})
    assert response.status_code == 302
    report = CrisisReport.objects.get()
    assert (report.source_id, report.channel) == (store.pk, "web")


def test_the_business_list_counts_tips_per_channel(client_for, official, dong, store):
    from tests.discovery.factories_network import report

    report(dong, channel="web", source=store)
    report(dong, channel="web", source=store)
    report(dong, channel="kakao", source=store)
    html = client_for(official).get(reverse("discovery:source_list")).content.decode()
    assert "행복편의점 왕십리점" in html and "온라인 제보 2" in html and "카카오톡 1" in html


@pytest.mark.parametrize("body", ["skill_with_params.json", "skill_utterance_only.json"])
def test_kakao_skill_creates_a_report_with_the_secret(client, settings, dong, body):
    settings.KAKAO_SKILL_SECRET = "s3cret-for-tests"
    url = reverse("report:kakao", args=[dong.district_id])
    payload = (KAKAO / body).read_bytes()
    refused = client.post(url, payload, content_type="application/json", headers={"X-Skill-Secret": "wrong"})
    assert refused.status_code == 403 and not CrisisReport.objects.exists()
    response = client.post(url, payload, content_type="application/json",
                           headers={"X-Skill-Secret": "s3cret-for-tests"})
    assert response.status_code == 200
    answer = response.json()
    report = CrisisReport.objects.get()
    assert answer["version"] == "2.0"
    assert report.receipt_code in answer["template"]["outputs"][0]["simpleText"]["text"]
    assert report.channel == "kakao"
    sent = json.loads(payload)
    if sent["action"]["params"]:
        assert report.dong_id == dong.pk and report.subject_address == "왕십리로 12 3층"
        assert "우편물" in report.details
    else:
        assert report.dong_id is None and report.district_id == dong.district_id
        assert "고시원" in report.details


def test_kakao_skill_is_off_without_a_secret_and_refuses_other_bodies(client, settings, dong):
    settings.KAKAO_SKILL_SECRET = ""
    url = reverse("report:kakao", args=[dong.district_id])
    assert client.post(url, b"{}", content_type="application/json").status_code == 404
    settings.KAKAO_SKILL_SECRET = "s3cret-for-tests"
    response = client.post(url, b'{"hello": 1}', content_type="application/json",
                           headers={"X-Skill-Secret": "s3cret-for-tests"})
    assert response.status_code == 200 and "접수하지 못했습니다" in response.json()["template"]["outputs"][0][
        "simpleText"]["text"]
    assert not CrisisReport.objects.exists()
