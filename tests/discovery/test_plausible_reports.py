"""Plausible values of crisis reports (issue 12 item 4): received times neither in the future nor before
EARLIEST_RECORD_DATE, first-contact deadlines within NEXT_CONTACT_MAX_DAYS, notes within their length — refused by
discovery.services on the pages (here) and in the API (tests/api/test_api_plausible.py) with one sentence."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from discovery import services
from discovery.models import ContactAttempt, CrisisReport
from welfare.errors import RuleError

from .factories_reports import new_report, seoul

pytestmark = pytest.mark.django_db

TOO_EARLY_TIME = "2000-01-01부터의 일시만 적을 수 있습니다."


def report_post(dong, **overrides) -> dict:
    return {"channel": "phone", "dong": dong.pk, "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "urgency": "normal", "subject_name": "박복순", "reporter_kind": "anonymous", **overrides}


@pytest.mark.parametrize("when", ["1999-12-31T23:00", "0450-06-01T10:00"])
def test_a_report_received_before_the_earliest_date_is_refused_beside_the_field(client_for, dong, official, when):
    response = client_for(official).post(reverse("discovery:report_create"), report_post(dong, received_at=when))

    assert response.status_code == 200
    assert response.context["form"].errors["received_at"] == [TOO_EARLY_TIME]
    assert not CrisisReport.objects.exists()


def test_a_report_received_in_the_future_is_still_refused(client_for, dong, official):
    later = (timezone.localtime() + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    response = client_for(official).post(reverse("discovery:report_create"), report_post(dong, received_at=later))

    assert response.context["form"].errors["received_at"] == ["접수 일시가 미래입니다."]


def test_a_first_contact_deadline_beyond_a_year_is_refused(client_for, dong, official):
    response = client_for(official).post(reverse("discovery:report_create"),
                                         report_post(dong, first_contact_due_at="9999-12-31T10:00"))

    assert response.context["form"].errors["first_contact_due_at"] == [
        "초기 접촉 기한은 접수 일시부터 366일 이내여야 합니다."]
    assert not CrisisReport.objects.exists()


def test_a_report_on_the_earliest_date_is_taken(dong, official):
    report = new_report(dong, by=official, received_at=seoul(2000, 1, 1, 9))

    assert report.received_at == seoul(2000, 1, 1, 9)


def test_a_long_attempt_note_is_refused_not_cut(dong, official):
    report = new_report(dong, by=official)

    with pytest.raises(RuleError) as refused:
        services.contact_attempt_record(report=report, by=official, method="phone", reached=False, note="가" * 301)

    assert refused.value.message_dict == {"note": ["300자 이내로 적어 주세요. (지금 301자)"]}
    assert not ContactAttempt.objects.exists()


def test_a_long_handoff_note_is_refused(dong, official):
    report = new_report(dong, by=official)

    with pytest.raises(RuleError) as refused:
        services.report_resolve(report=report, by=official, outcome="no_need", reason="해당 없음",
                                handoff_note="나" * 2001)

    assert refused.value.message_dict == {"handoff_note": ["2,000자 이내로 적어 주세요. (지금 2,001자)"]}
    report.refresh_from_db()
    assert report.status != "resolved"


def test_the_report_forms_carry_the_details_limit_for_the_counter(client, client_for, official):
    public = client.get(reverse("report:create")).content.decode()
    official_page = client_for(official).get(reverse("discovery:report_create")).content.decode()

    for html in (public, official_page):
        assert 'maxlength="2000"' in html and "data-counter" in html
