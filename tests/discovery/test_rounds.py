"""Big-data rounds: per-dong counts, a dong's targets and answers, the export with its reason, scoping."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from discovery import imports
from discovery.models import BigDataTarget, ImportBatch
from discovery.services.rounds import bigdata_target_answer, mask_name, round_progress
from tests.factories import HouseholdFactory, staff_user
from welfare.errors import RuleError
from welfare.models import AccessLog, Role

from .factories_imports import CRISIS_HEADER, crisis_row, csv_bytes, make_batch, make_round

pytestmark = pytest.mark.django_db


def imported_round(district, rows, *, due_in_days=30, number=1):
    round_ = make_round(district, number=number, due_in_days=due_in_days)
    batch = make_batch(district, csv_bytes(CRISIS_HEADER, rows), round=round_, file_name=f"r{number}.csv")
    imports.batch_import(batch=ImportBatch.objects.select_related("round").get(pk=batch.pk))
    return round_


@pytest.fixture
def round_(dong, second_dong):
    # 3 targets in 왕십리도선동, 2 in 마장동
    return imported_round(dong.district, [crisis_row(1), crisis_row(2), crisis_row(3),
                                          crisis_row(4, "마장동"), crisis_row(5, "마장동")])


def detail(round_, **query):
    url = reverse("discovery:round_detail", args=[round_.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_the_round_page_counts_targets_answered_and_unanswered_per_dong(client_for, district_admin, round_, dong,
                                                                         official):
    # given one answered target in 왕십리도선동
    target = BigDataTarget.objects.filter(dong=dong).first()
    bigdata_target_answer(target=target, by=official, result_code="no_need", note="")

    response = client_for(district_admin).get(detail(round_))

    rows = {p.name: (p.targets, p.answered, p.unanswered, p.days_left) for p in response.context["progress"]}
    assert rows == {"왕십리도선동": (3, 1, 2, 30), "마장동": (2, 0, 2, 30)}
    assert response.context["totals"] == (5, 1)


def test_per_dong_counts_are_one_grouped_query(district_admin, round_):
    with CaptureQueriesContext(connection) as queries:
        round_progress(round_, district_admin)

    # 2 queries: the district's dongs for scoping, then the grouped count
    assert len(queries) == 2


def test_a_round_due_within_a_week_is_red_where_answers_are_missing(client_for, district_admin, dong, second_dong):
    round_ = imported_round(dong.district, [crisis_row(1), crisis_row(2, "마장동")], due_in_days=5)
    target = BigDataTarget.objects.get(dong=second_dong)
    BigDataTarget.objects.filter(pk=target.pk).update(result_code="refused")

    response = client_for(district_admin).get(detail(round_))

    alarms = {p.name: p.alarm for p in response.context["progress"]}
    assert alarms == {"왕십리도선동": True, "마장동": False}
    assert 'class="due-alarm"' in response.content.decode()


def test_an_overdue_round_says_how_many_days_late(client_for, official, dong):
    imported_round(dong.district, [crisis_row(1)], due_in_days=-3)

    html = client_for(official).get(reverse("discovery:round_list")).content.decode()

    assert "3일 지남" in html


def test_an_official_sees_only_their_dongs_row(client_for, official, round_):
    response = client_for(official).get(detail(round_))

    assert [p.name for p in response.context["progress"]] == ["왕십리도선동"]


def test_a_dongs_targets_are_listed_with_indicators_and_an_answer_form(client_for, official, round_, dong):
    response = client_for(official).get(detail(round_, dong=dong.pk))

    html = response.content.decode()
    assert response.status_code == 200
    assert len(response.context["rows"]) == 3
    assert "전기요금 체납" in html and "건강보험료 체납" in html
    assert html.count(reverse("discovery:round_target_answer", args=[response.context["rows"][0][0].pk])) == 1


def test_the_target_list_runs_constant_queries(client_for, official, dong):
    # given rounds of 3 and of 20 targets in the official's dong
    small = imported_round(dong.district, [crisis_row(n) for n in range(1, 4)], number=1)
    big = imported_round(dong.district, [crisis_row(n) for n in range(1, 21)], number=2)
    client = client_for(official)

    def count(round_):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(detail(round_, dong=dong.pk)).status_code == 200
        return len(queries)

    # the same queries: the targets page joins report and answerer, and one prefetch brings every indicator
    assert count(small) == count(big)


def test_another_dongs_targets_are_404(client_for, official, round_, second_dong):
    assert client_for(official).get(detail(round_, dong=second_dong.pk)).status_code == 404


def test_another_districts_round_is_404(client_for, round_, other_district_dong):
    outsider = staff_user(Role.DISTRICT_ADMIN, district=other_district_dong.district, username="ydp")

    assert client_for(outsider).get(detail(round_)).status_code == 404
    assert client_for(outsider).get(reverse("discovery:round_export", args=[round_.pk])).status_code == 404


def test_an_official_answers_a_target_from_the_round_page(client_for, official, round_, dong):
    target = BigDataTarget.objects.filter(dong=dong).first()
    url = reverse("discovery:round_target_answer", args=[target.pk])

    response = client_for(official).post(url, {f"t{target.pk}-result_code": "no_need",
                                               f"t{target.pk}-note": "소득 기준 초과", "page": "1"})

    target.refresh_from_db()
    assert response.status_code == 302 and f"dong={dong.pk}" in response["Location"]
    assert (target.result_code, target.result_note, target.answered_by) == ("no_need", "소득 기준 초과", official)
    assert target.answered_at is not None
    entry = AccessLog.objects.filter(verb="discovery.bigdatatarget.answered").order_by("pk").first()
    assert entry.changes["result_code"] == ["", "no_need"]


def test_an_answer_without_a_result_is_refused_with_a_message(client_for, official, round_, dong):
    target = BigDataTarget.objects.filter(dong=dong).first()

    response = client_for(official).post(reverse("discovery:round_target_answer", args=[target.pk]),
                                         {f"t{target.pk}-result_code": ""}, follow=True)

    target.refresh_from_db()
    assert target.result_code == ""
    assert "조사 결과를 고르세요" in response.content.decode()


def test_an_official_cannot_answer_another_dongs_target(client_for, official, round_, second_dong):
    target = BigDataTarget.objects.filter(dong=second_dong).first()

    response = client_for(official).post(reverse("discovery:round_target_answer", args=[target.pk]),
                                         {f"t{target.pk}-result_code": "refused"})

    assert response.status_code == 404


def test_an_answer_is_logged_under_the_reports_household_and_a_new_answerer_is_logged_again(
        official, round_, dong):
    target = BigDataTarget.objects.filter(dong=dong).select_related("report").first()
    household = HouseholdFactory(dong=dong)
    target.report.household = household
    target.report.save()
    colleague = staff_user(Role.DONG_OFFICIAL, district=dong.district, dongs=[dong], username="colleague")

    bigdata_target_answer(target=target, by=official, result_code="refused")
    bigdata_target_answer(target=target, by=colleague, result_code="refused")

    entries = list(AccessLog.objects.filter(verb="discovery.bigdatatarget.answered").order_by("pk"))
    assert [e.household_id for e in entries] == [household.pk, household.pk]
    assert entries[0].changes["result_code"] == ["", "refused"] and "result_code" not in entries[1].changes
    assert entries[1].changes["answered_by"] == ["official", "colleague"]


def test_the_answer_service_refuses_a_planner_and_an_unknown_code(planner, official, round_, dong):
    target = BigDataTarget.objects.filter(dong=dong).first()

    with pytest.raises(PermissionDenied):
        bigdata_target_answer(target=target, by=planner, result_code="refused")
    with pytest.raises(RuleError):
        bigdata_target_answer(target=target, by=official, result_code="made_up")


def test_a_planner_sees_the_counts_but_not_the_targets_or_the_export(client_for, planner, round_, dong):
    client = client_for(planner)

    response = client.get(detail(round_))

    assert response.status_code == 200 and len(response.context["progress"]) == 2
    assert client.get(detail(round_, dong=dong.pk)).status_code == 404
    assert client.get(reverse("discovery:round_export", args=[round_.pk])).status_code == 403


# --- Export ------------------------------------------------------------------------------------------------


def test_the_export_asks_for_a_reason_and_writes_nothing_without_one(client_for, official, round_):
    url = reverse("discovery:round_export", args=[round_.pk])

    response = client_for(official).post(url, {"format": "csv", "reason": ""})

    assert response.status_code == 200 and "reason" in response.context["form"].errors
    assert not AccessLog.objects.filter(verb="discovery.round.exported").exists()


def test_the_csv_export_is_masked_bom_prefixed_and_logged_with_its_reason(client_for, official, round_, dong):
    target = BigDataTarget.objects.filter(dong=dong).order_by("report__receipt_code").first()
    bigdata_target_answer(target=target, by=official, result_code="refused", note="=본인 거부")

    response = client_for(official).post(reverse("discovery:round_export", args=[round_.pk]),
                                         {"format": "csv", "reason": "보건복지부 회신 자료 작성"})

    assert response.status_code == 200 and response["Content-Disposition"].endswith('.csv"')
    content = response.getvalue()  # streamed: read once
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0] == ["명단", "차수", "행정동", "접수번호", "행복e음 관리번호", "대상자", "지표", "결과", "제보 처리 결과",
                       "연계 서비스", "메모", "회신일"]
    assert len(rows) == 4  # the official's dong only
    by_code = {r[3]: r for r in rows[1:]}
    mine = by_code[target.report.receipt_code]
    assert mine[:3] == ["복지사각지대 발굴", "2025년 1차", "왕십리도선동"]
    assert mine[5] == mask_name(target.report.subject_name)
    assert "*" in mine[5] and target.report.subject_name not in content.decode("utf-8-sig")
    assert mine[6] == "전기요금 체납, 건강보험료 체납"
    assert (mine[7], mine[8], mine[10], mine[11]) == ("거부", "본인 거부", "'=본인 거부",
                                                       f"{timezone.localdate():%Y-%m-%d}")
    entry = AccessLog.objects.get(verb="discovery.round.exported")
    assert (entry.user, entry.reason, entry.action) == (official, "보건복지부 회신 자료 작성", "export")
    assert entry.changes == {"format": "csv", "rows": 3}


def test_the_xlsx_export_opens_with_the_same_rows(client_for, district_admin, round_):
    from openpyxl import load_workbook

    response = client_for(district_admin).post(reverse("discovery:round_export", args=[round_.pk]),
                                               {"format": "xlsx", "reason": "회신"})

    sheet = load_workbook(io.BytesIO(response.getvalue()), read_only=True).worksheets[0]
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][:2] == ("명단", "차수") and len(values) == 6
    assert AccessLog.objects.get(verb="discovery.round.exported").changes == {"format": "xlsx", "rows": 5}


@pytest.mark.parametrize("name, masked", [("김철수", "김*수"), ("김수", "김*"), ("남궁민수", "남**수"), ("이", "*"),
                                          ("", "")])
def test_names_are_masked(name, masked):
    assert mask_name(name) == masked


def test_the_round_list_counts_targets_in_one_query_per_page(client_for, official, dong):
    for number in range(1, 4):
        imported_round(dong.district, [crisis_row(number)], number=number)
    client = client_for(official)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("discovery:round_list"))

    rows = response.context["rows"]
    assert [(r.number, r.target_count, open_) for r, _left, open_, _late in rows] == [(3, 1, 1), (2, 1, 1), (1, 1, 1)]
    # 7 queries: session, user, membership, the district's dongs (scoping), the count, the page with its grouped
    # counts, and the notification badge of the base template: none per round
    assert len(queries) == 7


def test_an_empty_round_list_says_so(client_for, official):
    assert "아직 차수가 없습니다" in client_for(official).get(reverse("discovery:round_list")).content.decode()


def test_rounds_are_listed_only_for_staff(client, django_user_model):
    user = django_user_model.objects.create_user("plain", password="x")
    client.force_login(user)

    assert client.get(reverse("discovery:round_list")).status_code == 403


def test_a_target_answer_moves_the_counts_and_the_date(official, round_, dong):
    target = BigDataTarget.objects.filter(dong=dong).first()
    before = timezone.now() - dt.timedelta(seconds=1)

    bigdata_target_answer(target=target, by=official, result_code="refused", note="지원 거절")

    target.refresh_from_db()
    assert target.answered_at >= before
    assert {p.name: p.answered for p in round_progress(round_, official)} == {"왕십리도선동": 1}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_export_streams_with_the_same_queries_for_more_rows(client_for, district_admin, dong, fmt):
    def export(rows):
        round_ = imported_round(dong.district, [crisis_row(n) for n in range(1, rows + 1)], number=rows)
        client = client_for(district_admin)
        with CaptureQueriesContext(connection) as queries:
            response = client.post(reverse("discovery:round_export", args=[round_.pk]),
                                   {"format": fmt, "reason": "회신"})
            assert isinstance(response, StreamingHttpResponse)
            body = response.getvalue()  # the rows are read while the body is sent
        return body, len(queries)

    export(1)  # warms the content-type cache the access log reads once per process
    few_body, few = export(2)
    many_body, many = export(6)
    assert few == many
    if fmt == "csv":
        assert len(many_body.decode("utf-8-sig").splitlines()) == 7


def test_the_csv_download_starts_with_its_header_before_any_row_is_read(client_for, district_admin, dong):
    round_ = imported_round(dong.district, [crisis_row(n) for n in range(1, 4)], number=3)
    client = client_for(district_admin)
    response = client.post(reverse("discovery:round_export", args=[round_.pk]), {"format": "csv", "reason": "회신"})
    chunks = iter(response.streaming_content)
    with CaptureQueriesContext(connection) as queries:
        first = next(chunks)
    assert queries.captured_queries == []  # the header goes out before the targets' query runs
    assert first.decode("utf-8").startswith("\ufeff") and len(first.decode("utf-8-sig").splitlines()) == 1
    rest = b"".join(chunks)
    assert len((first + rest).decode("utf-8-sig").splitlines()) == 4
