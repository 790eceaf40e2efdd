"""Discovery forms: common."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model

from welfare.models import Dong
from welfare.permissions import can, roles_with
from welfare.scoping import personal_dong_ids
from welfare.templatetags.welfare_tags import person

from ..models import (
    ReportOutcome,
)

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DISTRICT_QUEUE = "district"
QUICK_OUTCOMES = (ReportOutcome.NO_NEED, ReportOutcome.REFUSED, ReportOutcome.DUPLICATE, ReportOutcome.REFERRED)
REPORTER_PREFIX = "reporter_"


def dong_label(dong: Dong) -> str:
    return dong.name


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return person(obj)


def assignable_staff(user):
    """Dong officials and leads of the user's dongs: whom the user may hand a report to."""
    return (get_user_model().objects.filter(staff__role__in=roles_with("be_assigned"), staff__dongs__in=personal_dong_ids(user),
                                            is_active=True)
            .distinct().order_by("last_name", "first_name", "username"))


def my_dongs(user):
    return Dong.objects.filter(pk__in=personal_dong_ids(user)).select_related("district").order_by(
        "district__name", "name")


def sees_district_queue(user) -> bool:
    return can(user, "see_district_queue")
