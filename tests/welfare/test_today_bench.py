"""manage.py bench, issue 15: the today page (official and lead), the lead's dong queue and the approval inbox,
timed at a bounded number of queries."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db

ROW = re.compile(r"^(today|dong_queue|inbox)\s+(page.*?)\s{2,}(\d+\.\d)\s+(\d+\.\d)\s+(\d+)")


def test_today_scenario_times_the_pages_of_the_official_and_the_lead():
    out = StringIO()
    call_command("bench", households=60, runs=1, warmup=0, scenario="today", stdout=out)
    rows = {(m.group(1), m.group(2).strip()): int(m.group(5))
            for line in out.getvalue().splitlines() if (m := ROW.match(line))}

    assert set(rows) == {("today", "page (official)"), ("today", "page (lead)"), ("dong_queue", "page 1 (lead)"),
                         ("inbox", "page (lead)")}, out.getvalue()
    assert all(queries <= 60 for queries in rows.values()), rows
