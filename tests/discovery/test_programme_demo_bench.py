"""The demo's social-network programmes (both districts) and ``manage.py bench --scenario programme_outcomes``:
figures at district scale, and the database left as found."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command

from discovery import programme_outcomes as outcomes
from discovery.models import Measurement, Participant, Programme
from households.models import Consent

N = 300

pytestmark = pytest.mark.django_db


def test_demo_programmes_in_both_districts_and_the_bench_scenario_leaves_nothing():
    # given the demo data
    call_command("seed_demo", households=N, stdout=StringIO())

    # then each district runs programmes linked to this year's plan, with consenting participants measured
    districts = set(Programme.objects.values_list("dong__district__name", flat=True))
    assert districts == {"성동구", "영등포구"}
    assert not Programme.objects.filter(plan__isnull=True).exists()
    participants = Participant.objects.select_related("programme")
    assert participants.exists()
    for p in participants:
        assert Consent.objects.active(p.enrolled_on).filter(resident_id=p.resident_id, scope="collect_use").exists()
    assert Measurement.objects.filter(phase="before").exists()
    # and a second run adds nothing
    before = (Programme.objects.count(), Participant.objects.count(), Measurement.objects.count())
    from plans.models import DongPlan

    dong_plans = DongPlan.objects.count()
    call_command("seed_demo", households=N, stdout=StringIO())
    assert (Programme.objects.count(), Participant.objects.count(), Measurement.objects.count()) == before
    assert DongPlan.objects.count() == dong_plans
    from discovery.models import MemberActivity

    activities = MemberActivity.objects.count()
    call_command("seed_demo", households=N, stdout=StringIO())
    assert MemberActivity.objects.count() == activities

    # and each district's plan has dong plans with focus areas and planned actions (issue 17 item 2)
    from plans.models import DongPlan, PlannedAction

    assert set(DongPlan.objects.values_list("plan__district__name", flat=True)) == {"성동구", "영등포구"}
    assert PlannedAction.objects.filter(dong_plan__focus_areas__isnull=False).exists()
    assert DongPlan.objects.count() == 8
    # and resident collaborators' activities and the dong councils' meetings and projects (issue 17 item 3)
    from discovery.models import CouncilMeeting, HappyProject, MemberActivity

    assert set(MemberActivity.objects.values_list("member__district__name", flat=True)) == {"성동구", "영등포구"}
    assert MemberActivity.objects.filter(kind="visit", household__isnull=False).exists()
    assert CouncilMeeting.objects.count() == 18 and HappyProject.objects.exists()
    # and the businesses of the reporting channels, with tips attributed to some (issue 17 item 5)
    from discovery.models import CrisisReport, ReportSource

    assert set(ReportSource.objects.values_list("district__name", flat=True)) == {"성동구", "영등포구"}
    assert ReportSource.objects.count() == 24
    assert CrisisReport.objects.filter(source__isnull=False).exists()
    # and the welfare guide has resources under the life stages and recipient types (issue 17 item 6)
    from plans.guide import welfare_guide
    from welfare.models import District

    for district in District.objects.filter(name__in=["성동구", "영등포구"]):
        guide = welfare_guide(district)
        assert all(section.resources for section in guide.by_life_stage)
        assert sum(1 for section in guide.by_recipient if section.resources) >= 5

    # when the bench scenario runs
    out = StringIO()
    call_command("bench", households=N, runs=2, warmup=0, scenario="programme_outcomes", stdout=out)
    lines = out.getvalue().splitlines()

    # then it measured every dong of 성동구 with its extra programmes, in one grouped query for the read model
    page = next(line for line in lines if line.startswith("programme_outcomes  plan dashboard"))
    assert re.search(r"17 dongs, \+68 programmes", page)
    model = next(line for line in lines if "read model alone (by_dong)" in line)
    assert re.search(r"\s1\s+one grouped query", model)
    # and the official's programme page, whose enrolment finds residents instead of listing the dong's
    page = next(line for line in lines if line.startswith("programme_page") and "programme page (official)" in line)
    assert re.search(r"\d+ participants; the dong's [\d,]+ current residents are never listed", page)
    assert any(line.startswith("programme_page") and "enrolment search ?find=" in line for line in lines)
    # and what it wrote was rolled back
    assert (Programme.objects.count(), Participant.objects.count(), Measurement.objects.count()) == before
    assert outcomes.by_dong(list(Programme.objects.values_list("dong_id", flat=True))) is not None
