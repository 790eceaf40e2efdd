"""Reads of the resident collaborators and the dong council: a member's year in figures (visits, reports, training
hours, support received by kind), the current term and its renewal, and a dong council's meetings and projects.
Grouped queries only; the council's figures are aggregates (no resident's name)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Sum

from welfare.common.dates import seoul_today

from .models import (
    ActivityKind,
    HappyProject,
    MemberActivity,
    MemberAppointment,
    MemberSupport,
    NetworkMember,
)

RENEWAL_NOTICE_DAYS = 60


@dataclass
class MemberYear:
    year: int
    visits: int = 0
    reports: int = 0
    training_hours: Decimal = Decimal(0)
    support: dict[str, int] = field(default_factory=dict)  # kind -> KRW
    term: MemberAppointment | None = None
    today: dt.date | None = None

    @property
    def support_total(self) -> int:
        return sum(self.support.values())

    @property
    def renewal_due(self) -> bool:
        return bool(self.term and self.today and self.term.term_ends_on <= self.today + dt.timedelta(
            days=RENEWAL_NOTICE_DAYS))


def member_year(member: NetworkMember, year: int, *, today: dt.date | None = None) -> MemberYear:
    """Three queries: activities grouped by kind, support grouped by kind, the latest term."""
    out = MemberYear(year=year, today=today or seoul_today())
    for row in (MemberActivity.objects.filter(member=member, done_on__year=year).values("kind")
                .annotate(n=Count("pk"), hours=Sum("hours")).order_by()):
        if row["kind"] == ActivityKind.VISIT:
            out.visits = row["n"]
        elif row["kind"] == ActivityKind.REPORT:
            out.reports = row["n"]
        else:
            out.training_hours = row["hours"] or Decimal(0)
    out.support = {row["kind"]: row["total"] or 0 for row in MemberSupport.objects.filter(
        member=member, given_on__year=year).values("kind").annotate(total=Sum("amount_krw")).order_by()}
    out.term = member.appointments.order_by("-appointed_on").first()
    return out


@dataclass
class CouncilYear:
    meetings: int
    projects: int
    budget_krw: int
    beneficiaries: int
    households: int


def council_year(dong_id: int, year: int) -> CouncilYear:
    """The council's year: meetings and projects with their summed budget and beneficiaries. Two queries."""
    from .models import CouncilMeeting

    meetings = CouncilMeeting.objects.filter(dong_id=dong_id, held_on__year=year).count()
    agg = HappyProject.objects.filter(dong_id=dong_id, year=year).aggregate(
        n=Count("pk"), budget=Sum("budget_krw"), people=Sum("beneficiaries"), homes=Sum("households"))
    return CouncilYear(meetings, agg["n"] or 0, agg["budget"] or 0, agg["people"] or 0, agg["homes"] or 0)
