"""Households services: rules."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from welfare.models import Role

from ..models import (
    ContactResult,
    Resident,
)

CONTACT_MADE = frozenset({ContactResult.MET, ContactResult.REFUSED})
APPROVERS = (Role.DONG_LEAD, Role.DISTRICT_ADMIN)


def _today() -> dt.date:
    return timezone.localdate()


def has_active_consent(resident: Resident, scope: str, on: dt.date | None = None) -> bool:
    return resident.consents.active(on).filter(scope=scope).exists()


# Composition ------------------------------------------------------------------------------------------------
