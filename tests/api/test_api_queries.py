"""Every list endpoint runs a constant number of queries, whatever the page size: 5 rows or 100 of 120."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from households.models import (
    Case,
    CheckIn,
    FollowUp,
    Household,
    Resident,
    ServiceLink,
    Visit,
    VisitNeed,
)
from tests.households.factories_cases import ResourceFactory

pytestmark = pytest.mark.django_db

ROWS = 120


def count(client, url: str, page_size: int) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, {"page_size": page_size})
    assert response.status_code == 200, response.content
    assert len(response.json()["results"]) == page_size
    return len(ctx.captured_queries)


def few_and_many(client, url: str) -> tuple[int, int]:
    count(client, url, 5)  # the token's first use writes last_used_at once; later requests within a minute do not
    return count(client, url, 5), count(client, url, 100)


def households(dong, official) -> list[Household]:
    rows = Household.objects.bulk_create([
        Household(dong=dong, road_address=f"서울특별시 성동구 왕십리로 {i}", housing_type="apartment",
                  assigned_official=official, next_contact_on=timezone.localdate() + dt.timedelta(days=i % 30))
        for i in range(ROWS)
    ])
    Resident.objects.bulk_create(
        [Resident(household=h, name=f"가구주{i}", relation="head", phone="01012345678") for i, h in enumerate(rows)]
        + [Resident(household=h, name=f"전출자{i}", relation="child", left_on=dt.date(2024, 1, 1),
                    left_reason="moved_out") for i, h in enumerate(rows)]
    )
    return rows


def test_household_list_query_count_is_constant(api_client_for, official, dong):
    households(dong, official)
    few, many = few_and_many(api_client_for(official), "/api/v1/households/")
    # token (user and membership joined), the user's dongs, one page of households (dong and official joined),
    # their residents (one prefetch), the one access-log entry for the list: 5.
    assert few == many == 5


def test_household_and_case_lists_read_only_the_columns_they_show(api_client_for, official, dong):
    """The official's password hash and login times, and the residents' timestamps and number hash, are not read
    (a 200-row page parsed about 1,000 timestamps it never wrote); what the rows show still is."""
    households(dong, official)
    client = api_client_for(official)
    client.get("/api/v1/households/", {"page_size": 5})  # the token's first use writes last_used_at
    for url in ("/api/v1/households/", "/api/v1/cases/"):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url, {"page_size": 5})
        assert response.status_code == 200
        statements = [q["sql"] for q in ctx.captured_queries if "welfare_apitoken" not in q["sql"]]  # not the token's
        rows_sql = [sql for sql in statements if '"auth_user"' in sql]
        assert rows_sql  # the rows' statement joins their official
        assert not any('"auth_user"."password"' in sql or '"auth_user"."last_login"' in sql for sql in rows_sql)
        if url == "/api/v1/households/":
            residents_sql = [sql for sql in statements if 'FROM "households_resident"' in sql]
            assert len(residents_sql) == 1
            assert '"households_resident"."created_at"' not in residents_sql[0]
            assert '"households_resident"."rrn_hash"' not in residents_sql[0]
            row = response.json()["results"][0]
            assert row["assigned_official"]["name"] and row["residents"][0]["name"].startswith(("가구주", "전출자"))
            assert row["created_at"] and row["updated_at"]


def test_case_list_query_count_is_constant(api_client_for, official, dong):
    rows = households(dong, official)
    heads = {r.household_id: r for r in Resident.objects.filter(relation="head")}
    today = timezone.localdate()
    Case.objects.bulk_create([
        Case(household=h, client=heads[h.pk], opened_on=today, source="visit", assigned_official=official,
             assessment_due_on=today, plan_due_on=today) for h in rows
    ])
    few, many = few_and_many(api_client_for(official), "/api/v1/cases/")
    # token, dongs, one page of cases (client, official and the household's dong joined; deadline flags
    # annotated), the access-log entry: 4.
    assert few == many == 4


def test_visit_list_query_count_is_constant(api_client_for, official, lead, dong):
    rows = households(dong, official)
    visits = Visit.objects.bulk_create([
        Visit(household=h, kind="home", contact_result="met", risk_level="low", recorded_by=official) for h in rows
    ])
    VisitNeed.objects.bulk_create([VisitNeed(visit=v, domain=d, severity="high") for v in visits
                                   for d in ("health", "income")])
    Visit.staff_present.through.objects.bulk_create([Visit.staff_present.through(visit=v, user=lead) for v in visits])
    few, many = few_and_many(api_client_for(official), "/api/v1/visits/")
    # token, dongs, one page of visits (recorder joined), their needs, their staff present, the access-log
    # entry: 6.
    assert few == many == 6


def test_follow_up_list_query_count_is_constant(api_client_for, official, dong):
    FollowUp.objects.bulk_create([FollowUp(household=h, due_on=timezone.localdate(), reason="cadence",
                                           assigned_to=official) for h in households(dong, official)])
    few, many = few_and_many(api_client_for(official), "/api/v1/follow-ups/")
    # token, dongs, one page of follow-ups (assignee joined), the access-log entry: 4.
    assert few == many == 4


def test_service_link_list_query_count_is_constant(api_client_for, official, dong, seongdong):
    resources = [ResourceFactory(district=seongdong) for _ in range(3)]
    ServiceLink.objects.bulk_create([ServiceLink(household=h, resource=resources[i % 3], amount_krw=10000 * i)
                                     for i, h in enumerate(households(dong, official))])
    few, many = few_and_many(api_client_for(official), "/api/v1/service-links/")
    # token, dongs, one page of links (resource and need joined), the access-log entry: 4.
    assert few == many == 4


def test_check_in_list_query_count_is_constant(api_client_for, official, dong):
    CheckIn.objects.bulk_create([CheckIn(household=h, source="iot", recorded_by=official)
                                 for h in households(dong, official)])
    few, many = few_and_many(api_client_for(official), "/api/v1/check-ins/")
    # token, dongs, one page of check-ins (recorder joined), the access-log entry: 4.
    assert few == many == 4


def test_resource_list_query_count_is_constant(api_client_for, official, dong, second_dong, seongdong):
    for i in range(ROWS):
        ResourceFactory(district=seongdong, dongs=[dong, second_dong] if i % 2 else [])
    few, many = few_and_many(api_client_for(official), "/api/v1/resources/")
    # token, dongs, one page of resources, their dongs (one prefetch); a directory, so no access-log entry: 4.
    assert few == many == 4


def test_filters_add_no_query(api_client_for, official, lead, dong):
    households(dong, official)
    client = api_client_for(official)
    count(client, "/api/v1/households/", 5)

    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/api/v1/households/", {
            "page_size": 5, "dong": dong.pk, "assigned_official": official.pk, "risk_level": "low",
            "overdue": "false", "search": "가구주", "ordering": "next_contact_on",
            "updated_since": (timezone.now() - dt.timedelta(days=1)).isoformat(),
        })

    assert response.status_code == 200 and len(response.json()["results"]) == 5
    # The same 5: id filters never load the dong or the official they name, and search is a subquery.
    assert len(ctx.captured_queries) == 5
