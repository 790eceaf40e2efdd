"""The plan dashboard's read model: each dong target against its actual to date and the pace of the calendar.

Actuals come from the nightly figures (DongMonthFigure) through ``selectors.actuals_for_year``, the one place
that turns monthly figures into a year's actual (flow metrics summed, stock metrics at the latest month);
the figures themselves come from the metric registry. The page, the XLSX export and the print-out all read
:func:`plan_progress`, so no figure is computed in two places.

Queries: dong targets 1, actuals 3, monthly trend 1 — whatever the number of dongs and metrics.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import models
from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from welfare.common.dates import days_in_year, seoul_today

from .metrics import METRICS, STOCK_METRICS, month_start
from .models import AnnualPlan, DongMonthFigure, DongTarget
from .selectors import actuals_for_year

# Actual ÷ expected: below ON_TRACK_FROM is behind, from AHEAD_FROM on is ahead, in between on track.
ON_TRACK_FROM = Decimal("0.95")
AHEAD_FROM = Decimal("1.10")


class Pace(models.TextChoices):
    BEHIND = "behind", _("미달")
    ON_TRACK = "on_track", _("순항")
    AHEAD = "ahead", _("초과")


def days_elapsed(year: int, today: dt.date) -> int:
    """Days of ``year`` gone by on ``today`` (today included): 0 before the year, all of them after it."""
    if today < dt.date(year, 1, 1):
        return 0
    if today.year > year:
        return days_in_year(year)
    return (today - dt.date(year, 1, 1)).days + 1


def expected_to_date(metric: str, target: int, year: int, today: dt.date) -> Decimal:
    """Where the calendar says the actual should be: a flow metric's target grows evenly over the year; a
    stock metric (active network members) is a level to hold, so its target is expected at any time."""
    if metric in STOCK_METRICS:
        return Decimal(target)
    return Decimal(target) * days_elapsed(year, today) / days_in_year(year)


def pace_of(actual: int, expected: Decimal) -> str:
    if expected <= 0:
        # Nothing expected yet (the year has not begun, or a target of 0): anything done is ahead.
        return Pace.AHEAD if actual > 0 else Pace.ON_TRACK
    ratio = Decimal(actual) / expected
    if ratio >= AHEAD_FROM:
        return Pace.AHEAD
    if ratio >= ON_TRACK_FROM:
        return Pace.ON_TRACK
    return Pace.BEHIND


@dataclass
class Progress:
    """One target (or the sum of several) against its actual and the calendar."""

    metric: str
    target: int
    baseline: int
    actual: int
    expected: Decimal
    pace: str

    @property
    def label(self) -> str:
        return str(METRICS[self.metric].label)

    @property
    def unit(self) -> str:
        return str(METRICS[self.metric].unit)

    @property
    def pace_label(self) -> str:
        return str(Pace(self.pace).label)

    @property
    def percent_of_target(self) -> int | None:
        return round(100 * self.actual / self.target) if self.target else None

    @property
    def percent_of_expected(self) -> int | None:
        return round(100 * self.actual / self.expected) if self.expected else None

    @property
    def sort_ratio(self) -> Decimal:
        return Decimal(self.actual) / self.expected if self.expected else Decimal(10)


@dataclass
class DongProgress:
    dong_id: int
    dong_name: str
    cells: list[Progress | None]  # aligned with Dashboard.metrics

    @property
    def behind(self) -> int:
        return sum(1 for c in self.cells if c is not None and c.pace == Pace.BEHIND)

    @property
    def worst_ratio(self) -> Decimal:
        return min((c.sort_ratio for c in self.cells if c is not None), default=Decimal(10))


@dataclass
class Trend:
    """A metric's months: the actual to date (cumulative for flow metrics, the level for stock ones)."""

    metric: str
    points: list[tuple[dt.date, int]]  # (the day the value stands for, value)
    target: int
    stock: bool


@dataclass
class Dashboard:
    plan: AnnualPlan
    today: dt.date
    metrics: list[str]
    dongs: list[DongProgress]  # the dongs behind target first
    totals: list[Progress]  # per metric, over the dongs shown
    trends: list[Trend] = field(default_factory=list)

    @property
    def elapsed_percent(self) -> int:
        return round(100 * days_elapsed(self.plan.year, self.today) / days_in_year(self.plan.year))

    @property
    def rows(self) -> list[tuple[DongProgress, Progress]]:
        """Every (dong, target) pair, in the page's order: for the export."""
        return [(d, c) for d in self.dongs for c in d.cells if c is not None]

    def counts(self) -> dict[str, int]:
        out = {p.value: 0 for p in Pace}
        for _dong, cell in self.rows:
            out[cell.pace] += 1
        return out


def plan_progress(plan: AnnualPlan, *, dong_ids: Iterable[int], metrics: Iterable[str] | None = None,
                  today: dt.date | None = None, with_trends: bool = True) -> Dashboard:
    """The dashboard of ``plan`` over the given dongs (already scoped to the user) and metrics."""
    today = today or seoul_today()
    dong_ids = list(dong_ids)
    wanted = [m for m in (metrics or METRICS) if m in METRICS]
    targets = list(DongTarget.objects.filter(plan=plan, dong_id__in=dong_ids, metric__in=wanted)
                   .select_related("dong").order_by("dong__name", "metric"))
    shown = [m for m in wanted if any(t.metric == m for t in targets)]
    shown_dongs = sorted({t.dong_id for t in targets})
    actual = actuals_for_year(dong_ids=shown_dongs, year=plan.year, metric_codes=shown) if targets else {}

    by_dong: dict[int, DongProgress] = {}
    for t in targets:
        row = by_dong.setdefault(t.dong_id, DongProgress(t.dong_id, t.dong.name, [None] * len(shown)))
        done = actual.get((t.dong_id, t.metric), 0)
        expected = expected_to_date(t.metric, t.target, plan.year, today)
        row.cells[shown.index(t.metric)] = Progress(t.metric, t.target, t.baseline, done, expected,
                                                    pace_of(done, expected))
    dongs = sorted(by_dong.values(), key=lambda d: (-d.behind, d.worst_ratio, d.dong_name))

    totals = []
    for i, code in enumerate(shown):
        cells = [d.cells[i] for d in dongs if d.cells[i] is not None]
        target = sum(c.target for c in cells)
        done = sum(c.actual for c in cells)
        expected = expected_to_date(code, target, plan.year, today)
        totals.append(Progress(code, target, sum(c.baseline for c in cells), done, expected, pace_of(done, expected)))

    trends = _trends(plan.year, shown_dongs, totals, today) if with_trends and targets else []
    return Dashboard(plan=plan, today=today, metrics=shown, dongs=dongs, totals=totals, trends=trends)


def _trends(year: int, dong_ids: list[int], totals: list[Progress], today: dt.date) -> list[Trend]:
    """Per metric and month, the figures of the dongs shown: ONE grouped query."""
    last = min(month_start(today), dt.date(year, 12, 1))
    rows = (DongMonthFigure.objects.filter(dong_id__in=dong_ids, metric__in=[t.metric for t in totals],
                                           month__gte=dt.date(year, 1, 1), month__lte=last)
            .values("metric", "month").annotate(total=Sum("value")).order_by("metric", "month"))
    monthly: dict[str, list[tuple[dt.date, int]]] = {}
    for row in rows:
        monthly.setdefault(row["metric"], []).append((row["month"], row["total"] or 0))
    trends = []
    for total in totals:
        stock = total.metric in STOCK_METRICS
        points, running = [], 0
        for month, value in monthly.get(total.metric, []):
            # A month's value stands at its last day, or at today for the month in progress.
            end = min((month + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1), today)
            running = value if stock else running + value
            points.append((end, running))
        trends.append(Trend(total.metric, points, total.target, stock))
    return trends
