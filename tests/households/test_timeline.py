"""The household timeline: one list over visits, stage changes, links, check-ins, follow-ups, composition."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from households import timeline
from households.models import CheckIn, FollowUp, ServiceLink
from tests.factories import HouseholdFactory, ResidentFactory
from welfare.demo.busy import BUSY_KINDS, seed_busy_household

from .factories_worklists import (
    CheckInFactory,
    FollowUpFactory,
    MemberEventFactory,
    ServiceLinkFactory,
    StageChangeFactory,
    VisitFactory,
)

pytestmark = pytest.mark.django_db

SEOUL = timezone.get_default_timezone()


def seoul(y, m, d, hh=10, mm=0):
    return dt.datetime(y, m, d, hh, mm, tzinfo=SEOUL)


def busy(dong, events):
    household = HouseholdFactory(dong=dong, status="under_care")
    ResidentFactory(household=household, relation="head")
    seed_busy_household(household, events=events)
    return household


def page_queries(client, household, **params):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("households:detail", args=[household.pk]), params)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


def test_timeline_query_count_does_not_grow_with_events(dong):
    # Given a household with one event of each kind and one with 200 events of every kind
    few, many = busy(dong, len(BUSY_KINDS)), busy(dong, 200)

    # When the first page of each timeline is read
    with CaptureQueriesContext(connection) as small:
        list(timeline.household_timeline(few))
    with CaptureQueriesContext(connection) as large:
        page = timeline.household_timeline(many)

    # Then both cost the same: count + page of the union + one query per kind (6) + the visits' needs = 9
    assert len(small.captured_queries) == len(large.captured_queries) == 9
    assert len(page.object_list) == 20
    assert {e.kind for e in page.object_list} == set(BUSY_KINDS)


def test_household_page_costs_the_same_with_200_events_as_with_a_handful(client_for, official, dong):
    # Given two households of the official's dong: one event of each kind (a kind absent from the page costs
    # no query, so the small one has all six), and 200 events
    client = client_for(official)
    few, many = busy(dong, len(BUSY_KINDS)), busy(dong, 200)

    page_queries(client, few)  # warm-up: the first request also caches the access log's content type

    # When the official opens each household page
    few_count, _ = page_queries(client, few)
    many_count, response = page_queries(client, many)

    # Then the page runs the same number of queries and shows 20 lines of the 200
    assert few_count == many_count
    assert response.context["timeline"].paginator.count == 200
    assert response.content.decode().count('class="tl-item') == 20


def test_events_of_all_kinds_are_listed_newest_first(dong, official):
    # Given one event of each kind on different days
    household = HouseholdFactory(dong=dong)
    visit = VisitFactory(household=household, visited_at=seoul(2025, 3, 1))
    change = StageChangeFactory(case__household=household, at=seoul(2025, 3, 5), by=official)
    link = ServiceLinkFactory(household=household, created_by=official)
    ServiceLink.objects.filter(pk=link.pk).update(created_at=seoul(2025, 3, 3))
    check_in = CheckInFactory(household=household, at=seoul(2025, 3, 4), is_alert=True)
    follow_up = FollowUpFactory(household=household, due_on=dt.date(2025, 3, 20))
    FollowUp.objects.filter(pk=follow_up.pk).update(created_at=seoul(2025, 3, 2))
    event = MemberEventFactory(household=household, on=dt.date(2025, 3, 6))

    # When the timeline is read
    entries = timeline.household_timeline(household).object_list

    # Then it is newest first across kinds; the composition event counts from 00:00 in Seoul
    assert [(e.kind, e.obj.pk) for e in entries] == [
        ("member", event.pk), ("stage", change.pk), ("checkin", check_in.pk), ("link", link.pk),
        ("followup", follow_up.pk), ("visit", visit.pk),
    ]
    assert timezone.localtime(entries[0].at) == seoul(2025, 3, 6, 0, 0)


def test_lines_show_summary_due_date_status_and_who(client_for, official, dong):
    # Given a visit with a need, a link with an amount and a follow-up
    household = HouseholdFactory(dong=dong)
    visit = VisitFactory(household=household, visited_at=seoul(2025, 5, 2, 14, 30), recorded_by=official,
                         contact_result="not_home")
    visit.needs.create(domain="income", severity="high")
    ServiceLinkFactory(household=household, created_by=official, amount_krw=1_500_000, status="accepted")
    FollowUpFactory(household=household, due_on=dt.date(2025, 6, 1), assigned_to=official)

    # When the official opens the household page
    html = client_for(official).get(reverse("households:detail", args=[household.pk])).content.decode()

    # Then each line says what happened, when (Asia/Seoul) and by whom
    assert "2025-05-02 14:30" in html
    assert "가정 방문 · 부재 · 경제(상)" in html
    assert "1,500,000원" in html and "수락" in html
    assert "예정일 2025-06-01" in html and "예정" in html
    assert official.get_full_name() in html


def test_second_page_shows_the_next_twenty(client_for, official, dong):
    # Given a household with 45 visits, one a day
    household = HouseholdFactory(dong=dong)
    visits = [VisitFactory(household=household, visited_at=seoul(2025, 1, 1) + dt.timedelta(days=i))
              for i in range(45)]
    newest_first = [v.pk for v in reversed(visits)]

    # When page 2 of the timeline is asked for with the timeline's own parameter
    response = client_for(official).get(reverse("households:detail", args=[household.pk]), {"tpage": 2})

    # Then it holds events 21–40 and its links keep other parameters and the #timeline anchor
    page = response.context["timeline"]
    assert [e.obj.pk for e in page.object_list] == newest_first[20:40]
    html = response.content.decode()
    assert "?tpage=3#timeline" in html and "?tpage=1#timeline" in html


def test_pagination_links_keep_other_parameters(client_for, official, dong):
    household = HouseholdFactory(dong=dong)
    for i in range(25):
        VisitFactory(household=household, visited_at=seoul(2025, 1, 1) + dt.timedelta(days=i))

    response = client_for(official).get(reverse("households:detail", args=[household.pk]), {"tab": "x"})

    assert "?tab=x&amp;tpage=2#timeline" in response.content.decode()


def test_another_households_events_never_appear(client_for, official, dong, other_household):
    # Given events on a household of another dong, and one on the official's household
    household = HouseholdFactory(dong=dong)
    mine = VisitFactory(household=household, visited_at=seoul(2025, 2, 1))
    seed_busy_household(other_household, events=30)

    # When the official reads their household's timeline
    response = client_for(official).get(reverse("households:detail", args=[household.pk]))

    # Then only that household's event is listed
    assert [e.obj.pk for e in response.context["timeline"].object_list] == [mine.pk]
    assert response.context["timeline"].paginator.count == 1


def test_other_dong_timeline_is_404(client_for, official, other_household):
    seed_busy_household(other_household, events=6)

    response = client_for(official).get(reverse("households:detail", args=[other_household.pk]))

    assert response.status_code == 404


def test_empty_timeline_says_so(client_for, official, household):
    response = client_for(official).get(reverse("households:detail", args=[household.pk]))

    assert "아직 기록이 없습니다." in response.content.decode()


def test_visit_and_case_lines_link_to_their_pages_when_those_exist(dong, official):
    # Given a visit and a case opening
    household = HouseholdFactory(dong=dong)
    visit = VisitFactory(household=household)
    change = StageChangeFactory(case__household=household)

    # When the timeline is read
    entries = {e.kind: e for e in timeline.household_timeline(household).object_list}

    # Then the links point at the visit and case pages (or are absent while those pages do not exist)
    for kind, name, pk in (("visit", "households:visit_detail", visit.pk), ("stage", "households:case_detail",
                                                                            change.case_id)):
        try:
            expected = reverse(name, args=[household.pk, pk])
        except Exception:  # noqa: BLE001 - NoReverseMatch while a colleague's page is not merged
            expected = None
        assert entries[kind].url == expected


def test_the_crisis_report_source_is_discovered_from_discovery(dong):
    # When the registered sources are read, discovery's timeline module has been found and registered
    kinds = [s.kind for s in timeline.timeline_sources()]

    # Then crisis reports are on the timeline, after households' own kinds
    assert kinds[-1] == "report" and kinds.count("report") == 1


def test_a_new_source_is_one_entry_in_the_list(dong):
    # Given the sources with one more kind (here: check-ins again, under another name)
    household = HouseholdFactory(dong=dong)
    CheckInFactory(household=household, at=seoul(2025, 1, 2))
    extra = timeline.TimelineSource("extra", "추가", CheckIn, "at",
                                    lambda c: {"summary": "x", "who": None, "url": None})
    sources = [*timeline.timeline_sources(), extra]

    # When the timeline is read with it
    entries = timeline.household_timeline(household, sources=sources).object_list

    # Then the union simply includes it
    assert sorted(e.kind for e in entries) == ["checkin", "extra"]
