"""Discovery forms: common."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from welfare.models import DONG_ROLES, Dong, Role
from welfare.scoping import has_role, personal_dong_ids
from welfare.templatetags.welfare_tags import person

from ..models import (
    ReportOutcome,
)

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DISTRICT_QUEUE = "district"
QUICK_OUTCOMES = (ReportOutcome.NO_NEED, ReportOutcome.DUPLICATE, ReportOutcome.REFERRED)
REPORTER_PREFIX = "reporter_"


def apply_rule_error(form: forms.Form, error: ValidationError, *, prefix: str = "") -> None:
    """Show a service's RuleError on the form: beside the field it names, else at the top."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        name = name.replace(".", "_")  # the service's "reporter.phone" is the form's "reporter_phone"
        target = f"{prefix}{name}" if f"{prefix}{name}" in form.fields else (name if name in form.fields else None)
        for e in errors:
            if target is not None and target in form.errors and any(m in form.errors[target] for m in e.messages):
                continue
            form.add_error(target, e)


def dong_label(dong: Dong) -> str:
    return dong.name


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return person(obj)


def assignable_staff(user):
    """Dong officials and leads of the user's dongs: whom the user may hand a report to."""
    return (get_user_model().objects.filter(staff__role__in=DONG_ROLES, staff__dongs__in=personal_dong_ids(user),
                                            is_active=True)
            .distinct().order_by("last_name", "first_name", "username"))


def my_dongs(user):
    return Dong.objects.filter(pk__in=personal_dong_ids(user)).select_related("district").order_by(
        "district__name", "name")


def sees_district_queue(user) -> bool:
    return has_role(user, Role.DISTRICT_ADMIN, Role.DONG_LEAD)
