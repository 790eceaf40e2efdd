"""Factories for the community network, crisis reports and rewards (tests only)."""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

from discovery.models import CrisisReport, NetworkMember, ReporterIdentity, ReportStatus
from households.models import ServiceLink
from households.rrn import keyed_hash
from tests.households.factories_cases import (
    ResourceFactory,
    decide_conference,
    household_with_client,
    make_case,
)

_codes = itertools.count(1)


def member(*dongs, name: str | None = None, **extra) -> NetworkMember:
    """An active network member of the given dongs (the first dong's district)."""
    values = {"district": dongs[0].district, "name": name or f"구성원{next(_codes)}", "role": "honorary",
              "occupation": "gas_meter", "active_from": timezone.localdate() - dt.timedelta(days=365), **extra}
    made = NetworkMember.objects.create(**values)
    made.dongs.set(dongs)
    return made


def report(dong, *, received_at: dt.datetime | None = None, channel: str = "phone", **extra) -> CrisisReport:
    """A crisis report written straight to the table (setup only)."""
    received_at = received_at or timezone.now() - dt.timedelta(days=3)
    values = {
        "district": dong.district if dong is not None else extra.pop("district"),
        "dong": dong,
        "received_at": received_at,
        "channel": channel,
        "first_contact_due_at": received_at + dt.timedelta(days=7),
        "receipt_code": f"T{next(_codes):07d}",
        **extra,
    }
    return CrisisReport.objects.create(**values)


def identity(report_: CrisisReport, *, phone: str = "", **extra) -> ReporterIdentity:
    return ReporterIdentity.objects.create(report=report_, phone=phone,
                                           phone_hash=keyed_hash(phone) if phone else "", **extra)


def resolved_case_report(dong, *, by=None, opened_on: dt.date | None = None, **extra) -> CrisisReport:
    """A report resolved as "case opened" whose household got a new case."""
    household = household_with_client(dong)
    case = make_case(household, by=by, opened_on=opened_on)
    return report(dong, status=ReportStatus.RESOLVED, outcome="case_opened", household=household, case=case,
                  resolved_at=timezone.now(), **extra)


def resolved_link_report(dong, *, sector: str = "public", by=None, **extra) -> CrisisReport:
    """A report resolved as "linkage only" with a service link to a public or private resource."""
    household = household_with_client(dong, consents=("collect_use", "third_party"))
    resource = ResourceFactory(district=dong.district, sector=sector)
    link = ServiceLink.objects.create(household=household, resource=resource, created_by=by)
    return report(dong, status=ReportStatus.RESOLVED, outcome="linkage_only", household=household,
                  service_link=link, resolved_at=timezone.now(), **extra)


def reading(captured, table: str) -> int:
    """How many captured queries read ``table`` (a prefix): the page's own reads, apart from the layout's."""
    return sum(1 for q in captured.captured_queries if f'"{table}' in q["sql"] and q["sql"].startswith("SELECT"))


def conference_decides(case, *, by, selected: bool = True):
    """Move a case through the services to its conference and record the conference's decision: selected
    (→ planning) or not (→ closing). The services announce the decision (households.selection)."""
    from households.models import CaseStage
    from households.services import case_transition

    for stage in (CaseStage.ASSESSMENT, CaseStage.CONFERENCE):
        case.refresh_from_db()
        if case.stage != stage:
            case_transition(case=case, to=stage, by=by, expected_version=case.version)
    case.refresh_from_db()
    return decide_conference(case, by, selected=selected)


def benefit_moves(link, *statuses: str, by, reason: str = "") -> ServiceLink:
    """Move a service link through the services (e.g. "accepted", "in_service")."""
    from households.services import service_link_transition

    for status in statuses:
        link.refresh_from_db()
        service_link_transition(link=link, to=status, by=by, reason=reason)
    link.refresh_from_db()
    return link


def select(report_: CrisisReport, *, by) -> None:
    """The report's household actually selected: its case chosen at conference, or its benefit provided."""
    if report_.case_id is not None:
        conference_decides(report_.case, by=by)
    else:
        benefit_moves(report_.service_link, "accepted", "in_service", by=by)
