"""Report pages: the officials' new-report form and the screening page (candidates, contact, resolution)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from discovery import services
from discovery.models import ContactAttempt, CrisisReport
from households.models import Case, Household
from tests.factories import staff_user
from welfare.models import AccessLog, Role

from .factories_reports import household_at, new_report

pytestmark = pytest.mark.django_db


def detail(report) -> str:
    return reverse("discovery:report_detail", args=[report.pk])


def test_official_takes_a_phone_report(client_for, dong, official):
    response = client_for(official).post(reverse("discovery:report_create"), {
        "channel": "phone", "dong": dong.pk, "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "urgency": "urgent", "subject_name": "박복순", "subject_phone": "010-1111-2222",
        "risk_signals": ["no_food"], "details": "이웃이 전화로 알림", "reporter_kind": "named",
        "reporter_name": "이웃", "reporter_phone": "010 3333 4444",
    })
    report = CrisisReport.objects.get()
    assert response.status_code == 302 and response["Location"] == detail(report)
    assert report.urgency == "urgent" and report.subject_phone == "01011112222"
    assert report.reporter.phone == "01033334444"


def test_new_report_form_offers_no_web_or_bigdata_channel_and_keeps_input_on_error(client_for, dong, official):
    client = client_for(official)
    html = client.get(reverse("discovery:report_create")).content.decode()
    assert 'value="walk_in"' in html and 'value="web"' not in html and 'value="bigdata"' not in html

    response = client.post(reverse("discovery:report_create"), {
        "channel": "phone", "dong": dong.pk, "received_at": "2025-05-01T10:00", "urgency": "normal",
        "details": "누군지 모름", "reporter_kind": "anonymous"})
    assert response.status_code == 200 and "하나는 적어 주세요" in response.content.decode()
    assert "누군지 모름" in response.content.decode()
    assert not CrisisReport.objects.exists()


def test_mandatory_reporter_needs_a_profession(client_for, dong, official):
    response = client_for(official).post(reverse("discovery:report_create"), {
        "channel": "referral", "dong": dong.pk, "received_at": "2025-05-01T10:00", "urgency": "normal",
        "subject_name": "김", "reporter_kind": "mandatory", "referral_agency": "성동경찰서"})
    assert "직업을 적어" in response.content.decode()


def test_screening_page_proposes_candidates_with_reasons_and_links_one(client_for, dong, official):
    household = household_at(dong, "서울특별시 성동구 왕십리로 80", head="윤정희", phone="01077778888")
    report = new_report(dong, by=official, subject_name="윤정희", subject_phone="010-7777-8888")
    client = client_for(official)

    html = client.get(detail(report)).content.decode()
    assert "연락처 일치" in html and "이름 일치" in html and "이 세대로 연결" in html and "새 세대 만들기" in html

    response = client.post(reverse("discovery:report_link", args=[report.pk]), {"household": household.pk})
    report.refresh_from_db()
    assert response.status_code == 302 and report.household == household and report.status == "screening"


def test_screening_page_offers_a_merge_when_two_candidates_look_alike(client_for, dong, official):
    a = household_at(dong, "왕십리로 80", "1층", head="윤정희")
    b = household_at(dong, "왕십리로 80", "1층", head="윤정희")
    report = new_report(dong, by=official, subject_name="윤정희")
    html = client_for(official).get(detail(report)).content.decode()
    assert f"{reverse('discovery:household_merge')}?a={b.pk}&amp;b={a.pk}" in html \
        or f"{reverse('discovery:household_merge')}?a={a.pk}&amp;b={b.pk}" in html


def test_new_household_from_the_report(client_for, dong, official):
    report = new_report(dong, by=official, subject_name="서영자", subject_address="행당로 11")
    client = client_for(official)
    url = reverse("discovery:report_household_new", args=[report.pk])
    html = client.get(url).content.decode()
    assert 'value="행당로 11"' in html and 'value="서영자"' in html

    response = client.post(url, {"dong": dong.pk, "road_address": "서울특별시 성동구 행당로 11",
                                 "housing_type": "multi_family", "risk_level": "high", "status": "monitoring",
                                 "head-name": "서영자", "head-relation": "head"})
    report.refresh_from_db()
    assert response.status_code == 302 and report.household is not None
    assert report.household.residents.get().name == "서영자"


def test_attempt_form_errors_keep_the_input(client_for, dong, official):
    report = new_report(dong, by=official)
    response = client_for(official).post(reverse("discovery:report_attempt", args=[report.pk]),
                                         {"method": "", "note": "초인종 고장", "at": "2025-01-01T10:00"})
    assert response.status_code == 200 and "초인종 고장" in response.content.decode()
    assert not ContactAttempt.objects.exists()


def test_resolving_as_case_without_consent_shows_the_rule_and_the_way_to_record_it(client_for, dong, official):
    household = household_at(dong, "왕십리로 5")
    report = new_report(dong, by=official)
    services.report_link_household(report=report, household=household, by=official)
    head = household.residents.get()
    client = client_for(official)

    response = client.post(reverse("discovery:report_resolve", args=[report.pk]),
                           {"outcome": "case_opened", "client": head.pk, "case_class": "general"})
    html = response.content.decode()
    assert response.status_code == 200 and "동의가 기록되어 있지 않아" in html
    assert reverse("households:consent_add", args=[household.pk, head.pk]) in html
    assert not Case.objects.exists()


def test_resolving_as_case_through_the_page(client_for, dong, official):
    household = household_at(dong, "왕십리로 5", consents=("collect_use",))
    report = new_report(dong, by=official)
    services.report_link_household(report=report, household=household, by=official)
    client = client_for(official)

    response = client.post(reverse("discovery:report_resolve", args=[report.pk]),
                           {"outcome": "case_opened", "client": household.residents.get().pk,
                            "case_class": "general"})
    assert response.status_code == 302
    html = client.get(detail(report)).content.decode()
    assert "통합사례관리 접수" in html and "처리 완료" in html
    assert 'action="' + reverse("discovery:report_resolve", args=[report.pk]) not in html  # read-only now


def test_resolve_without_reason_shows_the_error_beside_the_field(client_for, dong, official):
    report = new_report(dong, by=official)
    response = client_for(official).post(reverse("discovery:report_resolve", args=[report.pk]),
                                         {"outcome": "no_need", "reason": "", "case_class": "general"})
    assert response.status_code == 200 and "사유를 적어 주세요" in response.content.decode()


def test_reporter_identity_is_shown_to_the_assigned_official_and_leads_and_logged(client_for, dong, official,
                                                                                  lead):
    report = new_report(dong, channel="web", reporter={"name": "비밀제보자", "phone": "01099990000"})
    colleague = staff_user(Role.DONG_OFFICIAL, district=dong.district, dongs=[dong], username="colleague")

    # An official of the dong the report is not assigned to does not see who reported
    assert "비밀제보자" not in client_for(colleague).get(detail(report)).content.decode()
    assert not AccessLog.objects.filter(verb="discovery.reporter.viewed").exists()

    # The assigned official and the lead do, and each view is logged
    services.reports_assign(reports=[report.pk], by=lead, to_user=official)
    assert "비밀제보자" in client_for(official).get(detail(report)).content.decode()
    assert "비밀제보자" in client_for(lead).get(detail(report)).content.decode()
    assert AccessLog.objects.filter(verb="discovery.reporter.viewed", object_id=str(report.pk)).count() == 2


def test_report_shows_on_the_household_timeline(client_for, dong, official):
    household = household_at(dong, "왕십리로 5")
    report = new_report(dong, by=official, channel="kakao", urgency="urgent")
    services.report_link_household(report=report, household=household, by=official)
    html = client_for(official).get(reverse("households:detail", args=[household.pk])).content.decode()
    assert "위기가구 제보" in html and "카카오톡 · 긴급" in html and detail(report) in html


def test_household_page_of_a_merged_away_household_is_404(client_for, dong, official):
    a, b = household_at(dong, "왕십리로 1"), household_at(dong, "왕십리로 1")
    services.household_merge(survivor=a, duplicate=b, by=official, reason="중복")
    assert client_for(official).get(reverse("households:detail", args=[b.pk])).status_code == 404
    assert Household.objects.count() == 1


def test_screening_page_costs_the_same_with_few_or_many_attempts_and_candidates(client_for, dong, official):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # Given a report with one candidate and one attempt, then with eight of each
    report = new_report(dong, by=official, subject_name="남궁순")
    client = client_for(official)
    household_at(dong, "왕십리로 9", head="남궁순")
    services.contact_attempt_record(report=report, by=official, method="phone", reached=False)
    client.get(detail(report))  # warm-up
    with CaptureQueriesContext(connection) as few:
        client.get(detail(report))
    for i in range(7):
        household_at(dong, f"왕십리로 {20 + i}", head="남궁순")
        services.contact_attempt_record(report=report, by=official, method="visit", reached=False)
    with CaptureQueriesContext(connection) as many:
        response = client.get(detail(report))

    # Then the same number of queries: candidates (2), attempts (1), the rest fixed per page
    assert len(response.context["candidates"]) == 8 and len(response.context["attempts"]) == 8
    assert len(few.captured_queries) == len(many.captured_queries)
