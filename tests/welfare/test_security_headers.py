"""Headers every response carries (CSP, frame and referrer policy) and Cache-Control: no-store on everything
that may show personal data; no inline script or style anywhere, so the CSP needs no exception."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from tests.api.conftest import bearer_client
from welfare.models import ApiToken

ROOT = Path(__file__).resolve().parents[2]
POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "worker-src": "'self'",  # the field app's service worker
    "manifest-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def policy_of(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return dict((part.strip().split(" ", 1) + [""])[:2] for part in header.split(";") if part.strip())


def inline_scripts(html: str) -> list[str]:
    """<script> elements without src whose content would run (JSON data blocks do not)."""
    found = []
    for attrs, body in re.findall(r"<script\b([^>]*)>(.*?)</script>", html, flags=re.S | re.I):
        if "src=" in attrs or "application/json" in attrs:
            continue
        found.append(body.strip() or attrs)
    return found


def no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


pytestmark = pytest.mark.django_db


# Content-Security-Policy and the other headers ----------------------------------------------------------------


def test_a_signed_in_page_carries_the_policy_and_the_browser_headers(client_for, official, household):
    response = client_for(official).get(f"/households/{household.pk}/")

    assert response.status_code == 200
    assert policy_of(response) == POLICY
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert inline_scripts(response.content.decode()) == []
    assert " style=" not in response.content.decode()


def test_the_public_form_and_the_login_page_carry_the_policy(client, dong):
    for url in (reverse("report:create"), reverse("login")):
        response = client.get(url)
        assert response.status_code == 200
        assert policy_of(response) == POLICY
        assert inline_scripts(response.content.decode()) == []


def test_no_template_has_inline_script_handlers_or_styles():
    offenders = []
    for path in (ROOT / "templates").rglob("*.html"):
        # Template tags and comments are not HTML ({% render_field f style=style %} is an argument).
        text = re.sub(r"{%.*?%}|{#.*?#}|{{.*?}}", "", path.read_text(encoding="utf-8"), flags=re.S)
        name = path.relative_to(ROOT)
        offenders += [f"{name}: inline script" for _ in inline_scripts(text)]
        offenders += [f"{name}: {m}" for m in re.findall(r"\son[a-z]+\s*=", text)]
        offenders += [f"{name}: style attribute" for _ in re.findall(r"\sstyle\s*=", text)]
        offenders += [f"{name}: <style>" for _ in re.findall(r"<style\b", text)]
        offenders += [f"{name}: javascript: URL" for _ in re.findall(r"javascript:", text)]
    assert offenders == []


def test_the_api_docs_load_under_the_policy_with_no_inline_script(client):
    response = client.get("/api/docs/")

    assert response.status_code == 200
    assert policy_of(response)["script-src"] == "'self'"
    html = response.content.decode()
    assert inline_scripts(html) == [] and "<style" not in html
    # The start-up script comes from the same URL, as a script file.
    script_url = re.search(r'<script src="(/api/docs/\?[^"]*script[^"]*)"', html).group(1)
    script = client.get(script_url.replace("&amp;", "&"))
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()
    # Offline: every asset from our own static files, and no validator badge fetched from swagger.io.
    assert "http://" not in html and "https://" not in html
    assert '"validatorUrl": null' in script.content.decode()


# Cache-Control: no-store --------------------------------------------------------------------------------------


def test_the_household_page_is_not_stored(client_for, official, household):
    response = client_for(official).get(f"/households/{household.pk}/")

    assert no_store(response) and "private" in response["Cache-Control"]


def test_every_signed_in_page_is_not_stored_even_without_personal_data(client_for, official):
    assert no_store(client_for(official).get(reverse("home")))


def test_an_api_list_is_not_stored(official, household):
    _token, key = ApiToken.issue(user=official, name="테스트 연동")
    response = bearer_client(key).get("/api/v1/households/")

    assert response.status_code == 200
    assert no_store(response)


def test_an_api_list_through_the_session_is_not_stored(client_for, official, household):
    response = client_for(official).get("/api/v1/households/", HTTP_ACCEPT="application/json")

    assert response.status_code == 200 and no_store(response)


def test_the_public_receipt_page_is_not_stored(client, dong):
    client.post(reverse("report:create"), {
        "subject_description": "3층에 혼자 사시는 할아버지", "risk_signals": ["isolation"],
        "details": "우편물이 쌓여 있어요.", "where": f"dong:{dong.pk}"})
    response = client.get(reverse("report:done"))

    assert response.status_code == 200 and no_store(response)


def test_static_files_keep_their_caching(settings, official):
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    client = Client()  # a fresh handler reads the settings above
    client.force_login(official)

    response = client.get("/static/css/app.css")

    assert response.status_code == 200
    assert not no_store(response)
    assert "max-age" in response["Cache-Control"]
