"""The household's benefit status (issue 16 item 5): it names the 기초생활보장 benefit (생계·의료·주거·교육), 차상위
and other benefits; 한부모 is a household characteristic, not a benefit status."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from households.models import BASIC_LIVELIHOOD_BENEFITS, BenefitStatus, Household
from tests.factories import HouseholdFactory

from .test_forms import valid_post

pytestmark = pytest.mark.django_db


def test_the_benefit_status_distinguishes_each_basic_benefit_the_near_poor_and_others():
    assert dict(BenefitStatus.choices) == {
        "none": "해당 없음", "livelihood": "생계급여 수급", "medical": "의료급여 수급", "housing": "주거급여 수급",
        "education": "교육급여 수급", "near_poor": "차상위", "other_public": "기타 공공급여"}
    assert {"livelihood", "medical", "housing", "education"} == BASIC_LIVELIHOOD_BENEFITS


def test_single_parent_is_a_characteristic_not_a_benefit_status():
    assert "한부모" not in " ".join(str(label) for _v, label in BenefitStatus.choices)
    household = HouseholdFactory(is_single_parent=True, benefit_status=BenefitStatus.NEAR_POOR)
    assert "한부모" in household.characteristics and household.get_benefit_status_display() == "차상위"


def test_an_official_records_a_housing_benefit_on_the_household_form(client_for, official, dong):
    client_for(official).post(reverse("households:create"), valid_post(dong, benefit_status="housing",
                                                                        is_single_parent="on"))

    household = Household.objects.get()
    assert (household.benefit_status, household.is_single_parent) == ("housing", True)


def test_the_migration_turns_the_old_basic_livelihood_status_into_livelihood():
    migration = importlib.import_module("households.migrations.0010_benefit_status_by_benefit")
    old = HouseholdFactory()
    Household.objects.filter(pk=old.pk).update(benefit_status="basic_livelihood")
    other = HouseholdFactory(benefit_status="near_poor")

    migration.forward(apps, None)

    assert Household.objects.get(pk=old.pk).benefit_status == "livelihood"
    assert Household.objects.get(pk=other.pk).benefit_status == "near_poor"
