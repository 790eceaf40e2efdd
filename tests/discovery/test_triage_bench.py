"""manage.py bench, issue 4: the triage queue page for the demo official and lead, at one query count."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command

from welfare.models import AccessLog

pytestmark = pytest.mark.django_db


def test_triage_queue_scenario_times_both_users_at_a_constant_query_count():
    out = StringIO()
    call_command("bench", households=120, runs=2, warmup=0, scenario="triage_queue", stdout=out)
    lines = [line for line in out.getvalue().splitlines() if line.startswith("triage_queue")]
    logged_before = AccessLog.objects.count()

    assert len(lines) == 4
    counts = {int(re.search(r"\s(\d+\.\d)\s+(\d+\.\d)\s+(\d+)\s", line).group(3)) for line in lines}
    assert len(counts) == 1  # the same number of queries for the official, the lead and the filtered page
    assert AccessLog.objects.count() == logged_before
