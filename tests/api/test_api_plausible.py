"""Plausible values through the API (issue 12 item 4): the services' refusals answer 400 in the error shape, under
the field's name and with the very sentence the page shows beside the field (one representative test per endpoint
family; the pages are tested in tests/households/test_plausible_values.py and tests/discovery/)."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from discovery.models import CrisisReport
from households.models import CaseStageChange, CheckIn, LinkStatus, ServiceLink, Visit
from tests.households.factories_cases import ResourceFactory, household_with_client, make_case

from .conftest import error_of

pytestmark = pytest.mark.django_db

TOO_EARLY_TIME = "2000-01-01부터의 일시만 적을 수 있습니다."


def visit_body(household, **extra) -> dict:
    return {"submission_token": str(uuid.uuid4()), "household": household.pk, "kind": "home",
            "contact_result": "met", "risk_level": "medium", **extra}


@pytest.mark.parametrize("when", ["1900-01-01T01:00:00Z", "0201-03-04T10:00:00+09:00"])
def test_a_visit_dated_before_the_earliest_date_is_400_with_the_pages_sentence(api_client_for, official, household,
                                                                               when):
    response = api_client_for(official).post("/api/v1/visits/", visit_body(household, visited_at=when), format="json")

    assert response.status_code == 400, response.content
    assert error_of(response)["fields"] == {"visited_at": [TOO_EARLY_TIME]}
    assert not Visit.objects.exists()


def test_a_visit_with_a_next_contact_of_9999_or_long_observations_is_400(api_client_for, official, household):
    client = api_client_for(official)
    last = timezone.localdate() + dt.timedelta(days=366)

    far = client.post("/api/v1/visits/", visit_body(household, next_contact_on="9999-12-31"), format="json")
    long = client.post("/api/v1/visits/", visit_body(household, observations="가" * 4001), format="json")

    assert far.status_code == 400 and long.status_code == 400
    assert error_of(far)["fields"] == {"next_contact_on": [
        f"다음 접촉 예정일은 방문일부터 366일 이내({last:%Y-%m-%d}까지)여야 합니다."]}
    assert error_of(long)["fields"] == {"observations": ["4,000자 이내로 적어 주세요. (지금 4,001자)"]}
    assert not Visit.objects.exists()


def test_a_check_in_before_the_earliest_date_is_400(api_client_for, official, household):
    response = api_client_for(official).post("/api/v1/check-ins/", {
        "household": household.pk, "client_id": "gw-1", "source": "iot", "is_alert": False,
        "at": "1999-12-31T00:00:00+09:00"}, format="json")

    assert response.status_code == 400, response.content
    assert error_of(response)["fields"] == {"at": [TOO_EARLY_TIME]}
    assert not CheckIn.objects.exists()


@pytest.fixture
def link(household, seongdong):
    resource = ResourceFactory(district=seongdong, name="긴급 생계지원", sector="public", category="emergency")
    return ServiceLink.objects.create(household=household, resource=resource, amount_krw=730500,
                                      status=LinkStatus.ACCEPTED)


def test_a_link_start_in_2099_or_a_completion_before_the_start_is_400_never_500(api_client_for, official, link):
    client = api_client_for(official)
    url = f"/api/v1/service-links/{link.pk}/status/"

    far = client.post(url, {"to": "in_service", "on": "2099-01-01"}, format="json")
    assert far.status_code == 400, far.content
    assert list(error_of(far)["fields"]) == ["on"]
    assert error_of(far)["fields"]["on"][0].endswith("까지의 날짜만 적을 수 있습니다.")

    start = timezone.localdate() - dt.timedelta(days=5)
    assert client.post(url, {"to": "in_service", "on": start.isoformat()}, format="json").status_code == 200
    before = client.post(url, {"to": "completed", "on": (start - dt.timedelta(days=1)).isoformat()}, format="json")

    assert before.status_code == 400, before.content
    assert error_of(before)["fields"] == {"on": [f"완료일({start - dt.timedelta(days=1):%Y-%m-%d})이 이 연계의 시작일({start:%Y-%m-%d})보다 앞설 수 없습니다. "
                                               "시작일이 잘못되었으면 연계를 중단하고 다시 등록하세요."]}
    link.refresh_from_db()
    assert (link.status, link.start_on, link.completed_on) == (LinkStatus.IN_SERVICE, start, None)


def test_a_report_received_in_the_year_450_is_400(api_client_for, official, dong):
    client = api_client_for(official)
    body = {"channel": "phone", "dong": dong.pk, "subject_name": "홍길동"}

    ancient = client.post("/api/v1/crisis-reports/", {**body, "received_at": "0450-06-01T10:00:00+09:00"},
                          format="json")
    endless = client.post("/api/v1/crisis-reports/", {**body, "first_contact_due_at": "9999-12-31T00:00:00+09:00"},
                          format="json")

    assert ancient.status_code == 400, ancient.content
    assert error_of(ancient)["fields"] == {"received_at": [TOO_EARLY_TIME]}
    assert endless.status_code == 400, endless.content
    assert error_of(endless)["fields"] == {"first_contact_due_at": ["초기 접촉 기한은 접수 일시부터 366일 이내여야 합니다."]}
    assert not CrisisReport.objects.exists()


def too_long(limit: int) -> str:
    return f"{limit:,}자 이내로 적어 주세요. (지금 {limit + 1:,}자)"


def test_over_long_texts_are_400_with_the_pages_sentence_not_the_frameworks(api_client_for, official, household,
                                                                            link):
    # The serializers set no max_length of their own: the service's bound answers, in the page's words.
    client = api_client_for(official)
    check_in = client.post("/api/v1/check-ins/", {"household": household.pk, "client_id": "gw-long", "source": "iot",
                                                  "note": "가" * 301}, format="json")
    case = make_case(household_with_client(household.dong), by=official)
    transition = client.post(f"/api/v1/cases/{case.pk}/transition/", {"to": "assessment", "version": 1,
                                                                      "note": "가" * 501}, format="json")
    refusal = client.post(f"/api/v1/service-links/{link.pk}/status/", {"to": "declined", "reason": "가" * 301},
                          format="json")

    assert [r.status_code for r in (check_in, transition, refusal)] == [400, 400, 400]
    assert error_of(check_in)["fields"] == {"note": [too_long(300)]}
    assert error_of(transition)["fields"] == {"note": [too_long(500)]}
    assert error_of(refusal)["fields"] == {"reason": [too_long(300)]}
    assert not CheckIn.objects.exists() and not CaseStageChange.objects.filter(case=case).exists()
