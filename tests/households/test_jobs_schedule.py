"""The daily cadence sweep (schedule_followups) with frozen time: policy, month ends, the Seoul day, once."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from households import services
from households.jobs import next_cadence_date, schedule_followups
from households.models import CadencePolicy, FollowUp, Household
from tests.factories import DongFactory
from welfare.jobs import run_job
from welfare.models import JobRun

from .factories_cases import make_case
from .factories_jobs import cared_household, seoul
from .factories_visits import FollowUpFactory

pytestmark = pytest.mark.django_db

FEB_1 = seoul(2024, 2, 1)


def open_cadence(household: Household) -> FollowUp:
    return FollowUp.objects.get(household=household, reason="cadence", status="open")


def test_each_risk_level_is_due_at_last_contact_plus_its_cadence_across_the_month_end(dong, official):
    # given three households last contacted on 31 January 2024 (a leap year)
    jan_31 = dt.date(2024, 1, 31)
    high, medium, low = (cared_household(dong, risk=r, last_contact=jan_31, official=official)
                         for r in ("high", "medium", "low"))

    # when the sweep runs on 1 February
    counts = schedule_followups(FEB_1)

    # then each is due after 7, 14 and 30 days: 30 days after 31 January is 1 March in 2024
    assert open_cadence(high).due_on == dt.date(2024, 2, 7)
    assert open_cadence(medium).due_on == dt.date(2024, 2, 14)
    assert open_cadence(low).due_on == dt.date(2024, 3, 1)
    assert open_cadence(low).assigned_to == official
    assert counts["created"] == 3


def test_the_district_policy_replaces_the_defaults_only_in_its_district(dong, other_district_dong):
    # given a district that visits high-risk households every 3 days, and one without a policy
    CadencePolicy.objects.create(district=dong.district, high_days=3)
    here = cared_household(dong, risk="high", last_contact=dt.date(2024, 1, 31))
    elsewhere = cared_household(other_district_dong, risk="high", last_contact=dt.date(2024, 1, 31))

    schedule_followups(FEB_1)

    assert open_cadence(here).due_on == dt.date(2024, 2, 3)
    assert open_cadence(elsewhere).due_on == dt.date(2024, 2, 7)


def test_a_case_in_service_is_contacted_at_least_as_often_as_its_in_service_cadence(dong):
    # given a low-risk policy of 60 days, and one of two households with a case in service
    CadencePolicy.objects.create(district=dong.district, low_days=60, in_service_days=30)
    with_case = cared_household(dong, risk="low", last_contact=dt.date(2024, 1, 10))
    make_case(with_case, stage="in_service", opened_on=dt.date(2023, 12, 1))
    without = cared_household(dong, risk="low", last_contact=dt.date(2024, 1, 10))

    schedule_followups(FEB_1)

    assert open_cadence(with_case).due_on == dt.date(2024, 2, 9)
    assert open_cadence(without).due_on == dt.date(2024, 3, 10)


@pytest.mark.parametrize(("moment", "seoul_day"), [
    (seoul(2024, 2, 29, 23, 30), dt.date(2024, 2, 29)),  # 14:30 UTC, same date
    (seoul(2024, 3, 1, 0, 30), dt.date(2024, 3, 1)),  # 15:30 UTC on 29 February: Seoul is already in March
])
def test_a_household_never_contacted_is_due_on_the_seoul_date(dong, moment, seoul_day):
    household = cared_household(dong, risk="medium", last_contact=None, status="monitoring")

    with time_machine.travel(moment, tick=False):
        run = run_job("schedule_followups")

    assert run.run_key == f"{seoul_day:%Y-%m-%d}"
    assert open_cadence(household).due_on == seoul_day
    household.refresh_from_db()
    assert household.next_contact_on == seoul_day


def test_a_date_later_than_the_policy_is_brought_forward_when_the_risk_rises(dong):
    # given a household scheduled at the medium cadence, now marked high risk
    household = cared_household(dong, risk="high", last_contact=dt.date(2024, 1, 31),
                                next_contact_on=dt.date(2024, 2, 14))
    FollowUpFactory(household=household, reason="cadence", due_on=dt.date(2024, 2, 14))

    counts = schedule_followups(FEB_1)

    # then the same follow-up moves to the high-risk date, and the household's next contact with it
    assert open_cadence(household).due_on == dt.date(2024, 2, 7)
    household.refresh_from_db()
    assert household.next_contact_on == dt.date(2024, 2, 7)
    assert (counts["created"], counts["corrected"]) == (0, 1)
    assert FollowUp.objects.filter(household=household).count() == 1


def test_a_date_earlier_than_the_policy_is_an_officials_choice_and_stays(dong):
    household = cared_household(dong, risk="low", last_contact=dt.date(2024, 1, 31))
    FollowUpFactory(household=household, reason="cadence", due_on=dt.date(2024, 2, 5))

    counts = schedule_followups(FEB_1)

    assert open_cadence(household).due_on == dt.date(2024, 2, 5)
    assert counts["corrected"] == 0


def test_a_household_rescheduled_after_falling_behind_keeps_its_new_date(dong):
    # given a high-risk household last met on 1 January (policy date 8 January, long past), rescheduled to 5 February
    household = cared_household(dong, risk="high", last_contact=dt.date(2024, 1, 1))
    FollowUpFactory(household=household, reason="cadence", due_on=dt.date(2024, 2, 5))

    schedule_followups(FEB_1)

    # then the sweep does not drag it back into the past
    assert open_cadence(household).due_on == dt.date(2024, 2, 5)


def test_a_next_contact_typed_on_the_household_moves_its_follow_up_and_the_sweep_keeps_it(dong, official):
    # given a household with its follow-up from the policy
    household = cared_household(dong, risk="low", last_contact=dt.date(2024, 1, 31), official=official)
    with time_machine.travel(FEB_1, tick=False):
        schedule_followups(FEB_1)
        # when an official types an earlier date on the household form
        services.household_update(household=household, by=official, data={"next_contact_on": dt.date(2024, 2, 9)})
    schedule_followups(seoul(2024, 2, 2))

    # then the follow-up took that date and the next sweep left it
    assert open_cadence(household).due_on == dt.date(2024, 2, 9)
    household.refresh_from_db()
    assert household.next_contact_on == dt.date(2024, 2, 9)


def test_a_household_no_longer_under_care_has_its_cadence_follow_up_cancelled(dong):
    # given a household taken off care that still has its cadence follow-up and a manual one
    household = cared_household(dong, risk="low", last_contact=dt.date(2024, 1, 31), status="not_under_care",
                                next_contact_on=dt.date(2024, 3, 1))
    cadence = FollowUpFactory(household=household, reason="cadence", due_on=dt.date(2024, 3, 1))
    manual = FollowUpFactory(household=household, reason="manual", due_on=dt.date(2024, 2, 20))

    counts = schedule_followups(FEB_1)

    cadence.refresh_from_db()
    manual.refresh_from_db()
    household.refresh_from_db()
    assert (cadence.status, manual.status) == ("cancelled", "open")
    assert cadence.closed_at == FEB_1
    assert household.next_contact_on is None
    assert counts["cancelled"] == 1


def test_households_not_under_care_get_no_follow_up(dong):
    cared_household(dong, risk="high", last_contact=dt.date(2024, 1, 31), status="not_under_care")

    schedule_followups(FEB_1)

    assert not FollowUp.objects.exists()


def test_a_visit_and_the_sweep_agree_so_the_sweep_has_nothing_to_do(dong, official):
    # given a visit logged on 1 February, which schedules the next contact itself
    household = cared_household(dong, risk="medium", last_contact=None, official=official)
    with time_machine.travel(seoul(2024, 2, 1, 10), tick=False):
        services.visit_record(household=household, by=official, data=services.VisitData(
            kind="home", contact_result="met", risk_level="medium"))

    counts = schedule_followups(seoul(2024, 2, 2))

    assert open_cadence(household).due_on == dt.date(2024, 2, 15)
    assert (counts["created"], counts["corrected"], counts["next_contact_synced"]) == (0, 0, 0)


def test_running_the_sweep_twice_creates_nothing_twice(dong):
    households = [cared_household(dong, risk=r, last_contact=dt.date(2024, 1, 20)) for r in ("high", "low", "low")]
    cared_household(dong, risk="medium", last_contact=None)

    first = schedule_followups(FEB_1)
    second = schedule_followups(FEB_1)

    assert first["created"] == 4
    assert (second["created"], second["corrected"], second["next_contact_synced"]) == (0, 0, 0)
    assert FollowUp.objects.count() == 4
    assert all(h.follow_ups.filter(status="open").count() == 1 for h in households)


def test_the_sweep_reads_in_batches_of_households(dong, second_dong, monkeypatch):
    # given households spread over several id ranges of a deliberately small batch
    import households.jobs.cadence as jobs

    monkeypatch.setattr(jobs, "HOUSEHOLD_BATCH", 2)
    made = [cared_household(dong if i % 2 else second_dong, risk="low", last_contact=dt.date(2024, 1, 31))
            for i in range(5)]

    counts = schedule_followups(FEB_1)

    assert counts["households"] == counts["created"] == 5
    assert {open_cadence(h).due_on for h in made} == {dt.date(2024, 3, 1)}


def test_the_number_of_queries_does_not_grow_with_the_households(dong, django_assert_num_queries):
    for _i in range(30):
        cared_household(dong, risk="low", last_contact=dt.date(2024, 1, 31))
    DongFactory(district=dong.district)

    # 8 queries for 30 households as for 3: the out-of-care read, the policies, the id bounds, then for the one
    # batch a savepoint, the read, one INSERT of the 30 follow-ups, one UPDATE of next_contact_on, the release
    with django_assert_num_queries(8):
        schedule_followups(FEB_1)


def test_run_job_a_second_time_in_the_same_day_returns_none(dong):
    cared_household(dong, risk="low", last_contact=dt.date(2024, 1, 31))

    with time_machine.travel(FEB_1, tick=False):
        first = run_job("schedule_followups")
    with time_machine.travel(seoul(2024, 2, 1, 23, 59), tick=False):
        second = run_job("schedule_followups")

    assert first.counts["created"] == 1 and first.status == "done"
    assert second is None
    assert JobRun.objects.filter(job="schedule_followups").count() == 1
    assert FollowUp.objects.count() == 1


def test_the_run_job_command_prints_what_it_did_and_refuses_the_same_day_twice(dong):
    cared_household(dong, risk="low", last_contact=dt.date(2024, 1, 31))
    out = StringIO()

    with time_machine.travel(FEB_1, tick=False):
        call_command("run_job", "schedule_followups", stdout=out)
        call_command("run_job", "schedule_followups", stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[0].startswith("schedule_followups [2024-02-01] done in ")
    # the counts come back from a JSON column, whose key order PostgreSQL does not keep
    printed = dict(pair.split("=") for pair in lines[0].split(": ", 1)[1].split(", "))
    assert printed == {"households": "1", "created": "1", "corrected": "0", "cancelled": "0",
                       "next_contact_synced": "1"}
    assert lines[1] == "schedule_followups: this window already ran; use --force to run it again."


@pytest.mark.parametrize(("last", "current", "days", "expected"), [
    (None, None, 7, dt.date(2024, 2, 1)),  # never contacted: today
    (None, dt.date(2024, 2, 20), 7, dt.date(2024, 2, 20)),  # never contacted, a date already set
    (dt.date(2024, 1, 31), None, 30, dt.date(2024, 3, 1)),
    (dt.date(2023, 1, 31), None, 30, dt.date(2023, 3, 2)),  # the same 30 days in a common year
    (dt.date(2024, 1, 31), dt.date(2024, 2, 20), 7, dt.date(2024, 2, 7)),  # later than the policy: forward
    (dt.date(2024, 1, 31), dt.date(2024, 2, 3), 7, dt.date(2024, 2, 3)),  # earlier: kept
    (dt.date(2024, 1, 1), dt.date(2024, 2, 20), 7, dt.date(2024, 2, 20)),  # policy date past: kept
])
def test_next_cadence_date(last, current, days, expected):
    assert next_cadence_date(last_contact=last, current=current, days=days, today=dt.date(2024, 2, 1)) == expected
