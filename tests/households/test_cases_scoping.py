"""Another dong's case or link answers 404 on every URL; planners may not write (403)."""

import pytest
from django.urls import reverse

from households.models import Case, CaseStage, ServiceLink

from .factories_cases import ResourceFactory, household_with_client, make_case

pytestmark = pytest.mark.django_db

CASE_URLS = ["case_detail", "case_edit", "case_transition", "case_needs", "case_goal_add", "case_reopen", "link_add"]
WRITE_URLS = [name for name in CASE_URLS if name != "case_detail"]


@pytest.fixture
def foreign_case(second_dong):
    return make_case(household_with_client(second_dong), stage=CaseStage.CLOSED)


@pytest.fixture
def foreign_link(foreign_case, seongdong):
    return ServiceLink.objects.create(household=foreign_case.household, case=foreign_case,
                                      resource=ResourceFactory(district=seongdong))


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("name", CASE_URLS)
def test_other_dong_case_is_404_on_every_url(client_for, official, foreign_case, name, method):
    response = getattr(client_for(official), method)(
        reverse(f"households:{name}", args=[foreign_case.household_id, foreign_case.pk]),
        {"version": 1, "to": "follow_up", "source": "visit"} if method == "post" else None,
    )

    assert response.status_code == 404
    foreign_case.refresh_from_db()
    assert foreign_case.stage == "closed" and Case.objects.count() == 1


@pytest.mark.parametrize("method", ["get", "post"])
def test_other_dong_link_is_404(client_for, official, foreign_link, method):
    response = getattr(client_for(official), method)(
        reverse("households:link_transition", args=[foreign_link.household_id, foreign_link.case_id, foreign_link.pk]),
        {"to": "accepted"} if method == "post" else None,
    )

    assert response.status_code == 404
    foreign_link.refresh_from_db()
    assert foreign_link.status == "requested"


def test_other_dong_case_open_is_404(client_for, official, foreign_case):
    response = client_for(official).get(reverse("households:case_open", args=[foreign_case.household_id]))

    assert response.status_code == 404


@pytest.mark.parametrize("name", CASE_URLS)
def test_case_of_another_household_through_own_household_is_404(client_for, official, dong, name):
    # both households are the official's; the case belongs to the second
    own = household_with_client(dong)
    case_elsewhere = make_case(household_with_client(dong))

    response = client_for(official).get(reverse(f"households:{name}", args=[own.pk, case_elsewhere.pk]))

    assert response.status_code == 404


@pytest.mark.parametrize("name", WRITE_URLS)
def test_planner_may_not_write_cases(client_for, planner, dong, name):
    case = make_case(household_with_client(dong), stage=CaseStage.CLOSED)

    assert client_for(planner).get(reverse(f"households:{name}", args=[case.household_id, case.pk])).status_code == 403
    assert client_for(planner).post(reverse(f"households:{name}", args=[case.household_id, case.pk]),
                                    {"version": 1, "to": "follow_up", "source": "visit"}).status_code == 403
    case.refresh_from_db()
    assert case.stage == "closed" and Case.objects.count() == 1


def test_planner_may_not_open_a_case(client_for, planner, dong):
    household = household_with_client(dong)

    assert client_for(planner).get(reverse("households:case_open", args=[household.pk])).status_code == 403


def test_planner_without_personal_access_does_not_see_the_case(client_for, planner, dong):
    case = make_case(household_with_client(dong))

    response = client_for(planner).get(reverse("households:case_detail", args=[case.household_id, case.pk]))

    assert response.status_code == 404


def test_planner_with_personal_access_reads_without_write_buttons(client_for, planner, dong):
    planner.staff.personal_access = True
    planner.staff.save()
    case = make_case(household_with_client(dong))

    response = client_for(planner).get(reverse("households:case_detail", args=[case.household_id, case.pk]))

    assert response.status_code == 200 and not response.context["can_edit"]
    assert reverse("households:case_transition", args=[case.household_id, case.pk]) not in response.content.decode()


def test_district_admin_works_on_any_dong_of_the_district(client_for, district_admin, foreign_case):
    response = client_for(district_admin).post(
        reverse("households:case_transition", args=[foreign_case.household_id, foreign_case.pk]),
        {"to": "follow_up", "version": 1})

    assert response.status_code == 302
    foreign_case.refresh_from_db()
    assert foreign_case.stage == "follow_up"


def test_anonymous_is_sent_to_login(client, foreign_case):
    response = client.get(reverse("households:case_detail", args=[foreign_case.household_id, foreign_case.pk]))

    assert response.status_code == 302 and "/login/" in response.url
