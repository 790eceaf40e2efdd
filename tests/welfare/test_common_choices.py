"""Choice labels once per field and language (welfare/common/choices.py): every model of the product answers
``get_FOO_display`` through ``ChoiceLabels`` with exactly what Django's own implementation gives."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import models
from django.utils import translation

from welfare.common.choices import ChoiceLabels, choice_labels, labels_of, translated_choices

APPS = ("welfare", "households", "discovery", "plans")
PRODUCT_MODELS = [m for m in apps.get_models() if m._meta.app_label in APPS]
CHOICE_FIELDS = [(m, f) for m in PRODUCT_MODELS for f in m._meta.concrete_fields if f.choices]


def test_every_product_model_uses_the_cached_labels():
    assert len(PRODUCT_MODELS) > 80 and len(CHOICE_FIELDS) >= 80
    missing = [m.__name__ for m in PRODUCT_MODELS if not issubclass(m, ChoiceLabels)]
    assert missing == []


@pytest.mark.parametrize("language", ["ko", "en"])
def test_display_equals_djangos_for_every_code_and_an_unknown_one(language):
    with translation.override(language):
        for model, field in CHOICE_FIELDS:
            for value in [code for code, _label in field.flatchoices] + ["no-such-code", None]:
                instance = model()
                setattr(instance, field.attname, value)
                ours = getattr(instance, f"get_{field.name}_display")()
                django = models.Model._get_FIELD_display(instance, field)
                assert ours == django, (model.__name__, field.name, value)
                assert type(ours) is type(django)


def test_labels_follow_the_active_language():
    from households.models import Household, RiskLevel

    field = Household._meta.get_field("risk_level")
    with translation.override("ko"):
        ko = Household(risk_level=RiskLevel.HIGH).get_risk_level_display()
    with translation.override("en"):
        en = Household(risk_level=RiskLevel.HIGH).get_risk_level_display()
    with translation.override("ko"):
        assert choice_labels(field)[RiskLevel.HIGH] == ko
    with translation.override("en"):
        assert choice_labels(field)[RiskLevel.HIGH] == en
    assert ko != en


def test_labels_are_built_once_per_field_and_language():
    calls = []

    class Counting(list):
        def __iter__(self):
            calls.append(1)
            return super().__iter__()

    owner = object()
    choices = Counting([("a", "가"), ("b", "나")])
    with translation.override("ko"):
        first = labels_of(owner, choices)
        second = labels_of(owner, choices)
    assert first is second and first == {"a": "가", "b": "나"} and len(calls) == 1
    with translation.override("en"):
        labels_of(owner, choices)
    assert len(calls) == 2


def test_option_groups_are_flattened():
    owner = object()
    assert labels_of(owner, [("a", "A"), ("G", [("b", "B"), ("c", "C")])], "ko") == {"a": "A", "b": "B", "c": "C"}


@pytest.mark.parametrize("language", ["ko", "en"])
def test_translated_choices_are_the_enums_choices_in_the_active_language(language):
    from households.models import CareStatus, HousingType, RiskLevel

    for enum in (RiskLevel, CareStatus, HousingType):
        choices = translated_choices(enum, enum.choices)
        with translation.override(language):
            pairs = choices()
            assert pairs == [(code, str(label)) for code, label in enum.choices]
            assert all(type(label) is str for _code, label in pairs)


def test_translated_choices_follow_the_language_and_are_translated_once():
    from households.models import RiskLevel

    choices = translated_choices(RiskLevel, RiskLevel.choices)
    with translation.override("ko"):
        ko = dict(choices())
        assert choices() is not choices() and dict(choices()) == ko  # a fresh list each call, same labels
    with translation.override("en"):
        en = dict(choices())
    assert ko[RiskLevel.HIGH] != en[RiskLevel.HIGH] and set(ko) == set(en)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["ko", "en"])
def test_the_household_filters_selects_offer_the_enums_choices_and_validate(official, language):
    from django.test import RequestFactory

    from households.filters import HouseholdFilter
    from households.models import CareStatus, Household, HousingType, RiskLevel

    request = RequestFactory().get("/households/")
    request.user = official
    with translation.override(language):
        form = HouseholdFilter(None, queryset=Household.objects.all(), request=request).form
        for name, enum in (("risk_level", RiskLevel), ("status", CareStatus), ("housing_type", HousingType)):
            html = str(form[name])
            for code, label in enum.choices:
                assert f'<option value="{code}">{label}</option>' in html, (name, code)
        sort = str(form["sort"])
        assert 'value="-next_contact"' in sort and ("다음 접촉일 (늦은 순)" if language == "ko" else "Next contact") in sort
    good = HouseholdFilter({"risk_level": RiskLevel.HIGH, "sort": "-address"}, queryset=Household.objects.all(),
                           request=request)
    bad = HouseholdFilter({"risk_level": "nope", "sort": "nope"}, queryset=Household.objects.all(), request=request)
    assert good.is_valid() and not bad.is_valid() and set(bad.errors) == {"risk_level", "sort"}
