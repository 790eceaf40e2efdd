"""manage.py bench, issue 3 scenarios: the household page with 200 timeline events, my caseload, the team page."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command

from households import timeline
from households.models import CaseStageChange, CheckIn, FollowUp, MemberEvent, ServiceLink, Visit
from welfare.models import AccessLog

N = 300  # enough for the demo official to hold a caseload with households that have no case in progress

pytestmark = pytest.mark.django_db


def bench(scenario: str) -> list[str]:
    out = StringIO()
    call_command("bench", households=N, runs=2, warmup=0, scenario=scenario, stdout=out)
    return out.getvalue().splitlines()


def row(lines: list[str], starts: str) -> str:
    return next(line for line in lines if line.startswith(starts))


def timeline_queries(line: str) -> int:
    return int(re.search(r"the timeline's own (\d+) queries", line).group(1))


def queries(line: str) -> int:
    # Columns: scenario, variant, median, p95, queries, ... ; the variant may hold spaces, the figures do not.
    return int(re.search(r"\s(\d+\.\d)\s+(\d+\.\d)\s+(\d+)\s", line).group(3))


def test_household_page_scenario_shows_200_events_at_the_same_query_count_on_every_page():
    # given the demo data
    call_command("seed_demo", households=N, stdout=StringIO())

    # when the household page scenario runs
    lines = bench("household_page")

    # then the first and the last page of the timeline each show a full page of the 200 events
    first = row(lines, "household_page  timeline page 1 ")
    last = row(lines, "household_page  timeline page 10 (?tpage=10)")
    assert "200 events, 20 shown" in first
    assert "200 events, 20 shown" in last
    # and the deepest page costs what the first does, but for the timeline's one query per kind of event on the
    # page (the demo household's own older events may add a kind): the timeline is paged in the database
    assert queries(first) - timeline_queries(first) == queries(last) - timeline_queries(last)
    kinds = len(timeline.timeline_sources())
    assert all(timeline_queries(line) <= 2 + kinds + 1 for line in (first, last))  # count, page, kinds, needs


def test_household_page_scenario_leaves_the_demo_data_as_it_found_it():
    # given the demo data and what it holds
    call_command("seed_demo", households=N, stdout=StringIO())
    models = (Visit, CaseStageChange, ServiceLink, CheckIn, FollowUp, MemberEvent, AccessLog)
    before = {m: m.objects.count() for m in models}

    # when the scenario seeds 200 events and opens the page many times
    bench("household_page")

    # then the events and the access-log rows of the timed views are gone again
    assert {m: m.objects.count() for m in models} == before


def test_caseload_scenario_times_the_caseload_filters_and_the_team_page():
    # given the demo data
    call_command("seed_demo", households=N, stdout=StringIO())

    # when the caseload scenario runs
    lines = bench("caseload")

    # then it times my caseload (all, high risk, in service) as the official and the team page as the lead
    unfiltered = next(line for line in lines if re.match(r"caseload\s+page 1 \(official\)", line))
    assert re.search(r"\d+ of \d+ households", unfiltered)
    assert "page 1 (official)" in row(lines, "caseload ?risk_level=high")
    assert "page 1 (official)" in row(lines, "caseload ?stage=in_service")
    team = row(lines, "team")
    assert "page (lead)" in team and "overdue contacts" in team
    # and the caseload pages that show rows run the same number of queries whatever the filter
    # (an empty page skips fetching its rows, hence "shows rows")
    counts = {queries(line) for line in lines if line.startswith("caseload") and " 0 of " not in line}
    assert len(counts) == 1
