"""manage.py bench, the visit-form scenario (issue 13 item 5): it runs on the demo data and leaves it as it was."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command

from households.models import Household, Visit
from welfare.demo.bench.visits import NOTE
from welfare.models import AccessLog

N = 120

pytestmark = pytest.mark.django_db


def test_the_visit_form_scenario_times_the_form_the_copy_and_a_save_and_leaves_only_the_access_log():
    # given the demo data
    call_command("seed_demo", households=N, stdout=StringIO())
    before = (Visit.objects.count(), Household.objects.count(),
              AccessLog.objects.exclude(verb="households.visit.recorded").count())

    # when the scenario runs
    out = StringIO()
    call_command("bench", households=N, runs=2, warmup=0, scenario="visit_form", stdout=out)
    lines = out.getvalue().splitlines()

    # then it prints the three rows, the save with its query count
    assert len(NOTE) == 100
    for variant in ("empty form", "?copy=last (copied, logged)", "save: 100-char note, two needs",
                    "save, committed (as in production)"):
        assert any(line.startswith(f"visit_form  {variant} ") for line in lines), (variant, lines)
    save = next(line for line in lines if "save: 100-char note" in line)
    assert int(re.search(r"\s(\d+\.\d)\s+(\d+\.\d)\s+(\d+)\s", save).group(3)) > 0
    # and leaves no visit nor the household copied for the committed saves behind; only the committed saves'
    # access-log rows stay (the log is append-only), as the product writes them: 2 runs + 1 counted
    assert (Visit.objects.count(), Household.objects.count(),
            AccessLog.objects.exclude(verb="households.visit.recorded").count()) == before
    assert AccessLog.objects.filter(verb="households.visit.recorded").count() == 3
