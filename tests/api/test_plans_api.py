"""/api/v1/plans/: the district's plans with areas and tasks; one plan with its dong targets against the
dashboard's actuals and pace; /plans/{id}/figures/ with the stored monthly figures."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from plans.dashboard import plan_progress
from tests.api.conftest import error_of, walk
from tests.households.factories_plans import approved, draft_plan, figure

from ..factories import DongFactory, staff_user

PLANS = "/api/v1/plans/"
YEAR = 2026
TODAY = dt.datetime(YEAR, 7, 2, 9, 0)  # 183 of 365 days gone


@pytest.fixture
def plan(seongdong, planner, dong, second_dong):
    return draft_plan(district=seongdong, by=planner, year=YEAR, dongs=[dong, second_dong],
                      targets={"cases_opened": 10, "crisis_households_discovered": 40})


@pytest.fixture
def other_plan(yeongdeungpo, other_district_dong):
    planner = staff_user("district_planner", district=yeongdeungpo, username="ydp-planner")
    return draft_plan(district=yeongdeungpo, by=planner, year=YEAR, dongs=[other_district_dong])


def test_plans_of_the_district_with_areas_and_tasks(api_client_for, official, plan, other_plan):
    rows = walk(api_client_for(official), PLANS)

    assert [r["id"] for r in rows] == [plan.pk]
    row = rows[0]
    assert (row["year"], row["status"], row["status_display"], row["uplift_percent"]) == (YEAR, "draft", "작성 중", 10.0)
    assert row["district"]["name"] == "성동구"
    [area] = row["areas"]
    [task] = area["tasks"]
    assert area["title"] == "위기가구 조기 발굴"
    assert (task["title"], task["department"], task["budget_krw"], task["funding_source"]) == (
        "명예사회복지공무원 확대", "복지정책과", 12_000_000, "city")
    assert "progress" not in row


def test_other_districts_plan_is_404(api_client_for, official, other_plan):
    response = api_client_for(official).get(f"{PLANS}{other_plan.pk}/")

    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


@time_machine.travel(TODAY, tick=False)
def test_one_plan_gives_the_officials_dong_targets_against_the_dashboard(api_client_for, official, plan, dong,
                                                                          second_dong):
    # given figures for both dongs this year and one from last year
    figure(dong, dt.date(YEAR, 2, 1), "cases_opened", 3)
    figure(dong, dt.date(YEAR, 5, 1), "cases_opened", 2)
    figure(dong, dt.date(YEAR - 1, 12, 1), "cases_opened", 50)
    figure(second_dong, dt.date(YEAR, 5, 1), "cases_opened", 9)

    # when the official opens the plan
    progress = api_client_for(official).get(f"{PLANS}{plan.pk}/").json()["progress"]

    # then only their dong's targets, with the same actual, expectation and pace as the dashboard
    board = plan_progress(plan, dong_ids=[dong.pk], with_trends=False)
    assert progress["as_of"] == "2026-07-02"
    assert progress["elapsed_percent"] == board.elapsed_percent == 50
    assert {(t["dong"]["id"], t["metric"]) for t in progress["targets"]} == {
        (dong.pk, "cases_opened"), (dong.pk, "crisis_households_discovered")}
    cases = next(t for t in progress["targets"] if t["metric"] == "cases_opened")
    expected = next(c for _d, c in board.rows if c.metric == "cases_opened")
    assert (cases["target"], cases["baseline"], cases["actual"]) == (10, 9, 5)
    assert cases["expected"] == round(float(expected.expected), 2)
    assert (cases["pace"], cases["pace_display"]) == (expected.pace, expected.pace_label) == ("on_track", "순항")
    assert cases["percent_of_target"] == 50
    assert {t["metric"]: t["actual"] for t in progress["totals"]} == {"cases_opened": 5,
                                                                      "crisis_households_discovered": 0}


@time_machine.travel(TODAY, tick=False)
def test_planner_sees_every_dong_of_the_district(api_client_for, planner, plan, dong, second_dong):
    figure(second_dong, dt.date(YEAR, 5, 1), "cases_opened", 9)

    progress = api_client_for(planner).get(f"{PLANS}{plan.pk}/").json()["progress"]

    assert {t["dong"]["id"] for t in progress["targets"]} == {dong.pk, second_dong.pk}
    assert {t["metric"]: t["actual"] for t in progress["totals"]}["cases_opened"] == 9


def test_plan_filters(api_client_for, district_admin, planner, plan, seongdong, dong):
    last_year = draft_plan(district=seongdong, by=planner, year=YEAR - 1, title="작년 계획", dongs=[dong])
    approved(last_year, planner=planner, admin=district_admin)
    client = api_client_for(district_admin)

    def ids(**params) -> list[int]:
        return [r["id"] for r in walk(client, PLANS, params)]

    assert ids() == [plan.pk, last_year.pk]
    assert ids(year=YEAR - 1) == [last_year.pk]
    assert ids(status="approved") == [last_year.pk]
    assert ids(current="true") == [plan.pk, last_year.pk]
    assert ids(search="작년") == [last_year.pk]
    assert ids(ordering="year") == [last_year.pk, plan.pk]


def test_figures_of_the_plan_year_for_the_users_dongs(api_client_for, official, plan, dong, second_dong):
    # given figures of both dongs, of this year and last
    figure(dong, dt.date(YEAR, 1, 1), "cases_opened", 2)
    figure(dong, dt.date(YEAR, 3, 1), "cases_opened", 4)
    figure(dong, dt.date(YEAR, 3, 1), "trainings_held", 1)
    figure(dong, dt.date(YEAR - 1, 12, 1), "cases_opened", 7)
    figure(second_dong, dt.date(YEAR, 3, 1), "cases_opened", 5)
    client = api_client_for(official)
    url = f"{PLANS}{plan.pk}/figures/"

    # when the official asks for them
    everything = client.get(url).json()
    cases = client.get(url, {"metric": "cases_opened", "dong": dong.pk}).json()
    other = client.get(url, {"dong": second_dong.pk}).json()

    # then the plan year's months of their own dong only, in month order
    assert [(r["dong"], r["month"], r["metric"], r["value"]) for r in everything] == [
        (dong.pk, "2026-01-01", "cases_opened", 2), (dong.pk, "2026-03-01", "cases_opened", 4),
        (dong.pk, "2026-03-01", "trainings_held", 1)]
    assert [r["value"] for r in cases] == [2, 4]
    assert other == []


def test_figures_refuse_an_unknown_metric(api_client_for, official, plan):
    response = api_client_for(official).get(f"{PLANS}{plan.pk}/figures/", {"metric": "happiness"})

    assert response.status_code == 400
    assert set(error_of(response)["fields"]) == {"metric"}


def test_figures_of_another_districts_plan_are_404(api_client_for, official, other_plan):
    assert api_client_for(official).get(f"{PLANS}{other_plan.pk}/figures/").status_code == 404


def test_plans_are_read_only_even_for_planners(api_client_for, planner, district_admin, plan):
    assert api_client_for(planner).post(PLANS, {"title": "새 계획"}, format="json").status_code == 403
    assert api_client_for(district_admin).post(PLANS, {"title": "새 계획"}, format="json").status_code == 405
    assert api_client_for(district_admin).delete(f"{PLANS}{plan.pk}/").status_code == 405


@pytest.mark.parametrize("plans", [1, 6])
def test_plan_list_runs_a_constant_number_of_queries(api_client_for, district_admin, planner, seongdong, plans):
    for n in range(plans):
        draft_plan(district=seongdong, by=planner, year=2020 + n, dongs=[DongFactory(district=seongdong)])
    client = api_client_for(district_admin)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(PLANS)

    # The token, its last_used_at, the user's dongs, the page (district joined), then areas, tasks (department
    # joined) and milestones prefetched: 7 whatever the number of plans.
    assert len(response.json()["results"]) == plans
    assert len(queries) == 7, [q["sql"][:80] for q in queries.captured_queries]


@time_machine.travel(TODAY, tick=False)
def test_one_plan_runs_a_fixed_number_of_queries(api_client_for, planner, seongdong, plan):
    for _n in range(5):
        draft_plan(district=seongdong, by=planner, year=YEAR + 1 + _n, dongs=[DongFactory(district=seongdong)])
    client = api_client_for(planner)

    with CaptureQueriesContext(connection) as queries:
        client.get(f"{PLANS}{plan.pk}/")

    # token, last_used_at, user's dongs, the plan, areas, tasks, milestones, then the dashboard's dong targets (1)
    # and actuals (3): 11 whatever the number of dongs and metrics
    assert len(queries) == 11, [q["sql"][:80] for q in queries.captured_queries]
