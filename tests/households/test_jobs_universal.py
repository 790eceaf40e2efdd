"""Universal visits (daily): residents turning 65 in the coming month and newborn families, once."""

from __future__ import annotations

import datetime as dt

import pytest

from discovery.jobs import universal_visits
from discovery.models import UniversalVisitTarget
from discovery.services.universal import births_turning, person_key
from households.models import FollowUp
from tests.factories import HouseholdFactory, ResidentFactory
from welfare.common.dates import add_months

from .factories_jobs import seoul

pytestmark = pytest.mark.django_db


def resident_born(dong, born: dt.date, *, official=None, household=None, **extra):
    household = household or HouseholdFactory(dong=dong, assigned_official=official)
    return ResidentFactory(household=household, birth_date=born, relation=extra.pop("relation", "head"), **extra)


def test_someone_born_on_29_february_turns_65_on_28_february_of_a_common_year(dong, official):
    resident = resident_born(dong, dt.date(1960, 2, 29), official=official)

    counts = universal_visits(seoul(2025, 2, 1))

    target = UniversalVisitTarget.objects.get()
    assert (target.kind, target.resident, target.household, target.due_on) == (
        "turning_65", resident, resident.household, dt.date(2025, 2, 28))
    assert target.person_key == person_key(resident.pk) and len(target.person_key) == 64
    assert target.district == dong.district
    follow_up = target.follow_up
    assert (follow_up.reason, follow_up.due_on, follow_up.assigned_to, follow_up.status) == (
        "universal", dt.date(2025, 2, 28), official, "open")
    assert counts == {"targets": 1, "follow_ups": 1, "linked": 1}


@pytest.mark.parametrize(("today", "included"), [
    (dt.date(2025, 1, 28), True),  # 28 Feb is exactly one month ahead
    (dt.date(2025, 2, 28), True),  # the birthday itself
    (dt.date(2025, 3, 1), False),  # already 65
    (dt.date(2025, 1, 27), False),  # more than a month ahead
])
def test_the_coming_month_includes_today_and_the_same_day_next_month(dong, today, included):
    resident_born(dong, dt.date(1960, 2, 29))

    universal_visits(seoul(today.year, today.month, today.day))

    assert UniversalVisitTarget.objects.exists() is included


def test_the_window_crosses_the_year_end(dong):
    # given today 15 December 2024: birthdays up to 15 January 2025 are in the window
    in_january = resident_born(dong, dt.date(1960, 1, 10))
    resident_born(dong, dt.date(1960, 1, 16))  # 16 January 2025: too far
    in_december = resident_born(dong, dt.date(1959, 12, 31))
    resident_born(dong, dt.date(1959, 12, 14))  # turned 65 yesterday

    universal_visits(seoul(2024, 12, 15))

    assert set(UniversalVisitTarget.objects.values_list("resident_id", "due_on")) == {
        (in_january.pk, dt.date(2025, 1, 10)), (in_december.pk, dt.date(2024, 12, 31))}


def test_universal_visits_are_made_once_not_once_per_run(dong, official):
    resident = resident_born(dong, dt.date(1960, 3, 20), official=official)

    universal_visits(seoul(2025, 3, 1))
    second = universal_visits(seoul(2025, 3, 1, 6))

    assert second == {"targets": 0, "follow_ups": 0, "linked": 0}
    assert UniversalVisitTarget.objects.count() == 1
    assert FollowUp.objects.count() == 1

    # when the visit is done, the following days make no new one for the same person
    FollowUp.objects.update(status="done")
    universal_visits(seoul(2025, 3, 2))
    universal_visits(seoul(2025, 3, 15))
    assert FollowUp.objects.filter(household=resident.household).count() == 1


def test_residents_who_left_are_not_visited(dong):
    resident_born(dong, dt.date(1960, 3, 20), left_on=dt.date(2024, 5, 1), left_reason="moved_out")

    universal_visits(seoul(2025, 3, 1))

    assert not UniversalVisitTarget.objects.exists()


def test_a_couple_turning_65_share_one_open_follow_up(dong):
    husband = resident_born(dong, dt.date(1960, 3, 25))
    wife = resident_born(dong, dt.date(1960, 3, 12), household=husband.household, relation="spouse")

    universal_visits(seoul(2025, 3, 1))

    follow_up = FollowUp.objects.get()
    assert follow_up.due_on == dt.date(2025, 3, 12)
    assert set(UniversalVisitTarget.objects.values_list("resident_id", "follow_up_id")) == {
        (husband.pk, follow_up.pk), (wife.pk, follow_up.pk)}


def test_a_newborn_family_from_an_imported_list_gets_its_follow_up(dong, official):
    # given a newborn target imported without a follow-up
    household = HouseholdFactory(dong=dong, assigned_official=official)
    target = UniversalVisitTarget.objects.create(district=dong.district, kind="newborn", household=household,
                                                 person_key="a" * 64, due_on=dt.date(2025, 4, 10))

    counts = universal_visits(seoul(2025, 3, 1))

    target.refresh_from_db()
    assert (target.follow_up.reason, target.follow_up.due_on, target.follow_up.assigned_to) == (
        "universal", dt.date(2025, 4, 10), official)
    assert target.follow_up.note == "출생 가정"
    assert counts == {"targets": 0, "follow_ups": 1, "linked": 1}


@pytest.mark.parametrize(("first", "last", "expected"), [
    (dt.date(2025, 2, 28), dt.date(2025, 2, 28), (dt.date(1960, 2, 28), dt.date(1960, 2, 29))),
    (dt.date(2025, 3, 1), dt.date(2025, 3, 31), (dt.date(1960, 3, 1), dt.date(1960, 3, 31))),
    (dt.date(2024, 2, 29), dt.date(2024, 3, 29), (dt.date(1959, 3, 1), dt.date(1959, 3, 29))),
    (dt.date(2024, 12, 15), dt.date(2025, 1, 15), (dt.date(1959, 12, 15), dt.date(1960, 1, 15))),
])
def test_births_turning_65(first, last, expected):
    assert births_turning(65, first, last) == expected


@pytest.mark.parametrize(("day", "expected"), [
    (dt.date(2024, 1, 31), dt.date(2024, 2, 29)),
    (dt.date(2025, 1, 31), dt.date(2025, 2, 28)),
    (dt.date(2024, 12, 15), dt.date(2025, 1, 15)),
    (dt.date(2024, 3, 31), dt.date(2024, 4, 30)),
])
def test_add_months_clamps_to_the_end_of_the_month(day, expected):
    assert add_months(day, 1) == expected


def test_a_person_from_an_imported_turning_65_list_is_not_visited_twice(dong, official):
    # given the import made this resident's target under its own key, and the visit was done
    resident = resident_born(dong, dt.date(1960, 3, 20), official=official)
    follow_up = FollowUp.objects.create(household=resident.household, due_on=dt.date(2025, 3, 20),
                                        reason="universal", status="done")
    UniversalVisitTarget.objects.create(district=dong.district, kind="turning_65", household=resident.household,
                                        resident=resident, person_key="b" * 64, due_on=dt.date(2025, 3, 20),
                                        follow_up=follow_up)

    counts = universal_visits(seoul(2025, 3, 1))

    assert counts["targets"] == 0
    assert UniversalVisitTarget.objects.count() == 1
    assert FollowUp.objects.count() == 1
