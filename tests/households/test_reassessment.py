"""Reassessment (재사정, DOMAIN §2 row 10, §6): due every 6 months in service (district-editable), shown on the case
page, the case list and the today page, reminded by a daily job, and triggered by a visit that found a change."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
import time_machine
from django.urls import reverse

from households import services
from households.jobs import reassessment_reminders
from households.models import (
    CadencePolicy,
    Case,
    CaseGoal,
    CaseStage,
    FollowUp,
    FollowUpReason,
    FollowUpStatus,
    Visit,
)
from households.today import my_deadlines
from tests.factories import HouseholdFactory

from .factories_cases import household_with_client, make_case

pytestmark = pytest.mark.django_db

SEOUL = dt.timezone(dt.timedelta(hours=9))
TODAY = dt.date(2026, 8, 31)


def at_seoul(day: dt.date, hour: int = 10):
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, hour, tzinfo=SEOUL), tick=False)


def planned_case(dong, official) -> Case:
    case = make_case(household_with_client(dong), stage=CaseStage.PLANNING, by=official, opened_on=dt.date(2026, 7, 1))
    CaseGoal.objects.create(case=case, text="주거급여 신청", target_on=dt.date(2026, 12, 31))
    return case


def move(case: Case, to: str, by) -> Case:
    services.case_transition(case=case, to=to, by=by, expected_version=case.version, closing_reason="goals_met")
    case.refresh_from_db()
    return case


def due_case(dong, official, due_on: dt.date | None, *, stage: str = CaseStage.IN_SERVICE) -> Case:
    return make_case(household_with_client(dong), stage=stage, by=official, opened_on=dt.date(2026, 1, 5),
                     reassessment_due_on=due_on)


# The due date ----------------------------------------------------------------------------------------------------


def test_entering_service_sets_reassessment_six_calendar_months_on(dong, official):
    with at_seoul(TODAY):
        case = move(planned_case(dong, official), CaseStage.IN_SERVICE, official)

    assert case.reassessment_due_on == dt.date(2027, 2, 28)  # 31 Aug + 6 months, clamped to February's end


def test_the_districts_reassessment_months_are_used(dong, official):
    CadencePolicy.objects.create(district=dong.district, reassessment_months=3)
    with at_seoul(TODAY):
        case = move(planned_case(dong, official), CaseStage.IN_SERVICE, official)

    assert case.reassessment_due_on == dt.date(2026, 11, 30)


def test_reassessment_clears_the_date_and_a_revised_plan_sets_it_again(dong, official, lead):
    with at_seoul(TODAY):
        case = move(planned_case(dong, official), CaseStage.IN_SERVICE, official)
    with at_seoul(dt.date(2027, 2, 20)):
        case = move(case, CaseStage.REASSESSMENT, official)
        assert case.reassessment_due_on is None
        case = move(case, CaseStage.PLANNING, official)
    with at_seoul(dt.date(2027, 3, 3)):
        case = move(case, CaseStage.IN_SERVICE, official)

    assert case.reassessment_due_on == dt.date(2027, 9, 3)


def test_a_closing_proposal_sent_back_keeps_the_due_date_and_closing_clears_it(dong, official, lead):
    with at_seoul(TODAY):
        case = move(planned_case(dong, official), CaseStage.IN_SERVICE, official)
    with at_seoul(dt.date(2026, 10, 1)):
        case = move(move(case, CaseStage.CLOSING, official), CaseStage.IN_SERVICE, lead)
        assert case.reassessment_due_on == dt.date(2027, 2, 28)
        case = move(move(case, CaseStage.CLOSING, official), CaseStage.CLOSED, lead)

    assert case.reassessment_due_on is None


def test_due_and_overdue_on_the_case_page(client_for, dong, official):
    with at_seoul(TODAY):
        soon = due_case(dong, official, TODAY + dt.timedelta(days=5))
        late = due_case(dong, official, TODAY - dt.timedelta(days=1))
        far = due_case(dong, official, TODAY + dt.timedelta(days=60))
        client = client_for(official)
        pages = {c.pk: client.get(reverse("households:case_detail", args=[c.household_id, c.pk])).content.decode()
                 for c in (soon, late, far)}

    assert (soon.reassessment_state(TODAY), late.reassessment_state(TODAY), far.reassessment_state(TODAY)) == (
        "due", "overdue", "")
    assert "재사정 도래" in pages[soon.pk] and "재사정 기한 지남" in pages[late.pk]
    assert "2026-10-30" in pages[far.pk] and "재사정 도래" not in pages[far.pk]


def test_the_case_list_filters_reassessment_due(client_for, dong, official):
    with at_seoul(TODAY):
        soon = due_case(dong, official, TODAY + dt.timedelta(days=7))
        far = due_case(dong, official, TODAY + dt.timedelta(days=8))
        none = due_case(dong, official, None, stage=CaseStage.PLANNING)
        for case in (soon, far, none):
            case.household.assigned_official = official
            case.household.status = "under_care"
            case.household.save()
        page = client_for(official).get(reverse("households:caseload"), {"reassessment_due": "due"})

    shown = {h.pk for h in page.context["page"].object_list}
    assert shown == {soon.household_id}
    assert "재사정 도래" in page.content.decode()


def test_the_today_page_lists_reassessment_due_and_skips_cases_without_a_date(dong, official):
    with at_seoul(TODAY):
        soon = due_case(dong, official, TODAY + dt.timedelta(days=3))
        due_case(dong, official, None)  # in service, date not set (an older case): not a row, not an error
        due_case(dong, official, TODAY + dt.timedelta(days=30))
        block = my_deadlines(official, TODAY)

    assert block.total == 1
    assert block.rows[0].title.startswith(f"#{soon.pk} ") and "재사정" in block.rows[0].detail


# The reminder job ------------------------------------------------------------------------------------------------


def _run(day: dt.date) -> dict:
    with at_seoul(day, hour=5):
        from django.utils import timezone
        return reassessment_reminders(timezone.now())


def test_the_job_reminds_each_case_due_within_a_week_once(dong, official):
    soon = due_case(dong, official, TODAY + dt.timedelta(days=7))
    late = due_case(dong, official, TODAY - dt.timedelta(days=3))
    due_case(dong, official, TODAY + dt.timedelta(days=8))
    due_case(dong, official, None)
    archived = due_case(dong, official, TODAY, stage=CaseStage.ARCHIVED)

    assert _run(TODAY) == {"reminded": 2}
    assert _run(TODAY) == {"reminded": 0}  # twice: nothing twice

    reminders = FollowUp.objects.filter(reason=FollowUpReason.REASSESSMENT)
    assert sorted(reminders.values_list("case_id", "due_on", "assigned_to_id")) == sorted([
        (soon.pk, soon.reassessment_due_on, official.pk), (late.pk, late.reassessment_due_on, official.pk)])
    assert not reminders.filter(case=archived).exists()


def test_entering_reassessment_meets_the_reminder(dong, official):
    case = due_case(dong, official, TODAY + dt.timedelta(days=2))
    _run(TODAY)

    with at_seoul(TODAY):
        move(case, CaseStage.REASSESSMENT, official)

    assert FollowUp.objects.get(case=case, reason=FollowUpReason.REASSESSMENT).status == FollowUpStatus.DONE
    assert _run(TODAY + dt.timedelta(days=1)) == {"reminded": 0}


def test_the_job_runs_a_constant_number_of_queries(dong, official, django_assert_max_num_queries):
    for _ in range(3):
        due_case(dong, official, TODAY)
    with django_assert_max_num_queries(4):  # 1 page read, 1 insert, an empty last page read, savepoint
        _run(TODAY)
    for _ in range(12):
        due_case(dong, official, TODAY)
    with django_assert_max_num_queries(4):  # the same for four times as many cases
        assert _run(TODAY) == {"reminded": 12}


# A change of circumstances found on a visit -------------------------------------------------------------------


def visit_post(**overrides) -> dict:
    data = {"submission_token": str(uuid.uuid4()), "visited_at": "2026-08-31T10:00", "kind": "home",
            "contact_result": "met", "risk_level": "low", "observations": "", "next_contact_on": ""}
    return {**data, **overrides}


def test_a_visit_with_a_change_moves_the_in_service_case_to_reassessment(client_for, dong, official):
    case = due_case(dong, official, dt.date(2027, 1, 5))
    form = client_for(official).get(reverse("households:visit_add", args=[case.household_id])).content.decode()
    assert 'name="circumstances_changed"' in form and "상황 변화 있음" in form

    with at_seoul(TODAY, hour=11):
        response = client_for(official).post(reverse("households:visit_add", args=[case.household_id]),
                                             visit_post(circumstances_changed="on"))

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.stage == CaseStage.REASSESSMENT and case.reassessment_due_on is None
    assert Visit.objects.get(household=case.household).circumstances_changed is True
    assert case.stage_changes.get(to_stage=CaseStage.REASSESSMENT).note == "방문에서 상황 변화 확인"


def test_a_visit_without_a_change_leaves_the_case(client_for, dong, official):
    case = due_case(dong, official, dt.date(2027, 1, 5))

    with at_seoul(TODAY, hour=11):
        client_for(official).post(reverse("households:visit_add", args=[case.household_id]), visit_post())

    case.refresh_from_db()
    assert case.stage == CaseStage.IN_SERVICE and case.reassessment_due_on == dt.date(2027, 1, 5)


def test_a_change_in_another_stage_brings_the_reassessment_due_to_the_visit_day(dong, official):
    case = due_case(dong, official, None, stage=CaseStage.PLANNING)

    with at_seoul(TODAY, hour=11):
        services.visit_record(household=case.household, by=official, data=services.VisitData(
            kind="home", contact_result="met", risk_level="low", circumstances_changed=True), token=uuid.uuid4())

    case.refresh_from_db()
    assert case.stage == CaseStage.PLANNING and case.reassessment_due_on == TODAY


def test_a_nurses_visit_with_a_change_marks_the_reassessment_due_without_moving_the_case(dong, official, nurse):
    case = due_case(dong, official, dt.date(2027, 1, 5))

    with at_seoul(TODAY, hour=11):
        services.visit_record(household=case.household, by=nurse, data=services.VisitData(
            kind="home", contact_result="met", risk_level="low", circumstances_changed=True), token=uuid.uuid4())

    case.refresh_from_db()
    assert case.stage == CaseStage.IN_SERVICE and case.reassessment_due_on == TODAY


def test_a_change_at_a_household_without_an_open_case_is_just_recorded(dong, official):
    household = HouseholdFactory(dong=dong)

    with at_seoul(TODAY, hour=11):
        visit, _created = services.visit_record(household=household, by=official, data=services.VisitData(
            kind="home", contact_result="met", risk_level="low", circumstances_changed=True), token=uuid.uuid4())

    assert visit.circumstances_changed and not Case.objects.filter(household=household).exists()


def test_the_reminder_is_a_registered_job_on_the_beat_schedule():
    from django_celery_beat.models import PeriodicTask

    from welfare.jobs import jobs

    task = PeriodicTask.objects.get(name="welfare: reassessment_reminders")
    assert "reassessment_reminders" in jobs()
    assert (task.task, task.args, task.crontab.hour, task.crontab.minute) == (
        "welfare.run_job", '["reassessment_reminders"]', "5", "30")


def test_a_visit_sent_from_the_field_app_with_a_change_moves_the_case(official, dong):
    from django.utils import timezone
    from rest_framework.test import APIClient

    case = due_case(dong, official, dt.date(2030, 1, 5))
    client = APIClient()
    client.force_login(official)
    item = {"client_id": str(uuid.uuid4()), "household": case.household_id, "kind": "home", "contact_result": "met",
            "risk_level": "medium", "observations": "", "next_contact_on": "", "needs": [],
            "visited_at": (timezone.now() - dt.timedelta(minutes=30)).isoformat(),
            "based_on": {"status": "under_care", "case_stage": "in_service"}, "circumstances_changed": True}

    response = client.post("/api/v1/field/sync/", {"kind": "visit", "item": item,
                                                    "pack_generated_at": timezone.now().isoformat()}, format="json")

    assert response.status_code == 201, response.content
    case.refresh_from_db()
    assert case.stage == CaseStage.REASSESSMENT
