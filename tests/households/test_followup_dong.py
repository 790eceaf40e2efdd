"""``FollowUp.dong`` is its household's dong on every path that writes follow-ups or moves households, kept by the
database (migration households 0024), and the dong queue reads it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from discovery import services as discovery_services
from households import services
from households.models import FollowUp, FollowUpReason
from households.selectors import unassigned_follow_ups
from tests.factories import HouseholdFactory, UserFactory
from tests.households.factories_worklists import FollowUpFactory

pytestmark = pytest.mark.django_db


def _dongs(*follow_ups) -> list[int | None]:
    return list(FollowUp.objects.filter(pk__in=[f.pk for f in follow_ups]).order_by("pk")
                .values_list("dong_id", flat=True))


def test_a_new_follow_up_takes_its_households_dong_however_it_is_written(dong, second_dong):
    here, there = HouseholdFactory(dong=dong), HouseholdFactory(dong=second_dong)
    created = FollowUpFactory(household=here)
    FollowUp.objects.bulk_create([FollowUp(household_id=there.pk, due_on=dt.date(2026, 12, 24),
                                           reason=FollowUpReason.SILENCE)], ignore_conflicts=True)
    bulk = FollowUp.objects.get(household=there, reason=FollowUpReason.SILENCE)
    with connection.cursor() as cursor:  # even a raw INSERT, which names no dong
        cursor.execute("INSERT INTO households_followup (household_id, due_on, reason, status, priority, note, "
                       "created_at) VALUES (%s, %s, 'overdue', 'open', 'normal', '', %s)",
                       [here.pk, dt.date(2026, 12, 24), dt.datetime(2026, 12, 1, tzinfo=dt.UTC)])
    raw = FollowUp.objects.get(household=here, reason="overdue")
    assert _dongs(created, bulk, raw) == [dong.pk, second_dong.pk, dong.pk]


def test_a_save_from_a_stale_instance_keeps_the_dong(dong):
    follow_up = FollowUpFactory(household=HouseholdFactory(dong=dong))
    assert follow_up.dong_id is None  # the instance never learnt it: the database set it
    follow_up.note = "전화 예정"
    follow_up.save()
    assert _dongs(follow_up) == [dong.pk]


def test_a_household_moved_to_another_dong_takes_its_follow_ups(official, dong, second_dong):
    household = HouseholdFactory(dong=dong)
    follow_up = FollowUpFactory(household=household)
    other = FollowUpFactory(household=HouseholdFactory(dong=dong))
    services.household_update(household=household, by=official, data={"dong": second_dong})
    assert _dongs(follow_up, other) == [second_dong.pk, dong.pk]


def test_follow_ups_moved_to_another_household_take_its_dong(dong, second_dong):
    superuser = UserFactory(is_superuser=True, is_staff=True)
    survivor, duplicate = HouseholdFactory(dong=second_dong), HouseholdFactory(dong=dong)
    moved = FollowUpFactory(household=duplicate, reason="overdue")
    discovery_services.household_merge(survivor=survivor, duplicate=duplicate, by=superuser, reason="중복")
    assert list(FollowUp.objects.filter(pk=moved.pk).values_list("household_id", "dong_id")) == [
        (survivor.pk, second_dong.pk)]


def test_the_dong_queue_follows_the_household_out_of_the_dong(official, dong, second_dong, other_dong_official):
    leaving, staying = HouseholdFactory(dong=dong), HouseholdFactory(dong=dong)
    FollowUpFactory(household=leaving, due_on=dt.date(2026, 12, 1))
    kept = FollowUpFactory(household=staying, due_on=dt.date(2026, 12, 2))
    FollowUpFactory(household=HouseholdFactory(dong=dong), assigned_to=official)  # assigned: not in the queue
    assert [f.household_id for f in unassigned_follow_ups(official)] == [leaving.pk, staying.pk]
    services.household_update(household=leaving, by=official, data={"dong": second_dong})
    assert [f.pk for f in unassigned_follow_ups(official)] == [kept.pk]
    assert [f.household_id for f in unassigned_follow_ups(other_dong_official)] == [leaving.pk]
