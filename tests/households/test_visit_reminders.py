"""The evening visit reminders (households.jobs.reminders): the head of a household with a contact planned for
tomorrow gets one text message, only with a mobile number and an active consent; a second run sends nothing."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from households.jobs import visit_reminders
from households.models import FollowUp
from tests.factories import ConsentFactory, HouseholdFactory, ResidentFactory
from welfare.messaging.models import OutboundMessage

pytestmark = pytest.mark.django_db
EVENING = dt.datetime(2026, 12, 3, 18, 0, tzinfo=ZoneInfo("Asia/Seoul"))
TOMORROW = dt.date(2026, 12, 4)


def planned(dong, *, consent=True, phone="01055551234", due=TOMORROW):
    household = HouseholdFactory(dong=dong)
    head = ResidentFactory(household=household, relation="head", phone=phone)
    if consent:
        ConsentFactory(resident=head, granted_on=dt.date(2026, 1, 5))
    FollowUp.objects.create(household=household, due_on=due, reason="cadence")
    return household


def test_tomorrows_contacts_are_reminded_once_with_consent_only(dong, django_capture_on_commit_callbacks):
    planned(dong)
    planned(dong, consent=False, phone="01055552222")
    planned(dong, phone="0212345678")  # a landline cannot take a text
    planned(dong, phone="01055553333", due=TOMORROW + dt.timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert visit_reminders(EVENING) == {"reminded": 1}
        assert visit_reminders(EVENING) == {"reminded": 1}  # asked again: the same message, not a second one
    message = OutboundMessage.objects.get()
    assert message.purpose == "visit_reminder" and message.phone_masked == "010-****-1234"
    assert "12월 4일에" in message.body and dong.name in message.body and message.state == "sent"
