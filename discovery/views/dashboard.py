"""Discovery dashboard: per dong and per month, reports by channel, the share that became a case or a service
link, the median time to first contact, and open reports past their first-contact due date.

Aggregates only, so district planners see it too. Two grouped queries feed the whole page, whatever the number
of dongs and reports: the counts by (dong, month, channel), and the (dong, received, first contact) moments of
the year, from which the medians are taken in Python (the same figures on SQLite and PostgreSQL; a year of a
district is a few thousand rows).
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from dataclasses import dataclass, field

from django import forms
from django.db.models import Count, Q
from django.db.models.functions import ExtractMonth
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from welfare.common.dates import year_bounds
from welfare.models import DISTRICT_ROLES, Dong
from welfare.scoping import membership, visible_dong_ids

from ..models import Channel, CrisisReport, ReportOutcome, ReportStatus, overdue_q

YEARS_BACK = 5
NO_DONG = 0  # the row of the district queue (reports with no dong yet)


@dataclass
class Figures:
    """One row of the dashboard: a dong, a month, or the total."""

    key: int
    label: str
    received: int = 0
    resolved: int = 0
    case_opened: int = 0
    linkage_only: int = 0
    overdue_open: int = 0
    channels: Counter = field(default_factory=Counter)
    contact_hours: list[float] = field(default_factory=list)

    def add(self, row: dict) -> None:
        self.received += row["received"]
        self.resolved += row["resolved"]
        self.case_opened += row["case_opened"]
        self.linkage_only += row["linkage_only"]
        self.overdue_open += row["overdue_open"]
        self.channels[row["channel"]] += row["received"]

    @property
    def selected(self) -> int:
        return self.case_opened + self.linkage_only

    @property
    def selected_share(self) -> float | None:
        """Of the resolved reports, the share resolved as a case or a service link (linkage only), in %."""
        return round(100 * self.selected / self.resolved, 1) if self.resolved else None

    @property
    def median_contact_hours(self) -> float | None:
        return round(statistics.median(self.contact_hours), 1) if self.contact_hours else None

    def channel_cells(self, channels: list[str]) -> list[int]:
        return [self.channels.get(c, 0) for c in channels]


@dataclass
class Dashboard:
    year: int
    month: int | None
    dongs: list[Figures]
    months: list[Figures]
    total: Figures
    channels: list[tuple[str, str]]


def _scope(user) -> Q:
    """The user's dongs; district roles also count their district's queue (reports with no dong yet)."""
    scope = Q(dong_id__in=visible_dong_ids(user))
    staff = membership(user)
    if getattr(user, "is_superuser", False):
        scope |= Q(dong__isnull=True)
    elif staff is not None and staff.role in DISTRICT_ROLES:
        scope |= Q(dong__isnull=True, district_id=staff.district_id)
    return scope


def discovery_figures(user, *, year: int, month: int | None = None, now: dt.datetime | None = None) -> Dashboard:
    """Figures per dong (for the month, or the year when ``month`` is None), per month, and in total."""
    now = now or timezone.now()
    start, end = year_bounds(year)
    dongs = list(Dong.objects.filter(pk__in=visible_dong_ids(user)).order_by("district__name", "name")
                 .values_list("pk", "name"))
    by_dong = {pk: Figures(pk, name) for pk, name in dongs}
    by_month = {m: Figures(m, f"{year}-{m:02d}") for m in range(1, 13)}
    total = Figures(-1, "")
    reports = CrisisReport.objects.filter(_scope(user), received_at__gte=start, received_at__lt=end)
    rows = (
        reports.annotate(month=ExtractMonth("received_at"))  # in the current time zone, Asia/Seoul
        .values("dong_id", "month", "channel")
        .annotate(
            received=Count("pk"),
            resolved=Count("pk", filter=Q(status=ReportStatus.RESOLVED)),
            case_opened=Count("pk", filter=Q(outcome=ReportOutcome.CASE_OPENED)),
            linkage_only=Count("pk", filter=Q(outcome=ReportOutcome.LINKAGE_ONLY)),
            overdue_open=Count("pk", filter=overdue_q(now)),
        )
        .order_by()
    )
    for row in rows:
        by_month[row["month"]].add(row)
        if month is not None and row["month"] != month:
            continue
        dong_id = row["dong_id"] or NO_DONG
        if dong_id not in by_dong:
            by_dong[dong_id] = Figures(dong_id, gettext("동 미지정(구 접수함)"))
        by_dong[dong_id].add(row)
        total.add(row)
    moments = reports.filter(first_contacted_at__isnull=False).values_list("dong_id", "received_at",
                                                                            "first_contacted_at")
    for dong_id, received_at, contacted_at in moments:
        hours = (contacted_at - received_at).total_seconds() / 3600
        local_month = timezone.localtime(received_at).month
        by_month[local_month].contact_hours.append(hours)
        if month is not None and local_month != month:
            continue
        dong_id = dong_id or NO_DONG
        if dong_id in by_dong:
            by_dong[dong_id].contact_hours.append(hours)
        total.contact_hours.append(hours)
    return Dashboard(year=year, month=month, dongs=list(by_dong.values()), months=list(by_month.values()),
                     total=total, channels=list(Channel.choices))


class PeriodForm(forms.Form):
    year = forms.TypedChoiceField(label=gettext_lazy("연도"), coerce=int, required=False)
    month = forms.TypedChoiceField(label=gettext_lazy("월"), coerce=int, required=False, empty_value=None,
                                   choices=[("", gettext_lazy("연간 전체")),
                                            *((m, f"{m}월") for m in range(1, 13))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        this_year = timezone.localdate().year
        self.fields["year"].choices = [(y, str(y)) for y in range(this_year, this_year - YEARS_BACK, -1)]

    def period(self) -> tuple[int, int | None]:
        if not self.is_valid():
            return timezone.localdate().year, None
        return self.cleaned_data["year"] or timezone.localdate().year, self.cleaned_data["month"]


def dashboard(request: HttpRequest) -> HttpResponse:
    form = PeriodForm(request.GET or None)
    year, month = form.period()
    figures = discovery_figures(request.user, year=year, month=month)
    channel_keys = [c for c, _ in figures.channels]
    return render(request, "discovery/dashboard/dashboard.html", {
        "form": form, "year": year, "month": month, "figures": figures,
        "channel_rows": [(row, row.channel_cells(channel_keys)) for row in figures.dongs],
        "channel_totals": figures.total.channel_cells(channel_keys),
        "now": timezone.now(),
    })


urlpatterns = [
    path("dashboard/", dashboard, name="dashboard"),
]
