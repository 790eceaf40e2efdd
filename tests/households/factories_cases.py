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


def decide_conference(case: Case, by, *, selected: bool = True, held_on: dt.date | None = None,
                      goal: str = "긴급복지 생계지원 신청", target_on: dt.date | None = None) -> Case:
    """Record the conference of a case in stage conference through the service, the one way out of that stage:
    selected (일반사례, one plan item → a goal; → planning) or not (→ closing). ``by`` attends when the dong may be
    assigned to them; a partner organisation always does."""
    from households.services import conference_record
    from households.services.cases import assignable_officials
    from welfare.common.dates import seoul_today

    held_on = held_on or max(case.opened_on, seoul_today())
    staff = [by] if assignable_officials(case.household).filter(pk=by.pk).exists() else []
    items = [("income", goal, "동 주민센터", target_on or held_on + dt.timedelta(days=30))] if selected else []
    conference_record(case=case, by=by, held_on=held_on, kind="general", body="dong_council", staff=staff,
                      partners=[("○○종합사회복지관", "사례관리팀장")],
                      decision="selected_general" if selected else "not_selected",
                      reason="" if selected else "소득·재산 기준을 넘어 통합사례관리 대상이 아님", plan_items=items)
    case.refresh_from_db()
    return case
