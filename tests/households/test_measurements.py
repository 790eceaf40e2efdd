"""Health measurements from devices (issue 17 item 7): the ranges, the refusals, idempotence, consent and the
visiting nurse's alert, through households.services.measurements_record."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from households.measurement_ranges import out_of_range
from households.models import CheckIn, FollowUp, Measurement
from households.services import MeasurementInput, RuleError, measurements_record
from tests.factories import ConsentFactory, ResidentFactory
from welfare.models import AccessLog, Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def head(household):
    resident = household.residents.get()
    ConsentFactory(resident=resident, scope="sensitive")
    return resident


def reading(household, kind="blood_pressure", value="120", value2="80", **extra) -> MeasurementInput:
    return MeasurementInput(household=household, kind=kind, value=Decimal(value),
                            value2=Decimal(value2) if value2 is not None else None,
                            measured_at=extra.pop("measured_at", timezone.now() - dt.timedelta(minutes=5)), **extra)


@pytest.mark.parametrize(("kind", "value", "value2", "outside"), [
    ("blood_pressure", "120", "80", False),
    ("blood_pressure", "140", "80", True),
    ("blood_pressure", "130", "90", True),
    ("blood_pressure", "90", "70", True),
    ("blood_pressure", "100", "60", True),
    ("blood_pressure", "139", "89", False),
    ("glucose", "69", None, True),
    ("glucose", "70", None, False),
    ("glucose", "179", None, False),
    ("glucose", "180", None, True),
    ("steps", "299", None, True),
    ("steps", "300", None, False),
])
def test_the_normal_ranges(kind, value, value2, outside):
    assert out_of_range(kind, Decimal(value), Decimal(value2) if value2 else None, None) is outside


def test_a_weight_is_out_of_range_when_it_moved_more_than_five_percent():
    assert out_of_range("weight", Decimal("63.1"), None, Decimal("60")) is True
    assert out_of_range("weight", Decimal("63.0"), None, Decimal("60")) is False
    assert out_of_range("weight", Decimal("56.9"), None, Decimal("60")) is True
    assert out_of_range("weight", Decimal("80"), None, None) is False


def test_a_normal_reading_is_stored_without_an_alert(nurse, household, head):
    batch = measurements_record(by=nurse, rows=[reading(household, resident=head, external_id="m-1")])

    measurement = Measurement.objects.get()
    assert (batch.created, batch.errors, batch.alerts) == ([measurement], {}, [])
    assert (measurement.value, measurement.value2, measurement.is_out_of_range) == (120, 80, False)
    assert measurement.display_value == "120/80 mmHg"
    assert AccessLog.objects.filter(verb="households.measurement.recorded", object_id=str(measurement.pk)).exists()
    assert not FollowUp.objects.exists()


@pytest.mark.parametrize(("kind", "value", "value2", "field"), [
    ("blood_pressure", "400", "80", "value"),
    ("blood_pressure", "120", None, "value2"),
    ("blood_pressure", "120", "130", "value2"),
    ("steps", "-5", None, "value"),
    ("steps", "100.5", None, "value"),
    ("glucose", "95", "3", "value2"),
    ("weight", "0.5", None, "value"),
])
def test_a_physically_impossible_value_is_refused_with_its_field(official, household, head, kind, value, value2,
                                                                 field):
    batch = measurements_record(by=official, rows=[reading(household, kind=kind, value=value, value2=value2)])

    assert set(batch.errors[0]) == {field}
    assert not Measurement.objects.exists()


def test_a_reading_in_the_future_or_of_another_household_is_refused(official, household, head, other_household):
    stranger = other_household.residents.get()
    batch = measurements_record(by=official, rows=[
        reading(household, measured_at=timezone.now() + dt.timedelta(hours=2)),
        reading(household, resident=stranger),
    ])

    assert set(batch.errors) == {0, 1}
    assert set(batch.errors[0]) == {"measured_at"} and set(batch.errors[1]) == {"resident"}


def test_the_same_external_id_twice_stores_one_reading(official, household, head):
    first = measurements_record(by=official, rows=[reading(household, external_id="gw-7")])
    again = measurements_record(by=official, rows=[reading(household, value="150", external_id="gw-7")])

    assert Measurement.objects.count() == 1
    assert again.existing == first.created and again.created == []
    assert Measurement.objects.get().value == 120


def test_a_bad_row_is_reported_with_its_index_while_the_good_rows_go_in(official, household, head):
    batch = measurements_record(by=official, rows=[
        reading(household, external_id="a"), reading(household, kind="steps", value="-1", value2=None),
        reading(household, kind="glucose", value="110", value2=None, external_id="c"),
    ])

    assert list(batch.errors) == [1]
    assert sorted(Measurement.objects.values_list("external_id", flat=True)) == ["a", "c"]


def test_without_consent_to_sensitive_data_nothing_is_stored(official, household):
    head = household.residents.get()
    ConsentFactory(resident=head, scope="collect_use")
    withdrawn = ResidentFactory(household=household, relation="spouse")
    ConsentFactory(resident=withdrawn, scope="sensitive", withdrawn_on=timezone.localdate())

    batch = measurements_record(by=official, rows=[reading(household), reading(household, resident=withdrawn)])

    assert set(batch.errors[0]) == {"household"} and set(batch.errors[1]) == {"resident"}
    assert "동의" in batch.errors[0]["household"]
    assert not Measurement.objects.exists()


def test_a_role_without_the_capability_may_not_record(planner, district_admin, household, head):
    for user in (planner, district_admin):
        with pytest.raises(RuleError):
            measurements_record(by=user, rows=[reading(household)])


def test_an_out_of_range_reading_raises_one_alert_for_the_nurse_and_marks_its_check_in(nurse, household, head):
    check_in = CheckIn.objects.create(household=household, source="iot")

    batch = measurements_record(by=None, rows=[reading(household, value="165", value2="100")], check_in=check_in)

    follow_up = FollowUp.objects.get(household=household, reason="health", status="open")
    assert batch.alerts == [follow_up]
    assert (follow_up.assigned_to, follow_up.priority, follow_up.due_on) == (nurse, "high", timezone.localdate())
    assert "165" not in follow_up.note and "혈압" not in follow_up.note  # follow-ups are read without the capability
    assert Notification.objects.filter(user=nurse, household_id=household.pk).count() == 1
    check_in.refresh_from_db()
    assert check_in.is_alert is True


def test_a_second_out_of_range_reading_while_the_alert_is_open_raises_no_second(nurse, household, head):
    measurements_record(by=None, rows=[reading(household, kind="glucose", value="45", value2=None)])
    again = measurements_record(by=None, rows=[reading(household, kind="glucose", value="300", value2=None),
                                               reading(household, value="180", value2="110")])

    assert again.alerts == []
    assert FollowUp.objects.filter(household=household, reason="health").count() == 1
    assert Notification.objects.filter(user=nurse).count() == 1
    assert Measurement.objects.filter(is_out_of_range=True).count() == 3


def test_without_a_nurse_the_alert_goes_to_the_households_official(official, household, head):
    household.assigned_official = official
    household.save()

    measurements_record(by=official, rows=[reading(household, kind="steps", value="120", value2=None)])

    assert FollowUp.objects.get(reason="health").assigned_to == official
    assert Notification.objects.filter(user=official).exists()


def test_a_weight_change_is_judged_against_the_same_persons_previous_reading(official, household, head):
    day = timezone.now() - dt.timedelta(days=3)
    measurements_record(by=official, rows=[
        reading(household, kind="weight", value="60", value2=None, resident=head, measured_at=day),
        reading(household, kind="weight", value="80", value2=None, measured_at=day),  # the shared scale
        reading(household, kind="weight", value="57.5", value2=None, resident=head,
                measured_at=day + dt.timedelta(days=1)),
    ])
    later = measurements_record(by=official, rows=[
        reading(household, kind="weight", value="54.0", value2=None, resident=head)])

    flags = list(Measurement.objects.order_by("measured_at", "id").values_list("value", "is_out_of_range"))
    assert flags == [(60, False), (80, False), (Decimal("57.5"), False), (54, True)]
    assert later.created[0].is_out_of_range


def test_anonymising_a_household_deletes_its_readings(official, household, head, other_household):
    from households.jobs.retention import anonymise_households

    measurements_record(by=official, rows=[reading(household)])
    Measurement.objects.create(household=other_household, kind="steps", value=4000, measured_at=timezone.now())

    anonymise_households([household.pk], now=timezone.now())

    assert list(Measurement.objects.values_list("household_id", flat=True)) == [other_household.pk]


def test_once_the_alert_is_done_the_next_out_of_range_reading_raises_a_new_one(nurse, household, head):
    measurements_record(by=None, rows=[reading(household, kind="glucose", value="45", value2=None)])
    FollowUp.objects.filter(reason="health").update(status="done")

    again = measurements_record(by=None, rows=[reading(household, kind="glucose", value="300", value2=None)])

    assert len(again.alerts) == 1 and FollowUp.objects.filter(reason="health").count() == 2


def test_a_district_may_replace_a_kinds_range_in_the_settings(settings):
    from households.measurement_ranges import DEFAULT_RANGES, KindRanges, Range

    settings.HEALTH_MEASUREMENT_RANGES = {"glucose": KindRanges(
        unit="mg/dL", possible=DEFAULT_RANGES["glucose"].possible, normal=Range(low=Decimal(70), high=Decimal(126)))}

    assert out_of_range("glucose", Decimal(130), None, None) is True
    assert out_of_range("steps", Decimal(250), None, None) is True  # the other kinds keep their defaults
