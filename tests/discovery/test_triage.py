"""The triage queue: urgent and overdue first, age shown, bulk assign, one-click outcomes with a reason."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from discovery import services
from discovery.models import CrisisReport
from tests.factories import staff_user
from welfare.models import Role

from .factories_reports import new_report

pytestmark = pytest.mark.django_db
QUEUE = reverse("discovery:queue")


def days_ago(n: float) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=n)


def queue_codes(client, **params) -> list[str]:
    response = client.get(QUEUE, params)
    assert response.status_code == 200
    return [r.receipt_code for r in response.context["page"].object_list]


def test_queue_puts_urgent_first_then_overdue_then_oldest(client_for, dong, official):
    # Given a normal report of 2 days (not yet due), an overdue one of 10 days, an older one of 5 days that was
    # contacted, and an urgent one of 1 hour
    recent = new_report(dong, by=official, received_at=days_ago(2))
    overdue = new_report(dong, by=official, received_at=days_ago(10))
    contacted = new_report(dong, by=official, received_at=days_ago(12))
    services.contact_attempt_record(report=contacted, by=official, method="phone", reached=True)
    urgent = new_report(dong, by=official, urgency="urgent", received_at=timezone.now() - dt.timedelta(hours=1))

    # When the official opens the queue
    codes = queue_codes(client_for(official))

    # Then: urgent, overdue, then the others oldest first
    assert codes == [urgent.receipt_code, overdue.receipt_code, contacted.receipt_code, recent.receipt_code]


def test_queue_shows_age_due_date_in_red_when_overdue_channel_and_signals(client_for, dong, official):
    new_report(dong, by=official, channel="kakao", received_at=days_ago(9), risk_signals=["no_food", "isolation"])
    html = client_for(official).get(QUEUE).content.decode()
    assert "9일 전" in html
    assert 'class="due-overdue"' in html and "기한 지남" in html
    assert "카카오톡" in html and "끼니 해결 곤란" in html and "고립·연락 두절" in html


def test_resolved_reports_leave_the_queue_but_can_be_filtered(client_for, dong, official):
    report = new_report(dong, by=official)
    services.report_resolve(report=report, by=official, outcome="no_need", reason="욕구 없음")
    client = client_for(official)
    assert queue_codes(client) == []
    assert queue_codes(client, status="resolved") == [report.receipt_code]


def test_filters_channel_urgency_and_mine(client_for, dong, official, lead):
    mine = new_report(dong, by=official, channel="walk_in", urgency="urgent")
    other = new_report(dong, by=official, channel="phone")
    services.reports_assign(reports=[mine.pk], by=lead, to_user=official)
    client = client_for(official)
    assert queue_codes(client, channel="walk_in") == [mine.receipt_code]
    assert queue_codes(client, urgency="normal") == [other.receipt_code]
    assert queue_codes(client, mine="on") == [mine.receipt_code]


def test_district_queue_is_shown_to_leads_and_district_admins_only(client_for, dong, official, lead,
                                                                   district_admin):
    unplaced = new_report(None, district=dong.district, channel="web")
    assert queue_codes(client_for(official)) == []
    assert queue_codes(client_for(lead), dong="district") == [unplaced.receipt_code]
    assert queue_codes(client_for(district_admin), dong="district") == [unplaced.receipt_code]


def test_queue_costs_the_same_with_3_or_30_reports(client_for, dong, official):
    client = client_for(official)
    for i in range(3):
        new_report(dong, by=official, received_at=days_ago(i + 1), risk_signals=["debt"])
    client.get(QUEUE)  # warm-up: sessions, content types

    with CaptureQueriesContext(connection) as few:
        client.get(QUEUE)
    for i in range(27):
        report = new_report(dong, by=official, received_at=days_ago(i + 1), risk_signals=["debt"])
        if i % 2:
            services.reports_assign(reports=[report.pk], by=official, to_user=official)
    with CaptureQueriesContext(connection) as many:
        response = client.get(QUEUE)

    # Session, user, membership, dongs of the filter, staff for the assign form, count, one page with dong,
    # assignee and household joined: the same whatever the number of rows.
    assert len(few.captured_queries) == len(many.captured_queries)
    assert len(response.context["page"].object_list) == 25


def test_bulk_assign_skips_a_smuggled_report_of_another_dong(client_for, dong, second_dong, official, lead,
                                                              other_dong_official):
    # Given two reports of the lead's dong and one of another dong, whose id is slipped into the form
    a, b = new_report(dong, by=official), new_report(dong, by=official)
    foreign = new_report(second_dong, by=other_dong_official)

    # When the lead assigns the three to the official
    response = client_for(lead).post(reverse("discovery:queue_assign"),
                                     {"ids": [a.pk, b.pk, foreign.pk], "to_user": official.pk})

    # Then the two of the dong are assigned and in screening, the other untouched
    assert response.status_code == 302
    assert set(CrisisReport.objects.filter(assigned_official=official).values_list("pk", flat=True)) == {a.pk, b.pk}
    assert CrisisReport.objects.get(pk=a.pk).status == "screening"
    foreign.refresh_from_db()
    assert foreign.assigned_official is None and foreign.status == "received"


def test_assign_to_official_of_another_dong_assigns_nothing(dong, official, lead, other_dong_official):
    report = new_report(dong, by=official)
    result = services.reports_assign(reports=[report.pk], by=lead, to_user=other_dong_official)
    assert (result.done, result.not_in_dong) == (0, 1)


def test_assigning_a_district_queue_report_sets_its_dong(dong, second_dong, official, district_admin):
    unplaced = new_report(None, district=dong.district, channel="web")
    result = services.reports_assign(reports=[unplaced.pk], by=district_admin, to_user=official)
    unplaced.refresh_from_db()
    assert result.done == 1 and unplaced.dong == dong and unplaced.assigned_official == official

    two_dongs = staff_user(Role.DONG_OFFICIAL, district=dong.district, dongs=[dong, second_dong], username="two")
    again = new_report(None, district=dong.district, channel="web")
    assert services.reports_assign(reports=[again.pk], by=district_admin, to_user=two_dongs).not_in_dong == 1
    assert services.reports_assign(reports=[again.pk], by=district_admin, to_user=two_dongs,
                                   dong=second_dong).done == 1
    again.refresh_from_db()
    assert again.dong == second_dong


def test_one_click_outcome_needs_a_reason(client_for, dong, official):
    report = new_report(dong, by=official)
    url = reverse("discovery:report_quick_resolve", args=[report.pk])
    client = client_for(official)

    client.post(url, {"outcome": "no_need", "reason": ""})
    report.refresh_from_db()
    assert report.status != "resolved"

    response = client.post(url, {"outcome": "referred", "reason": "정신건강복지센터로 의뢰"}, follow=True)
    report.refresh_from_db()
    assert report.outcome == "referred" and report.outcome_reason == "정신건강복지센터로 의뢰"
    assert "처리했습니다" in response.content.decode()


def test_one_click_duplicate_takes_the_original_receipt_code(client_for, dong, official):
    original, again = new_report(dong, by=official), new_report(dong, by=official)
    client_for(official).post(reverse("discovery:report_quick_resolve", args=[again.pk]),
                              {"outcome": "duplicate", "reason": "같은 분", "duplicate_code": original.receipt_code})
    again.refresh_from_db()
    assert again.duplicate_of == original


def test_script_in_a_report_is_escaped_on_the_queue_and_the_detail_page(client_for, dong, official):
    report = new_report(dong, channel="web", subject_name="<script>alert(1)</script>",
                        details="<script>alert(2)</script>\n<b>굵게</b>")
    client = client_for(official)
    for url in (QUEUE, reverse("discovery:report_detail", args=[report.pk])):
        html = client.get(url).content.decode()
        assert "<script>alert" not in html and "<b>굵게" not in html
        assert "&lt;script&gt;alert(" in html


def test_planners_may_not_write(client_for, dong, official, planner):
    report = new_report(dong, by=official)
    client = client_for(planner)
    posts = [
        (reverse("discovery:queue_assign"), {"ids": [report.pk], "to_user": official.pk}),
        (reverse("discovery:report_quick_resolve", args=[report.pk]), {"outcome": "no_need", "reason": "x"}),
        (reverse("discovery:report_link", args=[report.pk]), {"household": 1}),
        (reverse("discovery:report_attempt", args=[report.pk]), {"method": "phone"}),
        (reverse("discovery:report_resolve", args=[report.pk]), {"outcome": "no_need", "reason": "x"}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 403, url
    assert client.get(reverse("discovery:report_create")).status_code == 403
    assert client.get(reverse("discovery:report_household_new", args=[report.pk])).status_code == 403


def test_another_dongs_report_is_404_on_every_url(client_for, dong, second_dong, official, other_dong_official):
    report = new_report(second_dong, by=other_dong_official)
    client = client_for(official)
    assert client.get(reverse("discovery:report_detail", args=[report.pk])).status_code == 404
    assert client.get(reverse("discovery:report_household_new", args=[report.pk])).status_code == 404
    for name, data in (("report_quick_resolve", {"outcome": "no_need", "reason": "x"}),
                       ("report_link", {"household": 1}),
                       ("report_attempt", {"method": "phone", "at": "2025-01-01T10:00"}),
                       ("report_resolve", {"outcome": "no_need", "reason": "x"})):
        assert client.post(reverse(f"discovery:{name}", args=[report.pk]), data).status_code == 404, name
    report.refresh_from_db()
    assert report.status == "received"
