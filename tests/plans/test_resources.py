"""The resource directory: everyone reads their district's; district planners and admins keep it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plans.models import Resource
from tests.households.factories_cases import ResourceFactory
from welfare.models import AccessLog

pytestmark = pytest.mark.django_db

LIST = reverse("plans:resource_list")
CREATE = reverse("plans:resource_create")


def edit_url(resource):
    return reverse("plans:resource_edit", args=[resource.pk])


def names(response):
    return [r.name for r in response.context["page"].object_list]


def resource_post(**overrides):
    data = {"name": "성동 사랑기금 이사비", "provider": "성동 사랑기금 운영위원회", "sector": "private",
            "category": "moving", "funding_source": "구민 성금", "eligibility": "반지하에서 임대주택으로 이사하는 가구",
            "contact": "02-0000-0000", "is_active": "on"}
    data.update(overrides)
    return data


# Reading and scoping -------------------------------------------------------------------------------------------------


def test_dong_official_reads_the_districts_directory(client_for, official, seongdong, yeongdeungpo):
    ResourceFactory(district=seongdong, name="푸드뱅크")
    ResourceFactory(district=yeongdeungpo, name="영등포 사랑기금 치과 치료비")

    response = client_for(official).get(LIST)

    assert response.status_code == 200
    assert names(response) == ["푸드뱅크"]
    assert not response.context["can_manage"]
    assert CREATE not in response.content.decode()


def test_planner_sees_the_manage_links(client_for, planner, seongdong):
    resource = ResourceFactory(district=seongdong)

    body = client_for(planner).get(LIST).content.decode()

    assert CREATE in body and edit_url(resource) in body


def test_another_districts_resource_is_404(client_for, planner, district_admin, yeongdeungpo):
    elsewhere = ResourceFactory(district=yeongdeungpo)

    assert client_for(planner).get(edit_url(elsewhere)).status_code == 404
    response = client_for(district_admin).post(edit_url(elsewhere), resource_post(name="바뀐 이름"))
    assert response.status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.name != "바뀐 이름"


@pytest.mark.parametrize("actor", ["official", "lead"])
def test_dong_staff_may_not_create_or_edit(client_for, request, seongdong, actor):
    user = request.getfixturevalue(actor)
    resource = ResourceFactory(district=seongdong, name="원래 이름")
    web = client_for(user)

    assert web.get(CREATE).status_code == 403
    assert web.post(CREATE, resource_post()).status_code == 403
    assert web.get(edit_url(resource)).status_code == 403
    assert web.post(edit_url(resource), resource_post(name="바뀐 이름")).status_code == 403
    resource.refresh_from_db()
    assert resource.name == "원래 이름" and Resource.objects.count() == 1


def test_anonymous_is_sent_to_login(client):
    response = client.get(LIST)

    assert response.status_code == 302 and "/login/" in response.url


# Writing --------------------------------------------------------------------------------------------------------------


def test_planner_creates_a_resource_for_some_dongs_of_the_district(client_for, planner, seongdong, dong, second_dong):
    response = client_for(planner).post(CREATE, resource_post(dongs=[dong.pk]))

    assert response.status_code == 302 and response.url == LIST
    resource = Resource.objects.get()
    assert (resource.district, resource.name, resource.sector, resource.is_active) == (
        seongdong, "성동 사랑기금 이사비", "private", True)
    assert list(resource.dongs.all()) == [dong]
    assert AccessLog.objects.filter(verb="plans.resource.created", object_id=str(resource.pk)).exists()


def test_dong_of_another_district_cannot_be_chosen(client_for, planner, other_district_dong):
    response = client_for(planner).post(CREATE, resource_post(dongs=[other_district_dong.pk]))

    assert response.status_code == 200 and "dongs" in response.context["form"].errors
    assert response.context["form"]["name"].value() == "성동 사랑기금 이사비"
    assert not Resource.objects.exists()


def test_the_dong_choices_are_the_districts(client_for, planner, dong, second_dong, other_district_dong):
    form = client_for(planner).get(CREATE).context["form"]

    assert set(form.fields["dongs"].queryset) == {dong, second_dong}


def test_same_name_and_provider_twice_is_refused(client_for, planner, seongdong, yeongdeungpo):
    ResourceFactory(district=seongdong, name="성동 사랑기금 이사비", provider="성동 사랑기금 운영위원회")
    # the same in another district is not a clash
    ResourceFactory(district=yeongdeungpo, name="성동 사랑기금 이사비", provider="성동 사랑기금 운영위원회")

    response = client_for(planner).post(CREATE, resource_post())

    assert response.context["form"].errors["name"] == ["같은 기관의 같은 이름 자원이 이미 있습니다."]
    assert Resource.objects.filter(district=seongdong).count() == 1


def test_district_admin_edits_and_deactivates(client_for, district_admin, seongdong):
    resource = ResourceFactory(district=seongdong, name="푸드뱅크", provider="성동푸드뱅크")

    response = client_for(district_admin).post(edit_url(resource), resource_post(
        name="푸드뱅크·푸드마켓", provider="성동푸드뱅크", sector="private", category="food", is_active=""))

    assert response.status_code == 302
    resource.refresh_from_db()
    assert resource.name == "푸드뱅크·푸드마켓" and not resource.is_active
    log = AccessLog.objects.get(verb="plans.resource.updated")
    assert log.changes["name"] == ["푸드뱅크", "푸드뱅크·푸드마켓"]


def test_editing_keeps_its_own_name_and_provider(client_for, planner, seongdong):
    resource = ResourceFactory(district=seongdong, name="푸드뱅크", provider="성동푸드뱅크")

    response = client_for(planner).post(edit_url(resource), resource_post(name="푸드뱅크", provider="성동푸드뱅크",
                                                                          eligibility="월 1회"))

    assert response.status_code == 302
    resource.refresh_from_db()
    assert resource.eligibility == "월 1회"


# Search, filters, pages ------------------------------------------------------------------------------------------------


@pytest.fixture
def directory(seongdong, dong, second_dong):
    ResourceFactory(district=seongdong, name="기초연금", provider="국민연금공단", sector="public", category="pension",
                    eligibility="만 65세 이상 소득 하위 70%")
    ResourceFactory(district=seongdong, name="푸드뱅크", provider="성동푸드뱅크", sector="private", category="food",
                    eligibility="저소득 가구 월 1회")
    ResourceFactory(district=seongdong, name="왕십리 복지관 밑반찬", provider="성동종합사회복지관", sector="private",
                    category="care", eligibility="홀몸 어르신", dongs=[dong])
    ResourceFactory(district=seongdong, name="마장 복지관 밑반찬", provider="마장종합사회복지관", sector="private",
                    category="care", eligibility="홀몸 어르신", dongs=[second_dong])
    ResourceFactory(district=seongdong, name="2024 난방비", provider="성동구청", sector="public", category="emergency",
                    is_active=False)


@pytest.mark.parametrize(("params", "expected"), [
    ({}, ["기초연금", "마장 복지관 밑반찬", "왕십리 복지관 밑반찬", "푸드뱅크"]),   # active by default
    ({"q": "연금"}, ["기초연금"]),                              # name
    ({"q": "연금공단"}, ["기초연금"]),                          # provider
    ({"q": "65세"}, ["기초연금"]),                              # eligibility
    ({"q": "복지관"}, ["마장 복지관 밑반찬", "왕십리 복지관 밑반찬"]),
    ({"sector": "public"}, ["기초연금"]),
    ({"category": "food"}, ["푸드뱅크"]),
    ({"active": "0"}, ["2024 난방비"]),
    ({"active": "all", "sector": "public"}, ["2024 난방비", "기초연금"]),
])
def test_search_and_filters(client_for, official, directory, params, expected):
    response = client_for(official).get(LIST, params)

    assert sorted(names(response)) == sorted(expected)


def test_dong_filter_keeps_district_wide_resources(client_for, official, directory, dong):
    response = client_for(official).get(LIST, {"dong": dong.pk})

    assert sorted(names(response)) == ["기초연금", "왕십리 복지관 밑반찬", "푸드뱅크"]


def test_another_districts_dong_is_not_a_filter_choice(client_for, official, directory, other_district_dong):
    response = client_for(official).get(LIST, {"dong": other_district_dong.pk})

    assert response.context["form"].errors["dong"]


def test_empty_search_shows_an_empty_state(client_for, official, directory):
    body = client_for(official).get(LIST, {"q": "없는 자원"}).content.decode()

    assert "조건에 맞는 자원이 없습니다" in body


def test_list_is_paginated(client_for, official, seongdong):
    for i in range(30):
        ResourceFactory(district=seongdong, name=f"자원 {i:02d}")

    first = client_for(official).get(LIST, {"q": "자원"})
    second = client_for(official).get(LIST, {"q": "자원", "page": 2})

    assert len(first.context["page"].object_list) == 25 and len(second.context["page"].object_list) == 5
    assert "q=%EC%9E%90%EC%9B%90&amp;page=2" in first.content.decode()


def count_queries(client, params=None):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(LIST, params or {})
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_list_query_count_is_constant(client_for, official, seongdong, dong, second_dong):
    client = client_for(official)
    ResourceFactory(district=seongdong, dongs=[dong])
    few = count_queries(client)
    for i in range(20):
        ResourceFactory(district=seongdong, dongs=[dong, second_dong] if i % 2 else [])
    many = count_queries(client)
    filtered = count_queries(client, {"q": "자원", "dong": dong.pk, "sector": "public"})

    # session, user, membership, visible dongs, count, page, the dongs of the page (one prefetch),
    # the dong choices of the filter, the bell's unread-notification COUNT (base.html): 9, whatever the
    # number of resources
    assert few == many == 9
    assert filtered == 9 + 1  # + the chosen dong is validated against the district's dongs
