"""The nightly plan figures: every live metric per dong and month, stored in DongMonthFigure."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from welfare.jobs import register
from welfare.models import Dong

from .metrics import METRICS, months_between
from .models import DongMonthFigure


def figures_recompute(*, start: dt.date, end: dt.date, now: dt.datetime | None = None) -> dict[str, int]:
    """Recount every metric for every dong and month in ``[start, end]``: one grouped query per metric, then
    one upsert. Months with nothing are stored as 0, so the dashboard never has to ask the raw tables.

    Budget: 6 read queries and ceil(rows / 2000) upserts; 35 dongs × 24 months × 6 metrics is 5,040 rows.
    """
    now = now or timezone.now()
    dong_ids = list(Dong.objects.values_list("pk", flat=True))
    months = months_between(start, end)
    rows = []
    for code, metric in METRICS.items():
        counts = metric.count(dong_ids, start, end)
        rows += [DongMonthFigure(dong_id=d, month=m, metric=code, value=counts.get((d, m), 0), computed_at=now)
                 for d in dong_ids for m in months]
    with transaction.atomic():
        DongMonthFigure.objects.bulk_create(
            rows, batch_size=2000, update_conflicts=True, unique_fields=["dong", "month", "metric"],
            update_fields=["value", "computed_at"],
        )
    return {"figures": len(rows), "dongs": len(dong_ids), "months": len(months)}


@register("plan_figures", label="계획 실적 집계(야간)", window="day")
def plan_figures(now: dt.datetime) -> dict[str, int]:
    """This year and last year to date, so a plan and its 'last year's actual' are both ready."""
    today = timezone.localdate(now)
    return figures_recompute(start=dt.date(today.year - 1, 1, 1), end=today, now=now)
