"""/api/v1/cases/: fields, filters, scoping and the stage move through the same service as the case page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from households.models import Case, CaseStage, CaseStageChange
from tests.households.factories_cases import household_with_client, make_case
from welfare.models import AccessLog

from .conftest import error_of

pytestmark = pytest.mark.django_db

URL = "/api/v1/cases/"


def transition_url(case: Case) -> str:
    return f"{URL}{case.pk}/transition/"


def ids(client, **params) -> set[int]:
    response = client.get(URL, params)
    assert response.status_code == 200, response.content
    return {r["id"] for r in response.json()["results"]}


def test_case_fields_with_deadline_flags(api_client_for, official, dong):
    # given a case opened 12 days ago and still in assessment: its assessment is overdue, its plan is not
    opened = timezone.localdate() - dt.timedelta(days=12)
    case = make_case(household_with_client(dong), stage=CaseStage.ASSESSMENT, opened_on=opened, by=official)

    row = api_client_for(official).get(f"{URL}{case.pk}/").json()

    assert row["household"] == case.household_id and row["dong"] == dong.pk
    assert row["client"] == {"id": case.client_id, "name": case.client.name}
    assert (row["stage"], row["stage_display"]) == ("assessment", "욕구·위기도 조사")
    assert row["assigned_official"]["id"] == official.pk
    assert row["opened_on"] == opened.isoformat()
    assert (row["is_assessment_overdue"], row["is_plan_overdue"]) == (True, False)
    assert row["version"] == 1
    assert AccessLog.objects.filter(verb="households.case.viewed", object_id=str(case.pk)).count() == 1


def test_case_filters(api_client_for, district_admin, official, lead, dong, second_dong):
    today = timezone.localdate()
    late = make_case(household_with_client(dong), stage=CaseStage.INTAKE, by=official,
                     opened_on=today - dt.timedelta(days=40))
    planning = make_case(household_with_client(dong), stage=CaseStage.PLANNING, by=lead, case_class="difficult",
                         opened_on=today - dt.timedelta(days=5))
    closed = make_case(household_with_client(second_dong), stage=CaseStage.CLOSED, by=None,
                       opened_on=today - dt.timedelta(days=100))
    client = api_client_for(district_admin)

    assert ids(client, dong=dong.pk) == {late.pk, planning.pk}
    assert ids(client, stage=["intake", "closed"]) == {late.pk, closed.pk}
    assert ids(client, case_class="difficult") == {planning.pk}
    assert ids(client, assigned_official=lead.pk) == {planning.pk}
    assert ids(client, overdue="true") == {late.pk}
    assert ids(client, opened_after=(today - dt.timedelta(days=10)).isoformat()) == {planning.pk}
    assert ids(client, opened_before=(today - dt.timedelta(days=50)).isoformat()) == {closed.pk}
    assert ids(client, household=planning.household_id) == {planning.pk}
    assert ids(client, search=closed.client.name) == {closed.pk}


def test_cases_changed_since_a_time_are_found_by_updated_since(api_client_for, official, dong):
    old = make_case(household_with_client(dong), by=official)
    Case.objects.filter(pk=old.pk).update(updated_at=timezone.now() - dt.timedelta(days=3))
    new = make_case(household_with_client(dong), by=official)

    since = (timezone.now() - dt.timedelta(days=1)).isoformat()

    assert ids(api_client_for(official), updated_since=since) == {new.pk}


# The stage move ----------------------------------------------------------------------------------------------


def test_transition_moves_the_case_and_bumps_its_version(api_client_for, official, dong):
    case = make_case(household_with_client(dong), by=official)

    response = api_client_for(official).post(transition_url(case), {"to": "assessment", "version": 1,
                                                                    "note": "초기상담 완료"}, format="json")

    assert response.status_code == 200, response.content
    assert (response.json()["stage"], response.json()["version"]) == ("assessment", 2)
    change = CaseStageChange.objects.get(case=case)
    assert (change.from_stage, change.to_stage, change.by, change.note) == ("intake", "assessment", official,
                                                                            "초기상담 완료")


def test_a_move_the_rules_refuse_is_400_with_the_services_sentence(api_client_for, official, dong):
    case = make_case(household_with_client(dong), by=official)

    response = api_client_for(official).post(transition_url(case), {"to": "closed", "version": 1}, format="json")

    assert response.status_code == 400
    error = error_of(response)
    assert error["fields"]["non_field_errors"] == ["접수 단계에서 종결 단계로 옮길 수 없습니다."]
    case.refresh_from_db()
    assert (case.stage, case.version) == ("intake", 1)


@pytest.mark.parametrize("to", ["planning", "closing"])
def test_leaving_conference_without_its_record_is_400_and_changes_nothing(api_client_for, official, dong, to):
    # given a case in conference (a goal and a closing reason sent: only the conference record is missing)
    case = make_case(household_with_client(dong), stage=CaseStage.CONFERENCE, by=official)
    case.goals.create(text="목표", target_on=case.opened_on)

    response = api_client_for(official).post(transition_url(case), {
        "to": to, "version": 1, "closing_reason": "not_eligible", "closing_note": "미선정"}, format="json")

    assert response.status_code == 400
    assert error_of(response)["fields"]["non_field_errors"] == [
        "사례회의 단계의 사례는 사례회의 결과(선정·미선정)를 기록해야 다음 단계로 넘어갑니다."]
    case.refresh_from_db()
    assert (case.stage, case.version, case.closing_reason) == ("conference", 1, "")
    assert not CaseStageChange.objects.filter(case=case).exists()


def test_closing_without_a_reason_is_400(api_client_for, official, dong):
    case = make_case(household_with_client(dong), stage=CaseStage.IN_SERVICE, by=official)

    response = api_client_for(official).post(transition_url(case), {"to": "closing", "version": 1}, format="json")

    assert response.status_code == 400
    assert error_of(response)["fields"]["closing_reason"] == ["종결을 제안하려면 종결 사유를 고르세요."]


def test_only_a_lead_approves_closing(api_client_for, official, lead, dong):
    case = make_case(household_with_client(dong), stage=CaseStage.CLOSING, by=official, closing_reason="goals_met")

    refused = api_client_for(official).post(transition_url(case), {"to": "closed", "version": 1}, format="json")
    approved = api_client_for(lead).post(transition_url(case), {"to": "closed", "version": 1}, format="json")

    assert refused.status_code == 400
    assert error_of(refused)["fields"]["non_field_errors"] == ["종결은 팀장이 승인합니다."]
    assert approved.status_code == 200
    assert approved.json()["closed_on"] == timezone.localdate().isoformat()


def test_a_stale_version_is_409(api_client_for, official, dong):
    case = make_case(household_with_client(dong), by=official)
    client = api_client_for(official)
    client.post(transition_url(case), {"to": "assessment", "version": 1}, format="json")

    response = client.post(transition_url(case), {"to": "conference", "version": 1}, format="json")

    assert response.status_code == 409
    assert error_of(response)["code"] == "stale_version"
    case.refresh_from_db()
    assert case.stage == "assessment"


def test_bad_input_is_400_per_field(api_client_for, official, dong):
    case = make_case(household_with_client(dong), by=official)

    response = api_client_for(official).post(transition_url(case), {"to": "nowhere"}, format="json")

    assert response.status_code == 400
    assert set(error_of(response)["fields"]) == {"to", "version"}


def test_other_dong_case_is_404_to_read_and_to_move(api_client_for, other_dong_official, official, dong):
    case = make_case(household_with_client(dong), by=official)
    client = api_client_for(other_dong_official)

    assert client.get(f"{URL}{case.pk}/").status_code == 404
    assert client.post(transition_url(case), {"to": "assessment", "version": 1}, format="json").status_code == 404
    assert ids(client) == set()


def test_planner_may_not_move_a_case(api_client_for, planner, official, dong):
    case = make_case(household_with_client(dong), by=official)

    response = api_client_for(planner).post(transition_url(case), {"to": "assessment", "version": 1}, format="json")

    assert response.status_code == 403
    assert error_of(response)["code"] == "permission_denied"
    case.refresh_from_db()
    assert case.stage == "intake"


def test_cases_cannot_be_created_or_deleted_through_the_api(api_client_for, official, dong):
    case = make_case(household_with_client(dong), by=official)
    client = api_client_for(official)

    assert client.post(URL, {}, format="json").status_code == 405
    assert client.delete(f"{URL}{case.pk}/").status_code == 405


def test_a_session_write_needs_the_csrf_token(official, dong):
    from django.test import Client

    case = make_case(household_with_client(dong), by=official)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(official)

    response = browser.post(transition_url(case), {"to": "assessment", "version": 1}, content_type="application/json")

    assert response.status_code == 403
    case.refresh_from_db()
    assert case.stage == "intake"
