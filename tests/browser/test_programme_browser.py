"""An official runs a social-network programme on a tablet: enrols a consenting resident, takes attendance,
records the before and after loneliness scale; the programme page then shows the paired change and its chart."""

import datetime as dt

import pytest

from discovery.instrument_defaults import ensure
from discovery.models import Attendance, Instrument, InstrumentItem, Measurement
from discovery.services import programmes as services
from tests.factories import ConsentFactory, HouseholdFactory, ResidentFactory
from welfare.common.dates import seoul_today

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_official_enrols_takes_attendance_and_measures(page, live_server, login, screenshot, official, dong):
    ensure(Instrument, InstrumentItem)
    today = seoul_today()
    ucla = Instrument.objects.get(code="ucla3", district=None)
    programme = services.programme_save(by=official, data=services.ProgrammeInput(
        dong=dong, title="함께 만드는 반찬", place="주민센터 공유부엌", starts_on=today - dt.timedelta(days=30),
        ends_on=today + dt.timedelta(days=30), instruments=[ucla]))
    session = services.session_add(by=official, programme=programme, held_on=today - dt.timedelta(days=21), topic="1회차")
    resident = ResidentFactory(household=HouseholdFactory(dong=dong), name="최복희")
    ConsentFactory(resident=resident, granted_on=today - dt.timedelta(days=60))

    login("official")
    page.goto(f"{live_server.url}/discovery/programmes/")
    page.click("a:has-text('함께 만드는 반찬')")
    # finds the resident by name and enrols them
    page.fill("#participants input[name=find]", "최복희")
    page.click("#participants button:has-text('찾기')")
    page.check(f"#participants input[name=resident][value='{resident.pk}']")
    page.click("#participants button:has-text('참여자 등록')")
    page.wait_for_selector("text=참여자를 등록했습니다")
    # takes attendance of the first session
    page.click("#sessions a:has-text('출석 체크')")
    page.check("input[name=present]")
    page.click("button:has-text('출석 저장')")
    page.wait_for_selector("text=출석 1명을 저장했습니다")
    assert Attendance.objects.filter(session=session).count() == 1
    # records the before measure (자주 있다 ×3 = 9) and the after measure (거의 없다, 가끔 있다, 거의 없다 = 4)
    for phase, picks in (("before", ["자주 있다"] * 3), ("after", ["거의 없다", "가끔 있다", "거의 없다"])):
        page.click(f"#participants a[href$='phase={phase}']")
        page.wait_for_selector("h1:has-text('외로움 척도')")
        for order, label in enumerate(picks, start=1):
            page.check(f"label:has-text('{label}') >> input[name=item_{order}]")
        page.click("form.measure-form button[type=submit]")
        page.wait_for_selector("text=측정 결과를 저장했습니다")
    assert sorted(Measurement.objects.values_list("phase", "score")) == [("after", 4), ("before", 9)]
    # and the page shows the paired change (9 → 4, −5) with the before/after chart
    outcomes = page.inner_text("#outcomes")
    assert "9.0" in outcomes and "4.0" in outcomes and "-5.0" in outcomes
    assert page.locator("#outcomes svg.before-after rect.after").count() == 1
    screenshot("programme_page")
