"""The silence watch (hourly) and alert check-ins: lonely-death prevention, with frozen time."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from households import services
from households.jobs import silence_watch
from households.models import CadencePolicy, FollowUp
from welfare.models import Notification

from .factories_jobs import cared_household, seoul
from .factories_visits import CheckInFactory, VisitFactory

pytestmark = pytest.mark.django_db

NOW = seoul(2024, 3, 10, 9, 15)
TODAY = dt.date(2024, 3, 10)


def silence_follow_ups(household) -> list[FollowUp]:
    return list(FollowUp.objects.filter(household=household, reason="silence"))


@pytest.mark.parametrize(("risk", "days_quiet", "alert"), [
    ("high", 8, True), ("high", 7, False),
    ("medium", 15, True), ("medium", 14, False),
    ("low", 31, True), ("low", 30, False),
])
def test_a_household_quiet_for_longer_than_its_risk_threshold_gets_a_silence_alert(dong, official, lead, risk,
                                                                                    days_quiet, alert):
    household = cared_household(dong, risk=risk, status="monitoring", official=official,
                                last_contact=TODAY - dt.timedelta(days=days_quiet))

    counts = silence_watch(NOW)

    raised = silence_follow_ups(household)
    assert len(raised) == (1 if alert else 0)
    assert counts["alerts"] == (1 if alert else 0)
    if alert:
        assert (raised[0].priority, raised[0].due_on, raised[0].assigned_to) == ("high", TODAY, official)
        keys = sorted(Notification.objects.values_list("user__username", "dedupe_key", "kind"))
        assert keys == [("lead", f"silence:followup:{raised[0].pk}", "silence"),
                        ("official", f"silence:followup:{raised[0].pk}", "silence")]


def test_the_district_policy_sets_the_silence_threshold(dong, other_district_dong):
    CadencePolicy.objects.create(district=dong.district, silence_low_days=10)
    here = cared_household(dong, risk="low", last_contact=TODAY - dt.timedelta(days=11))
    elsewhere = cared_household(other_district_dong, risk="low", last_contact=TODAY - dt.timedelta(days=11))

    silence_watch(NOW)

    assert len(silence_follow_ups(here)) == 1
    assert silence_follow_ups(elsewhere) == []


def test_a_recent_visit_of_any_result_or_a_check_in_is_a_sign_of_life(dong):
    # given three high-risk households last contacted 20 days ago
    visited = cared_household(dong, risk="high", last_contact=TODAY - dt.timedelta(days=20))
    VisitFactory(household=visited, contact_result="not_home", visited_at=seoul(2024, 3, 3, 0, 0))
    checked = cared_household(dong, risk="high", last_contact=TODAY - dt.timedelta(days=20))
    CheckInFactory(household=checked, source="iot", is_alert=False, at=seoul(2024, 3, 5, 12))
    alarmed = cared_household(dong, risk="high", last_contact=TODAY - dt.timedelta(days=20))
    CheckInFactory(household=alarmed, source="iot", is_alert=True, at=seoul(2024, 3, 9, 12))

    silence_watch(NOW)

    # then a door knocked on at midnight on the first day of the window counts, an alert check-in does not
    assert silence_follow_ups(visited) == []
    assert silence_follow_ups(checked) == []
    assert len(silence_follow_ups(alarmed)) == 1


def test_a_visit_just_before_the_window_in_seoul_does_not_count(dong):
    # 2 March 23:59 in Seoul is 8 days before 10 March for a high-risk household (threshold 7)
    household = cared_household(dong, risk="high", last_contact=None)
    VisitFactory(household=household, contact_result="met", visited_at=seoul(2024, 3, 2, 23, 59))

    silence_watch(NOW)

    assert len(silence_follow_ups(household)) == 1


def test_households_not_watched_or_registered_recently_are_not_silent(dong):
    off_care = cared_household(dong, risk="high", status="not_under_care", last_contact=dt.date(2023, 1, 1))
    new = cared_household(dong, risk="high", last_contact=None, registered=seoul(2024, 3, 5, 10))
    never_seen = cared_household(dong, risk="high", last_contact=None, registered=seoul(2024, 3, 1, 10))

    silence_watch(NOW)

    assert silence_follow_ups(off_care) == silence_follow_ups(new) == []
    assert len(silence_follow_ups(never_seen)) == 1


def test_a_silence_spell_raises_one_alert_not_one_per_hour(dong, official):
    household = cared_household(dong, risk="high", last_contact=dt.date(2024, 2, 1), official=official)

    silence_watch(NOW)
    again = silence_watch(NOW + dt.timedelta(hours=1))

    assert len(silence_follow_ups(household)) == 1
    assert Notification.objects.count() == 1
    assert again == {"alerts": 0, "notifications": 0}

    # when the official closes it without contact, it is not raised again the next day ...
    FollowUp.objects.filter(reason="silence").update(status="cancelled")
    silence_watch(NOW + dt.timedelta(days=1))
    assert len(silence_follow_ups(household)) == 1
    # ... but after another full threshold of silence it is
    silence_watch(NOW + dt.timedelta(days=7))
    assert len(silence_follow_ups(household)) == 2
    assert Notification.objects.count() == 2


def test_an_alert_check_in_raises_the_silence_alert_at_once(dong, official, lead):
    # given a monitored household seen yesterday
    household = cared_household(dong, risk="low", status="monitoring", official=official,
                                last_contact=TODAY - dt.timedelta(days=1), road_address="서울특별시 성동구 마장로 5",
                                address_detail="")

    # when the IoT gateway reports no movement (and resends the same message)
    with time_machine.travel(NOW, tick=False):
        check_in, created = services.checkin_record(household=household, by=None, source="iot", is_alert=True,
                                                    note="24시간 움직임 없음", external_id="gw-1")
        services.checkin_record(household=household, by=None, source="iot", is_alert=True, external_id="gw-1")

    # then a high-priority silence follow-up is due today and the official and lead are told once
    (follow_up,) = silence_follow_ups(household)
    assert (follow_up.priority, follow_up.due_on, follow_up.status) == ("high", TODAY, "open")
    assert follow_up.note == "IoT 센서 이상 신호: 24시간 움직임 없음"
    notices = Notification.objects.order_by("user__username")
    assert [(n.user.username, n.kind, n.dedupe_key) for n in notices] == [
        ("lead", "checkin_alert", f"checkin:{check_in.pk}"), ("official", "checkin_alert", f"checkin:{check_in.pk}")]
    assert notices[0].title == "안부 확인 이상 신호: 서울특별시 성동구 마장로 5 (IoT 센서)"

    # and the hourly watch adds nothing beside it
    silence_watch(NOW + dt.timedelta(hours=1))
    assert len(silence_follow_ups(household)) == 1
    assert Notification.objects.count() == 2


def test_a_second_alert_reuses_the_open_silence_follow_up_and_notifies_again(dong, official):
    household = cared_household(dong, risk="low", official=official, last_contact=TODAY)

    with time_machine.travel(NOW, tick=False):
        services.checkin_record(household=household, by=None, source="ai_call", is_alert=True)
        services.checkin_record(household=household, by=None, source="health_drink", is_alert=True)

    assert len(silence_follow_ups(household)) == 1
    assert Notification.objects.filter(user=official).count() == 2


def test_an_ordinary_check_in_raises_nothing(dong, official):
    household = cared_household(dong, risk="high", official=official, last_contact=TODAY)

    with time_machine.travel(NOW, tick=False):
        services.checkin_record(household=household, by=official, source="care_team", is_alert=False)

    assert silence_follow_ups(household) == []
    assert not Notification.objects.exists()


def test_the_watch_reads_each_group_once_whatever_the_number_of_silent_households(dong, official, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from households.jobs import common, silence

    for module in (common, silence):
        monkeypatch.setattr(module, "WRITE_BATCH", 2)  # several write batches (pages, before) from one read

    def run(n):
        FollowUp.objects.all().delete()
        for _ in range(n - len(households)):
            households.append(cared_household(dong, risk="high", official=official,
                                              last_contact=TODAY - dt.timedelta(days=9)))
        with CaptureQueriesContext(connection) as queries:
            counts = silence_watch(NOW)
        reads = [q for q in queries.captured_queries if 'FROM "households_household"' in q["sql"]
                 and q["sql"].startswith("SELECT")]
        return counts["alerts"], len(reads)

    households = []
    # one read per watched risk level (긴급, 고위험, 중위험, 저위험; 일반 is not watched) of the one policy group
    assert run(1) == (1, 4)
    assert run(5) == (5, 4)  # five households, three write batches: still one read per group
