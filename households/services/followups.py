"""Households services: followups."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from welfare.audit import log_action
from welfare.common import bounds
from welfare.common.dates import seoul_today
from welfare.errors import RuleError
from welfare.permissions import can

from ..models import (
    CadencePolicy,
    CaseStage,
    CheckIn,
    CheckInSource,
    FollowUp,
    FollowUpStatus,
    Household,
    Visit,
)
from ..ownership import owner_id

if TYPE_CHECKING:
    from django.contrib.auth.models import User

FUTURE_TOLERANCE = bounds.FUTURE_TOLERANCE
NOTE_MAX = bounds.max_length(FollowUp, "note")
CHECKIN_NOTE_MAX = bounds.max_length(CheckIn, "note")


def not_in_future(value: dt.datetime) -> bool:
    """Whether a time typed to the minute is not in the future (a few minutes of clock difference allowed)."""
    return not bounds.in_future(value)


def due_on_problem(due_on: dt.date) -> str | None:
    """A planned contact's day: from today, within NEXT_CONTACT_MAX_DAYS (the household's next contact too)."""
    if due_on < seoul_today():
        return _("예정일은 오늘이나 그 이후여야 합니다.")
    if due_on > bounds.within_next_contact():
        return _("예정일은 오늘부터 %(days)s일 이내(%(day)s까지)여야 합니다.") % {
            "days": bounds.next_contact_max_days(), "day": f"{bounds.within_next_contact():%Y-%m-%d}"}
    return None


def propose_next_contact(*, household: Household, risk_level: str, after: dt.date) -> dt.date:
    """The next contact date the cadence policy proposes (editable on the form)."""
    policy = CadencePolicy.for_district(household.dong.district_id)
    in_service = household.cases.filter(stage=CaseStage.IN_SERVICE).exists()
    return policy.next_contact(after=after, risk_level=risk_level, in_service=in_service)


def followup_schedule(*, household: Household, due_on: dt.date, reason: str, assigned_to: User | None = None,
                      note: str = "", by: User | None = None) -> FollowUp | None:
    """Open a follow-up unless one is already open for this household and reason (the constraint decides).

    ``by`` is the person who asked for it from a page (checked: a day from today on); the automatic ones (visits,
    jobs) pass no ``by`` and are logged by their caller.
    """
    if by is not None:
        if not can(by, "edit_casework"):
            raise RuleError(_("접촉 예정을 정할 권한이 없습니다."))
        bounds.Checks().add("due_on", due_on_problem(due_on)).text("note", note, NOTE_MAX).done()
    try:
        with transaction.atomic():
            follow_up = FollowUp.objects.create(household=household, due_on=due_on, reason=reason,
                                                assigned_to_id=assigned_to.pk if assigned_to else owner_id(household),
                                                note=note)
    except IntegrityError:
        return None
    if by is not None:
        log_action(follow_up, "households.followup.created", user=by,
                   changes={"reason": reason, "due_on": str(due_on)})
    return follow_up


@transaction.atomic
def followup_cancel(*, follow_up: FollowUp, by: User) -> FollowUp:
    """Cancel an open follow-up; one already done or cancelled is refused."""
    if not can(by, "edit_casework"):
        raise RuleError(_("접촉 예정을 취소할 권한이 없습니다."))
    cancelled = FollowUp.objects.filter(pk=follow_up.pk, status=FollowUpStatus.OPEN).update(
        status=FollowUpStatus.CANCELLED, closed_at=timezone.now()
    )
    if cancelled != 1:  # compare-and-set: a second click, or a visit that met it meanwhile
        raise RuleError(_("이미 완료되었거나 취소된 접촉 예정입니다."))
    follow_up.refresh_from_db()
    log_action(follow_up, "households.followup.cancelled", user=by, changes={"reason": follow_up.reason})
    return follow_up


def _close_follow_ups(household: Household, *, visit: Visit | None, reasons, status=FollowUpStatus.DONE) -> int:
    return FollowUp.objects.filter(household=household, status=FollowUpStatus.OPEN, reason__in=list(reasons)).update(
        status=status, visit=visit, closed_at=timezone.now()
    )


# Check-ins ---------------------------------------------------------------------------------------------------


def checkin_record(*, household: Household, by: User | None, source: str, is_alert: bool, note: str = "",
                   at: dt.datetime | None = None, external_id: str | None = None) -> tuple[CheckIn, bool]:
    """Record a sign of life (or an alert); returns (check_in, created). ``by`` is None for a gateway's job.

    A gateway's ``external_id`` makes a resent message find the first check-in instead of adding a second.
    """
    external_id = (external_id or "").strip() or None
    if external_id is not None:
        existing = CheckIn.objects.filter(external_id=external_id).first()
        if existing is not None:
            return existing, False
    if by is not None and not can(by, "edit_casework"):
        raise RuleError(_("안부 확인을 기록할 권한이 없습니다."))
    errors = {}
    if source not in CheckInSource.values:
        errors["source"] = _("올바른 경로를 고르세요.")
    checks = bounds.Checks().moment("at", at, future=_("안부 확인 일시가 미래입니다.")).text("note", note, CHECKIN_NOTE_MAX)
    errors.update({name: messages[0] for name, messages in checks.errors.items()})
    if errors:
        raise RuleError(errors)
    try:
        with transaction.atomic():
            check_in = CheckIn.objects.create(household=household, source=source, is_alert=is_alert, note=note,
                                              at=at or timezone.now(), external_id=external_id, recorded_by=by)
            log_action(check_in, "households.checkin.recorded", user=by,
                       changes={"source": source, "alert": is_alert})
            if is_alert:
                from ..jobs import raise_checkin_alert

                # An alert cannot wait for the hourly silence watch: follow-up and notices now, same transaction.
                raise_checkin_alert(check_in=check_in)
    except IntegrityError:
        # Two deliveries of the same message raced past the lookup: the unique id let one in.
        existing = CheckIn.objects.filter(external_id=external_id).first() if external_id else None
        if existing is None:
            raise
        return existing, False
    return check_in, True
