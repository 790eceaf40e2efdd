"""Issue 18, layout: a phone (390×844) and a tablet (820×1180) show the key pages without horizontal overflow;
the header is compact and sticky with a menu behind a button; the tip-off form's check boxes are 24 px in a grid
with the question as their legend; a refused form puts a focused error summary at its top, linking to the field.

Screenshots of every page at both widths go to var/test-output/layout_<width>_<page>.png."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from households.models import Visit
from tests.browser.conftest import OUTPUT, sign_in
from tests.discovery.factories_network import report
from tests.factories import ResidentFactory
from tests.households.factories_cases import make_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG = "가" * 3000  # a long unbroken word from a user: it must break, not widen the page
VIEWPORTS = {"phone": (390, 844), "tablet": (820, 1180)}


def _overflow(page) -> int:
    """How many CSS pixels the document is wider than the viewport (0 when it fits)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def _shot(page, width: int, name: str) -> None:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(OUTPUT / f"layout_{width}_{name}.png"), full_page=True)


@pytest.fixture
def data(official, household, dong):
    ResidentFactory(household=household, relation="head", name="김순자")
    household.address_detail = "1" * 100
    Visit.objects.create(
        household=household,
        kind="home",
        visited_at=timezone.now() - dt.timedelta(days=2),
        contact_result="met",
        risk_level="high",
        observations=LONG,
        recorded_by=official,
    )
    case = make_case(household, by=official)
    for i in range(3):
        report(
            dong, subject_name=f"제보대상{i}", subject_address="서울성동구왕십리로" + "1" * 150, details=LONG
        )
    household.next_contact_on = timezone.localdate() - dt.timedelta(days=1)
    household.assigned_official = official
    household.status = "under_care"
    household.save()
    return {"household": household, "case": case}


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_key_pages_fit_phone_and_tablet(browser, live_server, data, viewport):
    width, height = VIEWPORTS[viewport]
    context = browser.new_context(
        viewport={"width": width, "height": height}, locale="ko-KR", timezone_id="Asia/Seoul", has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        household, case = data["household"], data["case"]
        # The public tip-off form first (no sign-in).
        page.goto(f"{live_server.url}/report/")
        assert _overflow(page) <= 0
        _shot(page, width, "public_report")
        sign_in(page, live_server, "official")
        pages = {
            "home": reverse("home"),
            "households": reverse("households:list"),
            "household": reverse("households:detail", args=[household.pk]),
            "visit_form": reverse("households:visit_add", args=[household.pk]),
            "case": reverse("households:case_detail", args=[household.pk, case.pk]),
            "caseload": reverse("households:caseload"),
            "queue": reverse("discovery:queue"),
            "report_new": reverse("discovery:report_create"),
        }
        for name, url in pages.items():
            page.goto(live_server.url + url)
            page.wait_for_load_state("load")
            assert _overflow(page) <= 0, f"{name} is {_overflow(page)} px wider than {width} px"
            _shot(page, width, name)
            if name == "queue":  # the quick actions are on screen, not in a column off to the right
                quick = page.locator("details.quick").first.bounding_box()
                assert quick["x"] >= 0 and quick["x"] + quick["width"] <= width

        # The header: compact, sticky, its menu folded behind a button that opens it.
        page.goto(live_server.url + reverse("households:list"))
        header = page.locator("header.topbar")
        assert header.bounding_box()["height"] <= 110
        assert page.locator("#mainnav").is_hidden()
        page.click("button.menu-toggle")
        assert page.locator("#mainnav").is_visible()
        assert page.get_attribute("button.menu-toggle", "aria-expanded") == "true"
        # the counts of waiting work arrive on the menu items (3 open reports, 1 overdue contact)
        page.wait_for_selector("#mainnav a[data-count=triage] .count")
        assert page.locator("#mainnav a[data-count=triage] .count").inner_text() == "3"
        assert page.locator("#mainnav a[data-count=caseload] .count").inner_text() == "1"
        page.keyboard.press("Escape")
        assert page.locator("#mainnav").is_hidden()
        page.mouse.wheel(0, 2000)
        page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        assert header.bounding_box()["y"] == 0  # sticky: still at the top after scrolling
    finally:
        context.close()


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_tip_off_checkboxes_and_error_summary(browser, live_server, dong, viewport):
    width, height = VIEWPORTS[viewport]
    context = browser.new_context(viewport={"width": width, "height": height}, locale="ko-KR")
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/report/")
        group = page.locator("fieldset.field.choices").first
        assert group.locator("legend").count() == 1
        boxes = group.locator("input[type=checkbox]")
        assert boxes.count() >= 3
        for i in range(boxes.count()):
            box = boxes.nth(i).bounding_box()
            assert box["width"] >= 24 and box["height"] >= 24
            label = boxes.nth(i).locator("xpath=..")
            assert label.bounding_box()["width"] >= 150  # not a ~100 px column wrapping word by word
        legend = group.locator("legend").bounding_box()
        assert legend["y"] < boxes.first.bounding_box()["y"]  # the question sits above its options

        # An empty submit: the summary at the top takes the focus; its link leads to the field.
        page.click("button.primary[type=submit]")
        page.wait_for_selector(".error-summary")
        assert page.evaluate("document.activeElement.classList.contains('error-summary')")
        summary = page.locator(".error-summary")
        assert summary.bounding_box()["y"] < height  # in view, not far below the fold
        first_link = summary.locator("a").first
        target = first_link.get_attribute("href")
        first_link.click()
        assert page.evaluate("'#' + document.activeElement.id") == target
        assert _overflow(page) <= 0
        _shot(page, width, "public_report_refused")
    finally:
        context.close()


def test_resolve_form_shows_only_the_chosen_outcomes_fields(browser, live_server, official, dong):
    made = report(dong, subject_name="박영희")
    url = live_server.url + reverse("discovery:report_detail", args=[made.pk])
    form = "form[data-outcome-form]"
    for javascript in (True, False):
        context = browser.new_context(
            viewport={"width": 820, "height": 1180}, locale="ko-KR", java_script_enabled=javascript
        )
        page = context.new_page()
        try:
            sign_in(page, live_server, "official")
            page.goto(url)
            sets = {
                when: page.locator(f"{form} fieldset[data-when='{when}']")
                for when in ("case_opened", "linkage_only", "duplicate", "unreachable")
            }
            if not javascript:  # the fallback: every outcome's fields, each titled
                assert all(s.is_visible() for s in sets.values())
                continue
            assert not any(s.is_visible() for s in sets.values())  # no outcome chosen yet
            page.select_option(f"{form} select[name=outcome]", "case_opened")
            assert sets["case_opened"].is_visible() and not sets["linkage_only"].is_visible()
            page.select_option(f"{form} select[name=outcome]", "linkage_only")
            assert sets["linkage_only"].is_visible() and not sets["case_opened"].is_visible()
            page.select_option(f"{form} select[name=outcome]", "unreachable")
            assert sets["unreachable"].is_visible() and not sets["duplicate"].is_visible()
        finally:
            context.close()


def test_a_long_resource_picker_is_searchable_and_works_without_javascript(
    browser, live_server, official, dong
):
    from plans.models import Resource
    from tests.households.factories_cases import household_with_client

    household = household_with_client(dong)
    case = make_case(household, by=official)
    for i in range(25):
        resource = Resource.objects.create(
            district=dong.district, name=f"자원{i:02d}", provider="복지관", sector="private", category="food"
        )
        resource.dongs.set([dong])
    target = Resource.objects.create(
        district=dong.district, name="긴급 생계지원", provider="구청", sector="public", category="emergency"
    )
    target.dongs.set([dong])
    url = live_server.url + reverse("households:link_add", args=[household.pk, case.pk])
    for javascript in (True, False):
        context = browser.new_context(
            viewport={"width": 390, "height": 844}, locale="ko-KR", java_script_enabled=javascript
        )
        page = context.new_page()
        try:
            sign_in(page, live_server, "official")
            page.goto(url)
            select = page.locator("select[name=resource]")
            if not javascript:
                assert page.locator(".picker-search").count() == 0
                select.select_option(value=str(target.pk))  # a plain select still picks
                assert select.input_value() == str(target.pk)
                continue
            search = page.locator("input.picker-search")
            assert search.get_attribute("aria-label").endswith("검색")
            search.fill("생계")
            visible = page.evaluate(
                "Array.from(document.querySelector('select[name=resource]').options)"
                ".filter(o => !o.hidden && o.value).map(o => o.text)"
            )
            assert len(visible) == 1 and "긴급 생계지원" in visible[0]
            assert select.input_value() == str(target.pk)  # the only match is chosen
            assert _overflow(page) <= 0
        finally:
            context.close()
