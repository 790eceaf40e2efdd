from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from households.models import CareStatus, Household, RiskLevel

from .models import Dong


def home(request: HttpRequest) -> HttpResponse:
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
            high=Count("id", filter=Q(risk_level=RiskLevel.HIGH)),
        )
    }
    rows = [(dong, counts.get(dong.pk, {})) for dong in dongs]
    return render(request, "welfare/home.html", {"rows": rows})


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True


def server_error(request: HttpRequest) -> HttpResponse:
    """500: JSON for the API (never a trace), the plain page elsewhere."""
    if request.path_info.startswith("/api/"):
        from .api.errors import server_error as api_server_error

        return api_server_error(request)
    from django.views.defaults import server_error as page_server_error

    return page_server_error(request)
