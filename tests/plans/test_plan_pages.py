"""The plan pages: list and creation, the editor (HTMX partials and plain POST), validation, budget totals,
the approval workflow and its permissions, read-only approved plans and revisions."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plans import services
from plans.figures import figures_recompute
from plans.models import AnnualPlan, Department, DongTarget, PlanArea, PlanStatus, PlanTask
from plans.selectors import budget_totals
from tests.factories import DongFactory, staff_user
from tests.households.factories_plans import approved, draft_plan
from tests.plans.test_plan_services import make_cases
from welfare.models import AccessLog, Role

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def plan(planner, dong, second_dong):
    return draft_plan(district=dong.district, by=planner, dongs=[dong, second_dong])


def url(name, *args):
    return reverse(f"plans:{name}", args=args)


# --- list, creation and permissions ---------------------------------------------------------------------


def test_planner_sees_current_plans_with_status_and_older_revisions(client_for, planner, district_admin, plan):
    approved(plan, planner=planner, admin=district_admin)
    revision = services.plan_revise(plan=plan, by=planner)

    response = client_for(planner).get(url("plan_list"))

    body = response.content.decode()
    assert response.status_code == 200
    assert url("plan_edit", revision.pk) in body and "작성 중" in body
    assert "이전 개정본 1개" in body and url("plan_edit", plan.pk) in body
    assert "작년 계획으로 새 계획 만들기" in body


def test_official_reads_the_plan_list_without_the_creation_forms(client_for, official, plan):
    response = client_for(official).get(url("plan_list"))

    assert response.status_code == 200
    assert plan.title in response.content.decode()
    assert "작년 계획으로 새 계획 만들기" not in response.content.decode()


def test_planner_creates_a_blank_plan(client_for, planner):
    response = client_for(planner).post(url("plan_create"), {"year": 2027, "title": "2027 기본계획", "vision": "v"})

    plan = AnnualPlan.objects.get(year=2027)
    assert response.status_code == 302 and response.url == url("plan_edit", plan.pk)
    assert (plan.created_by, plan.status) == (planner, PlanStatus.DRAFT)


def test_a_second_plan_for_the_same_year_is_refused_beside_the_form(client_for, planner, plan):
    response = client_for(planner).post(url("plan_create"), {"year": 2026, "title": "again"})

    assert response.status_code == 200
    assert "2026년 계획이 이미 있습니다." in response.content.decode()
    assert AnnualPlan.objects.filter(year=2026).count() == 1


def test_cloning_through_the_page_uses_the_typed_uplift_rounded_up(client_for, planner, dong, second_dong):
    last_year = draft_plan(district=dong.district, by=planner, year=2025, dongs=[dong, second_dong])
    make_cases(dong, 10, dt.date(2025, 3, 1))
    make_cases(second_dong, 7, dt.date(2025, 11, 30))
    figures_recompute(start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31))

    response = client_for(planner).post(url("plan_clone"), {
        "previous": last_year.pk, "year": 2026, "uplift_percent": "12.5", "title": ""})

    plan = AnnualPlan.objects.get(year=2026)
    assert response.status_code == 302 and response.url == url("plan_edit", plan.pk)
    targets = {t.dong_id: (t.baseline, t.target) for t in plan.dong_targets.filter(metric="cases_opened")}
    assert targets == {dong.pk: (10, 12), second_dong.pk: (7, 8)}  # 11.25 → 12, 7.875 → 8
    assert plan.title == "2026 찾동 기본계획" and plan.uplift_percent == 12.5
    assert plan.areas.get().tasks.get().budget_krw == 12_000_000


def test_cloning_refuses_a_negative_uplift_with_a_message(client_for, planner, plan):
    response = client_for(planner).post(url("plan_clone"), {"previous": plan.pk, "year": 2027,
                                                            "uplift_percent": "-5"})

    assert response.status_code == 200
    assert "0 이상의 값을 입력해 주세요." in response.content.decode()
    assert not AnnualPlan.objects.filter(year=2027).exists()


def test_official_reads_the_editor_read_only_and_sees_only_their_dong(client_for, official, dong, second_dong, plan):
    response = client_for(official).get(url("plan_edit", plan.pk))

    body = response.content.decode()
    assert response.status_code == 200
    assert "명예사회복지공무원 확대" in body
    assert f'id="cell-{dong.pk}-cases_opened"' in body
    assert f'id="cell-{second_dong.pk}-cases_opened"' not in body
    assert 'name="t-' not in body and "영역 추가" not in body and "승인 요청" not in body


@pytest.mark.parametrize("name", ["area_add", "plan_submit", "targets_save"])
def test_official_cannot_post_changes(client_for, official, plan, name):
    response = client_for(official).post(url(name, plan.pk), {"title": "x"})

    assert response.status_code == 403
    assert plan.areas.count() == 1


@pytest.mark.parametrize("name", ["plan_edit", "plan_dashboard", "plan_print", "plan_export_xlsx"])
def test_another_districts_plan_is_404(client_for, planner, yeongdeungpo, other_district_dong, name):
    their_planner = staff_user(Role.DISTRICT_PLANNER, district=yeongdeungpo, username="ydp_planner")
    theirs = draft_plan(district=yeongdeungpo, by=their_planner, dongs=[other_district_dong])

    assert client_for(planner).get(url(name, theirs.pk)).status_code == 404


def test_another_districts_plan_cannot_be_cloned(client_for, planner, yeongdeungpo, other_district_dong):
    their_planner = staff_user(Role.DISTRICT_PLANNER, district=yeongdeungpo, username="ydp_planner")
    theirs = draft_plan(district=yeongdeungpo, by=their_planner, year=2025, dongs=[other_district_dong])

    response = client_for(planner).post(url("plan_clone"), {"previous": theirs.pk, "year": 2026,
                                                            "uplift_percent": "10"})

    assert response.status_code == 200  # the form says the choice is not valid
    assert not AnnualPlan.objects.filter(year=2026).exists()


# --- areas ------------------------------------------------------------------------------------------------


def test_area_add_with_htmx_returns_the_area_list_partial(client_for, planner, plan):
    response = client_for(planner).post(url("area_add", plan.pk), {"title": "민관 협력 강화"}, **HX)

    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<div id="areas"') and "<html" not in body
    assert "민관 협력 강화" in body
    assert 'id="budget-totals"' in body and 'hx-swap-oob="true"' in body
    assert list(plan.areas.values_list("title", flat=True)) == ["위기가구 조기 발굴", "민관 협력 강화"]


def test_area_add_by_plain_post_redirects_to_the_editor(client_for, planner, plan):
    response = client_for(planner).post(url("area_add", plan.pk), {"title": "민관 협력 강화"})

    area = plan.areas.get(title="민관 협력 강화")
    assert response.status_code == 302 and response.url == url("plan_edit", plan.pk) + f"#area-{area.pk}"


def test_a_blank_area_name_is_shown_beside_the_field(client_for, planner, plan):
    response = client_for(planner).post(url("area_add", plan.pk), {"title": "  "}, **HX)

    assert response.status_code == 200
    assert "필수 항목입니다" in response.content.decode()
    assert plan.areas.count() == 1


def test_areas_move_up_and_down(client_for, planner, plan):
    first = plan.areas.get()
    services.area_save(plan=plan, by=planner, title="둘째")
    third = services.area_save(plan=plan, by=planner, title="셋째")
    client = client_for(planner)

    client.post(url("area_move", plan.pk, third.pk), {"direction": "up"}, **HX)
    client.post(url("area_move", plan.pk, first.pk), {"direction": "down"})

    assert list(plan.areas.order_by("order").values_list("title", flat=True)) == ["셋째", "위기가구 조기 발굴", "둘째"]
    assert AccessLog.objects.filter(verb="plans.area.reordered").count() == 2


def test_a_blank_rename_is_shown_beside_that_areas_field(client_for, planner, plan):
    area = plan.areas.get()

    response = client_for(planner).post(url("area_rename", plan.pk, area.pk), {"title": ""}, **HX)

    body = response.content.decode()
    assert "필수 항목입니다" in body
    assert '<details class="inline-edit" open>' in body
    area.refresh_from_db()
    assert area.title == "위기가구 조기 발굴"


def test_area_rename_and_delete(client_for, planner, plan):
    area = plan.areas.get()
    client = client_for(planner)

    client.post(url("area_rename", plan.pk, area.pk), {"title": "위기가구 발굴·지원"}, **HX)
    area.refresh_from_db()
    assert area.title == "위기가구 발굴·지원"

    response = client.post(url("area_delete", plan.pk, area.pk))
    assert response.status_code == 302
    assert not PlanArea.objects.filter(pk=area.pk).exists() and not PlanTask.objects.exists()


# --- tasks ------------------------------------------------------------------------------------------------


def task_post(department, **extra):
    data = {"title": "AI 안부전화", "description": "1인 가구 안부 확인", "department": department.pk if department else "",
            "new_department": "", "lead": "김주무관", "budget_krw": "12,000,000", "funding_source": "city",
            "indicator": "안부 확인 가구", "indicator_unit": "가구", "baseline": "100", "target": "150",
            "m1_text": "대상자 선정", "m1_status": "done", "m2_text": "서비스 개시", "m2_status": "in_progress",
            "m3_text": "", "m3_status": "planned", "m4_text": "성과 점검", "m4_status": "planned"}
    data.update(extra)
    return data


def test_task_added_by_plain_post_with_budget_in_thousands_and_milestones(client_for, planner, plan):
    area = plan.areas.get()
    department = Department.objects.get(name="복지정책과")

    response = client_for(planner).post(url("task_add", plan.pk, area.pk), task_post(department))

    task = area.tasks.get(title="AI 안부전화")
    assert response.status_code == 302 and response.url.endswith(f"#task-{task.pk}")
    assert (task.budget_krw, task.funding_source, task.lead, task.target) == (12_000_000, "city", "김주무관", 150)
    assert [(m.quarter, m.text, m.status) for m in task.milestones.all()] == [
        (1, "대상자 선정", "done"), (2, "서비스 개시", "in_progress"), (4, "성과 점검", "planned")]


def test_task_added_with_htmx_returns_the_area_and_the_totals(client_for, planner, plan):
    area = plan.areas.get()
    department = Department.objects.get(name="복지정책과")

    response = client_for(planner).post(url("task_add", plan.pk, area.pk),
                                        task_post(department, budget_krw="3,000,000"), **HX)

    body = response.content.decode()
    assert body.lstrip().startswith(f'<section class="area" id="area-{area.pk}"')
    assert "AI 안부전화" in body
    assert 'id="budget-totals"' in body and "15,000,000" in body  # 12,000,000 + 3,000,000 of the city


def test_task_edit_with_htmx_returns_the_form_then_the_task_partial(client_for, planner, plan):
    task = plan.areas.get().tasks.get()
    client = client_for(planner)

    form = client.get(url("task_edit", plan.pk, task.pk), **HX).content.decode()
    assert form.lstrip().startswith(f'<form class="task-form task" id="task-{task.pk}"')
    assert 'value="12,000,000"' in form

    response = client.post(url("task_edit", plan.pk, task.pk),
                           task_post(task.department, title="명예사회복지공무원 200명", budget_krw="20,000,000"), **HX)
    body = response.content.decode()
    assert body.lstrip().startswith(f'<article class="task" id="task-{task.pk}"')
    assert "명예사회복지공무원 200명" in body and "20,000,000" in body
    task.refresh_from_db()
    assert task.budget_krw == 20_000_000


def test_task_without_a_department_is_refused_beside_the_field(client_for, planner, plan):
    area = plan.areas.get()

    response = client_for(planner).post(url("task_add", plan.pk, area.pk), task_post(None), **HX)

    body = response.content.decode()
    assert "세부 사업에는 담당 부서가 있어야 합니다." in body
    assert 'value="AI 안부전화"' in body  # everything typed is kept
    assert not area.tasks.filter(title="AI 안부전화").exists()


def test_negative_money_is_refused_with_a_message(client_for, planner, plan):
    task = plan.areas.get().tasks.get()

    response = client_for(planner).post(url("task_edit", plan.pk, task.pk),
                                        task_post(task.department, budget_krw="-5,000"))

    assert response.status_code == 200
    assert "예산은 0원 이상이어야 합니다." in response.content.decode()
    task.refresh_from_db()
    assert task.budget_krw == 12_000_000


def test_an_indicator_target_needs_an_indicator_name(client_for, planner, plan):
    task = plan.areas.get().tasks.get()

    response = client_for(planner).post(url("task_edit", plan.pk, task.pk),
                                        task_post(task.department, indicator=""), **HX)

    assert "기준값·목표값에는 성과지표 이름이 있어야 합니다." in response.content.decode()


def test_a_new_department_is_created_inline_for_the_plans_district(client_for, planner, plan):
    area = plan.areas.get()

    client_for(planner).post(url("task_add", plan.pk, area.pk), task_post(None, new_department=" 희망복지지원과 "))

    task = area.tasks.get(title="AI 안부전화")
    assert (task.department.name, task.department.district) == ("희망복지지원과", plan.district)


def test_task_delete(client_for, planner, plan):
    task = plan.areas.get().tasks.get()

    response = client_for(planner).post(url("task_delete", plan.pk, task.pk), **HX)

    assert response.status_code == 200 and not PlanTask.objects.filter(pk=task.pk).exists()


# --- budget totals ----------------------------------------------------------------------------------------


def test_budget_totals_per_department_and_per_source(client_for, planner, plan):
    area = plan.areas.get()
    welfare = Department.objects.get(name="복지정책과")
    health = Department.objects.create(district=plan.district, name="건강증진과")
    services.task_save(area=area, by=planner, data={"title": "방문건강관리", "department": health,
                                                    "budget_krw": 30_000_000, "funding_source": "national"})
    services.task_save(area=area, by=planner, data={"title": "푸드뱅크", "department": welfare,
                                                    "budget_krw": 5_000_000, "funding_source": "city"})

    totals = budget_totals(plan)
    response = client_for(planner).get(url("plan_edit", plan.pk))

    assert totals.by_department == [("건강증진과", 30_000_000), ("복지정책과", 17_000_000)]
    assert [(code, amount) for code, _label, amount in totals.by_source] == [("city", 17_000_000),
                                                                              ("national", 30_000_000)]
    assert totals.total == 47_000_000
    assert "47,000,000" in response.content.decode()


# --- dong targets -----------------------------------------------------------------------------------------


def test_one_target_cell_is_saved_through_htmx_and_returned(client_for, planner, dong, plan):
    response = client_for(planner).post(url("targets_save", plan.pk), {
        "cell": f"{dong.pk}:cases_opened", f"t-{dong.pk}-cases_opened": "14"}, **HX)

    body = response.content.decode()
    assert body.lstrip().startswith(f'<td class="num target-cell saved" id="cell-{dong.pk}-cases_opened"')
    assert 'value="14"' in body and "저장됨" in body
    assert DongTarget.objects.get(plan=plan, dong=dong, metric="cases_opened").target == 14


def test_a_negative_target_cell_comes_back_with_its_message(client_for, planner, dong, plan):
    response = client_for(planner).post(url("targets_save", plan.pk), {
        "cell": f"{dong.pk}:cases_opened", f"t-{dong.pk}-cases_opened": "-3"}, **HX)

    body = response.content.decode()
    assert "has-error" in body and "목표는 0 이상의 정수여야 합니다." in body and 'value="-3"' in body
    assert DongTarget.objects.get(plan=plan, dong=dong, metric="cases_opened").target == 10


def test_a_target_without_a_metric_is_refused(client_for, planner, dong, plan):
    response = client_for(planner).post(url("targets_save", plan.pk), {"cell": f"{dong.pk}:", f"t-{dong.pk}-": "5"},
                                        **HX)

    assert "목표에는 지표를 골라야 합니다." in response.content.decode()
    assert DongTarget.objects.filter(plan=plan).count() == 2


def test_the_whole_table_is_saved_by_a_plain_post(client_for, planner, dong, second_dong, plan):
    response = client_for(planner).post(url("targets_save", plan.pk), {
        f"t-{dong.pk}-cases_opened": "12", f"t-{second_dong.pk}-cases_opened": "10",
        f"t-{dong.pk}-trainings_held": "4", f"t-{second_dong.pk}-trainings_held": ""})

    assert response.status_code == 302 and response.url.endswith("#targets")
    targets = {(t.dong_id, t.metric): t.target for t in plan.dong_targets.all()}
    assert targets == {(dong.pk, "cases_opened"): 12, (second_dong.pk, "cases_opened"): 10,
                       (dong.pk, "trainings_held"): 4}
    assert AccessLog.objects.filter(verb="plans.target.set").count() == 2 + 2  # the fixture's two, then two changes


def test_an_invalid_cell_in_the_table_saves_nothing_and_keeps_what_was_typed(client_for, planner, dong, second_dong,
                                                                             plan):
    response = client_for(planner).post(url("targets_save", plan.pk), {
        f"t-{dong.pk}-cases_opened": "12", f"t-{second_dong.pk}-cases_opened": "열둘"})

    body = response.content.decode()
    assert response.status_code == 200
    assert "목표는 0 이상의 정수로 적으세요." in body and 'value="열둘"' in body and 'value="12"' in body
    assert DongTarget.objects.get(plan=plan, dong=dong, metric="cases_opened").target == 10


# --- workflow ---------------------------------------------------------------------------------------------


def test_submit_then_admin_approves_with_history(client_for, planner, district_admin, plan):
    response = client_for(planner).post(url("plan_submit", plan.pk), {"comment": "검토 부탁드립니다"})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED

    assert client_for(planner).post(url("plan_approve", plan.pk)).status_code == 403  # planners do not approve

    client_for(district_admin).post(url("plan_approve", plan.pk), {"comment": "승인합니다"})

    plan.refresh_from_db()
    assert (plan.status, plan.approved_by) == (PlanStatus.APPROVED, district_admin)
    body = client_for(planner).get(url("plan_edit", plan.pk)).content.decode()
    assert "검토 부탁드립니다" in body and "승인합니다" in body
    assert "districtadmin" in body  # the log shows who
    assert "개정본 만들기" in body


def test_returning_needs_a_comment_shown_beside_the_field(client_for, planner, district_admin, plan):
    services.plan_submit(plan=plan, by=planner)

    response = client_for(district_admin).post(url("plan_return", plan.pk), {"comment": ""})

    assert response.status_code == 200
    assert "반려할 때는 의견을 적어 주세요." in response.content.decode()
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED

    client_for(district_admin).post(url("plan_return", plan.pk), {"comment": "예산 근거 보완"})
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT
    assert [c.action for c in plan.comments.all()] == ["submitted", "returned"]


def test_submitting_an_empty_plan_is_refused_with_a_message(client_for, planner):
    plan = services.plan_create(district=planner.staff.district, year=2027, by=planner, title="빈 계획")

    response = client_for(planner).post(url("plan_submit", plan.pk), follow=True)

    assert "추진 영역과 세부 사업을 하나 이상" in response.content.decode()
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT


def test_an_approved_plan_is_read_only_and_refuses_posts_with_a_message(client_for, planner, district_admin, dong,
                                                                         plan):
    approved(plan, planner=planner, admin=district_admin)
    client = client_for(planner)
    task = plan.areas.get().tasks.get()

    page = client.get(url("plan_edit", plan.pk)).content.decode()
    response = client.post(url("area_add", plan.pk), {"title": "몰래 추가"}, follow=True)
    htmx = client.post(url("targets_save", plan.pk), {"cell": f"{dong.pk}:cases_opened",
                                                      f"t-{dong.pk}-cases_opened": "99"}, **HX)
    plain = client.post(url("task_edit", plan.pk, task.pk), task_post(task.department))

    assert 'name="t-' not in page and "영역 추가" not in page and "개정본 만들기" in page
    assert "승인된 계획은 새 개정본을 만들어 고치세요" in response.content.decode()
    assert htmx["HX-Redirect"] == url("plan_edit", plan.pk)
    assert plain.status_code == 302
    assert plan.areas.count() == 1
    assert DongTarget.objects.get(plan=plan, dong=dong, metric="cases_opened").target == 10
    assert plan.areas.get().tasks.get().title == "명예사회복지공무원 확대"


def test_revision_through_the_page_makes_an_editable_copy(client_for, planner, district_admin, plan):
    approved(plan, planner=planner, admin=district_admin)

    response = client_for(planner).post(url("plan_revise", plan.pk), {"comment": "목표 조정"})

    revision = AnnualPlan.objects.get(is_current=True, year=plan.year)
    assert response.status_code == 302 and response.url == url("plan_edit", revision.pk)
    assert (revision.revision, revision.status) == (2, PlanStatus.DRAFT)
    old = client_for(planner).get(url("plan_edit", plan.pk)).content.decode()
    assert "이전 개정본입니다" in old and url("plan_edit", revision.pk) in old


def test_header_edit_with_htmx_returns_the_header(client_for, planner, plan):
    response = client_for(planner).post(url("plan_edit", plan.pk), {"title": "2026 성동 찾동 계획", "vision": "새 비전"},
                                        **HX)

    assert response.content.decode().lstrip().startswith('<div id="plan-header"')
    plan.refresh_from_db()
    assert (plan.title, plan.vision) == ("2026 성동 찾동 계획", "새 비전")


# --- queries ----------------------------------------------------------------------------------------------


def editor_queries(client, plan) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url("plan_edit", plan.pk)).status_code == 200
    return len(queries)


def test_the_editor_runs_the_same_number_of_queries_for_a_small_and_a_large_plan(client_for, planner, dong,
                                                                                  second_dong):
    small = draft_plan(district=dong.district, by=planner, year=2026, dongs=[dong])
    large = draft_plan(district=dong.district, by=planner, year=2027, dongs=[dong, second_dong],
                       targets={"cases_opened": 5, "trainings_held": 2})
    for dong_number in range(8):
        extra = DongFactory(district=dong.district, name=f"추가{dong_number}동")
        services.target_set(plan=large, by=planner, dong=extra, metric="cases_opened", target=3)
    department = Department.objects.get(name="복지정책과")
    for n in range(4):
        area = services.area_save(plan=large, by=planner, title=f"영역 {n}")
        for m in range(3):
            task = services.task_save(area=area, by=planner, data={"title": f"사업 {n}-{m}", "department": department})
            services.milestones_save(task=task, by=planner, items=[(1, "시작", "done"), (3, "점검", "planned")])
    client = client_for(planner)
    editor_queries(client, small)  # warm the content-type cache

    # Session, user and membership, dongs in scope; plan; areas, tasks, milestones; one budget aggregate;
    # departments; dongs and targets; comments; log — whatever the number of areas, tasks and dongs.
    assert editor_queries(client, large) == editor_queries(client, small)


def list_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url("plan_list")).status_code == 200
    return len(queries)


def test_the_plan_list_runs_the_same_number_of_queries_for_one_or_many_plans(client_for, planner, district_admin,
                                                                            dong):
    first = draft_plan(district=dong.district, by=planner, year=2024, dongs=[dong])
    client = client_for(planner)
    one = list_queries(client)
    approved(first, planner=planner, admin=district_admin)
    services.plan_revise(plan=first, by=planner)
    for year in (2025, 2026, 2027):
        draft_plan(district=dong.district, by=planner, year=year)

    # Session, user, membership, dongs in scope; count and page of current plans; their older revisions;
    # the clone form's choices (exists + options) — whatever the number of plans and revisions.
    assert list_queries(client) == one


@pytest.mark.parametrize("digits", [19, 5000])  # Python refuses to read a number of over 4,300 digits at all
def test_a_far_too_large_budget_or_target_is_refused_with_the_limit(client_for, planner, plan, dong, digits):
    task = plan.areas.get().tasks.get()
    client = client_for(planner)

    response = client.post(url("task_edit", plan.pk, task.pk), task_post(task.department, budget_krw="9" * digits))
    assert response.status_code == 200
    assert "원 이하로 적어 주세요" in response.content.decode()
    task.refresh_from_db()
    assert task.budget_krw == 12_000_000

    response = client.post(url("targets_save", plan.pk), {f"t-{dong.pk}-cases_opened": "9" * digits})
    assert response.status_code == 200
    assert "이하의 수를 적어 주세요" in response.content.decode()
    assert not plan.dong_targets.filter(dong=dong, metric="cases_opened", target__gt=10**6).exists()


@pytest.mark.parametrize("dong_id", ["9" * 5000, "9" * 20, "abc"])
def test_a_target_cell_for_a_dong_that_is_not_an_id_is_refused(client_for, planner, plan, dong_id):
    response = client_for(planner).post(url("targets_save", plan.pk), {
        "cell": f"{dong_id}:cases_opened", f"t-{dong_id}-cases_opened": "5"}, **HX)
    assert response.status_code in (400, 404)  # no such dong in the plan
    assert not DongTarget.objects.filter(plan=plan, target=5).exists()
