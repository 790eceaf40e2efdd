"""Households services: isolation."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from welfare.audit import log_action
from welfare.common import bounds
from welfare.common.dates import seoul_today
from welfare.errors import RuleError
from welfare.permissions import can

from ..models import (
    ISOLATION_ITEMS,
    Household,
    IsolationScreening,
    Resident,
    RiskLevel,
    isolation_risk,
)
from .households import household_update

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@transaction.atomic
def isolation_screening_record(*, household: Household, resident: Resident, by: User, answers: dict[str, bool],
                               on: dt.date | None = None, apply_risk: bool = False) -> IsolationScreening:
    """Score the checklist (the band is :func:`isolation_risk`'s) and, if asked, apply it to the household
    (not to a 긴급 one: clearing 긴급 applies the latest score)."""
    if not can(by, "edit_casework"):
        raise RuleError(_("사회적 고립 조사를 기록할 권한이 없습니다."))
    errors = {}
    if resident.household_id != household.pk or resident.left_on is not None:
        errors["resident"] = _("이 세대의 현재 가구원을 고르세요.")
    if on is not None and on > seoul_today():
        errors["screened_on"] = _("조사일이 미래입니다.")
    elif on is not None and (problem := bounds.day_problem(on)) is not None:
        errors["screened_on"] = problem
    if errors:
        raise RuleError(errors)
    keys = {k for k, _label in ISOLATION_ITEMS}
    clean = {k: bool(answers.get(k)) for k in keys}
    score = sum(clean.values())
    screening = IsolationScreening.objects.create(
        household=household, resident=resident, screened_on=on or seoul_today(), answers=clean, score=score,
        proposed_risk=isolation_risk(score), screened_by=by,
    )
    # 긴급 stays until an official clears it (households.services.risk), which then applies this score.
    if apply_risk and household.risk_level not in (screening.proposed_risk, RiskLevel.EMERGENCY):
        household_update(household=household, by=by, data={"risk_level": screening.proposed_risk})
    log_action(screening, "households.isolationscreening.created", user=by, changes={"score": score})
    return screening
