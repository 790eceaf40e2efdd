"""Choice labels once per field and language (welfare/common/choices.py): every model of the product answers
``get_FOO_display`` through ``ChoiceLabels`` with exactly what Django's own implementation gives."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import models
from django.utils import translation

from welfare.common.choices import ChoiceLabels, choice_labels, labels_of

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
