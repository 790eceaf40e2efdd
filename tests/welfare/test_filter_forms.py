"""welfare.common.filter_forms: a filter set's form class is built once, and a field whose queryset depends on the
request gets each request's own: one user's dongs never reach another's form, as options or as valid choices."""

import pytest

from households.filters import HouseholdFilter
from households.models import Household

pytestmark = pytest.mark.django_db


def filter_for(rf, user, data=None):
    request = rf.get("/")
    request.user = user
    return HouseholdFilter(data, request=request, queryset=Household.objects.visible_to(user))


def dong_options(filterset) -> list[int]:
    return [int(str(value)) for value, _label in filterset.form.fields["dong"].choices if value != ""]


def test_the_form_class_is_built_once_and_keeps_no_requests_dongs(rf, official, district_admin, dong, second_dong):
    first, second = filter_for(rf, district_admin), filter_for(rf, official)
    assert type(first.form) is type(second.form)
    kept = type(first.form).base_fields["dong"]
    assert list(kept.queryset) == [] and "options" not in kept.__dict__


def test_each_request_gets_its_own_users_dongs(rf, official, district_admin, dong, second_dong):
    assert dong_options(filter_for(rf, district_admin)) == [second_dong.pk, dong.pk]  # 마장동, 왕십리도선동
    assert dong_options(filter_for(rf, official)) == [dong.pk]
    assert dong_options(filter_for(rf, district_admin)) == [second_dong.pk, dong.pk]
    refused = filter_for(rf, official, {"dong": str(second_dong.pk)})
    assert not refused.is_valid() and "dong" in refused.errors
    allowed = filter_for(rf, district_admin, {"dong": str(second_dong.pk)})
    assert allowed.is_valid() and list(allowed.qs) == []
