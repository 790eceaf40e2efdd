"""/api/v1/check-ins/: what IoT and AI-call gateways post, idempotent by their own message id."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from households.models import CheckIn, FollowUp
from tests.households.factories_visits import CheckInFactory
from welfare.models import Notification

from .conftest import error_of

pytestmark = pytest.mark.django_db

URL = "/api/v1/check-ins/"


def body(household, **extra) -> dict:
    return {"client_id": "gw-2025-000123", "household": household.pk, "source": "iot",
            "at": (timezone.now() - dt.timedelta(minutes=3)).isoformat(), **extra}


def test_a_gateway_records_a_check_in(api_client_for, official, household):
    response = api_client_for(official).post(URL, body(household, note="움직임 감지"), format="json")

    assert response.status_code == 201, response.content
    check_in = CheckIn.objects.get()
    assert (check_in.external_id, check_in.source, check_in.is_alert, check_in.recorded_by) == (
        "gw-2025-000123", "iot", False, official)
    assert response.json()["client_id"] == "gw-2025-000123"
    assert response.json()["dong"] == household.dong_id


def test_the_same_client_id_twice_returns_the_first_check_in_with_200(api_client_for, official, household):
    client = api_client_for(official)

    first = client.post(URL, body(household), format="json")
    again = client.post(URL, body(household, is_alert=True), format="json")

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["is_alert"] is False
    assert CheckIn.objects.count() == 1


def test_an_alert_raises_the_silence_follow_up_and_tells_the_official_at_once(api_client_for, official, household):
    household.assigned_official = official
    household.save()

    response = api_client_for(official).post(URL, body(household, source="ai_call", is_alert=True), format="json")

    assert response.status_code == 201
    follow_up = FollowUp.objects.get(household=household, reason="silence", status="open")
    assert (follow_up.priority, follow_up.due_on) == ("high", timezone.localdate())
    assert Notification.objects.filter(user=official, household_id=household.pk).exists()


def test_a_check_in_in_the_future_is_refused_by_the_page_forms_rule(api_client_for, official, household):
    future = (timezone.now() + dt.timedelta(hours=1)).isoformat()

    response = api_client_for(official).post(URL, body(household, at=future), format="json")

    assert response.status_code == 400
    assert error_of(response)["fields"] == {"at": ["안부 확인 일시가 미래입니다."]}
    assert not CheckIn.objects.exists()


def test_missing_fields_are_400_per_field(api_client_for, official, household):
    response = api_client_for(official).post(URL, {"household": household.pk, "source": "pigeon"}, format="json")

    assert response.status_code == 400
    assert set(error_of(response)["fields"]) == {"client_id", "source"}


def test_a_check_in_for_another_dongs_household_is_refused(api_client_for, official, other_household):
    response = api_client_for(official).post(URL, body(other_household), format="json")

    assert response.status_code == 400
    assert set(error_of(response)["fields"]) == {"household"}
    assert not CheckIn.objects.exists()


def test_another_dongs_client_id_is_refused_without_showing_its_check_in(api_client_for, official, household,
                                                                        other_household):
    CheckInFactory(household=other_household, external_id="gw-2025-000123")

    response = api_client_for(official).post(URL, body(household), format="json")

    assert response.status_code == 400
    assert set(error_of(response)["fields"]) == {"client_id"}
    assert str(other_household.pk) not in response.content.decode()


def test_planner_may_not_post_check_ins(api_client_for, planner, household):
    assert api_client_for(planner).post(URL, body(household), format="json").status_code == 403


def test_check_ins_are_scoped_and_filtered(api_client_for, official, household, other_household):
    alert = CheckInFactory(household=household, source="iot", is_alert=True)
    fine = CheckInFactory(household=household, source="ai_call", at=timezone.now() - dt.timedelta(days=3))
    elsewhere = CheckInFactory(household=other_household)
    client = api_client_for(official)

    def ids(**params):
        return {r["id"] for r in client.get(URL, params).json()["results"]}

    assert ids() == {alert.pk, fine.pk}
    assert ids(is_alert="true") == {alert.pk}
    assert ids(source="ai_call") == {fine.pk}
    assert ids(at_after=(timezone.now() - dt.timedelta(days=1)).isoformat()) == {alert.pk}
    assert client.get(f"{URL}{elsewhere.pk}/").status_code == 404
    assert client.get(f"{URL}{alert.pk}/").status_code == 200


def test_the_browser_session_may_post_a_check_in(client_for, official, household):
    response = client_for(official).post(URL, body(household), content_type="application/json")

    assert response.status_code == 201


def test_inputs_the_database_could_not_store_are_400_not_500(api_client_for, official, household):
    client = api_client_for(official)

    nul = client.post(URL, body(household, client_id="gw\x001"), format="json")
    too_early = client.post(URL, body(household, client_id="gw-2", at="0001-01-01T03:00:00+09:00"), format="json")
    far_since = client.get(URL, {"at_after": "9999-12-31T23:00:00-05:00"})

    assert (nul.status_code, too_early.status_code, far_since.status_code) == (400, 400, 400)
    assert set(error_of(nul)["fields"]) == {"client_id"}
    assert set(error_of(too_early)["fields"]) == {"at"}
    assert set(error_of(far_since)["fields"]) == {"at_after"}
    assert not CheckIn.objects.exists()
