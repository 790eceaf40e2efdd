"""The universal-visit rules (DOMAIN §6): who becomes a target (turning 65, newborn families), when the visit
is due, and the one open universal follow-up per household that a target links to. Used by the daily
``universal_visits`` job (discovery.jobs) and by the turning-65 and newborn list imports."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.db.models import OuterRef, QuerySet, Subquery

from households.jobs.common import WRITE_BATCH, keyset
from households.models import FollowUp, FollowUpReason, FollowUpStatus
from households.ownership import owner_expr
from welfare.common.dates import shift_years

from ..models import UniversalKind

UNIVERSAL_AGE = 65
NEWBORN_VISIT_DAYS = 42  # the newborn visit is due within six weeks of birth (DOMAIN §6)


def birthday(born: dt.date, age: int) -> dt.date:
    """The day someone born on ``born`` turns ``age`` (a 29 February birth: 28 February in a common year)."""
    return shift_years(born, age)


def births_turning(age: int, first: dt.date, last: dt.date) -> tuple[dt.date, dt.date]:
    """The range of birth dates whose ``age``-th birthday falls in ``[first, last]``.

    Birthdays grow with the birth date, so the range is contiguous; it is found by shifting the ends back and
    stepping a day or two where 29 February makes the shift inexact. Year ends need nothing special.
    """
    one = dt.timedelta(days=1)
    low = shift_years(first, -age)
    while birthday(low, age) < first:
        low += one
    while birthday(low - one, age) >= first:
        low -= one
    high = shift_years(last, -age)
    while birthday(high, age) > last:
        high -= one
    while birthday(high + one, age) <= last:
        high += one
    return low, high


def person_key(resident_id: int) -> str:
    return hashlib.sha256(f"resident:{resident_id}".encode()).hexdigest()


def universal_due(kind: str, born: dt.date, today: dt.date) -> dt.date:
    """An imported target's visit date. 65: the first day of the month of the 65th birthday (today when that is
    past); newborn: birth + 6 weeks."""
    if kind == UniversalKind.NEWBORN:
        return born + dt.timedelta(days=NEWBORN_VISIT_DAYS)
    return max(shift_years(born, UNIVERSAL_AGE).replace(day=1), today)


def follow_up_targets(waiting: QuerySet) -> tuple[int, int]:
    """Give the targets without a follow-up (``waiting``) their household's open universal follow-up.

    A household without one gets one, due on its earliest waiting target's date, assigned to its official,
    noted with the target's kind; a household that has one keeps it (one open per household and reason: the
    partial unique constraint guards races). Then every waiting target links to its household's open one.
    Returns (follow-ups created, targets linked). Per page of 2,000 targets: 1 read + 1 INSERT; one UPDATE.
    """
    kinds = dict(UniversalKind.choices)
    created = 0
    waiting_owned = waiting.annotate(owner=owner_expr("household__"))
    for rows in keyset(waiting_owned, ("household_id", "owner", "due_on", "kind")):
        first: dict[int, tuple] = {}
        for _pk, household_id, official, due, kind in rows:
            if household_id not in first or due < first[household_id][1]:
                first[household_id] = (official, due, kind)
        with_open = set(FollowUp.objects.filter(household_id__in=list(first), reason=FollowUpReason.UNIVERSAL,
                                                status=FollowUpStatus.OPEN).values_list("household_id", flat=True))
        new = [FollowUp(household_id=household_id, due_on=due, reason=FollowUpReason.UNIVERSAL,
                        assigned_to_id=official, note=str(kinds.get(kind, kind)))
               for household_id, (official, due, kind) in first.items() if household_id not in with_open]
        FollowUp.objects.bulk_create(new, batch_size=WRITE_BATCH, ignore_conflicts=True)
        created += len(new)
    open_universal = FollowUp.objects.filter(household=OuterRef("household_id"), reason=FollowUpReason.UNIVERSAL,
                                             status=FollowUpStatus.OPEN).values("pk")[:1]
    linked = waiting.update(follow_up=Subquery(open_universal))
    return created, linked
