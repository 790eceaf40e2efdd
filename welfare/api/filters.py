"""Filters every API list shares: bounded ids and ISO date-times handed to the database in UTC."""

from __future__ import annotations

import datetime as dt

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from django_filters.fields import IsoDateTimeField
from drf_spectacular.utils import extend_schema_field

# The largest id a database here stores (a signed 64-bit integer). A larger value in a filter must be a 400: the
# database driver raises on it (OverflowError) instead of matching nothing.
MAX_ID = 2**63 - 1


def _exact_id(queryset, name: str, value: int):
    return queryset.filter(**{name: value})


class BoundedIdField(forms.IntegerField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class IdFilter(django_filters.NumberFilter):
    """An id compared as an integer, without loading the row it names (no query while validating). Bounded to the
    range of an id (1..2**63-1): beyond it the database driver overflows, so it is a 400 here."""

    field_class = BoundedIdField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("method", _exact_id)
        super().__init__(*args, **kwargs)


class UtcIsoDateTimeField(IsoDateTimeField):
    """An ISO 8601 date-time handed to the database in UTC. Python accepts offsets up to ±23:59 and years 1 to
    9999 in any offset; PostgreSQL refuses offsets beyond ±15:59 and a value that leaves the years in UTC
    overflows: both would be a 500, here they are a 400 or a plain UTC value."""

    def to_python(self, value):
        value = super().to_python(value)
        if value is None:
            return None
        try:
            return value.astimezone(dt.UTC)
        except OverflowError:
            raise forms.ValidationError(_("범위를 벗어난 일시입니다."), code="invalid") from None


class SinceFilter(django_filters.IsoDateTimeFilter):
    field_class = UtcIsoDateTimeField
