"""5. Reassessment reminders (daily): every open case whose reassessment (재사정) is due within
REASSESSMENT_SOON_DAYS days, or overdue, gets one open reminder follow-up (reason ``reassessment``) for its
official, due on the reassessment day. The case entering reassessment meets it; closing voids it.

Budget: per keyset page of 2,000 due cases, 1 read (the cases without an open reminder, by the partial index on
the follow-ups) and 1 INSERT that lets the one-open-per-household-and-reason constraint refuse a duplicate; nothing
per case. Running it twice creates nothing twice."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from welfare.jobs import register

from ..models import Case, FollowUp, FollowUpReason, FollowUpStatus
from .common import keyset


@register("reassessment_reminders", label="재사정 도래 알림", window="day")
def reassessment_reminders(now: dt.datetime) -> dict[str, int]:
    today = timezone.localdate(now)
    reminded = FollowUp.objects.filter(household=OuterRef("household_id"), status=FollowUpStatus.OPEN,
                                       reason=FollowUpReason.REASSESSMENT)
    due = Case.objects.reassessment_due(today).filter(~Exists(reminded))
    created = 0
    for rows in keyset(due, ("household_id", "reassessment_due_on", "assigned_official_id")):
        with transaction.atomic():
            made = FollowUp.objects.bulk_create([
                FollowUp(household_id=household_id, case_id=case_id, due_on=due_on, assigned_to_id=official_id,
                         reason=FollowUpReason.REASSESSMENT)
                for case_id, household_id, due_on, official_id in rows], ignore_conflicts=True)
        created += len(made)
    return {"reminded": created}
