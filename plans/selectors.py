"""Reads of the annual basic plan shared by the editor, the dashboard, the printable page and the XLSX export.

Each function runs a fixed number of queries whatever the size of the plan.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import Max, Prefetch, Sum

from welfare.models import AccessLog, Dong

from .metrics import METRICS, STOCK_METRICS
from .models import AnnualPlan, DongMonthFigure, DongTarget, FundingSource, PlanArea, PlanTask


def plan_areas(plan: AnnualPlan) -> list[PlanArea]:
    """The plan's areas in order with their tasks (department loaded) and milestones: 3 queries."""
    tasks = PlanTask.objects.select_related("department").prefetch_related("milestones").order_by("order", "id")
    return list(plan.areas.order_by("order", "id").prefetch_related(Prefetch("tasks", queryset=tasks)))


@dataclass
class BudgetTotals:
    by_department: list[tuple[str, int]] = field(default_factory=list)
    by_source: list[tuple[str, str, int]] = field(default_factory=list)  # (code, label, total)
    total: int = 0


def budget_totals(plan: AnnualPlan) -> BudgetTotals:
    """Budget per department and per funding source, from ONE grouped query."""
    rows = (PlanTask.objects.filter(area__plan=plan).values("department__name", "funding_source")
            .annotate(total=Sum("budget_krw")).order_by())
    departments: dict[str, int] = {}
    sources: dict[str, int] = {}
    for row in rows:
        departments[row["department__name"]] = departments.get(row["department__name"], 0) + (row["total"] or 0)
        sources[row["funding_source"]] = sources.get(row["funding_source"], 0) + (row["total"] or 0)
    labels = dict(FundingSource.choices)
    return BudgetTotals(
        by_department=sorted(departments.items()),
        # In the order of the choices (구비, 시비, 국비, 민간), not alphabetically.
        by_source=[(code, str(labels[code]), sources[code]) for code in labels if code in sources],
        total=sum(departments.values()),
    )


@dataclass
class TargetGrid:
    dongs: list[Dong]
    metrics: list[str]
    cells: dict[tuple[int, str], DongTarget]

    def rows(self) -> list[tuple[Dong, list[tuple[str, DongTarget | None]]]]:
        return [(d, [(m, self.cells.get((d.pk, m))) for m in self.metrics]) for d in self.dongs]


def target_grid(plan: AnnualPlan, dong_ids: Iterable[int], *, all_metrics: bool = True) -> TargetGrid:
    """Dongs × metrics of the plan's district limited to ``dong_ids``: 2 queries.

    ``all_metrics`` shows every metric of the registry (the editor, where an empty cell can be filled);
    otherwise only the metrics that have a target (the print-out).
    """
    dongs = list(Dong.objects.filter(district_id=plan.district_id, pk__in=list(dong_ids)).order_by("name"))
    cells = {(t.dong_id, t.metric): t for t in plan.dong_targets.filter(dong__in=[d.pk for d in dongs])}
    used = {m for _d, m in cells}
    metrics = [code for code in METRICS if all_metrics or code in used]
    return TargetGrid(dongs=dongs, metrics=metrics, cells=cells)


def plan_log(plan: AnnualPlan, *, limit: int = 20) -> list[AccessLog]:
    """The plan's latest audited changes (verb, user, time): one query (the content type is cached)."""
    content_type = ContentType.objects.get_for_model(AnnualPlan)
    return list(AccessLog.objects.filter(content_type=content_type, object_id=str(plan.pk))
                .order_by("-at", "-id")[:limit])


def actuals_for_year(*, dong_ids: Iterable[int], year: int,
                     metric_codes: Iterable[str] | None = None) -> dict[tuple[int, str], int]:
    """A year's actual per (dong, metric) from the nightly figures (stock metrics: the latest month)."""
    codes = list(metric_codes or METRICS)
    stock_codes = list(STOCK_METRICS)
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    base = DongMonthFigure.objects.filter(dong_id__in=list(dong_ids), metric__in=codes, month__gte=start,
                                          month__lte=end)
    out: dict[tuple[int, str], int] = {}
    for row in base.exclude(metric__in=stock_codes).values("dong_id", "metric").annotate(total=Sum("value")):
        out[(row["dong_id"], row["metric"])] = row["total"]
    stock = base.filter(metric__in=stock_codes)
    latest = {r["metric"]: r["m"] for r in stock.values("metric").annotate(m=Max("month"))}
    for row in stock.values("dong_id", "metric", "month", "value"):
        if row["month"] == latest.get(row["metric"]):
            out[(row["dong_id"], row["metric"])] = row["value"]
    return out
