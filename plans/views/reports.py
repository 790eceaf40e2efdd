"""The plan's read-only pages: the dashboard (targets against actuals and the calendar), the XLSX export and
the printable page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from welfare.audit import log_action
from welfare.common.dates import seoul_today
from welfare.models import Dong
from welfare.scoping import visible_dong_ids

from .. import selectors
from ..charts import trend_svg
from ..dashboard import Pace, plan_progress
from ..exports import plan_workbook
from ..forms import (
    DashboardFilterForm,
)
from ..metrics import METRICS
from ..models import AnnualPlan
from ..panels import render_panels
from .plan_page import (
    plan_or_404,
)

# --- dashboard, export, print ----------------------------------------------------------------------------


def _dong_choices(request: HttpRequest, plan: AnnualPlan):
    return Dong.objects.filter(district_id=plan.district_id, pk__in=visible_dong_ids(request.user)).order_by("name")


def plan_dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    plan = plan_or_404(request, pk)
    form = DashboardFilterForm(request.GET or None, dongs=_dong_choices(request, plan))
    metrics, dong_id = form.chosen()
    dong_ids = [dong_id] if dong_id else visible_dong_ids(request.user)
    board = plan_progress(plan, dong_ids=dong_ids, metrics=metrics)
    charts = [
        (total, trend_svg(trend, year=plan.year, today=board.today,
                          title=_("%(metric)s 누적 실적과 목표 추이") % {"metric": total.label}))
        for total, trend in zip(board.totals, board.trends, strict=True)
    ]
    return render(request, "plans/plan/dashboard.html", {
        "plan": plan, "board": board, "form": form, "charts": charts, "paces": Pace,
        "metric_columns": [METRICS[m] for m in board.metrics], "counts": board.counts(),
        "panels": render_panels(request, plan, dong_ids),
    })


def plan_export_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    plan = plan_or_404(request, pk)
    content = plan_workbook(plan, dong_ids=visible_dong_ids(request.user))
    log_action(plan, "plans.plan.exported", user=request.user)
    response = HttpResponse(content,
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    filename = f"{plan.year}_기본계획_{plan.district.name}_r{plan.revision}_{seoul_today():%Y%m%d}.xlsx"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def plan_print(request: HttpRequest, pk: int) -> HttpResponse:
    plan = plan_or_404(request, pk)
    grid = selectors.target_grid(plan, visible_dong_ids(request.user), all_metrics=False)
    return render(request, "plans/plan/print.html", {
        "plan": plan, "areas": selectors.plan_areas(plan), "totals": selectors.budget_totals(plan),
        "grid": grid, "metric_columns": [METRICS[m] for m in grid.metrics], "today": seoul_today(),
    })

