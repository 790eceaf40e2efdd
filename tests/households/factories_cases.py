"""Factories and helpers for case management and service links (tests only)."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from households.models import ASSESSMENT_DAYS, PLAN_DAYS, Case, CaseStage, Household
from plans.models import Resource
from tests.factories import ConsentFactory, DistrictFactory, HouseholdFactory, ResidentFactory


class ResourceFactory(DjangoModelFactory):
    class Meta:
        model = Resource
        skip_postgeneration_save = True

    district = factory.SubFactory(DistrictFactory)
    name = factory.Sequence(lambda n: f"테스트 자원 {n}")
    provider = factory.Sequence(lambda n: f"테스트 기관 {n}")
    sector = "public"
    category = "livelihood"
    funding_source = "국비"
    eligibility = "기준 중위소득 32% 이하"

    @factory.post_generation
    def dongs(obj, create, extracted, **kwargs):  # noqa: N805
        if create and extracted:
            obj.dongs.set(extracted)


def consent(resident, scope: str = "collect_use", **extra):
    return ConsentFactory(resident=resident, scope=scope, granted_on=timezone.localdate() - dt.timedelta(days=30),
                          recipients="민간 복지기관" if scope == "third_party" else "", **extra)


def household_with_client(dong, *, consents: tuple[str, ...] = ("collect_use",)) -> Household:
    household = HouseholdFactory(dong=dong)
    head = ResidentFactory(household=household, relation="head")
    for scope in consents:
        consent(head, scope)
    return household


def make_case(household: Household, *, stage: str = CaseStage.INTAKE, opened_on: dt.date | None = None,
              by=None, **extra) -> Case:
    """A case put straight at a stage (setup only: the tests move it through the services)."""
    opened_on = opened_on or timezone.localdate()
    client = household.residents.order_by("id").first()
    return Case.objects.create(
        household=household, client=client, opened_on=opened_on, source="visit", stage=stage,
        assessment_due_on=opened_on + dt.timedelta(days=ASSESSMENT_DAYS),
        plan_due_on=opened_on + dt.timedelta(days=PLAN_DAYS), assigned_official=by, **extra,
    )
