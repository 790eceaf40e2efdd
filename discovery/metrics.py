"""The discovery app's live metrics for the plan (registered into plans.metrics, which finds this module with
``discover("metrics")``): crisis households discovered, active network members."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from plans.metrics import Counts, Metric, aware_range, grouped, months_between, register

from .models import CrisisReport, NetworkMember, ReportOutcome


def crisis_households_discovered(dongs: Iterable[int], start: dt.date, end: dt.date) -> Counts:
    """Crisis reports received (duplicates left out)."""
    lo, hi = aware_range(start, end)
    qs = CrisisReport.objects.filter(dong_id__in=list(dongs), received_at__gte=lo, received_at__lt=hi).exclude(
        outcome=ReportOutcome.DUPLICATE)
    return grouped(qs, "dong_id", "received_at")


def network_members_active(dongs: Iterable[int], start: dt.date, end: dt.date) -> Counts:
    """Members active on the last day of each month (or on ``end`` for the current month)."""
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


register(Metric("crisis_households_discovered", _("위기가구 발굴"), _("건"), crisis_households_discovered,
                order=10))
register(Metric("network_members_active", _("활동 중인 인적안전망"), _("명"), network_members_active, order=50,
                stock=True))
