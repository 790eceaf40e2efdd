"""Helpers for the scheduled-job tests: Seoul moments, households under care, crisis reports (synthetic data)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import factory
from factory.django import DjangoModelFactory

from discovery.models import CrisisReport
from households.models import Household
from tests.factories import HouseholdFactory, ResidentFactory

SEOUL = ZoneInfo("Asia/Seoul")


def seoul(year: int, month: int, day: int, hour: int = 5, minute: int = 0) -> dt.datetime:
    """A moment on the Seoul wall clock (the jobs' "today" is the Seoul date of ``now``)."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=SEOUL)


def cared_household(dong, *, risk: str = "low", last_contact: dt.date | None = None, status: str = "under_care",
                    official=None, registered: dt.datetime | None = None, **extra) -> Household:
    """A household under care (or monitoring) with a head, registered long ago unless told otherwise."""
    household = HouseholdFactory(dong=dong, risk_level=risk, status=status, last_contact_on=last_contact,
                                 assigned_official=official, **extra)
    ResidentFactory(household=household, relation="head")
    # created_at is auto_now_add: put it back in time with an UPDATE.
    Household.objects.filter(pk=household.pk).update(created_at=registered or seoul(2020, 1, 1))
    household.refresh_from_db()
    return household


class CrisisReportFactory(DjangoModelFactory):
    class Meta:
        model = CrisisReport

    district = factory.LazyAttribute(lambda o: o.dong.district)
    dong = None
    channel = "phone"
    received_at = factory.LazyFunction(lambda: seoul(2024, 1, 1, 10))
    first_contact_due_at = factory.LazyAttribute(lambda o: o.received_at + dt.timedelta(days=7))
    receipt_code = factory.Sequence(lambda n: f"R2024-{n:06d}")
