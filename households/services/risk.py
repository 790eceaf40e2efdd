"""Households services: the 긴급 (emergency) risk level, set and cleared by an official (never computed from the
isolation checklist). In a transaction, audited with the official's reason."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from welfare.audit import log_action
from welfare.common import bounds
from welfare.common.dates import seoul_today
from welfare.errors import RuleError
from welfare.permissions import can

from ..models import (
    CareStatus,
    FollowUp,
    FollowUpReason,
    FollowUpStatus,
    Household,
    RiskLevel,
    isolation_risk,
)
from .followups import followup_schedule
from .households import household_update

if TYPE_CHECKING:
    from django.contrib.auth.models import User

EMERGENCY_REASON_MIN = 2
EMERGENCY_REASON_MAX = 300
# A household leaving 긴급 without any isolation checklist is watched as 고위험 until it is screened.
RISK_WITHOUT_SCREENING = RiskLevel.HIGH


def _require_editor(by: User) -> None:
    if not can(by, "edit_casework"):
        raise RuleError(_("긴급 지정을 바꿀 권한이 없습니다."))


def _clean_reason(reason: str, *, required: bool) -> str:
    reason = " ".join((reason or "").split())
    if required and len(reason) < EMERGENCY_REASON_MIN:
        raise RuleError({"reason": _("사유를 %(min)d자 이상 적어 주세요.") % {"min": EMERGENCY_REASON_MIN}})
    bounds.Checks().text("reason", reason, EMERGENCY_REASON_MAX).done()
    return reason


@transaction.atomic
def household_set_emergency(*, household: Household, by: User, reason: str) -> Household:
    """긴급: the next contact is due today (the open cadence follow-up moves to today, or one is opened), then
    every ``CadencePolicy.emergency_days`` until an official clears it. A household not under care is taken
    under care, so the daily cadence sweep keeps it on the schedule."""
    _require_editor(by)
    reason = _clean_reason(reason, required=True)
    if household.risk_level == RiskLevel.EMERGENCY:
        raise RuleError(_("이미 긴급으로 지정된 세대입니다."))
    before = household.risk_level
    today = seoul_today()
    data: dict = {"risk_level": RiskLevel.EMERGENCY, "next_contact_on": today}
    if household.status == CareStatus.NOT_UNDER_CARE:
        data["status"] = CareStatus.UNDER_CARE
    household = household_update(household=household, by=by, data=data)
    # household_update moved an open cadence follow-up to today when the date changed; make sure one is open.
    moved = FollowUp.objects.filter(household=household, status=FollowUpStatus.OPEN,
                                    reason=FollowUpReason.CADENCE).update(due_on=today)
    if not moved:
        followup_schedule(household=household, due_on=today, reason=FollowUpReason.CADENCE)
    log_action(household, "households.household.emergency_set", user=by, reason=reason,
               changes={"risk_level": [before, RiskLevel.EMERGENCY]})
    return household


def risk_after_emergency(household: Household) -> str:
    """The level of the household's latest isolation checklist score (mapped as today), else 고위험."""
    latest = household.isolation_screenings.order_by("-screened_on", "-id").values_list("score", flat=True).first()
    return RISK_WITHOUT_SCREENING if latest is None else isolation_risk(latest)


@transaction.atomic
def household_clear_emergency(*, household: Household, by: User, reason: str = "") -> Household:
    """Stable again: back to the level of the latest checklist score (:func:`risk_after_emergency`). The open
    follow-up keeps its date; the next sweep brings it forward if the new level's cadence is shorter."""
    _require_editor(by)
    reason = _clean_reason(reason, required=False)
    if household.risk_level != RiskLevel.EMERGENCY:
        raise RuleError(_("긴급으로 지정된 세대가 아닙니다."))
    after = risk_after_emergency(household)
    household = household_update(household=household, by=by, data={"risk_level": after})
    log_action(household, "households.household.emergency_cleared", user=by, reason=reason,
               changes={"risk_level": [RiskLevel.EMERGENCY, after]})
    return household
