"""manage.py bench --scenario case_list_api on a small demo: a full page of 50, the same rows as the raw SQL, and
the database left as found (the cases added for the page, the token and the access-log rows are rolled back)."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command

from households.models import Case
from welfare.models import AccessLog, ApiToken

N = 300

pytestmark = pytest.mark.django_db


def test_case_list_api_scenario_times_a_full_page_beside_the_raw_sql_and_keeps_only_its_access_log():
    # given the demo data
    call_command("seed_demo", households=N, stdout=StringIO())
    before = (Case.objects.count(), ApiToken.objects.count())
    logged = AccessLog.objects.filter(verb="households.case.listed").count()

    # when the scenario runs
    out = StringIO()
    call_command("bench", households=N, runs=2, warmup=0, scenario="case_list_api", stdout=out)
    lines = out.getvalue().splitlines()

    # then the API row shows a page of cases in service of one dong (topped up to 50 as far as the small demo's
    # households allow) in a constant 4 queries, and the raw row the same ids
    api = next(line for line in lines if line.startswith("case_list_api  API"))
    raw = next(line for line in lines if line.startswith("case_list_api  raw SQL"))
    shown, total = map(int, re.search(r"dong #\d+: (\d+) of (\d+) cases in service", api).groups())
    assert shown == min(50, total) > 0, api
    assert re.search(r"\s4\s+\d+\.\d×", api), api  # token, the user's dongs, the page, the access-log row
    assert "same ids as the API: yes" in raw
    # and the baseline authenticates and scopes too: the token's and the dongs' statements, replayed, then the rows
    # and the access-log row; the earlier baseline without them is printed beside it with its own ratio
    assert re.search(r"\s4\s+same ids", raw), raw
    assert "the token's and the dongs' statements replayed first (2)" in raw
    earlier = next(line for line in lines if line.startswith("case_list_api  the same without the token's"))
    assert re.search(r"\s2\s+the earlier baseline; API ÷ this: \d+\.\d×", earlier), earlier
    assert re.search(r"case list API vs equal-work raw SQL\s+\d+\.\d×\s+≤ 3×\s+(PASS|FAIL)", out.getvalue())
    # and the cases added for a full page and the token are gone; the list entries the API and the baseline
    # wrote stay, as in production (the access log is append-only): the API's 2 runs, 1 counted and 1 captured for
    # the replay; each baseline's 2 runs, and 1 counted of the one timed against
    assert (Case.objects.count(), ApiToken.objects.count()) == before
    assert AccessLog.objects.filter(verb="households.case.listed").count() == logged + 9
