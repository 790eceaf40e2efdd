"""No 500s and one JSON error shape (issue 12, item 5): a link's move dated outside its period is a 400 on ``on``
(the database's end-after-start check used to raise an IntegrityError), an unmatched /api/ URL is the JSON 404, and
a query parameter no filter reads is a 400 naming it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from households import services
from households.models import CaseStage, ServiceLink
from tests.households.factories_cases import ResourceFactory, household_with_client, make_case
from tests.households.factories_plans import draft_plan

from .conftest import error_of

pytestmark = pytest.mark.django_db

LINKS = "/api/v1/service-links/"
BEFORE_START = "완료일(2025-05-31)이 이 연계의 시작일(2025-06-01)보다 앞설 수 없습니다."


@pytest.fixture
def case(dong):
    return make_case(household_with_client(dong), stage=CaseStage.IN_SERVICE)


@pytest.fixture
def resource(seongdong):
    return ResourceFactory(district=seongdong, name="긴급 생계지원")


def link_of(case, resource, **fields) -> ServiceLink:
    return ServiceLink.objects.create(household=case.household, case=case, resource=resource, **fields)


# A move dated outside the link's period --------------------------------------------------------------------------


def test_completing_before_the_start_through_the_api_is_400_on_the_date(api_client_for, official, case, resource):
    link = link_of(case, resource, status="in_service", start_on=dt.date(2025, 6, 1), amount_krw=1000)

    response = api_client_for(official).post(f"{LINKS}{link.pk}/status/", {"to": "completed", "on": "2025-05-31"},
                                             format="json")

    assert response.status_code == 400
    assert error_of(response)["fields"] == {"on": [BEFORE_START + " 시작일이 잘못되었으면 연계를 중단하고 다시 등록하세요."]}
    link.refresh_from_db()
    assert (link.status, link.end_on, link.completed_on) == ("in_service", None, None)


def test_completing_on_the_start_day_is_allowed(api_client_for, official, case, resource):
    link = link_of(case, resource, status="in_service", start_on=dt.date(2025, 6, 1), amount_krw=1000)

    response = api_client_for(official).post(f"{LINKS}{link.pk}/status/", {"to": "completed", "on": "2025-06-01"},
                                             format="json")

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["end_on"]) == ("completed", "2025-06-01")


def test_starting_after_the_recorded_end_is_400_on_the_date(api_client_for, official, case, resource):
    link = link_of(case, resource, status="accepted", end_on=dt.date(2025, 6, 30), amount_krw=1000)

    response = api_client_for(official).post(f"{LINKS}{link.pk}/status/", {"to": "in_service", "on": "2025-07-01"},
                                             format="json")

    assert response.status_code == 400
    assert error_of(response)["fields"] == {"on": ["시작일(2025-07-01)이 이 연계의 종료일(2025-06-30)보다 늦을 수 없습니다."]}
    link.refresh_from_db()
    assert (link.status, link.start_on) == ("accepted", None)


def test_completing_a_far_future_link_from_the_page_answers_the_rule_not_a_500(client_for, official, case, resource):
    link = link_of(case, resource, status="in_service", start_on=dt.date(2099, 1, 1), amount_krw=1000)
    url = reverse("households:link_transition", args=[case.household_id, case.pk, link.pk])

    response = client_for(official).post(url, {"to": "completed"})

    assert response.status_code == 200
    assert "이 연계의 시작일(2099-01-01)보다 앞설 수 없습니다" in response.content.decode()
    link.refresh_from_db()
    assert link.status == "in_service"
    # Not stuck: it can still be stopped with a reason.
    stopped = client_for(official).post(url, {"to": "stopped", "reason": "시작일 오기"})
    assert stopped.status_code == 302
    link.refresh_from_db()
    assert link.status == "stopped"


def test_the_service_refuses_the_move_before_the_database_would(official, case, resource):
    link = link_of(case, resource, status="in_service", start_on=dt.date(2025, 6, 1), amount_krw=1000)

    with pytest.raises(services.RuleError) as refused:
        services.service_link_transition(link=link, to="completed", by=official, on=dt.date(2025, 5, 31))

    assert list(refused.value.message_dict) == ["on"]


# Unmatched API URLs --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [
    "households/abc/", "households/a.b.c/", "households/1.5/", "households//", "households/-1/",
    "households/99999999999999999999999/", "service-links/abc/status/", "service-links/a.b/status/",
    "crisis-reports/x/", "plans/x/figures/", "plans/1/nothing/", "nothing/", "households/1/2/3/",
])
def test_a_url_that_names_no_record_is_the_json_404(api_client_for, official, path):
    client = api_client_for(official)

    response = client.post(f"/api/v1/{path}", {}, format="json") if "status/" in path else client.get(f"/api/v1/{path}")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert error_of(response)["code"] == "not_found"


def test_a_page_url_that_names_nothing_is_still_the_html_404(client_for, official):
    response = client_for(official).get("/households/nothing/here/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


# Unknown query parameters --------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["households", "cases", "visits", "follow-ups", "service-links", "check-ins",
                                  "resources", "crisis-reports", "network-members", "plans"])
def test_an_unknown_filter_is_a_400_naming_it(api_client_for, official, household, path):
    response = api_client_for(official).get(f"/api/v1/{path}/", {"householdid": "4", "page_size": "5"})

    assert response.status_code == 400
    assert error_of(response)["fields"] == {"householdid": ["알 수 없는 조회 조건입니다."]}


def test_the_reported_misspelling_is_refused_on_households(api_client_for, official, household):
    response = api_client_for(official).get("/api/v1/households/", {"household": "4"})

    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["household"]


def test_every_unknown_parameter_is_named_and_known_ones_are_not(api_client_for, official, household):
    response = api_client_for(official).get("/api/v1/households/", {"risk_level": "high", "colour": "red", "sortby": "x"})

    assert sorted(error_of(response)["fields"]) == ["colour", "sortby"]


@pytest.mark.parametrize("params", [
    {}, {"page_size": "2"}, {"ordering": "-id"}, {"format": "json"}, {"search": "김"}, {"risk_level": "high"},
    {"status": "under_care", "overdue": "true"},
    {"next_contact_before": "2026-01-01", "updated_since": "2026-01-01T00:00:00+09:00"},
])
def test_the_known_parameters_of_a_list_are_accepted(api_client_for, official, household, params):
    assert api_client_for(official).get("/api/v1/households/", params).status_code == 200


def test_the_cursor_of_a_next_link_is_accepted(api_client_for, official, dong):
    for _ in range(3):
        household_with_client(dong)
    client = api_client_for(official)

    first = client.get("/api/v1/households/", {"page_size": "2", "ordering": "-id"}).json()

    assert client.get(first["next"]).status_code == 200


def test_the_resource_search_is_a_known_parameter(api_client_for, official, resource):
    response = api_client_for(official).get("/api/v1/resources/", {"search": "생계"})

    assert response.status_code == 200
    assert [row["name"] for row in response.json()["results"]] == ["긴급 생계지원"]


def test_a_detail_view_ignores_query_parameters_as_before(api_client_for, official, household):
    assert api_client_for(official).get(f"/api/v1/households/{household.pk}/", {"x": "1"}).status_code == 200


def test_the_figures_of_a_plan_refuse_an_unknown_parameter(api_client_for, planner, dong, second_dong):
    plan = draft_plan(district=dong.district, by=planner, year=2026, dongs=[dong, second_dong])
    client = api_client_for(planner)

    assert client.get(f"/api/v1/plans/{plan.pk}/figures/", {"metric": "cases_opened"}).status_code == 200
    refused = client.get(f"/api/v1/plans/{plan.pk}/figures/", {"metrics": "cases_opened"})
    assert refused.status_code == 400
    assert error_of(refused)["fields"] == {"metrics": ["알 수 없는 조회 조건입니다."]}
