"""The public door at phone size (issue 20): a request for oneself with a photo and an address picked from the
suggestions, followed on the status page through every stage with its messages in the district's log; an
anonymous neighbour's tip with a photo routed by its address. Screenshots saved."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from discovery.models import CrisisReport
from households.models import Attachment
from tests.browser.conftest import OUTPUT, _page
from tests.factories import HouseholdFactory
from tests.households.factories_attachments import jpeg_with_gps
from welfare.messaging.models import OutboundMessage

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def phone(browser):
    context, page = _page(browser, 390, 844)  # a phone held upright
    yield page
    context.close()


def shot(page, name: str) -> None:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(OUTPUT / f"{name}.png"), full_page=True)


def photo() -> dict:
    return {"name": "door.jpg", "mimeType": "image/jpeg", "buffer": jpeg_with_gps()}


@pytest.fixture
def street(dong):
    for number in (12, 14, 16):  # a road is suggested once three homes are known on it
        HouseholdFactory(dong=dong, road_address=f"서울특별시 성동구 왕십리로 {number}")
    return dong


def test_a_request_for_oneself_is_followed_through_every_stage(
    phone, live_server, street, district_admin, official, settings
):
    settings.MESSAGING_QUIET_HOURS = (0, 0)  # whatever the hour the test runs at: no quiet hours
    page = phone
    page.goto(f"{live_server.url}/report/")
    assert page.locator("#door-self").is_visible() and page.locator("#door-neighbour").is_visible()
    box = page.locator("#door-self").bounding_box()
    assert box["height"] >= 44 and box["width"] >= 300  # a large target at phone size
    page.click("#door-self")
    page.wait_for_url(f"{live_server.url}/report/?door=self")
    page.fill("input[name=subject_name]", "김민수")
    page.fill("input[name=birth_date]", "1958-04-02")
    page.fill("input[name=subject_phone]", "010-3456-7890")
    page.select_option("select[name=household_kind]", "alone")
    page.check("input[name=crisis_types][value=livelihood]")
    page.fill("textarea[name=details]", "병원비가 걱정돼요.")
    page.set_input_files("input[name=photo]", files=[photo()])
    page.locator("input[name=subject_address]").press_sequentially("왕십리", delay=30)
    page.locator("#address-suggestions option").first.wait_for(state="attached")
    assert "왕십리도선동" in page.locator("#address-suggestions option").first.get_attribute("label")
    page.fill("input[name=subject_address]", "왕십리로 12, 2층")
    page.check("input[name=consent]")
    shot(page, "front-door-self-phone")
    page.click("button:has-text('도움 신청하기')")
    page.wait_for_url(f"{live_server.url}/report/done/")
    code = page.locator(".receipt-code").inner_text().strip()
    pin = page.locator(".receipt-pin").inner_text().strip()
    report = CrisisReport.objects.get(receipt_code=code)
    assert report.dong == street and report.public_request.routed_by_address
    assert Attachment.objects.filter(owner_kind="report", owner_id=report.pk, kind="photo").exists()

    def look() -> str:
        page.goto(f"{live_server.url}/report/status/?code={code}")
        page.fill("input[name=secret]", pin)
        page.click("button:has-text('확인하기')")
        return page.locator("li.step.current").get_attribute("data-stage")

    from discovery.services import public_requests_notify

    assert look() == "received"
    stages = [
        ("checking", {"status": "screening", "assigned_official": official}),
        ("contacted", {"first_contacted_at": timezone.now()}),
        ("closed", {"status": "resolved", "outcome": "linkage_only", "resolved_at": timezone.now()}),
    ]
    for stage, change in stages:
        CrisisReport.objects.filter(pk=report.pk).update(**change)
        public_requests_notify()
        assert look() == stage
    assert "필요한 서비스를 연결해 드렸어요" in page.locator("#status-text").inner_text()
    shot(page, "front-door-status-closed-phone")
    page.fill("input[name=secret]", "000001" if pin != "000001" else "000002")
    page.click("button:has-text('확인하기')")
    assert page.locator("#status-result").count() == 0 and "맞지 않아요" in page.content()

    # The district admin's message log: one message per stage, the number masked.
    assert OutboundMessage.objects.filter(state="sent").count() == 4
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "districtadmin")
    page.fill("input[name=password]", "pass-for-tests-1")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/district/messages/log/")
    rows = page.locator("#message-log tbody tr")
    assert rows.count() == 4 and "010-****-7890" in rows.first.inner_text()
    assert "3456-7890" not in page.content().replace("010-****-7890", "")
    shot(page, "front-door-message-log-phone")


def test_an_anonymous_neighbour_tip_with_a_photo_is_routed_by_its_address(phone, live_server, street):
    page = phone
    page.goto(f"{live_server.url}/report/?door=neighbour")
    page.fill("input[name=subject_description]", "혼자 사시는 할머니")
    page.fill("input[name=subject_address]", "성동구 왕십리로 12")
    page.check("input[name=crisis_types][value=care]")
    page.set_input_files("input[name=photo]", files=[photo()])
    shot(page, "front-door-neighbour-phone")
    page.click("button:has-text('제보하기')")
    page.wait_for_url(f"{live_server.url}/report/done/")
    report = CrisisReport.objects.get()
    assert report.reporter_kind == "anonymous" and report.dong == street
    assert Attachment.objects.filter(owner_id=report.pk, owner_kind="report").count() == 1
    assert report.received_at > timezone.now() - dt.timedelta(minutes=5)
