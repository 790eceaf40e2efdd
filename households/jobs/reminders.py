"""4. Visit reminders (daily, evening): the head of each household with a contact planned for tomorrow gets a
text message through welfare.messaging — only with a mobile number and an active consent to collection and use
(the purpose the number was given for). One message per follow-up and day (the idempotency key), so a second run
sends nothing."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef
from django.utils import timezone

from welfare.jobs import register
from welfare.messaging.models import MessagePurpose
from welfare.messaging.services import MessageRequest, is_mobile, message_send

from ..models import Consent, ConsentScope, FollowUp, FollowUpStatus, Relation, Resident

REMINDERS_MAX = 5_000  # a day's planned contacts in one district-wide run


@register("visit_reminders", label="방문 예정 문자 알림", window="day")
def visit_reminders(now: dt.datetime) -> dict[str, int]:
    tomorrow = timezone.localdate(now) + dt.timedelta(days=1)
    consent = Consent.objects.active(timezone.localdate(now)).filter(resident=OuterRef("pk"),
                                                                     scope=ConsentScope.COLLECT_USE)
    heads = dict(Resident.objects.current().filter(
        relation=Relation.HEAD, household__follow_ups__status=FollowUpStatus.OPEN,
        household__follow_ups__due_on=tomorrow).exclude(phone="").filter(Exists(consent))
        .values_list("household_id", "phone"))
    followups = (FollowUp.objects.filter(status=FollowUpStatus.OPEN, due_on=tomorrow, household_id__in=list(heads))
                 .select_related("household__dong__district").order_by("id")[:REMINDERS_MAX])
    sent = 0
    for followup in followups:
        phone = heads.get(followup.household_id, "")
        if not is_mobile(phone):
            continue
        dong = followup.household.dong
        message_send(MessageRequest(
            purpose=MessagePurpose.VISIT_REMINDER, phone=phone, consent=True, district_id=dong.district_id,
            idempotency_key=f"households.followup:{followup.pk}:reminder:{tomorrow:%Y-%m-%d}",
            context={"dong": dong.name, "date": f"{tomorrow.month}월 {tomorrow.day}일", "time": ""},
            recipient_label="세대주", ref=f"households.followup:{followup.pk}"), now=now)
        sent += 1
    return {"reminded": sent}
