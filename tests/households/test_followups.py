"""Follow-ups and check-ins on the household page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from households import services
from households.models import CheckIn, FollowUp
from welfare.models import AccessLog

from .factories_visits import CheckInFactory, FollowUpFactory

pytestmark = pytest.mark.django_db


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_the_panel_lists_open_follow_ups_and_highlights_the_overdue(client_for, official, household):
    # given an overdue cadence follow-up, a future manual one with an assignee and a done one
    today = timezone.localdate()
    official.first_name, official.last_name = "지훈", "최"
    official.save()
    FollowUpFactory(household=household, reason="cadence", due_on=today - dt.timedelta(days=1))
    FollowUpFactory(household=household, reason="manual", due_on=today + dt.timedelta(days=3), assigned_to=official,
                    note="병원 동행 확인")
    FollowUpFactory(household=household, reason="universal", status="done")

    response = client_for(official).get(reverse("households:detail", args=[household.pk]))

    # then both open ones are listed in due order and only the past one is marked overdue
    follow_ups = response.context["visit_panel"]["follow_ups"]
    assert [f.reason for f in follow_ups] == ["cadence", "manual"]
    html = response.content.decode()
    assert html.count('<tr class="overdue">') == 1
    assert "병원 동행 확인" in html and official.get_full_name() in html


def test_an_official_adds_a_manual_follow_up(client_for, official, household):
    due = timezone.localdate() + dt.timedelta(days=5)

    response = client_for(official).post(reverse("households:followup_add", args=[household.pk]),
                                         {"followup-due_on": due.isoformat(), "followup-note": "서류 확인"})

    assert response.status_code == 302
    follow_up = FollowUp.objects.get(household=household)
    assert (follow_up.reason, follow_up.due_on, follow_up.note, follow_up.status) == ("manual", due, "서류 확인", "open")
    assert AccessLog.objects.filter(verb="households.followup.created", object_id=str(follow_up.pk)).exists()


def test_a_second_manual_follow_up_is_refused_with_a_clear_message(client_for, official, household):
    FollowUpFactory(household=household, reason="manual")
    due = timezone.localdate() + dt.timedelta(days=5)

    response = client_for(official).post(reverse("households:followup_add", args=[household.pk]),
                                         {"followup-due_on": due.isoformat()})

    assert response.status_code == 302
    assert FollowUp.objects.filter(household=household).count() == 1
    assert messages_of(response) == ["이미 예정된 '직접 지정' 접촉이 있습니다. 그 예정을 취소한 뒤 다시 지정하세요."]


def test_a_follow_up_in_the_past_shows_the_error_and_keeps_the_note(client_for, official, household):
    yesterday = timezone.localdate() - dt.timedelta(days=1)

    response = client_for(official).post(reverse("households:followup_add", args=[household.pk]),
                                         {"followup-due_on": yesterday.isoformat(), "followup-note": "메모 유지"})

    assert response.status_code == 200
    assert response.context["form"].errors["due_on"] == ["예정일은 오늘이나 그 이후여야 합니다."]
    assert "메모 유지" in response.content.decode()
    assert not FollowUp.objects.exists()


def test_an_official_cancels_an_open_follow_up(client_for, official, household):
    follow_up = FollowUpFactory(household=household, reason="manual")

    response = client_for(official).post(reverse("households:followup_cancel", args=[household.pk, follow_up.pk]))

    assert response.status_code == 302
    follow_up.refresh_from_db()
    assert follow_up.status == "cancelled" and follow_up.closed_at is not None
    assert AccessLog.objects.filter(verb="households.followup.cancelled", object_id=str(follow_up.pk)).exists()


def test_cancelling_a_closed_follow_up_changes_nothing(client_for, official, household):
    follow_up = FollowUpFactory(household=household, reason="manual", status="done")

    response = client_for(official).post(reverse("households:followup_cancel", args=[household.pk, follow_up.pk]))

    follow_up.refresh_from_db()
    assert follow_up.status == "done"
    assert messages_of(response) == ["이미 완료되었거나 취소된 접촉 예정입니다."]


def test_cancelling_needs_a_post(client_for, official, household):
    follow_up = FollowUpFactory(household=household)

    response = client_for(official).get(reverse("households:followup_cancel", args=[household.pk, follow_up.pk]))

    assert response.status_code == 405


def test_an_official_records_an_alert_check_in(client_for, official, household):
    response = client_for(official).post(reverse("households:checkin_add", args=[household.pk]), {
        "checkin-at": "2025-04-02T09:15", "checkin-source": "iot", "checkin-is_alert": "1",
        "checkin-note": "12시간 움직임 없음",
    })

    assert response.status_code == 302
    check_in = CheckIn.objects.get(household=household)
    assert (check_in.source, check_in.is_alert, check_in.note, check_in.recorded_by) == (
        "iot", True, "12시간 움직임 없음", official)
    assert timezone.localtime(check_in.at).strftime("%Y-%m-%d %H:%M") == "2025-04-02 09:15"
    assert AccessLog.objects.filter(verb="households.checkin.recorded").exists()


def test_a_check_in_form_with_errors_comes_back_filled(client_for, official, household):
    response = client_for(official).post(reverse("households:checkin_add", args=[household.pk]), {
        "checkin-at": "", "checkin-source": "ai_call", "checkin-is_alert": "0", "checkin-note": "통화 양호",
    })

    assert response.status_code == 200
    assert "at" in response.context["form"].errors
    assert "통화 양호" in response.content.decode()
    assert not CheckIn.objects.exists()


def test_a_check_in_with_a_known_external_id_is_recorded_once(official, household):
    # given a gateway message delivered twice
    first, created = services.checkin_record(household=household, by=None, source="iot", is_alert=True,
                                             note="무동작", external_id="gw-42")
    again, created_again = services.checkin_record(household=household, by=None, source="iot", is_alert=True,
                                                   note="무동작", external_id="gw-42")

    # then one check-in exists and the second call returns it
    assert (created, created_again) == (True, False)
    assert first == again
    assert CheckIn.objects.count() == 1


def test_check_ins_without_an_external_id_are_each_recorded(official, household):
    services.checkin_record(household=household, by=official, source="care_team", is_alert=False)
    services.checkin_record(household=household, by=official, source="care_team", is_alert=False, external_id="")

    assert CheckIn.objects.count() == 2
    assert not CheckIn.objects.exclude(external_id=None).exists()


def test_the_panel_shows_the_last_five_check_ins(client_for, official, household):
    now = timezone.now()
    for hours in range(7):
        CheckInFactory(household=household, at=now - dt.timedelta(hours=hours), note=f"확인{hours}")

    response = client_for(official).get(reverse("households:detail", args=[household.pk]))

    shown = response.context["visit_panel"]["check_ins"]
    assert [c.note for c in shown] == ["확인0", "확인1", "확인2", "확인3", "확인4"]
