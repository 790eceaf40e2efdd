"""The one registry of live metrics: the nightly figures, the plan's dong targets and the dashboard all read
these definitions, so no metric is computed in two places.

Each app registers the metrics it owns from its own ``metrics.py`` (``households/metrics.py``,
``discovery/metrics.py``, the trainings below), found with ``welfare.common.registries.discover("metrics")`` the first
time the registry is read, so plans imports no other app. A metric counts rows per (dong, month) over a date range
in ONE grouped query (months in Asia/Seoul); its ``order`` places it on the dashboard and in the export.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping, Set
from dataclasses import dataclass

from django.db import models
from django.db.models import Count, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from welfare.common.registries import discover

from .models import Training

Counts = dict[tuple[int, dt.date], int]  # (dong id, first day of month) -> count


@dataclass(frozen=True)
class Metric:
    code: str
    label: str
    unit: str
    count: Callable[[Iterable[int], dt.date, dt.date], Counts]
    order: int
    # Stock metrics are read at a month's end; flow metrics add up over months.
    stock: bool = False


class MetricRegistry(Mapping[str, Metric]):
    """The metrics by code, in their ``order``; reading it first imports every app's ``metrics`` module."""

    def __init__(self) -> None:
        self._metrics: dict[str, Metric] = {}
        self._discovered = False

    def register(self, metric: Metric) -> Metric:
        if metric.code in self._metrics and self._metrics[metric.code] != metric:
            raise ValueError(f"Metric {metric.code!r} is registered twice.")
        self._metrics[metric.code] = metric
        self._metrics = dict(sorted(self._metrics.items(), key=lambda item: (item[1].order, item[0])))
        return metric

    def discover(self) -> None:
        """Import every installed app's ``metrics`` module once (each registers its metrics)."""
        if not self._discovered:
            self._discovered = True
            discover("metrics")

    def _all(self) -> dict[str, Metric]:
        self.discover()
        return self._metrics

    def __getitem__(self, code: str) -> Metric:
        return self._all()[code]

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())


class _StockCodes(Set[str]):
    """The codes of the registered stock metrics (a live view of the registry)."""

    def __init__(self, registry: MetricRegistry) -> None:
        self._registry = registry

    def _codes(self) -> list[str]:
        return [code for code, metric in self._registry.items() if metric.stock]

    def __contains__(self, code: object) -> bool:
        return code in self._codes()

    def __iter__(self) -> Iterator[str]:
        return iter(self._codes())

    def __len__(self) -> int:
        return len(self._codes())


class _Choices:
    """``(code, label)`` pairs of the registry for a form's or a serializer's choices."""

    def __init__(self, registry: MetricRegistry) -> None:
        self._registry = registry

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter([(m.code, m.label) for m in self._registry.values()])


METRICS = MetricRegistry()
register = METRICS.register
METRIC_CHOICES = _Choices(METRICS)
STOCK_METRICS = _StockCodes(METRICS)


# Helpers for the apps' count functions ---------------------------------------------------------------------


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def months_between(start: dt.date, end: dt.date) -> list[dt.date]:
    """First days of the months from ``start`` to ``end`` inclusive."""
    months, cursor = [], month_start(start)
    while cursor <= end:
        months.append(cursor)
        cursor = (cursor + dt.timedelta(days=32)).replace(day=1)
    return months


def grouped(queryset: QuerySet, dong_field: str, date_field: str) -> Counts:
    """Distinct rows of ``queryset`` per (dong, Seoul month of ``date_field``): one grouped query."""
    tz = timezone.get_current_timezone()
    is_datetime = isinstance(queryset.model._meta.get_field(date_field), models.DateTimeField)
    rows = (
        queryset.annotate(m=TruncMonth(date_field, tzinfo=tz) if is_datetime else TruncMonth(date_field))
        .values(dong_field, "m")
        .annotate(n=Count("pk", distinct=True))
        .order_by()
    )
    out: Counts = {}
    for row in rows:
        month = row["m"].date() if isinstance(row["m"], dt.datetime) else row["m"]
        out[(row[dong_field], month)] = row["n"]
    return out


def aware_range(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The Seoul instants from the start of ``start`` to the end of ``end``."""
    tz = timezone.get_current_timezone()
    return (dt.datetime.combine(start, dt.time.min, tzinfo=tz),
            dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz))


# The plans app's own metric ---------------------------------------------------------------------------------


def trainings_held(dongs: Iterable[int], start: dt.date, end: dt.date) -> Counts:
    qs = Training.objects.filter(dong_id__in=list(dongs), held_on__gte=start, held_on__lte=end)
    return grouped(qs, "dong_id", "held_on")


register(Metric("trainings_held", _("역량강화 교육"), _("회"), trainings_held, order=60))
