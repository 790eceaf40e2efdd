"""The plan's rules: drafting from last year with an uplift, the approval workflow, read-only approved plans."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from plans import services
from plans.figures import figures_recompute
from plans.models import AnnualPlan, Department, DongTarget, PlanStatus
from tests.factories import HouseholdFactory, ResidentFactory
from welfare.errors import RuleError

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("actual", "uplift", "expected"), [
    (10, 10, 11),      # exactly 11: no float error rounding it up to 12
    (0, 10, 0),
    (1, 10, 2),        # 1.1 rounds up
    (7, 15, 9),        # 8.05 → 9
    (20, 0, 20),
    (33, Decimal("12.5"), 38),  # 37.125 → 38
])
def test_uplift_rounds_up(actual, uplift, expected):
    assert services.uplifted(actual, uplift) == expected


@pytest.fixture
def last_year_plan(planner, dong, second_dong):
    plan = services.plan_create(district=dong.district, year=2025, by=planner, title="2025 찾동 기본계획")
    area = services.area_save(plan=plan, by=planner, title="위기가구 조기 발굴")
    department = Department.objects.create(district=dong.district, name="복지정책과")
    services.task_save(area=area, by=planner, data={"title": "명예사회복지공무원 확대", "department": department,
                                                    "budget_krw": 12_000_000, "funding_source": "city"})
    services.target_set(plan=plan, by=planner, dong=dong, metric="cases_opened", target=5)
    return plan


def make_cases(dong, n, opened_on):
    from households.models import Case

    for _ in range(n):
        household = HouseholdFactory(dong=dong)
        client = ResidentFactory(household=household)
        Case.objects.create(household=household, client=client, opened_on=opened_on, source="visit",
                            assessment_due_on=opened_on, plan_due_on=opened_on)


def test_next_year_plan_proposes_last_years_actual_plus_uplift(planner, dong, second_dong, last_year_plan):
    make_cases(dong, 10, dt.date(2025, 3, 1))
    make_cases(second_dong, 3, dt.date(2025, 11, 30))
    figures_recompute(start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31))

    plan = services.plan_create_from_previous(previous=last_year_plan, by=planner, uplift_percent=10)

    assert (plan.year, plan.status, plan.based_on) == (2026, PlanStatus.DRAFT, last_year_plan)
    targets = {(t.dong_id, t.metric): (t.baseline, t.target) for t in plan.dong_targets.all()}
    assert targets[(dong.pk, "cases_opened")] == (10, 11)
    assert targets[(second_dong.pk, "cases_opened")] == (3, 4)
    task = plan.areas.get().tasks.get()
    assert (task.title, task.department.name, task.budget_krw) == ("명예사회복지공무원 확대", "복지정책과", 12_000_000)


def test_one_plan_per_district_and_year(planner, last_year_plan):
    with pytest.raises(RuleError):
        services.plan_create(district=last_year_plan.district, year=2025, by=planner, title="again")


def test_workflow_submit_return_approve_and_read_only(planner, district_admin, dong, last_year_plan):
    with pytest.raises(RuleError):
        services.plan_approve(plan=last_year_plan, by=district_admin)  # not submitted yet
    services.plan_submit(plan=last_year_plan, by=planner, comment="검토 바랍니다")
    with pytest.raises(RuleError):
        services.target_set(plan=last_year_plan, by=planner, dong=dong, metric="cases_opened", target=9)
    with pytest.raises(RuleError):
        services.plan_approve(plan=last_year_plan, by=planner)  # planners do not approve
    with pytest.raises(RuleError):
        services.plan_return(plan=last_year_plan, by=district_admin, comment="")  # a reason is required

    services.plan_return(plan=last_year_plan, by=district_admin, comment="예산 근거 보완")
    services.plan_submit(plan=last_year_plan, by=planner)
    approved = services.plan_approve(plan=last_year_plan, by=district_admin, comment="승인")

    assert approved.status == PlanStatus.APPROVED and approved.approved_by == district_admin
    assert [c.action for c in approved.comments.all()] == ["submitted", "returned", "submitted", "approved"]
    with pytest.raises(RuleError):
        services.area_save(plan=approved, by=planner, title="새 영역")


def test_revision_of_an_approved_plan_copies_it_and_keeps_the_old(planner, district_admin, dong, last_year_plan):
    services.plan_submit(plan=last_year_plan, by=planner)
    services.plan_approve(plan=last_year_plan, by=district_admin)

    revision = services.plan_revise(plan=last_year_plan, by=planner, comment="목표 조정")
    services.target_set(plan=revision, by=planner, dong=dong, metric="cases_opened", target=7)

    last_year_plan.refresh_from_db()
    assert (revision.revision, revision.status, revision.is_current) == (2, PlanStatus.DRAFT, True)
    assert (last_year_plan.is_current, last_year_plan.superseded_by) == (False, revision)
    assert DongTarget.objects.get(plan=last_year_plan).target == 5
    assert AnnualPlan.objects.current().filter(year=2025).get() == revision
    with pytest.raises(RuleError):
        services.plan_revise(plan=last_year_plan, by=planner)


def test_validation_messages(planner, dong, last_year_plan):
    area = last_year_plan.areas.get()
    with pytest.raises(RuleError, match="담당 부서"):
        services.task_save(area=area, by=planner, data={"title": "부서 없는 사업"})
    with pytest.raises(RuleError, match="0원 이상"):
        services.task_save(area=area, by=planner, data={"title": "x", "department": Department.objects.get(),
                                                        "budget_krw": -1})
    with pytest.raises(RuleError, match="지표"):
        services.target_set(plan=last_year_plan, by=planner, dong=dong, metric="", target=3)


def test_figures_equal_a_direct_count_for_every_metric(dong, second_dong):
    from plans.metrics import METRICS

    make_cases(dong, 4, timezone.localdate().replace(day=1))
    today = timezone.localdate()
    figures_recompute(start=today.replace(month=1, day=1), end=today)

    from plans.models import DongMonthFigure

    stored = {(f.dong_id, f.month, f.metric): f.value for f in DongMonthFigure.objects.all()}
    for code, metric in METRICS.items():
        live = metric.count([dong.pk, second_dong.pk], today.replace(month=1, day=1), today)
        for key, value in live.items():
            assert stored[(key[0], key[1], code)] == value
    assert stored[(dong.pk, today.replace(day=1), "cases_opened")] == 4
