"""Discovery dashboard: figures per dong and month equal direct counts, in Asia/Seoul months, in few queries."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from discovery.models import CrisisReport
from discovery.views.dashboard import discovery_figures
from tests.factories import DongFactory

from .factories_network import reading, report

pytestmark = pytest.mark.django_db

SEOUL = zoneinfo.ZoneInfo("Asia/Seoul")
YEAR = timezone.localdate().year - 1  # a whole past year: every month is complete
URL = reverse("discovery:dashboard")


def at(month: int, day: int = 10, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime(YEAR, month, day, hour, minute, tzinfo=SEOUL)


def contacted(dong, hours: float, *, month: int = 3, **extra):
    received = at(month)
    return report(dong, received_at=received, first_contacted_at=received + dt.timedelta(hours=hours), **extra)


def row_for(figures, dong):
    return next(r for r in figures.dongs if r.key == dong.pk)


def test_reports_by_channel_equal_direct_counts(official, dong):
    # Given reports of several channels in the official's dong
    for channel, n in (("phone", 3), ("honorary", 2), ("bigdata", 5), ("kakao", 1)):
        for _ in range(n):
            report(dong, received_at=at(4), channel=channel)

    # When the year's figures are computed
    figures = discovery_figures(official, year=YEAR)

    # Then each channel's count is the direct count
    row = row_for(figures, dong)
    for channel in ("phone", "honorary", "bigdata", "kakao", "web"):
        assert row.channels.get(channel, 0) == CrisisReport.objects.filter(dong=dong, channel=channel).count()
    assert row.received == 11 == figures.total.received


def test_the_share_resolved_as_case_or_link_is_of_the_resolved_reports(official, dong):
    # Given 4 resolved reports (a case, a link, two "no need") and one still open
    report(dong, received_at=at(5), status="resolved", outcome="case_opened")
    report(dong, received_at=at(5), status="resolved", outcome="linkage_only")
    report(dong, received_at=at(5), status="resolved", outcome="no_need", outcome_reason="욕구 없음")
    report(dong, received_at=at(5), status="resolved", outcome="no_need", outcome_reason="욕구 없음")
    report(dong, received_at=at(5), status="screening")

    row = row_for(discovery_figures(official, year=YEAR), dong)

    assert (row.received, row.resolved, row.case_opened, row.linkage_only) == (5, 4, 1, 1)
    assert row.selected_share == 50.0


def test_the_median_time_to_first_contact_in_hours(official, dong):
    # Given contacts after 2 h, 5 h and 30 h, and a report not contacted yet
    for hours in (2, 5, 30):
        contacted(dong, hours)
    report(dong, received_at=at(3))

    figures = discovery_figures(official, year=YEAR)

    # Then the median is 5 hours, for the dong, for March and in total
    assert row_for(figures, dong).median_contact_hours == 5.0
    assert figures.months[2].median_contact_hours == 5.0
    assert figures.total.median_contact_hours == 5.0


def test_an_even_number_of_contacts_takes_the_middle_two(official, dong):
    contacted(dong, 2)
    contacted(dong, 5)

    assert row_for(discovery_figures(official, year=YEAR), dong).median_contact_hours == 3.5  # (2 + 5) / 2


def test_open_reports_past_their_due_date(official, dong):
    past_due = at(6) + dt.timedelta(days=7)
    report(dong, received_at=at(6), first_contact_due_at=past_due)  # open, never contacted: overdue
    report(dong, received_at=at(6), first_contact_due_at=past_due, first_contacted_at=at(6, 11))  # contacted
    report(dong, received_at=at(6), first_contact_due_at=past_due, status="resolved", outcome="duplicate",
           outcome_reason="중복")  # resolved
    future = timezone.now() + dt.timedelta(days=2)
    report(dong, received_at=at(6), first_contact_due_at=future)  # not yet due

    figures = discovery_figures(official, year=YEAR)

    assert row_for(figures, dong).overdue_open == 1
    assert figures.months[5].overdue_open == 1


def test_months_are_asia_seoul_months(official, dong):
    # Given a report of 1 January 00:30 in Seoul (still 31 December in UTC) and one of 31 December 23:30
    report(dong, received_at=dt.datetime(YEAR, 1, 1, 0, 30, tzinfo=SEOUL))
    report(dong, received_at=dt.datetime(YEAR, 12, 31, 23, 30, tzinfo=SEOUL))
    report(dong, received_at=dt.datetime(YEAR - 1, 12, 31, 23, 30, tzinfo=SEOUL))  # the year before

    figures = discovery_figures(official, year=YEAR)

    assert figures.months[0].received == 1
    assert figures.months[11].received == 1
    assert figures.total.received == 2


def test_a_month_narrows_the_dong_figures(official, dong):
    report(dong, received_at=at(2), channel="phone")
    report(dong, received_at=at(3), channel="web")
    contacted(dong, 10, month=2)

    figures = discovery_figures(official, year=YEAR, month=2)

    row = row_for(figures, dong)
    assert row.received == 2 and dict(row.channels) == {"phone": 2}
    assert row.median_contact_hours == 10.0
    assert [m.received for m in figures.months][:3] == [0, 2, 1]  # the month table keeps the whole year


def test_an_official_counts_only_their_dongs_and_a_planner_the_district(official, planner, dong, second_dong):
    report(dong, received_at=at(7))
    report(second_dong, received_at=at(7))
    report(None, district=dong.district, received_at=at(7))  # the district queue

    mine = discovery_figures(official, year=YEAR)
    district = discovery_figures(planner, year=YEAR)

    assert [r.key for r in mine.dongs] == [dong.pk] and mine.total.received == 1
    assert district.total.received == 3
    assert any(r.label.startswith("동 미지정") for r in district.dongs)


def test_a_planner_may_open_the_page(client_for, planner, dong):
    report(dong, received_at=at(1))

    response = client_for(planner).get(URL, {"year": YEAR})

    assert response.status_code == 200
    assert response.context["figures"].total.received == 1


def test_the_page_shows_the_current_year_by_default(client_for, official, dong):
    report(dong, received_at=timezone.now() - dt.timedelta(minutes=5))

    response = client_for(official).get(URL)

    assert response.context["year"] == timezone.localdate().year
    assert response.context["figures"].total.received == 1


def test_the_dashboard_query_count_is_constant(client_for, district_admin, dong, seongdong):
    client = client_for(district_admin)
    report(dong, received_at=at(1))
    with CaptureQueriesContext(connection) as few:
        assert client.get(URL, {"year": YEAR}).status_code == 200

    for i in range(6):
        extra = DongFactory(district=seongdong, name=f"추가{i}동")
        for month in range(1, 13, 2):
            contacted(extra, hours=month, month=month, channel="phone" if i % 2 else "bigdata",
                      status="resolved", outcome="linkage_only")
            report(extra, received_at=at(month), first_contact_due_at=at(month, 12))
    with CaptureQueriesContext(connection) as many:
        assert client.get(URL, {"year": YEAR}).status_code == 200

    # The same number whatever the number of dongs and reports. Of them, the page's own reads of reports are
    # two: the counts by (dong, month, channel) and the contact moments (the rest is the layout: session,
    # user, membership, visible dongs, the dongs' names...).
    assert len(few.captured_queries) == len(many.captured_queries)
    assert reading(many, "discovery_crisisreport") == 2
