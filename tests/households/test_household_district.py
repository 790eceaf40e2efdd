"""``Household.district`` is its dong's district on every path (kept by the database, households migration 0025);
sorted by address, a user who sees a whole district reads households with ``district = …`` too: the same rows,
through an index led by the district. Other lists do not say it (it would cost the COUNT its index-only scan)."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from households.models import Household
from tests.factories import DongFactory, HouseholdFactory
from tests.households.test_sort_indexes import POSTGRES, _index_columns, _normalise

pytestmark = pytest.mark.django_db


def _districts(*households) -> list[int | None]:
    return list(Household.objects.filter(pk__in=[h.pk for h in households]).order_by("pk")
                .values_list("district_id", flat=True))


def test_a_household_takes_its_dongs_district_however_it_is_written(dong, other_district_dong):
    created = HouseholdFactory(dong=dong)
    assert created.district_id is None  # the instance never learnt it: the database set it
    Household.objects.bulk_create([Household(dong=other_district_dong, road_address="영등포로 1",
                                             housing_type="apartment")])
    bulk = Household.objects.get(road_address="영등포로 1")
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO households_household (dong_id, road_address, address_detail, postal_code, "
                       "housing_type, is_single_person, is_elderly_only, is_single_parent, is_grandparent_headed, "
                       "has_disabled_member, has_young_carer, benefit_status, address_key, risk_level, status, "
                       "is_demo, created_at, updated_at) VALUES (%s, '왕십리로 9', '', '', 'apartment', false, false, "
                       "false, false, false, false, 'none', '', 'low', 'not_under_care', false, "
                       "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)", [dong.pk])
    raw = Household.objects.get(road_address="왕십리로 9")
    created.risk_level = "high"  # a full save from the stale instance (district_id None in it)
    created.save()
    assert _districts(created, bulk, raw) == [dong.district_id, other_district_dong.district_id, dong.district_id]


def test_a_household_moved_to_another_districts_dong_takes_that_district(official, dong, yeongdeungpo):
    household = HouseholdFactory(dong=dong)
    there = DongFactory(district=yeongdeungpo)
    Household.objects.filter(pk=household.pk).update(dong=there)
    assert _districts(household) == [yeongdeungpo.pk]


def test_only_a_whole_district_reader_gets_the_district_condition(official, district_admin, planner, case_team,
                                                                   dong, second_dong, other_district_dong):
    households = [HouseholdFactory(dong=d) for d in (dong, second_dong, other_district_dong)]
    sql = {user.username: str(Household.objects.visible_to(user).within_district_of(user).query)
           for user in (official, district_admin, case_team)}
    assert '"district_id" =' in sql["districtadmin"]
    assert '"district_id" =' not in sql["official"] and '"district_id" =' not in sql["hope_team"]
    assert '"district_id" =' not in str(Household.objects.visible_to(district_admin).query)
    assert set(Household.objects.visible_to(district_admin).within_district_of(district_admin)
               .values_list("pk", flat=True)) == {households[0].pk, households[1].pk}
    assert not Household.objects.visible_to(planner).within_district_of(planner).exists()  # aggregates only


@pytest.mark.parametrize("sort", ["updated", "next_contact", "last_contact"])
def test_other_sorts_do_not_say_the_district(rf, district_admin, sort):
    from households.filters import HouseholdFilter

    request = rf.get("/households/", {"sort": sort})
    request.user = district_admin
    filterset = HouseholdFilter(request.GET, queryset=Household.objects.visible_to(district_admin), request=request)
    assert filterset.is_valid() and '"district_id" =' not in str(filterset.qs.query)
    assert '"district_id" =' not in str(filterset.qs.read_in_order(district_admin).query)


@pytest.mark.parametrize("sort", ["address", "-address"])
def test_the_district_address_sort_has_an_index_led_by_the_district(rf, district_admin, sort):
    from households.filters import HouseholdFilter

    request = rf.get("/households/", {"sort": sort})
    request.user = district_admin
    filterset = HouseholdFilter(request.GET, queryset=Household.objects.visible_to(district_admin), request=request)
    assert filterset.is_valid()
    assert '"district_id" =' not in str(filterset.qs.query)  # what the page counts: the dong index's scan
    sql, _params = filterset.qs.read_in_order(district_admin).values("pk").query.get_compiler(
        connection=POSTGRES).as_sql()
    order = _normalise(re.sub(r'"households_household"\.', "", sql.split("ORDER BY", 1)[1]))
    assert '"households_household"."district_id" = ' in sql
    led = [_normalise(cols) for cols in _index_columns() if cols.startswith('"district_id"')]
    plain = [re.sub(r" DESC$", "", column) for column in order]
    assert any(columns[1:1 + len(plain)] == plain and columns[-1] == '"dong_id"' for columns in led), (order, led)


@pytest.mark.parametrize("sort", ["address", "-address"])
def test_the_address_sorted_page_counts_without_the_district(client_for, district_admin, dong, second_dong, sort):
    """The page's ids are read with the district said (its address index); its COUNT is not, so it keeps the dong
    index's index-only scan (at 1,000,000 households: 75–94 ms with the district, 40 ms without)."""
    # One more than the page holds: a list that fits on its first page is counted by its length, with no COUNT.
    made = [HouseholdFactory(dong=d, road_address=f"왕십리로 {n}") for n in range(13) for d in (dong, second_dong)]
    client = client_for(district_admin)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("households:list"), {"sort": sort})
    assert response.status_code == 200
    statements = [q["sql"] for q in ctx.captured_queries if 'FROM "households_household"' in q["sql"]]
    counts = [sql for sql in statements if sql.startswith("SELECT COUNT(*)")]
    # The page's ids (LIMIT), then its rows by those ids (with the head's name).
    pages = [sql for sql in statements if "LIMIT" in sql and not sql.startswith("SELECT COUNT(*)")
             and '"head_name"' not in sql]
    assert len(counts) == 1 and '"district_id" =' not in counts[0]
    assert len(pages) == 1 and '"district_id" =' in pages[0]
    assert len([sql for sql in statements if '"head_name"' in sql]) == 1
    shown = [h.pk for h in response.context["page"].object_list]
    expected = sorted(made, key=lambda h: (h.road_address, h.pk), reverse=sort.startswith("-"))
    assert shown == [h.pk for h in expected][:25] and response.context["page"].paginator.count == len(made)
