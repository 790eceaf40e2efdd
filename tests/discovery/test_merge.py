"""Two households found to be the same are merged by one action; the merge is logged and can be read later."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from discovery import services
from discovery.models import CrisisReport, HouseholdMerge, UniversalVisitTarget
from households.models import (
    Case,
    CaseStageChange,
    CheckIn,
    Consent,
    FollowUp,
    Household,
    IsolationScreening,
    MemberEvent,
    Resident,
    ServiceLink,
    Visit,
)
from tests.households.factories_cases import consent, make_case
from tests.households.factories_worklists import (
    CheckInFactory,
    FollowUpFactory,
    MemberEventFactory,
    ServiceLinkFactory,
    StageChangeFactory,
    VisitFactory,
)
from welfare.errors import RuleError
from welfare.models import AccessLog

from .factories_reports import household_at, new_report

pytestmark = pytest.mark.django_db


def busy_duplicate(dong, official):
    """A household with one record of every kind that points at a household."""
    duplicate = household_at(dong, "왕십리로 300", "2층", head="김순자", phone="01011112222")
    head = duplicate.residents.get()
    consent(head)
    VisitFactory(household=duplicate)
    case = make_case(duplicate, by=official)
    StageChangeFactory(case=case, household=duplicate)
    ServiceLinkFactory(household=duplicate, case=case)
    CheckInFactory(household=duplicate)
    FollowUpFactory(household=duplicate, reason="cadence", due_on=timezone.localdate())
    FollowUpFactory(household=duplicate, reason="first_contact", due_on=timezone.localdate())
    MemberEventFactory(household=duplicate, resident=head)
    IsolationScreening.objects.create(household=duplicate, resident=head, answers={}, score=2, proposed_risk="low")
    UniversalVisitTarget.objects.create(district=dong.district, kind="turning_65", household=duplicate,
                                        resident=head, person_key="k1", due_on=timezone.localdate())
    report = new_report(dong, by=official, subject_name="김순자")
    CrisisReport.objects.filter(pk=report.pk).update(household=duplicate)
    return duplicate


def test_merge_moves_everything_to_the_survivor_and_logs_it(dong, official):
    # Given a survivor with its own open cadence follow-up and a duplicate with records of every kind
    survivor = household_at(dong, "왕십리로 300", "2층", head="김순자", phone="01011112222")
    FollowUpFactory(household=survivor, reason="cadence", due_on=timezone.localdate() + dt.timedelta(days=3))
    duplicate = busy_duplicate(dong, official)
    duplicate_pk = duplicate.pk

    # When the official merges them
    merge = services.household_merge(survivor=survivor, duplicate=duplicate, by=official, reason="중복 등록")

    # Then every record now belongs to the survivor and the duplicate is gone
    assert not Household.objects.filter(pk=duplicate_pk).exists()
    for model in (Visit, Case, CaseStageChange, ServiceLink, CheckIn, MemberEvent, IsolationScreening,
                  CrisisReport, UniversalVisitTarget):
        assert model.objects.filter(household=survivor).exists(), model.__name__
    assert Resident.objects.filter(household=survivor).count() == 2
    assert Consent.objects.filter(resident__household=survivor).count() == 1  # consents come with residents
    # One open follow-up per reason: the duplicate's cadence one was cancelled, its first-contact one moved
    open_reasons = sorted(FollowUp.objects.filter(household=survivor, status="open").values_list("reason", flat=True))
    assert open_reasons == ["cadence", "first_contact"]
    assert FollowUp.objects.filter(household=survivor, status="cancelled").count() == 1
    # A second head of household becomes a cohabitant
    assert Resident.objects.filter(household=survivor, relation="head").count() == 1
    # And the merge is written down with what moved, and logged under both households
    assert merge.duplicate_id == duplicate_pk and merge.reason == "중복 등록"
    assert merge.moved["visit"] == 1 and merge.moved["resident"] == 1 and merge.moved["crisisreport"] == 1
    assert merge.moved["followups_cancelled"] == 1 and merge.moved["heads_demoted"] == 1
    assert AccessLog.objects.filter(verb="discovery.householdmerge.created", household_id=survivor.pk).exists()
    assert AccessLog.objects.filter(household_id=duplicate_pk, verb="households.household.merged_away").exists()
    assert HouseholdMerge.objects.get(survivor=survivor) == merge


def test_merge_across_districts_is_refused(dong, other_district_dong, official):
    from tests.factories import staff_user
    from welfare.models import Role

    superuser = staff_user(Role.DISTRICT_ADMIN, district=dong.district, username="root")
    superuser.is_superuser = True
    superuser.save()
    a = household_at(dong, "왕십리로 1")
    b = household_at(other_district_dong, "왕십리로 1")
    with pytest.raises(RuleError, match="같은 구"):
        services.household_merge(survivor=a, duplicate=b, by=superuser, reason="x")
    assert Household.objects.filter(pk=b.pk).exists()


def test_merge_with_a_household_the_official_cannot_see_is_refused(dong, second_dong, official):
    a = household_at(dong, "왕십리로 1")
    b = household_at(second_dong, "왕십리로 1")
    with pytest.raises(PermissionDenied):
        services.household_merge(survivor=a, duplicate=b, by=official, reason="x")


def test_merge_of_two_households_with_open_cases_is_refused(dong, official):
    a = household_at(dong, "왕십리로 1")
    b = household_at(dong, "왕십리로 1")
    make_case(a)
    make_case(b)
    with pytest.raises(RuleError, match="진행 중인 사례"):
        services.household_merge(survivor=a, duplicate=b, by=official, reason="x")
    assert Household.objects.filter(pk=b.pk).exists()


def test_merge_needs_a_reason(dong, official):
    a, b = household_at(dong, "왕십리로 1"), household_at(dong, "왕십리로 1")
    with pytest.raises(RuleError):
        services.household_merge(survivor=a, duplicate=b, by=official, reason=" ")


def test_merge_page_shows_both_sides_and_merges(client_for, dong, official):
    a = household_at(dong, "왕십리로 1", head="김갑수")
    b = household_at(dong, "왕십리로 1", head="김갑순")
    client = client_for(official)
    url = reverse("discovery:household_merge")

    page = client.get(url, {"a": a.pk, "b": b.pk})
    assert page.status_code == 200
    assert "김갑수" in page.content.decode() and "김갑순" in page.content.decode()

    response = client.post(f"{url}?a={a.pk}&b={b.pk}", {"a": a.pk, "b": b.pk, "survivor": b.pk, "reason": "중복"})
    assert response.status_code == 302 and response["Location"] == reverse("households:detail", args=[b.pk])
    assert not Household.objects.filter(pk=a.pk).exists()


def test_merge_page_refusal_shows_the_rule(client_for, dong, official):
    a, b = household_at(dong, "왕십리로 1"), household_at(dong, "왕십리로 1")
    make_case(a)
    make_case(b)
    response = client_for(official).post(reverse("discovery:household_merge"),
                                         {"a": a.pk, "b": b.pk, "survivor": a.pk, "reason": "중복"})
    assert response.status_code == 200
    assert "진행 중인 사례" in response.content.decode()


def test_merge_page_is_404_for_another_dongs_household_and_403_for_planners(client_for, dong, second_dong,
                                                                              official, planner):
    a, other = household_at(dong, "왕십리로 1"), household_at(second_dong, "왕십리로 1")
    url = reverse("discovery:household_merge")
    assert client_for(official).get(url, {"a": a.pk, "b": other.pk}).status_code == 404
    assert client_for(planner).get(url, {"a": a.pk, "b": other.pk}).status_code == 403
