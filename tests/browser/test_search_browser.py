"""The header's search box from the keyboard: "/" focuses it, Enter searches, the results link to the household."""

import pytest

from tests.factories import ResidentFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_slash_focuses_the_search_box_and_enter_finds_the_resident(page, live_server, login, screenshot, official,
                                                                   household, other_household):
    blocked = []
    page.on("console", lambda message: blocked.append(message.text) if "Content Security Policy" in message.text
            else None)
    ResidentFactory(household=other_household, name="최순자", relation="spouse")  # another dong's
    login("official")

    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "global-search"
    page.keyboard.type("순자")
    page.keyboard.press("Enter")

    page.wait_for_selector("h2:has-text('가구원')")
    hits = page.locator("section.search-group").first.inner_text()
    assert "김순자" in hits and "최순자" not in page.content()  # the other dong's resident is not found
    assert page.input_value("#global-search") == "순자"
    screenshot("search_results")
    page.locator("section.search-group a").first.click()
    page.wait_for_selector("h2:has-text('가구원')")
    assert household.road_address in page.locator("h1").inner_text()
    assert blocked == []
