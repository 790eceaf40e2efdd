"""The one registry of live metrics: the nightly figures, the plan's dong targets and the dashboard all read
these definitions, so no metric is computed in two places.

Each metric counts rows per (dong, month) over a date range in ONE grouped query (months in Asia/Seoul).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

Counts = dict[tuple[int, dt.date], int]  # (dong id, first day of month) -> count


@dataclass(frozen=True)
class Metric:
    code: str
    label: str
    unit: str
    count: Callable[[Iterable[int], dt.date, dt.date], Counts]


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def months_between(start: dt.date, end: dt.date) -> list[dt.date]:
    """First days of the months from ``start`` to ``end`` inclusive."""
    months, cursor = [], month_start(start)
    while cursor <= end:
        months.append(cursor)
        cursor = (cursor + dt.timedelta(days=32)).replace(day=1)
    return months


def _grouped(queryset: QuerySet, dong_field: str, date_field: str) -> Counts:
    tz = timezone.get_current_timezone()
    rows = (
        queryset.annotate(m=TruncMonth(date_field, tzinfo=tz) if _is_datetime(queryset, date_field)
                          else TruncMonth(date_field))
        .values(dong_field, "m")
        .annotate(n=Count("pk", distinct=True))
        .order_by()
    )
    out: Counts = {}
    for row in rows:
        month = row["m"].date() if isinstance(row["m"], dt.datetime) else row["m"]
        out[(row[dong_field], month)] = row["n"]
    return out


def _is_datetime(queryset: QuerySet, path: str) -> bool:
    from django.db import models

    return isinstance(queryset.model._meta.get_field(path), models.DateTimeField)


def _aware_range(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    return (dt.datetime.combine(start, dt.time.min, tzinfo=tz),
            dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz))


def crisis_households_discovered(dongs: Iterable[int], start: dt.date, end: dt.date) -> Counts:
    """Crisis reports received (duplicates left out)."""
    from discovery.models import CrisisReport, ReportOutcome

    lo, hi = _aware_range(start, end)
    qs = CrisisReport.objects.filter(dong_id__in=list(dongs), received_at__gte=lo, received_at__lt=hi).exclude(
        outcome=ReportOutcome.DUPLICATE)
    return _grouped(qs, "dong_id", "received_at")


def cases_opened(dongs: Iterable[int], start: dt.date, end: dt.date) -> Counts:
    from households.models import Case

    qs = Case.objects.filter(household__dong_id__in=list(dongs), opened_on__gte=start, opened_on__lte=end)
    return _grouped(qs, "household__dong_id", "opened_on")


def service_links_completed(dongs: Iterable[int], start: dt.date, end: dt.date) -> Counts:
    from households.models import LinkStatus, ServiceLink

    qs = ServiceLink.objects.filter(household__dong_id__in=list(dongs), status=LinkStatus.COMPLETED,
                                    completed_on__gte=start, completed_on__lte=end)
    return _grouped(qs, "household__dong_id", "completed_on")


def universal_visits_done(dongs: Iterable[int], start: dt.date, end: dt.date) -> Counts:
    from households.models import FollowUp, FollowUpReason, FollowUpStatus

    lo, hi = _aware_range(start, end)
    qs = FollowUp.objects.filter(household__dong_id__in=list(dongs), reason=FollowUpReason.UNIVERSAL,
                                 status=FollowUpStatus.DONE, closed_at__gte=lo, closed_at__lt=hi)
    return _grouped(qs, "household__dong_id", "closed_at")


def network_members_active(dongs: Iterable[int], start: dt.date, end: dt.date) -> Counts:
    """Members active on the last day of each month (or on ``end`` for the current month)."""
    from discovery.models import NetworkMember

    dongs = list(dongs)
    rows = NetworkMember.objects.filter(dongs__in=dongs, active_from__lte=end).filter(
        Q(active_to__isnull=True) | Q(active_to__gte=start)
    ).values_list("dongs", "active_from", "active_to")
    wanted = set(dongs)
    out: Counts = defaultdict(int)
    months = months_between(start, end)
    for dong_id, active_from, active_to in rows:
        if dong_id not in wanted:
            continue
        for month in months:
            last = min(end, (month + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1))
            if active_from <= last and (active_to is None or active_to >= last):
                out[(dong_id, month)] += 1
    return dict(out)


def trainings_held(dongs: Iterable[int], start: dt.date, end: dt.date) -> Counts:
    from .models import Training

    qs = Training.objects.filter(dong_id__in=list(dongs), held_on__gte=start, held_on__lte=end)
    return _grouped(qs, "dong_id", "held_on")


METRICS: dict[str, Metric] = {m.code: m for m in (
    Metric("crisis_households_discovered", _("위기가구 발굴"), _("건"), crisis_households_discovered),
    Metric("cases_opened", _("통합사례관리 접수"), _("건"), cases_opened),
    Metric("service_links_completed", _("서비스 연계 완료"), _("건"), service_links_completed),
    Metric("universal_visits_done", _("보편 방문 완료"), _("건"), universal_visits_done),
    Metric("network_members_active", _("활동 중인 인적안전망"), _("명"), network_members_active),
    Metric("trainings_held", _("역량강화 교육"), _("회"), trainings_held),
)}
METRIC_CHOICES = [(m.code, m.label) for m in METRICS.values()]
# Stock metrics are read at a month's end; flow metrics add up over months.
STOCK_METRICS = frozenset({"network_members_active"})
