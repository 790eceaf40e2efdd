"""Excel exports of the households' work lists (households.exports): the reason page, then the file."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _

from welfare.common.dates import seoul_today
from welfare.permissions import can
from welfare.views_export import export_page

from .. import exports
from ..filters import HouseholdFilter
from ..models import Case, FollowUp, Household

FOLLOWUP_DAYS = 7


def _require(request: HttpRequest) -> None:
    if not can(request.user, "use_worklists"):
        raise PermissionDenied


def households_export(request: HttpRequest) -> HttpResponse:
    """The household list as filtered (the list's query string is kept in this page's address)."""
    _require(request)
    base = Household.objects.visible_to(request.user)
    filterset = HouseholdFilter(request.GET or None, queryset=base, request=request)
    queryset = filterset.qs if filterset.is_bound and filterset.is_valid() else base
    back = reverse("households:list") + (f"?{request.GET.urlencode()}" if request.GET else "")
    return export_page(
        request,
        title=_("세대 목록 내려받기"),
        back=back,
        count=queryset.count(),
        make=lambda reason: exports.households_export(
            by=request.user, queryset=queryset, reason=reason, params=request.GET
        ),
    )


def cases_export(request: HttpRequest) -> HttpResponse:
    _require(request)
    return export_page(
        request,
        title=_("진행 중인 사례 내려받기"),
        back=reverse("households:caseload"),
        count=Case.objects.visible_to(request.user).open().count(),
        make=lambda reason: exports.cases_export(by=request.user, reason=reason),
    )


def followups_export(request: HttpRequest) -> HttpResponse:
    _require(request)
    import datetime as dt

    until = seoul_today() + dt.timedelta(days=FOLLOWUP_DAYS)
    return export_page(
        request,
        title=_("접촉 예정(7일 이내·기한 지남) 내려받기"),
        back=reverse("households:caseload"),
        count=FollowUp.objects.visible_to(request.user).due_by(until).count(),
        make=lambda reason: exports.followups_due_export(
            by=request.user, reason=reason, within_days=FOLLOWUP_DAYS
        ),
    )


urlpatterns = [
    path("export/", households_export, name="export"),
    path("cases/export/", cases_export, name="cases_export"),
    path("followups/export/", followups_export, name="followups_export"),
]
