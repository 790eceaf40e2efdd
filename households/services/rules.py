"""Households services: rules."""

from __future__ import annotations

import datetime as dt

from welfare.common.dates import seoul_today
from welfare.permissions import roles_with

from ..models import (
    ContactResult,
    Resident,
)

CONTACT_MADE = frozenset({ContactResult.MET, ContactResult.REFUSED})
# Read by services/cases.py and views/cases.py until they ask ``can(user, "approve_closing")`` and
# ``welfare.common.dates.seoul_today`` themselves; the table is welfare.permissions.
APPROVERS = tuple(roles_with("approve_closing"))
_today = seoul_today


def has_active_consent(resident: Resident, scope: str, on: dt.date | None = None) -> bool:
    return resident.consents.active(on).filter(scope=scope).exists()
