"""The one search box (issue 15 item 5): the query's shapes, each group's matches within the user's scope, the
page (header box, groups, "more" links, empty states), one access-log entry per search, and a constant number of
queries. Runs on SQLite (plain lookups) and PostgreSQL (the same lookups through the trigram/pattern indexes)."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.discovery.factories_network import member, report
from tests.factories import HouseholdFactory, ResidentFactory, staff_user
from tests.households.factories_cases import household_with_client, make_case
from welfare.models import AccessLog, Role
from welfare.search import GROUP_LIMIT, parse, search

pytestmark = pytest.mark.django_db

SEARCH = reverse("search")


def keys(result, group: str) -> list[str]:
    found = next((g for g in result.groups if g.source.key == group), None)
    return [h.title for h in found.hits] if found else []


def person(dong, name: str, phone: str = "", *, road: str = "서울특별시 성동구 왕십리로 10", detail: str = "1동 101호"):
    household = HouseholdFactory(dong=dong, road_address=road, address_detail=detail)
    return ResidentFactory(household=household, name=name, phone=phone, relation="head")


# --- The query ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("raw, text, digits, code, number", [
    ("  김순자  ", "김순자", "", "", None),
    ("010-2345-6789", "010-2345-6789", "01023456789", "", None),
    ("+82 10 2345 6789", "+82 10 2345 6789", "01023456789", "", None),
    ("5678", "5678", "5678", "", 5678),
    ("#12", "#12", "", "", 12),
    ("r7k2ab", "r7k2ab", "", "R7K2AB", None),
    ("DM001-000151", "DM001-000151", "", "DM001-000151", None),
    ("왕십리로 12", "왕십리로 12", "", "", None),
])
def test_the_query_is_read_once_into_its_shapes(raw, text, digits, code, number):
    query = parse(raw)
    assert (query.text, query.digits, query.code, query.number) == (text, digits, code, number)


def test_control_characters_are_dropped_before_the_database_sees_them():
    # PostgreSQL refuses a NUL in a text parameter: the search answered 500 to "김\x00순자"
    assert parse("김\x00순자\x07").text == "김순자" and parse("\u200b010\x00-2345-6789").digits == "01023456789"


def test_a_search_with_a_nul_byte_finds_what_it_would_without(client_for, dong, official):
    person(dong, "김순자")

    response = client_for(official).get(SEARCH, {"q": "김\x00순자"})

    assert response.status_code == 200 and "김순자" in response.content.decode()


def test_a_phone_or_a_number_is_not_searched_as_a_name():
    assert parse("010-2345-6789").words == "" and parse("#12").words == ""
    assert parse("김순자").words == "김순자" and parse("김").words == ""


# --- What each group finds ----------------------------------------------------------------------------------------


def test_names_by_fragment_start_and_end_and_phones_by_any_part(dong, official):
    person(dong, "김순자", "01023456789")
    person(dong, "박순자", "01099998888")
    person(dong, "김순덕", "0212345678")
    person(dong, "남궁순자영", "01055556666")

    assert sorted(keys(search(official, "순자"), "residents")) == ["김순자 (세대주)", "박순자 (세대주)"]
    assert sorted(keys(search(official, "김순"), "residents")) == ["김순덕 (세대주)", "김순자 (세대주)"]
    assert keys(search(official, "궁순자"), "residents") == ["남궁순자영 (세대주)"]  # three or more: any part
    assert keys(search(official, "김 순자"), "residents") == ["김순자 (세대주)"]  # typed with a space
    assert keys(search(official, "6789"), "residents") == ["김순자 (세대주)"]  # the last four digits
    assert keys(search(official, "010-2345-6789"), "residents") == ["김순자 (세대주)"]
    assert keys(search(official, "+82 10 9999 8888"), "residents") == ["박순자 (세대주)"]


def test_households_by_address_fragment_and_cases_by_number_or_client(dong, official):
    resident = person(dong, "이영호", road="서울특별시 성동구 마조로 77", detail="103동 1204호")
    other = person(dong, "최민수", road="서울특별시 성동구 고산자로 5", detail="")
    case = make_case(resident.household)

    assert keys(search(official, "마조로 77"), "households") == ["서울특별시 성동구 마조로 77, 103동 1204호"]
    assert keys(search(official, "1204호"), "households") == ["서울특별시 성동구 마조로 77, 103동 1204호"]
    assert keys(search(official, f"#{case.pk}"), "cases") == [f"#{case.pk} 이영호"]
    assert keys(search(official, str(case.pk)), "cases") == [f"#{case.pk} 이영호"]
    assert keys(search(official, "이영호"), "cases") == [f"#{case.pk} 이영호"]
    assert keys(search(official, "최민수"), "cases") == [] and other.household_id


def test_reports_by_receipt_code_in_any_case_name_and_phone(dong, official):
    report(dong, subject_name="정미숙", subject_phone="01077778888", subject_address="서울 성동구 무학로 3",
           receipt_code="RK7Q2MX9A")
    report(dong, subject_name="홍길동", receipt_code="RB3N8VW2C")
    code = "RK7Q2MX9A"

    for typed in (code, code.lower(), "k7q2m", "정미숙", "7888", "무학로 3"):
        assert keys(search(official, typed), "reports") == [f"{code} · 정미숙"], typed


def test_network_members_by_name(dong, official):
    member(dong, name="한결같이", organisation="왕십리 약국")

    assert keys(search(official, "한결"), "network") == ["한결같이"]
    assert keys(search(official, "십리 약"), "network") == ["한결같이"]


# --- Scope --------------------------------------------------------------------------------------------------------


def test_every_group_stays_within_the_users_scope(dong, second_dong, other_district_dong, official, lead,
                                                   planner, district_admin):
    person(dong, "우리동")
    person(second_dong, "옆동네")
    person(other_district_dong, "다른구")
    report(second_dong, subject_name="옆동네")
    member(second_dong, name="옆동네")

    assert search(official, "옆동네").total == 0
    assert keys(search(official, "우리동"), "residents") == ["우리동 (세대주)"]
    assert search(planner, "우리동").total == 0  # aggregates only, without a personal grant
    assert keys(search(district_admin, "옆동네"), "residents") == ["옆동네 (세대주)"]
    assert keys(search(district_admin, "옆동네"), "reports") and keys(search(district_admin, "옆동네"), "network")
    assert search(district_admin, "다른구").total == 0


def test_the_case_team_finds_only_the_difficult_cases_it_sees(dong, official, case_team):
    hard = household_with_client(dong)
    hard.residents.update(name="고난도김")
    make_case(hard, case_class="difficult")
    easy = household_with_client(dong)
    easy.residents.update(name="일반김")
    make_case(easy)

    assert keys(search(case_team, "고난도김"), "residents") == ["고난도김 (세대주)"]
    assert search(case_team, "일반김").total == 0


# --- The page -----------------------------------------------------------------------------------------------------


def test_the_header_has_a_labelled_search_box_on_every_page(client_for, official):
    page = client_for(official).get(reverse("households:list")).content.decode()

    form = re.search(r'<form class="searchbox" role="search" method="get" action="/search/">(.*?)</form>', page, re.S)
    assert form is not None
    assert '<label for="global-search"' in form.group(1) and 'id="global-search" name="q"' in form.group(1)
    assert "js/searchbox.js" in page


def test_the_page_groups_the_hits_and_writes_one_access_log_entry(client_for, dong, official):
    resident = person(dong, "송하늘", "01011112222")
    report(dong, subject_name="송하늘")
    before = AccessLog.objects.count()

    response = client_for(official).get(SEARCH, {"q": "송하늘"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "가구원" in html and "위기가구 제보" in html
    assert reverse("households:detail", args=[resident.household_id]) in html
    entry = AccessLog.objects.get(pk__gt=0, verb="welfare.search.searched")
    assert AccessLog.objects.count() == before + 1
    assert entry.user == official and entry.action == "view"
    assert entry.changes == {"q": "송하늘", "counts": {"households": 0, "residents": 1, "cases": 0, "reports": 1,
                                                    "network": 0}, "more": []}


def test_a_group_shows_ten_and_links_to_the_filtered_list(client_for, dong, official):
    for n in range(GROUP_LIMIT + 2):
        person(dong, f"한가람{n:02d}")

    html = client_for(official).get(SEARCH, {"q": "한가람"}).content.decode()

    assert "한가람09 (세대주)" in html and "한가람10" not in html  # by name: the first ten
    assert f'href="{reverse("households:list")}?q=%ED%95%9C%EA%B0%80%EB%9E%8C"' in html
    assert "10건 이상" in html
    entry = AccessLog.objects.filter(verb="welfare.search.searched").latest("id")
    assert entry.changes["counts"]["residents"] == GROUP_LIMIT and entry.changes["more"] == ["residents"]


def test_too_short_and_empty_queries_explain_themselves_and_log_nothing(client_for, official):
    client = client_for(official)

    short = client.get(SEARCH, {"q": "김"}).content.decode()
    none = client.get(SEARCH, {"q": "없는이름"}).content.decode()
    blank = client.get(SEARCH).content.decode()

    assert "검색어를 2글자 이상 적어 주세요." in short
    assert "'없는이름'에 맞는 기록이 없습니다." in none
    assert "검색어를" not in blank and "맞는 기록이 없습니다" not in blank
    assert AccessLog.objects.filter(verb="welfare.search.searched").count() == 1  # only the real search


def test_the_search_page_runs_a_constant_number_of_queries(client_for, dong, official):
    def make(n, start):
        for i in range(start, start + n):
            resident = person(dong, f"정다운{i:03d}", f"0105555{i:04d}", road=f"서울특별시 성동구 정다운로 {i}")
            make_case(resident.household)
            report(dong, subject_name=f"정다운{i:03d}", subject_phone=f"0105555{i:04d}")
            member(dong, name=f"정다운{i:03d}")

    client = client_for(official)
    make(2, 0)
    client.get(SEARCH, {"q": "정다운"})  # warm-up
    with CaptureQueriesContext(connection) as few:
        client.get(SEARCH, {"q": "정다운"})
    make(25, 2)
    counts = []
    for q in ("정다운", "정다", "다운", "5555", "정다운로 1"):
        with CaptureQueriesContext(connection) as many:
            response = client.get(SEARCH, {"q": q})
        assert response.status_code == 200
        counts.append(len(many.captured_queries))

    # session, user, membership, visible dong ids; one query per group that can match (households by address,
    # residents, cases, reports, network members); the bell's COUNT; the access-log INSERT: 11 at most
    assert len(few.captured_queries) == counts[0] <= 11
    assert max(counts) <= 11


def test_another_districts_planner_with_a_grant_sees_only_its_own(client_for, dong, seongdong, yeongdeungpo):
    person(dong, "성동사람")
    granted = staff_user(Role.DISTRICT_PLANNER, district=yeongdeungpo, personal_access=True, username="ydp-planner")

    assert search(granted, "성동사람").total == 0
