"""/api/v1/households/: fields, masking, scoping, authentication, filters and the incremental sync."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from households import services
from households.models import Household, Resident
from tests.factories import HouseholdFactory, ResidentFactory
from welfare.models import AccessLog, StaffMembership

from .conftest import bearer_client, error_of, walk

pytestmark = pytest.mark.django_db

URL = "/api/v1/households/"


def detail(pk: int) -> str:
    return f"{URL}{pk}/"


# Fields and masking ------------------------------------------------------------------------------------------


def test_household_lists_current_and_former_residents_with_masked_registration_numbers(api_client_for, official,
                                                                                      household):
    # given a head with a registration number and a child who moved out
    head = household.residents.get()
    head.set_rrn("900101-1234567")
    head.birth_date = dt.date(1990, 1, 1)
    head.save()
    ResidentFactory(household=household, name="김민수", relation="child", left_on=dt.date(2024, 3, 1),
                    left_reason="moved_out")
    household.assigned_official = official
    household.save()

    # when the official's client lists households
    response = api_client_for(official).get(URL)

    # then the residents come nested, current first, and the clear number appears nowhere
    assert response.status_code == 200
    row = response.json()["results"][0]
    assert row["id"] == household.pk
    assert [(r["name"], r["is_current"]) for r in row["residents"]] == [("김순자", True), ("김민수", False)]
    assert row["residents"][0]["rrn_masked"] == "900101-1******"
    assert row["residents"][0]["birth_year"] == 1990
    assert row["residents"][1]["left_reason"] == "moved_out"
    assert "1234567" not in response.content.decode()
    assert row["dong"] == {"id": household.dong_id, "name": "왕십리도선동"}
    assert row["assigned_official"] == {"id": official.pk, "name": official.get_full_name()}
    assert row["risk_level"] == "low" and row["risk_level_display"] == "저위험"


def test_household_characteristics_come_as_codes_and_labels(api_client_for, official, dong):
    household = HouseholdFactory(dong=dong, is_single_person=True, is_elderly_only=True)

    row = api_client_for(official).get(detail(household.pk)).json()

    assert row["characteristics"] == ["is_single_person", "is_elderly_only"]
    assert row["characteristics_display"] == ["1인 가구", "노인 단독·부부"]


def test_opening_a_household_writes_the_access_log_and_a_list_writes_one_entry(api_client_for, official, household):
    client = api_client_for(official)

    client.get(detail(household.pk))
    client.get(URL)

    viewed = AccessLog.objects.get(verb="households.household.viewed")
    assert (viewed.household_id, viewed.username, viewed.action) == (household.pk, "official", "view")
    listed = AccessLog.objects.get(verb="households.household.listed")
    assert listed.changes["count"] == 1


# Scoping -----------------------------------------------------------------------------------------------------


def test_other_dong_household_is_404_and_absent_from_the_list(api_client_for, official, household, other_household):
    client = api_client_for(official)

    assert client.get(detail(other_household.pk)).status_code == 404
    assert [r["id"] for r in client.get(URL).json()["results"]] == [household.pk]


def test_planner_sees_no_household_without_personal_access(api_client_for, planner, household):
    client = api_client_for(planner)

    assert client.get(URL).json()["results"] == []
    assert client.get(detail(household.pk)).status_code == 404


def test_planner_granted_personal_access_sees_the_district(api_client_for, planner, household, other_household):
    StaffMembership.objects.filter(user=planner).update(personal_access=True)

    ids = {r["id"] for r in api_client_for(planner).get(URL).json()["results"]}

    assert ids == {household.pk, other_household.pk}


def test_district_admin_sees_both_dongs(api_client_for, district_admin, household, other_household):
    ids = {r["id"] for r in api_client_for(district_admin).get(URL).json()["results"]}
    assert ids == {household.pk, other_household.pk}


def test_households_are_read_only(api_client_for, official, household):
    client = api_client_for(official)
    assert client.post(URL, {}, format="json").status_code == 405
    assert client.delete(detail(household.pk)).status_code == 405


# Authentication ----------------------------------------------------------------------------------------------


def test_a_valid_token_authenticates_and_records_its_use(api_token_for, official, household):
    token, key = api_token_for(official)

    response = bearer_client(key).get(URL)

    assert response.status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_a_revoked_token_is_401_with_the_error_shape(api_token_for, official, household):
    token, key = api_token_for(official)
    token.revoked_at = timezone.now()
    token.save()

    response = bearer_client(key).get(URL)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    error = error_of(response)
    assert error["code"] == "authentication_failed" and error["message"]


def test_an_unknown_token_is_401(official, household):
    response = bearer_client("dw_not-a-real-key").get(URL)
    assert response.status_code == 401
    assert error_of(response)["code"] == "authentication_failed"


def test_no_credentials_is_401_not_a_login_redirect(client, household):
    response = client.get(URL)
    assert response.status_code == 401
    assert error_of(response)["code"] == "not_authenticated"


def test_a_token_of_a_deactivated_user_is_401(api_token_for, official, household):
    _token, key = api_token_for(official)
    official.is_active = False
    official.save()

    assert bearer_client(key).get(URL).status_code == 401


def test_the_browser_session_works_too(client_for, official, household):
    response = client_for(official).get(URL, HTTP_ACCEPT="application/json")

    assert response.status_code == 200
    assert [r["id"] for r in response.json()["results"]] == [household.pk]


# Filters -----------------------------------------------------------------------------------------------------


def ids(client, **params) -> set[int]:
    response = client.get(URL, params)
    assert response.status_code == 200, response.content
    return {r["id"] for r in response.json()["results"]}


def test_household_filters(api_client_for, official, lead, dong, district_admin, second_dong):
    today = timezone.localdate()
    high = HouseholdFactory(dong=dong, risk_level="high", status="under_care", housing_type="jjokbang",
                            assigned_official=official, next_contact_on=today - dt.timedelta(days=2))
    medium = HouseholdFactory(dong=dong, risk_level="medium", status="monitoring", housing_type="gosiwon",
                              assigned_official=lead, next_contact_on=today + dt.timedelta(days=5))
    low = HouseholdFactory(dong=dong, risk_level="low", next_contact_on=None)
    elsewhere = HouseholdFactory(dong=second_dong, risk_level="high")
    client = api_client_for(district_admin)

    assert ids(client, dong=dong.pk) == {high.pk, medium.pk, low.pk}
    assert ids(client, risk_level="high") == {high.pk, elsewhere.pk}
    assert ids(client, status="monitoring") == {medium.pk}
    assert ids(client, housing_type="jjokbang") == {high.pk}
    assert ids(client, assigned_official=lead.pk) == {medium.pk}
    assert ids(client, overdue="true") == {high.pk}
    assert ids(client, overdue="false", dong=dong.pk) == {medium.pk, low.pk}
    assert ids(client, next_contact_before=today.isoformat()) == {high.pk}
    assert ids(client, next_contact_after=today.isoformat()) == {medium.pk}


def test_household_search_finds_name_address_and_phone_digits(api_client_for, official, dong):
    household = HouseholdFactory(dong=dong, road_address="서울특별시 성동구 무학로 77")
    ResidentFactory(household=household, name="이말순", phone="01098765432")
    HouseholdFactory(dong=dong, road_address="서울특별시 성동구 왕십리로 1")
    client = api_client_for(official)

    assert ids(client, search="말순") == {household.pk}
    assert ids(client, search="무학로") == {household.pk}
    assert ids(client, search="010-9876-5432") == {household.pk}


def test_a_bad_filter_value_is_400_with_field_errors(api_client_for, official, household):
    response = api_client_for(official).get(URL, {"risk_level": "extreme", "updated_since": "yesterday"})

    assert response.status_code == 400
    assert set(error_of(response)["fields"]) == {"risk_level", "updated_since"}


def test_ordering_by_next_contact_puts_households_without_one_last_both_ways(api_client_for, official, dong):
    today = timezone.localdate()
    later = HouseholdFactory(dong=dong, next_contact_on=today + dt.timedelta(days=9))
    none = HouseholdFactory(dong=dong, next_contact_on=None)
    sooner = HouseholdFactory(dong=dong, next_contact_on=today + dt.timedelta(days=1))
    client = api_client_for(official)

    ascending = [r["id"] for r in walk(client, URL, {"ordering": "next_contact_on", "page_size": 1})]
    descending = [r["id"] for r in walk(client, URL, {"ordering": "-next_contact_on", "page_size": 1})]

    assert ascending == [sooner.pk, later.pk, none.pk]
    assert descending == [later.pk, sooner.pk, none.pk]


# Cursor and incremental sync ---------------------------------------------------------------------------------


def test_a_full_sync_walks_every_page_once_and_a_second_sync_returns_only_what_changed(api_client_for, official,
                                                                                      dong):
    # given 23 households and a client that syncs five at a time
    households = HouseholdFactory.create_batch(23, dong=dong)
    client = api_client_for(official)
    started = timezone.now()

    # when it walks the cursor to the end
    first = walk(client, URL, {"page_size": 5})

    # then each household came exactly once
    seen = [r["id"] for r in first]
    assert len(seen) == len(set(seen)) == 23
    assert set(seen) == {h.pk for h in households}

    # and after one household changes, a sync from the start of the first returns that one only
    services.household_update(household=households[7], by=official, data={"risk_level": "high"})
    second = walk(client, URL, {"page_size": 5, "updated_since": started.isoformat()})
    assert [(r["id"], r["risk_level"]) for r in second] == [(households[7].pk, "high")]


def test_a_sync_survives_more_than_a_thousand_rows_changed_by_one_bulk_update(api_client_for, official, dong):
    # given 1,050 households touched by one statement (as the bulk reschedule does): all share one updated_at
    Household.objects.bulk_create([Household(dong=dong, road_address=f"서울특별시 성동구 왕십리로 {i}",
                                             housing_type="apartment") for i in range(1050)])
    Household.objects.update(updated_at=timezone.now())

    # when a client walks them 200 at a time
    seen = [r["id"] for r in walk(api_client_for(official), URL, {"page_size": 200})]

    # then none repeats and none is missed (the cursor keys on (updated_at, id), not on an offset)
    assert len(seen) == len(set(seen)) == 1050


def test_the_previous_link_walks_back_to_the_first_page(api_client_for, official, dong):
    HouseholdFactory.create_batch(7, dong=dong)
    client = api_client_for(official)
    first = client.get(URL, {"page_size": 3}).json()
    second = client.get(first["next"]).json()

    back = client.get(second["previous"]).json()

    assert [r["id"] for r in back["results"]] == [r["id"] for r in first["results"]]
    assert back["previous"] is None


def test_a_tampered_cursor_is_404_not_500(api_client_for, official, household):
    import base64

    client = api_client_for(official)
    for raw in (b"p=not-json", b'p=["yesterday",1]', b"p=[1]", b"garbage=\xff"):
        response = client.get(URL, {"cursor": base64.b64encode(raw).decode()})
        assert response.status_code == 404, raw
        assert error_of(response)["code"] == "not_found"


def test_page_size_is_capped_at_200(api_client_for, official, dong):
    Household.objects.bulk_create([Household(dong=dong, road_address=f"무학로 {i}", housing_type="other")
                                   for i in range(205)])

    response = api_client_for(official).get(URL, {"page_size": 1000})

    assert len(response.json()["results"]) == 200


def test_a_removed_resident_relation_never_leaks_the_encrypted_column(api_client_for, official, household):
    head = household.residents.get()
    head.set_rrn("900101-1234567")
    head.save()

    body = api_client_for(official).get(detail(household.pk)).json()

    resident_keys = set(body["residents"][0])
    assert not {"rrn", "rrn_encrypted", "rrn_hash"} & resident_keys
    assert Resident.objects.get(pk=head.pk).rrn_encrypted == "9001011234567"




@pytest.mark.parametrize("path", ["households", "cases", "visits", "follow-ups", "service-links", "check-ins",
                                  "resources"])
def test_the_browsable_api_renders_for_a_signed_in_official(client_for, official, household, path):
    response = client_for(official).get(f"/api/v1/{path}/", HTTP_ACCEPT="text/html")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")


def test_an_unknown_parameter_with_a_nul_is_refused_and_nothing_listed(api_client_for, official, household):
    response = api_client_for(official).get(URL, {"note": "a\x00b"})

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["note"]
    assert not AccessLog.objects.filter(verb="households.household.listed").exists()


def test_a_page_selects_its_ids_first_then_the_rows_for_them(api_client_for, official, dong):
    """One statement: the page's keys from the bare table (the sort index alone can give them), the joins and
    columns for those rows only; the rows come back in the page's order."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    made = [HouseholdFactory(dong=dong) for _ in range(7)]
    client = api_client_for(official)
    with CaptureQueriesContext(connection) as ctx:
        rows = client.get("/api/v1/households/", {"page_size": 3, "ordering": "id"}).json()["results"]
    assert [r["id"] for r in rows] == sorted(h.pk for h in made)[:3]
    page_sql = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith('SELECT "households_household"."id"')]
    assert len(page_sql) == 1
    assert 'IN (SELECT U0."id"' in page_sql[0] and "LIMIT 4)" in page_sql[0]
