"""A practised official on a tablet (820×1180): copies the last visit, inserts a phrase, saves (issue 13 item 5)."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from households.models import DEFAULT_PHRASES, Visit, VisitNeed
from tests.households.factories_visits import VisitFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_official_copies_the_last_visit_inserts_a_phrase_and_saves(page, live_server, login, screenshot, official,
                                                                   household):
    # given a household whose last visit, by phone, found a health (high) and an income (medium) need
    last = VisitFactory(household=household, kind="phone", recorded_by=official,
                        visited_at=timezone.now() - dt.timedelta(days=5))
    VisitNeed.objects.create(visit=last, domain="health", severity="high", note="복약 중단")
    VisitNeed.objects.create(visit=last, domain="income", severity="medium")
    page.set_viewport_size({"width": 820, "height": 1180})
    login("official")

    # when the official opens the visit form and copies the last visit
    page.goto(f"{live_server.url}/households/{household.pk}/visits/new/")
    page.click("a[data-copy-last]")
    page.wait_for_url(re.compile(r"\?copy=last$"))
    assert page.input_value("select[name=kind]") == "phone"
    assert page.input_value("select[name=need_health]") == "high"
    assert page.input_value("input[name=need_health_note]") == "복약 중단"
    assert page.input_value("select[name=need_income]") == "medium"

    # and types a note, then taps a health phrase in the list
    page.fill("textarea[name=observations]", "약을 다시 드시기로 함")
    page.click("details[data-phrases] summary")
    phrase = DEFAULT_PHRASES["health"][1]
    page.click(f"button.phrase:has-text('{phrase}')")
    assert page.input_value("textarea[name=observations]") == f"약을 다시 드시기로 함. {phrase}"

    # then the whole form fits the tablet's width: nothing scrolls sideways, the needs table neither
    widths = page.evaluate("""() => {
        const wrap = document.querySelector('.needs .table-wrap');
        // What a finger hits: the field or button itself, or the label around a checkbox or a radio.
        const targets = [...document.querySelectorAll(
            'form[data-visit-form] button, form[data-visit-form] select, form[data-visit-form] textarea,' +
            'form[data-visit-form] input:not([type=hidden]), details[data-phrases] summary')]
            .filter((el) => el.offsetParent !== null)
            .map((el) => (el.type === 'checkbox' || el.type === 'radio') && el.closest('label') ? el.closest('label') : el);
        return {page: document.documentElement.scrollWidth, view: window.innerWidth,
                table: wrap.scrollWidth, box: wrap.clientWidth,
                smallest: Math.min(...targets.map((el) => el.getBoundingClientRect().height))};
    }""")
    assert widths["page"] <= widths["view"], widths
    assert widths["table"] <= widths["box"], widths
    assert widths["smallest"] >= 24, widths
    screenshot("quick_visit_tablet")

    # when they save
    page.click("button:has-text('방문 저장')")
    page.wait_for_url(re.compile(rf"/households/{household.pk}/$"))

    # then the new visit holds the copied needs and the note with the phrase
    visit = Visit.objects.exclude(pk=last.pk).get(household=household)
    assert visit.kind == "phone" and visit.contact_result == "met"
    assert visit.observations == f"약을 다시 드시기로 함. {phrase}"
    assert {(n.domain, n.severity, n.note) for n in visit.needs.all()} == {
        ("health", "high", "복약 중단"), ("income", "medium", "")}
