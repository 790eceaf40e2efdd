"""List and detail pages run a constant number of queries, whatever the number of rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import HouseholdFactory, ResidentFactory

pytestmark = pytest.mark.django_db


def count_queries(client, url, params=None):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(ctx.captured_queries)


def make_households(dong, n):
    for _ in range(n):
        h = HouseholdFactory(dong=dong)
        ResidentFactory(household=h)
        ResidentFactory(household=h, relation="spouse")


def test_household_list_query_count_is_constant(client_for, official, dong):
    client = client_for(official)
    make_households(dong, 3)
    few = count_queries(client, reverse("households:list"))
    make_households(dong, 30)
    many = count_queries(client, reverse("households:list"))
    filtered = count_queries(client, reverse("households:list"), {"q": "서울", "risk_level": "low", "dong": dong.pk})

    # session, user, membership, the official's dongs (read whole: also the dong choices of the filter form),
    # the page's ids, its rows by those ids (head name by subquery, compiled once), the COUNT, the bell's
    # unread-notification COUNT (base.html), the access-log INSERT (one entry per page view, issue 11): 9. A list
    # that fits on its first page is counted by its length: no COUNT.
    assert many == 9
    assert few == 9 - 1
    assert filtered == 9 + 1  # + the chosen dong is validated against the visible dongs
    # Nothing found: no COUNT, and no rows to read by their ids.
    assert count_queries(client, reverse("households:list"), {"q": "없는주소"}) == 9 - 2


def test_household_detail_query_count_is_constant(client_for, official, dong):
    client = client_for(official)
    h = HouseholdFactory(dong=dong)
    ResidentFactory(household=h)
    client.get(reverse("households:detail", args=[h.pk]))  # process-wide caches (content types) warm, as in a server
    few = count_queries(client, reverse("households:detail", args=[h.pk]))
    for _ in range(8):
        ResidentFactory(household=h, relation="child")

    assert count_queries(client, reverse("households:detail", args=[h.pk])) == few


def test_household_list_pages_ids_first_in_the_same_order(client_for, official, dong):
    """The page's ids come from the bare table; the rows (with the head's name) follow in the same order."""
    households = [HouseholdFactory(dong=dong, road_address=f"왕십리로 {n}") for n in range(30)]
    for h in households:
        ResidentFactory(household=h, name=f"세대주{h.road_address[-2:].strip()}")
    client = client_for(official)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("households:list"), {"sort": "-address", "page": 2})
    page = response.context["page"]
    expected = sorted(households, key=lambda h: h.road_address, reverse=True)[25:]
    assert [h.pk for h in page.object_list] == [h.pk for h in expected]
    assert [h.head_name for h in page.object_list] == [f"세대주{h.road_address[-2:].strip()}" for h in expected]
    ids_sql = [q["sql"] for q in ctx.captured_queries if "LIMIT" in q["sql"] and '"road_address" ASC' in q["sql"]]
    # page 2 of 2 is past the middle: found from the end in the reversed order (LIMIT 5, nothing skipped)
    assert len(ids_sql) == 1 and "OFFSET" not in ids_sql[0] and "head_name" not in ids_sql[0]
    rows_sql = [q["sql"] for q in ctx.captured_queries if "head_name" in q["sql"]]
    assert len(rows_sql) == 1 and "OFFSET" not in rows_sql[0]  # the head names of the page's 5 rows alone,
    assert rows_sql[0].count('"households_household"."id" IN (') == 1  # by their ids


def test_household_detail_reads_the_assigned_official_with_the_household(client_for, official, dong):
    h = HouseholdFactory(dong=dong, assigned_official=official)
    client = client_for(official)
    url = reverse("households:detail", args=[h.pk])
    client.get(url)

    with CaptureQueriesContext(connection) as ctx:
        page = client.get(url).content.decode()

    users = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith('SELECT "auth_user".')]
    assert len(users) == 1  # the signed-in account; the official comes in the household's own query
    assert official.get_full_name() in page
