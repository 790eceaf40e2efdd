"""The offline field app in Debian's Chromium (issue 13): a service worker serves the household page without a
connection, visits and check-ins typed offline wait on the device and are sent once when the connection returns;
an expired session keeps the queue until the official logs in again; a conflict is reported, nothing is lost."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from households.models import Attachment, CareStatus, CheckIn, FollowUp, FollowUpStatus, Household, Visit
from tests.factories import HouseholdFactory, ResidentFactory, staff_user
from welfare.models import Role

from .conftest import OUTPUT

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pass-for-tests-1"


@pytest.fixture
def field_world(seongdong, dong):
    official = staff_user(Role.DONG_OFFICIAL, district=seongdong, dongs=[dong], username="field-official")
    official.set_password(PASSWORD)
    official.save()
    household = HouseholdFactory(dong=dong, assigned_official=official, status=CareStatus.UNDER_CARE,
                                 road_address="서울특별시 성동구 왕십리로 222", risk_level="medium",
                                 next_contact_on=timezone.localdate() - dt.timedelta(days=1))
    ResidentFactory(household=household, name="김현장", relation="head", birth_date=dt.date(1948, 3, 1))
    return official, household


def png_bytes() -> bytes:
    from io import BytesIO

    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (64, 48), (120, 90, 60)).save(buffer, format="PNG")
    return buffer.getvalue()


def shot(page, name: str) -> None:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(OUTPUT / f"{name}.png"), full_page=True)


def sign_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def take_pack(page, live_server) -> None:
    """Open the field home, wait until the service worker is active and controls the page, download the pack."""
    page.goto(f"{live_server.url}/households/field/")
    page.evaluate("async () => { await navigator.serviceWorker.ready; return true; }")
    if not page.evaluate("() => !!navigator.serviceWorker.controller"):
        page.reload()
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    page.wait_for_load_state("networkidle")  # the page's own first download of the pack is over
    page.click("#field-download")
    page.wait_for_function("() => document.getElementById('field-pack-age').textContent.indexOf('세대 1곳') >= 0")
    page.wait_for_load_state("networkidle")


def log_visit_offline(page, note: str) -> None:
    page.select_option("#fh-visit select[name=contact_result]", "met")
    page.fill("#fh-visit textarea[name=observations]", note)
    page.select_option("#fh-visit select[name=need_health]", "medium")
    page.click("#fh-visit button[type=submit]")


def queue_states(page) -> list[str]:
    return page.eval_on_selector_all("#field-queue > li[data-state]", "els => els.map(e => e.dataset.state)")


def test_visits_and_a_check_in_typed_offline_are_sent_once_when_the_connection_returns(page, live_server,
                                                                                       field_world):
    official, household = field_world
    sign_in(page, live_server, official.username)
    take_pack(page, live_server)

    # Offline: the household page comes from the service worker and the pack.
    page.context.set_offline(True)
    page.goto(f"{live_server.url}/households/{household.pk}/")
    page.wait_for_selector("#field-household:not([hidden])")
    assert "김현장" in page.inner_text("#fh-title") and "오프라인 화면" in page.inner_text("#field-pack-banner")
    log_visit_offline(page, "오프라인 첫 방문: 현관에서 만남")
    page.wait_for_function("() => document.querySelectorAll('#fh-queue > li').length === 1")
    log_visit_offline(page, "오프라인 두 번째 방문: 약 복용 확인")
    page.fill("#fh-checkin input[name=note]", "전화로 안부 확인")
    page.click("#fh-checkin button[type=submit]")
    page.wait_for_function("() => document.querySelectorAll('#fh-queue > li[data-state=pending]').length === 3")
    page.set_input_files("#fh-attach input[name=file]", files=[{"name": "house.png", "mimeType": "image/png",
                                                                 "buffer": png_bytes()}])
    page.fill("#fh-attach input[name=title]", "곰팡이 핀 벽")
    page.click("#fh-attach button[type=submit]")
    page.wait_for_function("() => document.querySelectorAll('#fh-queue > li[data-state=pending]').length === 4")
    assert not Visit.objects.exists() and not CheckIn.objects.exists() and not Attachment.objects.exists()

    # The page is closed and opened again, still offline: the queue is there.
    context = page.context
    page.close()
    page = context.new_page()
    page.goto(f"{live_server.url}/households/field/")
    page.wait_for_function("() => document.querySelectorAll('#field-queue > li[data-state=pending]').length === 4")
    shot(page, "field-offline-queue")

    # Online again: everything is sent, once.
    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_function("() => document.querySelectorAll('#field-queue > li[data-state=sent]').length === 4")
    page.reload()
    page.wait_for_function("() => document.querySelectorAll('#field-queue > li[data-state=sent]').length === 4")
    shot(page, "field-sync-report")
    assert Visit.objects.filter(household=household).count() == 2
    assert CheckIn.objects.filter(household=household).count() == 1
    photo = Attachment.objects.get(owner_kind="household", owner_id=household.pk)
    assert (photo.kind, photo.title) == ("photo", "곰팡이 핀 벽")
    household.refresh_from_db()
    assert household.next_contact_on > timezone.localdate()
    assert FollowUp.objects.get(household=household, status=FollowUpStatus.OPEN).due_on == household.next_contact_on


def test_after_the_session_expired_offline_the_queue_is_sent_once_the_official_logs_in(page, live_server,
                                                                                         field_world):
    official, household = field_world
    sign_in(page, live_server, official.username)
    take_pack(page, live_server)
    page.context.set_offline(True)
    page.goto(f"{live_server.url}/households/{household.pk}/")
    page.wait_for_selector("#field-household:not([hidden])")
    log_visit_offline(page, "세션이 끝난 뒤 보낼 방문")
    page.wait_for_function("() => document.querySelectorAll('#fh-queue > li[data-state=pending]').length === 1")

    page.goto(f"{live_server.url}/households/field/")  # offline: the field home from the service worker's cache
    page.wait_for_function("() => document.querySelectorAll('#field-queue > li[data-state=pending]').length === 1")
    Session.objects.all().delete()  # the session expires while the tablet is offline
    page.context.set_offline(False)
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    page.wait_for_selector("#field-login:not([hidden])")
    assert queue_states(page) == ["pending"] and not Visit.objects.exists()

    page.click("#field-login-link")
    page.fill("input[name=username]", official.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/households/field/")
    page.wait_for_function("() => document.querySelectorAll('#field-queue > li[data-state=sent]').length === 1")
    assert Visit.objects.filter(household=household).count() == 1


def test_care_ended_on_the_server_meanwhile_is_reported_and_the_visit_kept(page, live_server, field_world):
    official, household = field_world
    sign_in(page, live_server, official.username)
    take_pack(page, live_server)  # the pack says: under care
    # No later download may bring the server's new state to the device before it goes offline (on a loaded
    # machine the page's own first download can still be on its way): the pack on the device stays this one.
    page.context.route("**/api/v1/field/pack/**", lambda route: route.abort())
    page.wait_for_load_state("networkidle")
    assert page.evaluate("() => window.FieldStore.get('pack').then(p => p.households[0].status)") == "under_care"
    stale_pack = page.evaluate("() => window.FieldStore.get('pack')")
    # On the server, care ends while the tablet is away.
    Household.objects.filter(pk=household.pk).update(status=CareStatus.NOT_UNDER_CARE, next_contact_on=None)
    FollowUp.objects.filter(household=household).delete()
    page.context.set_offline(True)
    page.goto(f"{live_server.url}/households/{household.pk}/")
    # A download the service worker made for the page before the route (which does not see the worker's own
    # requests) can still land after the change above, and the device would then know care ended (no conflict to
    # report). Offline, on a page of its own, nothing downloads any more: the device gets back the pack it had.
    page.evaluate("pack => window.FieldStore.set('pack', pack)", stale_pack)
    page.reload()
    page.wait_for_selector("#field-household:not([hidden])")
    assert page.evaluate("() => window.FieldStore.get('pack').then(p => p.households[0].status)") == "under_care"
    log_visit_offline(page, "관리 종료 전에 한 방문")
    page.wait_for_function("() => document.querySelectorAll('#fh-queue > li[data-state=pending]').length === 1")

    page.context.set_offline(False)
    languages = []  # the sync says the page's language itself (not left to the network layer's Accept-Language)
    page.on("request", lambda r: languages.append(r.headers.get("accept-language"))
            if "/api/v1/field/sync/" in r.url else None)
    page.goto(f"{live_server.url}/households/field/")
    page.evaluate("() => window.dispatchEvent(new Event('online'))")  # as the browser does when the signal returns
    page.wait_for_function("() => document.querySelectorAll('#field-queue > li:not([data-state=pending])').length === 1")
    assert queue_states(page) == ["conflict"], page.inner_text("#field-queue")

    assert "관리가 종료" in page.inner_text("#field-queue")
    assert languages and set(languages) == {"ko"}
    visit = Visit.objects.get(household=household)
    assert visit.observations == "관리 종료 전에 한 방문" and visit.next_contact_on is None


def test_logout_asks_before_dropping_unsent_items_and_then_wipes_the_device(page, live_server, field_world):
    official, household = field_world
    sign_in(page, live_server, official.username)
    take_pack(page, live_server)
    # An item the server refuses (an unknown household) stays on the device as "확인 필요".
    page.evaluate("""() => window.FieldStore.add("check_in", {client_id: "x-1", household: 999999, source: "other"},
                                                 {title: "?"}).then(() => window.Field.sync())""")
    page.wait_for_function("() => document.querySelectorAll('#field-queue > li[data-state=refused]').length === 1")

    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.click("form[data-logout] button[type=submit]")
    page.wait_for_timeout(500)
    assert asked and "1건" in asked[0]
    assert page.url.endswith("/households/field/")  # still signed in: nothing dropped
    assert page.evaluate("() => window.FieldStore.queue().then(q => q.length)") == 1

    page.once("dialog", lambda dialog: dialog.accept())
    page.click("form[data-logout] button[type=submit]")
    page.wait_for_url(f"{live_server.url}/login/**")
    names = page.evaluate("() => indexedDB.databases().then(dbs => dbs.map(d => d.name))")
    assert "dong-welfare-field" not in names


def test_a_consent_signed_offline_on_a_tablet_is_sent_with_its_signed_pdf(tablet_page, live_server, field_world):
    """Issue 14 item 4: the resident signs with a finger on the offline household page; the signature waits in the
    queue and becomes the consent with its signed PDF when the connection returns."""
    from households.models import Consent

    page = tablet_page
    official, household = field_world
    sign_in(page, live_server, official.username)
    take_pack(page, live_server)
    page.context.set_offline(True)
    page.goto(f"{live_server.url}/households/{household.pk}/")
    page.wait_for_selector("#field-household:not([hidden])")

    page.check("#fh-consent input[name=scope][value=collect_use]")
    page.check("#fh-consent input[name=scope][value=sensitive]")
    page.click("#fh-consent button[type=submit]")  # no signature yet: said on the page, nothing queued
    assert "서명" in page.inner_text("#fh-consent-errors")
    pad = page.locator("#signature-pad")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    page.mouse.move(box["x"] + 40, box["y"] + 150)
    page.mouse.down()
    for x, y in ((120, 60), (220, 170), (330, 70), (440, 160)):
        page.mouse.move(box["x"] + x, box["y"] + y, steps=6)
    page.mouse.up()
    shot(page, "field-consent-signed-offline")
    page.click("#fh-consent button[type=submit]")
    page.wait_for_function("() => document.querySelectorAll('#fh-queue > li[data-state=pending]').length === 1")
    assert "동의(서명)" in page.inner_text("#fh-queue") and not Consent.objects.exists()

    page.context.set_offline(False)
    page.goto(f"{live_server.url}/households/field/")
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    page.wait_for_function("() => document.querySelectorAll('#field-queue > li[data-state=sent]').length === 1")
    consents = Consent.objects.filter(resident__household=household).order_by("scope")
    assert [c.scope for c in consents] == ["collect_use", "sensitive"] and all(c.signed_at for c in consents)
    pdfs = Attachment.objects.filter(owner_kind="consent", kind="consent")
    assert pdfs.count() == 2
    page.goto(f"{live_server.url}/households/{household.pk}/residents/{consents[0].resident_id}/consents/new/")
    assert page.locator(".consent-list .tag.ok").count() == 2  # "동의서 있음" beside each
