"""The hourly overdue sweep (mark_overdue): follow-ups and first contacts, notices to the official and lead once."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from households.jobs import mark_overdue
from households.models import FollowUp
from tests.factories import staff_user
from welfare.jobs import run_job
from welfare.models import Notification, Role

from .factories_jobs import CrisisReportFactory, cared_household, seoul
from .factories_visits import FollowUpFactory

pytestmark = pytest.mark.django_db

NOW = seoul(2024, 2, 10, 9, 5)


def notices(**filters) -> list[tuple[str, str]]:
    return sorted(Notification.objects.filter(**filters).values_list("user__username", "dedupe_key"))


def test_an_overdue_follow_up_is_marked_and_its_official_and_lead_are_told_once(dong, official, lead):
    # given a household's follow-up due yesterday
    household = cared_household(dong, official=official, road_address="서울특별시 성동구 왕십리로 10",
                                address_detail="101호")
    follow_up = FollowUpFactory(household=household, reason="cadence", due_on=dt.date(2024, 2, 9),
                                assigned_to=official)

    # when the sweep runs twice
    first = mark_overdue(NOW)
    second = mark_overdue(NOW + dt.timedelta(hours=1))

    # then it is marked once, and the official and the team lead each have one notice
    follow_up.refresh_from_db()
    assert follow_up.overdue_at == NOW
    key = f"overdue:followup:{follow_up.pk}"
    assert notices() == [("lead", key), ("official", key)]
    notice = Notification.objects.get(user=official)
    assert notice.kind == "overdue_follow_up"
    assert notice.title == "접촉 기한 경과: 서울특별시 성동구 왕십리로 10, 101호 (정기 접촉, 예정일 2024-02-09)"
    assert notice.url == f"/households/{household.pk}/"
    assert notice.household_id == household.pk
    assert (first["follow_ups"], first["notifications"]) == (1, 2)
    assert (second["follow_ups"], second["notifications"]) == (0, 0)


def test_the_household_official_is_told_when_the_follow_up_has_no_assignee(dong, official):
    household = cared_household(dong, official=official)
    FollowUpFactory(household=household, reason="manual", due_on=dt.date(2024, 2, 1), assigned_to=None)

    mark_overdue(NOW)

    assert [u for u, _k in notices()] == ["official"]


def test_another_dongs_lead_and_closed_follow_ups_are_left_alone(dong, second_dong, official):
    staff_user(Role.DONG_LEAD, district=second_dong.district, dongs=[second_dong], username="otherlead")
    household = cared_household(dong, official=official)
    FollowUpFactory(household=household, reason="cadence", due_on=dt.date(2024, 2, 1), status="done")
    FollowUpFactory(household=household, reason="manual", due_on=dt.date(2024, 2, 1))

    mark_overdue(NOW)

    assert [u for u, _k in notices()] == ["official"]
    assert FollowUp.objects.get(reason="cadence").overdue_at is None


@pytest.mark.parametrize(("moment", "overdue"), [
    (seoul(2024, 2, 29, 23, 30), False),  # still 29 February in Seoul: due today, not overdue
    (seoul(2024, 3, 1, 0, 30), True),  # 1 March in Seoul (still 29 February in UTC): overdue
])
def test_overdue_starts_at_midnight_in_seoul(dong, official, moment, overdue):
    household = cared_household(dong, official=official)
    follow_up = FollowUpFactory(household=household, reason="cadence", due_on=dt.date(2024, 2, 29))

    with time_machine.travel(moment, tick=False):
        run_job("mark_overdue")

    follow_up.refresh_from_db()
    assert (follow_up.overdue_at is not None) is overdue


def test_a_crisis_report_past_its_first_contact_deadline_tells_its_official_and_lead(dong, official, lead):
    # given an urgent report due an hour ago and not contacted, one contacted, one resolved and one not due yet
    late = CrisisReportFactory(dong=dong, assigned_official=official, first_contact_due_at=NOW - dt.timedelta(hours=1),
                               receipt_code="R2024-000777")
    CrisisReportFactory(dong=dong, assigned_official=official, first_contact_due_at=NOW - dt.timedelta(hours=1),
                        first_contacted_at=NOW - dt.timedelta(hours=2))
    CrisisReportFactory(dong=dong, assigned_official=official, first_contact_due_at=NOW - dt.timedelta(hours=1),
                        status="resolved", outcome="duplicate")
    CrisisReportFactory(dong=dong, assigned_official=official, first_contact_due_at=NOW + dt.timedelta(days=1))

    counts = mark_overdue(NOW)
    mark_overdue(NOW + dt.timedelta(hours=1))

    late.refresh_from_db()
    assert late.overdue_at == NOW
    key = f"overdue:report:{late.pk}"
    assert notices() == [("lead", key), ("official", key)]
    notice = Notification.objects.get(user=lead)
    assert (notice.kind, notice.url) == ("overdue_report", f"/discovery/reports/{late.pk}/")
    assert "R2024-000777" in notice.title
    assert counts["reports"] == 1


def test_a_report_still_in_the_district_queue_goes_to_the_district_admins(dong, district_admin, official):
    report = CrisisReportFactory(district=dong.district, dong=None, first_contact_due_at=NOW - dt.timedelta(days=1))

    mark_overdue(NOW)

    assert notices() == [("districtadmin", f"overdue:report:{report.pk}")]


def test_a_follow_up_more_than_a_week_late_gets_one_high_priority_check(dong, official):
    # given a cadence follow-up 8 days late and another only 7 days late
    household = cared_household(dong, official=official)
    FollowUpFactory(household=household, reason="cadence", due_on=dt.date(2024, 2, 2))
    recent = cared_household(dong, official=official)
    FollowUpFactory(household=recent, reason="cadence", due_on=dt.date(2024, 2, 3))

    counts = mark_overdue(NOW)

    check = FollowUp.objects.get(reason="overdue")
    assert (check.household, check.priority, check.due_on, check.assigned_to) == (
        household, "high", dt.date(2024, 2, 10), official)
    assert "2024-02-02" in check.note
    assert counts["escalated"] == 1

    # when the official dismisses the check, later runs do not raise it again for the same late follow-up
    check.status = "cancelled"
    check.save()
    mark_overdue(NOW + dt.timedelta(hours=1))
    mark_overdue(NOW + dt.timedelta(days=1))
    assert FollowUp.objects.filter(household=household, reason="overdue").count() == 1


def test_marking_runs_in_pages_and_finishes_them_all(dong, official, monkeypatch):
    import households.jobs.common as jobs

    monkeypatch.setattr(jobs, "WRITE_BATCH", 2)
    for _i in range(5):
        FollowUpFactory(household=cared_household(dong, official=official), reason="cadence",
                        due_on=dt.date(2024, 2, 5))

    counts = mark_overdue(NOW)

    assert counts["follow_ups"] == 5
    assert not FollowUp.objects.filter(overdue_at__isnull=True).exclude(reason="overdue").exists()
    assert Notification.objects.count() == 5
