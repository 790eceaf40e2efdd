"""Choice labels come from one dict per response and language, never from get_FOO_display per row."""

from __future__ import annotations

import pytest
from django.utils import translation

from households.models import Household, Resident, RiskLevel
from tests.factories import HouseholdFactory, ResidentFactory
from welfare.api.refs import ChoiceDisplayField

pytestmark = pytest.mark.django_db


def test_a_label_is_translated_in_the_active_language():
    field = ChoiceDisplayField(RiskLevel.choices)
    assert field.to_representation("high") == "고위험"
    with translation.override("en"):
        assert field.to_representation("high") == "High risk"
    assert field.to_representation("unknown") == "unknown"  # as get_FOO_display: the code when not a choice


def test_the_household_list_never_calls_get_foo_display(api_client_for, official, dong, monkeypatch):
    for _ in range(3):
        ResidentFactory(household=HouseholdFactory(dong=dong, risk_level="high"))

    def per_row(*args, **kwargs):
        raise AssertionError("get_FOO_display per row")

    monkeypatch.setattr(Household, "get_risk_level_display", per_row)
    monkeypatch.setattr(Resident, "get_relation_display", per_row)
    rows = api_client_for(official).get("/api/v1/households/").json()["results"]
    assert [r["risk_level_display"] for r in rows] == ["고위험"] * 3
    assert {r["residents"][0]["relation_display"] for r in rows} == {"세대주"}
