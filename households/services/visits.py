"""Households services: visits."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from welfare.audit import log_action

from ..models import (
    CareStatus,
    CaseStage,
    ContactResult,
    FollowUpReason,
    FollowUpStatus,
    Household,
    LeftReason,
    Relation,
    Resident,
    Visit,
    VisitNeed,
)
from .cases import case_transition
from .composition import resident_leave
from .followups import _close_follow_ups, followup_schedule, propose_next_contact
from .rules import CONTACT_MADE


@dataclass
class VisitOutcome:
    """What to do with the household and the case when the visit found the person deceased or moved away."""

    end_care: bool = False
    resident: Resident | None = None
    propose_case_closing: bool = False


@dataclass
class VisitData:
    kind: str
    contact_result: str
    risk_level: str
    visited_at: dt.datetime | None = None
    observations: str = ""
    next_contact_on: dt.date | None = None
    needs: list[tuple[str, str, str]] = field(default_factory=list)  # (domain, severity, note)
    staff_present: list = field(default_factory=list)
    outcome: VisitOutcome = field(default_factory=VisitOutcome)


def visit_record(*, household: Household, by, data: VisitData, token: uuid.UUID | None = None) -> tuple[Visit, bool]:
    """Log a visit; returns (visit, created). The same token twice returns the first visit, unchanged."""
    if token is not None:
        existing = Visit.objects.filter(submission_token=token).first()
        if existing is not None:
            return existing, False
    try:
        with transaction.atomic():
            return _visit_record(household=household, by=by, data=data, token=token), True
    except IntegrityError:
        # Two submissions raced past the lookup: the unique token let exactly one in.
        if token is not None:
            existing = Visit.objects.filter(submission_token=token).first()
            if existing is not None:
                return existing, False
        raise


def _visit_record(*, household: Household, by, data: VisitData, token) -> Visit:
    household = Household.objects.select_for_update().select_related("dong").get(pk=household.pk)
    visited_at = data.visited_at or timezone.now()
    visit_day = timezone.localdate(visited_at)
    case = household.cases.open().first()
    ends = data.contact_result in (ContactResult.DECEASED, ContactResult.MOVED_AWAY)
    next_on = None if ends and data.outcome.end_care else (
        data.next_contact_on or propose_next_contact(household=household, risk_level=data.risk_level, after=visit_day)
    )
    visit = Visit.objects.create(
        household=household, case=case, visited_at=visited_at, kind=data.kind, contact_result=data.contact_result,
        observations=data.observations, risk_level=data.risk_level, next_contact_on=next_on, recorded_by=by,
        submission_token=token,
    )
    if data.staff_present:
        visit.staff_present.set(data.staff_present)
    VisitNeed.objects.bulk_create(
        [VisitNeed(visit=visit, domain=d, severity=s, note=n) for d, s, n in data.needs]
    )
    # The household's contact dates: an unanswered door is a visit, not a contact.
    household.risk_level = data.risk_level
    if data.contact_result in CONTACT_MADE and (household.last_contact_on is None or visit_day >= household.last_contact_on):
        household.last_contact_on = visit_day
    household.next_contact_on = next_on
    fields = ["risk_level", "last_contact_on", "next_contact_on", "updated_at"]
    if household.assigned_official_id is None:
        household.assigned_official = by
        fields.append("assigned_official")
    if ends and data.outcome.end_care:
        household.status = CareStatus.NOT_UNDER_CARE
        fields.append("status")
    household.save(update_fields=fields)

    # The cadence follow-up is met by any visit; the others only when someone was actually reached.
    _close_follow_ups(household, visit=visit, reasons=[FollowUpReason.CADENCE])
    if data.contact_result in CONTACT_MADE:
        _close_follow_ups(household, visit=visit, reasons=set(FollowUpReason.values) - {FollowUpReason.CADENCE,
                                                                                       FollowUpReason.MANUAL})
    if ends and data.outcome.end_care:
        _close_follow_ups(household, visit=None, reasons=FollowUpReason.values, status=FollowUpStatus.CANCELLED)
    elif next_on is not None:
        followup_schedule(household=household, due_on=next_on, reason=FollowUpReason.CADENCE,
                          assigned_to=household.assigned_official)

    if ends and data.outcome.resident is not None and data.outcome.resident.left_on is None:
        reason = LeftReason.DECEASED if data.contact_result == ContactResult.DECEASED else LeftReason.MOVED_OUT
        _leave_without_successor(data.outcome.resident, by=by, on=visit_day, reason=reason)
    if ends and data.outcome.propose_case_closing and case is not None and case.can_transition_to(CaseStage.CLOSING):
        reason = "deceased" if data.contact_result == ContactResult.DECEASED else "moved_out"
        case_transition(case=case, to=CaseStage.CLOSING, by=by, expected_version=case.version,
                        note=_("방문 결과에 따른 종결 제안"), closing_reason=reason)
    log_action(visit, "households.visit.recorded", user=by,
               changes={"result": data.contact_result, "risk": data.risk_level, "needs": [d for d, _s, _n in data.needs]})
    return visit


def _leave_without_successor(resident: Resident, *, by, on: dt.date, reason: str) -> None:
    """A death or a move found on a visit: the resident leaves; a remaining member becomes head if needed."""
    successor = None
    if resident.relation == Relation.HEAD:
        successor = resident.household.residents.current().exclude(pk=resident.pk).order_by("birth_date", "id").first()
    resident_leave(resident=resident, by=by, on=on, reason=reason, new_head=successor)


# Cases -------------------------------------------------------------------------------------------------------
