"""The dates a case's stage sets (DOMAIN §2 rows 9, 10, 12, 13; §6): after-care contacts after closing and the
reassessment due date while in service. ``case_transition`` calls these in its transaction; the offsets are the
district's ``CadencePolicy`` (calendar months, Asia/Seoul days).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from ..models import (
    AFTERCARE_REASONS,
    CadencePolicy,
    Case,
    FollowUp,
    FollowUpReason,
    FollowUpStatus,
    Household,
)


def policy_of(case: Case) -> CadencePolicy:
    district_id = Household.objects.filter(pk=case.household_id).values_list("dong__district_id", flat=True).get()
    return CadencePolicy.for_district(district_id)


def aftercare_schedule(*, case: Case, closed_on: dt.date, policy: CadencePolicy | None = None) -> int:
    """The two after-care contacts of a closed case at the policy's offsets from ``closed_on``; returns how many
    were created. Set-based and idempotent: a contact already on record for the same reason and day (open or
    done) is not made again, and the one-open-per-household-and-reason constraint refuses a duplicate under a
    race. Another (older) case's after-care still pending in the household gives way to this one's."""
    policy = policy or policy_of(case)
    first, last = policy.aftercare_dates(closed_on)
    wanted = {FollowUpReason.AFTERCARE_FIRST: first, FollowUpReason.AFTERCARE_LAST: last}
    FollowUp.objects.filter(household_id=case.household_id, status=FollowUpStatus.OPEN,
                            reason__in=AFTERCARE_REASONS).exclude(case=case).update(
        status=FollowUpStatus.CANCELLED, closed_at=timezone.now())
    made = set(FollowUp.objects.filter(case=case, reason__in=AFTERCARE_REASONS, due_on__in=list(wanted.values()))
               .exclude(status=FollowUpStatus.CANCELLED).values_list("reason", "due_on"))
    rows = [FollowUp(household_id=case.household_id, case=case, reason=reason, due_on=day,
                     assigned_to_id=case.assigned_official_id)
            for reason, day in wanted.items() if (reason, day) not in made]
    return len(FollowUp.objects.bulk_create(rows, ignore_conflicts=True)) if rows else 0


def aftercare_cancel_pending(case: Case) -> int:
    """Cancel the case's after-care contacts not yet made (a relapse, or the after-care ended otherwise)."""
    return FollowUp.objects.filter(case=case, status=FollowUpStatus.OPEN, reason__in=AFTERCARE_REASONS).update(
        status=FollowUpStatus.CANCELLED, closed_at=timezone.now())


def reassessment_reminder_close(case: Case, *, status: str = FollowUpStatus.DONE) -> int:
    """The case's open reassessment reminder is met (it entered reassessment) or void (it closed)."""
    return FollowUp.objects.filter(household_id=case.household_id, status=FollowUpStatus.OPEN,
                                   reason=FollowUpReason.REASSESSMENT).update(status=status, closed_at=timezone.now())
