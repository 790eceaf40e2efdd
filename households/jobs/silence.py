"""3. Silence watch (hourly) and alert check-ins: a household under care with no sign of life for its risk's
threshold, or an alert check-in, raises a high-priority silence follow-up and tells its official and team."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from welfare.common.dates import start_of
from welfare.jobs import register
from welfare.models import Notification, NotificationKind

from ..models import (
    CheckIn,
    CheckInSource,
    FollowUp,
    FollowUpPriority,
    FollowUpReason,
    FollowUpStatus,
    Household,
    RiskLevel,
    Visit,
)
from ..ownership import owner_expr, owner_id
from .common import (
    CARE_STATUSES,
    WRITE_BATCH,
    Policies,
    Recipients,
    address_line,
    notify,
    url_pattern,
)


@register("silence_watch", label="무응답 경보", window="hour")
def silence_watch(now: dt.datetime) -> dict[str, int]:
    """A household under care or monitoring whose last sign of life (a contact, a visit of any result, a
    check-in that was not an alert) is older than its risk's silence threshold gets a high-priority silence
    follow-up due today and a notification to its official and team leads.

    Once per spell: none while one is open, and none again until a full threshold has passed since the last
    one was raised. A household registered within the threshold is not silent yet.

    Budget: per (district policy × risk) group, ONE read of the silent households: the signs of life and the
    silence follow-ups that hold an alert back are each read once as a set of households (NOT IN a hashed
    subquery over the recent visits, check-ins and silence follow-ups only, on their date indexes), never
    once per household nor once per page; then per 2,000 rows 1 INSERT of follow-ups, 1 read back and
    1 INSERT of notifications in one transaction. Linear in the households watched (일반 is not watched).
    """
    today = timezone.localdate(now)
    recipients = Recipients.load()
    household_url = url_pattern("households:detail")
    counts = {"alerts": 0, "notifications": 0}
    for policy, in_district in Policies.load().groups():
        for risk in RiskLevel.values:
            days = policy.silence_days_for(risk)
            if days is None:  # 일반: no silence watch (its yearly check is the cadence follow-up)
                continue
            quiet_since = today - dt.timedelta(days=days)  # a sign of life on or after this day is recent enough
            since = start_of(quiet_since)
            visited = Visit.objects.filter(visited_at__gte=since).values("household_id")
            checked_in = CheckIn.objects.filter(at__gte=since, is_alert=False).values("household_id")
            alerted = (FollowUp.objects.filter(reason=FollowUpReason.SILENCE)
                       .filter(Q(status=FollowUpStatus.OPEN) | Q(due_on__gt=quiet_since)).values("household_id"))
            silent = (
                Household.objects.filter(in_district, status__in=CARE_STATUSES, risk_level=risk, created_at__lt=since)
                .filter(Q(last_contact_on__isnull=True) | Q(last_contact_on__lt=quiet_since))
                .exclude(pk__in=visited).exclude(pk__in=checked_in).exclude(pk__in=alerted)
                .annotate(owner=owner_expr())
                .order_by("pk")
                .values_list("pk", "owner", "dong_id", "road_address", "address_detail")
            )
            rows = list(silent)  # read once: the writes below cannot change which of these are silent
            for start in range(0, len(rows), WRITE_BATCH):
                with transaction.atomic():
                    alerts, sent = _raise_silence(rows[start:start + WRITE_BATCH], days=days, today=today, now=now,
                                                  recipients=recipients, household_url=household_url)
                counts["alerts"] += alerts
                counts["notifications"] += sent
    return counts


def _raise_silence(rows: list[tuple], *, days: int, today: dt.date, now: dt.datetime, recipients: Recipients,
                   household_url: str) -> tuple[int, int]:
    FollowUp.objects.bulk_create(
        [FollowUp(household_id=pk, due_on=today, reason=FollowUpReason.SILENCE, priority=FollowUpPriority.HIGH,
                  assigned_to_id=official, note=_("%(days)s일 넘게 방문·안부 확인 없음") % {"days": days})
         for pk, official, _dong, _road, _detail in rows],
        batch_size=WRITE_BATCH, ignore_conflicts=True,
    )
    by_household = {r[0]: r for r in rows}
    raised = list(FollowUp.objects.filter(household_id__in=list(by_household), reason=FollowUpReason.SILENCE,
                                          status=FollowUpStatus.OPEN).values_list("pk", "household_id"))
    sent = notify(
        Notification(user_id=user_id, kind=NotificationKind.SILENCE,
                     title=_("무응답 경보: %(address)s (%(days)s일 넘게 연락 없음)") % {
                         "address": address_line(road, detail), "days": days},
                     url=household_url.format(household_id), household_id=household_id,
                     dedupe_key=f"silence:followup:{follow_up_id}", created_at=now)
        for follow_up_id, household_id in raised
        for _pk, official, dong_id, road, detail in [by_household[household_id]]
        for user_id in recipients.of(official_id=official, dong_id=dong_id)
    )
    return len(raised), sent


def raise_checkin_alert(*, check_in: CheckIn) -> FollowUp:
    """An alert check-in (no movement on the IoT sensor, a missed AI call, a health drink not collected) raises
    the silence follow-up at once, high priority and due today, and tells the official and the team leads.

    The open silence follow-up is reused when there is one. Each alert check-in notifies once (keyed on the
    check-in): a new alert is news even while an earlier one is being handled.
    """
    household = Household.objects.get(pk=check_in.household_id)
    source = dict(CheckInSource.choices).get(check_in.source, check_in.source)
    note = _("%(source)s 이상 신호") % {"source": source} + (f": {check_in.note}" if check_in.note else "")
    FollowUp.objects.bulk_create(
        [FollowUp(household=household, due_on=timezone.localdate(), reason=FollowUpReason.SILENCE,
                  priority=FollowUpPriority.HIGH, assigned_to_id=owner_id(household), note=note[:300])],
        ignore_conflicts=True,
    )
    follow_up = FollowUp.objects.get(household=household, reason=FollowUpReason.SILENCE, status=FollowUpStatus.OPEN)
    people = Recipients.load(dong_id=household.dong_id).of(official_id=follow_up.assigned_to_id or owner_id(household),
                                  dong_id=household.dong_id)
    notify(
        Notification(user_id=user_id, kind=NotificationKind.CHECKIN_ALERT,
                     title=_("안부 확인 이상 신호: %(address)s (%(source)s)") % {
                         "address": household.full_address, "source": source},
                     url=reverse("households:detail", args=[household.pk]), household_id=household.pk,
                     dedupe_key=f"checkin:{check_in.pk}")
        for user_id in people
    )
    return follow_up

