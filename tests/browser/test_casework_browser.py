"""A dong official's casework on a tablet: a home visit with two needs, consent, a case, a service link, the timeline."""

import re

import pytest

from households.models import Case, Consent, ServiceLink, Visit
from plans.models import Resource

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def emergency_support(dong):
    resource = Resource.objects.create(
        district=dong.district, name="긴급 생계지원", provider="성동구청 복지정책과", sector="public",
        category="emergency", funding_source="구비", eligibility="위기 사유 발생 가구",
    )
    resource.dongs.set([dong])
    return resource


def test_official_logs_a_visit_opens_a_case_links_a_resource_and_sees_it_all_on_the_timeline(
        page, live_server, login, screenshot, official, household, emergency_support):
    # given the official logged in on a tablet, on the household page reached from the list
    login("official")
    page.click("nav >> text=세대")
    page.locator("table.table tbody tr").first.locator("a").first.click()
    page.wait_for_url(re.compile(rf"/households/{household.pk}/$"))

    # when they log a home visit with two needs: health (high) and income (medium)
    page.click("#visits a:has-text('방문 기록')")
    page.wait_for_selector("form[data-visit-form]")
    page.select_option("select[name=kind]", "home")
    page.select_option("select[name=contact_result]", "met")
    page.select_option("select[name=risk_level]", "high")
    page.fill("textarea[name=observations]", "당뇨 약을 2주째 못 드심. 월세 3개월 체납.")
    page.select_option("select[name=need_health]", "high")
    page.fill("input[name=need_health_note]", "당뇨 관리 중단")
    page.select_option("select[name=need_income]", "medium")
    page.click("button:has-text('방문 저장')")
    page.wait_for_url(re.compile(rf"/households/{household.pk}/$"))
    assert "방문" in page.locator("ul.messages").inner_text()

    # and record the head's consent to collection and use through the consent form
    page.locator("tr:has-text('김순자')").locator("text=동의 기록").click()
    page.wait_for_selector("input[name=scope][value=collect_use]")
    page.check("input[name=scope][value=collect_use]")
    page.select_option("select[name=method]", "written")
    page.click("form.consent-form button[type=submit]")
    page.wait_for_url(re.compile(rf"/households/{household.pk}/(#[\w-]+)?$"))

    # and open a case for her
    page.click("#cases >> text=사례 열기")
    page.wait_for_selector("select[name=client]")
    page.select_option("select[name=source]", "visit")
    page.fill("textarea[name=summary]", "가정 방문에서 건강·경제 욕구 발견")
    page.click("form.card button[type=submit]")
    page.wait_for_url(re.compile(rf"/households/{household.pk}/cases/\d+/$"))
    assert "사례를 접수했습니다" in page.locator("ul.messages").inner_text()

    # and link the resource from the case page
    page.click("text=연계 등록")
    page.wait_for_selector("select[name=resource]")
    page.select_option("select[name=resource]", str(emergency_support.pk))
    page.fill("input[name=amount_krw]", "300,000")
    page.click("form.card button[type=submit]")
    page.wait_for_url(re.compile(rf"/households/{household.pk}/cases/\d+/$"))
    assert emergency_support.name in page.locator("section.card:has(h2:has-text('서비스 연계'))").inner_text()

    # then the household timeline shows the visit with both needs, the case opening and the link
    page.click("p.crumbs a")
    page.wait_for_url(re.compile(rf"/households/{household.pk}/$"))
    timeline = page.locator("#timeline")
    visit_line = timeline.locator(".tl-visit").first.inner_text()
    assert "가정 방문" in visit_line and "건강(상)" in visit_line and "경제(중)" in visit_line
    assert "사례 접수" in timeline.locator(".tl-stage").first.inner_text()
    assert emergency_support.name in timeline.locator(".tl-link").first.inner_text()
    assert "300,000원" in timeline.locator(".tl-link").first.inner_text()
    path = screenshot("casework_timeline")
    assert path.stat().st_size > 10_000

    # and the database holds one of each, as typed
    visit = Visit.objects.get(household=household)
    assert sorted(visit.needs.values_list("domain", "severity")) == [("health", "high"), ("income", "medium")]
    assert Consent.objects.filter(resident__household=household, scope="collect_use").count() == 1
    case = Case.objects.get(household=household)
    assert (case.stage, case.source) == ("intake", "visit")
    link = ServiceLink.objects.get(case=case)
    assert (link.resource, link.amount_krw) == (emergency_support, 300_000)
