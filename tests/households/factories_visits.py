"""Factories and helpers for the visit-work tests (synthetic data only)."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from households import services
from households.models import CaseStage, CheckIn, FollowUp, MemberEvent, Visit
from tests.factories import ConsentFactory, HouseholdFactory

from .factories_cases import decide_conference


class VisitFactory(DjangoModelFactory):
    class Meta:
        model = Visit

    household = factory.SubFactory(HouseholdFactory)
    kind = "home"
    contact_result = "met"
    risk_level = "low"


class FollowUpFactory(DjangoModelFactory):
    class Meta:
        model = FollowUp

    household = factory.SubFactory(HouseholdFactory)
    due_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=7))
    reason = "cadence"


class CheckInFactory(DjangoModelFactory):
    class Meta:
        model = CheckIn

    household = factory.SubFactory(HouseholdFactory)
    source = "ai_call"


class MemberEventFactory(DjangoModelFactory):
    class Meta:
        model = MemberEvent

    household = factory.SubFactory(HouseholdFactory)
    resident = factory.LazyAttribute(lambda o: o.household.residents.first())
    kind = "joined"
    on = factory.LazyFunction(timezone.localdate)


def open_case(household, by, *, stage: str = CaseStage.INTAKE):
    """A case for the head, with the consent case_open requires, moved along the stages to ``stage`` (out of
    conference by its recorded conference, whose plan item is the goal service starts with)."""
    head = household.residents.current().get(relation="head")
    ConsentFactory(resident=head, scope="collect_use", granted_on=timezone.localdate() - dt.timedelta(days=30))
    case = services.case_open(household=household, client=head, by=by, source="visit")
    path = [CaseStage.ASSESSMENT, CaseStage.CONFERENCE, CaseStage.PLANNING, CaseStage.IN_SERVICE]
    for step in path[: path.index(stage) + 1] if stage in path else []:
        if step == CaseStage.PLANNING:
            decide_conference(case, by, goal="생활 안정", target_on=timezone.localdate() + dt.timedelta(days=60))
        else:
            services.case_transition(case=case, to=step, by=by, expected_version=case.version)
    return case
