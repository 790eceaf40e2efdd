"""Demo activity: realistic, consistent with the rules, and written in bulk."""

from __future__ import annotations

import random
from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from households.models import (
    AFTERCARE_REASONS,
    CLOSED_STAGES,
    OPEN_STAGES,
    TRANSITIONS,
    Case,
    CaseStageChange,
    CheckIn,
    Consent,
    FollowUp,
    Household,
    ServiceLink,
    Visit,
)
from tests.factories import HouseholdFactory, ResidentFactory
from welfare.demo.busy import seed_busy_household
from welfare.demo.casework import seed_activity

from .factories_worklists import ResourceFactory

pytestmark = pytest.mark.django_db


def demo_households(dong, official, n, *, status="under_care", risk="medium"):
    today = timezone.localdate()
    made = []
    for i in range(n):
        last = today - timezone.timedelta(days=i % 14)
        h = HouseholdFactory(dong=dong, status=status, risk_level=risk, is_demo=True, assigned_official=official,
                             last_contact_on=last, next_contact_on=last + timezone.timedelta(days=14))
        ResidentFactory(household=h, relation="head")
        made.append(h)
    return made


def seed(dong, official, **kwargs):
    return seed_activity(households_qs=Household.objects.filter(is_demo=True), rng=random.Random(7),
                         officials_by_dong={dong.pk: [official]}, **kwargs)


def test_each_household_under_care_gets_visits_and_exactly_one_open_cadence_follow_up(dong, official):
    # Given demo households under care, under monitoring, and not under care
    cared = demo_households(dong, official, 20) + demo_households(dong, official, 10, status="monitoring")
    ignored = demo_households(dong, official, 5, status="not_under_care")

    # When activity is seeded
    totals = seed(dong, official)

    # Then each household under care or monitoring has 1–6 visits, the newest on its last contact day
    assert totals["households"] == 30
    for h in cared:
        visits = list(Visit.objects.filter(household=h).order_by("visited_at"))
        assert 1 <= len(visits) <= 6
        assert timezone.localdate(visits[-1].visited_at) == h.last_contact_on
        # ... and exactly one open cadence follow-up, due at the last contact plus the cadence (14 days, medium)
        # (besides the after-care contacts of a closed case, tests/households/test_aftercare.py)
        open_ = FollowUp.objects.filter(household=h, status="open").exclude(reason__in=AFTERCARE_REASONS)
        assert [(f.reason, f.due_on) for f in open_] == [("cadence", h.next_contact_on)]
    # Households not under care get nothing
    assert not Visit.objects.filter(household__in=ignored).exists()
    assert not FollowUp.objects.filter(household__in=ignored).exists()


def test_cases_follow_the_rules_consent_and_legal_stage_moves(dong, official):
    # Given 120 households under care and resources in the district
    demo_households(dong, official, 120, risk="high")
    ResourceFactory(district=dong.district, sector="public", category="emergency")
    ResourceFactory(district=dong.district, sector="private", category="food")

    # When activity is seeded
    totals = seed(dong, official)

    # Then about a quarter of them have a case
    cases = list(Case.objects.select_related("client"))
    assert totals["cases"] == len(cases)
    assert 15 <= len(cases) <= 50
    for case in cases:
        # consent to collection and use on record by the opening day
        assert case.client.consents.active(case.opened_on).filter(scope="collect_use").exists()
        # stage changes: opened at intake, every move legal, ending at the case's stage
        changes = list(CaseStageChange.objects.filter(case=case).order_by("at", "id"))
        assert changes[0].from_stage == "" and changes[0].to_stage == "intake"
        for before, after in zip(changes, changes[1:], strict=False):
            assert after.from_stage == before.to_stage
            assert after.to_stage in TRANSITIONS[before.to_stage]
        assert changes[-1].to_stage == case.stage
        assert case.version == len(changes)
        # closed cases carry their two after-care contacts (both made once archived); in service, a reassessment date
        aftercare = list(FollowUp.objects.filter(case=case).values_list("status", flat=True))
        assert len(aftercare) == (2 if case.stage in CLOSED_STAGES else 0)
        if case.stage == "archived":
            assert aftercare == ["done", "done"]
        assert (case.reassessment_due_on is not None) == (case.stage == "in_service")
    # one open case at most per household, and a mix of stages
    assert len({c.household_id for c in cases if c.stage in OPEN_STAGES}) == sum(c.stage in OPEN_STAGES for c in cases)
    assert len(Counter(c.stage for c in cases)) >= 3
    # links go to the district's resources; a private one comes with consent to third-party provision
    links = list(ServiceLink.objects.select_related("resource", "case__client"))
    assert links and totals["service_links"] == len(links)
    for link in links:
        assert link.case is not None and link.resource.district_id == dong.district_id
        if link.resource.sector == "private":
            assert Consent.objects.filter(resident=link.case.client, scope="third_party").exists()
        if link.start_on and link.end_on:
            assert link.end_on >= link.start_on


def test_no_links_without_resources(dong, official):
    demo_households(dong, official, 60)

    totals = seed(dong, official)

    assert totals["cases"] > 0
    assert totals["service_links"] == 0 and not ServiceLink.objects.exists()


def test_seeding_is_bulk_and_a_second_run_adds_nothing(dong, official):
    # Given 40 households
    demo_households(dong, official, 40)
    ResourceFactory(district=dong.district)

    # When activity is seeded
    with CaptureQueriesContext(connection) as ctx:
        totals = seed(dong, official)

    # Then hundreds of rows took a few dozen statements, never one INSERT per row
    rows = sum(v for k, v in totals.items() if k != "households")
    assert rows > 200
    assert len(ctx.captured_queries) < 40
    # and a second run finds every household already seeded
    before = (Visit.objects.count(), FollowUp.objects.count(), CheckIn.objects.count())
    assert seed(dong, official)["households"] == 0
    assert (Visit.objects.count(), FollowUp.objects.count(), CheckIn.objects.count()) == before


def test_past_activity_keeps_its_own_dates(dong, official):
    demo_households(dong, official, 30)
    ResourceFactory(district=dong.district)

    seed(dong, official)

    # Follow-ups and links carry the time they were made, not the time of the seeding run
    today = timezone.localdate()
    assert FollowUp.objects.filter(status="done").exists()
    for f in FollowUp.objects.filter(status="done"):
        assert f.created_at < f.closed_at
    assert all(timezone.localdate(s.created_at) == s.requested_on for s in ServiceLink.objects.all())
    assert Visit.objects.filter(visited_at__date__lt=today - timezone.timedelta(days=30)).exists()


def test_busy_household_gets_200_interleaved_events_of_every_kind(household, official):
    made = seed_busy_household(household, events=200, by=official)

    assert sum(made.values()) == 200
    assert set(made.values()) == {33, 34}
    assert FollowUp.objects.filter(household=household, status="open").count() == 1
    changes = list(CaseStageChange.objects.filter(household=household).order_by("at"))
    for before, after in zip(changes, changes[1:], strict=False):
        assert after.to_stage in TRANSITIONS[before.to_stage]
