"""Reads of the header's search (welfare.search) over households, residents and cases: scoped querysets.

Each function returns the user's visible records matching the query, ordered, not yet sliced (the source takes
``limit + 1``), or ``None`` when the query cannot match this kind of record (then no query runs). On PostgreSQL
the conditions are served by the trigram and pattern indexes of migration 0009 (households).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from welfare.search import SearchQuery, any_of

from .models import Case, Household, Resident


def search_households(user, query: SearchQuery) -> QuerySet | None:
    """By address (road name and number, or the detail line: 3 characters or more)."""
    condition = any_of(query.contains("road_address"), query.contains("address_detail"))
    if condition is None:
        return None
    return (Household.objects.visible_to(user).filter(condition).select_related("dong").with_head_name()
            .order_by("road_address", "address_detail", "id"))


def resident_condition(query: SearchQuery) -> Q | None:
    """Residents by name (a fragment, or the start or end of a 2-syllable one) or phone digits (any part: the last
    4); None when the query cannot find a resident."""
    return any_of(query.matches("name"), Q(phone__contains=query.digits) if query.is_phone else None)


def search_residents(user, query: SearchQuery) -> QuerySet | None:
    """The user's visible residents :func:`resident_condition` finds."""
    condition = resident_condition(query)
    if condition is None:
        return None
    return (Resident.objects.visible_to(user).filter(condition).select_related("household__dong")
            .order_by("left_on", "name", "id"))


def search_cases(user, query: SearchQuery) -> QuerySet | None:
    """By case number (``#123``), or by the name of the case's client."""
    condition = any_of(query.matches("client__name"), Q(pk=query.number) if query.number is not None else None)
    if condition is None:
        return None
    return (Case.objects.visible_to(user).filter(condition).select_related("client", "household__dong")
            .order_by("-opened_on", "-id"))

