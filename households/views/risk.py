"""The 긴급 (emergency) action on the household page: set with a reason, or clear back to the checklist's level.
The rules are ``households.services.risk``'s."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from welfare.errors import RuleError
from welfare.permissions import can

from .. import services
from ..models import Household, RiskLevel


@require_POST
def household_emergency(request: HttpRequest, pk: int) -> HttpResponse:
    if not can(request.user, "edit_casework"):
        raise PermissionDenied
    household = get_object_or_404(Household.objects.visible_to(request.user).select_related("dong__district"), pk=pk)
    reason = request.POST.get("reason", "")
    try:
        if household.risk_level == RiskLevel.EMERGENCY:
            household = services.household_clear_emergency(household=household, by=request.user, reason=reason)
            messages.success(request, _("긴급 지정을 해제했습니다. 위기도: %(risk)s") % {
                "risk": household.get_risk_level_display()})
        else:
            services.household_set_emergency(household=household, by=request.user, reason=reason)
            messages.success(request, _("긴급으로 지정했습니다. 오늘 접촉하세요."))
    except RuleError as error:
        messages.error(request, " ".join(str(m) for m in error.messages))
    return redirect("households:detail", pk=household.pk)
