"""/api/v1/visits/ and /api/v1/follow-ups/: reading, and recording a visit through the page's form and service."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from households.models import CaseStage, FollowUp, Visit
from tests.households.factories_visits import FollowUpFactory, VisitFactory, open_case

from .conftest import error_of

pytestmark = pytest.mark.django_db

VISITS = "/api/v1/visits/"
FOLLOW_UPS = "/api/v1/follow-ups/"


def visit_body(household, **extra) -> dict:
    return {"submission_token": str(uuid.uuid4()), "household": household.pk, "kind": "home",
            "contact_result": "met", "risk_level": "medium", "observations": "식사를 거르는 날이 많음", **extra}


# Recording ---------------------------------------------------------------------------------------------------


def test_recording_a_visit_goes_through_the_service(api_client_for, official, household):
    # given a visit with two needs and an explicit next contact
    next_on = timezone.localdate() + dt.timedelta(days=10)
    body = visit_body(household, next_contact_on=next_on.isoformat(), needs=[
        {"domain": "health", "severity": "high", "note": "당뇨 약 복용 중단"},
        {"domain": "income", "severity": "medium"},
    ])

    # when the official's client posts it
    response = api_client_for(official).post(VISITS, body, format="json")

    # then it is created with its needs, and the household and its follow-up moved as on the page
    assert response.status_code == 201, response.content
    visit = Visit.objects.get()
    assert response.json()["id"] == visit.pk
    assert {(n["domain"], n["severity"]) for n in response.json()["needs"]} == {("health", "high"),
                                                                              ("income", "medium")}
    assert str(visit.submission_token) == body["submission_token"]
    household.refresh_from_db()
    assert (household.risk_level, household.next_contact_on) == ("medium", next_on)
    assert household.last_contact_on == timezone.localdate()
    assert FollowUp.objects.get(household=household, reason="cadence", status="open").due_on == next_on


def test_the_same_submission_token_twice_returns_the_first_visit_with_200(api_client_for, official, household):
    client = api_client_for(official)
    body = visit_body(household)

    first = client.post(VISITS, body, format="json")
    again = client.post(VISITS, {**body, "observations": "다른 내용"}, format="json")

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["observations"] == "식사를 거르는 날이 많음"
    assert Visit.objects.count() == 1


def test_another_dongs_submission_token_is_refused_without_telling_whose(api_client_for, official,
                                                                        other_dong_official, other_household,
                                                                        household):
    token = str(uuid.uuid4())
    api_client_for(other_dong_official).post(VISITS, visit_body(other_household, submission_token=token),
                                             format="json")

    response = api_client_for(official).post(VISITS, visit_body(household, submission_token=token), format="json")

    assert response.status_code == 400
    assert set(error_of(response)["fields"]) == {"submission_token"}
    assert Visit.objects.count() == 1


def test_the_page_forms_rules_apply(api_client_for, official, household):
    client = api_client_for(official)
    yesterday = timezone.localdate() - dt.timedelta(days=1)

    before_visit = client.post(VISITS, visit_body(household, next_contact_on=yesterday.isoformat()), format="json")
    future = client.post(VISITS, visit_body(household, visited_at=(timezone.now() + dt.timedelta(hours=2))
                                            .isoformat()), format="json")

    assert before_visit.status_code == 400
    assert error_of(before_visit)["fields"] == {"next_contact_on": ["다음 접촉 예정일은 방문일 이후여야 합니다."]}
    assert future.status_code == 400
    assert error_of(future)["fields"] == {"visited_at": ["방문 일시가 미래입니다."]}
    assert not Visit.objects.exists()


def test_a_death_needs_the_end_of_care_answer_and_can_close_the_case(api_client_for, official, household):
    head = household.residents.get()
    case = open_case(household, official, stage=CaseStage.IN_SERVICE)
    client = api_client_for(official)

    unanswered = client.post(VISITS, visit_body(household, contact_result="deceased"), format="json")
    answered = client.post(VISITS, visit_body(household, contact_result="deceased", end_care=True,
                                              resident=head.pk, propose_case_closing=True), format="json")

    assert unanswered.status_code == 400
    assert set(error_of(unanswered)["fields"]) == {"end_care"}
    assert answered.status_code == 201, answered.content
    head.refresh_from_db()
    case.refresh_from_db()
    household.refresh_from_db()
    assert (head.left_on, head.left_reason) == (timezone.localdate(), "deceased")
    assert (case.stage, case.closing_reason) == ("closing", "deceased")
    assert household.status == "not_under_care"


def test_a_death_leaves_a_case_in_conference_to_its_conference_record(api_client_for, official, household):
    # a case in conference leaves it only by its conference record: the visit is saved, the case is not moved
    head = household.residents.get()
    case = open_case(household, official, stage=CaseStage.CONFERENCE)

    response = api_client_for(official).post(VISITS, visit_body(
        household, contact_result="deceased", end_care=True, resident=head.pk, propose_case_closing=True),
        format="json")

    assert response.status_code == 201, response.content
    case.refresh_from_db()
    assert (case.stage, case.closing_reason) == ("conference", "")
    assert not case.stage_changes.filter(from_stage="conference").exists()


def test_duplicate_need_domains_and_unknown_codes_are_400(api_client_for, official, household):
    response = api_client_for(official).post(VISITS, visit_body(household, kind="teleport", needs=[
        {"domain": "health", "severity": "high"}, {"domain": "health", "severity": "low"}]), format="json")

    assert response.status_code == 400
    assert set(error_of(response)["fields"]) == {"kind", "needs"}


def test_a_resident_of_another_household_is_refused(api_client_for, official, household, dong):
    from tests.factories import HouseholdFactory, ResidentFactory

    stranger = ResidentFactory(household=HouseholdFactory(dong=dong))

    response = api_client_for(official).post(VISITS, visit_body(household, contact_result="moved_away",
                                                                end_care=False, resident=stranger.pk),
                                             format="json")

    assert response.status_code == 400
    assert set(error_of(response)["fields"]) == {"resident"}


def test_a_visit_to_another_dongs_household_is_refused_as_unknown(api_client_for, official, other_household):
    response = api_client_for(official).post(VISITS, visit_body(other_household), format="json")

    assert response.status_code == 400
    assert error_of(response)["fields"]["household"][0].endswith("객체가 존재하지 않습니다.")
    assert not Visit.objects.exists()


def test_planner_may_not_record_a_visit(api_client_for, planner, household):
    response = api_client_for(planner).post(VISITS, visit_body(household), format="json")

    assert response.status_code == 403
    assert not Visit.objects.exists()


# Reading -----------------------------------------------------------------------------------------------------


def test_visits_are_scoped_filtered_and_logged_when_opened(api_client_for, official, household, other_household):
    phone = VisitFactory(household=household, kind="phone", contact_result="not_home")
    home = VisitFactory(household=household, kind="home")
    elsewhere = VisitFactory(household=other_household)
    client = api_client_for(official)

    listed = {r["id"] for r in client.get(VISITS).json()["results"]}
    by_kind = {r["id"] for r in client.get(VISITS, {"kind": "phone"}).json()["results"]}
    opened = client.get(f"{VISITS}{home.pk}/")

    assert listed == {phone.pk, home.pk}
    assert by_kind == {phone.pk}
    assert opened.status_code == 200
    assert client.get(f"{VISITS}{elsewhere.pk}/").status_code == 404
    from welfare.models import AccessLog

    assert AccessLog.objects.filter(verb="households.visit.viewed", object_id=str(home.pk)).exists()


def test_visits_recorded_since_a_time(api_client_for, official, household):
    old = VisitFactory(household=household)
    Visit.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=2))
    new = VisitFactory(household=household)

    since = (timezone.now() - dt.timedelta(days=1)).isoformat()
    rows = api_client_for(official).get(VISITS, {"created_since": since}).json()["results"]

    assert [r["id"] for r in rows] == [new.pk]


# Follow-ups --------------------------------------------------------------------------------------------------


def test_follow_ups_filters_and_overdue_flag(api_client_for, official, lead, household, dong, other_household):
    from tests.factories import HouseholdFactory

    today = timezone.localdate()
    late = FollowUpFactory(household=household, due_on=today - dt.timedelta(days=3), assigned_to=official)
    soon = FollowUpFactory(household=HouseholdFactory(dong=dong), due_on=today + dt.timedelta(days=2),
                           reason="silence", priority="high", assigned_to=lead)
    done = FollowUpFactory(household=HouseholdFactory(dong=dong), due_on=today - dt.timedelta(days=9),
                           status="done", closed_at=timezone.now())
    FollowUpFactory(household=other_household)
    client = api_client_for(official)

    def ids(**params):
        response = client.get(FOLLOW_UPS, params)
        assert response.status_code == 200, response.content
        return {r["id"] for r in response.json()["results"]}

    assert ids() == {late.pk, soon.pk, done.pk}
    assert ids(overdue="true") == {late.pk}
    assert ids(status=["open"]) == {late.pk, soon.pk}
    assert ids(reason=["silence"]) == {soon.pk}
    assert ids(assigned_to=lead.pk) == {soon.pk}
    assert ids(due_before=today.isoformat()) == {late.pk, done.pk}
    assert ids(due_after=today.isoformat()) == {soon.pk}
    assert ids(changed_since=(timezone.now() - dt.timedelta(minutes=1)).isoformat()) == {late.pk, soon.pk, done.pk}
    row = client.get(f"{FOLLOW_UPS}{late.pk}/").json()
    assert (row["is_overdue"], row["reason"], row["assigned_to"]["id"]) == (True, "cadence", official.pk)


def test_a_follow_up_closed_after_the_last_sync_is_changed_since_it(api_client_for, official, household):
    follow_up = FollowUpFactory(household=household)
    FollowUp.objects.filter(pk=follow_up.pk).update(created_at=timezone.now() - dt.timedelta(days=5))
    since = timezone.now() - dt.timedelta(days=1)
    client = api_client_for(official)
    assert client.get(FOLLOW_UPS, {"changed_since": since.isoformat()}).json()["results"] == []

    FollowUp.objects.filter(pk=follow_up.pk).update(status="done", closed_at=timezone.now())

    rows = client.get(FOLLOW_UPS, {"changed_since": since.isoformat()}).json()["results"]
    assert [(r["id"], r["status"]) for r in rows] == [(follow_up.pk, "done")]


def test_other_dong_follow_up_is_404_and_follow_ups_are_read_only(api_client_for, official, other_household,
                                                                  household):
    elsewhere = FollowUpFactory(household=other_household)
    client = api_client_for(official)

    assert client.get(f"{FOLLOW_UPS}{elsewhere.pk}/").status_code == 404
    assert client.post(FOLLOW_UPS, {"household": household.pk}, format="json").status_code == 405
