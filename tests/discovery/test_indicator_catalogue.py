"""The indicator catalogue (issue 16 item 7): the DOMAIN §3 indicators with their common short names as aliases;
a row naming an indicator the catalogue does not know is imported with the name kept as written and waits for a
district admin to map it (never refused); the catalogue page where district admins keep it."""

from __future__ import annotations

import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from discovery.imports.values import catalogue_lookup, find_indicator
from discovery.models import (
    BigDataTarget,
    CrisisReport,
    RiskIndicator,
    RiskIndicatorAlias,
    UnmappedIndicator,
)
from discovery.services.indicators import (
    IndicatorInput,
    indicator_alias_add,
    indicator_alias_remove,
    risk_indicator_create,
    unmapped_make_indicator,
    unmapped_map,
)
from tests.factories import staff_user
from welfare.errors import RuleError
from welfare.models import AccessLog, Role

from .factories_imports import CRISIS_HEADER, crisis_row, csv_bytes, make_batch, make_round, run

pytestmark = pytest.mark.django_db

# DOMAIN.md §3, "Indicator catalogue for the RiskIndicator lookup table".
DOMAIN_CODES = {
    "elec_cut", "elec_arrears", "water_cut", "water_arrears", "gas_cut", "gas_arrears", "elec_usage_drop",
    "nhi_arrears", "nps_arrears", "nps_emergency_loan", "telecom_arrears", "public_rent_arrears",
    "mgmt_fee_arrears", "financial_delinquency", "debt_adjust_suspended", "employment_crisis", "closure",
    "catastrophic_medical", "head_death", "benefit_rejected", "housing_vulnerable", "alcohol_disease",
}


def imported(district, rows, *, number=1, name="list.csv"):
    round_ = make_round(district, number=number)
    batch = make_batch(district, csv_bytes(CRISIS_HEADER, rows), round=round_, file_name=name)
    return batch, run(batch)


# --- The seeded catalogue --------------------------------------------------------------------------------------


def test_the_catalogue_holds_every_indicator_of_domain_section_3():
    assert set(RiskIndicator.objects.values_list("code", flat=True)) >= DOMAIN_CODES


@pytest.mark.parametrize(("written", "code"), [
    ("재난적 의료비", "catastrophic_medical"),
    ("재난적의료비", "catastrophic_medical"),
    ("의료비 과다지출", "catastrophic_medical"),
    ("휴폐업", "closure"),
    ("휴·폐업", "closure"),
    ("건보료 체납", "nhi_arrears"),
    ("건강보험료 체납(3개월)", "nhi_arrears"),
    ("노후긴급자금 대부", "nps_emergency_loan"),
    ("금융연체", "financial_delinquency"),
    ("실직", "employment_crisis"),
    ("관리비 체납", "mgmt_fee_arrears"),
    ("수도요금 체납", "water_arrears"),
    ("단 전", "elec_cut"),
    ("ELEC_ARREARS", "elec_arrears"),
    ("Sharp fall in power use", "elec_usage_drop"),
])
def test_common_short_names_and_spellings_find_their_indicator(written, code):
    assert find_indicator(catalogue_lookup(), written).code == code


def test_the_lonely_death_indicators_are_marked():
    lonely = set(RiskIndicator.objects.filter(lonely_death=True).values_list("code", flat=True))

    assert {"alcohol_disease", "elec_usage_drop", "nhi_arrears", "elec_cut", "benefit_rejected"} <= lonely
    assert not RiskIndicator.objects.get(code="alcohol_disease").blind_spot


# --- Imports: never refused for an unknown name -----------------------------------------------------------------


def test_short_names_are_imported_as_their_indicator(dong):
    batch, counts = imported(dong.district, [crisis_row(1, indicators="재난적 의료비, 휴폐업"),
                                             crisis_row(2, indicators="건보료 체납")])

    assert (counts.created, counts.errors) == (2, 0)
    codes = set(RiskIndicator.objects.filter(targets__round=batch.round).values_list("code", flat=True))
    assert codes == {"catastrophic_medical", "closure", "nhi_arrears"}
    assert not UnmappedIndicator.objects.exists()


def test_an_unknown_indicator_is_imported_as_written_and_waits_to_be_mapped(dong):
    # Given a list naming an indicator the catalogue does not know, beside a known one, in two rows
    batch, counts = imported(dong.district, [crisis_row(1, indicators="단전, 에너지바우처 탈락"),
                                             crisis_row(2, indicators="에너지 바우처 탈락")])

    # Then both rows are imported: nothing is refused
    assert (counts.created, counts.errors) == (2, 0)
    # And the name is kept once (two spellings, one key), as first written, tied to both targets
    unknown = UnmappedIndicator.objects.get()
    assert (unknown.name, unknown.mapped_to) == ("에너지바우처 탈락", None)
    first = BigDataTarget.objects.get(report__subject_name="김민001")
    assert list(first.indicators.values_list("code", flat=True)) == ["elec_cut"]
    assert list(first.unmapped_indicators.all()) == [unknown]
    assert unknown.targets.count() == 2
    report = CrisisReport.objects.get(subject_name="김민001")
    assert "에너지바우처 탈락(미분류)" in report.details and "위기지표(2)" in report.details
    assert "other" in report.risk_signals


def test_a_row_naming_only_unknown_indicators_is_imported_too(dong):
    _batch, counts = imported(dong.district, [crisis_row(1, indicators="새로운 위기정보")])

    assert (counts.created, counts.errors) == (1, 0)
    target = BigDataTarget.objects.get()
    assert target.indicators.count() == 0 and target.unmapped_indicators.get().name == "새로운 위기정보"


def test_an_empty_indicator_cell_is_still_a_bad_row(dong):
    _batch, counts = imported(dong.district, [crisis_row(1, indicators="")])

    assert (counts.created, counts.errors) == (0, 1)


def test_a_realistic_list_of_3082_rows_accepts_every_valid_row(dong, second_dong):
    # Given a realistic list: 3,082 valid rows over two dongs, 1–4 indicators each, 256 of them naming
    # indicators by short names or names the catalogue does not know (one spelling in eight unknown)
    rng = random.Random(16)
    known = ["단전", "전기요금 체납", "건강보험료 체납", "통신비 체납", "수도요금 체납(3개월)", "금융연체(2천만원 이하)",
             "공공임대주택 임대료 체납", "휴·폐업", "세대주 사망", "nhi_arrears", "elec_arrears"]
    others = ["재난적 의료비", "휴폐업", "건보료 체납", "노후긴급자금 대부", "실직", "관리비 체납", "주거위기",
              "에너지바우처 미신청", "장기요양 등급 탈락", "산재 휴업급여 종료", "교정시설 출소"]
    rows = []
    for n in range(1, 3083):
        names = rng.sample(known, rng.randint(1, 3))
        if n % 12 == 0 and len(rows) // 12 < 256:
            names.append(rng.choice(others))
        rows.append(crisis_row(n, "마장동" if n % 3 else "왕십리도선동", indicators=", ".join(names),
                               birth=f"19{40 + n % 50:02d}-{n % 12 + 1:02d}-{n % 28 + 1:02d}"))

    # When it is imported (two chunks of 2,000 rows)
    _batch, counts = imported(dong.district, rows)

    # Then every row is in, none refused; the unknown names wait in the queue
    assert (counts.total, counts.created, counts.errors) == (3082, 3082, 0)
    assert BigDataTarget.objects.count() == 3082
    waiting = set(UnmappedIndicator.objects.values_list("name", flat=True))
    assert waiting == {"에너지바우처 미신청", "장기요양 등급 탈락", "산재 휴업급여 종료", "교정시설 출소"}


# --- Mapping, new indicators, aliases ---------------------------------------------------------------------------


def test_mapping_an_unknown_name_moves_its_targets_and_reads_the_next_list_right(dong, district_admin):
    # Given two targets carrying an unknown name
    imported(dong.district, [crisis_row(1, indicators="단전, 가스 공급 차단됨"), crisis_row(2, indicators="가스 공급 차단됨")])
    unknown = UnmappedIndicator.objects.get()
    gas_cut = RiskIndicator.objects.get(code="gas_cut")

    # When the district admin maps it to 단가스
    moved = unmapped_map(unmapped=unknown, indicator=gas_cut, by=district_admin)

    # Then the targets carry 단가스, the name is an alias, the queue is empty, and the change is logged
    assert moved == 2
    assert BigDataTarget.objects.filter(indicators=gas_cut).count() == 2
    assert not BigDataTarget.objects.filter(unmapped_indicators__isnull=False).exists()
    unknown.refresh_from_db()
    assert (unknown.mapped_to, unknown.mapped_by) == (gas_cut, district_admin)
    assert RiskIndicatorAlias.objects.filter(indicator=gas_cut, name="가스 공급 차단됨").exists()
    assert AccessLog.objects.get(verb="discovery.riskindicator.mapped").changes == {
        "name": "가스 공급 차단됨", "targets": 2}
    # And a later list with that name is read as 단가스 at once
    imported(dong.district, [crisis_row(3, indicators="가스 공급 차단됨")], number=2, name="b.csv")
    assert BigDataTarget.objects.get(report__subject_name="김민003").indicators.get() == gas_cut


def test_an_unknown_name_can_become_a_new_indicator(dong, district_admin):
    imported(dong.district, [crisis_row(1, indicators="장기요양 등급 탈락")])
    unknown = UnmappedIndicator.objects.get()

    made = unmapped_make_indicator(unmapped=unknown, by=district_admin,
                                   data=IndicatorInput(code="ltc_grade_lost", name_ko=""))

    assert (made.code, made.name_ko, made.blind_spot) == ("ltc_grade_lost", "장기요양 등급 탈락", True)
    assert BigDataTarget.objects.get().indicators.get() == made
    assert UnmappedIndicator.objects.get().mapped_to == made


def test_a_name_of_another_indicator_is_refused_as_an_alias(district_admin):
    closure = RiskIndicator.objects.get(code="closure")

    with pytest.raises(RuleError, match="이미 ‘단전’ 지표의 이름"):
        indicator_alias_add(indicator=closure, by=district_admin, name="단 전")


def test_an_alias_removed_sends_the_name_back_to_the_queue(dong, district_admin):
    closure = RiskIndicator.objects.get(code="closure")
    alias = indicator_alias_add(indicator=closure, by=district_admin, name="사업 중단")

    indicator_alias_remove(alias=alias, by=district_admin)
    imported(dong.district, [crisis_row(1, indicators="사업 중단")])

    assert UnmappedIndicator.objects.get().name == "사업 중단"


def test_adding_an_alias_maps_the_names_waiting_under_it(dong, district_admin):
    imported(dong.district, [crisis_row(1, indicators="아파트관리비연체")])
    mgmt = RiskIndicator.objects.get(code="mgmt_fee_arrears")

    indicator_alias_add(indicator=mgmt, by=district_admin, name="아파트 관리비 연체")

    assert BigDataTarget.objects.get().indicators.get() == mgmt
    assert UnmappedIndicator.objects.get().mapped_to == mgmt


def test_a_new_indicator_needs_a_fresh_code_a_name_and_a_list(district_admin):
    with pytest.raises(RuleError) as caught:
        risk_indicator_create(by=district_admin, data=IndicatorInput(code="Bad Code", name_ko="x"))
    assert "code" in caught.value.error_dict
    with pytest.raises(RuleError) as caught:
        risk_indicator_create(by=district_admin, data=IndicatorInput(code="elec_cut", name_ko="x"))
    assert "code" in caught.value.error_dict
    with pytest.raises(RuleError) as caught:
        risk_indicator_create(by=district_admin, data=IndicatorInput(code="new_one", name_ko="",
                                                                      blind_spot=False, lonely_death=False))
    assert {"name_ko", "lonely_death"} <= set(caught.value.error_dict)


def test_only_district_admins_keep_the_catalogue(official, lead):
    for user in (official, lead):
        with pytest.raises(RuleError):
            risk_indicator_create(by=user, data=IndicatorInput(code="x_new", name_ko="새 지표"))


# --- The catalogue page -----------------------------------------------------------------------------------------


def catalogue_url():
    return reverse("discovery:indicators")


def test_the_catalogue_page_lists_indicators_with_aliases_and_the_districts_queue(client_for, district_admin, dong,
                                                                                other_district_dong):
    imported(dong.district, [crisis_row(1, indicators="우리구 지표")])
    outsider = staff_user(Role.DISTRICT_ADMIN, district=other_district_dong.district, username="ydpadmin")

    response = client_for(district_admin).get(catalogue_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert "재난적 의료비·의료비 과다지출" in html and "재난적 의료비" in html
    assert [u.name for u in response.context["waiting"]] == ["우리구 지표"]
    assert response.context["waiting"][0].n == 1
    # Another district's admin does not see this district's waiting names.
    assert list(client_for(outsider).get(catalogue_url()).context["waiting"]) == []


def test_dong_staff_and_planners_may_not_open_the_catalogue(client_for, official, lead, planner):
    for user in (official, lead, planner):
        assert client_for(user).get(catalogue_url()).status_code == 403


def test_the_catalogue_page_runs_constant_queries(client_for, district_admin, dong):
    client = client_for(district_admin)
    imported(dong.district, [crisis_row(1, indicators="이름1")])
    with CaptureQueriesContext(connection) as few:
        client.get(catalogue_url())
    imported(dong.district, [crisis_row(n, indicators=f"이름{n}") for n in range(2, 12)], number=2, name="b.csv")
    indicator_alias_add(indicator=RiskIndicator.objects.get(code="closure"), by=district_admin, name="영업 중단")

    with CaptureQueriesContext(connection) as many:
        client.get(catalogue_url())

    assert len(few) == len(many)


def test_the_admin_maps_a_name_from_the_page(client_for, district_admin, dong):
    imported(dong.district, [crisis_row(1, indicators="휴업 신고")])
    unknown = UnmappedIndicator.objects.get()
    closure = RiskIndicator.objects.get(code="closure")

    response = client_for(district_admin).post(reverse("discovery:indicator_unmapped", args=[unknown.pk]),
                                               {"indicator": closure.pk}, follow=True)

    assert "‘휴·폐업’ 지표에 연결했습니다(대상자 1명)" in response.content.decode()
    assert BigDataTarget.objects.get().indicators.get() == closure


def test_the_admin_makes_a_new_indicator_and_adds_an_alias_from_the_pages(client_for, district_admin):
    client = client_for(district_admin)

    response = client.post(reverse("discovery:indicator_create"), {
        "new-code": "rent_arrears", "new-name_ko": "민간 임대료 체납", "new-signal": "utility_arrears",
        "new-blind_spot": "on"}, follow=True)
    made = RiskIndicator.objects.get(code="rent_arrears")
    client.post(reverse("discovery:indicator_alias_add", args=[made.pk]), {"name": "월세 체납"})

    assert "‘민간 임대료 체납’ 지표를 만들었습니다" in response.content.decode()
    assert list(made.aliases.values_list("name", flat=True)) == ["월세 체납"]


def test_a_refused_new_indicator_shows_the_rule_beside_the_field(client_for, district_admin):
    response = client_for(district_admin).post(reverse("discovery:indicator_create"), {
        "new-code": "elec_cut", "new-name_ko": "중복", "new-signal": "other", "new-blind_spot": "on"})

    assert response.status_code == 200
    assert "이미 있는 코드입니다." in response.context["new_form"].errors["code"]


def test_the_old_reference_address_leads_to_the_catalogue(client_for, district_admin):
    response = client_for(district_admin).get("/district/reference/indicators/")

    assert response.status_code == 302 and response["Location"] == catalogue_url()


def test_the_batch_page_lists_the_names_waiting_to_be_mapped(client_for, district_admin, dong):
    batch, _counts = imported(dong.district, [crisis_row(1, indicators="낯선 지표"), crisis_row(2, indicators="낯선 지표")])

    response = client_for(district_admin).get(reverse("discovery:import_detail", args=[batch.pk]))

    assert [(u.name, u.n) for u in response.context["unmapped"]] == [("낯선 지표", 2)]
    assert "미분류 위기 지표" in response.content.decode()
