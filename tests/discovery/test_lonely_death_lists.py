"""The lonely-death crisis lists (고독사위기대응시스템, issue 16 item 8): a second Ministry list beside the
blind-spot list, with its own round series (4 a year), indicators, result codes and channel, and the same per-dong
answered / unanswered / days-left page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from discovery import services
from discovery.imports import round_create, upload_list
from discovery.models import (
    BigDataRound,
    BigDataTarget,
    CrisisReport,
    ImportBatch,
    ImportKind,
    ListSystem,
)
from discovery.services.access import OFFICIAL_CHANNELS
from discovery.services.rounds import answer_choices, bigdata_target_answer, round_progress
from tests.households.factories_cases import ResourceFactory
from welfare.errors import RuleError

from .factories_imports import CRISIS_HEADER, crisis_row, csv_bytes, make_batch, run
from .factories_reports import household_at

pytestmark = pytest.mark.django_db


def lonely_round(district, *, number=1, due_in_days=30, year=2026) -> BigDataRound:
    today = timezone.localdate()
    return BigDataRound.objects.create(district=district, system=ListSystem.LONELY_DEATH, year=year, number=number,
                                       received_on=today - dt.timedelta(days=5),
                                       due_on=today + dt.timedelta(days=due_in_days))


def imported(district, rows, *, round_) -> ImportBatch:
    batch = make_batch(district, csv_bytes(CRISIS_HEADER, rows), round=round_, kind=ImportKind.LONELY_DEATH_LIST,
                       file_name=f"ld{round_.number}.csv")
    run(batch)
    return batch


# --- Its own round series -----------------------------------------------------------------------------------------


def test_a_lonely_death_round_numbers_one_to_four_beside_the_blind_spot_rounds(district_admin, dong):
    today = timezone.localdate()
    blind = round_create(by=district_admin, district_id=dong.district_id, year=2026, number=1, received_on=today,
                         due_on=today + dt.timedelta(days=55))

    lonely = round_create(by=district_admin, district_id=dong.district_id, year=2026, number=1, received_on=today,
                          due_on=dt.date(2026, 12, 31), system=ListSystem.LONELY_DEATH)

    assert (blind.system, lonely.system) == ("blind_spot", "lonely_death")
    assert str(lonely) == "고독사 2026년 1차" and str(blind) == "2026년 1차"
    with pytest.raises(RuleError, match="1부터 4까지"):
        round_create(by=district_admin, district_id=dong.district_id, year=2026, number=5, received_on=today,
                     due_on=today, system=ListSystem.LONELY_DEATH)
    with pytest.raises(RuleError, match="이미 있습니다"):
        round_create(by=district_admin, district_id=dong.district_id, year=2026, number=1, received_on=today,
                     due_on=today, system=ListSystem.LONELY_DEATH)


def test_the_database_refuses_a_fifth_lonely_death_round(dong):
    with pytest.raises(IntegrityError), transaction.atomic():
        lonely_round(dong.district, number=5)


def test_a_lonely_death_list_goes_only_into_a_lonely_death_round(district_admin, dong):
    blind = BigDataRound.objects.create(district=dong.district, year=2026, number=1, received_on=dt.date(2026, 3, 1),
                                        due_on=dt.date(2026, 4, 30))

    with pytest.raises(RuleError, match="명단의 차수가 아닙니다"):
        upload_list(by=district_admin, kind=ImportKind.LONELY_DEATH_LIST, file_name="ld.csv",
                    content=csv_bytes(CRISIS_HEADER, [crisis_row(1)]), round=blind)


def test_the_upload_page_makes_a_lonely_death_round_with_the_list(client_for, district_admin, dong,
                                                                  django_capture_on_commit_callbacks):
    today = timezone.localdate()

    with django_capture_on_commit_callbacks(execute=True):
        client_for(district_admin).post(reverse("discovery:import_create"), {
            "kind": "lonely_death", "file": SimpleUploadedFile("ld.csv", csv_bytes(CRISIS_HEADER, [crisis_row(1)])),
            "new_year": 2026, "new_number": 1, "new_received_on": f"{today:%Y-%m-%d}",
            "new_due_on": f"{today + dt.timedelta(days=30):%Y-%m-%d}"})

    round_ = BigDataRound.objects.get()
    assert (round_.system, round_.number) == ("lonely_death", 1)
    assert ImportBatch.objects.get().created_count == 1


# --- Its own channel, indicators and results --------------------------------------------------------------------


def test_a_lonely_death_row_becomes_a_report_of_its_own_channel(dong):
    round_ = lonely_round(dong.district)

    imported(dong.district, [crisis_row(1, indicators="알코올질환, 전력 사용량 급감, 건보료 체납")], round_=round_)

    report = CrisisReport.objects.get()
    assert report.channel == "lonely_death" and report.get_channel_display() == "고독사위기대응 명단"
    assert report.receipt_code.startswith("LD") and "고독사위기대응시스템 명단" in report.details
    codes = set(BigDataTarget.objects.get().indicators.values_list("code", flat=True))
    assert codes == {"alcohol_disease", "elec_usage_drop", "nhi_arrears"}


def test_the_same_person_on_both_lists_is_two_targets(dong):
    blind = BigDataRound.objects.create(district=dong.district, year=2026, number=1, received_on=dt.date(2026, 3, 1),
                                        due_on=dt.date(2026, 4, 30))
    run(make_batch(dong.district, csv_bytes(CRISIS_HEADER, [crisis_row(1)]), round=blind, file_name="bd.csv"))

    imported(dong.district, [crisis_row(1)], round_=lonely_round(dong.district))

    assert sorted(CrisisReport.objects.values_list("channel", flat=True)) == ["bigdata", "lonely_death"]


def test_officials_cannot_type_a_lonely_death_report():
    assert "lonely_death" not in {c.value for c in OFFICIAL_CHANNELS}


def test_lonely_death_answers_are_the_risk_groups_and_their_closures(dong, official):
    round_ = lonely_round(dong.district)
    imported(dong.district, [crisis_row(1), crisis_row(2)], round_=round_)
    first, second = BigDataTarget.objects.select_related("report", "round").order_by("report__subject_name")

    # An open target offers the answers that close it here: not at risk, deceased, not located, refused
    assert [c for c, _l in answer_choices(first)] == ["not_at_risk", "deceased", "not_located", "refused"]
    # A blind-spot answer does not exist on this list
    with pytest.raises(RuleError):
        bigdata_target_answer(target=first, by=official, result_code="no_need")

    bigdata_target_answer(target=first, by=official, result_code="deceased", note="2026-02 사망 확인")

    report = CrisisReport.objects.get(pk=first.report_id)
    assert (report.outcome, report.outcome_reason) == ("no_need", "2026-02 사망 확인")
    assert BigDataTarget.objects.get(pk=first.pk).get_result_code_display() == "사망"
    # A risk group needs the household and its service recorded on the report first
    with pytest.raises(RuleError, match="제보 화면에서"):
        bigdata_target_answer(target=second, by=official, result_code="risk_high")


def test_a_linked_household_answers_with_its_risk_group(dong, official):
    round_ = lonely_round(dong.district)
    imported(dong.district, [crisis_row(1)], round_=round_)
    t = BigDataTarget.objects.select_related("report").get()
    household = household_at(dong, "서울특별시 성동구 왕십리로 1", consents=("collect_use", "third_party"))
    household.risk_level = "medium"
    household.save()
    services.report_link_household(report=t.report, household=household, by=official)

    services.report_resolve(report=t.report, by=official, outcome="linkage_only",
                            link_data={"resource": ResourceFactory(district=dong.district, name="AI 안부전화")})

    t.refresh_from_db()
    assert t.result_code == "risk_medium" and t.get_result_code_display() == "중위험군"


# --- The same per-dong page ------------------------------------------------------------------------------------


def test_the_round_page_counts_answered_unanswered_and_days_left_per_dong(client_for, district_admin, official,
                                                                         dong, second_dong):
    round_ = lonely_round(dong.district, due_in_days=4)
    imported(dong.district, [crisis_row(1), crisis_row(2), crisis_row(3, "마장동")], round_=round_)
    bigdata_target_answer(target=BigDataTarget.objects.filter(dong=dong).first(), by=official,
                          result_code="not_at_risk", note="고립 척도 0점")

    response = client_for(district_admin).get(reverse("discovery:round_detail", args=[round_.pk]))

    rows = {p.name: (p.targets, p.answered, p.unanswered, p.days_left, p.alarm) for p in response.context["progress"]}
    assert rows == {"왕십리도선동": (2, 1, 1, 4, True), "마장동": (1, 0, 1, 4, True)}
    assert "2026년 1차 고독사위기대응 명단" in response.content.decode()
    assert round_progress(round_, official)[0].answered == 1


def test_the_round_list_filters_by_list(client_for, official, dong):
    lonely_round(dong.district)
    BigDataRound.objects.create(district=dong.district, year=2026, number=3, received_on=dt.date(2026, 5, 5),
                                due_on=dt.date(2026, 6, 30))
    client = client_for(official)

    both = client.get(reverse("discovery:round_list")).context["rows"]
    lonely = client.get(reverse("discovery:round_list"), {"system": "lonely_death"}).context["rows"]

    assert len(both) == 2
    assert [r.system for r, *_rest in lonely] == ["lonely_death"]


def test_the_lonely_death_export_names_its_list(client_for, official, dong):
    round_ = lonely_round(dong.district)
    imported(dong.district, [crisis_row(1)], round_=round_)

    response = client_for(official).post(reverse("discovery:round_export", args=[round_.pk]),
                                         {"format": "csv", "reason": "회신"})

    assert response["Content-Disposition"].endswith('lonely_death_2026_1.csv"')
    assert "고독사위기대응" in response.getvalue().decode("utf-8-sig").splitlines()[1]
