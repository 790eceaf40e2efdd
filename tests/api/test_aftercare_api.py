"""/api/v1/cases/: the after-care outcome action and the reassessment field and filter; /api/v1/visits/: the change
of circumstances. The same services as the case page and the visit form."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from households.models import Case, CaseStage, FollowUp, FollowUpReason, Visit
from households.services.case_schedule import aftercare_schedule
from tests.households.factories_cases import household_with_client, make_case

pytestmark = pytest.mark.django_db

URL = "/api/v1/cases/"


def aftercare_url(case: Case) -> str:
    return f"{URL}{case.pk}/aftercare/"


@pytest.fixture
def closed_case(dong, official):
    closed_on = timezone.localdate() - dt.timedelta(days=40)
    case = make_case(household_with_client(dong), stage=CaseStage.CLOSED, by=official, closed_on=closed_on,
                     opened_on=closed_on - dt.timedelta(days=200), closing_reason="goals_met")
    aftercare_schedule(case=case, closed_on=closed_on)
    return case


def test_no_problem_at_the_first_contact_answers_the_case_in_follow_up(api_client_for, official, closed_case):
    response = api_client_for(official).post(aftercare_url(closed_case), {"outcome": "no_problem", "version": 1},
                                             format="json")

    assert response.status_code == 200, response.content
    assert response.json()["stage"] == "follow_up"
    assert FollowUp.objects.get(case=closed_case, reason=FollowUpReason.AFTERCARE_FIRST).status == "done"


def test_no_problem_at_the_last_contact_archives(api_client_for, official, closed_case):
    client = api_client_for(official)
    version = client.post(aftercare_url(closed_case), {"outcome": "no_problem", "version": 1},
                          format="json").json()["version"]

    response = client.post(aftercare_url(closed_case), {"outcome": "no_problem", "version": version}, format="json")

    assert response.status_code == 200 and response.json()["stage"] == "archived"
    assert response.json()["stage_display"] == "보관(사후관리 종료)"


def test_a_relapse_as_a_new_case_answers_201_with_the_new_case(api_client_for, official, closed_case):
    response = api_client_for(official).post(aftercare_url(closed_case), {
        "outcome": "relapse", "relapse_to": "new_case", "source": "visit", "version": 1, "note": "다시 단전"},
        format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["previous_case"] == closed_case.pk and body["stage"] == "intake"
    closed_case.refresh_from_db()
    assert closed_case.stage == CaseStage.ARCHIVED


def test_a_relapse_without_a_way_is_400_and_a_stale_version_409(api_client_for, official, closed_case):
    client = api_client_for(official)

    refused = client.post(aftercare_url(closed_case), {"outcome": "relapse", "version": 1}, format="json")
    stale = client.post(aftercare_url(closed_case), {"outcome": "no_problem", "version": 7}, format="json")

    assert refused.status_code == 400 and "relapse_to" in refused.json()["error"]["fields"]
    assert stale.status_code == 409


def test_another_dongs_case_is_404(api_client_for, other_dong_official, closed_case):
    response = api_client_for(other_dong_official).post(aftercare_url(closed_case),
                                                        {"outcome": "no_problem", "version": 1}, format="json")
    assert response.status_code == 404


def test_reassessment_field_and_filter(api_client_for, official, dong):
    today = timezone.localdate()
    soon = make_case(household_with_client(dong), stage=CaseStage.IN_SERVICE, by=official,
                     reassessment_due_on=today + dt.timedelta(days=6))
    far = make_case(household_with_client(dong), stage=CaseStage.IN_SERVICE, by=official,
                    reassessment_due_on=today + dt.timedelta(days=90))
    unset = make_case(household_with_client(dong), stage=CaseStage.PLANNING, by=official)
    client = api_client_for(official)

    row = client.get(f"{URL}{soon.pk}/").json()
    due = {r["id"] for r in client.get(URL, {"reassessment_due": "true"}).json()["results"]}
    not_due = {r["id"] for r in client.get(URL, {"reassessment_due": "false"}).json()["results"]}

    assert (row["reassessment_due_on"], row["reassessment_state"]) == (str(soon.reassessment_due_on), "due")
    assert due == {soon.pk} and not_due == {far.pk, unset.pk}


def test_a_visit_with_a_change_moves_the_case_to_reassessment(api_client_for, official, dong):
    case = make_case(household_with_client(dong), stage=CaseStage.IN_SERVICE, by=official,
                     reassessment_due_on=timezone.localdate() + dt.timedelta(days=100))

    response = api_client_for(official).post("/api/v1/visits/", {
        "submission_token": str(uuid.uuid4()), "household": case.household_id, "kind": "phone",
        "contact_result": "met", "risk_level": "medium", "circumstances_changed": True}, format="json")

    assert response.status_code == 201, response.content
    assert response.json()["circumstances_changed"] is True
    case.refresh_from_db()
    assert case.stage == CaseStage.REASSESSMENT
    assert Visit.objects.get(pk=response.json()["id"]).circumstances_changed
