"""Choice labels come from one dict per response and language, never from get_FOO_display per row."""

from __future__ import annotations

import pytest
from django.utils import translation

from households.models import Household, Resident, RiskLevel
from tests.factories import HouseholdFactory, ResidentFactory
from welfare.api.refs import ChoiceDisplayField

pytestmark = pytest.mark.django_db


def test_a_label_is_translated_in_the_active_language():
    # DRF builds the fields of a serializer per response: each field answers in the language of its response.
    assert ChoiceDisplayField(RiskLevel.choices).to_representation("high") == "고위험"
    with translation.override("en"):
        assert ChoiceDisplayField(RiskLevel.choices).to_representation("high") == "High risk"
    field = ChoiceDisplayField(RiskLevel.choices)
    assert field.to_representation("unknown") == "unknown"  # as get_FOO_display: the code when not a choice


def test_the_language_is_read_once_per_response_not_per_row(monkeypatch):
    import welfare.api.refs as refs

    asked = []
    real = refs.get_language
    monkeypatch.setattr(refs, "get_language", lambda: asked.append(1) or real())
    field = ChoiceDisplayField(RiskLevel.choices)
    assert [field.to_representation(code) for code in ["high", "low", "high"] * 50][:2] == ["고위험", "저위험"]
    assert len(asked) == 1


def test_an_english_response_has_english_labels(api_client_for, official, dong):
    HouseholdFactory(dong=dong, risk_level="high")
    client = api_client_for(official)
    assert client.get("/api/v1/households/").json()["results"][0]["risk_level_display"] == "고위험"
    rows = client.get("/api/v1/households/", HTTP_ACCEPT_LANGUAGE="en").json()["results"]
    assert rows[0]["risk_level_display"] == "High risk"


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
