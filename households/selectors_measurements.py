"""Reads of health measurements: the household page's 건강 측정 section and the dashboard figure per dong.

Both read only what the rules allow: the household page the readings with an active consent (``with_consent``),
the dashboard counts (no personal detail) for the dongs the dashboard already scoped.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, F, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from welfare.common.dates import start_of
from welfare.common.linechart import Point, Series, line_chart_svg

from .measurement_ranges import ranges
from .models import FollowUp, FollowUpReason, FollowUpStatus, Household, Measurement, MeasurementKind

CHART_DAYS = 90
CHART_MAX_READINGS = 3000  # a device sending every few minutes for 90 days still draws a bounded chart
DASHBOARD_DAYS = 30


@dataclass(frozen=True)
class HealthRow:
    """One person's (or the shared device's) kind: the last reading and the chart of the last 90 days."""

    kind: str
    kind_label: str
    subject: str
    latest: Measurement
    chart: SafeString | None
    readings: int  # in the chart's 90 days
    out_of_range: int  # of those


def _guides(kind: str) -> list[float]:
    table = ranges()[kind]
    out = []
    for band in (table.normal, table.normal2):
        if band is not None:
            out += [float(v) for v in (band.low, band.high) if v is not None]
    return out


def household_health(household: Household, *, today: dt.date | None = None) -> list[HealthRow]:
    """Per kind and person, the latest reading and a chart of the last 90 days. Three queries: whether the
    household has any reading, the latest per kind and person (a window over the readings its people consented
    to), the readings of the 90 days (bounded). Most households have no device: for them the first, a lookup on
    the household's index, is the only one (the window query with its two consent checks took 5 ms to build and
    plan for nothing)."""
    readings = Measurement.objects.filter(household=household)
    if not readings.exists():
        return []
    today = today or timezone.localdate()
    since = start_of(today - dt.timedelta(days=CHART_DAYS - 1))
    readable = readings.with_consent().select_related("resident")
    latest = list(readable.annotate(rank=Window(RowNumber(), partition_by=[F("resident_id"), F("kind")],
                                                order_by=[F("measured_at").desc(), F("id").desc()]))
                  .filter(rank=1))
    if not latest:  # no reading this page may show: none in the 90 days either
        return []
    recent: dict[tuple[int | None, str], list[Measurement]] = defaultdict(list)
    for m in readable.filter(measured_at__gte=since).order_by("-measured_at", "-id")[:CHART_MAX_READINGS]:
        recent[(m.resident_id, m.kind)].append(m)
    order = {k: i for i, k in enumerate(MeasurementKind.values)}
    rows = []
    for m in sorted(latest, key=lambda m: (order[m.kind], m.resident_id or 0)):
        subject = m.resident.name if m.resident is not None else _("세대 공용 기기")
        points = recent.get((m.resident_id, m.kind), [])
        rows.append(HealthRow(
            kind=m.kind, kind_label=m.get_kind_display(), subject=subject, latest=m,
            chart=_chart(m.kind, points, start=today - dt.timedelta(days=CHART_DAYS - 1), end=today,
                         title=_("%(kind)s %(subject)s 최근 %(days)s일") % {
                             "kind": m.get_kind_display(), "subject": subject, "days": CHART_DAYS})
            if points else None,
            readings=len(points), out_of_range=sum(p.is_out_of_range for p in points),
        ))
    return rows


def _chart(kind: str, readings: list[Measurement], *, start: dt.date, end: dt.date, title: str) -> SafeString:
    def point(m: Measurement, value) -> Point:
        when = timezone.localtime(m.measured_at)
        return Point(at=when, value=float(value), flagged=m.is_out_of_range,
                     label=f"{when:%Y-%m-%d %H:%M} {m.display_value}")

    series = [Series(str(MeasurementKind(kind).label), [point(m, m.value) for m in readings], css="s1")]
    if kind == MeasurementKind.BLOOD_PRESSURE:
        series[0] = Series(_("수축기"), series[0].points, css="s1")
        series.append(Series(_("이완기"), [point(m, m.value2) for m in readings if m.value2 is not None], css="s2"))
    return line_chart_svg(series, start=start, end=end, title=title, guides=_guides(kind))


@dataclass(frozen=True)
class DongHealthFigure:
    dong_id: int
    households_measured: int  # households with a reading in the last 30 days
    open_alerts: int  # open health follow-ups (out-of-range alerts not yet handled)


def health_figures(dong_ids: list[int], *, today: dt.date | None = None) -> dict[int, DongHealthFigure]:
    """Per dong: households measured in the last 30 days, and open out-of-range alerts. Two grouped queries,
    whatever the number of dongs and readings (the measured_at index, and the follow-ups' reason index)."""
    today = today or timezone.localdate()
    since = start_of(today - dt.timedelta(days=DASHBOARD_DAYS - 1))
    measured = dict(Measurement.objects.filter(household__dong_id__in=dong_ids, measured_at__gte=since)
                    .values("household__dong_id").annotate(n=Count("household_id", distinct=True))
                    .values_list("household__dong_id", "n"))
    alerts = dict(FollowUp.objects.filter(household__dong_id__in=dong_ids, reason=FollowUpReason.HEALTH,
                                          status=FollowUpStatus.OPEN)
                  .values("household__dong_id").annotate(n=Count("id")).values_list("household__dong_id", "n"))
    return {d: DongHealthFigure(d, measured.get(d, 0), alerts.get(d, 0))
            for d in dong_ids if measured.get(d) or alerts.get(d)}



