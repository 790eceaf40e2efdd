""""지난 방문 내용 가져오기": the visit form starts from the household's latest visit (issue 13 item 5)."""

from __future__ import annotations

import datetime as dt
import re
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from households.models import Visit, VisitNeed
from welfare.models import AccessLog, Role

from ..factories import staff_user
from .factories_visits import VisitFactory

pytestmark = pytest.mark.django_db


def form_url(household, query: str = "") -> str:
    return reverse("households:visit_add", args=[household.pk]) + query


def selected(body: str, name: str) -> str | None:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', body, re.S)
    assert select, name
    chosen = re.search(r'<option value="([^"]*)"[^>]*selected', select.group(1))
    return chosen.group(1) if chosen else None


def text_value(body: str, name: str) -> str:
    found = re.search(rf'<input type="text" name="{name}" value="([^"]*)"', body)
    return found.group(1) if found else ""


def textarea(body: str, name: str) -> str:
    return re.search(rf'<textarea name="{name}"[^>]*>\n?(.*?)</textarea>', body, re.S).group(1)


@pytest.fixture
def nurse(dong):
    return staff_user(Role.DONG_OFFICIAL, district=dong.district, dongs=[dong], username="nurse")


@pytest.fixture
def earlier_visits(household, official, nurse):
    """An older phone call and, last, a home visit with a nurse that found two needs and was "not home"."""
    now = timezone.now()
    VisitFactory(household=household, kind="phone", visited_at=now - dt.timedelta(days=30), observations="전화 통화",
                 recorded_by=official)
    last = VisitFactory(household=household, kind="with_nurse", contact_result="not_home", risk_level="high",
                        visited_at=now - dt.timedelta(days=3), observations="문 앞에 우편물이 쌓여 있음",
                        recorded_by=official)
    last.staff_present.set([nurse])
    VisitNeed.objects.create(visit=last, domain="health", severity="high", note="당뇨 약 복용 중단")
    VisitNeed.objects.create(visit=last, domain="income", severity="medium", note="")
    return last


def test_the_form_offers_the_copy_only_when_the_household_has_a_visit(client_for, official, household):
    client = client_for(official)
    assert "지난 방문 내용 가져오기" not in client.get(form_url(household)).content.decode()

    VisitFactory(household=household)

    assert "지난 방문 내용 가져오기" in client.get(form_url(household)).content.decode()


def test_copy_fills_kind_staff_and_needs_from_the_latest_visit_but_not_date_result_or_note(
        client_for, official, household, nurse, earlier_visits):
    # given a household whose latest visit (with the nurse) found health (high) and income (medium) needs
    household.risk_level = "medium"  # lowered since the visit, by an isolation screening say
    household.save(update_fields=["risk_level"])

    # when the official opens the visit form with ?copy=last
    response = client_for(official).get(form_url(household, "?copy=last"))

    # then how the visit was made, who came along and the needs are filled in
    assert response.status_code == 200
    body = response.content.decode()
    assert selected(body, "kind") == "with_nurse"
    assert re.search(rf'name="staff_present" value="{nurse.pk}"[^>]*checked', body)
    assert selected(body, "need_health") == "high"
    assert text_value(body, "need_health_note") == "당뇨 약 복용 중단"
    assert selected(body, "need_income") == "medium"
    assert selected(body, "need_safety") in (None, "")
    # and not what belongs to this visit: the result, the time, the risk (the household's now), the observations
    assert selected(body, "contact_result") == "met"
    assert selected(body, "risk_level") == "medium"
    assert textarea(body, "observations") == ""
    assert timezone.localtime().strftime("%Y-%m-%dT") in body
    assert "내용을 가져왔습니다" in body
    assert "관찰 내용까지 가져오기" in body


def test_copy_with_note_brings_the_observations_too(client_for, official, household, earlier_visits):
    body = client_for(official).get(form_url(household, "?copy=last&note=1")).content.decode()

    assert textarea(body, "observations") == "문 앞에 우편물이 쌓여 있음"
    assert "관찰 내용도 가져왔습니다." in body


def test_copying_is_logged_as_a_read_of_that_visit(client_for, official, household, earlier_visits):
    client_for(official).get(form_url(household, "?copy=last"))

    entry = AccessLog.objects.get(verb="households.visit.copied")
    assert (entry.user, entry.object_id, entry.household_id) == (official, str(earlier_visits.pk), household.pk)
    assert entry.action == "view"
    assert entry.changes == {"observations": False}
    # the plain form reads no visit and logs nothing
    client_for(official).get(form_url(household))
    assert AccessLog.objects.filter(verb="households.visit.copied").count() == 1


def test_copy_without_an_earlier_visit_says_so_and_starts_empty(client_for, official, household):
    response = client_for(official).get(form_url(household, "?copy=last"))

    assert response.status_code == 200
    assert "지난 방문 기록이 없어 빈 양식으로 시작합니다" in response.content.decode()
    assert not AccessLog.objects.filter(verb="households.visit.copied").exists()


def test_a_staff_member_who_left_the_dong_is_not_ticked(client_for, official, household, nurse, earlier_visits):
    nurse.staff.dongs.set([])

    body = client_for(official).get(form_url(household, "?copy=last")).content.decode()

    assert f'value="{nurse.pk}"' not in body


def test_another_dongs_household_is_404_and_a_planner_403(client_for, other_dong_official, planner, household,
                                                          earlier_visits):
    assert client_for(other_dong_official).get(form_url(household, "?copy=last")).status_code == 404
    assert client_for(planner).get(form_url(household, "?copy=last")).status_code == 403
    assert not AccessLog.objects.filter(verb="households.visit.copied").exists()


def test_the_copied_form_saves_a_new_visit_as_shown(client_for, official, household, nurse, earlier_visits):
    # given the copied form, sent as the browser would (the fields it shows, the official changes nothing)
    client = client_for(official)
    body = client.get(form_url(household, "?copy=last")).content.decode()
    token = re.search(r'name="submission_token" value="([^"]+)"', body).group(1)
    data = {
        "submission_token": token, "visited_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "kind": selected(body, "kind"), "contact_result": selected(body, "contact_result"),
        "risk_level": selected(body, "risk_level"), "observations": "약 다시 드시기로 함",
        "next_contact_on": "", "staff_present": [nurse.pk],
        "need_health": selected(body, "need_health"), "need_health_note": text_value(body, "need_health_note"),
        "need_income": selected(body, "need_income"),
    }

    # when it is saved
    response = client.post(form_url(household), data)

    # then a second visit holds the same needs and companion, with this visit's own note and result
    assert response.status_code == 302
    visit = Visit.objects.get(submission_token=uuid.UUID(token))
    assert visit.pk != earlier_visits.pk
    assert (visit.kind, visit.contact_result, visit.observations) == ("with_nurse", "met", "약 다시 드시기로 함")
    assert list(visit.staff_present.all()) == [nurse]
    assert {(n.domain, n.severity, n.note) for n in visit.needs.all()} == {
        ("health", "high", "당뇨 약 복용 중단"), ("income", "medium", "")}


def test_the_copied_form_costs_the_same_queries_whatever_the_visit_holds(client_for, official, household, nurse,
                                                                        earlier_visits):
    client = client_for(official)
    client.get(form_url(household, "?copy=last"))  # warm the session and the content types

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(form_url(household, "?copy=last")).status_code == 200
        return len(ctx.captured_queries)

    small = queries()  # the last visit: two needs, one companion
    bigger = VisitFactory(household=household, visited_at=timezone.now() - dt.timedelta(hours=1))
    bigger.staff_present.set([nurse, official, staff_user(Role.DONG_LEAD, district=household.dong.district,
                                                          dongs=[household.dong], username="lead2")])
    for domain in ("safety", "health", "daily_living", "family", "social", "income", "housing", "legal"):
        VisitNeed.objects.create(visit=bigger, domain=domain, severity="low", note="메모")

    assert queries() == small
