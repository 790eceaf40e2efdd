"""2. Overdue (hourly): open follow-ups past their date are marked and notified once; a week late, a
high-priority check. The apps above add their own sweeps (discovery: crisis reports) through the hooks."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from welfare.jobs import register
from welfare.models import Notification, NotificationKind

from ..models import FollowUp, FollowUpPriority, FollowUpReason, FollowUpStatus
from ..ownership import owner_expr
from .common import WRITE_BATCH, Recipients, address_line, keyset, notify, url_pattern
from .hooks import overdue_sweeps

ESCALATE_AFTER_DAYS = 7  # an open follow-up this many days overdue gets a high-priority check


@register("mark_overdue", label="기한 경과 표시와 알림", window="hour")
def mark_overdue(now: dt.datetime) -> dict[str, int]:
    """Open follow-ups due before today (Seoul) and crisis reports past their first-contact deadline are marked
    overdue once (``overdue_at``), and their official and the dong's team leads are notified once (the
    notification's dedupe key). Follow-ups overdue for more than a week get a high-priority check.

    Budget: per page of 2,000 newly overdue items, 1 read, 1 UPDATE … WHERE id IN, ceil(notifications / 2,000)
    INSERTs, in one transaction; memory: one page. On a normal hour there are a few dozen.
    """
    today = timezone.localdate(now)
    recipients = Recipients.load()
    counts = {"follow_ups": 0, "notifications": 0, "escalated": 0}
    household_url = url_pattern("households:detail")
    reasons = dict(FollowUpReason.choices)

    pending = FollowUp.objects.filter(status=FollowUpStatus.OPEN, due_on__lt=today, overdue_at__isnull=True)
    pending = pending.annotate(owner=owner_expr("household__"))
    columns = ("household_id", "reason", "due_on", "assigned_to_id", "owner",
               "household__dong_id", "household__road_address", "household__address_detail")
    for rows in keyset(pending, columns):
        with transaction.atomic():
            marked = FollowUp.objects.filter(pk__in=[r[0] for r in rows], overdue_at__isnull=True).update(
                overdue_at=now)
            counts["follow_ups"] += marked
            counts["notifications"] += notify(
                Notification(user_id=user_id, kind=NotificationKind.OVERDUE_FOLLOW_UP,
                             title=_("접촉 기한 경과: %(address)s (%(reason)s, 예정일 %(due)s)") % {
                                 "address": address_line(road, detail), "reason": reasons.get(reason, reason),
                                 "due": f"{due:%Y-%m-%d}"},
                             url=household_url.format(household_id), household_id=household_id,
                             dedupe_key=f"overdue:followup:{pk}", created_at=now)
                for pk, household_id, reason, due, assigned, official, dong_id, road, detail in rows
                for user_id in recipients.of(official_id=assigned or official, dong_id=dong_id)
            )

    for sweep in overdue_sweeps():  # crisis reports past their first-contact deadline (discovery.jobs)
        for key, value in sweep(now, recipients).items():
            counts[key] = counts.get(key, 0) + value
    counts["escalated"] = _escalate(today)
    return counts



def _escalate(today: dt.date) -> int:
    """One high-priority "overdue check" per household whose follow-up is more than a week late.

    Once per late follow-up: none is made when the household already had one raised on or after that
    follow-up's due date (open, done or cancelled), and the one-open-per-reason constraint guards the rest.
    """
    raised = FollowUp.objects.filter(household=OuterRef("household_id"), reason=FollowUpReason.OVERDUE,
                                     due_on__gte=OuterRef("due_on"))
    late = FollowUp.objects.filter(status=FollowUpStatus.OPEN,
                                   due_on__lt=today - dt.timedelta(days=ESCALATE_AFTER_DAYS)).exclude(
        reason=FollowUpReason.OVERDUE).exclude(Exists(raised)).annotate(owner=owner_expr("household__"))
    reasons = dict(FollowUpReason.choices)
    created = 0
    for rows in keyset(late, ("household_id", "owner", "reason", "due_on")):
        earliest: dict[int, tuple] = {}
        for _pk, household_id, official, reason, due in rows:
            if household_id not in earliest or due < earliest[household_id][2]:
                earliest[household_id] = (official, reason, due)
        checks = [
            FollowUp(household_id=household_id, due_on=today, reason=FollowUpReason.OVERDUE,
                     priority=FollowUpPriority.HIGH, assigned_to_id=official,
                     note=_("%(reason)s 예정일 %(due)s에서 %(days)s일 넘게 지남") % {
                         "reason": reasons.get(reason, reason), "due": f"{due:%Y-%m-%d}", "days": ESCALATE_AFTER_DAYS})
            for household_id, (official, reason, due) in earliest.items()
        ]
        FollowUp.objects.bulk_create(checks, batch_size=WRITE_BATCH, ignore_conflicts=True)
        created += len(checks)
    return created

