"""/api/v1/measurements/ and check-ins that carry measurements: what a health gateway posts (issue 17 item 7)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from households.models import CheckIn, FollowUp, Measurement
from tests.factories import ConsentFactory, HouseholdFactory, ResidentFactory
from welfare.models import AccessLog

from .conftest import error_of

pytestmark = pytest.mark.django_db

URL = "/api/v1/measurements/"


@pytest.fixture
def head(household):
    resident = household.residents.get()
    ConsentFactory(resident=resident, scope="sensitive")
    return resident


def row(household, **extra) -> dict:
    return {"household": household.pk, "kind": "blood_pressure", "value": 128, "value2": 82,
            "measured_at": (timezone.now() - dt.timedelta(minutes=10)).isoformat(), **extra}


def test_a_gateway_posts_readings_in_bulk_and_a_bad_row_is_reported_with_its_index(api_client_for, official,
                                                                                  household, head, other_household):
    response = api_client_for(official).post(URL, {"measurements": [
        row(household, external_id="gw-1"),
        row(household, value=400, external_id="gw-2"),
        row(other_household, external_id="gw-3"),
        row(household, kind="steps", value=5120, value2=None, resident=head.pk, external_id="gw-4"),
        "not a row",
    ]}, format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    assert [m["external_id"] for m in body["created"]] == ["gw-1", "gw-4"]
    assert [(e["index"], sorted(e["fields"])) for e in body["errors"]] == [
        (1, ["value"]), (2, ["household"]), (4, ["non_field_errors"])]
    assert body["created"][0]["display"] == "128/82 mmHg" and body["created"][0]["dong"] == household.dong_id
    assert (body["existing"], body["alerts"]) == ([], 0)
    assert Measurement.objects.count() == 2


def test_a_resent_bulk_creates_nothing_twice(api_client_for, official, household, head):
    client = api_client_for(official)
    first = client.post(URL, {"measurements": [row(household, external_id="gw-9")]}, format="json")
    again = client.post(URL, {"measurements": [row(household, external_id="gw-9")]}, format="json")

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["existing"][0]["id"] == first.json()["created"][0]["id"]
    assert Measurement.objects.count() == 1


def test_a_reading_without_consent_is_refused_with_a_sentence(api_client_for, official, household):
    response = api_client_for(official).post(URL, {"measurements": [row(household)]}, format="json")

    assert response.status_code == 200
    assert "동의" in response.json()["errors"][0]["fields"]["household"][0]
    assert not Measurement.objects.exists()


def test_an_out_of_range_reading_alerts_the_nurse(api_client_for, official, nurse, household, head):
    response = api_client_for(nurse).post(URL, {"measurements": [row(household, value=170, value2=105)]},
                                          format="json")

    assert response.status_code == 201 and response.json()["alerts"] == 1
    assert FollowUp.objects.get(reason="health").assigned_to == nurse


@pytest.mark.parametrize("who", ["planner", "district_admin"])
def test_roles_without_the_capability_get_403(api_client_for, request, household, head, who):
    client = api_client_for(request.getfixturevalue(who))

    assert client.get(URL).status_code == 403
    assert client.post(URL, {"measurements": [row(household)]}, format="json").status_code == 403


def test_the_list_shows_only_consented_readings_of_the_users_dongs_and_is_logged(api_client_for, nurse, official,
                                                                               household, head, other_household):
    Measurement.objects.create(household=household, kind="glucose", value=99, measured_at=timezone.now())
    spouse = ResidentFactory(household=household, relation="spouse")  # no consent: hidden
    Measurement.objects.create(household=household, resident=spouse, kind="glucose", value=99,
                               measured_at=timezone.now())
    Measurement.objects.create(household=other_household, kind="glucose", value=99, measured_at=timezone.now())

    response = api_client_for(nurse).get(URL)

    assert response.status_code == 200
    assert [r["household"] for r in response.json()["results"]] == [household.pk]
    assert AccessLog.objects.filter(verb="households.measurement.listed", user=nurse).exists()


def test_the_list_query_count_is_constant(api_client_for, nurse, dong, django_assert_max_num_queries):
    for _n in range(12):
        household = HouseholdFactory(dong=dong)
        head = ResidentFactory(household=household, relation="head")
        ConsentFactory(resident=head, scope="sensitive")
        Measurement.objects.create(household=household, resident=head, kind="steps", value=4000,
                                   measured_at=timezone.now())
    client = api_client_for(nurse)

    # token + its last-use write, the user's membership and dongs, the page of rows, the access-log entry
    with django_assert_max_num_queries(8):
        response = client.get(URL)
    assert len(response.json()["results"]) == 12


def test_the_bulk_query_count_does_not_grow_with_the_rows(api_client_for, official, dong):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    households = []
    for _n in range(10):
        household = HouseholdFactory(dong=dong)
        ConsentFactory(resident=ResidentFactory(household=household, relation="head"), scope="sensitive")
        households.append(household)
    client = api_client_for(official)
    client.get("/api/v1/households/")  # the token's first use is written once a minute

    def queries(batch: list, tag: str) -> int:
        rows = [row(h, kind="weight", value=60, value2=None, external_id=f"{tag}-{i}") for i, h in enumerate(batch)]
        with CaptureQueriesContext(connection) as captured:
            response = client.post(URL, {"measurements": rows}, format="json")
        assert response.status_code == 201 and len(response.json()["created"]) == len(batch)
        return len(captured.captured_queries)

    queries(households[:1], "warm")  # the access log's content type, cached after the first write
    # Token, membership, the rows' households and residents, the known ids, the consents, the earlier weights,
    # one insert, the access log, the rows read back: 2 rows as 10.
    assert queries(households[:2], "a") == queries(households, "b") <= 12


def test_a_check_in_carries_measurements(api_client_for, official, household, head):
    response = api_client_for(official).post("/api/v1/check-ins/", {
        "client_id": "gw-ci-1", "household": household.pk, "source": "iot",
        "measurements": [{"kind": "glucose", "value": 250, "external_id": "g-1"},
                         {"kind": "steps", "value": 3400, "resident": head.pk}],
    }, format="json")

    assert response.status_code == 201, response.content
    check_in = CheckIn.objects.get()
    assert sorted(check_in.measurements.values_list("kind", "is_out_of_range")) == [
        ("glucose", True), ("steps", False)]
    assert check_in.is_alert is True
    assert FollowUp.objects.filter(reason="health", household=household).count() == 1


def test_a_refused_measurement_refuses_the_check_in_too(api_client_for, official, household, head):
    response = api_client_for(official).post("/api/v1/check-ins/", {
        "client_id": "gw-ci-2", "household": household.pk, "source": "iot",
        "measurements": [{"kind": "steps", "value": 3400}, {"kind": "blood_pressure", "value": 500, "value2": 80}],
    }, format="json")

    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["measurements.1.value"]
    assert not CheckIn.objects.exists() and not Measurement.objects.exists()


@pytest.mark.parametrize("resident", ["9" * 5000, "9" * 20, 2**70, True, "abc"])
def test_a_resident_id_that_names_nothing_is_reported_on_its_row(api_client_for, official, household, resident):
    response = api_client_for(official).post(URL, {"measurements": [
        row(household, kind="steps", value=5120, value2=None, resident=resident, external_id="gw-x")]},
        format="json")
    assert response.status_code == 200, response.content  # nothing created; the row's error says why
    assert [sorted(e["fields"]) for e in response.json()["errors"]] == [["resident"]]
    assert not Measurement.objects.exists()
