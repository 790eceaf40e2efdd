"""Reads of the core shared by several apps' pages (querysets, no writes)."""

from __future__ import annotations

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from .models import SavedFilter
from .scoping import personal_dong_ids


def saved_filters_for(user, list_key: str) -> QuerySet:
    """The user's own filters of a list, then those shared with the user's dongs by colleagues (one query)."""
    if not getattr(user, "is_authenticated", False):
        return SavedFilter.objects.none()
    mine = Q(user=user)
    shared = Q(shared_dong__in=personal_dong_ids(user))
    return (
        SavedFilter.objects.filter(list_key=list_key).filter(mine | shared)
        .select_related("user", "shared_dong")
        .annotate(own=Case(When(user=user, then=Value(1)), default=Value(0), output_field=IntegerField()))
        .order_by("-own", "name", "id")
    )
