"""The project's form renderer writes ``<select>`` in Python (welfare/common/form_renderer.py): the markup must
be byte for byte what the templates give (Django's select.html and the project's select_option.html)."""

from __future__ import annotations

import datetime as dt

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
    radio = forms.ChoiceField(choices=[("a", "A&B"), ("G & H", [("1", "one"), ("2", mark_safe("<b>2</b>"))])],
                              widget=forms.RadioSelect(attrs={"class": "c d"}), required=False)
    boxes = forms.MultipleChoiceField(choices=[(1, "x"), (2, 'q"uote')], widget=forms.CheckboxSelectMultiple,
                                      required=False)
    no_id = forms.ChoiceField(choices=[("a", "A")], widget=forms.RadioSelect(attrs={"id": ""}), required=False)


@pytest.mark.parametrize("language", ["ko", "en"])
@pytest.mark.parametrize("data", [None, {"plain": "2", "many": ["1", "2"], "nullable": "true", "year": "2025",
                                         "radio": "2", "boxes": ["1", "2"]},
                                  {"plain": '"><script>', "many": ["9"], "year": "x", "radio": "<x>", "boxes": ["3"]}])
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


def test_radio_buttons_and_checkbox_lists_are_written_without_templates(monkeypatch):
    def no_template(*args, **kwargs):
        raise AssertionError("a template was rendered")

    form = Every({"radio": "a", "boxes": ["2"]}, renderer=FormRenderer())
    monkeypatch.setattr(TemplatesSetting, "get_template", no_template)

    assert 'type="radio"' in str(form["radio"]) and 'type="checkbox"' in str(form["boxes"])


def test_the_product_uses_it(settings):
    from django.forms.renderers import get_default_renderer

    assert isinstance(get_default_renderer(), FormRenderer)


class Inputs(forms.Form):
    """A field of each widget written in Python (input.html's family), with labels of every shape."""

    text = forms.CharField(label=mark_safe("<b>굵게</b>"), initial='a"b<c>&', help_text="도움말")
    number = forms.IntegerField(label="수 & 양", required=False, widget=forms.NumberInput(attrs={"min": 0}))
    email = forms.EmailField(required=False, label="메일?")
    url = forms.URLField(required=False, assume_scheme="https")
    password = forms.CharField(widget=forms.PasswordInput(render_value=True), required=False)
    hidden = forms.CharField(widget=forms.HiddenInput, initial=mark_safe("<safe>"), required=False)
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), required=False)
    at = forms.DateTimeField(required=False, initial=dt.datetime(2026, 12, 24, 9, 30))
    time = forms.TimeField(required=False)
    tel = forms.CharField(widget=forms.TextInput(attrs={"type": "tel", "data-on": True, "data-off": False,
                                                       "data-safe": mark_safe("<x>")}), required=False)
    flag = forms.BooleanField(required=False, initial=True)
    upload = forms.FileField(required=False)
    no_id = forms.CharField(required=False, widget=forms.TextInput(attrs={"id": ""}))


class RequiredCss(Inputs):
    required_css_class = "required"


@pytest.mark.parametrize("language", ["ko", "en"])
@pytest.mark.parametrize("form_class", [Inputs, RequiredCss])
@pytest.mark.parametrize("data", [None, {"text": "<script>", "number": "x", "email": "no", "at": "2026-01-02 03:04",
                                         "tel": '"quoted"', "flag": "on"}])
def test_inputs_and_labels_equal_the_templates(language, form_class, data):
    with translation.override(language):
        ours, theirs = form_class(data, renderer=FormRenderer()), form_class(data, renderer=TemplatesSetting())
        for name in form_class.base_fields:
            assert str(ours[name]) == str(theirs[name]), name
            assert ours[name].label_tag() == theirs[name].label_tag(), name
            assert ours[name].legend_tag() == theirs[name].legend_tag(), name
        for layout in ("as_div", "as_p", "as_table", "as_ul"):
            assert getattr(ours, layout)() == getattr(theirs, layout)(), layout


@pytest.mark.django_db
@pytest.mark.parametrize("data", [None, {"road_address": "<b>", "risk_level": "nope"}])
def test_the_product_forms_are_unchanged(official, dong, data):
    from households.forms.households import HeadForm, HouseholdForm
    from households.forms.visits import CheckInForm

    for make in (lambda r: HouseholdForm(data, user=official, renderer=r), lambda r: HeadForm(data, renderer=r),
                 lambda r: CheckInForm(data, renderer=r)):
        ours, theirs = make(FormRenderer()), make(TemplatesSetting())
        assert ours.as_div() == theirs.as_div()
        for name in ours.fields:
            assert ours[name].label_tag() == theirs[name].label_tag()
