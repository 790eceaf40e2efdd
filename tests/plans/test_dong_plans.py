"""Per-dong discovery plans under the district plan (issue 17 item 2): who writes them, local targets, focus areas,
planned actions, and progress from the same figures as the district dashboard."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plans import services
from plans.dong_plans import dong_plan_view, overview
from plans.models import DongPlan, FocusArea, PlannedAction
from tests.factories import DongFactory
from tests.households.factories_plans import draft_plan, figure
from welfare.errors import RuleError

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 7, 1)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(dt.datetime(2026, 7, 1, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=9))), tick=False):
        yield


@pytest.fixture
def plan(planner, dong, second_dong):
    return draft_plan(district=dong.district, by=planner, year=2026, dongs=[dong, second_dong],
                      targets={"cases_opened": 24})


def test_the_lead_writes_own_dong_plan_and_others_are_refused(plan, lead, official, planner, dong, second_dong):
    dong_plan = services.dong_plan_save(by=lead, plan=plan, dong=dong, summary="고시원 밀집 지역 집중 발굴")
    again = services.dong_plan_save(by=lead, plan=plan, dong=dong, summary="고시원 밀집 지역 집중 발굴")
    assert dong_plan.pk == again.pk and DongPlan.objects.count() == 1
    for who in (official, planner):
        with pytest.raises(RuleError):
            services.dong_plan_save(by=who, plan=plan, dong=dong, summary="x")
    with pytest.raises(RuleError):  # the lead's own dongs only
        services.dong_plan_save(by=lead, plan=plan, dong=second_dong, summary="x")


def test_focus_areas_and_actions_are_validated_and_not_doubled(plan, lead, dong):
    dong_plan = services.dong_plan_save(by=lead, plan=plan, dong=dong, summary="")
    area = services.focus_area_add(by=lead, dong_plan=dong_plan, kind="gosiwon", name="행복고시원", households=40)
    assert services.focus_area_add(by=lead, dong_plan=dong_plan, kind="gosiwon", name="행복고시원").pk == area.pk
    with pytest.raises(RuleError) as refused:
        services.focus_area_add(by=lead, dong_plan=dong_plan, kind="castle", name="")
    assert set(refused.value.message_dict) == {"kind", "name"}
    action = services.action_save(by=lead, dong_plan=dong_plan, title="고시원 전수 방문", starts_on=dt.date(2026, 3, 1),
                                  due_on=dt.date(2026, 6, 30), owner="복지통장 3명", focus_area=area)
    with pytest.raises(RuleError) as wrong:
        services.action_save(by=lead, dong_plan=dong_plan, title="x", starts_on=dt.date(2026, 5, 1),
                             due_on=dt.date(2026, 4, 1), owner="")
    assert set(wrong.value.message_dict) == {"due_on", "owner"}
    view = dong_plan_view(plan, dong, today=TODAY)
    assert [a.pk for a in view.overdue] == [action.pk]  # due 30 June, not done on 1 July
    services.action_set_status(by=lead, action=action, status="done")
    assert dong_plan_view(plan, dong, today=TODAY).overdue == []


def test_progress_reads_the_same_figures_as_the_district_dashboard(plan, lead, dong):
    # 6 cases opened by the end of June: the district target 24 expects 24 × 182/365 ≈ 12 (behind);
    # the dong's own target 10 expects ≈ 5 (ahead)
    figure(dong, dt.date(2026, 3, 1), "cases_opened", 2)
    figure(dong, dt.date(2026, 6, 1), "cases_opened", 4)
    dong_plan = services.dong_plan_save(by=lead, plan=plan, dong=dong, summary="")
    services.local_target_set(by=lead, dong_plan=dong_plan, metric="cases_opened", target=10)
    view = dong_plan_view(plan, dong, today=TODAY)
    district = next(p for p in view.district_targets if p.metric == "cases_opened")
    local = next(p for p in view.local_targets if p.metric == "cases_opened")
    assert (district.actual, district.target, district.pace) == (6, 24, "behind")
    assert (local.actual, local.target, local.pace) == (6, 10, "ahead")
    with pytest.raises(RuleError):
        services.local_target_set(by=lead, dong_plan=dong_plan, metric="nonsense", target=1)


def test_pages_scoped_and_constant_queries(client_for, plan, lead, district_admin, dong, second_dong,
                                           other_district_dong):
    client = client_for(district_admin)
    url = reverse("plans:dong_plan_list", args=[plan.pk])

    def count(path):
        with CaptureQueriesContext(connection) as q:
            response = client.get(path)
        assert response.status_code == 200
        return len(q), response.content.decode()

    before, _ = count(url)
    for d in (dong, second_dong, *(DongFactory(district=dong.district, name=f"추가{i}동") for i in range(3))):
        dp = services.dong_plan_save(by=district_admin, plan=plan, dong=d, summary="")
        area = services.focus_area_add(by=district_admin, dong_plan=dp, kind="banjiha", name=f"{d.name} 반지하")
        services.action_save(by=district_admin, dong_plan=dp, title="반지하 가구 방문", starts_on=dt.date(2026, 2, 1),
                             due_on=dt.date(2026, 8, 1), owner="맞춤형복지팀", focus_area=area)
    after, html = count(url)
    assert before == after and "추가2동" in html
    page_url = reverse("plans:dong_plan", args=[plan.pk, dong.pk])
    n, html = count(page_url)
    assert "왕십리도선동 반지하" in html and "반지하 가구 방문" in html
    assert client.get(reverse("plans:dong_plan", args=[plan.pk, other_district_dong.pk])).status_code == 404
    # the page adds a focus area through its form
    client_for(lead).post(reverse("plans:dong_plan_focus_add", args=[plan.pk, dong.pk]),
                          {"kind": "jjokbang", "name": "창신 쪽방촌", "households": "12", "note": ""})
    assert FocusArea.objects.filter(name="창신 쪽방촌", dong_plan__dong=dong).exists()
    assert PlannedAction.objects.count() == 5
    assert overview(plan, [dong.pk], today=TODAY)[0].focus_areas == 2
