"""The plan dashboard: targets against actuals to date and the calendar's pace, per dong and metric; actuals equal
to a direct count of the underlying rows; scoping; a constant number of queries."""

import datetime as dt
import re
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from discovery.models import ReportOutcome
from households.models import FollowUp, FollowUpReason, FollowUpStatus, LinkStatus, ServiceLink
from plans import services
from plans.charts import trend_svg
from plans.dashboard import (
    AHEAD_FROM,
    ON_TRACK_FROM,
    Pace,
    Trend,
    days_elapsed,
    expected_to_date,
    pace_of,
    plan_progress,
)
from plans.figures import figures_recompute
from plans.metrics import METRICS, STOCK_METRICS
from plans.models import Training
from tests.discovery.factories_network import member, report
from tests.factories import DongFactory
from tests.households.factories_cases import ResourceFactory, household_with_client, make_case
from tests.households.factories_plans import draft_plan, figure

pytestmark = pytest.mark.django_db

JULY_2 = dt.datetime(2026, 7, 2, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=9)))


@pytest.mark.parametrize(("actual", "pace"), [
    (40, Pace.BEHIND), (47, Pace.BEHIND),        # 47 / 50.14 = 93.7%
    (48, Pace.ON_TRACK), (55, Pace.ON_TRACK),    # 95.7% and 109.7%
    (56, Pace.AHEAD),                            # 111.7%
])
def test_pace_against_the_calendar_on_2_july(actual, pace):
    # 2 July 2026 is day 183 of 365: a flow target of 100 expects 50.14 by then; on track from 95% of it,
    # ahead from 110%.
    expected = expected_to_date("cases_opened", 100, 2026, dt.date(2026, 7, 2))
    assert (ON_TRACK_FROM, AHEAD_FROM) == (Decimal("0.95"), Decimal("1.10"))  # noqa: SIM300

    assert days_elapsed(2026, dt.date(2026, 7, 2)) == 183
    assert expected == Decimal(100) * 183 / 365
    assert pace_of(actual, expected) == pace


def test_a_stock_metric_is_expected_at_its_full_target_all_year():
    assert "network_members_active" in STOCK_METRICS
    assert expected_to_date("network_members_active", 10, 2026, dt.date(2026, 2, 1)) == 10
    assert pace_of(9, Decimal(10)) == Pace.BEHIND and pace_of(10, Decimal(10)) == Pace.ON_TRACK


def test_before_the_year_nothing_is_expected_and_after_it_the_whole_target():
    assert expected_to_date("cases_opened", 100, 2027, dt.date(2026, 12, 31)) == 0
    assert pace_of(0, Decimal(0)) == Pace.ON_TRACK
    assert expected_to_date("cases_opened", 100, 2025, dt.date(2026, 3, 1)) == 100


@pytest.fixture
def third_dong(seongdong):
    return DongFactory(district=seongdong, name="사근동")


@pytest.fixture
def paced_plan(planner, dong, second_dong, third_dong):
    """Targets of 100 cases each; by 2 July: 40 (behind), 50 (on track), 56 (ahead)."""
    plan = draft_plan(district=dong.district, by=planner, dongs=[dong, second_dong, third_dong],
                      targets={"cases_opened": 100})
    for d, (first, second) in ((dong, (20, 20)), (second_dong, (25, 25)), (third_dong, (30, 26))):
        figure(d, dt.date(2026, 1, 1), "cases_opened", first)
        figure(d, dt.date(2026, 6, 1), "cases_opened", second)
    return plan


def test_dashboard_statuses_per_dong_with_the_dongs_behind_first(client_for, planner, dong, second_dong, third_dong,
                                                                 paced_plan):
    with time_machine.travel(JULY_2, tick=False):
        response = client_for(planner).get(reverse("plans:plan_dashboard", args=[paced_plan.pk]))

    body = response.content.decode()
    assert response.status_code == 200
    board = response.context["board"]
    assert [(d.dong_name, d.cells[0].actual, d.cells[0].pace) for d in board.dongs] == [
        ("왕십리도선동", 40, Pace.BEHIND), ("마장동", 50, Pace.ON_TRACK), ("사근동", 56, Pace.AHEAD)]
    table = body.split("동별 진도", 1)[1]
    assert table.index("왕십리도선동") < table.index("마장동") < table.index("사근동")
    total = board.totals[0]
    assert (total.target, total.actual, total.pace) == (300, 146, Pace.ON_TRACK)  # 146 of 150.4 expected: 97%
    assert "2026-07-02" in body and "미달 1" in body


def test_dashboard_draws_a_server_side_svg_trend_without_any_external_script(client_for, planner, paced_plan):
    with time_machine.travel(JULY_2, tick=False):
        body = client_for(planner).get(reverse("plans:plan_dashboard", args=[paced_plan.pk])).content.decode()

    assert '<svg class="trend"' in body and 'class="pace"' in body and 'class="actual"' in body
    scripts = re.findall(r'<script[^>]*src="([^"]+)"', body)
    assert all(src.startswith("/static/") for src in scripts)
    # Only the page's links can point at a CDN (the body also holds random CSRF tokens that may spell "cdn").
    urls = re.findall(r'(?:src|href)="([^"]+)"', body)
    assert not [u for u in urls if "cdn" in u.lower() or u.startswith(("http://", "https://", "//"))]


def test_trend_svg_plots_the_cumulative_actual_against_the_pace():
    trend = Trend("cases_opened", [(dt.date(2026, 1, 31), 20), (dt.date(2026, 2, 28), 35)], 100, stock=False)

    svg = str(trend_svg(trend, year=2026, today=dt.date(2026, 3, 1), title="<위기> 발굴"))

    assert svg.startswith('<svg class="trend"') and svg.endswith("</svg>")
    assert "&lt;위기&gt; 발굴" in svg and "<위기>" not in svg  # labels are escaped
    assert svg.count("<circle") == 2 and "2026-02-28: 35" in svg


def test_official_sees_only_their_own_dongs_targets_read_only(client_for, official, dong, paced_plan):
    with time_machine.travel(JULY_2, tick=False):
        response = client_for(official).get(reverse("plans:plan_dashboard", args=[paced_plan.pk]))

    board = response.context["board"]
    assert [d.dong_name for d in board.dongs] == ["왕십리도선동"]
    assert "마장동" not in response.content.decode()
    assert "<form method=\"post\"" not in response.content.decode().split("<main", 1)[1]


def test_dashboard_filters_by_metric_and_dong(client_for, planner, dong, second_dong, paced_plan):
    services.target_set(plan=paced_plan, by=planner, dong=dong, metric="trainings_held", target=4)
    client = client_for(planner)
    path = reverse("plans:plan_dashboard", args=[paced_plan.pk])

    with time_machine.travel(JULY_2, tick=False):
        by_metric = client.get(path, {"metric": "trainings_held"}).context["board"]
        by_dong = client.get(path, {"dong": second_dong.pk}).context["board"]

    assert by_metric.metrics == ["trainings_held"] and [d.dong_name for d in by_metric.dongs] == ["왕십리도선동"]
    assert by_dong.metrics == ["cases_opened"] and [d.dong_name for d in by_dong.dongs] == ["마장동"]


def test_an_official_cannot_filter_their_way_into_another_dong(client_for, official, second_dong, paced_plan):
    response = client_for(official).get(reverse("plans:plan_dashboard", args=[paced_plan.pk]),
                                        {"dong": second_dong.pk})

    assert response.status_code == 200
    assert [d.dong_name for d in response.context["board"].dongs] == ["왕십리도선동"]


def test_a_stock_metric_reads_the_latest_month_not_the_sum(planner, dong, second_dong):
    plan = draft_plan(district=dong.district, by=planner, dongs=[dong], targets={"network_members_active": 10})
    figure(dong, dt.date(2026, 5, 1), "network_members_active", 12)
    figure(dong, dt.date(2026, 6, 1), "network_members_active", 9)

    board = plan_progress(plan, dong_ids=[dong.pk], today=dt.date(2026, 6, 20))

    cell = board.dongs[0].cells[0]
    assert (cell.actual, cell.expected, cell.pace) == (9, 10, Pace.BEHIND)
    assert board.trends[0].points == [(dt.date(2026, 5, 31), 12), (dt.date(2026, 6, 20), 9)]


MAY_20 = dt.datetime(2026, 5, 20, 15, 0, tzinfo=dt.timezone(dt.timedelta(hours=9)))


def activity(dong, *, shift: int) -> None:
    """Rows behind every metric in a dong, spread over the months of 2026 (and some that must not count)."""
    tz = timezone.get_current_timezone()

    def at(month, day):
        return dt.datetime(2026, month, day, 10, 0, tzinfo=tz)

    for month in (2, 4, 4 + shift):
        report(dong, received_at=at(month, 3))
    report(dong, received_at=at(3, 3), outcome=ReportOutcome.DUPLICATE)  # duplicates are left out
    report(dong, received_at=dt.datetime(2025, 12, 31, 23, 0, tzinfo=tz))  # last year
    for month in (1, 5):
        make_case(household_with_client(dong), opened_on=dt.date(2026, month, 10))
    for status, completed in ((LinkStatus.COMPLETED, dt.date(2026, 3, 5)), (LinkStatus.COMPLETED,
                              dt.date(2026, 3 + shift, 6)), (LinkStatus.IN_SERVICE, None)):
        household = household_with_client(dong)
        ServiceLink.objects.create(household=household, resource=ResourceFactory(district=dong.district),
                                   status=status, completed_on=completed)
    for month, status in ((4, FollowUpStatus.DONE), (5, FollowUpStatus.DONE), (5, FollowUpStatus.CANCELLED)):
        FollowUp.objects.create(household=household_with_client(dong), due_on=dt.date(2026, month, 1),
                                reason=FollowUpReason.UNIVERSAL, status=status, closed_at=at(month, 2))
    member(dong, active_from=dt.date(2025, 6, 1))
    member(dong, active_from=dt.date(2025, 6, 1), active_to=dt.date(2026, 3, 15))  # left in March
    for _ in range(shift + 1):
        member(dong, active_from=dt.date(2026, 4, 1))
    Training.objects.create(district=dong.district, dong=dong, title="인적안전망 교육", held_on=dt.date(2026, 2, 10),
                            audience="network", attendees=20)


def test_dashboard_actuals_equal_a_direct_count_of_the_rows_for_every_metric(client_for, planner, dong, second_dong):
    with time_machine.travel(MAY_20, tick=False):
        today = timezone.localdate()
        activity(dong, shift=0)
        activity(second_dong, shift=1)
        figures_recompute(start=dt.date(2026, 1, 1), end=today)
        plan = draft_plan(district=dong.district, by=planner, dongs=[dong, second_dong],
                          targets=dict.fromkeys(METRICS, 5))

        board = client_for(planner).get(reverse("plans:plan_dashboard", args=[plan.pk])).context["board"]

        assert board.metrics == list(METRICS)
        for row in board.dongs:
            for cell in row.cells:
                counts = METRICS[cell.metric].count([row.dong_id], dt.date(2026, 1, 1), today)
                if cell.metric in STOCK_METRICS:
                    direct = counts.get((row.dong_id, dt.date(2026, 5, 1)), 0)
                else:
                    direct = sum(counts.values())
                assert cell.actual == direct, (row.dong_name, cell.metric)
        actual = {(d.dong_name, c.metric): c.actual for d in board.dongs for c in d.cells}
        # And the counts themselves are the rows made above (the duplicate, last year's and the open ones left out).
        assert actual[("왕십리도선동", "crisis_households_discovered")] == 3
        assert actual[("왕십리도선동", "cases_opened")] == 2
        assert actual[("왕십리도선동", "service_links_completed")] == 2
        assert actual[("왕십리도선동", "universal_visits_done")] == 2
        assert actual[("왕십리도선동", "network_members_active")] == 2
        assert actual[("마장동", "network_members_active")] == 3
        assert actual[("왕십리도선동", "trainings_held")] == 1
        totals = {t.metric: t.actual for t in board.totals}
        assert totals["cases_opened"] == 4 and totals["network_members_active"] == 5


def dashboard_queries(client, plan) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("plans:plan_dashboard", args=[plan.pk]))
    assert response.status_code == 200
    return len(queries)


def test_the_dashboard_runs_a_constant_number_of_queries_for_3_or_20_dongs(client_for, planner, dong, second_dong,
                                                                           third_dong):
    plan = draft_plan(district=dong.district, by=planner, dongs=[dong, second_dong, third_dong],
                      targets=dict.fromkeys(METRICS, 12))
    for d in (dong, second_dong, third_dong):
        for code in METRICS:
            figure(d, dt.date(2026, 1, 1), code, 3)
    client = client_for(planner)
    with time_machine.travel(JULY_2, tick=False):
        few = dashboard_queries(client, plan)
        for n in range(17):
            extra = DongFactory(district=dong.district, name=f"추가{n:02d}동")
            for code in METRICS:
                services.target_set(plan=plan, by=planner, dong=extra, metric=code, target=12)
                figure(extra, dt.date(2026, 2, 1), code, 5)
        many = dashboard_queries(client, plan)

    assert len(plan_progress(plan, dong_ids=[d.pk for d in plan.district.dongs.all()],
                             today=JULY_2.date()).rows) == 20 * 6
    # Session, user, membership, dongs in scope, the plan, the dong filter's choices, the targets, the
    # actuals (3: flow sums, the stock metrics' latest month, their rows) and the monthly trend: 20 dongs as 3.
    assert many == few
