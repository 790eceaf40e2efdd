"""Households services: rules shared by visits, cases and consents (what counts as contact, active consent)."""

from __future__ import annotations

import datetime as dt

from ..models import (
    ContactResult,
    Resident,
)

CONTACT_MADE = frozenset({ContactResult.MET, ContactResult.REFUSED})


def has_active_consent(resident: Resident, scope: str, on: dt.date | None = None) -> bool:
    return resident.consents.active(on).filter(scope=scope).exists()
