"""The home page: the today page of the dong's field staff, else 현황 (households per visible dong); routed from
``welfare.urls``."""

from __future__ import annotations

from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from welfare import views_today
from welfare.models import Dong
from welfare.permissions import can

from ..models import CareStatus, Household, RiskLevel


def home(request: HttpRequest) -> HttpResponse:
    """The today page for the dong's field staff (officials, leads, visiting nurses); the counts per dong for
    everyone else."""
    if can(request.user, "use_today"):
        return views_today.today(request)
    return dong_status(request)


def dong_status(request: HttpRequest) -> HttpResponse:
    """Counts per visible dong in one grouped query: aggregates only, so planners see it too."""
    dongs = list(Dong.objects.visible_to(request.user).select_related("district"))
    counts = {
        row["dong_id"]: row
        for row in Household.objects.filter(dong__in=dongs)
        .values("dong_id")
        .annotate(
            total=Count("id"),
            under_care=Count("id", filter=Q(status=CareStatus.UNDER_CARE)),
            monitoring=Count("id", filter=Q(status=CareStatus.MONITORING)),
            emergency=Count("id", filter=Q(risk_level=RiskLevel.EMERGENCY)),
            high=Count("id", filter=Q(risk_level=RiskLevel.HIGH)),
            general=Count("id", filter=Q(risk_level=RiskLevel.GENERAL)),
        )
    }
    rows = [(dong, counts.get(dong.pk, {})) for dong in dongs]
    return render(request, "welfare/home.html", {"rows": rows})
