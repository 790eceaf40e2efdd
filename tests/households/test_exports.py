"""Issue 18 (item 19): Excel exports of the work lists — households (as filtered), open cases, follow-ups due,
crisis reports. The reason is asked, registration numbers are masked, cells are spreadsheet-safe, scope holds,
one access-log entry per file, and the queries do not grow with the rows."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from households.models import FollowUp
from tests.discovery.factories_network import report
from tests.factories import HouseholdFactory, ResidentFactory
from welfare.models import AccessLog

from .factories_cases import household_with_client, make_case

pytestmark = pytest.mark.django_db


def _rows(response):
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(response.content)).active
    return sheet, [list(r) for r in sheet.iter_rows(values_only=True)]


def _household(dong, address, rrn="9001011234567", risk="high"):
    household = HouseholdFactory(dong=dong, road_address=address, risk_level=risk)
    head = ResidentFactory(household=household, relation="head", name="김순자")
    head.set_rrn(rrn)
    head.save()
    return household


def test_households_export_asks_a_reason_then_writes_the_filtered_list_masked(
    client_for, official, dong, other_household
):
    _household(dong, '=HYPERLINK("http://x")', risk="high")
    _household(dong, "서울 성동구 왕십리로 2", risk="low")
    web = client_for(official)
    url = reverse("households:export") + "?risk_level=high"

    page = web.get(url)
    assert page.status_code == 200 and "내려받는 사유" in page.content.decode()
    refused = web.post(url, {"reason": ""})
    assert refused.status_code == 200 and "내려받는 사유를 적으세요." in refused.content.decode()
    assert not AccessLog.objects.filter(verb="households.household.exported").exists()

    sheet, rows = _rows(web.post(url, {"reason": "동 사례회의 자료"}))
    assert rows[0][:5] == ["행정동", "도로명주소", "상세주소", "세대주", "세대주 주민등록번호"]
    assert len(rows) == 2  # the filter (위기도 high) holds; the other dong's household is not there
    assert rows[1][1] == '\'=HYPERLINK("http://x")'  # spreadsheet-safe: stays text
    assert rows[1][4] == "900101-1******"
    assert "1234567" not in str(rows)
    assert sheet.auto_filter.ref == "A1:L2" and sheet.print_title_rows == "$1:$1"
    entry = AccessLog.objects.get(verb="households.household.exported")
    assert entry.action == "export" and entry.reason == "동 사례회의 자료" and entry.user == official
    assert entry.changes["rows"] == 1 and entry.changes["filters"]["risk_level"] == "high"


def test_households_export_runs_a_fixed_number_of_queries(
    client_for, official, dong, django_assert_max_num_queries
):
    web = client_for(official)
    url = reverse("households:export")
    _household(dong, "a")
    web.post(url, {"reason": "준비"})
    for i in range(15):
        _household(dong, f"주소 {i}", rrn=f"9001{10 + i:02d}1234567")
    with django_assert_max_num_queries(20):
        _sheet, rows = _rows(web.post(url, {"reason": "월별 방문 계획"}))
    assert len(rows) == 17


def test_cases_and_followups_due_exports(client_for, official, dong):
    household = household_with_client(dong)
    client = household.residents.get()
    client.set_rrn("8505052345678")
    client.save()
    make_case(household, by=official)
    today = timezone.localdate()
    FollowUp.objects.create(
        household=household, due_on=today - dt.timedelta(days=2), reason="cadence", assigned_to=official
    )
    FollowUp.objects.create(household=household, due_on=today + dt.timedelta(days=30), reason="manual")
    web = client_for(official)

    _sheet, cases = _rows(web.post(reverse("households:cases_export"), {"reason": "사례회의"}))
    assert len(cases) == 2 and cases[1][4] == "850505-2******" and cases[1][5] == "방문 상담"

    _sheet, due = _rows(web.post(reverse("households:followups_export"), {"reason": "방문 계획"}))
    assert len(due) == 2  # the one due in 30 days is not in the 7-day list
    assert due[1][1] == "예" and due[1][5] == "850505-2******"
    assert set(AccessLog.objects.filter(action="export").values_list("verb", flat=True)) == {
        "households.case.exported",
        "households.followup.exported",
    }


def test_reports_export_keeps_scope_and_leaves_out_the_reporter(client_for, official, dong, other_household):
    from discovery.models.reports import ReporterIdentity

    made = report(
        dong,
        subject_name="박영희",
        subject_phone="01012345678",
        subject_description="주민번호 900101-1234567 적힘",
    )
    ReporterIdentity.objects.create(report=made, name="제보자이름", phone="01099998888")
    report(other_household.dong, subject_name="다른동사람")
    sheet, rows = _rows(client_for(official).post(reverse("discovery:queue_export"), {"reason": "주간 점검"}))
    assert len(rows) == 2
    text = str(rows)
    assert "박영희" in text and "010-1234-5678" in text
    assert (
        "다른동사람" not in text
        and "제보자이름" not in text
        and "9999" not in text
        and "1234567 적힘" not in text
    )
    assert AccessLog.objects.filter(verb="discovery.report.exported", reason="주간 점검").count() == 1


def test_exports_are_refused_to_roles_without_worklists(client_for, planner):
    assert client_for(planner).get(reverse("households:export")).status_code == 403
    assert client_for(planner).get(reverse("discovery:queue_export")).status_code == 403
