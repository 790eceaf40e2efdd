"""A dong official logs in on a tablet, opens the household list and a household."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_official_opens_list_and_household(page, live_server, login, screenshot, official, household,
                                           other_household):
    login("official")

    page.click("nav >> text=세대")
    page.wait_for_selector("table.table")
    rows = page.locator("table.table tbody tr")
    assert rows.count() == 1  # the other dong's household is not listed
    assert "김순자" in rows.first.inner_text()

    rows.first.locator("a").first.click()
    page.wait_for_selector("h2:has-text('가구원')")
    assert household.road_address in page.locator("h1").inner_text()
    assert "김순자" in page.locator("section.card").nth(1).inner_text()

    path = screenshot("household_detail")
    assert path.stat().st_size > 10_000
