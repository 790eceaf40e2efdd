"""Issue 19 item 4: every access-log entry carries, from when it is written, what the district's review asks of it
(office hours, the account's district, the household's dong and district, outside the account's own dongs), so the
review reads a month of entries by indexed columns instead of looking each entry's account and household up."""

from __future__ import annotations

import datetime as dt
import importlib
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from households.models import Household, Visit
from tests.factories import HouseholdFactory, staff_user
from welfare.access_review import selectors
from welfare.audit import log_action, log_actions
from welfare.models import AccessLog, Role

pytestmark = pytest.mark.django_db

SEOUL = ZoneInfo("Asia/Seoul")
TUESDAY = dt.datetime(2026, 11, 10, 10, 0, tzinfo=SEOUL)
COLUMNS = ("off_hours", "actor_district_id", "subject_dong_id", "subject_district_id", "outside_assignment")


def at(moment: dt.datetime, *args, **kwargs) -> AccessLog:
    with time_machine.travel(moment, tick=False):
        return log_action(*args, **kwargs)


def columns(entry: AccessLog) -> tuple:
    entry = AccessLog.objects.get(pk=entry.pk)
    return tuple(getattr(entry, name) for name in COLUMNS)


def test_an_entry_records_where_its_household_was_and_whether_it_was_the_officials_own(
        official, household, other_household, other_district_dong):
    far = HouseholdFactory(dong=other_district_dong)
    own = at(TUESDAY, household, "households.household.viewed", user=official)
    next_door = at(TUESDAY, other_household, "households.household.viewed", user=official)
    elsewhere = at(TUESDAY, far, "households.household.viewed", user=official)
    district = household.dong.district

    assert columns(own) == (False, district.pk, household.dong_id, district.pk, False)
    assert columns(next_door) == (False, district.pk, other_household.dong_id, district.pk, True)
    assert columns(elsewhere) == (False, district.pk, far.dong_id, far.dong.district_id, True)


def test_a_district_role_is_outside_only_beyond_its_district(district_admin, household, other_household,
                                                            other_district_dong):
    far = HouseholdFactory(dong=other_district_dong)

    flags = [columns(at(TUESDAY, h, "households.household.viewed", user=district_admin))[-1]
             for h in (household, other_household, far)]

    assert flags == [False, False, True]


def test_a_record_of_a_household_finds_the_households_dong_in_one_query(official, other_household):
    visit = Visit.objects.create(household=other_household, kind="home", visited_at=TUESDAY, contact_result="met",
                                 risk_level="high", observations="관찰", recorded_by=official)
    visit = Visit.objects.get(pk=visit.pk)  # its household not in memory
    official = get_user_model().objects.get(pk=official.pk)
    official.staff.dongs.all()  # noqa: B018 - what a request's scoping has already asked

    with CaptureQueriesContext(connection) as ctx:
        entry = at(TUESDAY, visit, "households.visit.viewed", user=official)

    households = [q["sql"] for q in ctx.captured_queries if '"households_household"' in q["sql"]]
    assert len(households) == 1
    assert columns(entry)[2:] == (other_household.dong_id, other_household.dong.district_id, True)


def test_a_household_in_memory_with_its_dong_costs_no_query_for_its_place(official, household):
    household = Household.objects.select_related("dong").get(pk=household.pk)
    official.staff  # noqa: B018
    from welfare.scoping import visible_dong_ids
    visible_dong_ids(official)
    # The household's content type, cached per process as every earlier entry leaves it (a test run alone began
    # with an empty cache and counted its SELECT).
    ContentType.objects.get_for_model(household)

    with CaptureQueriesContext(connection) as ctx:
        at(TUESDAY, household, "households.household.viewed", user=official)

    assert [q["sql"].split()[0] for q in ctx.captured_queries] == ["INSERT"]


@pytest.mark.parametrize(("moment", "off"), [
    (TUESDAY, False),
    (TUESDAY.replace(hour=6, minute=59), True),
    (TUESDAY.replace(hour=7), False),
    (TUESDAY.replace(hour=20, minute=59), False),
    (TUESDAY.replace(hour=21), True),
    (dt.datetime(2026, 11, 14, 11, 0, tzinfo=SEOUL), True),  # Saturday
    (dt.datetime(2026, 11, 15, 11, 0, tzinfo=SEOUL), True),  # Sunday
])
def test_office_hours_are_judged_on_the_entrys_own_time_in_seoul(official, household, moment, off):
    entry = at(moment, household, "households.household.viewed", user=official)

    assert entry.at == moment
    assert columns(entry)[0] is off


def test_the_columns_say_what_was_true_when_the_entry_was_written(official, household, second_dong):
    before = at(TUESDAY, household, "households.household.viewed", user=official)
    official.staff.dongs.set([second_dong])  # moved to another dong afterwards
    official = get_user_model().objects.get(pk=official.pk)
    after = at(TUESDAY.replace(hour=11), household, "households.household.viewed", user=official)

    assert (columns(before)[-1], columns(after)[-1]) == (False, True)
    rows = {e.pk: e.outside for e in selectors.entries(household.dong.district, selectors.Filters(
        start=dt.date(2026, 11, 1), end=dt.date(2026, 11, 30)))}
    assert rows == {before.pk: 0, after.pk: 1}


def test_bulk_entries_ask_once_for_all_their_households(official, household, other_household):
    households = list(Household.objects.filter(pk__in=[household.pk, other_household.pk]))

    with CaptureQueriesContext(connection) as ctx, time_machine.travel(TUESDAY, tick=False):
        log_actions(households, "households.household.rescheduled", user=official)

    assert sum('"households_household"' in q["sql"] for q in ctx.captured_queries) == 1
    flags = dict(AccessLog.objects.filter(verb="households.household.rescheduled")
                 .values_list("household_id", "outside_assignment"))
    assert flags == {household.pk: False, other_household.pk: True}


def test_entries_without_an_account_or_a_household_are_never_outside(official, household, seongdong):
    anonymous = at(TUESDAY, household, "households.household.viewed", user=None)
    listed = at(TUESDAY, None, "households.household.listed", user=official)

    assert columns(anonymous) == (False, None, household.dong_id, seongdong.pk, False)
    assert columns(listed) == (False, seongdong.pk, None, None, False)


def test_the_review_reads_only_the_log_never_the_households_or_the_memberships(client_for, district_admin,
                                                                               official, household):
    at(TUESDAY, household, "households.household.viewed", user=official)

    with CaptureQueriesContext(connection) as ctx:
        response = client_for(district_admin).get("/district/access/", {"start": "2026-11-01",
                                                                        "end": "2026-11-30"})

    assert response.status_code == 200
    log_queries = [q["sql"] for q in ctx.captured_queries if '"welfare_accesslog"' in q["sql"]
                   and not q["sql"].startswith("INSERT")]
    assert len(log_queries) == 3  # the busy days, the count, the page
    for sql in log_queries:
        assert '"households_household"' not in sql
        assert '"welfare_staffmembership' not in sql
        assert "OVER" not in sql  # no window over the month


def _run_backfill():
    backfill = importlib.import_module("households.migrations.0027_accesslog_review_columns_backfill").backfill

    class Editor:  # what the migration uses of a schema editor
        def __init__(self):
            self.connection = connection

        def execute(self, sql):
            with connection.cursor() as cursor:
                cursor.execute(sql)

    backfill(None, Editor())


def test_the_upgrade_fills_old_entries_as_entries_are_filled_when_written(official, lead, district_admin, household,
                                                                         other_household, other_district_dong):
    stranger = staff_user(Role.DONG_OFFICIAL, district=other_district_dong.district, dongs=[other_district_dong],
                          username="stranger")
    far = HouseholdFactory(dong=other_district_dong)
    written = []
    for moment in (TUESDAY, TUESDAY.replace(hour=6), TUESDAY.replace(hour=21, minute=30),
                   dt.datetime(2026, 11, 15, 12, 0, tzinfo=SEOUL)):
        for user in (official, lead, district_admin, stranger, None):
            for subject in (household, other_household, far, None):
                written.append(at(moment, subject, "households.household.viewed", user=user))
    stamped = {e.pk: columns(e) for e in written}
    # Entries as they were before the columns existed: the same facts, the columns at their defaults.
    old = AccessLog.objects.bulk_create([
        AccessLog(at=e.at, user_id=e.user_id, username=e.username, action=e.action, verb=e.verb,
                  household_id=e.household_id) for e in written])
    assert {columns(e) for e in old} <= {(False, None, None, None, False)}

    _run_backfill()

    refilled = {e.pk: columns(e) for e in written}
    assert refilled == stamped  # the written entries keep their values
    assert [columns(e) for e in old] == [stamped[e.pk] for e in written]
    assert len({v for v in stamped.values()}) > 8  # the grid covers many different answers


def test_a_large_batch_finds_its_households_a_chunk_at_a_time(official, household, other_household, monkeypatch):
    from households import access_review

    monkeypatch.setattr(access_review, "CHUNK", 1)
    found = access_review.places([household.pk, other_household.pk, household.pk, 10**9])

    assert found == {household.pk: (household.dong_id, household.dong.district_id),
                     other_household.pk: (other_household.dong_id, other_household.dong.district_id)}
