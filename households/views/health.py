"""The household page's 건강 측정 section: for the roles with ``view_health_measurements`` only, the readings
with an active consent; showing them is written to the access log (sensitive data)."""

from __future__ import annotations

from django.http import HttpRequest

from welfare.audit import log_action
from welfare.models import AccessAction
from welfare.permissions import can

from ..models import Household
from ..selectors_measurements import CHART_DAYS, household_health


def detail_context(request: HttpRequest, household: Household) -> dict:
    """Three queries with the capability (latest per kind, the 90 days, the access-log entry), none without."""
    if not can(request.user, "view_health_measurements"):
        return {}
    rows = household_health(household)
    if rows:
        log_action(household, "households.measurement.viewed", user=request.user, action=AccessAction.VIEW,
                   changes={"kinds": sorted({r.kind for r in rows}), "count": len(rows)})
    return {"health_panel": {"rows": rows, "days": CHART_DAYS}}
