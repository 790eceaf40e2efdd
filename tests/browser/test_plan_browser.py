"""A planner drafts next year's plan from this year's on a tablet, raises one dong's target and submits it; the
district admin approves it; the dashboard shows it."""

import datetime as dt

import pytest
from django.utils import timezone

from plans.figures import figures_recompute
from plans.models import AnnualPlan, DongTarget, PlanStatus
from tests.households.factories_plans import approved, draft_plan
from tests.plans.test_plan_services import make_cases

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_planner_drafts_next_year_and_admin_approves(page, live_server, login, screenshot, planner, district_admin,
                                                     dong, second_dong):
    # Given this year's approved plan and this year's figures (10 cases in one dong, 4 in the other)
    today = timezone.localdate()
    this_year = draft_plan(district=dong.district, by=planner, year=today.year, dongs=[dong, second_dong])
    approved(this_year, planner=planner, admin=district_admin)
    make_cases(dong, 10, today.replace(day=1))
    make_cases(second_dong, 4, today.replace(day=1))
    figures_recompute(start=dt.date(today.year, 1, 1), end=today)

    # When the planner makes next year's plan from it with the default uplift
    login("planner")
    page.goto(f"{live_server.url}/plans/")
    page.select_option("#clone select[name=previous]", str(this_year.pk))
    assert page.input_value("#clone input[name=uplift_percent]") == "10"
    page.click("#clone button[type=submit]")
    page.wait_for_selector("h1:has-text('작성 중')")
    plan = AnnualPlan.objects.get(year=today.year + 1)
    cell = f"#cell-{dong.pk}-cases_opened"
    assert page.input_value(f"{cell} input") == "11"  # ceil(10 × 1.1)

    # ... raises one dong's target (HTMX saves the cell as it changes) and submits
    page.fill(f"{cell} input", "30")
    page.press(f"{cell} input", "Tab")
    page.wait_for_selector(f"{cell} .saved-mark")
    assert DongTarget.objects.get(plan=plan, dong=dong, metric="cases_opened").target == 30
    screenshot("plan_editor")
    page.fill("#workflow textarea[name=comment]", "동별 목표를 조정했습니다")
    page.click("#workflow button:has-text('승인 요청')")
    page.wait_for_selector("text=승인을 요청했습니다")

    # Then the district admin approves it
    page.click("form[action='/logout/'] button")
    login("districtadmin")
    page.goto(f"{live_server.url}/plans/{plan.pk}/")
    assert "동별 목표를 조정했습니다" in page.inner_text("#workflow")
    page.click("#workflow button:has-text('승인')")
    page.wait_for_selector("text=계획을 승인했습니다")
    plan.refresh_from_db()
    assert (plan.status, plan.approved_by) == (PlanStatus.APPROVED, district_admin)

    # ... and the dashboard shows the raised target
    page.click("a:has-text('대시보드')")
    page.wait_for_selector("svg.trend")
    row = page.locator("table.dashboard-table tbody tr", has_text=dong.name)
    assert "0 / 30" in row.inner_text()
    assert page.locator("svg.trend").count() == 1
    path = screenshot("plan_dashboard")
    assert path.stat().st_size > 10_000
