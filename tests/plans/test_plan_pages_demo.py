"""The demo plan (seed_plans) and the admin pages of the plan models."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from plans.dashboard import plan_progress
from plans.metrics import METRICS
from plans.models import (
    AnnualPlan,
    Award,
    Department,
    DongTarget,
    Partnership,
    PlanMilestone,
    PlanStatus,
    PlanTask,
    Training,
)
from tests.households.factories_cases import household_with_client, make_case
from welfare.demo.plans import seed_plans
from welfare.models import AccessLog

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 5, 20)


def test_seed_plans_makes_last_years_approved_plan_with_everything_around_it(planner, district_admin, dong,
                                                                            second_dong):
    make_case(household_with_client(dong), opened_on=dt.date(2025, 4, 1))

    made = seed_plans(district=dong.district, by=planner, today=TODAY)

    plan = AnnualPlan.objects.get(year=2025)
    assert made == 2  # last year's and this year's
    assert (plan.year, plan.status, plan.approved_by, plan.created_by) == (2025, PlanStatus.APPROVED, district_admin,
                                                                           planner)
    assert plan.title == "2025년 성동구 찾아가는 보건복지서비스 기본계획" and plan.vision == "모두 多 행복한 복지도시 성동"
    assert plan.areas.count() == 4 and PlanTask.objects.filter(area__plan=plan).count() == 31
    assert Department.objects.filter(district=dong.district).count() >= 8
    assert PlanMilestone.objects.filter(task__area__plan=plan).count() == 31 * 4
    assert PlanMilestone.objects.filter(task__area__plan=plan, status="delayed").exists()
    assert DongTarget.objects.filter(plan=plan).count() == 2 * len(METRICS)
    assert all(t.target >= 1 for t in DongTarget.objects.filter(plan=plan))
    assert Training.objects.filter(plan=plan).exists()
    assert Award.objects.filter(plan=plan).count() == 6 and Partnership.objects.filter(plan=plan).count() == 5
    assert AccessLog.objects.filter(verb="plans.plan.approved", object_id=str(plan.pk)).exists()
    # Every (dong, metric) of the district is on last year's dashboard.
    assert len(plan_progress(plan, dong_ids=[dong.pk, second_dong.pk], today=TODAY, with_trends=False).rows) == 12


def test_this_years_plan_is_made_from_last_years_with_targets_ten_percent_above_its_actuals(planner, district_admin,
                                                                                              dong, second_dong):
    # Given last year's casework in 왕십리도선동: three cases opened
    for month in (3, 6, 9):
        make_case(household_with_client(dong), opened_on=dt.date(2025, month, 1))

    seed_plans(district=dong.district, by=planner, today=TODAY)

    plan = AnnualPlan.objects.get(year=2026)
    last = AnnualPlan.objects.get(year=2025)
    assert (plan.status, plan.based_on, plan.approved_by) == (PlanStatus.APPROVED, last, district_admin)
    cases = DongTarget.objects.get(plan=plan, dong=dong, metric="cases_opened")
    assert (cases.baseline, cases.target) == (3, 4)  # ceil(3 × 1.10)
    assert PlanTask.objects.filter(area__plan=plan).count() == 31
    # May: the first quarter's milestones are done (a few late), the second's in progress, the rest planned
    statuses = {(m.quarter, m.status) for m in PlanMilestone.objects.filter(task__area__plan=plan)}
    assert (1, "done") in statuses and (2, "in_progress") in statuses and (4, "planned") in statuses
    assert (1, "delayed") in statuses
    assert Training.objects.filter(plan=plan, held_on__year=2026).exists()


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("root", "root@example.invalid", "pass-for-tests-1")


def test_admin_pages_of_the_plan_models_render(client, superuser, planner, district_admin, dong):
    seed_plans(district=dong.district, by=planner, today=TODAY)
    plan = AnnualPlan.objects.get(year=2025)
    client.force_login(superuser)

    for name in ("annualplan", "plantask", "department", "dongtarget", "training", "award", "partnership",
                 "dongmonthfigure"):
        assert client.get(reverse(f"admin:plans_{name}_changelist")).status_code == 200, name
    assert client.get(reverse("admin:plans_annualplan_change", args=[plan.pk])).status_code == 200
    # The nightly job owns the figures: nobody adds one by hand.
    assert client.get(reverse("admin:plans_dongmonthfigure_add")).status_code == 403
