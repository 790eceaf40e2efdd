"""/api/v1/network-members/: members of the user's dongs with their report counts; filters; no phone."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.api.conftest import error_of, walk
from tests.discovery.factories_network import member, report

MEMBERS = "/api/v1/network-members/"


def test_members_of_the_officials_dong_with_their_report_counts(api_client_for, official, dong, second_dong):
    # given a member of both dongs with two reports, one of the dong only, one of the other dong only
    both = member(dong, second_dong, name="가스검침원", phone="01011112222", organisation="서울도시가스")
    only_here = member(dong, name="집배원", role="mail_carrier", occupation="postal")
    member(second_dong, name="다른동")
    report(dong, network_member=both, reporter_kind="network_member")
    report(second_dong, network_member=both, reporter_kind="network_member")

    # when the official lists members
    rows = walk(api_client_for(official), MEMBERS)

    # then the two members of their dong, by name, with every report each made and every dong they work in
    assert [(r["name"], r["reports_made"]) for r in rows] == [("가스검침원", 2), ("집배원", 0)]
    assert sorted(rows[0]["dongs"]) == sorted([dong.pk, second_dong.pk])
    assert rows[0]["role"] == "honorary" and rows[0]["role_display"] == "명예사회복지공무원"
    assert rows[1]["occupation_display"] == "집배원"
    assert rows[0]["is_active"] is True
    # the phone and the note stay on the pages
    assert "01011112222" not in str(rows) and "phone" not in rows[0] and "note" not in rows[0]
    assert only_here.pk == rows[1]["id"]


def test_other_dong_member_is_404(api_client_for, official, second_dong):
    theirs = member(second_dong)

    response = api_client_for(official).get(f"{MEMBERS}{theirs.pk}/")

    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_planner_without_personal_access_sees_no_members(api_client_for, planner, dong):
    member(dong)

    assert walk(api_client_for(planner), MEMBERS) == []


def test_district_admin_sees_every_dong_of_the_district(api_client_for, district_admin, dong, second_dong,
                                                       other_district_dong):
    member(dong, name="가")
    member(second_dong, name="나")
    member(other_district_dong, name="다")

    assert [r["name"] for r in walk(api_client_for(district_admin), MEMBERS)] == ["가", "나"]


def test_member_filters(api_client_for, district_admin, dong, second_dong):
    today = timezone.localdate()
    honorary = member(dong, name="가", role="honorary")
    care = member(second_dong, name="나", role="care_team", occupation="care_worker", organisation="마장 돌봄단")
    ended = member(dong, name="다", role="neighbour", active_to=today - dt.timedelta(days=1))
    later = member(dong, name="라", active_from=today + dt.timedelta(days=10))
    client = api_client_for(district_admin)

    def names(**params) -> list[str]:
        return [r["name"] for r in walk(client, MEMBERS, params)]

    assert names(role="care_team") == ["나"]
    assert names(role=["honorary", "neighbour"]) == ["가", "다", "라"]
    assert names(occupation="care_worker") == ["나"]
    assert names(dong=second_dong.pk) == ["나"]
    assert names(active="true") == ["가", "나"]
    assert names(active="false") == ["다", "라"]
    assert names(search="돌봄단") == ["나"]
    assert names(ordering="-name") == ["라", "다", "나", "가"]
    assert {honorary.pk, care.pk, ended.pk, later.pk} == {r["id"] for r in walk(client, MEMBERS)}


def test_members_are_read_only(api_client_for, official):
    response = api_client_for(official).post(MEMBERS, {"name": "새 구성원"}, format="json")

    assert response.status_code == 405
    assert error_of(response)["code"] == "method_not_allowed"


@pytest.mark.parametrize("page_size", [1, 15])
def test_member_list_runs_a_constant_number_of_queries(api_client_for, official, dong, second_dong, page_size):
    for n in range(15):
        made = member(dong, second_dong) if n % 2 else member(dong)
        report(dong, network_member=made, reporter_kind="network_member")
    client = api_client_for(official)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(MEMBERS, {"page_size": page_size})

    # The token, its last_used_at, the user's dongs, the page (report counts and "active today" as subqueries),
    # and one prefetch of the members' dongs: 5 whatever the page size.
    assert len(response.json()["results"]) == page_size
    assert len(queries) == 5, [q["sql"][:80] for q in queries.captured_queries]
