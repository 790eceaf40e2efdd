"""Households services: rules shared by visits, cases and consents (what counts as contact, active consent)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from ..models import (
    Consent,
    ConsentScope,
    ContactResult,
    Relation,
    Resident,
)

CONTACT_MADE = frozenset({ContactResult.MET, ContactResult.REFUSED})


def has_active_consent(resident: Resident, scope: str, on: dt.date | None = None) -> bool:
    return resident.consents.active(on).filter(scope=scope).exists()


def sensitive_consent_holders(household_ids: Iterable[int], on: dt.date | None = None) -> tuple[set[int], set[int]]:
    """Set-based :func:`has_active_consent` for the sensitive scope over many households, in one query: the
    residents who hold an active consent to sensitive data, and the households whose current head holds one
    (a shared device's readings are the head's)."""
    residents: set[int] = set()
    households: set[int] = set()
    rows = (Consent.objects.active(on).filter(scope=ConsentScope.SENSITIVE,
                                              resident__household_id__in=list(household_ids))
            .values_list("resident_id", "resident__household_id", "resident__relation", "resident__left_on"))
    for resident_id, household_id, relation, left_on in rows:
        residents.add(resident_id)
        if relation == Relation.HEAD and left_on is None:
            households.add(household_id)
    return residents, households
