"""welfare.common.model_choices: a model choice field reads its options with one plain SELECT, on every
iteration, with Django's and django-filter's labels unchanged."""

import django_filters
import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext

from households.filters import HouseholdFilter
from households.models import Household
from welfare.common.model_choices import (
    FetchedChoiceIterator,
    FetchedFilterChoiceIterator,
    OptionsChoiceFilter,
)
from welfare.models import Dong

pytestmark = pytest.mark.django_db


class DongForm(forms.Form):
    dong = forms.ModelChoiceField(queryset=Dong.objects.order_by("name"), empty_label="전체 동")
    dongs = forms.ModelMultipleChoiceField(queryset=Dong.objects.order_by("name"))


class DongFilter(django_filters.FilterSet):
    dong = django_filters.ModelChoiceFilter(queryset=Dong.objects.order_by("name"), field_name="dong",
                                            null_label="동 없음", empty_label="전체 동")


def test_the_iterators_are_installed_on_django_and_django_filter_fields():
    assert forms.ModelChoiceField.iterator is FetchedChoiceIterator
    assert forms.ModelMultipleChoiceField.iterator is FetchedChoiceIterator
    assert django_filters.fields.ModelChoiceField.iterator is FetchedFilterChoiceIterator
    assert django_filters.fields.ModelMultipleChoiceField.iterator is FetchedFilterChoiceIterator


def test_options_come_from_one_plain_select_each_time_with_the_empty_choice_first(dong):
    form = DongForm()
    with CaptureQueriesContext(connection) as queries:
        first = [(str(value), label) for value, label in form.fields["dong"].choices]
        Dong.objects.create(district=dong.district, name="가나동")
        again = [label for _value, label in form.fields["dong"].choices]
    assert first == [("", "전체 동"), (str(dong.pk), str(dong))]
    assert again == ["전체 동", "가나동", str(dong)]  # a new query: nothing cached on the field
    selects = [q["sql"] for q in queries.captured_queries if "welfare_dong" in q["sql"] and "INSERT" not in q["sql"]]
    assert len(selects) == 2 and all(sql.startswith("SELECT") for sql in selects)  # no DECLARE … CURSOR
    assert [label for _v, label in form.fields["dongs"].choices] == ["가나동", str(dong)]  # no empty choice


def test_django_filter_keeps_its_null_choice_after_the_empty_one(dong):
    labels = [label for _value, label in DongFilter(queryset=Dong.objects.none()).form.fields["dong"].choices]
    assert labels == ["전체 동", "동 없음", str(dong)]


class OptionsFilter(django_filters.FilterSet):
    dong = OptionsChoiceFilter(queryset=lambda request: Dong.objects.order_by("name"), field_name="dong",
                               options=lambda request: [d for d in Dong.objects.order_by("name") if d.name != "마장동"],
                               empty_label="전체 동")


def test_an_options_filter_draws_its_options_from_its_read_and_checks_a_choice_with_its_queryset(dong, second_dong,
                                                                                               rf):
    request = rf.get("/")
    labels = [label for _value, label in OptionsFilter(request=request, queryset=Dong.objects.none())
              .form.fields["dong"].choices]
    assert labels == ["전체 동", str(dong)]  # the options' read, which here leaves out 마장동
    chosen = OptionsFilter({"dong": str(second_dong.pk)}, request=request, queryset=Dong.objects.none())
    assert chosen.is_valid() and chosen.form.cleaned_data["dong"] == second_dong  # the queryset still decides
    refused = OptionsFilter({"dong": "999999"}, request=request, queryset=Dong.objects.none())
    assert not refused.is_valid()


def test_the_household_filters_dong_options_are_the_users_visible_dongs_in_order(rf, official, district_admin,
                                                                                dong, second_dong):
    for user in (official, district_admin):
        request = rf.get("/")
        request.user = user
        options = [value for value, _label in HouseholdFilter(request=request, queryset=Household.objects.none())
                   .form.fields["dong"].choices][1:]
        assert [int(str(v)) for v in options] == [d.pk for d in Dong.objects.visible_to(user)]
