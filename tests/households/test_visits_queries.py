"""The household page's visit panel runs a constant number of queries, whatever its rows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from households import services
from households.views import visits
from tests.factories import ResidentFactory

from .factories_visits import CheckInFactory, FollowUpFactory, MemberEventFactory, VisitFactory

pytestmark = pytest.mark.django_db


def add_rows(household, official, n: int, *, days_ago: int = 0) -> None:
    """n rows of every kind the panel lists, dated ``days_ago`` days back and older."""
    now, today = timezone.now(), timezone.localdate()
    for i in range(n):
        back = days_ago + i
        resident = ResidentFactory(household=household, relation="child")
        MemberEventFactory(household=household, resident=resident, on=today - dt.timedelta(days=back))
        CheckInFactory(household=household, recorded_by=official, at=now - dt.timedelta(days=back))
        visit = VisitFactory(household=household, recorded_by=official, visited_at=now - dt.timedelta(days=back))
        visit.staff_present.set([official])
        services.isolation_screening_record(household=household, resident=resident, by=official, answers={},
                                            on=today - dt.timedelta(days=back))
    for reason in ("cadence", "manual", "silence", "overdue"):
        if not household.follow_ups.filter(reason=reason, status="open").exists():
            FollowUpFactory(household=household, reason=reason, assigned_to=official,
                            due_on=today - dt.timedelta(days=1))


def panel_queries(official, household) -> int:
    request = RequestFactory().get("/")
    request.user = official
    with CaptureQueriesContext(connection) as ctx:
        context = visits.detail_context(request, household)
        render_to_string("households/_visits_panel.html", {**context, "household": household, "can_edit": True})
    return len(ctx.captured_queries)


def page_queries(client, household) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("households:detail", args=[household.pk]))
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("single_person", [True, False])
def test_the_visit_panel_runs_six_queries_whatever_its_rows(official, household, single_person):
    household.is_single_person = single_person
    household.save()
    empty = panel_queries(official, household)

    add_rows(household, official, 12)

    # visits with their recorder, open follow-ups with their assignee, the last 5 check-ins with their recorder,
    # the last 10 member events with their resident, the latest screening with its resident, current residents
    assert empty == panel_queries(official, household) == 6


def test_the_household_page_does_not_grow_with_visits_follow_ups_check_ins_or_events(client_for, official,
                                                                                     household):
    # given one recent row of each kind (so every list and every kind of the timeline's page has something)
    client = client_for(official)
    household.is_single_person = True
    household.save()
    add_rows(household, official, 1)
    page_queries(client, household)  # warms the content-type cache the access log uses
    few = page_queries(client, household)

    # when a dozen older rows of each kind are added
    add_rows(household, official, 12, days_ago=1)

    # then the page costs the same
    assert page_queries(client, household) == few
