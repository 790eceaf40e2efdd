"""The case page and the cases panel run a constant number of queries, whatever the number of rows."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from households.models import (
    CaseConference,
    CaseGoal,
    CaseStage,
    CaseStageChange,
    CaseTransfer,
    ConferencePartner,
    ConferencePlanItem,
    NeedDomain,
    ServiceLink,
)

from .factories_cases import ResourceFactory, household_with_client, make_case

pytestmark = pytest.mark.django_db


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def grow(case, n, official, district):
    """n more of everything the case page lists: needs, goals, links (with resources), stage changes and
    conferences (with staff, partners and plan items)."""
    existing = set(case.needs.values_list("domain", flat=True))
    domains = [d for d in NeedDomain.values if d not in existing][:n]
    needs = [case.needs.create(domain=d, severity="high", priority=i + 1) for i, d in enumerate(domains)]
    for i in range(n):
        need = needs[i % len(needs)] if needs else None
        CaseGoal.objects.create(case=case, need=need, text=f"목표 {i}", target_on=case.opened_on + dt.timedelta(days=i))
        resource = ResourceFactory(district=district, sector="private" if i % 2 else "public")
        ServiceLink.objects.create(household=case.household, case=case, need=need, resource=resource,
                                   amount_krw=100000 * (i + 1), status="in_service" if i % 3 else "requested")
        CaseStageChange.objects.create(case=case, household=case.household, from_stage="intake",
                                       to_stage="assessment", by=official)
        CaseTransfer.objects.create(case=case, household=case.household, district=district, reason=f"요청 {i}",
                                    requested_by=official, status="returned", decided_by=official,
                                    decision_note="반려")
        conference = CaseConference.objects.create(case=case, held_on=case.opened_on, kind="general",
                                                   body="dong_council", decision="selected_general",
                                                   created_by=official)
        conference.staff.add(official)
        ConferencePartner.objects.create(conference=conference, organisation=f"복지관 {i}")
        ConferencePlanItem.objects.create(conference=conference, domain="income", text=f"항목 {i}",
                                          target_on=case.opened_on)


def test_case_page_query_count_is_constant(client_for, official, dong, seongdong):
    case = make_case(household_with_client(dong), stage=CaseStage.IN_SERVICE, by=official)
    url = reverse("households:case_detail", args=[case.household_id, case.pk])
    client = client_for(official)
    grow(case, 1, official, seongdong)
    count_queries(client, url)  # warms the content-type cache the access log uses
    few = count_queries(client, url)

    grow(case, 9, official, seongdong)
    many = count_queries(client, url)

    # session, user, membership, visible dongs, household, case (client and official joined), needs,
    # goals (need joined), links (resource and need joined), stage changes (by joined), previous case and
    # relapses, the transfers to the district team (people joined), the conferences (recorder joined) with their
    # staff, partners and plan items, the access-log insert, the needs offered by the goal form, the case's
    # attachments, the after-care contacts, the bell's unread-notification COUNT (base.html): 21, whatever the
    # number of rows.
    assert few == many == 21


def test_case_page_in_conference_with_its_form_query_count_is_constant(client_for, official, dong, seongdong):
    case = make_case(household_with_client(dong), stage=CaseStage.CONFERENCE, by=official)
    url = reverse("households:case_detail", args=[case.household_id, case.pk])
    client = client_for(official)
    grow(case, 1, official, seongdong)
    count_queries(client, url)
    few = count_queries(client, url)

    grow(case, 9, official, seongdong)
    many = count_queries(client, url)

    # The conference form adds the dong's assignable staff (one query) to the page's own.
    assert few == many


def test_cases_panel_query_count_is_constant(client_for, official, dong):
    household = household_with_client(dong)
    url = reverse("households:detail", args=[household.pk])
    client = client_for(official)
    make_case(household, stage=CaseStage.CLOSED, by=official)
    count_queries(client, url)  # warms the content-type cache the access log uses
    few = count_queries(client, url)

    for days in range(1, 8):
        make_case(household, stage=CaseStage.FOLLOW_UP, by=official,
                  opened_on=timezone.localdate() - dt.timedelta(days=100 * days))
    make_case(household, stage=CaseStage.PLANNING, by=official)
    many = count_queries(client, url)

    # The panel adds one query (all cases, with client and official joined) whatever their number.
    assert few == many
