"""Helpers for crisis report tests: reports through the service, households with residents, resources."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from discovery import services
from households.models import Household
from tests.factories import HouseholdFactory, ResidentFactory
from tests.households.factories_cases import ResourceFactory, consent

SEOUL = timezone.get_default_timezone()


def seoul(y, m, d, hh=10, mm=0) -> dt.datetime:
    return dt.datetime(y, m, d, hh, mm, tzinfo=SEOUL)


def new_report(dong, *, by=None, channel: str = "phone", reporter: dict | None = None, district=None,
               received_at: dt.datetime | None = None, **data):
    """A report made through the service, as the pages make them."""
    if not any(data.get(k) for k in services.SUBJECT_FIELDS):
        data["subject_name"] = "홍길동"
    return services.report_create(district=district or dong.district, dong=dong, by=by, channel=channel,
                                  data=data, reporter=reporter, received_at=received_at)


def household_at(dong, road: str, detail: str = "", *, head: str = "김순자", phone: str = "", rrn: str = "",
                 consents: tuple[str, ...] = ()) -> Household:
    household = HouseholdFactory(dong=dong, road_address=road, address_detail=detail)
    resident = ResidentFactory(household=household, name=head, relation="head", phone=phone)
    if rrn:
        resident.set_rrn(rrn)
        resident.save()
    for scope in consents:
        consent(resident, scope)
    return household


__all__ = ["ResourceFactory", "consent", "household_at", "new_report", "seoul"]
