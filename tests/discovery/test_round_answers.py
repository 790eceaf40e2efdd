"""One truth for a Ministry list's target (issue 16 item 6): the target's answer and its crisis report's outcome
never disagree. Resolving the report writes the answer; answering on the round page resolves the report (under
its own rules) or, when it is resolved, picks only among the answers its outcome allows. The round export carries
the linked services and the 행복e음 reference."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from discovery import services
from discovery.models import BigDataTarget, CrisisReport, ImportBatch, ReportStatus
from discovery.services.rounds import answer_choices, bigdata_target_answer
from tests.households.factories_cases import ResourceFactory
from welfare.errors import RuleError
from welfare.models import AccessLog

from .factories_imports import CRISIS_HEADER, crisis_row, csv_bytes, make_batch, make_round, run
from .factories_network import benefit_moves
from .factories_reports import household_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_(dong):
    round_ = make_round(dong.district)
    header = [*CRISIS_HEADER, "관리번호"]
    rows = [[*crisis_row(n), f"2025-1-{n:05d}"] for n in range(1, 5)]
    run(make_batch(dong.district, csv_bytes(header, rows), round=round_))
    return round_


def target(n: int) -> BigDataTarget:
    return BigDataTarget.objects.select_related("report", "round").get(report__subject_name=f"김민{n:03d}")


def linked(dong, official, t: BigDataTarget, *, consents=("collect_use", "third_party")):
    household = household_at(dong, f"서울특별시 성동구 왕십리로 {t.pk}", consents=consents)
    services.report_link_household(report=t.report, household=household, by=official)
    return household


def test_the_list_reference_is_kept_on_the_target(round_):
    assert target(2).ssis_ref == "2025-1-00002"


# --- Resolving the report writes the answer -------------------------------------------------------------------


@pytest.mark.parametrize(("sector", "answer"), [("public", "supported_public"), ("private", "supported_private")])
def test_a_report_resolved_with_a_service_link_answers_support_by_the_resources_sector(round_, dong, official,
                                                                                      sector, answer):
    t = target(1)
    linked(dong, official, t)
    resource = ResourceFactory(district=dong.district, sector=sector)

    services.report_resolve(report=t.report, by=official, outcome="linkage_only", link_data={"resource": resource})

    t.refresh_from_db()
    assert (t.result_code, t.answered_by) == (answer, official) and t.answered_at is not None
    assert AccessLog.objects.filter(verb="discovery.bigdatatarget.answered", object_id=str(t.pk)).exists()


def test_a_report_resolved_as_a_case_answers_public_support(round_, dong, official):
    t = target(1)
    household = linked(dong, official, t)

    services.report_resolve(report=t.report, by=official, outcome="case_opened",
                            case_data={"client": household.residents.get()})

    t.refresh_from_db()
    assert t.result_code == "supported_public"


@pytest.mark.parametrize(("outcome", "answer"), [("no_need", "no_need"), ("refused", "refused")])
def test_a_report_closed_without_support_answers_the_same(round_, official, outcome, answer):
    t = target(1)

    services.report_resolve(report=t.report, by=official, outcome=outcome, reason="본인 확인")

    t.refresh_from_db()
    assert t.result_code == answer


def test_a_duplicate_answers_as_its_original(round_, official):
    original, again = target(1), target(2)
    bigdata_target_answer(target=original, by=official, result_code="refused", note="지원 거절")

    services.report_resolve(report=again.report, by=official, outcome="duplicate", reason="같은 사람",
                            duplicate_of=original.report)

    again.refresh_from_db()
    assert again.result_code == "refused"


# --- Answering on the round page resolves the report -----------------------------------------------------------


def test_answering_no_need_resolves_the_report_with_the_note_as_its_reason(round_, official):
    t = target(1)

    bigdata_target_answer(target=t, by=official, result_code="no_need", note="소득·재산 기준 초과")

    report = CrisisReport.objects.get(pk=t.report_id)
    t.refresh_from_db()
    assert (report.status, report.outcome, report.outcome_reason) == ("resolved", "no_need", "소득·재산 기준 초과")
    assert (t.result_code, t.result_note) == ("no_need", "소득·재산 기준 초과")


def test_answering_refused_without_a_note_gives_the_report_the_answer_as_its_reason(round_, official):
    bigdata_target_answer(target=target(1), by=official, result_code="refused")

    report = CrisisReport.objects.get(subject_name="김민001")
    assert (report.outcome, report.outcome_reason) == ("refused", "거부")


def test_not_located_follows_the_reports_rule_of_attempts_and_a_hand_off_note(round_, official):
    t = target(1)

    with pytest.raises(RuleError, match="3번 더"):
        bigdata_target_answer(target=t, by=official, result_code="not_located", note="부재")
    assert CrisisReport.objects.get(pk=t.report_id).status != ReportStatus.RESOLVED
    assert BigDataTarget.objects.get(pk=t.pk).result_code == ""

    for method in ("visit", "phone", "welfare_mail"):
        services.contact_attempt_record(report=t.report, by=official, method=method, reached=False)
    bigdata_target_answer(target=t, by=official, result_code="not_located", note="3회 부재: 사실조사 요청")

    report = CrisisReport.objects.get(pk=t.report_id)
    assert (report.outcome, report.handoff_note) == ("unreachable", "3회 부재: 사실조사 요청")
    assert BigDataTarget.objects.get(pk=t.pk).result_code == "not_located"


def test_support_cannot_be_answered_before_the_report_records_it(round_, official):
    t = target(1)

    with pytest.raises(RuleError, match="제보 화면에서"):
        bigdata_target_answer(target=t, by=official, result_code="supported_public", note="긴급복지")

    # The disagreement ("공공서비스 지원" on the target, the report still "접수") cannot arise.
    t.refresh_from_db()
    assert t.result_code == "" and t.report.status == ReportStatus.RECEIVED


def test_a_resolved_report_allows_only_the_answers_its_outcome_means(round_, dong, official):
    t = target(1)
    household = linked(dong, official, t)
    services.report_resolve(report=t.report, by=official, outcome="case_opened",
                            case_data={"client": household.residents.get()})
    t = target(1)

    # A case may have been supported privately: the answer may be corrected to that
    assert [code for code, _label in answer_choices(t)] == ["supported_public", "supported_private"]
    bigdata_target_answer(target=t, by=official, result_code="supported_private", note="복지관 사례관리")
    assert BigDataTarget.objects.get(pk=t.pk).result_code == "supported_private"

    # But not to "no need" while the report says a case was opened
    with pytest.raises(RuleError, match="통합사례관리 접수"):
        bigdata_target_answer(target=t, by=official, result_code="no_need")
    assert BigDataTarget.objects.get(pk=t.pk).result_code == "supported_private"


def test_an_open_target_offers_the_answers_that_close_it_here(round_):
    assert [code for code, _label in answer_choices(target(1))] == ["no_need", "not_located", "refused"]


def test_the_round_page_shows_the_reports_outcome_and_its_linked_services(client_for, round_, dong, official):
    t = target(1)
    linked(dong, official, t)
    resource = ResourceFactory(district=dong.district, sector="public", name="긴급복지 생계지원")
    services.report_resolve(report=t.report, by=official, outcome="linkage_only", link_data={"resource": resource})

    response = client_for(official).get(reverse("discovery:round_detail", args=[round_.pk]), {"dong": dong.pk})

    html = response.content.decode()
    assert "단순 서비스 연계" in html and "긴급복지 생계지원" in html and "2025-1-00001" in html
    row = next(r for r in response.context["rows"] if r[0].pk == t.pk)
    assert [link.resource.name for link in row[2]] == ["긴급복지 생계지원"]


def test_a_refused_answer_from_the_page_says_why(client_for, round_, official):
    t = target(1)

    response = client_for(official).post(reverse("discovery:round_target_answer", args=[t.pk]),
                                         {f"t{t.pk}-result_code": "supported_public"}, follow=True)

    assert "제보 화면에서" in response.content.decode()
    assert BigDataTarget.objects.get(pk=t.pk).result_code == ""


def test_the_page_records_the_hangbok_e_eum_reference_with_the_answer(client_for, round_, official):
    t = target(3)

    client_for(official).post(reverse("discovery:round_target_answer", args=[t.pk]), {
        f"t{t.pk}-result_code": "no_need", f"t{t.pk}-note": "욕구 없음", f"t{t.pk}-ssis_ref": "SSIS-77"})

    assert BigDataTarget.objects.get(pk=t.pk).ssis_ref == "SSIS-77"


# --- The export --------------------------------------------------------------------------------------------------


def test_the_export_carries_the_reference_the_reports_outcome_and_the_linked_services(client_for, round_, dong,
                                                                                      official):
    # Given a target linked to a public benefit now provided, and one answered "refused"
    t = target(1)
    linked(dong, official, t)
    resource = ResourceFactory(district=dong.district, sector="public", name="기초생활보장 생계급여")
    services.report_resolve(report=t.report, by=official, outcome="linkage_only", link_data={"resource": resource})
    benefit_moves(CrisisReport.objects.get(pk=t.report_id).service_link, "accepted", "in_service", by=official)
    bigdata_target_answer(target=target(2), by=official, result_code="refused", note="도움 거절")

    response = client_for(official).post(reverse("discovery:round_export", args=[round_.pk]),
                                         {"format": "csv", "reason": "보건복지부 회신"})

    rows = list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
    header, body = rows[0], {r[3]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    assert {"행복e음 관리번호", "제보 처리 결과", "연계 서비스"} <= set(header)
    first = body[t.report.receipt_code]
    assert (first["행복e음 관리번호"], first["결과"], first["제보 처리 결과"]) == (
        "2025-1-00001", "공공서비스 지원", "단순 서비스 연계")
    assert first["연계 서비스"] == "기초생활보장 생계급여(제공 중)"
    second = body[target(2).report.receipt_code]
    assert (second["결과"], second["제보 처리 결과"], second["연계 서비스"]) == ("거부", "본인 거부", "")


def test_the_export_runs_a_constant_number_of_queries(round_, dong, official, django_assert_max_num_queries):
    from discovery.services.rounds import export_rows

    for n in (1, 2):
        t = target(n)
        linked(dong, official, t)
        services.report_resolve(report=t.report, by=official, outcome="linkage_only",
                                link_data={"resource": ResourceFactory(district=dong.district)})
    # scoping (dongs), the targets with report, dong, case and link, their indicators, names as written and the
    # case's links: one chunk
    with django_assert_max_num_queries(6):
        assert len(list(export_rows(round_, official))) == 4


def test_a_batch_without_the_reference_column_leaves_it_blank(dong):
    round_ = make_round(dong.district, number=3)
    run(make_batch(dong.district, csv_bytes(CRISIS_HEADER, [crisis_row(9)]), round=round_))

    assert BigDataTarget.objects.get(round=round_).ssis_ref == ""
    assert ImportBatch.objects.get(round=round_).error_count == 0


def test_the_report_page_shows_its_round_and_the_answer_it_gave(client_for, round_, official):
    t = target(1)
    bigdata_target_answer(target=t, by=official, result_code="no_need", note="욕구 없음")

    html = client_for(official).get(reverse("discovery:report_detail", args=[t.report_id])).content.decode()

    assert "2025년 1차 복지사각지대 발굴" in html and "2025-1-00001" in html
    assert "비대상·욕구 없음" in html
