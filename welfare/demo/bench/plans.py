"""Bench scenario of the plans app (issue 6): the plan dashboard, every dong × every metric, and its read model."""

from __future__ import annotations

import datetime as dt
import time

from django.contrib.auth import get_user_model
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from plans import services as plan_services
from plans.dashboard import plan_progress
from plans.figures import figures_recompute
from plans.models import AnnualPlan, DongMonthFigure

from ..plans import seed_plans
from .core import Bench, CaptureQueries, Row, page_row, rolled_back


def plan_dashboard(bench: Bench) -> list[Row]:
    """The plan dashboard of 성동구 for the demo planner: every dong × every metric, then one metric.

    Last year's and this year's approved plans (welfare.demo.plans) and the monthly figures (plans.figures) are
    made when missing and kept, as seed_demo and the nightly job leave them; should this year's plan be missing
    anyway (last year's plan made by hand), it is drafted from last year's inside a rolled-back transaction, so a
    re-run finds the database as it was.
    """
    planner = get_user_model().objects.get(username="planner")
    district = planner.staff.district
    today = timezone.localdate()
    if made := seed_plans(district=district, by=planner, today=today):
        bench.write(f"  seeded {made} demo plan(s) of {district.name}")
    dong_ids = list(district.dongs.values_list("pk", flat=True))
    if not DongMonthFigure.objects.filter(dong_id__in=dong_ids, month=today.replace(day=1)).exists():
        began = time.perf_counter()
        counts = figures_recompute(start=dt.date(today.year - 1, 1, 1), end=today)
        bench.write(f"  computed {counts['figures']} monthly figures in {time.perf_counter() - began:.1f} s")
    rows = []
    with rolled_back():
        plan = AnnualPlan.objects.filter(district=district, year=today.year, is_current=True).first()
        if plan is None:
            previous = AnnualPlan.objects.get(district=district, year=today.year - 1, is_current=True)
            plan = plan_services.plan_create_from_previous(previous=previous, by=planner, year=today.year)
        board = plan_progress(plan, dong_ids=dong_ids, with_trends=False)
        note = (f"{plan.year} plan: {len(board.dongs)} dongs × {len(board.metrics)} metrics = {len(board.rows)} "
                f"targets; behind/on track/ahead {'/'.join(str(n) for n in board.counts().values())}")
        url = reverse("plans:plan_dashboard", args=[plan.pk])
        client = bench.login("planner")
        try:
            rows.append(page_row(bench, client, "plan_dashboard", "page (planner, all dongs and metrics)", url, note))
            rows.append(page_row(bench, client, "plan_dashboard", "page ?metric=cases_opened",
                                 f"{url}?metric=cases_opened"))
        finally:
            client.logout()
        median, p95 = bench.time(lambda: plan_progress(plan, dong_ids=dong_ids))
        with CaptureQueries(connection) as queries:
            plan_progress(plan, dong_ids=dong_ids)
        rows.append(Row("plan_dashboard", "read model alone (plan_progress)", median, p95, len(queries),
                        note="targets 1 + actuals 3 + monthly trend 1"))
    page = rows[0]
    bench.write(f"  plan dashboard median {page.median_ms:.0f} ms (target under 300 ms: "
                f"{'yes' if page.median_ms < 300 else 'NO'}), {page.queries} queries")
    return rows
