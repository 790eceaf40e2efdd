"""The demo tells the truth (issue 16 item 10): last year's plan and this year's read the same casework, in both
districts (영등포구 with its 18 dongs), this year's targets are last year's actuals + 10 %, and this year's
dashboard shows a believable mix of dongs on track and behind, not all behind. A small demo (240 households) at a
frozen day; the district-scale one is the bench's."""

from __future__ import annotations

import datetime as dt
import math
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from discovery.models import CrisisReport
from plans.dashboard import Pace, plan_progress
from plans.metrics import METRICS
from plans.models import AnnualPlan, DongTarget, PlanStatus
from plans.selectors import actuals_for_year
from welfare.models import District

TODAY = dt.date(2026, 9, 15)


@pytest.fixture
def demo(db):
    with time_machine.travel(dt.datetime(2026, 9, 15, 10, 0, tzinfo=ZoneInfo("Asia/Seoul")), tick=False):
        call_command("seed_demo", households=240, stdout=StringIO())
        yield {d.name: d for d in District.objects.all()}


def test_the_demo_plans_read_the_same_casework_and_show_a_believable_mix(demo):
    """One seeding (about 20 s) for both claims."""
    _plans_read_the_same_casework(demo)
    _this_years_dashboard_is_a_mix_not_all_behind(demo)


def _plans_read_the_same_casework(demo):
    for name, dongs in (("성동구", 17), ("영등포구", 18)):
        district = demo[name]
        dong_ids = list(district.dongs.values_list("pk", flat=True))
        last = AnnualPlan.objects.get(district=district, year=2025)
        this = AnnualPlan.objects.get(district=district, year=2026)

        # Both approved, this year's made from last year's
        assert (last.status, this.status, this.based_on) == (PlanStatus.APPROVED, PlanStatus.APPROVED, last)
        # Last year's casework is there: last year's plan reads real actuals (not 0 discovered against targets)
        assert CrisisReport.objects.filter(district=district, received_at__year=2025).count() > 30 * dongs
        actual = actuals_for_year(dong_ids=dong_ids, year=2025)
        for metric in METRICS:
            assert sum(actual.get((d, metric), 0) for d in dong_ids) > 0, (name, metric)
        # This year's targets: last year's actual × 1.10 rounded up, per dong and metric, every dong
        targets = list(DongTarget.objects.filter(plan=this))
        assert len(targets) == dongs * len(METRICS) and len({t.dong_id for t in targets}) == dongs
        for t in targets:
            assert t.baseline == actual.get((t.dong_id, t.metric), 0)
            assert t.target == math.ceil(round(t.baseline * 1.1, 6))
        assert sum(t.target for t in targets if t.metric == "crisis_households_discovered") > 0


def _this_years_dashboard_is_a_mix_not_all_behind(demo):
    for name in ("성동구", "영등포구"):
        district = demo[name]
        plan = AnnualPlan.objects.get(district=district, year=2026)

        board = plan_progress(plan, dong_ids=district.dongs.values_list("pk", flat=True), today=TODAY,
                              with_trends=False)

        counts = board.counts()
        assert counts[Pace.BEHIND] > 0, name
        assert counts[Pace.ON_TRACK] + counts[Pace.AHEAD] > counts[Pace.BEHIND] / 2, (name, counts)
        # Per dong: some mostly on track or ahead, some mostly behind; never all behind
        on_pace = [d for d in board.dongs if d.behind < len(board.metrics) / 2]
        lagging = [d for d in board.dongs if d.behind >= len(board.metrics) / 2]
        assert on_pace and lagging, (name, [d.behind for d in board.dongs])
        assert not all(d.behind == len(board.metrics) for d in board.dongs)
        # And the district's totals are not all behind either
        assert any(t.pace != Pace.BEHIND for t in board.totals), name
