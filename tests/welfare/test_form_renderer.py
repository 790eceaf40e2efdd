"""The project's form renderer writes ``<select>`` in Python (welfare/common/form_renderer.py): the markup must
be byte for byte what the templates give (Django's select.html and the project's select_option.html)."""

from __future__ import annotations

import pytest
from django import forms
from django.forms.renderers import TemplatesSetting
from django.test import RequestFactory
from django.utils import translation
from django.utils.safestring import mark_safe

from households.filters import HouseholdFilter
from households.models import Household
from welfare.common.form_renderer import FormRenderer


class Every(forms.Form):
    plain = forms.ChoiceField(choices=[("", "---------"), ("x", "A&B <i>"), ("G & H", [("1", "one"),
                              ("2", mark_safe("<b>2</b>"))])], required=False)
    many = forms.MultipleChoiceField(choices=[(1, "x"), (2, 'q"uote')],
                                     widget=forms.SelectMultiple(attrs={"data-x": True, "data-n": False,
                                                                        "class": "c d"}))
    nullable = forms.NullBooleanField()
    year = forms.TypedChoiceField(choices=[(2026, 2026), (2025, 2025)], coerce=int)
    empty = forms.ChoiceField(choices=[])


@pytest.mark.parametrize("language", ["ko", "en"])
@pytest.mark.parametrize("data", [None, {"plain": "2", "many": ["1", "2"], "nullable": "true", "year": "2025"},
                                  {"plain": '"><script>', "many": ["9"], "year": "x"}])
def test_select_markup_equals_the_templates(language, data):
    with translation.override(language):
        ours, theirs = Every(data, renderer=FormRenderer()), Every(data, renderer=TemplatesSetting())
        for name in Every.base_fields:
            assert str(ours[name]) == str(theirs[name]), name
        assert "— 선택 —" in str(ours["plain"]) or language == "en"


@pytest.mark.django_db
def test_the_household_filter_bar_is_unchanged(official, dong):
    request = RequestFactory().get("/households/", {"dong": dong.pk, "risk_level": "high", "sort": "next_contact"})
    request.user = official
    filterset = HouseholdFilter(request.GET, queryset=Household.objects.all(), request=request)
    filterset.is_valid()
    for name in ("dong", "risk_level", "status", "housing_type", "sort"):
        bound = filterset.form[name]
        assert bound.as_widget() == bound.field.widget.render(bound.html_name, bound.value(),
                                                              {"id": bound.auto_id}, renderer=TemplatesSetting())


def test_the_product_uses_it(settings):
    from django.forms.renderers import get_default_renderer

    assert isinstance(get_default_renderer(), FormRenderer)
