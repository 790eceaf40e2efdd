"""Resident collaborators and the dong council (issue 17 item 3): appointments and renewal, the activity log, the
support received, council meetings and Happy-Neighbourhood projects (aggregates only)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from discovery.collaborators import council_year, member_year
from discovery.models import CouncilMeeting, HappyProject, MemberActivity
from discovery.services import collaborators as services
from tests.discovery.factories_network import member
from tests.factories import HouseholdFactory
from welfare.errors import RuleError

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 6, 15)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(dt.datetime(2026, 6, 15, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=9))), tick=False):
        yield


def test_activity_log_and_support_make_the_members_year(official, dong, second_dong):
    m = member(dong, name="한봉사")
    household = HouseholdFactory(dong=dong)
    services.activity_record(by=official, member=m, dong=dong, kind="visit", done_on=dt.date(2026, 3, 2),
                             household=household)
    services.activity_record(by=official, member=m, dong=dong, kind="visit", done_on=dt.date(2026, 4, 2),
                             household=household)
    services.activity_record(by=official, member=m, dong=dong, kind="report", done_on=dt.date(2026, 4, 3))
    services.activity_record(by=official, member=m, dong=dong, kind="training", done_on=dt.date(2026, 5, 1),
                             hours=Decimal("2.5"))
    services.support_record(by=official, member=m, kind="activity_cost", given_on=dt.date(2026, 5, 1),
                            amount_krw=50_000)
    services.support_record(by=official, member=m, kind="insurance", given_on=dt.date(2026, 1, 5), amount_krw=12_000)
    services.appointment_add(by=official, member=m, appointed_on=dt.date(2024, 7, 1),
                             term_ends_on=dt.date(2026, 6, 30))
    year = member_year(m, 2026, today=TODAY)
    assert (year.visits, year.reports, year.training_hours, year.support_total) == (2, 1, Decimal("2.5"), 62_000)
    assert year.renewal_due  # the term ends within 60 days
    services.appointment_add(by=official, member=m, appointed_on=dt.date(2026, 7, 1),
                             term_ends_on=dt.date(2028, 6, 30))
    assert not member_year(m, 2026, today=TODAY).renewal_due


def test_activity_rules(official, other_dong_official, dong, second_dong):
    m = member(dong)
    with pytest.raises(RuleError) as refused:
        services.activity_record(by=official, member=m, dong=dong, kind="visit", done_on=TODAY)
    assert "household" in refused.value.message_dict
    with pytest.raises(RuleError) as refused:  # a household of another dong
        services.activity_record(by=official, member=m, dong=dong, kind="visit", done_on=TODAY,
                                 household=HouseholdFactory(dong=second_dong))
    with pytest.raises(RuleError) as refused:
        services.activity_record(by=official, member=m, dong=dong, kind="training", done_on=TODAY, hours=0)
    assert "hours" in refused.value.message_dict
    with pytest.raises(RuleError) as refused:
        services.activity_record(by=official, member=m, dong=dong, kind="report", done_on=TODAY + dt.timedelta(days=3))
    assert "done_on" in refused.value.message_dict
    with pytest.raises(RuleError):  # a member of a dong the official does not serve
        services.activity_record(by=other_dong_official, member=m, dong=dong, kind="report", done_on=TODAY)
    assert MemberActivity.objects.count() == 0


def test_council_meetings_and_projects_are_aggregates(official, planner, dong):
    services.meeting_record(by=official, dong=dong, held_on=dt.date(2026, 3, 10), agenda="고독사 예방 사업 선정",
                            attendees="김위원, 이위원, 박위원", decisions="반찬 나눔 사업 추진")
    services.meeting_record(by=official, dong=dong, held_on=dt.date(2026, 3, 10), agenda="고독사 예방 사업 선정",
                            attendees="김위원, 이위원, 박위원")  # a double submit records once
    services.project_save(by=official, dong=dong, year=2026, title="이웃 반찬 나눔", budget_krw=5_000_000,
                          beneficiaries=40, households=35)
    with pytest.raises(RuleError):
        services.meeting_record(by=planner, dong=dong, held_on=TODAY, agenda="x", attendees="y")
    assert CouncilMeeting.objects.get().attendee_count == 3
    summary = council_year(dong.pk, 2026)
    assert (summary.meetings, summary.projects, summary.budget_krw, summary.beneficiaries) == (1, 1, 5_000_000, 40)
    assert not any(f.name in ("resident", "household") for f in HappyProject._meta.fields)


def test_pages(client_for, official, planner, dong, second_dong):
    m = member(dong, name="나눔이")
    client = client_for(official)
    url = reverse("discovery:member_activity", args=[m.pk])
    response = client.post(url, {"form": "support", "kind": "activity_cost", "given_on": "2026-06-01",
                                 "amount_krw": "30000", "note": ""})
    assert response.status_code == 302
    html = client.get(url).content.decode()
    assert "30,000" in html and "나눔이" in html
    other = member(second_dong)
    assert client.get(reverse("discovery:member_activity", args=[other.pk])).status_code == 404
    council = reverse("discovery:council", args=[dong.pk])
    client.post(council, {"form": "project", "year": "2026", "title": "행복 텃밭", "budget_krw": "1000000",
                          "beneficiaries": "12", "households": "10"})
    assert "행복 텃밭" in client.get(council).content.decode()
    planner_page = client_for(planner).get(council).content.decode()
    assert "행복 텃밭" in planner_page and 'name="form"' not in planner_page
    assert client_for(planner).post(council, {"form": "project"}).status_code == 403
