"""The header's count on 내 업무 (welfare.nav_counts): my households whose next contact is overdue."""

from __future__ import annotations

from welfare.common.dates import seoul_today
from welfare.nav_counts import register

from .models import Household
from .selectors import CARE_STATUSES


@register("caseload", "use_worklists")
def overdue_contacts(user) -> int:
    return (
        Household.objects.visible_to(user)
        .filter(assigned_official=user, status__in=CARE_STATUSES, next_contact_on__lt=seoul_today())
        .count()
    )
