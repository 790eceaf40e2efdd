"""Retention (daily): closed records past the retention period lose their personal fields, keeping the counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from discovery.models import CrisisReport, ReporterIdentity
from households.jobs import retention
from households.models import Case, CheckIn, Household, Resident, SensitiveProfile, Visit
from tests.factories import HouseholdFactory, ResidentFactory
from welfare.models import AccessLog

from .factories_cases import make_case
from .factories_jobs import CrisisReportFactory, seoul
from .factories_visits import CheckInFactory, VisitFactory

pytestmark = pytest.mark.django_db

NOW = seoul(2024, 6, 1, 3)


def closed_household(household, *, closed_on: dt.date, visited_on: dt.date | None = None) -> Case:
    case = make_case(household, stage="closed", opened_on=closed_on - dt.timedelta(days=200), closed_on=closed_on,
                     closing_reason="goals_met", closing_note="자녀와 함께 이사", summary="김순자 님, 월세 체납")
    if visited_on is not None:
        VisitFactory(household=household, case=case, observations="집 안이 정돈됨",
                     visited_at=seoul(visited_on.year, visited_on.month, visited_on.day, 10))
    return case


@pytest.fixture
def expired(household):
    """A household whose only case closed six years ago, with a visit, sensitive details and a named report."""
    head = household.residents.get()
    head.phone, head.birth_date = "01012345678", dt.date(1948, 7, 9)
    head.set_rrn("4807092345678")
    head.save()
    SensitiveProfile.objects.create(resident=head, physical_health="당뇨")
    closed_household(household, closed_on=dt.date(2018, 5, 20), visited_on=dt.date(2018, 3, 2))
    report = CrisisReportFactory(dong=household.dong, household=household, subject_name="김순자",
                                 subject_phone="01012345678", subject_address="왕십리로 1", details="이웃 제보",
                                 received_at=seoul(2017, 12, 1, 10), status="resolved", outcome="case_opened")
    ReporterIdentity.objects.create(report=report, name="이웃 박씨", phone="01099998888")
    return household


def test_an_expired_household_is_anonymised_and_keeps_its_counts(expired):
    counts = retention(NOW)

    household = Household.objects.get(pk=expired.pk)
    assert household.road_address == "(익명화됨) 왕십리도선동"
    assert (household.address_detail, household.address_key, household.anonymised_at) == ("", "", NOW)
    head = Resident.objects.get(household=household)
    assert (head.name, head.phone, head.rrn_hash, head.rrn_encrypted) == ("익명", "", "", "")
    assert head.birth_date == dt.date(1948, 1, 1)
    with connection.cursor() as cursor:  # no ciphertext (not even of "") is left behind
        cursor.execute("SELECT rrn_encrypted FROM households_resident WHERE id = %s", [head.pk])
        assert cursor.fetchone()[0] == ""
    assert not SensitiveProfile.objects.exists()
    case = Case.objects.get(household=household)
    assert (case.summary, case.closing_note, case.anonymised_at) == ("", "", NOW)
    assert case.closing_reason == "goals_met" and case.closed_on == dt.date(2018, 5, 20)
    assert Visit.objects.get(household=household).observations == ""
    report = CrisisReport.objects.get(household=household)
    assert (report.subject_name, report.subject_phone, report.subject_address, report.details) == ("", "", "", "")
    assert not ReporterIdentity.objects.exists()
    # the rows stay, so every figure counted from them stays the same
    assert (Visit.objects.count(), Case.objects.count(), CrisisReport.objects.count(), Resident.objects.count()) == (
        1, 1, 1, 1)
    log = AccessLog.objects.get(verb="households.household.anonymised")
    assert (log.household_id, log.object_repr, log.user) == (household.pk, "(익명화됨) 왕십리도선동", None)
    assert log.reason == "보존기간 5년 경과"
    assert counts == {"households": 1, "residents": 1, "cases": 1, "reports": 1}


def test_a_second_run_finds_nothing_left_to_do(expired):
    retention(NOW)

    again = retention(NOW + dt.timedelta(days=1))

    assert again == {"households": 0}
    assert AccessLog.objects.filter(verb="households.household.anonymised").count() == 1


@pytest.mark.parametrize("story", ["closed_recently", "open_relapse", "visited_lately", "reported_lately",
                                   "checked_in_lately", "under_care"])
def test_a_household_with_anything_within_the_period_is_kept(dong, household, story):
    # given a case closed six years ago, and one more thing within the last five years
    old = closed_household(household, closed_on=dt.date(2018, 5, 20))
    if story == "closed_recently":
        make_case(household, stage="closed", opened_on=dt.date(2020, 1, 1), closed_on=dt.date(2020, 6, 1))
    elif story == "open_relapse":
        make_case(household, stage="in_service", opened_on=dt.date(2024, 1, 1), previous_case=old)
    elif story == "visited_lately":
        VisitFactory(household=household, visited_at=seoul(2023, 2, 1, 10))
    elif story == "reported_lately":
        CrisisReportFactory(dong=dong, household=household, received_at=seoul(2022, 2, 1, 10))
    elif story == "checked_in_lately":
        CheckInFactory(household=household, at=seoul(2024, 5, 1, 10))
    elif story == "under_care":
        Household.objects.filter(pk=household.pk).update(status="monitoring")

    assert retention(NOW) == {"households": 0}

    household.refresh_from_db()
    assert household.anonymised_at is None and household.road_address.startswith("서울특별시")


def test_the_period_is_exactly_the_setting_in_years(household, settings):
    # closed on 1 June 2019: exactly five years before 1 June 2024 is not more than five years
    closed_household(household, closed_on=dt.date(2019, 6, 1))
    assert retention(NOW) == {"households": 0}

    assert retention(seoul(2024, 6, 2, 3))["households"] == 1

    # with a ten-year period a case closed in 2018 is kept
    settings.RETENTION_YEARS = 10
    other = ResidentFactory(household=HouseholdFactory(dong=household.dong)).household
    closed_household(other, closed_on=dt.date(2018, 1, 1))
    assert retention(seoul(2024, 6, 3, 3)) == {"households": 0}


def test_households_that_never_had_a_case_are_not_touched(household):
    CheckInFactory(household=household, at=seoul(2010, 1, 1, 10))

    assert retention(NOW) == {"households": 0}
    assert CheckIn.objects.get().household.anonymised_at is None
