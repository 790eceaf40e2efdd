"""manage.py bench --scenario daily_sweep: the sweep beside a naive loop, on demo data it leaves as it found it."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from discovery.models import UniversalVisitTarget
from households.models import FollowUp, Household
from welfare.models import JobRun, Notification

N = 300

pytestmark = pytest.mark.django_db


def snapshot() -> tuple:
    return (
        sorted(FollowUp.objects.values_list("pk", "status", "due_on", "overdue_at")),
        sorted(Household.objects.values_list("pk", "next_contact_on")),
        Notification.objects.count(), UniversalVisitTarget.objects.count(), JobRun.objects.count(),
    )


def test_the_daily_sweep_scenario_prints_both_sides_and_rolls_everything_back():
    # given the demo data, seeded once
    call_command("seed_demo", households=N, stdout=StringIO())
    before = snapshot()
    cared = Household.objects.filter(status__in=("under_care", "monitoring")).count()

    # when the scenario runs
    out = StringIO()
    call_command("bench", households=N, runs=2, warmup=0, scenario="daily_sweep", stdout=out)
    lines = out.getvalue().splitlines()

    # then it shows the sweep, each job, and the naive loop labelled as extrapolated with its ratio
    sweep = next(line for line in lines if "full sweep, 4 jobs" in line)
    assert f"({cared} households under care)" in sweep
    schedule = next(line for line in lines if line.strip().startswith("daily_sweep    schedule_followups"))
    assert f"households={cared}, created={cared}" in schedule
    naive = next(line for line in lines if "naive ORM loop, EXTRAPOLATED" in line)
    assert "ratio column: naive ÷ full sweep" in naive and "×" in naive
    assert any("target under 10 s" in line for line in lines)
    # and nothing it wrote is left behind
    assert snapshot() == before
