"""Discovery reads shared by the pages and the API (querysets and annotations, no writes)."""

from __future__ import annotations

from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from .models import CrisisReport


def member_report_counts():
    """Reports made by each network member, as a correlated count: no join that multiplies the list's rows."""
    made = (CrisisReport.objects.filter(network_member=OuterRef("pk")).order_by()
            .values("network_member").annotate(n=Count("pk")).values("n"))
    return Coalesce(Subquery(made, output_field=IntegerField()), Value(0))
