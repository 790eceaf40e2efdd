"""manage.py bench --scenario plan_dashboard on a small demo: every dong × metric, and the database left as found."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from plans.models import AnnualPlan, DongMonthFigure

N = 300

pytestmark = pytest.mark.django_db


def test_plan_dashboard_scenario_times_17_dongs_by_6_metrics_and_drafts_nothing_for_good():
    # given the demo data
    call_command("seed_demo", households=N, stdout=StringIO())

    # when the plan dashboard scenario runs twice
    out = StringIO()
    call_command("bench", households=N, runs=2, warmup=0, scenario="plan_dashboard", stdout=out)
    call_command("bench", households=N, runs=2, warmup=0, scenario="plan_dashboard", stdout=out)
    lines = out.getvalue().splitlines()

    # then the page covers every dong of 성동구 and every metric, in the same number of queries each time
    pages = [line for line in lines if line.startswith("plan_dashboard  page (planner")]
    assert len(pages) == 2 and all("17 dongs × 6 metrics = 102 targets" in line for line in pages)
    counts = {int(re.search(r"\s(\d+\.\d)\s+(\d+\.\d)\s+(\d+)\s", line).group(3)) for line in pages}
    assert len(counts) == 1
    # and the demo's plans (last year's and this year's, in both districts) and the figures are kept, nothing added
    year = timezone.localdate().year
    assert AnnualPlan.objects.filter(year=year - 1, status="approved").count() == 2
    assert AnnualPlan.objects.filter(year=year, status="approved").count() == 2
    assert AnnualPlan.objects.count() == 4
    assert DongMonthFigure.objects.exists()
