"""A neighbour's anonymous tip-off through /report/, triaged by the dong official into a case; screenshot saved."""

import re

import pytest

from discovery.models import CrisisReport
from households.models import Case, Resident

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_tip_off_is_triaged_into_a_case(page, live_server, login, screenshot, official, dong):
    # given a neighbour on the public form, not logged in
    page.goto(f"{live_server.url}/report/")
    assert "개인정보 수집·이용 안내" in page.content()
    page.fill("input[name=subject_name]", "김영희")
    page.fill("input[name=subject_address]", "서울특별시 성동구 왕십리로 222, 3층")
    page.check("input[name=risk_signals][value=no_food]")
    page.check("input[name=risk_signals][value=isolation]")
    page.fill("textarea[name=details]", "혼자 사시는 할머니가 며칠째 밖에 안 나오세요. <script>alert(1)</script>")
    page.select_option("select[name=where]", label="왕십리도선동")

    # when they send it anonymously
    page.click("button:has-text('제보하기')")
    page.wait_for_url(f"{live_server.url}/report/done/")
    code = page.locator(".receipt-code").inner_text().strip()
    report = CrisisReport.objects.get()
    assert code == report.receipt_code and report.reporter_kind == "anonymous" and report.dong == dong

    # then the official finds it in the dong's queue and opens it
    login("official")
    page.goto(f"{live_server.url}/discovery/reports/")
    row = page.locator(f"tr:has-text('{code}')")
    assert "끼니 해결 곤란" in row.inner_text()
    row.locator(f"a:has-text('{code}')").click()
    page.wait_for_url(re.compile(rf"/discovery/reports/{report.pk}/$"))
    assert "&lt;script&gt;" in page.content()  # shown as text, never run

    # no household matches: the official creates one from the report (the head prefilled from it)
    page.click("text=새 세대 만들기")
    page.wait_for_selector("input[name=road_address]")
    assert page.input_value("input[name='head-name']") == "김영희"
    page.fill("input[name=road_address]", "서울특별시 성동구 왕십리로 222")
    page.fill("input[name=address_detail]", "3층")
    page.select_option("select[name=housing_type]", "multi_family")
    page.check("input[name=is_single_person]")
    page.click("button:has-text('세대 만들고 연결')")
    page.wait_for_url(re.compile(rf"/discovery/reports/{report.pk}/"))
    assert "새 세대를 만들고" in page.locator("ul.messages").inner_text()

    # and records her consent to collection and use through the household's consent form
    page.locator("#household tr:has-text('김영희')").locator("text=동의 기록").click()
    page.wait_for_selector("input[name=scope][value=collect_use]")
    page.check("input[name=scope][value=collect_use]")
    page.select_option("select[name=method]", "verbal")
    page.click("form.consent-form button[type=submit]")
    page.wait_for_url(re.compile(r"/households/\d+/(#[\w-]+)?$"))

    # and resolves the report as "case opened"
    page.goto(f"{live_server.url}/discovery/reports/{report.pk}/")
    page.select_option("#attempts select[name=method]", "visit")  # the first contact: a home visit that met her
    page.check("#attempts input[name=reached]")
    page.click("text=접촉 시도 기록")
    page.wait_for_url(re.compile(rf"/discovery/reports/{report.pk}/"))
    page.select_option("#resolve select[name=outcome]", "case_opened")
    head = Resident.objects.get(name="김영희")
    page.select_option("#resolve select[name=client]", str(head.pk))
    page.click("#resolve button:has-text('처리 완료')")
    page.wait_for_url(re.compile(rf"/discovery/reports/{report.pk}/$"))

    # then the report is resolved with the case it opened
    assert "제보를 처리 완료했습니다" in page.locator("ul.messages").inner_text()
    assert "통합사례관리 접수" in page.locator("section.resolved").inner_text()
    case = Case.objects.get()
    report.refresh_from_db()
    assert report.case == case and case.source == "report" and report.first_contacted_at is not None
    path = screenshot("tipoff_triaged")
    assert path.exists()


def test_an_official_finds_the_reporting_member_by_name_and_loses_nothing_typed(page, login, live_server, official,
                                                                               dong, screenshot):
    from tests.discovery.factories_network import member

    gas = member(dong, name="김가스", organisation="성동도시가스")
    member(dong, name="이통장")

    # given an official halfway through a network member's report
    login("official")
    page.goto(f"{live_server.url}/discovery/reports/new/")
    page.select_option("select[name=channel]", "network")
    page.fill("input[name=subject_name]", "박복순")
    page.check("input[name=risk_signals][value=no_food]")
    page.fill("textarea[name=details]", "가스 검침 때 인기척이 없음")
    page.select_option("select[name=reporter_kind]", "network_member")

    # when they type the member's name and press Enter in the search box
    page.fill("input[name=member_find]", "김가스")
    page.press("input[name=member_find]", "Enter")
    page.wait_for_load_state()

    # then the one found is chosen and what was typed is still there; nothing was taken yet
    assert page.input_value("select[name=network_member]") == str(gas.pk)
    assert page.input_value("input[name=subject_name]") == "박복순"
    assert page.is_checked("input[name=risk_signals][value=no_food]")
    assert not CrisisReport.objects.exists() and not page.locator(".error").count()
    screenshot("report_member_found")

    # and Enter in another box takes the report, naming the member
    page.press("input[name=subject_name]", "Enter")
    page.wait_for_url(re.compile(r"/discovery/reports/\d+/$"))
    report = CrisisReport.objects.get()
    assert report.network_member == gas and report.subject_name == "박복순"
    assert report.reporter_kind == "network_member"  # the form once drew this select twice, and the second won
