"""A dong official sees only their dongs' households; another dong's household answers 404 everywhere."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_list_shows_only_own_dong(client_for, official, household, other_household):
    response = client_for(official).get(reverse("households:list"))

    assert response.status_code == 200
    ids = [h.pk for h in response.context["page"].object_list]
    assert ids == [household.pk]


@pytest.mark.parametrize("name", ["detail", "edit", "resident_add"])
def test_other_dong_household_is_404(client_for, official, other_household, name):
    response = client_for(official).get(reverse(f"households:{name}", args=[other_household.pk]))

    assert response.status_code == 404


def test_other_dong_household_cannot_be_edited_by_post(client_for, official, other_household):
    response = client_for(official).post(
        reverse("households:edit", args=[other_household.pk]), {"road_address": "바뀐 주소"}
    )

    assert response.status_code == 404
    other_household.refresh_from_db()
    assert other_household.road_address != "바뀐 주소"


def test_other_dong_resident_pages_are_404(client_for, official, other_household):
    resident = other_household.residents.get()
    for name in ("resident_edit", "rrn_reveal", "consent_add", "sensitive_edit"):
        response = client_for(official).get(reverse(f"households:{name}", args=[other_household.pk, resident.pk]))
        assert response.status_code == 404, name


def test_resident_of_another_household_through_own_household_is_404(client_for, official, household, other_household):
    foreign = other_household.residents.get()

    response = client_for(official).get(reverse("households:resident_edit", args=[household.pk, foreign.pk]))

    assert response.status_code == 404


def test_district_admin_sees_every_dong_of_the_district(client_for, district_admin, household, other_household):
    response = client_for(district_admin).get(reverse("households:list"))

    assert {h.pk for h in response.context["page"].object_list} == {household.pk, other_household.pk}


def test_district_admin_of_another_district_gets_404(client_for, yeongdeungpo, other_district_dong, household):
    from tests.factories import staff_user
    from welfare.models import Role

    admin_ydp = staff_user(Role.DISTRICT_ADMIN, district=yeongdeungpo, username="ydpadmin")

    response = client_for(admin_ydp).get(reverse("households:detail", args=[household.pk]))

    assert response.status_code == 404


def test_planner_sees_aggregates_but_not_personal_records(client_for, planner, household):
    client = client_for(planner)

    assert client.get(reverse("home")).status_code == 200
    assert client.get(reverse("households:detail", args=[household.pk])).status_code == 404
    assert client.get(reverse("households:list")).context["page"].paginator.count == 0


def test_planner_with_personal_access_can_read(client_for, planner, household):
    planner.staff.personal_access = True
    planner.staff.save()

    response = client_for(planner).get(reverse("households:detail", args=[household.pk]))

    assert response.status_code == 200


def test_user_without_membership_sees_nothing(client_for, household):
    from tests.factories import UserFactory

    response = client_for(UserFactory()).get(reverse("households:detail", args=[household.pk]))

    assert response.status_code == 404


def test_anonymous_user_is_sent_to_login(client, household):
    response = client.get(reverse("households:detail", args=[household.pk]))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_official_cannot_choose_another_dong_on_create(client_for, official, second_dong):
    response = client_for(official).post(reverse("households:create"), {
        "dong": second_dong.pk, "road_address": "서울특별시 성동구 마조로 1", "housing_type": "apartment",
        "risk_level": "low", "status": "monitoring", "head-name": "홍길순", "head-relation": "head",
    })

    assert response.status_code == 200
    assert "dong" in response.context["form"].errors
