"""Discovery reads shared by the pages and the API (querysets and annotations, no writes)."""

from __future__ import annotations

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from welfare.common.phones import digits
from welfare.search import SearchQuery, any_of

from .models import CrisisReport, NetworkMember, Programme


def member_report_counts():
    """Reports made by each network member, as a correlated count: no join that multiplies the list's rows."""
    made = (CrisisReport.objects.filter(network_member=OuterRef("pk")).order_by()
            .values("network_member").annotate(n=Count("pk")).values("n"))
    return Coalesce(Subquery(made, output_field=IntegerField()), Value(0))


# Characters a phone number is written with: a search made only of these (and at least three digits) is a number.
_PHONE_CHARS = frozenset("0123456789 -+().")


def search_reports(queryset, text: str):
    """The triage queue's text search: subject name, address, phone (digits, however the number is written) or
    receipt code. One WHERE clause on the queryset as scoped and filtered: no query of its own, no join."""
    text = " ".join((text or "").split())
    if not text:
        return queryset
    match = Q(subject_name__icontains=text) | Q(subject_address__icontains=text)
    compact = text.replace(" ", "").replace("-", "")
    if len(compact) >= 4 and compact.isascii() and compact.isalnum():
        match |= Q(receipt_code__icontains=compact)
    number = digits(text)
    if len(number) >= 3 and set(text) <= _PHONE_CHARS:
        match |= Q(subject_phone__contains=number)
    return queryset.filter(match)


# --- The header's search (welfare.search) -------------------------------------------------------------------


def search_crisis_reports(user, query: SearchQuery) -> QuerySet | None:
    """Reports the user may see (any status), by receipt code (whole or part, any case), the subject's name, address
    or phone digits; newest first. None when the query cannot match a report (no query runs)."""
    condition = any_of(
        Q(receipt_code__contains=query.code) if query.code else None,
        query.matches("subject_name"), query.contains("subject_address"),
        Q(subject_phone__contains=query.digits) if query.is_phone else None,
    )
    if condition is None:
        return None
    return (CrisisReport.objects.visible_to(user).filter(condition).select_related("dong", "district")
            .order_by("-received_at", "-id"))


def network_member_condition(query: SearchQuery) -> Q | None:
    """A network member by name, organisation or phone digits; None when the query cannot match one."""
    return any_of(query.matches("name"), query.contains("organisation"),
                  Q(phone__contains=query.digits) if query.is_phone else None)


def search_network_members(user, query: SearchQuery) -> QuerySet | None:
    """Network members active (or once active) in the user's dongs, by name, organisation or phone digits."""
    condition = network_member_condition(query)
    if condition is None:
        return None
    return NetworkMember.objects.visible_to(user).filter(condition).order_by("name", "id")


def reporting_members(user) -> QuerySet:
    """Whom an official may name as a report's reporting network member: those active today in the user's dongs."""
    return NetworkMember.objects.visible_to(user).active().order_by("name", "id")


def enrol_candidates(programme: Programme, query: SearchQuery | None = None) -> QuerySet:
    """Who may join ``programme``: the current residents of its dong not yet enrolled (the enrolment form accepts
    only these). With ``query``, those it finds by name or phone (none when it cannot find a resident): the page
    lists a few found residents, never the dong's thousands."""
    from households.models import Resident
    from households.selectors_search import resident_condition

    residents = (Resident.objects.current().filter(household__dong_id=programme.dong_id)
                 .exclude(programmes__programme=programme))
    if query is not None:
        condition = resident_condition(query)
        residents = residents.filter(condition) if condition is not None else residents.none()
    return residents.select_related("household").order_by("name", "pk")
