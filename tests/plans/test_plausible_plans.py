"""Plausible values of the annual plan (issue 12 item 4): a dong target, a task's indicator values and budget within
realistic ceilings (MAX_TARGET, MAX_BUDGET_KRW), texts within their length, plan years within reach — refused by
plans.services, the pages showing the services' sentences beside the field."""

from __future__ import annotations

import pytest
from django.urls import reverse

from plans import services
from plans.models import AnnualPlan, DongTarget, PlanTask
from tests.households.factories_plans import draft_plan
from welfare.errors import RuleError

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def plan(planner, dong, second_dong):
    return draft_plan(district=dong.district, by=planner, dongs=[dong, second_dong])


def url(name, *args):
    return reverse(f"plans:{name}", args=args)


def test_a_dong_target_of_999_999_999_999_is_refused_in_its_cell(client_for, planner, dong, plan):
    response = client_for(planner).post(url("targets_save", plan.pk), {
        "cell": f"{dong.pk}:cases_opened", f"t-{dong.pk}-cases_opened": "999,999,999,999"}, **HX)

    body = response.content.decode()
    assert "has-error" in body and "10,000,000 이하의 수를 적어 주세요." in body
    assert DongTarget.objects.get(plan=plan, dong=dong, metric="cases_opened").target == 10


def test_the_target_ceiling_itself_is_kept(planner, dong, plan):
    row = services.target_set(plan=plan, by=planner, dong=dong, metric="cases_opened", target=10_000_000)

    assert row.target == 10_000_000
    with pytest.raises(RuleError) as refused:
        services.target_set(plan=plan, by=planner, dong=dong, metric="cases_opened", target=10_000_001)
    assert refused.value.message_dict == {"target": ["10,000,000 이하의 수를 적어 주세요."]}


def task_post(department, **extra):
    return {"title": "AI 안부전화", "description": "1인 가구 안부 확인", "department": department.pk,
            "new_department": "", "lead": "김주무관", "budget_krw": "12,000,000", "funding_source": "city",
            "indicator": "안부 확인 가구", "indicator_unit": "가구", "baseline": "100", "target": "150",
            "m1_text": "", "m1_status": "planned", "m2_text": "", "m2_status": "planned",
            "m3_text": "", "m3_status": "planned", "m4_text": "", "m4_status": "planned", **extra}


@pytest.mark.parametrize(("field", "value", "message"), [
    ("budget_krw", "2,000,000,000,000", "금액은 1,000,000,000,000원 이하로 적어 주세요."),
    ("target", "999999999", "10,000,000 이하의 수를 적어 주세요."),
    ("description", "가" * 4001, "4,000자 이내로 적어 주세요. (지금 4,001자)"),
])
def test_a_task_with_an_implausible_value_is_refused_beside_the_field(client_for, planner, plan, field, value,
                                                                      message):
    area = plan.areas.get()
    department = PlanTask.objects.get().department

    response = client_for(planner).post(url("task_add", plan.pk, area.pk), task_post(department, **{field: value}))

    assert response.status_code in (200, 422)
    assert response.context["form"].errors[field] == [message]
    assert PlanTask.objects.count() == 1


def test_the_task_form_carries_the_description_limit_and_the_counter(client_for, planner, plan):
    area = plan.areas.get()
    html = client_for(planner).get(url("task_add", plan.pk, area.pk)).content.decode()

    assert 'maxlength="4000"' in html and "data-counter" in html and "js/counter.js" in html


def test_plan_years_comments_and_uplift_have_bounds(planner, district_admin, dong, plan):
    with pytest.raises(RuleError) as year:
        services.plan_create(district=dong.district, year=1990, by=planner, title="옛 계획")
    with pytest.raises(RuleError) as comment:
        services.plan_submit(plan=plan, by=planner, comment="의" * 2001)
    with pytest.raises(RuleError) as uplift:
        services.plan_create_from_previous(previous=plan, by=planner, year=plan.year + 1, uplift_percent=5000)

    assert list(year.value.message_dict) == ["year"]
    assert comment.value.message_dict == {"comment": ["2,000자 이내로 적어 주세요. (지금 2,001자)"]}
    assert list(uplift.value.message_dict) == ["uplift_percent"]
    assert AnnualPlan.objects.count() == 1
