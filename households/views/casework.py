"""What the case pages and the service-link pages share: the case reached through its household, the editor
check, and a stale form's fresh input."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, QueryDict
from django.shortcuts import get_object_or_404

from welfare.common.dates import seoul_today
from welfare.permissions import can

from ..models import Case, Household


def require_casework(request: HttpRequest) -> None:
    if not can(request.user, "edit_casework"):
        raise PermissionDenied


def household_for(request: HttpRequest, pk: int) -> Household:
    return get_object_or_404(Household.objects.visible_to(request.user).select_related("dong__district"), pk=pk)


def case_for(request: HttpRequest, pk: int, case_pk: int) -> Case:
    """The case through its household: another dong's, or another household's, is 404."""
    household = household_for(request, pk)
    case = get_object_or_404(
        household.cases.with_deadline_flags(seoul_today()).select_related("client", "assigned_official"),
        pk=case_pk,
    )
    case.household = household
    return case


def fresh_data(request: HttpRequest, version: int) -> QueryDict:
    """The user's input with the current version, so a second save after checking goes through."""
    data = request.POST.copy()
    data["version"] = str(version)
    return data
