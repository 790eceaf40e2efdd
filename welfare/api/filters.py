"""Filters every API list shares: bounded ids, ISO date-times handed to the database in UTC, and the refusal of
query parameters no filter reads."""

from __future__ import annotations

import datetime as dt

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from django_filters.fields import IsoDateTimeField
from drf_spectacular.utils import extend_schema_field
from rest_framework.exceptions import ValidationError
from rest_framework.filters import BaseFilterBackend

from welfare.common.requests import MAX_ID

# The largest id a database here stores (welfare.common.requests). A larger value in a filter must be a 400: the
# database driver raises on it (OverflowError) instead of matching nothing.


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


# Parameters every list understands besides its filters: the cursor, the page size, the format override.
ALWAYS_KNOWN = frozenset({"cursor", "page_size", "format"})


def refuse_unknown(params, known) -> None:
    """400 naming every query parameter not in ``known`` (a misspelt filter must not return everything)."""
    unknown = sorted(set(params) - set(known) - ALWAYS_KNOWN)
    if unknown:
        raise ValidationError({name[:50]: [_("알 수 없는 조회 조건입니다.")] for name in unknown[:20]})


def _filter_names(backend, view, request, queryset) -> set[str]:
    names: set[str] = set()
    for attribute in ("ordering_param", "search_param"):
        if getattr(backend, attribute, None):
            names.add(getattr(backend, attribute))
    get_filterset_class = getattr(backend, "get_filterset_class", None)
    filterset_class = get_filterset_class(view, queryset) if get_filterset_class else None
    for name, filter_ in (filterset_class.base_filters.items() if filterset_class else ()):
        suffixes = getattr(filter_.field_class.widget, "suffixes", None)
        names.update(f"{name}_{s}" if s else name for s in suffixes) if suffixes else names.add(name)
    return names


class KnownParametersFilter(BaseFilterBackend):
    """The first filter backend of every list: a query parameter that no other backend of the view reads (its
    filter set, ``ordering``, ``search``) nor the paginator (``cursor``, ``page_size``) is a 400 naming it, as
    ``/api/v1/households/?household=4`` would otherwise silently return every household."""

    def filter_queryset(self, request, queryset, view):
        if getattr(view, "action", None) != "list":
            return queryset
        known: set[str] = set()
        for backend_class in view.filter_backends:
            if backend_class is not type(self):
                known |= _filter_names(backend_class(), view, request, queryset)
        refuse_unknown(request.query_params, known)
        return queryset
