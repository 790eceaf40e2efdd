"""Issue 11 item 6: the district admin's monthly access-log review (filters, the unusual first, a month marked as
reviewed, export with a reason), the API token named on its entries, and RRN reveals logged as ``reveal``."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from households import services as household_services
from tests.factories import HouseholdFactory
from welfare.access_review import selectors, services
from welfare.audit import log_action
from welfare.errors import RuleError
from welfare.models import AccessLog, AccessReview, ApiToken

pytestmark = pytest.mark.django_db

SEOUL = ZoneInfo("Asia/Seoul")
TUESDAY = dt.datetime(2026, 11, 10, 10, 0, tzinfo=SEOUL)  # office hours
URL = "/district/access/"


def at(moment: dt.datetime, *args, **kwargs) -> AccessLog:
    with time_machine.travel(moment, tick=False):
        return log_action(*args, **kwargs)


def month(district, **kwargs):
    return selectors.entries(district, selectors.Filters(start=dt.date(2026, 11, 1), end=dt.date(2026, 11, 30),
                                                         **kwargs))


# --- flags, and the unusual first --------------------------------------------------------------------------

def test_off_hours_and_weekend_entries_are_flagged(official, household):
    plain = at(TUESDAY, household, "households.household.viewed", user=official)
    night = at(TUESDAY.replace(hour=22), household, "households.household.viewed", user=official)
    early = at(TUESDAY.replace(hour=6, minute=59), household, "households.household.viewed", user=official)
    saturday = at(dt.datetime(2026, 11, 14, 11, 0, tzinfo=SEOUL), household, "households.household.viewed",
                  user=official)

    flags = {e.pk: e.off_hours for e in month(household.dong.district)}

    assert flags == {plain.pk: 0, night.pk: 1, early.pk: 1, saturday.pk: 1}


def test_access_outside_the_accounts_own_dongs_is_flagged_and_first(official, household, other_household):
    inside = at(TUESDAY, household, "households.household.viewed", user=official)
    outside = at(TUESDAY, other_household, "households.household.viewed", user=official)

    rows = list(month(household.dong.district))

    assert [(e.pk, e.outside) for e in rows] == [(outside.pk, 1), (inside.pk, 0)]


def test_a_district_role_is_inside_anywhere_in_its_district(district_admin, household, other_household):
    at(TUESDAY, household, "households.household.viewed", user=district_admin)
    at(TUESDAY, other_household, "households.household.viewed", user=district_admin)

    assert {e.outside for e in month(household.dong.district)} == {0}


def test_many_reveals_in_a_day_are_flagged_few_are_not(settings, official, household, other_dong_official,
                                                       other_household):
    settings.ACCESS_REVIEW_MANY_REVEALS = 3
    resident = household.residents.get()
    other = other_household.residents.get()
    for minute in range(3):
        at(TUESDAY.replace(minute=minute), resident, "households.resident.rrn_revealed", user=official,
           reason="본인 확인")
    for minute in range(2):
        at(TUESDAY.replace(minute=minute), other, "households.resident.rrn_revealed", user=other_dong_official,
           reason="본인 확인")

    rows = list(month(household.dong.district, unusual_only=True))

    assert {(e.username, e.many_reveals) for e in rows} == {("official", 1)}
    assert len(rows) == 3


def test_many_exports_in_a_day_are_flagged(settings, district_admin, seongdong):
    settings.ACCESS_REVIEW_MANY_EXPORTS = 2
    for minute in range(2):
        at(TUESDAY.replace(minute=minute), None, "welfare.accesslog.exported", user=district_admin, reason="점검 보고")

    assert [e.many_exports for e in month(seongdong)] == [1, 1]


def test_another_districts_entries_are_not_shown(official, household, other_district_dong):
    from tests.factories import staff_user
    from welfare.models import Role

    stranger = staff_user(Role.DONG_OFFICIAL, district=other_district_dong.district, dongs=[other_district_dong],
                          username="stranger")
    far = HouseholdFactory(dong=other_district_dong)
    mine = at(TUESDAY, household, "households.household.viewed", user=official)
    at(TUESDAY, far, "households.household.viewed", user=stranger)

    assert [e.pk for e in month(household.dong.district)] == [mine.pk]


def test_filters_by_person_account_action_and_dong(official, lead, household, other_household, second_dong):
    a = at(TUESDAY, household, "households.household.viewed", user=official)
    b = at(TUESDAY, other_household, "households.household.viewed", user=lead)
    c = at(TUESDAY, household.residents.get(), "households.resident.rrn_revealed", user=lead, reason="본인 확인")
    district = household.dong.district

    assert {e.pk for e in month(district, person=str(household.pk))} == {a.pk, c.pk}
    assert {e.pk for e in month(district, account="lea")} == {b.pk, c.pk}
    assert {e.pk for e in month(district, action="reveal")} == {c.pk}
    assert {e.pk for e in month(district, dong=second_dong)} == {b.pk}
    outside_month = selectors.Filters(start=dt.date(2026, 12, 1), end=dt.date(2026, 12, 31))
    assert not selectors.entries(district, outside_month).exists()


# --- the page ----------------------------------------------------------------------------------------------

def test_the_page_shows_the_unusual_first_in_korean(client_for, district_admin, official, household, other_household):
    at(TUESDAY, household, "households.household.viewed", user=official)
    at(TUESDAY.replace(hour=23), other_household, "households.household.viewed", user=official)

    response = client_for(district_admin).get(URL, {"start": "2026-11-01", "end": "2026-11-30"})

    body = response.content.decode()
    assert response.status_code == 200 and "no-store" in response["Cache-Control"].split(", ")
    assert body.index("업무시간 외") < body.index(str(household))
    assert "담당 외" in body


def test_the_page_has_an_empty_state(client_for, district_admin):
    body = client_for(district_admin).get(URL, {"start": "2020-01-01", "end": "2020-01-31"}).content.decode()

    assert "조건에 맞는 접근 기록이 없습니다" in body


def _page_queries(client, n_rows):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(URL, {"start": "2026-11-01", "end": "2026-11-30"})
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == n_rows
    return len(ctx.captured_queries)


def test_the_number_of_queries_does_not_grow_with_the_rows(client_for, district_admin, official, household,
                                                           other_household):
    client = client_for(district_admin)
    token, _key = ApiToken.issue(user=official, name="dashboard")
    at(TUESDAY, household, "households.household.viewed", user=official)
    few = _page_queries(client, 1)
    for minute in range(30):
        at(TUESDAY.replace(hour=22, minute=minute), other_household, "households.household.viewed", user=official)

    assert _page_queries(client, 31) == few


# --- marking a month as reviewed -------------------------------------------------------------------------------

def test_a_month_is_marked_reviewed_once_with_a_comment(client_for, district_admin, seongdong):
    client = client_for(district_admin)

    done = client.post(reverse("district:access_review"), {"month": "2026-10", "comment": "이상 없음"})
    again = client.post(reverse("district:access_review"), {"month": "2026-10", "comment": "다시"})

    assert done.status_code == 302
    review = AccessReview.objects.get()
    assert (review.district, review.month, review.reviewed_by, review.comment) == (
        seongdong, dt.date(2026, 10, 1), district_admin, "이상 없음")
    assert again.status_code == 400 and "이미 검토를 마쳤습니다" in again.content.decode()
    assert AccessLog.objects.filter(verb="welfare.accessreview.created").count() == 1


def test_a_review_needs_a_comment_and_a_past_or_current_month(district_admin, seongdong):
    with pytest.raises(RuleError) as empty:
        services.review_mark(district=seongdong, month=dt.date(2026, 10, 1), by=district_admin, comment=" ")
    with pytest.raises(RuleError) as future:
        services.review_mark(district=seongdong, month=dt.date(2999, 1, 1), by=district_admin, comment="x")

    assert "comment" in empty.value.message_dict and "month" in future.value.message_dict


def test_only_reviewers_may_mark_a_month(official, seongdong):
    with pytest.raises(RuleError):
        services.review_mark(district=seongdong, month=dt.date(2026, 10, 1), by=official, comment="ok")


# --- export with a reason ----------------------------------------------------------------------------------------

def test_export_needs_a_reason_and_is_logged_as_an_export(client_for, district_admin, official, household):
    household.road_address = "=HYPERLINK(\"http://x\")"
    household.save()
    at(TUESDAY, household, "households.household.viewed", user=official)
    client = client_for(district_admin)
    url = reverse("district:access_export") + "?start=2026-11-01&end=2026-11-30"

    refused = client.post(url, {"reason": ""})
    short = client.post(url, {"reason": "점검"})
    sent = client.post(url, {"reason": "11월 정기 점검"})

    assert refused.status_code == 400 and short.status_code == 400
    assert sent.status_code == 200 and sent["Content-Type"].startswith("text/csv") and sent.streaming
    body = b"".join(sent.streaming_content).decode("utf-8-sig")
    assert "households.household.viewed" in body and "'=HYPERLINK" in body
    entry = AccessLog.objects.get(verb="welfare.accesslog.exported")
    assert (entry.action, entry.reason, entry.user, entry.changes["count"]) == (
        "export", "11월 정기 점검", district_admin, 1)


def test_a_long_export_is_sent_while_it_is_made(client_for, district_admin, official, household):
    """A district's log over months is millions of rows: the file goes out a chunk of 500 rows at a time, the
    export logged (with its count) before the first row is read."""
    from welfare.audit import log_actions

    with time_machine.travel(TUESDAY, tick=False):
        log_actions([household] * 1_201, "households.household.viewed", user=official)
    url = reverse("district:access_export") + "?start=2026-11-01&end=2026-11-30"

    sent = client_for(district_admin).post(url, {"reason": "11월 정기 점검"})

    assert sent.streaming
    chunks = iter(sent.streaming_content)
    header = next(chunks).decode("utf-8-sig")
    assert header.startswith("일시,계정") and header.count("\r\n") == 1
    assert AccessLog.objects.get(verb="welfare.accesslog.exported").changes["count"] == 1_201  # logged already
    rest = [chunk.decode("utf-8").count("\r\n") for chunk in chunks]
    assert rest == [500, 500, 201]


# --- the API token on its entries ------------------------------------------------------------------------------

def test_entries_written_through_the_api_name_the_token_and_pages_do_not(client, official, household):
    token, key = ApiToken.issue(user=official, name="dashboard")

    client.get(f"/api/v1/households/{household.pk}/", HTTP_AUTHORIZATION=f"Bearer {key}")
    client.force_login(official)
    client.get(f"/households/{household.pk}/")

    api_entry, page_entry = AccessLog.objects.filter(verb="households.household.viewed").order_by("id")
    assert (api_entry.token_id, api_entry.token_prefix) == (token.pk, token.prefix)
    assert (page_entry.token_id, page_entry.token_prefix) == (None, "")


# --- RRN reveals -----------------------------------------------------------------------------------------------

def test_a_reveal_is_logged_as_reveal(official, household):
    resident = household.residents.get()
    resident.set_rrn("900101-1234560")
    resident.save()

    household_services.rrn_reveal(resident=resident, by=official, reason="긴급 지원")

    assert AccessLog.objects.get(verb="households.resident.rrn_revealed").action == "reveal"


@pytest.mark.parametrize("reason", ["", "확인", "  a b  "])
def test_a_reveal_needs_a_reason_of_five_characters(official, household, reason):
    resident = household.residents.get()

    with pytest.raises(RuleError) as refused:
        household_services.rrn_reveal(resident=resident, by=official, reason=reason)

    assert "reason" in refused.value.message_dict
    assert not AccessLog.objects.filter(verb="households.resident.rrn_revealed").exists()


def test_the_reveal_page_takes_a_reason_from_the_list_or_written(client_for, official, household):
    resident = household.residents.get()
    resident.set_rrn("900101-1234560")
    resident.save()
    url = reverse("households:rrn_reveal", args=[household.pk, resident.pk])
    client = client_for(official)

    short = client.post(url, {"preset": "other", "reason": "확인"})
    listed = client.post(url, {"preset": "급여 신청"})
    both = client.post(url, {"preset": "사실 조사", "reason": "현장 방문 전"})

    assert "1234560" not in short.content.decode() and "5자 이상" in short.content.decode()
    assert "900101-1234560" in listed.content.decode()
    assert "900101-1234560" in both.content.decode()
    reasons = list(AccessLog.objects.filter(action="reveal").order_by("id").values_list("reason", flat=True))
    assert reasons == ["급여 신청", "사실 조사: 현장 방문 전"]
