"""Community network: the member list (scoped, filtered, counted), create/edit/deactivate, coverage per dong."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from discovery.models import DiscoveryPolicy, NetworkMember
from discovery.services.network import coverage
from tests.factories import DongFactory
from welfare.models import AccessLog

from .factories_network import member, reading, report

pytestmark = pytest.mark.django_db

LIST = reverse("discovery:network_list")


def listed(client, **params) -> list[NetworkMember]:
    response = client.get(LIST, params)
    assert response.status_code == 200
    return list(response.context["page"].object_list)


# --- List -----------------------------------------------------------------------------------------------------


def test_the_list_shows_members_of_my_dongs_only(client_for, official, dong, second_dong):
    mine = member(dong, name="김명예")
    member(second_dong, name="박다른")

    names = [m.name for m in listed(client_for(official))]

    assert names == [mine.name]


def test_reports_by_a_member_are_counted_on_the_member(client_for, official, dong):
    # Given a member who made three reports and another who made none
    busy = member(dong, name="가나다")
    member(dong, name="하하하")
    for _ in range(3):
        report(dong, reporter_kind="network_member", network_member=busy)

    # When the list is shown
    counts = {m.name: m.reports_made for m in listed(client_for(official))}

    # Then each member carries their count
    assert counts == {"가나다": 3, "하하하": 0}


def test_a_member_of_two_dongs_is_listed_once_with_both_dongs(client_for, district_admin, dong, second_dong):
    both = member(dong, second_dong, name="양동")
    report(dong, network_member=both)
    report(second_dong, network_member=both)

    rows = listed(client_for(district_admin))

    assert [m.name for m in rows] == ["양동"]
    assert rows[0].reports_made == 2
    assert sorted(d.name for d in rows[0].dongs.all()) == sorted([dong.name, second_dong.name])


def test_search_and_filters(client_for, official, dong):
    member(dong, name="김검침", occupation="gas_meter", organisation="서울도시가스")
    member(dong, name="이약사", occupation="pharmacy", role="business", organisation="온누리약국")
    member(dong, name="최통장", occupation="tongjang", role="tongjang")
    member(dong, name="정종료", active_to=timezone.localdate() - dt.timedelta(days=1))
    client = client_for(official)

    assert [m.name for m in listed(client, q="약국")] == ["이약사"]
    assert [m.name for m in listed(client, q="김검")] == ["김검침"]
    assert [m.name for m in listed(client, role="tongjang")] == ["최통장"]
    assert [m.name for m in listed(client, occupation="pharmacy")] == ["이약사"]
    assert [m.name for m in listed(client, dong=dong.pk)] == ["김검침", "이약사", "최통장"]
    assert [m.name for m in listed(client, active="ended")] == ["정종료"]
    assert len(listed(client, active="all")) == 4


def test_the_list_query_count_is_constant(client_for, official, dong, second_dong):
    member(dong)
    client = client_for(official)
    with CaptureQueriesContext(connection) as few:
        assert client.get(LIST).status_code == 200

    for i in range(15):
        m = member(dong, second_dong, name=f"구성원 {i:02d}")
        report(dong, network_member=m)
    with CaptureQueriesContext(connection) as many:
        assert client.get(LIST).status_code == 200

    # The same number whatever the number of members, dongs and reports. Of them, the list's own reads of
    # members are three: the count, the page (report counts as a subquery) and the prefetched dongs.
    assert len(few.captured_queries) == len(many.captured_queries)
    assert reading(many, "discovery_networkmember") == 3


def test_a_planner_sees_no_members(client_for, planner, dong):
    member(dong)

    assert listed(client_for(planner)) == []


# --- Create, edit, deactivate ---------------------------------------------------------------------------------


def member_post(dongs, **extra):
    return {"name": "홍길순", "role": "honorary", "occupation": "delivery", "organisation": "동네배달",
            "phone": "01001112222", "active_from": f"{timezone.localdate():%Y-%m-%d}", "active_to": "",
            "trainings_attended": "1", "note": "", "dongs": [d.pk for d in dongs], **extra}


def test_an_official_registers_a_member_in_their_dong(client_for, official, dong):
    response = client_for(official).post(reverse("discovery:network_create"), member_post([dong]))

    assert response.status_code == 302
    created = NetworkMember.objects.get(name="홍길순")
    assert list(created.dongs.all()) == [dong]
    assert created.district == dong.district
    assert AccessLog.objects.filter(verb="discovery.networkmember.created", object_id=str(created.pk)).exists()


def test_a_member_cannot_be_registered_in_another_dong(client_for, official, second_dong):
    response = client_for(official).post(reverse("discovery:network_create"), member_post([second_dong]))

    assert response.status_code == 200
    assert response.context["form"].errors["dongs"]
    assert response.context["form"]["name"].value() == "홍길순"  # what was typed is kept
    assert not NetworkMember.objects.exists()


def test_an_end_before_the_start_is_refused_beside_the_field(client_for, official, dong):
    data = member_post([dong], active_to=f"{timezone.localdate() - dt.timedelta(days=3):%Y-%m-%d}")

    response = client_for(official).post(reverse("discovery:network_create"), data)

    assert response.status_code == 200
    assert response.context["form"].errors["active_to"]


def test_a_planner_may_not_register_members(client_for, planner):
    assert client_for(planner).get(reverse("discovery:network_create")).status_code == 403


def test_another_dongs_member_is_404(client_for, official, second_dong):
    theirs = member(second_dong)
    client = client_for(official)

    assert client.get(reverse("discovery:network_edit", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("discovery:network_deactivate", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.active_to is None


def test_editing_keeps_the_dongs_the_editor_does_not_have(client_for, official, dong, second_dong):
    # Given a member of my dong and of another dong
    shared = member(dong, second_dong, name="공유")

    # When I edit them, with only my dong offered
    response = client_for(official).post(reverse("discovery:network_edit", args=[shared.pk]),
                                         member_post([dong], name="공유됨"))

    # Then the change is saved and the other dong stays
    assert response.status_code == 302
    shared.refresh_from_db()
    assert shared.name == "공유됨"
    assert set(shared.dongs.all()) == {dong, second_dong}


def test_an_edit_logs_the_changed_fields_without_the_phone_and_the_dong_change(client_for, district_admin, dong,
                                                                               second_dong):
    one = member(dong, name="홍길순", phone="01001112222")

    response = client_for(district_admin).post(reverse("discovery:network_edit", args=[one.pk]),
                                               member_post([dong, second_dong], phone="01099998888"))

    assert response.status_code == 302
    changes = [e.changes for e in AccessLog.objects.filter(verb="discovery.networkmember.updated",
                                                           object_id=str(one.pk)).order_by("pk")]
    assert changes[0]["phone"] == "(changed)" and "name" not in changes[0]
    assert changes[-1]["dongs"] == [[dong.pk], sorted([dong.pk, second_dong.pk])]


def test_deactivating_ends_the_activity_today(client_for, lead, dong):
    active = member(dong)

    response = client_for(lead).post(reverse("discovery:network_deactivate", args=[active.pk]))

    assert response.status_code == 302
    active.refresh_from_db()
    assert active.active_to == timezone.localdate()
    assert AccessLog.objects.filter(verb="discovery.networkmember.deactivated").count() == 1


def test_deactivate_is_post_only(client_for, lead, dong):
    active = member(dong)

    assert client_for(lead).get(reverse("discovery:network_deactivate", args=[active.pk])).status_code == 405


# --- Coverage -------------------------------------------------------------------------------------------------


def add(dong, role, n, **extra):
    for _ in range(n):
        member(dong, role=role, **extra)


def test_coverage_highlights_dongs_below_the_districts_minimums(district_admin, dong, second_dong):
    # Given a policy asking for 2 care-team members per dong, 3 in high-risk dongs, and 2 honorary officials
    DiscoveryPolicy.objects.create(district=dong.district, min_care_team_per_dong=2, min_care_team_high_risk_dong=3,
                                   min_honorary_per_dong=2)
    dong.is_high_risk = True
    dong.save()
    add(dong, "care_team", 2)
    add(dong, "honorary", 2)
    add(second_dong, "care_team", 2)
    add(second_dong, "honorary", 1)
    # an ended member and a future one do not count
    add(second_dong, "honorary", 1, active_to=timezone.localdate() - dt.timedelta(days=1))
    add(second_dong, "honorary", 1, active_from=timezone.localdate() + dt.timedelta(days=1))

    # When coverage is computed
    rows = {r.dong.name: r for r in coverage(district_admin)}

    # Then the high-risk dong lacks one care-team member, the other one honorary official
    high, other = rows[dong.name], rows[second_dong.name]
    assert [(s.role, s.have, s.need, s.missing) for s in high.shortfalls] == [("care_team", 2, 3, 1)]
    assert [(s.role, s.have, s.need, s.missing) for s in other.shortfalls] == [("honorary", 1, 2, 1)]
    assert high.counts == {"care_team": 2, "honorary": 2} and other.total == 3


def test_the_coverage_page_names_the_shortfall(client_for, district_admin, dong, second_dong):
    DiscoveryPolicy.objects.create(district=dong.district, min_care_team_per_dong=1, min_honorary_per_dong=0)
    add(dong, "care_team", 1)

    response = client_for(district_admin).get(reverse("discovery:network_coverage"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "부족: 우리동네돌봄단 1명" in html  # the second dong has no care-team member
    assert html.count("부족: ") == 1


def test_coverage_uses_the_default_policy_when_the_district_has_none(district_admin, dong):
    dong.is_high_risk = True
    dong.save()
    add(dong, "care_team", 2)

    row = next(r for r in coverage(district_admin) if r.dong == dong)

    # defaults: 3 care-team members in a high-risk dong, 20 honorary officials
    assert {s.role: s.missing for s in row.shortfalls} == {"care_team": 1, "honorary": 20}


def test_an_official_sees_coverage_of_their_dongs_and_a_planner_of_the_district(official, planner, dong, second_dong):
    assert [r.dong for r in coverage(official)] == [dong]
    assert {r.dong for r in coverage(planner)} == {dong, second_dong}


def test_the_coverage_page_query_count_is_constant(client_for, district_admin, dong, second_dong, seongdong):
    url = reverse("discovery:network_coverage")
    client = client_for(district_admin)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200

    for i in range(5):
        extra = DongFactory(district=seongdong, name=f"추가{i}동")
        add(extra, "honorary", 3)
        add(extra, "care_team", 2)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200

    # The same number whatever the size: besides the layout's and the dongs' reads, the policies of the
    # districts and one grouped count over the member–dong table.
    assert len(few.captured_queries) == len(many.captured_queries)
    assert reading(many, "discovery_") == 2
