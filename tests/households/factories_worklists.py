"""Factories for the work-list and timeline tests: activity rows of a household (synthetic data only)."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from households.models import Case, CaseStageChange, CheckIn, FollowUp, MemberEvent, ServiceLink, Visit
from plans.models import Resource
from tests.factories import ConsentFactory, DistrictFactory, HouseholdFactory, ResidentFactory


class ResourceFactory(DjangoModelFactory):
    class Meta:
        model = Resource

    district = factory.SubFactory(DistrictFactory)
    name = factory.Sequence(lambda n: f"긴급 생계지원 {n}")
    provider = "구청 복지정책과"
    sector = "public"
    category = "emergency"


class VisitFactory(DjangoModelFactory):
    class Meta:
        model = Visit

    household = factory.SubFactory(HouseholdFactory)
    kind = "home"
    contact_result = "met"
    risk_level = "medium"


class CaseFactory(DjangoModelFactory):
    """An open case at intake, with the client's consent on record as case_open requires."""

    class Meta:
        model = Case
        skip_postgeneration_save = True

    household = factory.SubFactory(HouseholdFactory)
    client = factory.LazyAttribute(lambda o: ResidentFactory(household=o.household))
    opened_on = factory.LazyFunction(timezone.localdate)
    source = "visit"
    stage = "intake"
    assessment_due_on = factory.LazyAttribute(lambda o: o.opened_on + dt.timedelta(days=10))
    plan_due_on = factory.LazyAttribute(lambda o: o.opened_on + dt.timedelta(days=30))

    @factory.post_generation
    def consent(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            ConsentFactory(resident=obj.client, granted_on=obj.opened_on)


class StageChangeFactory(DjangoModelFactory):
    class Meta:
        model = CaseStageChange

    case = factory.SubFactory(CaseFactory)
    household = factory.SelfAttribute("case.household")
    from_stage = ""
    to_stage = "intake"


class ServiceLinkFactory(DjangoModelFactory):
    class Meta:
        model = ServiceLink

    household = factory.SubFactory(HouseholdFactory)
    resource = factory.SubFactory(ResourceFactory, district=factory.SelfAttribute("..household.dong.district"))
    amount_krw = 500_000


class CheckInFactory(DjangoModelFactory):
    class Meta:
        model = CheckIn

    household = factory.SubFactory(HouseholdFactory)
    source = "ai_call"


class FollowUpFactory(DjangoModelFactory):
    class Meta:
        model = FollowUp

    household = factory.SubFactory(HouseholdFactory)
    due_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=7))
    reason = "cadence"


class MemberEventFactory(DjangoModelFactory):
    class Meta:
        model = MemberEvent

    household = factory.SubFactory(HouseholdFactory)
    resident = factory.LazyAttribute(lambda o: ResidentFactory(household=o.household, relation="child"))
    kind = "joined"
    on = factory.LazyFunction(timezone.localdate)
