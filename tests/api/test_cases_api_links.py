"""/api/v1/service-links/ (with the status action) and /api/v1/resources/ (the directory, read only)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from households.models import ServiceLink
from tests.households.factories_cases import ResourceFactory

from .conftest import error_of

pytestmark = pytest.mark.django_db

LINKS = "/api/v1/service-links/"
RESOURCES = "/api/v1/resources/"


def status_url(link: ServiceLink) -> str:
    return f"{LINKS}{link.pk}/status/"


@pytest.fixture
def link(household, seongdong):
    resource = ResourceFactory(district=seongdong, name="긴급 생계지원", sector="public", category="emergency")
    return ServiceLink.objects.create(household=household, resource=resource, amount_krw=730500)


def test_service_link_fields(api_client_for, official, link):
    row = api_client_for(official).get(f"{LINKS}{link.pk}/").json()

    assert row["resource"]["name"] == "긴급 생계지원" and row["resource"]["sector"] == "public"
    assert row["amount_krw"] == 730500
    assert (row["status"], row["status_display"]) == ("requested", "의뢰")
    assert row["next_statuses"] == ["accepted", "declined"]
    assert row["dong"] == link.household.dong_id


def test_status_moves_through_the_service(api_client_for, official, link):
    client = api_client_for(official)

    accepted = client.post(status_url(link), {"to": "accepted"}, format="json")
    in_service = client.post(status_url(link), {"to": "in_service"}, format="json")

    assert accepted.status_code == in_service.status_code == 200
    assert in_service.json()["status"] == "in_service"
    assert in_service.json()["start_on"] == timezone.localdate().isoformat()


def test_a_refused_status_move_is_400_with_the_services_sentence(api_client_for, official, link):
    client = api_client_for(official)

    skipping = client.post(status_url(link), {"to": "completed"}, format="json")
    declining_silently = client.post(status_url(link), {"to": "declined"}, format="json")

    assert skipping.status_code == 400
    assert error_of(skipping)["fields"]["non_field_errors"] == ["의뢰 상태에서 완료 상태로 바꿀 수 없습니다."]
    assert error_of(declining_silently)["fields"]["reason"] == ["거절·중단 사유를 적어 주세요."]
    link.refresh_from_db()
    assert link.status == "requested"


def test_other_dong_link_is_404_to_read_and_to_move(api_client_for, other_dong_official, link):
    client = api_client_for(other_dong_official)

    assert client.get(f"{LINKS}{link.pk}/").status_code == 404
    assert client.post(status_url(link), {"to": "accepted"}, format="json").status_code == 404
    assert client.get(LINKS).json()["results"] == []


def test_planner_may_not_move_a_link(api_client_for, planner, link):
    assert api_client_for(planner).post(status_url(link), {"to": "accepted"}, format="json").status_code == 403


def test_service_link_filters(api_client_for, official, link, household, seongdong):
    private = ResourceFactory(district=seongdong, sector="private", category="food")
    food = ServiceLink.objects.create(household=household, resource=private, status="in_service")
    client = api_client_for(official)

    def ids(**params):
        response = client.get(LINKS, params)
        assert response.status_code == 200, response.content
        return {r["id"] for r in response.json()["results"]}

    assert ids(status=["in_service", "accepted"]) == {food.pk}
    assert ids(sector="public") == {link.pk}
    assert ids(resource=private.pk) == {food.pk}
    assert ids(household=household.pk) == {link.pk, food.pk}
    assert ids(updated_since=timezone.now().isoformat()) == set()


# Resources ---------------------------------------------------------------------------------------------------


def test_the_directory_is_open_to_planners_and_filtered(api_client_for, planner, seongdong, yeongdeungpo, dong,
                                                       second_dong):
    everywhere = ResourceFactory(district=seongdong, name="사랑의 열매 긴급지원", sector="private", category="emergency")
    only_here = ResourceFactory(district=seongdong, name="왕십리 반찬나눔", category="food", dongs=[dong])
    only_there = ResourceFactory(district=seongdong, name="마장 이동목욕", category="care", dongs=[second_dong])
    stopped = ResourceFactory(district=seongdong, name="중단된 사업", is_active=False)
    other_district = ResourceFactory(district=yeongdeungpo, name="영등포 자원")
    client = api_client_for(planner)

    def ids(**params):
        response = client.get(RESOURCES, params)
        assert response.status_code == 200, response.content
        return {r["id"] for r in response.json()["results"]}

    assert ids() == {everywhere.pk, only_here.pk, only_there.pk, stopped.pk}
    assert ids(sector="private") == {everywhere.pk}
    assert ids(category="food") == {only_here.pk}
    assert ids(dong=dong.pk, active="true") == {everywhere.pk, only_here.pk}
    assert ids(active="false") == {stopped.pk}
    assert ids(search="반찬") == {only_here.pk}
    assert client.get(f"{RESOURCES}{other_district.pk}/").status_code == 404
    assert client.get(f"{RESOURCES}{only_there.pk}/").json()["dongs"] == [second_dong.pk]


def test_resources_are_read_only(api_client_for, district_admin, seongdong):
    resource = ResourceFactory(district=seongdong)
    client = api_client_for(district_admin)

    assert client.post(RESOURCES, {"name": "새 자원"}, format="json").status_code == 405
    assert client.patch(f"{RESOURCES}{resource.pk}/", {"name": "x"}, format="json").status_code == 405
