"""A resident signs a consent with a finger on a tablet-sized screen; the signed PDF is attached and opens (issue 14)."""

import pytest

from households.models import Attachment, Consent

from .conftest import OUTPUT, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_consent_signed_on_the_tablet_becomes_a_pdf(tablet_page, live_server, official, household):
    page = tablet_page
    resident = household.residents.get()
    sign_in(page, live_server, "official")
    page.goto(f"{live_server.url}/households/{household.pk}/residents/{resident.pk}/consents/new/")

    page.check("input[name=scope][value=collect_use]")
    pad = page.locator("#signature-pad")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    page.mouse.move(box["x"] + 40, box["y"] + 150)
    page.mouse.down()
    for x, y in ((120, 60), (220, 170), (330, 70), (440, 160), (560, 90)):
        page.mouse.move(box["x"] + x, box["y"] + y, steps=6)
    page.mouse.up()
    OUTPUT.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(OUTPUT / "consent_signed_tablet.png"), full_page=True)
    page.click("button[type=submit].primary")

    page.wait_for_selector("#attachments a:has-text('전자서명')")
    consent = Consent.objects.get()
    assert (consent.scope, consent.method) == ("collect_use", "electronic") and consent.signed_at
    link = page.locator("#attachments a:has-text('전자서명')")
    href = link.get_attribute("href")
    response = page.context.request.get(f"{live_server.url}{href}")
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF-")
    assert Attachment.objects.get().owner_id == consent.pk
