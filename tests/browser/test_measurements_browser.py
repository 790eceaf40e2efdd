"""Health measurements end to end (issue 17 item 7): a gateway posts readings through the API, the out-of-range
one reaches the visiting nurse's today page, and the nurse reads it, highlighted and charted, on the household."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.api.conftest import bearer_client
from tests.factories import ConsentFactory
from welfare.models import ApiToken

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_gateway_reading_out_of_range_reaches_the_nurse_and_shows_on_the_household(page, live_server, login,
                                                                                   official, nurse, household):
    ConsentFactory(resident=household.residents.get(), scope="sensitive")
    _token, key = ApiToken.issue(user=official, name="혈압계 게이트웨이")
    now = timezone.now()
    readings = [{"household": household.pk, "kind": "blood_pressure", "value": value, "value2": value2,
                 "measured_at": (now - dt.timedelta(days=days)).isoformat(), "external_id": f"gw-{days}"}
                for days, value, value2 in ((20, 126, 82), (10, 131, 84), (1, 168, 101))]
    response = bearer_client(key).post("/api/v1/measurements/", {"measurements": readings}, format="json")
    assert response.status_code == 201 and response.json()["alerts"] == 1, response.content

    login("nurse")
    page.goto(f"{live_server.url}/today/")
    alert = page.locator("a", has_text=household.road_address).first
    assert "건강 측정 이상" in page.content()  # the follow-up reason of the alert
    alert.click()

    page.wait_for_selector("#health")
    health = page.locator("#health")
    assert "168/101 mmHg" in health.inner_text()
    assert health.locator(".out-of-range").count() >= 1
    assert health.locator("svg.linechart").count() == 1
    assert health.locator("svg.linechart").bounding_box()["width"] > 100  # drawn, not an empty box
