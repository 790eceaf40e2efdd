"""seed_demo shows the public door and the messages: requests at each stage in both districts, their messages,
a district wording and a partner login; a second run adds nothing."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command

from discovery.models import PublicRequest
from discovery.services import public_stage
from welfare.messaging.models import MessageTemplate, OutboundMessage


@pytest.mark.django_db(transaction=True)
def test_the_demo_has_the_door_and_its_messages_once():
    # By day in Seoul: the messages leave at once (at night they would wait for the morning).
    with time_machine.travel(dt.datetime(2026, 12, 3, 11, 0, tzinfo=ZoneInfo("Asia/Seoul")), tick=True):
        call_command("seed_demo", households=40, stdout=StringIO())
    requests = list(PublicRequest.objects.select_related("report__district"))
    assert len(requests) == 8 and {r.report.district.name for r in requests} == {"성동구", "영등포구"}
    assert {public_stage(r.report) for r in requests} == {"received", "checking", "contacted", "closed"}
    assert MessageTemplate.objects.count() == 2
    sent = OutboundMessage.objects.filter(state="sent")
    assert (
        sent.filter(purpose="report_received").count() == 6 and sent.filter(purpose="report_status").exists()
    )
    assert all(m.phone == "" for m in sent)  # a sent message keeps the masked number only
    partner = get_user_model().objects.get(username="partner")
    assert partner.network_member.district.name == "성동구"
    messages = OutboundMessage.objects.count()
    call_command("seed_demo", households=40, stdout=StringIO())
    assert PublicRequest.objects.count() == 8 and OutboundMessage.objects.count() == messages
