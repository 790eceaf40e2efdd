"""Screening: the households a report may be about, with the reasons each matched, best first."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from discovery import services
from tests.factories import HouseholdFactory, ResidentFactory

from .factories_reports import household_at, new_report

pytestmark = pytest.mark.django_db


def reasons_by_household(report, user=None):
    return {c.household.pk: c.reasons for c in services.report_candidates(report, user=user)}


def test_same_normalised_address_matches(dong, official):
    household = household_at(dong, "서울특별시 성동구 왕십리로 123", "101동 1203호")
    report = new_report(dong, by=official, subject_address="왕십리로123, 101동 1203호")

    assert reasons_by_household(report) == {household.pk: ["주소 일치"]}


def test_building_address_without_the_flat_matches_as_similar(dong, official):
    household = household_at(dong, "서울시 성동구 왕십리로 123", "101동 1203호")
    not_it = household_at(dong, "서울시 성동구 왕십리로 1234", "1층")
    report = new_report(dong, by=official, subject_address="왕십리로 123")

    found = reasons_by_household(report)
    assert found == {household.pk: ["주소 유사(건물 일치)"]}
    assert not_it.pk not in found


def test_report_with_more_detail_than_the_household_record_matches(dong, official):
    household = household_at(dong, "왕십리로 77")
    report = new_report(dong, by=official, subject_address="서울특별시 성동구 왕십리로 77, 2층")
    assert reasons_by_household(report) == {household.pk: ["주소 유사(건물 일치)"]}


def test_same_phone_matches_whatever_its_spelling(dong, official):
    household = household_at(dong, "무학로 1", phone="01055556666")
    report = new_report(dong, by=official, subject_phone="010-5555-6666")
    assert reasons_by_household(report) == {household.pk: ["연락처 일치"]}


def test_same_and_similar_names_match(dong, official):
    same = household_at(dong, "무학로 2", head="박영자")
    similar = household_at(dong, "무학로 3", head="박영순")
    other = household_at(dong, "무학로 4", head="이영자")
    report = new_report(dong, by=official, subject_name="박영자")

    found = reasons_by_household(report)
    assert found[same.pk] == ["이름 일치"] and found[similar.pk] == ["비슷한 이름"]
    assert other.pk not in found


def test_registration_number_in_the_report_text_matches_by_its_keyed_hash(dong, official):
    household = household_at(dong, "무학로 9", head="정미숙", rrn="4503152234567")
    report = new_report(dong, by=official, channel="referral",
                        details="병원 의뢰. 주민번호 450315-2234567 환자, 퇴원 후 돌봄 없음")
    assert reasons_by_household(report) == {household.pk: ["주민등록번호 일치"]}


def test_candidates_are_ordered_best_first_with_every_reason(dong, official):
    # Given one household matching by phone, address and name, and one by name only
    best = household_at(dong, "왕십리로 50", "3층", head="최말순", phone="0212345678")
    weak = household_at(dong, "행당로 8", head="최말순")
    report = new_report(dong, by=official, subject_name="최말순", subject_address="왕십리로 50, 3층",
                        subject_phone="02-1234-5678")

    candidates = services.report_candidates(report)

    assert [c.household.pk for c in candidates] == [best.pk, weak.pk]
    assert candidates[0].reasons == ["연락처 일치", "주소 일치", "이름 일치"]


def test_households_of_other_districts_and_unseen_dongs_are_not_proposed(dong, second_dong, other_district_dong,
                                                                         official):
    household_at(other_district_dong, "왕십리로 123")
    elsewhere = household_at(second_dong, "왕십리로 123")
    mine = household_at(dong, "왕십리로 123")
    report = new_report(dong, by=official, subject_address="왕십리로 123")

    assert set(reasons_by_household(report)) == {mine.pk, elsewhere.pk}  # the district, for the service
    assert set(reasons_by_household(report, user=official)) == {mine.pk}  # what the official may see


def test_a_former_resident_does_not_make_a_household_a_candidate(dong, official):
    household = HouseholdFactory(dong=dong, road_address="행당로 1")
    ResidentFactory(household=household, name="강감찬", relation="head", left_on="2024-01-01")
    report = new_report(dong, by=official, subject_name="강감찬")
    assert services.report_candidates(report) == []


def test_matching_costs_two_queries_whatever_the_number_of_candidates(dong, official):
    # Given 3 matching households, then 20
    report = new_report(dong, by=official, subject_name="김순자", subject_address="왕십리로 200")
    for i in range(3):
        household_at(dong, "왕십리로 200", f"{i}호")
    with CaptureQueriesContext(connection) as few:
        assert len(services.report_candidates(report, user=official)) == 3
    for i in range(17):
        household_at(dong, "왕십리로 200", f"{i + 10}호")
    with CaptureQueriesContext(connection) as many:
        assert len(services.report_candidates(report, user=official, limit=10)) == 10

    # Then the same: the households matching any criterion, and their current residents
    assert len(few.captured_queries) == len(many.captured_queries) == 2


def test_each_criterion_is_its_own_look_up_joined_by_union_not_one_or(dong, official):
    """Written as one OR (residents EXISTS or address), the match could use no index and read every household of
    the district: 72 ms of the report page at 47,000 households (issue 19). Each criterion is now a look-up on its
    own index (residents by phone and name, households by address key), the district's households filtered by
    the UNION of their ids; the matches are the same (the tests above)."""
    household = household_at(dong, "무학로 5", head="정미숙", phone="01012345678")
    report = new_report(dong, by=official, subject_name="정미숙", subject_phone="010-1234-5678",
                        subject_address="무학로 5")

    with CaptureQueriesContext(connection) as queries:
        found = reasons_by_household(report)

    assert found == {household.pk: ["연락처 일치", "주소 일치", "이름 일치"]}
    households_sql = next(q["sql"] for q in queries.captured_queries
                          if q["sql"].startswith('SELECT "households_household"."id"'))
    where = households_sql.split(" WHERE ", 1)[1]
    assert " UNION " in where
    assert "EXISTS" not in where  # the old OR: EXISTS(residents …) OR address_key = … OR address_key LIKE …
