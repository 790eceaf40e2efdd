"""Households services: isolation."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from welfare.audit import log_action

from ..models import (
    ISOLATION_ITEMS,
    Household,
    IsolationScreening,
    Resident,
    isolation_risk,
)
from .households import household_update
from .rules import _today


@transaction.atomic
def isolation_screening_record(*, household: Household, resident: Resident, by, answers: dict[str, bool],
                               on: dt.date | None = None, apply_risk: bool = False) -> IsolationScreening:
    keys = {k for k, _label in ISOLATION_ITEMS}
    clean = {k: bool(answers.get(k)) for k in keys}
    score = sum(clean.values())
    screening = IsolationScreening.objects.create(
        household=household, resident=resident, screened_on=on or _today(), answers=clean, score=score,
        proposed_risk=isolation_risk(score), screened_by=by,
    )
    if apply_risk and household.risk_level != screening.proposed_risk:
        household_update(household=household, by=by, data={"risk_level": screening.proposed_risk})
    log_action(screening, "households.isolationscreening.created", user=by, changes={"score": score})
    return screening
