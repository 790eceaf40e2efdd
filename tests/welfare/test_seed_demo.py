"""seed_demo: repeatable (a second run creates nothing, a larger number tops up); the bench on its data. What it
seeds is read in test_seed_demo_data.py."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from households.models import Household, Resident
from welfare.models import District, Dong, StaffMembership

N = 60


def seed(households: int = N) -> str:
    out = StringIO()
    call_command("seed_demo", households=households, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {
        "districts": District.objects.count(),
        "dongs": Dong.objects.count(),
        "users": get_user_model().objects.count(),
        "memberships": StaffMembership.objects.count(),
        "households": Household.objects.count(),
        "residents": Resident.objects.count(),
    }


@pytest.mark.django_db
def test_running_twice_creates_no_duplicates():
    seed()
    first = counts()
    output = seed()
    assert counts() == first
    assert re.search(rf"households\s+0\s+{N}\b", output), "second run creates no household"


@pytest.mark.django_db
def test_tops_up_to_the_requested_number():
    seed(40)
    seed(N)
    assert Household.objects.filter(is_demo=True).count() == N


@pytest.mark.django_db
def test_bench_runs_on_the_demo_data():
    out = StringIO()
    call_command("bench", households=N, runs=2, warmup=0, scenario="household_list", stdout=out)
    output = out.getvalue()
    assert output.count("same ids as the product's queryset: yes") == 2
    assert output.count("same row HTML as the page: yes") == 2  # the equal-work baseline wrote the page's rows
    assert "page/raw" in output
    pages = re.findall(r"^household_list.*page \(view \+ template\)\s+[\d.]+\s+[\d.]+\s+(\d+)", output, re.M)
    assert len(pages) == 2 and all(int(count) > 0 for count in pages)  # each page's statements counted


@pytest.mark.django_db
def test_the_access_review_scenario_times_a_busy_month_and_leaves_the_log_as_it_was():
    from welfare.demo.bench.access import access_review
    from welfare.demo.bench.core import Bench
    from welfare.models import AccessLog

    seed()
    before = AccessLog.objects.count()
    bench = Bench(runs=1, warmup=0, write=lambda _line: None)

    rows = access_review(bench, rows=300)

    assert [row.variant for row in rows] == ["page 1, this month (admin)", "unusual only, this month (admin)"]
    assert all("300 added" in row.note and row.queries for row in rows)
    assert len(bench.targets) == 2 and (bench.runs, bench.warmup) == (1, 0)
    assert AccessLog.objects.count() == before  # the entries and the pages' own rows were rolled back

