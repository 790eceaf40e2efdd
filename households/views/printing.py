"""Printable pages (issue 18): the household page and a one-page case summary for a case conference, without live
controls, stamped with who printed and when, each print recorded in the access log (as an export: the data leaves
the screen on paper). The print dialog opens by itself (app.js, data-autoprint); without JavaScript, Ctrl+P."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.utils import timezone

from welfare.audit import log_action
from welfare.models import AccessAction

from ..models import Household
from ..selectors_closing import OPEN_LINK_STATUSES
from .casework import case_for


def household_print(request: HttpRequest, pk: int) -> HttpResponse:
    household = get_object_or_404(
        Household.objects.visible_to(request.user).select_related("dong", "assigned_official"), pk=pk
    )
    residents = list(household.residents.filter(left_on__isnull=True).order_by("id"))
    visits = list(household.visits.select_related("recorded_by").order_by("-visited_at", "-id")[:5])
    cases = list(household.cases.open().select_related("client", "assigned_official"))
    log_action(household, "households.household.printed", user=request.user, action=AccessAction.EXPORT)
    return render(
        request,
        "households/print/household.html",
        {
            "household": household,
            "residents": residents,
            "visits": visits,
            "cases": cases,
            "printed_at": timezone.localtime(),
        },
    )


def case_print(request: HttpRequest, pk: int, case_pk: int) -> HttpResponse:
    case = case_for(request, pk, case_pk)
    needs = list(case.needs.order_by("priority", "id"))
    goals = list(case.goals.order_by("target_on", "id"))
    links = list(case.service_links.select_related("resource").order_by("-requested_on", "-id"))
    visits = list(case.household.visits.order_by("-visited_at", "-id")[:3])
    log_action(case, "households.case.printed", user=request.user, action=AccessAction.EXPORT)
    return render(
        request,
        "households/print/case.html",
        {
            "case": case,
            "household": case.household,
            "needs": needs,
            "goals": goals,
            "links": links,
            "open_links": [link for link in links if link.status in OPEN_LINK_STATUSES],
            "visits": visits,
            "printed_at": timezone.localtime(),
        },
    )


urlpatterns = [
    path("<int:pk>/print/", household_print, name="household_print"),
    path("<int:pk>/cases/<int:case_pk>/print/", case_print, name="case_print"),
]
